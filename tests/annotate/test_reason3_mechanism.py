"""Mechanism classes of resistance (issue 10, class 4): a change in a gene the drug targets is on target;
a change in another gene takes that gene's pathway class; a curated class governs an importer's guess.

The expected classes follow DESIGN's vocabulary and the biology of each example (BRAF V600E is the driver a
BRAF inhibitor targets, NF1 loss or a PIK3CA mutation activates the pathway below it; ROS1 G2032R and RET
G810R are solvent-front changes in the drug's target; arsenic trioxide binds PML).
"""

from __future__ import annotations

import pytest

from oncoresist.alteration import parse_alteration
from oncoresist.annotate import annotate
from oncoresist.annotate.aggregate import adopt_curated_mechanisms
from oncoresist.annotate.result import EvidenceItem, Finding
from oncoresist.knowledge import load_knowledge
from oncoresist.knowledge.importers.infer import MechanismRules

KB = load_knowledge()
RULES = MechanismRules(KB)


def _infer(alts: list[str], drugs: list[str], classes: list[str] | None = None) -> str:
    return RULES.infer([parse_alteration(a, KB.resolve_gene) for a in alts], drugs, classes or [])[0]


@pytest.mark.parametrize(
    ("alts", "drugs", "classes", "mechanism"),
    [
        (["BRAF V600E", "NF1 loss"], ["dabrafenib"], [], "downstream_pathway"),  # the non-target gene decides
        (["EML4::ALK", "KRAS G12C"], ["alectinib"], [], "downstream_pathway"),
        (["EGFR L858R", "ERBB2 amplification"], ["erlotinib"], [], "bypass_pathway"),
        (["CD74::ROS1", "ROS1 G2032R"], ["crizotinib"], [], "on_target_mutation"),
        (["KIF5B::RET", "RET G810R"], [], [], "on_target_mutation"),  # second change in the driver's gene
        (["PML::RARA", "PML L218P"], ["arsenic trioxide"], [], "on_target_mutation"),
        (["FGFR2 fusion", "FGFR2 N550K"], [], ["fgfr_inhibitor"], "on_target_mutation"),
        (["BRCA1 loss", "BRCA1 reversion mutation"], ["rucaparib"], [], "dna_repair"),  # not on target
    ],
)
def test_inferred_classes(alts: list[str], drugs: list[str], classes: list[str], mechanism: str) -> None:
    assert _infer(alts, drugs, classes) == mechanism


def test_a_class_name_names_a_gene_family() -> None:
    assert {"FGFR1", "FGFR2", "FGFR3", "FGFR4"} <= RULES.family("FGFR")
    assert RULES.family("EG") == set()  # too short to be a family


def test_braf_pten_on_vemurafenib_is_not_on_target() -> None:
    res = annotate(["BRAF V600E", "PTEN loss"], drug="vemurafenib", tumor="cutaneous melanoma")
    assert res.verdict == "resistant"
    decisive = [f for f in res.findings if f.effect == "resistance" and f.status == "decisive"]
    assert decisive and all(f.mechanism != "on_target_mutation" for f in decisive if "PTEN loss" in f.observed)


def _finding(mech: str, db: str, level: str) -> Finding:
    item = EvidenceItem(fact_id=f"{db}-1", database=db, record="1", evidence_level=level, tumors=("BRCA",),
                        relation="same", sources=(f"PMID:{len(db)}",), preclinical=False, regimen=False)  # fmt: skip
    return Finding(alteration="ESR1 Y537S", gene="ESR1", effect="resistance", drugs=["letrozole"], mechanism=mech,
                   origin="acquired", evidence_level=level, sources=list(item.sources), summary="",
                   observed=("ESR1 Y537S",), evidence=(item,))  # fmt: skip


def test_a_curated_class_governs_the_imported_twin() -> None:
    merged = adopt_curated_mechanisms(
        [_finding("downstream_pathway", "cgi", "A"), _finding("on_target_mutation", "curated", "B")]
    )
    assert [f.mechanism for f in merged] == ["on_target_mutation"]
    assert merged[0].evidence_level == "A"  # the imported evidence is kept, under the curated class
    assert {e.database for e in merged[0].evidence} == {"cgi", "curated"}


def test_imported_findings_without_a_curated_twin_are_kept() -> None:
    a, b = _finding("downstream_pathway", "cgi", "B"), _finding("bypass_pathway", "civic", "C")
    assert adopt_curated_mechanisms([a, b]) == [a, b]
