"""The knowledge classes of curated_2026_12_fixf.yaml (set F miss classes, helper fixf).

Each expectation is the cited source's finding, not the annotator's output: PTEN loss at progression on
ribociclib, and PTEN loss causing resistance to PI3K-alpha inhibitors (Costa et al., Cancer Discov 2020); RARalpha
ligand-binding-domain mutations against ATRA in APL, arsenic trioxide the preferable way round (Int J Hematol 2013
review); ALK F1174L neuroblastoma not responding to crizotinib and responding to lorlatinib (Liu et al. 2021); AR
copy-number gain with shorter PFS on enzalutamide (PMID 31131348). The examples are mine; the drugs are the ones the
sources name or the class members the facts name.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import oncoresist
from oncoresist.knowledge import load_knowledge

KB = load_knowledge()
FILE = Path(oncoresist.__file__).parent / "knowledge" / "data" / "facts" / "curated_2026_12_fixf.yaml"


def _doc() -> dict:  # type: ignore[type-arg]
    return dict(yaml.safe_load(FILE.read_text(encoding="utf-8")))


def test_every_fact_is_loaded_sourced_and_prefixed() -> None:
    loaded = {f.id: f for f in KB.facts}
    for raw in _doc()["facts"]:
        assert raw["id"].startswith("fixf-")
        fact = loaded[raw["id"]]
        assert fact.sources and all(s in KB.sources for s in fact.sources), fact.id
        assert fact.evidence_level in "ABCDE"


def test_inferred_facts_say_so_and_stay_at_e() -> None:
    for raw in _doc()["facts"]:
        if raw["summary"].startswith("Inferred"):
            assert raw["evidence_level"] == "E", raw["id"]


@pytest.mark.parametrize(
    ("alterations", "drug", "tumor", "verdict"),
    [
        (["ESR1 Y537S", "PTEN loss"], "ribociclib", "breast cancer", "resistant"),
        (["PTEN loss"], "palbociclib", "ER+/HER2- metastatic breast cancer", "resistant"),  # the class, level D
        (["PIK3CA E545K", "PTEN loss"], "inavolisib", "breast cancer", "resistant"),
        (["PML::RARA", "RARA R276W"], "tretinoin", "acute promyelocytic leukaemia", "resistant"),
        (["PML::RARA"], "tretinoin", "acute promyelocytic leukaemia", "sensitive"),
        (["ALK F1174L"], "crizotinib", "neuroblastoma, relapsed", "resistant"),
        (["ALK F1174L"], "lorlatinib", "neuroblastoma", "sensitive"),
        (["AR amplification"], "enzalutamide", "prostate adenocarcinoma", "resistant"),
    ],
)
def test_verdicts(alterations: list[str], drug: str, tumor: str, verdict: str) -> None:
    assert oncoresist.annotate(alterations, drug=drug, tumor=tumor, knowledge=KB).verdict == verdict


def test_without_pten_loss_no_resistance_is_called() -> None:
    for drug in ("alpelisib", "inavolisib", "ribociclib"):
        res = oncoresist.annotate(["PIK3CA H1047R"], drug=drug, tumor="breast cancer", knowledge=KB)
        assert res.verdict != "resistant", drug


def test_options_after_the_resistance() -> None:
    res = oncoresist.annotate(["PML::RARA", "RARA L290V"], drug="tretinoin", tumor="APL", knowledge=KB)
    assert "arsenic trioxide" in {d for o in res.options for d in o.therapy}
    res = oncoresist.annotate(["ALK F1174L"], drug="crizotinib", tumor="neuroblastoma", knowledge=KB)
    assert res.options and list(res.options[0].therapy) == ["lorlatinib"]
