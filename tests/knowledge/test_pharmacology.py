"""Sourced pharmacology flags and the facts derived from them (issue 10, item 7).

Flags (ABCB1/ABCG2 substrate, main CYP route, DNA-damage kind) are set only with a source; an efflux,
metabolism or DNA-repair fact then carries to every drug with the matching property, marked inferred,
one evidence level lower (never above C), with the reasoning and both sources.
"""

from __future__ import annotations

import pytest

from oncoresist.annotate.api import annotate
from oncoresist.knowledge.derive import DERIVED_PREFIX, derive_facts, derived_level, is_derived
from oncoresist.knowledge.index import Knowledge
from oncoresist.knowledge.schema import EVIDENCE_RANK, PHARMACOLOGY_FLAGS, Drug, DrugClass, Fact, Gene, KnowledgeFile

BOX1 = "DOI:10.1038/nrc1975"  # Scripture & Figg 2006, Box 1: ABCB1 substrates used in anticancer therapy


def test_flags_are_set_only_with_a_listed_source(kb: Knowledge) -> None:
    flagged = 0
    for name, d in kb.drugs.items():
        for flag in PHARMACOLOGY_FLAGS:
            if getattr(d, flag) is None:
                assert flag not in d.flag_sources, (name, flag)
                continue
            flagged += 1
            srcs = d.flag_source(flag)
            assert srcs, (name, flag)
            for s in srcs:
                assert s in kb.sources, (name, flag, s)
                assert kb.sources[s].confirmed_by, s
    assert flagged >= 100


def test_key_flags(kb: Knowledge) -> None:
    for name in ("docetaxel", "paclitaxel", "vincristine", "doxorubicin", "etoposide", "imatinib", "topotecan"):
        assert kb.drugs[name].abcb1_substrate is True, name
        assert BOX1 in kb.drugs[name].flag_source("abcb1_substrate"), name
    assert kb.drugs["topotecan"].abcg2_substrate is True
    assert kb.drugs["imatinib"].cyp_route == "CYP3A4" and kb.drugs["paclitaxel"].cyp_route == "CYP2C8"
    assert kb.drugs["cisplatin"].dna_damage == "platinum" and kb.drugs["olaparib"].dna_damage == "parp_inhibitor"
    assert kb.drugs["temozolomide"].dna_damage == "methylating_agent"
    assert kb.drugs["carmustine"].dna_damage == "chloroethylnitrosourea"
    # unknown stays unknown (None), never False
    assert kb.drugs["cisplatin"].abcb1_substrate is None and kb.drugs["osimertinib"].abcb1_substrate is None
    assert all(d.abcb1_substrate is not False and d.abcg2_substrate is not False for d in kb.drugs.values())


def test_dna_damage_kinds_agree_with_the_dna_damaging_flag(kb: Knowledge) -> None:
    for name, d in kb.drugs.items():
        if d.dna_damage is not None and d.dna_damage != "parp_inhibitor":
            assert d.dna_damaging, name


@pytest.mark.parametrize(("base", "derived"), [("A", "C"), ("B", "C"), ("C", "D"), ("D", "E"), ("E", "E")])
def test_derived_level_is_one_lower_and_never_above_c(base: str, derived: str) -> None:
    assert derived_level(base) == derived
    assert EVIDENCE_RANK[derived_level(base)] >= EVIDENCE_RANK["C"]


def test_abcb1_overexpression_carries_to_docetaxel(kb: Knowledge) -> None:
    base = next(f for f in kb.facts if f.id == "pk-abcb1-paclitaxel-nsclc")
    carried = [f for f in kb.facts if is_derived(f) and f.record == DERIVED_PREFIX + base.id]
    inferred = [f for f in carried if f.drugs == ["docetaxel"]]
    assert len(inferred) == 1
    f = inferred[0]
    assert f.alterations == base.alterations and f.tumors == base.tumors
    assert f.effect == base.effect and f.mechanism == "drug_efflux"
    assert f.evidence_level == derived_level(base.evidence_level)
    assert set(base.sources) <= set(f.sources) and BOX1 in f.sources
    assert "paclitaxel" in f.summary and "docetaxel" in f.summary and "Inferred" in f.summary


def test_abcb1_overexpression_gives_docetaxel_an_inferred_finding_but_not_cisplatin(kb: Knowledge) -> None:
    r = annotate(["ABCB1 overexpression"], drug="docetaxel", tumor="NSCLC", knowledge=kb)
    assert any(f.fact_id.startswith("derived.") and f.drugs == ["docetaxel"] for f in r.findings)
    for non_substrate in ("cisplatin", "osimertinib"):  # flag unset: nothing is inferred
        r = annotate(["ABCB1 overexpression"], drug=non_substrate, tumor="NSCLC", knowledge=kb)
        assert not [f for f in r.findings if f.fact_id.startswith("derived.")], non_substrate


def test_no_derived_fact_for_a_drug_without_the_property(kb: Knowledge) -> None:
    for f in kb.facts:
        if not is_derived(f):
            continue
        d = kb.drugs[f.drugs[0]]
        if f.mechanism == "drug_efflux":
            assert d.abcb1_substrate is True or d.abcg2_substrate is True, f.id
        elif f.mechanism == "dna_repair":
            assert d.dna_damage is not None, f.id


# ------------------------------------------------------------------ the rules on a small knowledge


def _drug(name: str, **kw: object) -> Drug:
    src = {k: ["label:X (x), FDA 2020"] for k in PHARMACOLOGY_FLAGS if k in kw}
    return Drug(name=name, classes=["chemotherapy"], flag_sources=src, **kw)  # type: ignore[arg-type]


def _fact(fid: str, alts: list[str], drugs: list[str], mechanism: str, level: str = "B", **kw: object) -> Fact:
    return Fact(
        id=fid,
        alterations=alts,
        drugs=drugs,
        effect="resistance",
        mechanism=mechanism,  # type: ignore[arg-type]
        origin="acquired",
        evidence_level=level,
        sources=["PMID:1"],
        summary="a test fact, ten chars",
        **kw,  # type: ignore[arg-type]
    )


def _kb(drugs: list[Drug], facts: list[Fact]) -> Knowledge:
    genes = [Gene(symbol=s) for s in ("ABCB1", "CYP3A4", "MSH6")]
    kf = KnowledgeFile(genes=genes, drug_classes=[DrugClass(id="chemotherapy", name="chemo")], drugs=drugs, facts=facts)
    return Knowledge.build([("test", kf)])


def test_metabolism_rule_follows_the_cyp_route_and_only_for_a_gain() -> None:
    drugs = [_drug("a", cyp_route="CYP3A4"), _drug("b", cyp_route="CYP3A4"), _drug("c", cyp_route="CYP2C8"), _drug("d")]
    facts = [
        _fact("gain", ["CYP3A4 overexpression"], ["a"], "drug_metabolism"),
        _fact("loss", ["CYP3A4 loss"], ["a"], "drug_metabolism"),
    ]
    got = derive_facts(_kb(drugs, facts))
    assert [(f.record, f.drugs) for f in got] == [("derived:gain", ["b"])]
    assert got[0].evidence_level == "C"


def test_dna_repair_rule_keeps_to_the_same_damage_kind() -> None:
    drugs = [
        _drug("tmz", dna_damage="methylating_agent", dna_damaging=True),
        _drug("dtic", dna_damage="methylating_agent", dna_damaging=True),
        _drug("bcnu", dna_damage="chloroethylnitrosourea", dna_damaging=True),
        _drug("cyclo", dna_damage="nitrogen_mustard", dna_damaging=True),
    ]
    got = derive_facts(_kb(drugs, [_fact("mmr", ["MSH6 loss"], ["tmz"], "dna_repair", level="C")]))
    assert [f.drugs for f in got] == [["dtic"]] and got[0].evidence_level == "D"


def test_efflux_rule_needs_a_transporter_gain_and_yields_to_observed_facts() -> None:
    drugs = [_drug(n, abcb1_substrate=True) for n in ("p", "q", "r")] + [_drug("s")]
    facts = [
        _fact("pgp", ["ABCB1 overexpression"], ["p"], "drug_efflux"),
        _fact("seen", ["ABCB1 overexpression"], ["r"], "drug_efflux"),  # observed for r: not inferred again
        _fact("loss", ["ABCB1 loss"], ["p"], "drug_efflux"),
        _fact("combo", ["ABCB1 overexpression"], ["p", "s"], "drug_efflux", therapy_mode="combination"),
    ]
    got = derive_facts(_kb(drugs, facts))
    assert sorted((f.record, f.drugs[0]) for f in got) == [("derived:pgp", "q"), ("derived:seen", "q")]
    assert all(f.sources == ["PMID:1", "label:X (x), FDA 2020"] for f in got)
