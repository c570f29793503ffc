"""Expression score cut-offs on facts (helper cutoff10): ``Fact.measure`` names the labelled score a profile must reach.

Before, an expression fact matched any score above 0: ``PD-L1 TPS 5%`` met cemiplimab's TPS >= 50% first-line use.
Now a stated score below the cut-off does not meet the fact (the input is listed with the cut-off it missed), a stated
score at or above it meets it exactly, and an expression without a score of that kind meets it only *possibly*
(a lower standing: one strength step, docs/annotate.md), with a warning naming the cut-off.
"""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from oncoresist.alteration import Alteration
from oncoresist.annotate import annotate
from oncoresist.annotate.matching import measure_state, measure_text
from oncoresist.knowledge import load_knowledge
from oncoresist.knowledge.loader import _trusted_facts
from oncoresist.knowledge.schema import Fact

_CEMI = "cur2612-pdl1-nsclc-cemiplimab"
_PEMBRO = "cur2612-pdl1-nsclc-pembrolizumab"


def _pdl1(kind: str, value: float) -> Alteration:
    return Alteration(kind="expression", gene="CD274", qualifier=kind, value=value)


def test_measure_state_compares_the_named_score_only() -> None:
    tps50 = [{"kind": "TPS", "at_least": 50.0}]
    assert measure_state(tps50, _pdl1("TPS", 60)) == "met"
    assert measure_state(tps50, _pdl1("TPS", 50)) == "met"  # "50% or more"
    assert measure_state(tps50, _pdl1("TPS", 49)) == "below"
    assert measure_state(tps50, _pdl1("CPS", 80)) == "unstated"  # another score says nothing about the TPS
    assert measure_state(tps50, Alteration(kind="expression", gene="CD274")) == "unstated"
    assert measure_state([], _pdl1("TPS", 1)) == "met"
    either = [{"kind": "TC", "at_least": 50.0}, {"kind": "IC", "at_least": 10.0}]
    assert measure_state(either, _pdl1("IC", 12)) == "met"
    assert measure_state(either, _pdl1("TC", 30)) == "unstated"  # the IC may still reach its cut-off
    assert measure_text(either) == "TC >= 50% or IC >= 10%"
    assert measure_text([{"kind": "CPS", "at_least": 10}]) == "CPS >= 10"


def test_curated_pdl1_facts_carry_the_cut_off_their_source_states() -> None:
    facts = {f.id: f for f in load_knowledge().facts}
    assert facts[_PEMBRO].measure == [{"kind": "TPS", "at_least": 1.0}]
    assert facts[_CEMI].measure == [{"kind": "TPS", "at_least": 50.0}]
    assert facts["cur2612-pdl1-nsclc-atezolizumab"].measure == [
        {"kind": "TC", "at_least": 50.0}, {"kind": "IC", "at_least": 10.0}]
    # no number in these facts' summaries or sources: left without a cut-off
    assert facts["cur2612-folr1-expr-ovary-mirvetuximab"].measure == []


def test_a_score_below_the_cut_off_does_not_meet_the_fact_and_is_listed() -> None:
    low = annotate(["PD-L1 TPS 5%"], drug="cemiplimab", tumor="NSCLC")
    assert _CEMI not in {i for f in low.findings for i in (f.fact_id, *f.fact_ids)}
    assert low.verdict != "sensitive"
    reasons = {u.input: u.reason for u in low.unrecognised_detail}
    assert reasons["CD274 TPS 5%"] == f"below the labelled score cut-off: {_CEMI} needs TPS >= 50%"
    # the same score meets pembrolizumab's TPS >= 1% use exactly
    pem = annotate(["PD-L1 TPS 5%"], drug="pembrolizumab", tumor="NSCLC")
    hit = [f for f in pem.findings if _PEMBRO in (f.fact_id, *f.fact_ids)]
    assert hit and hit[0].match == "exact" and pem.verdict == "sensitive"


def test_a_score_at_the_cut_off_meets_it_exactly() -> None:
    high = annotate(["PD-L1 TPS 60%"], drug="cemiplimab", tumor="NSCLC")
    hit = [f for f in high.findings if _CEMI in (f.fact_id, *f.fact_ids)]
    assert hit and hit[0].match == "exact" and not hit[0].warnings
    assert high.verdict == "sensitive"


def test_no_score_stated_meets_it_possibly_with_a_warning() -> None:
    res = annotate(["PD-L1 positive"], drug="cemiplimab", tumor="NSCLC")
    hit = [f for f in res.findings if _CEMI in (f.fact_id, *f.fact_ids)]
    assert hit and hit[0].match == "possible"
    assert "CD274 expression: no TPS score stated; the fact needs TPS >= 50%" in hit[0].warnings
    item = next(e for e in hit[0].evidence if e.fact_id == _CEMI)
    assert item.match == "possible"


def test_schema_rejects_an_unknown_score_kind_and_a_negative_cut_off() -> None:
    base = {"id": "x-1", "alterations": ["CD274 expression"], "drugs": ["cemiplimab"], "effect": "sensitivity",
            "mechanism": "immune_evasion", "origin": "primary", "evidence_level": "A", "sources": ["PMID:1"],
            "summary": "a test fact of ten characters"}
    assert Fact.model_validate({**base, "measure": [{"kind": "TPS", "at_least": 50}]}).measure[0]["at_least"] == 50
    with pytest.raises(ValidationError, match="measure"):
        Fact.model_validate({**base, "measure": [{"kind": "H-score", "at_least": 50}]})
    with pytest.raises(ValidationError, match="measure"):
        Fact.model_validate({**base, "measure": [{"kind": "TPS", "at_least": -1}]})
    # an importer-written file with a cut-off is not taken on trust (it is validated fully)
    assert _trusted_facts([{**base, "measure": [{"kind": "TPS", "at_least": 50}]}]) is None
    assert _trusted_facts([base]) is not None


@pytest.mark.parametrize(("text", "name"), [("PD-L1 TC 60%", "CD274 TC 60%"), ("PD-L1 IC 12%", "CD274 IC 12%"),
                                            ("PD-L1 SP142 TC 60%", "CD274 TC 60%")])
def test_tc_and_ic_scores_are_read_and_meet_atezolizumab_cut_off(text: str, name: str) -> None:
    res = annotate([text], drug="atezolizumab", tumor="NSCLC")  # before: refused (the % read as an allele fraction)
    assert res.alterations == (name,)
    item = next(e for f in res.findings for e in f.evidence if e.fact_id == "cur2612-pdl1-nsclc-atezolizumab")
    assert item.match == "exact"


def test_a_tc_score_below_its_cut_off_without_the_ic_is_only_possible() -> None:
    res = annotate(["PD-L1 TC 30%"], drug="atezolizumab", tumor="NSCLC")
    item = next(e for f in res.findings for e in f.evidence if e.fact_id == "cur2612-pdl1-nsclc-atezolizumab")
    assert item.match == "possible"
