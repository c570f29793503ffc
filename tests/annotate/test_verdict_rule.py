"""The verdict rule (docs/annotate.md, "Verdict rule") on hand-built findings.

Each test builds findings the way the aggregator does (level, tumour relation, pattern
breadth, regimen flag) and checks one clause of the rule; the expected verdicts follow
from the rule's text, not from running the code.
"""

from __future__ import annotations

from dataclasses import replace

from oncoresist.annotate.result import EvidenceItem, Finding
from oncoresist.annotate.verdict import weigh


def finding(
    alteration: str,
    effect: str,
    level: str,
    *,
    drugs: tuple[str, ...] = ("drug-a",),
    relation: str = "same",
    pattern: str = "exact",
    regimen: bool = False,
    gene: str | None = None,
) -> Finding:
    observed = tuple(alteration.split(" + "))
    item = EvidenceItem(
        fact_id=f"{alteration}-{effect}-{level}", database="curated", record="x", evidence_level=level,
        tumors=("T",), relation=relation, sources=("test:none",), preclinical=level in "DE",
        regimen=regimen, pattern=pattern,
    )  # fmt: skip
    return Finding(
        alteration=alteration, gene=gene or alteration.split()[0], effect=effect, drugs=list(drugs),
        mechanism=None if effect == "sensitivity" else "on_target_mutation", origin="acquired",
        evidence_level=level, sources=["test:none"], summary="hand-built finding", fact_id=item.fact_id,
        observed=observed, evidence=(item,), tumor_relation=relation, regimen=regimen,
    )  # fmt: skip


def never(_drug: str, _f: Finding) -> str | None:
    return None


def run(*fs: Finding, given: tuple[str, ...] = ("drug-a",), addresses=never):  # type: ignore[no-untyped-def]
    return weigh(list(fs), frozenset(given), addresses=addresses)


def test_acquired_clinical_resistance_beats_driver_sensitivity():
    w = run(finding("G1 X1Y", "sensitivity", "A"), finding("G1 X2Z", "resistance", "B"))
    assert w.verdict == "resistant" and w.conflicts == []


def test_preclinical_resistance_on_added_alteration_does_not_beat_validated_sensitivity():
    # an added alteration of another gene (session 6: a specific on-target change of the driver's own gene is rule
    # 4a, tests/annotate/test_verdict_annot7.py)
    w = run(finding("G1 X1Y", "sensitivity", "A"), finding("G2 X2Z", "resistance", "D"))
    assert w.verdict == "sensitive"
    assert [(c.side, c.evidence_level, c.resolution) for c in w.conflicts] == [("resistance", "D", "outweighed")]


def test_preclinical_resistance_stands_without_clinical_sensitivity():
    w = run(finding("G1 X1Y", "sensitivity", "C"), finding("G1 X2Z", "resistance", "D"))
    assert w.verdict == "resistant"


def test_same_alteration_higher_tier_wins_either_way():
    assert run(finding("G1 X1Y", "sensitivity", "A"), finding("G1 X1Y", "resistance", "C")).verdict == "sensitive"
    assert run(finding("G1 X1Y", "sensitivity", "C"), finding("G1 X1Y", "resistance", "A")).verdict == "resistant"


def test_equal_tier_on_the_same_alteration_is_a_tie_shown_as_conflict():
    w = run(finding("G1 X1Y", "sensitivity", "B"), finding("G1 X1Y", "resistance", "B"))
    assert w.verdict == "unknown"
    assert sorted(c.side for c in w.conflicts) == ["resistance", "sensitivity"]
    assert {c.resolution for c in w.conflicts} == {"tied"}


def test_more_specific_pattern_breaks_a_tie():
    w = run(finding("G1 X1Y", "sensitivity", "A", pattern="class"), finding("G1 X1Y", "resistance", "A"))
    assert w.verdict == "resistant"


def test_lower_standing_does_not_decide_when_the_tumour_has_evidence():
    w = run(finding("G1 X1Y", "sensitivity", "B"), finding("G1 X1Y", "resistance", "A", relation="unrelated"))
    assert w.verdict == "sensitive"
    assert {f.status for f in w.findings} == {"decisive", "lower_standing"}


def test_subtype_evidence_decides_one_tier_lower():
    # level A in a subtype (strength 1) against level B in the tumour itself (strength 1): a tie
    w = run(finding("G1 X1Y", "sensitivity", "B"), finding("G1 X1Y", "resistance", "A", relation="descendant"))
    assert w.verdict == "unknown"


def test_only_other_tumour_evidence_is_weighed_and_said():
    w = run(finding("G1 X1Y", "resistance", "B", relation="unrelated"))
    assert w.verdict == "resistant"
    assert "other tumour types" in w.findings[0].note


def test_regimen_level_evidence_outranks_per_drug_evidence():
    w = run(
        finding("G1 X1Y", "resistance", "B", drugs=("drug-a",)),
        finding("G1 X1Y", "sensitivity", "A", drugs=("drug-a", "drug-b"), regimen=True),
        given=("drug-a", "drug-b"),
    )
    assert w.verdict == "sensitive"
    assert next(f for f in w.findings if f.effect == "resistance").status == "outranked"


def test_weak_regimen_evidence_does_not_outrank_strong_per_drug_resistance():
    w = run(
        finding("G1 X1Y", "resistance", "A", drugs=("drug-a",)),
        finding("G1 X1Y", "sensitivity", "C", drugs=("drug-a", "drug-b"), regimen=True),
        given=("drug-a", "drug-b"),
    )
    assert w.verdict == "resistant"


def test_combination_given_to_overcome_a_finding_is_not_called_resistant_by_it():
    def b_addresses(drug: str, f: Finding) -> str | None:
        return "targets G2" if drug == "drug-b" and f.gene == "G2" else None

    w = run(
        finding("G1 X1Y", "sensitivity", "A", drugs=("drug-a",)),
        finding("G2 amplification", "resistance", "B", drugs=("drug-a",)),
        given=("drug-a", "drug-b"),
        addresses=b_addresses,
    )
    assert w.verdict == "sensitive"
    assert next(f for f in w.findings if f.effect == "resistance").status == "overcome"


def test_overcoming_drug_defeated_itself_does_not_overcome():
    def b_addresses(drug: str, f: Finding) -> str | None:
        return "targets G2" if drug == "drug-b" else None

    w = run(
        finding("G2 amplification", "resistance", "B", drugs=("drug-a",)),
        finding("G2 amplification", "resistance", "B", drugs=("drug-b",)),
        given=("drug-a", "drug-b"),
        addresses=b_addresses,
    )
    assert w.verdict == "resistant"


def test_reduced_sensitivity_decides_resistant_and_keeps_its_effect():
    w = run(finding("G1 X1Y", "reduced_sensitivity", "B"))
    assert w.verdict == "resistant" and w.findings[0].effect == "reduced_sensitivity"


def test_more_specific_clinical_evidence_governs_a_broader_class():
    # exon/codon-range sensitivity (level A) against resistance of the exact variant (level B)
    w = run(finding("G1 X1Y", "sensitivity", "A", pattern="class"), finding("G1 X1Y", "resistance", "B"))
    assert w.verdict == "resistant"
    # but a preclinical report on the variant does not govern clinical class evidence
    w = run(finding("G1 X1Y", "sensitivity", "A", pattern="class"), finding("G1 X1Y", "resistance", "D"))
    assert w.verdict == "sensitive"


def test_evidence_on_the_fusion_is_not_about_a_kinase_change_inside_it():
    # one observation (G1 X2Z inside the fusion): the sensitivity is about the fusion, the resistance
    # about the change, so rule 4 applies (clinical resistance on an added alteration decides)
    sens = replace(finding("G1 X2Z", "sensitivity", "A"), core=("F::G1",))
    res = replace(finding("G1 X2Z", "resistance", "A"), core=("G1 X2Z",))
    w = weigh([sens, res], frozenset({"drug-a"}), addresses=never, core=lambda f: frozenset(f.core))
    assert w.verdict == "resistant" and w.conflicts == []


def test_no_findings_is_unknown():
    w = run()
    assert w.verdict == "unknown" and w.conflicts == [] and "no knowledge" in w.reason


def test_secondary_change_clinical_resistance_from_a_sibling_tumour_decides_over_driver_sensitivity():
    # rule 1b: a named secondary change with level-C resistance recorded in a related (sibling) tumour type
    w = run(finding("G1 X1Y", "sensitivity", "A"), finding("G1 X2Z", "resistance", "C", relation="sibling"))
    assert w.verdict == "resistant"
    assert "related tumour type" in next(f.note for f in w.findings if f.effect == "resistance")


def test_sibling_resistance_does_not_decide_when_preclinical_unrelated_or_gene_level():
    driver = finding("G1 X1Y", "sensitivity", "A")
    for other in (
        finding("G1 X2Z", "resistance", "D", relation="sibling"),  # preclinical
        finding("G1 X2Z", "resistance", "B", relation="unrelated"),  # not a related tumour type
        finding("G1 X2Z", "resistance", "B", relation="sibling", pattern="gene"),  # not variant-specific
        finding("G2 X2Z", "resistance", "B", relation="sibling"),  # another gene: not a secondary of the driver
        finding("G1 X1Y", "resistance", "B", relation="sibling"),  # the driver itself
    ):
        assert run(driver, other).verdict == "sensitive", other
