"""``kb show`` / ``explain`` (annotate/explain.py) and reversions (annotate/reversion.py) read the annotator's index.

Before: both read the raw facts. Browsing a drug missed the facts recorded on an imported regimen pseudo-drug
(CIViC EID 670, GSTP1 I105V on ``folfox regimen``), which the annotator applies to the regimen's drugs
(``regimen_fact``): ``annotate --drug FOLFOX`` decided on EID 670 while ``kb show fluorouracil`` did not list it.
Reversions matched a drug's direct classes only, where every finding uses the class members of the annotator.
"""

from __future__ import annotations

import pytest

import oncoresist
from oncoresist.alteration import parse_alteration
from oncoresist.annotate.api import annotator_for
from oncoresist.annotate.explain import browse
from oncoresist.annotate.reversion import _facts_for, restored_by
from oncoresist.knowledge.index import Knowledge
from oncoresist.knowledge.loader import load_knowledge


@pytest.fixture(scope="module")
def kb() -> Knowledge:
    return load_knowledge()


def _ids(out: dict[str, object]) -> set[str]:
    rows = out["resistance"] + out["sensitivity"]  # type: ignore[operator]
    return {r["id"] for r in rows}


def test_a_regimen_fact_the_annotator_decides_on_is_listed_under_its_drugs(kb: Knowledge) -> None:
    res = oncoresist.annotate(["GSTP1 I105V"], drug=["FOLFOX"], tumor="COADREAD", knowledge=kb)
    assert "civic-eid670" in {i for f in res.findings for i in f.fact_ids}  # the annotator applies it
    for drug in res.drug:  # leucovorin, fluorouracil, oxaliplatin
        out = browse(kb, drug, limit=None)
        assert "civic-eid670" in _ids(out), drug
        row = next(r for r in out["sensitivity"] if r["id"] == "civic-eid670")
        assert row["drugs"] == ["folfox regimen"]  # shown as recorded
    assert "civic-eid670" in _ids(browse(kb, "GSTP1", limit=None))


def test_every_regimen_fact_is_found_from_each_of_its_drugs(kb: Knowledge) -> None:
    ann = annotator_for(kb)
    expanded = [(raw, seen) for raw, seen in zip(kb.facts, ann.facts, strict=True) if raw.drugs != seen.drugs]
    assert len(expanded) >= 10  # FOLFOX, FOLFOX-4, EAP, ... in the CIViC snapshot
    for raw, seen in expanded:
        for drug in seen.drugs:
            assert raw.id in _ids(browse(kb, drug, limit=None)), (raw.id, drug)


def test_unrelated_queries_are_unchanged(kb: Knowledge) -> None:
    out = browse(kb, "EGFR T790M", limit=None)
    assert all("EGFR" in " ".join(r["alterations"]) for r in out["resistance"] + out["sensitivity"])
    assert out["totals"]["resistance"] > 10


def test_reversions_use_the_annotators_facts_and_drug_sets(kb: Knowledge) -> None:
    ann = annotator_for(kb)
    found = {ann.facts[i].id for i in _facts_for(ann)}
    raw = {f.id for f in kb.facts if f.effect == "resistance" and len(f.alterations) == 1
           and restored_by(parse_alteration(f.alterations[0], kb.resolve_gene)) is not None}  # fmt: skip
    assert found == raw and len(found) >= 10  # BRCA1/2 reversions, 53BP1/shieldin losses
    res = oncoresist.annotate(["BRCA2 loss", "BRCA2 reversion mutation"], drug="olaparib", tumor="OVARY", knowledge=kb)
    assert res.verdict == "resistant"
    assert any(f.alteration == "BRCA2 reversion mutation" and f.effect == "resistance" for f in res.findings)
