"""Biomarker profiles annotated with the default knowledge (CIViC's "TMB High" evidence is imported as TMB-H)."""

from __future__ import annotations

from oncoresist.annotate import annotate


def test_tmb_high_nsclc_atezolizumab_is_sensitive_from_civic() -> None:
    res = annotate(["TMB-H"], drug="atezolizumab", tumor="non-small cell lung cancer")
    assert res.verdict == "sensitive"
    assert any(f.effect == "sensitivity" and "civic" in f.databases for f in res.findings)


def test_a_measured_tmb_uses_the_cut_off() -> None:
    high = annotate(["TMB 22 mut/Mb"], drug="durvalumab", tumor="head and neck squamous cell carcinoma")
    low = annotate(["TMB 3 mut/Mb"], drug="durvalumab", tumor="head and neck squamous cell carcinoma")
    assert high.verdict == "sensitive"
    assert low.verdict == "unknown"
    assert not [f for f in low.findings if f.effect == "sensitivity"]


def test_biomarkers_are_not_unknown_genes() -> None:
    res = annotate(["MSS", "KRAS G12D"], drug="cetuximab", tumor="colorectal cancer")
    assert res.verdict == "resistant"
