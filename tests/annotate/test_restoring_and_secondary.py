"""Two general rules (docs/annotate.md): a restoring change is not the loss of function it
reverts, and a secondary change with variant-level resistance evidence is not made sensitive by
class- or gene-level sensitivity evidence.

Expected outcomes follow from the rules' text and from established clinical knowledge:
BRCA1/2 reversion mutations restore homologous recombination and cause PARP-inhibitor and
platinum resistance (Lin et al., Cancer Discov 2019; Pettitt et al., Cancer Discov 2020); KIT
V654A is a secondary exon-13 mutation that confers imatinib resistance in GIST (NCCN Soft
Tissue Sarcoma guideline, GIST section: imatinib failure with secondary KIT mutations).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from annotate.test_verdict_rule import finding, run
from oncoresist.alteration import parse_alteration
from oncoresist.annotate import annotate
from oncoresist.annotate.matching import is_restoring, match_kind, role_lookup
from oncoresist.annotate.result import EvidenceItem
from oncoresist.knowledge.loader import load_knowledge


@pytest.fixture(scope="module")
def kb():  # type: ignore[no-untyped-def]
    return load_knowledge(include_imports=False)


def P(text: str, kb):  # type: ignore[no-untyped-def]
    return parse_alteration(text, kb.resolve_gene)


# ------------------------------------------------------------------ restoring changes
@pytest.mark.parametrize("observed", ["BRCA1 reversion mutation", "BRCA2 reversion", "PALB2 secondary mutation"])
@pytest.mark.parametrize(
    "pattern", ["{g} mutation", "{g} loss", "{g} inactivating mutation", "{g} pathogenic variant", "{g} frameshift"]
)
def test_a_restoring_change_never_satisfies_a_loss_of_function_pattern(kb, observed: str, pattern: str) -> None:  # type: ignore[no-untyped-def]
    gene = observed.split()[0]
    role = role_lookup(kb)
    assert role(gene) in ("tumor_suppressor", "both")
    assert is_restoring(P(observed, kb), role(gene))
    assert match_kind(P(pattern.format(g=gene), kb), P(observed, kb), role=role) is None


def test_a_restoring_change_satisfies_reversion_patterns(kb) -> None:  # type: ignore[no-untyped-def]
    role = role_lookup(kb)
    assert match_kind(P("BRCA2 reversion mutation", kb), P("BRCA2 reversion mutation", kb), role=role) == "exact"
    assert match_kind(P("BRCA2 reversion mutation", kb), P("BRCA2 secondary mutation", kb), role=role) == "exact"
    # the sensitising lesion itself still matches the plain pattern
    assert match_kind(P("BRCA2 mutation", kb), P("BRCA2 Q3026*", kb), role=role) == "exact"


def test_a_secondary_mutation_of_an_oncogene_is_not_restoring(kb) -> None:  # type: ignore[no-untyped-def]
    role = role_lookup(kb)
    assert role("KIT") in ("oncogene", "both")
    assert not is_restoring(P("KIT secondary mutation", kb), role("KIT"))


@pytest.mark.parametrize(("gene", "drug", "tumor"), [("BRCA1", "olaparib", "OVT"), ("BRCA2", "rucaparib", "PRAD")])
def test_reversion_on_a_parp_inhibitor_is_not_called_sensitive(gene: str, drug: str, tumor: str) -> None:
    res = annotate([f"{gene} reversion mutation"], drug=drug, tumor=tumor)
    assert res.verdict != "sensitive"
    assert not [f for f in res.findings if f.effect == "sensitivity" and f.status == "decisive"]


# ------------------------------------------------------------------ secondary changes (rule 3a / 4)
def _with_records(f, n: int, level: str):  # type: ignore[no-untyped-def]
    items = tuple(
        EvidenceItem(fact_id=f"r{i}", database=db, record=f"r{i}", evidence_level=level, tumors=("T",),
                     relation="same", sources=("test:none",), preclinical=True, regimen=False)
        for i, db in zip(range(n), ("curated", "civic", "cgi"), strict=False)
    )  # fmt: skip
    return replace(f, evidence=items)


def test_variant_level_resistance_governs_class_level_sensitivity_on_the_same_change() -> None:
    sens = finding("G1 X1Y", "sensitivity", "A", pattern="class")
    res = _with_records(finding("G1 X1Y", "resistance", "D"), 2, "D")
    w = run(sens, res)
    assert w.verdict == "resistant"
    assert [(c.side, c.resolution) for c in w.conflicts] == [("sensitivity", "outweighed")]
    # a single preclinical record is not enough
    assert run(sens, _with_records(finding("G1 X1Y", "resistance", "D"), 1, "D")).verdict == "sensitive"
    # variant-level sensitivity is weighed as before (higher tier wins)
    assert run(finding("G1 X1Y", "sensitivity", "A"), res).verdict == "sensitive"


def test_secondary_change_with_variant_level_support_beats_driver_sensitivity() -> None:
    driver = finding("G1 X1Y", "sensitivity", "A", pattern="class")
    secondary = _with_records(finding("G1 X2Z", "resistance", "D"), 2, "D")
    assert run(driver, secondary).verdict == "resistant"
    # in another gene, preclinical evidence still does not override validated sensitivity
    other_gene = _with_records(finding("G2 X2Z", "resistance", "D"), 2, "D")
    assert run(driver, other_gene).verdict == "sensitive"


def test_kit_exon11_with_secondary_v654a_on_imatinib_in_gist() -> None:
    res = annotate(["KIT exon 11 deletion", "KIT V654A"], drug="imatinib", tumor="GIST")
    assert res.verdict == "resistant"
    assert any(f.effect == "resistance" and "V654A" in f.alteration and f.status == "decisive" for f in res.findings)
    # the driver alone stays sensitive
    assert annotate(["KIT exon 11 deletion"], drug="imatinib", tumor="GIST").verdict == "sensitive"
