"""Session 6 (annot7) clauses of the verdict rule on hand-built findings (docs/annotate.md, "Verdict rule").

4a. A specific on-target change on top of the driver: resistance evidence naming the observed change itself (an
    exact protein-change pattern, matched exactly, mechanism ``on_target_mutation``) in the gene of the driver whose
    sensitivity it is weighed against keeps deciding at any level, when the sensitivity is not about that change and
    no sensitivity evidence for the drug is about it. The driver's approval was recorded in tumours without it.
3a (mirror). Variant-level sensitivity support (clinical, or at least two level-D records naming the change) outweighs
    resistance evidence that is only about the change's class or gene.
3c. Evidence about the compound genotype observed (a superset of the alterations) governs over equal evidence about
    part of it.

The expected verdicts follow from the clauses' text, not from running the code.
"""

from __future__ import annotations

from dataclasses import replace

from oncoresist.annotate.result import EvidenceItem, Finding
from oncoresist.annotate.verdict import weigh


def finding(alteration: str, effect: str, level: str, *, pattern: str = "exact", mechanism: str | None = None,
            gene: str | None = None, records: int = 1, core: tuple[str, ...] = ()) -> Finding:  # fmt: skip
    observed = tuple(alteration.split(" + "))
    items = tuple(
        EvidenceItem(
            fact_id=f"{alteration}-{effect}-{level}-{i}", database="curated", record=f"r{i}", evidence_level=level,
            tumors=("T",), relation="same", sources=("test:none",), preclinical=level in "DE", regimen=False,
            pattern=pattern,
        )
        for i in range(records)
    )  # fmt: skip
    mech = None if effect == "sensitivity" else (mechanism or "on_target_mutation")
    return Finding(
        alteration=alteration, gene=gene or alteration.split()[0], effect=effect, drugs=["drug-a"], mechanism=mech,
        origin="acquired", evidence_level=level, sources=["test:none"], summary="hand-built", fact_id=items[0].fact_id,
        observed=observed, evidence=items, tumor_relation="same", core=core or observed,
    )  # fmt: skip


def run(*fs: Finding):  # type: ignore[no-untyped-def]
    return weigh(list(fs), frozenset({"drug-a"}), addresses=lambda _d, _f: None,
                 core=lambda f: frozenset(f.core or f.observed))  # fmt: skip


DRIVER = finding("G1 fusion", "sensitivity", "A")


# ------------------------------------------------------------------ 4a: changes the verdict


def test_a_specific_inferred_on_target_change_on_top_of_the_driver_decides() -> None:
    w = run(DRIVER, finding("G1 G2032R", "resistance", "E"))  # ROS1 fusion + G2032R on entrectinib, kind of
    assert w.verdict == "resistant"
    r = next(f for f in w.findings if f.effect == "resistance")
    assert r.status == "decisive" and "on top of G1 fusion" in r.note


def test_a_specific_preclinical_on_target_change_decides_too() -> None:
    assert run(DRIVER, finding("G1 A337V", "resistance", "D")).verdict == "resistant"


# ------------------------------------------------------------------ 4a: does not apply


def test_an_inferred_claim_on_another_gene_does_not_flip_an_approved_use() -> None:
    assert run(DRIVER, finding("G2 X2Z", "resistance", "E", mechanism="bypass_pathway")).verdict == "sensitive"


def test_an_inferred_claim_that_is_not_on_target_does_not_flip_an_approved_use() -> None:
    # a cell state of the same gene's tumour (transformation) or a pathway class: rule 4 as before
    assert run(DRIVER, finding("G1 X2Z", "resistance", "E", mechanism="lineage_plasticity")).verdict == "sensitive"


def test_a_class_or_codon_level_inferred_claim_does_not_flip_an_approved_use() -> None:
    for pattern in ("codon", "class", "gene"):
        assert run(DRIVER, finding("G1 X2Z", "resistance", "E", pattern=pattern)).verdict == "sensitive", pattern


def test_a_contested_change_does_not_decide_by_4a() -> None:
    # the knowledge also holds sensitivity evidence on the change itself for this drug: the ordinary weighing
    w = run(DRIVER, finding("G1 X2Z", "resistance", "E"), finding("G1 X2Z", "sensitivity", "D"))
    r = next(f for f in w.findings if f.effect == "resistance")
    assert r.status != "decisive" or "on top of" not in r.note


def test_sensitivity_on_the_change_itself_is_not_overridden_by_4a() -> None:
    # the driver's finding is about the change too (core overlaps): 4a is only for changes the sensitivity is not about
    w = run(finding("G1 X2Z", "sensitivity", "A"), finding("G1 X2Z", "resistance", "E"))
    assert w.verdict == "sensitive"


# ------------------------------------------------------------------ 3a mirror


def test_variant_level_sensitivity_support_outweighs_class_level_resistance() -> None:
    sens = finding("G1 X3ins", "sensitivity", "D", records=2)
    sens = replace(sens, evidence=(*sens.evidence, replace(sens.evidence[0], fact_id="g", record="g", pattern="gene",
                                                            evidence_level="B", preclinical=False)))  # fmt: skip
    res = finding("G1 X3ins", "resistance", "B", pattern="class")
    w = run(sens, res)
    assert w.verdict == "sensitive"
    assert "variant-level sensitivity" in next(f for f in w.findings if f.effect == "resistance").note


def test_one_preclinical_record_is_not_variant_level_support() -> None:
    sens = finding("G1 X3ins", "sensitivity", "D", records=1)
    sens = replace(sens, evidence=(*sens.evidence, replace(sens.evidence[0], fact_id="g", record="g", pattern="gene",
                                                            evidence_level="B", preclinical=False)))  # fmt: skip
    assert run(sens, finding("G1 X3ins", "resistance", "B", pattern="class")).verdict == "resistant"


# ------------------------------------------------------------------ 3c compound genotype


def test_evidence_on_the_compound_genotype_governs_over_equal_evidence_on_part_of_it() -> None:
    compound = finding("G1 fusion + G1 C1156Y + G1 L1198F", "sensitivity", "C",
                       core=("G1 C1156Y", "G1 L1198F"))  # fmt: skip
    part = finding("G1 C1156Y", "resistance", "C")
    w = run(DRIVER, compound, part)
    assert w.verdict == "sensitive"
    assert "compound genotype" in next(f for f in w.findings if f.effect == "resistance").note


def test_without_the_compound_evidence_equal_evidence_on_one_change_is_still_a_tie() -> None:
    w = run(finding("G1 C1156Y", "sensitivity", "C"), finding("G1 C1156Y", "resistance", "C"))
    assert w.verdict == "unknown"
