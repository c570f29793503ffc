"""The annotation HTML report, as a reader sees it.

Before: a profile the knowledge says nothing about got the same sentence twice ("Verdict: no knowledge
applies ..." then "No knowledge applies ..."); valid alterations the knowledge does not cover were
listed under "Unrecognised inputs"; the tumour relation read "tumour: ancestor (NSCLC)".
"""

from __future__ import annotations

from pathlib import Path

from oncoresist.annotate import annotate
from oncoresist.report.annotation import to_html, write_html


def test_no_knowledge_is_said_once_and_uncovered_alterations_are_not_called_unrecognised() -> None:
    res = annotate(["ERG T241M", "ICOSLG W54*"], drug="osimertinib", tumor="NSCLC")
    assert res.verdict == "unknown" and not res.findings and res.unrecognised_detail
    html = to_html(res)
    assert html.lower().count("no knowledge applies") == 1
    assert "Unrecognised inputs" not in html and "Not recognised, or not in the knowledge" in html
    assert "no fact or option in the knowledge names ERG" in html
    assert "Research software, not a medical device" in html and res.knowledge_version in html


def test_tumour_relation_is_in_words() -> None:
    res = annotate(["EGFR exon 19 deletion", "MET amplification"], drug="osimertinib", tumor="LUAD")
    html = to_html(res)
    relations = {f.tumor_relation for f in res.findings}
    assert "ancestor" in relations  # evidence recorded in NSCLC, asked for LUAD
    assert "evidence in a broader tumour type" in html and "tumour: ancestor" not in html


def test_write_html_refuses_a_folder_naming_html(tmp_path: Path) -> None:
    import pytest

    from oncoresist.errors import OutputError

    res = annotate(["EGFR L858R"], drug="erlotinib", tumor="NSCLC")
    with pytest.raises(OutputError, match=r"^html: .* is a folder"):
        write_html(res, tmp_path)
    assert write_html(res, tmp_path / "r.html").read_text().startswith("<!DOCTYPE html>")
