"""The page renders what ``to_dict()`` returns, including keys added to the contract later."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient

from oncoresist.annotate import annotate
from oncoresist.annotate.result import AnnotationResult
from oncoresist.server.app import make_templates
from oncoresist.server.render import annotation_view


@dataclass(frozen=True)
class _Later(AnnotationResult):
    """A result as a later annotator may return it: conflicts, and a key nobody knows yet."""

    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        d["conflicts"] = [{"alteration": "EGFR T790M", "side": "sensitivity", "evidence_level": "C",
                           "sources": ["PMID:00000001"]}]  # fmt: skip
        d["aggregation"] = {"groups": 2}
        for f in d["findings"]:
            f["tumor_match"] = "exact"
        return d


def test_new_keys_are_shown_not_dropped(kb) -> None:  # type: ignore[no-untyped-def]
    base = annotate(["EGFR L858R", "EGFR T790M"], drug="erlotinib", tumor="NSCLC", knowledge=kb)
    later = _Later(**{f: getattr(base, f) for f in base.__dataclass_fields__})
    v = annotation_view(later, kb)
    assert v["conflicts"][0] == ["alteration", "side", "evidence_level", "sources"]
    generic = [k for k, _, _ in v["generic"]]
    assert generic[-1] == "aggregation"  # a key the page has no section for
    assert "verdict_reason" not in generic  # shown under the verdict (see test_finding_details_are_readable)
    html = make_templates(kb.version).get_template("_annotation.html").render(v=v, idx=0)
    assert "Conflicting evidence" in html and "sensitivity" in html and "PMID:00000001" in html
    assert "aggregation" in html and "groups: 2" in html
    assert "tumor_match" in html and "exact" in html


def test_groups_follow_the_input_order_and_mark_unrecognised(kb) -> None:  # type: ignore[no-untyped-def]
    res = annotate(["EGFR T790M", "TP53 R175H", "EGFR L858R"], drug="erlotinib", tumor="NSCLC", knowledge=kb)
    v = annotation_view(res, kb)
    names = [g["alteration"] for g in v["groups"]]
    assert names[:3] == list(res.alterations)
    for g in v["groups"]:
        assert g["unrecognised"] == (g["alteration"] in res.unrecognised)
        for f in g["findings"]:
            assert f["alteration"] == g["alteration"]
            assert all(s["url"] for s in f["source_links"] if s["id"].startswith(("PMID:", "DOI:")))


def test_page_escapes_user_text(client: TestClient) -> None:
    r = client.post("/annotate", data={"alterations": "<img src=x onerror=alert(1)>", "drug": "erlotinib"})
    assert r.status_code == 422
    assert "<img src=x" not in r.text and "&lt;img src=x" in r.text


def test_finding_details_are_readable(kb) -> None:  # type: ignore[no-untyped-def]
    """Before: each finding dumped its raw ``evidence`` list and ``databases`` dict as one wall of
    ``fact_id: …; database: …`` text, and a sensitivity finding read "· None (primary)"."""
    res = annotate(["EGFR L858R", "EGFR T790M"], drug="erlotinib", tumor="NSCLC", knowledge=kb)
    v = annotation_view(res, kb)
    html = make_templates(kb.version).get_template("_annotation.html").render(v=v, idx=0)
    assert "fact_id:" not in html and "'records'" not in html and "records: " not in html
    assert "<b>None</b>" not in html and "None (primary)" not in html
    l858r = next(g for g in v["groups"] if g["alteration"] == "EGFR L858R")["findings"][0]
    assert l858r["mechanism"] is None and l858r["mechanism_name"] == ""
    assert l858r["databases_text"].startswith("curated 1 (egfr-l858r-erlotinib-sensitivity)")
    assert f"Evidence ({l858r['n_evidence']}): curated 1" in html
    assert "decided the verdict" in html and "evidence in this tumour type" in html
    raw = next(f for f in res.to_dict()["findings"] if f["alteration"] == "EGFR L858R")
    assert len(l858r["evidence_rows"]) == len(raw["evidence"]) > 0
    assert "<details class=\"evidence\">" in html and "<th scope=\"col\">tumour relation</th>" in html
    assert res.verdict_reason and res.verdict_reason in html
