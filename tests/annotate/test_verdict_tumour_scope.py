"""Verdict tie-break on tumour scope (docs/annotate.md, rule 3): at equal level and specificity,
evidence recorded in the query tumour governs over evidence recorded for a broader type, and a
tissue-agnostic indication governs a query that names no tumour.

Source of the expectations: Tafinlar (dabrafenib) / Mekinist (trametinib) US labels — tissue-agnostic
indication for BRAF V600E solid tumours, with the Limitation of Use "not indicated for patients with
colorectal cancer because of known intrinsic resistance to BRAF inhibition"; melanoma indication.
"""

from __future__ import annotations

import pytest

from oncoresist.annotate import annotate

REGIMEN = ["dabrafenib", "trametinib"]


@pytest.mark.parametrize(
    ("tumor", "verdict"),
    [("CRC", "resistant"), ("colorectal adenocarcinoma", "resistant"), (None, "sensitive"), ("melanoma", "sensitive"),
     ("NSCLC", "sensitive")],
)  # fmt: skip
def test_limitation_of_use_in_one_tumour_against_a_tissue_agnostic_approval(tumor: str | None, verdict: str) -> None:
    res = annotate(["BRAF V600E"], drug=REGIMEN, tumor=tumor)
    assert res.verdict == verdict, res.verdict_reason


def test_the_losing_side_is_listed_as_a_conflict() -> None:
    res = annotate(["BRAF V600E"], drug=REGIMEN, tumor=None)
    assert res.verdict == "sensitive"
    assert any(c.side == "resistance" for c in res.conflicts)
    crc = annotate(["BRAF V600E"], drug=REGIMEN, tumor="CRC")
    assert any(c.side == "sensitivity" for c in crc.conflicts)


def test_preclinical_sensitivity_alone_is_not_a_sensitive_call() -> None:
    """CGI's level-D "U2AF1 mutation responds to FLT3 inhibitors" (preclinical) is listed, but a FLT3-wild-type
    AML is not called sensitive to gilteritinib on it (the Xospata label covers FLT3 ITD/TKD mutations)."""
    res = annotate(["U2AF1 S34F"], drug="gilteritinib", tumor="AML")
    assert res.verdict == "unknown"
    assert "preclinical" in res.verdict_reason
    assert any(f.effect == "sensitivity" for f in res.findings)
    flt3 = annotate(["FLT3-ITD"], drug="gilteritinib", tumor="AML")
    assert flt3.verdict == "sensitive"


def test_a_null_change_in_an_oncogene_does_not_satisfy_a_gene_level_fact() -> None:
    """The Xospata label's "FLT3 mutation" means ITD/TKD (activating) changes: a FLT3 canonical splice-site or
    nonsense change does not match it, while a missense kinase-domain change (D835Y) still does."""
    for alt in ("FLT3 splice site mutation", "FLT3 R387*"):
        res = annotate([alt], drug="gilteritinib", tumor="AML")
        assert res.verdict == "unknown", alt
        assert not any(f.effect == "sensitivity" for f in res.findings), alt
    assert annotate(["FLT3 D835Y"], drug="gilteritinib", tumor="AML").verdict == "sensitive"
