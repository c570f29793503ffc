"""A tumour set (ALL -> BLL|TLL) is shown in words in the reports and the server view (before: the code
BLL|TLL alone, because the name was looked up in kb.tumors, which holds no sets)."""

from __future__ import annotations

import html

from oncoresist.annotate import annotate
from oncoresist.knowledge.loader import load_knowledge
from oncoresist.report.annotation import to_html, to_markdown, tumor_name
from oncoresist.server.render import annotation_view


def test_all_reads_as_its_members_names() -> None:
    kb = load_knowledge()
    res = annotate(["BCR::ABL1 fusion"], drug="imatinib", tumor="ALL", knowledge=kb)
    assert res.tumor == "BLL|TLL"
    words = kb.tumor_label("BLL|TLL")
    assert " or " in words and "Lymphoblastic" in words
    assert tumor_name("BLL|TLL", kb) == words
    assert tumor_name("NSCLC", kb) == kb.tumors["NSCLC"].name
    assert tumor_name("NOPE", kb) is None and tumor_name(None, kb) is None
    assert f"BLL|TLL ({words})" in to_markdown(res, kb)
    assert html.escape(words) in to_html(res, kb)
    assert annotation_view(res, kb)["tumor_name"] == words
