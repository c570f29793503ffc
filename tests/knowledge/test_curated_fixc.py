"""The four knowledge classes of curated_2026_12_fixc.yaml (issue 10, class 3 of the third case set).

Each expectation is the cited source's finding, not the annotator's output: a RET V804 gatekeeper mutation
defeats the multikinase inhibitors but not selpercatinib (Subbiah et al. 2018, CIViC EID6950); FLT3 F691L is
the mutation acquired on gilteritinib (Tarver et al. 2020); myeloma cells without cereblon resist lenalidomide
and pomalidomide (Zhu et al. 2011); BCMA loss follows anti-BCMA CAR T cells (Da Via et al. 2021, Samur et al.
2021); ABCB1 fusions pump paclitaxel out (Christie et al. 2019); ibrutinib is approved in CLL with 17p deletion.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import oncoresist
from oncoresist.knowledge import load_knowledge

KB = load_knowledge()
FILE = Path(oncoresist.__file__).parent / "knowledge" / "data" / "facts" / "curated_2026_12_fixc.yaml"


def _facts() -> list[dict]:  # type: ignore[type-arg]
    return list(yaml.safe_load(FILE.read_text(encoding="utf-8"))["facts"])


def test_every_fact_is_loaded_sourced_and_prefixed() -> None:
    loaded = {f.id: f for f in KB.facts}
    for raw in _facts():
        assert raw["id"].startswith("fixc-")
        fact = loaded[raw["id"]]
        assert fact.sources and all(s in KB.sources for s in fact.sources), fact.id
        assert fact.evidence_level in "ABCDE"


def test_an_inferred_class_fact_says_so_and_stays_at_the_lowest_level() -> None:
    fact = next(f for f in KB.facts if f.id == "fixc-bcma-loss-bcma-directed")
    assert fact.evidence_level == "E" and fact.summary.startswith("Inferred")


@pytest.mark.parametrize(
    ("alts", "drug", "tumor", "verdict", "mechanism"),
    [
        (["RET M918T", "RET V804M"], "vandetanib", "MTC", "resistant", "on_target_mutation"),
        (["RET V804M"], "cabozantinib", "medullary thyroid cancer", "resistant", "on_target_mutation"),
        (["RET V804L"], "vandetanib", "MTC", "resistant", "on_target_mutation"),
        (["CRBN loss"], "lenalidomide", "multiple myeloma", "resistant", "target_alteration"),
        (["CRBN loss"], "pomalidomide", "RRMM", "resistant", "target_alteration"),
        (["TNFRSF17 loss"], "idecabtagene vicleucel", "MM", "resistant", "target_alteration"),
        (["BCMA loss"], "teclistamab", "MM", "resistant", "target_alteration"),
        (["SLC25A40::ABCB1"], "paclitaxel", "HGSOC", "resistant", "drug_efflux"),
    ],
)
def test_resistance_the_sources_report(alts, drug, tumor, verdict, mechanism) -> None:  # type: ignore[no-untyped-def]
    res = oncoresist.annotate(alts, drug=drug, tumor=tumor, knowledge=KB).to_dict()
    assert res["verdict"] == verdict
    mechs = {f["mechanism"] for f in res["findings"] if f["effect"] in ("resistance", "reduced_sensitivity")}
    assert mechanism in mechs


def test_the_gatekeeper_finding_leaves_the_selective_inhibitor_standing() -> None:
    res = oncoresist.annotate(["RET V804M"], drug="vandetanib", tumor="MTC", knowledge=KB).to_dict()
    assert "selpercatinib" in {d for o in res["options"] for d in o["therapy"]}
    assert oncoresist.annotate(["RET V804M"], drug="selpercatinib", tumor="MTC", knowledge=KB).verdict != "resistant"


def test_flt3_f691l_is_found_against_gilteritinib() -> None:
    res = oncoresist.annotate(["FLT3-ITD", "FLT3 F691L"], drug="gilteritinib", tumor="AML", knowledge=KB).to_dict()
    ids = {s for f in res["findings"] if f["effect"] == "resistance" for s in f["sources"]}
    assert any("32040554" in s for s in ids)


def test_bcma_loss_says_nothing_about_a_gprc5d_directed_drug() -> None:
    res = oncoresist.annotate(["TNFRSF17 loss"], drug="talquetamab", tumor="MM", knowledge=KB)
    assert res.verdict != "resistant"


@pytest.mark.parametrize(
    ("alts", "drug"),
    [(["TP53 loss"], "ibrutinib"), (["TP53 R248Q"], "acalabrutinib"), (["TP53 mutation"], "zanubrutinib")],
)
def test_tp53_aberrant_cll_on_a_btk_inhibitor_is_an_approved_use(alts, drug) -> None:  # type: ignore[no-untyped-def]
    res = oncoresist.annotate(alts, drug=drug, tumor="CLL with 17p deletion", knowledge=KB)
    assert res.verdict == "sensitive"
