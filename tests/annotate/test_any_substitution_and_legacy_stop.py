"""``X`` after a codon: in an oncogene "any substitution" (EGFR G719X, C797X, ALK G1202X), which matches the facts on
each named substitution at that codon as a possible match; in a tumour suppressor the legacy stop sign (TP53 R213X is
TP53 R213*, a truncating change that matches loss-of-function facts).

Expected verdicts: C797S at EGFR codon 797 defeats osimertinib (Thress et al., Nat Med 2015); ALK G1202R defeats
alectinib (Gainor et al., Cancer Discov 2016); RB1 loss defeats CDK4/6 inhibitors (the knowledge's RB1 loss facts,
which a truncating RB1 change satisfies). Gene roles come from the knowledge (issue 10, item 5).
"""

from __future__ import annotations

from oncoresist.annotate import annotate
from oncoresist.knowledge import load_knowledge
from oncoresist.profile.observed import parse_observed

KB = load_knowledge()


def test_x_in_a_tumour_suppressor_is_a_stop() -> None:
    assert parse_observed("TP53 R213X", KB).name == "TP53 R213*"
    assert parse_observed("RB1 R320X", KB).protein.kind == "nonsense"  # type: ignore[union-attr]


def test_x_in_an_oncogene_stays_any_substitution() -> None:
    alt = parse_observed("EGFR G719X", KB)
    assert alt.name == "EGFR G719X" and alt.protein is not None and alt.protein.kind == "missense"


def test_any_substitution_at_c797_defeats_osimertinib_as_a_possible_match() -> None:
    res = annotate(["EGFR L858R", "EGFR C797X"], drug="osimertinib", tumor="NSCLC", knowledge=KB)
    assert res.verdict == "resistant", res.verdict_reason
    top = next(f for f in res.findings if f.status == "decisive" and f.effect != "sensitivity")
    assert any(e.match == "possible" for e in top.evidence)


def test_any_substitution_at_g1202_on_alectinib_offers_lorlatinib() -> None:
    res = annotate(["EML4::ALK", "ALK G1202X"], drug="alectinib", tumor="NSCLC", knowledge=KB)
    assert res.verdict == "resistant"
    assert any("lorlatinib" in o.therapy for o in res.options[:5])


def test_legacy_stop_in_rb1_on_palbociclib_is_resistant() -> None:
    res = annotate(["RB1 R320X"], drug="palbociclib", tumor="breast cancer", knowledge=KB)
    assert res.verdict == "resistant"
