"""Curated targeted-therapy knowledge, part B: haematological and hormone-driven cancers.

Covers ``facts/hormone.yaml``, ``facts/parp.yaml``, ``facts/bcr_abl1.yaml``, ``facts/kit_pdgfra.yaml``,
``facts/flt3_idh.yaml``, ``facts/btk_bcl2.yaml`` and ``entities/heme_hormone.yaml``: key facts exist with
the right effect, mechanism and drugs, negative controls stay sensitivities, options never propose a drug
that the same layer says the addressed alteration resists, every source is listed with its citation, and
every CIViC/CGI confirmation matches the public snapshots.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from knowledge._helpers import CGI_TSV, CIVIC_TSV, RESISTANT, canonical_names, cgi_rows, civic_rows
from oncoresist.knowledge.index import Knowledge
from oncoresist.knowledge.loader import DATA_DIR, read_knowledge_file
from oncoresist.knowledge.schema import Fact, KnowledgeFile, Option
from oncoresist.profile.alteration import parse_alteration

MY_FACT_FILES = (
    "facts/hormone.yaml",
    "facts/parp.yaml",
    "facts/bcr_abl1.yaml",
    "facts/kit_pdgfra.yaml",
    "facts/flt3_idh.yaml",
    "facts/btk_bcl2.yaml",
)
MY_ENTITY_FILE = "entities/heme_hormone.yaml"
MY_FILES = MY_FACT_FILES


def _find(kb: Knowledge, facts: list[Fact], alteration: str, drug: str, effect: str | tuple[str, ...]) -> list[Fact]:
    """Facts whose alterations include ``alteration`` and that apply to ``drug`` with ``effect``."""
    want = parse_alteration(alteration, kb.resolve_gene).name
    effects = (effect,) if isinstance(effect, str) else effect
    return [
        f
        for f in facts
        if want in canonical_names(kb, f.alterations) and drug in kb.fact_drugs(f) and f.effect in effects
    ]


# --------------------------------------------------------------------------------------------- key facts


@pytest.mark.parametrize("drug", ["imatinib", "nilotinib", "dasatinib", "bosutinib"])
def test_abl1_t315i_resists_every_atp_competitive_tki_before_ponatinib(kb: Knowledge, my_facts: list[Fact], drug: str):
    hits = _find(kb, my_facts, "ABL1 T315I", drug, "resistance")
    assert hits, f"no ABL1 T315I resistance fact for {drug}"
    assert all(f.mechanism == "on_target_mutation" for f in hits)
    assert all("CML" in f.tumors for f in hits)


def test_abl1_t315i_ponatinib_is_a_sensitivity_never_a_resistance(kb: Knowledge, my_facts: list[Fact]):
    assert _find(kb, my_facts, "ABL1 T315I", "ponatinib", "sensitivity")
    assert not _find(kb, my_facts, "ABL1 T315I", "ponatinib", RESISTANT)
    assert not _find(kb, my_facts, "ABL1 T315I", "asciminib", RESISTANT)


def test_abl1_t315i_options_are_ponatinib_and_asciminib(kb: Knowledge, my_options: list[Option]):
    t315i = parse_alteration("BCR-ABL1 T315I", kb.resolve_gene).name
    therapies = {o.therapy[0] for o in my_options if t315i in canonical_names(kb, o.addresses)}
    assert {"ponatinib", "asciminib"} <= therapies


@pytest.mark.parametrize(
    ("alteration", "drug", "effect"),
    [
        ("ABL1 E255K", "nilotinib", "resistance"),
        ("ABL1 Y253H", "nilotinib", "resistance"),
        ("ABL1 F359V", "nilotinib", "resistance"),
        ("ABL1 F317L", "dasatinib", "resistance"),
        ("ABL1 V299L", "dasatinib", "resistance"),
        ("ABL1 G250E", "imatinib", "resistance"),
        ("ABL1 M351T", "imatinib", "resistance"),
        ("ABL1 E255K", "dasatinib", "reduced_sensitivity"),
    ],
)
def test_abl1_kinase_domain_mutants_name_the_drugs_they_affect(
    kb: Knowledge, my_facts: list[Fact], alteration: str, drug: str, effect: str
):
    assert _find(kb, my_facts, alteration, drug, effect)


def test_abl1_mutant_facts_need_the_bcr_abl1_fusion(kb: Knowledge, my_facts: list[Fact]):
    fusion = parse_alteration("BCR::ABL1", kb.resolve_gene).name
    abl1 = [
        f
        for f in my_facts
        if any(
            (alt := parse_alteration(a, kb.resolve_gene)).gene == "ABL1" and alt.kind == "protein"
            for a in f.alterations
        )
    ]
    assert len(abl1) >= 20
    assert all(fusion in canonical_names(kb, f.alterations) for f in abl1)


def test_esr1_y537s_is_an_on_target_mutation_under_aromatase_inhibitors(kb: Knowledge, my_facts: list[Fact]):
    hits = _find(kb, my_facts, "ESR1 p.Tyr537Ser", "letrozole", "resistance")
    assert hits and all(f.mechanism == "on_target_mutation" for f in hits)
    assert {"anastrozole", "exemestane"} <= kb.fact_drugs(hits[0])
    assert not _find(kb, my_facts, "ESR1 Y537S", "elacestrant", RESISTANT)


@pytest.mark.parametrize(
    ("alteration", "drug", "mechanism"),
    [
        ("AR-V7 expression", "enzalutamide", "target_alteration"),
        ("AR-V7 expression", "abiraterone", "target_alteration"),
        ("AR amplification", "abiraterone", "target_amplification"),
        ("AR F877L", "enzalutamide", "on_target_mutation"),
        ("AR F877L", "apalutamide", "on_target_mutation"),
        ("neuroendocrine transformation", "enzalutamide", "lineage_plasticity"),
        ("RB1 loss", "palbociclib", "downstream_pathway"),
        ("RB1 loss", "abemaciclib", "downstream_pathway"),
        ("FAT1 loss", "ribociclib", "target_amplification"),
        ("BRCA1 reversion mutation", "olaparib", "dna_repair"),
        ("BRCA2 reversion mutation", "carboplatin", "dna_repair"),
        ("PDGFRA D842V", "imatinib", "on_target_mutation"),
        ("KIT V654A", "imatinib", "on_target_mutation"),
        ("FLT3 D835Y", "quizartinib", "on_target_mutation"),
        ("FLT3 F691L", "quizartinib", "on_target_mutation"),
        ("BTK C481S", "ibrutinib", "on_target_mutation"),
        ("PLCG2 R665W", "ibrutinib", "downstream_pathway"),
        ("BCL2 G101V", "venetoclax", "on_target_mutation"),
        ("BAX inactivating mutation", "venetoclax", "apoptosis_evasion"),
        ("IDH2 Q316E", "enasidenib", "on_target_mutation"),
    ],
)
def test_key_resistance_facts(kb: Knowledge, my_facts: list[Fact], alteration: str, drug: str, mechanism: str):
    if alteration == "FLT3 D835Y":  # the curated pattern is the codon FLT3 D835
        alteration = "FLT3 D835"
    hits = _find(kb, my_facts, alteration, drug, RESISTANT)
    assert hits, f"no resistance fact for {alteration} / {drug}"
    assert {f.mechanism for f in hits} == {mechanism}


@pytest.mark.parametrize(
    ("alteration", "drug"),
    [("FLT3 D835", "gilteritinib"), ("KIT V654A", "sunitinib"), ("BTK C481S", "pirtobrutinib")],
)
def test_next_line_drugs_are_not_resisted_by_what_they_overcome(
    kb: Knowledge, my_facts: list[Fact], alteration: str, drug: str
):
    assert not _find(kb, my_facts, alteration, drug, RESISTANT)


def test_options_never_propose_a_drug_the_addressed_alteration_resists(
    kb: Knowledge, my_facts: list[Fact], my_options: list[Option]
):
    for opt in my_options:
        for addressed in opt.addresses:
            for drug in opt.therapy:
                clash = _find(kb, my_facts, addressed, drug, RESISTANT)
                assert not clash, f"option {opt.id}: {drug} is resisted by {addressed} ({[f.id for f in clash]})"


def test_expected_options_exist(my_options: list[Option]):
    by_therapy = {tuple(o.therapy) for o in my_options}
    for therapy in [("ponatinib",), ("asciminib",), ("avapritinib",), ("pirtobrutinib",), ("elacestrant",)]:
        assert therapy in by_therapy, therapy
    assert any("carboplatin" in o.therapy for o in my_options)


# ------------------------------------------------------------------------------------------ coverage


def test_layer_size_and_mechanism_coverage(kb: Knowledge, my_facts: list[Fact]):
    resist = [f for f in my_facts if f.effect in RESISTANT]
    assert len(resist) >= 55
    per = Counter(f.mechanism for f in resist)
    for mech in ("on_target_mutation", "target_amplification", "apoptosis_evasion", "dna_repair"):
        assert per[mech] >= 3, (mech, per[mech])
    assert per["target_alteration"] >= 3


def test_fact_ids_are_unique_and_every_fact_parses(kb: Knowledge, my_facts: list[Fact], my_options: list[Option]):
    ids = [f.id for f in my_facts] + [o.id for o in my_options]
    assert len(ids) == len(set(ids))
    for f in my_facts:
        for a in f.alterations:
            parse_alteration(a, kb.resolve_gene)
        assert kb.fact_drugs(f), f.id


# ------------------------------------------------------------------------------------------ entities


@pytest.mark.parametrize(
    ("synonym", "generic"),
    [
        ("Gleevec", "imatinib"),
        ("Glivec", "imatinib"),
        ("STI-571", "imatinib"),
        ("Tasigna", "nilotinib"),
        ("Sprycel", "dasatinib"),
        ("Bosulif", "bosutinib"),
        ("Iclusig", "ponatinib"),
        ("Scemblix", "asciminib"),
        ("Imbruvica", "ibrutinib"),
        ("Venclexta", "venetoclax"),
        ("Xospata", "gilteritinib"),
        ("Lynparza", "olaparib"),
        ("Zejula", "niraparib"),
        ("Rubraca", "rucaparib"),
        ("Talzenna", "talazoparib"),
        ("Xtandi", "enzalutamide"),
        ("Zytiga", "abiraterone"),
        ("Erleada", "apalutamide"),
        ("Ibrance", "palbociclib"),
        ("Kisqali", "ribociclib"),
        ("Verzenio", "abemaciclib"),
        ("Faslodex", "fulvestrant"),
        ("Tibsovo", "ivosidenib"),
        ("Idhifa", "enasidenib"),
    ],
)
def test_brand_names_and_codes_resolve(kb: Knowledge, synonym: str, generic: str):
    assert kb.resolve_drug(synonym) == generic


def test_drug_class_hierarchy(kb: Knowledge):
    atp_competitive = set(kb.drugs_in_class("bcr_abl1_tki"))
    assert {"imatinib", "nilotinib", "dasatinib", "bosutinib", "ponatinib"} <= atp_competitive
    assert "asciminib" not in atp_competitive  # allosteric, myristoyl pocket
    assert kb.drugs["ponatinib"].generation == 3
    assert set(kb.drugs_in_class("btk_inhibitor_covalent")) >= {"ibrutinib", "acalabrutinib", "zanubrutinib"}
    assert "pirtobrutinib" not in kb.drugs_in_class("btk_inhibitor_covalent")
    assert {"letrozole", "anastrozole", "exemestane"} <= set(kb.drugs_in_class("aromatase_inhibitor"))
    assert "abiraterone" in kb.drugs_in_class("ar_pathway_inhibitor")
    assert "abiraterone" not in kb.drugs_in_class("antiandrogen")


def test_entity_file_adds_no_pharmacology_without_a_source():
    kf = read_knowledge_file(DATA_DIR / MY_ENTITY_FILE, MY_ENTITY_FILE)
    for d in kf.drugs:
        flagged = d.dna_damaging or d.abcb1_substrate is not None or d.abcg2_substrate is not None or d.cyp_route
        assert not flagged or d.sources, d.name


# ------------------------------------------------------------------------------------------ provenance


def test_every_cited_source_is_listed_in_my_files(my_files: dict[str, KnowledgeFile]):
    for name, kf in my_files.items():
        listed = {s.id for s in kf.sources}
        for item in list(kf.facts) + list(kf.options):
            missing = set(item.sources) - listed
            assert not missing, f"{name}: {item.id} cites {missing}"
        for s in kf.sources:
            assert s.citation and s.confirmed_by, s.id


def test_civic_confirmations_match_the_snapshot(my_files: dict[str, KnowledgeFile]):
    if not CIVIC_TSV.is_file():
        pytest.skip("CIViC snapshot not available")
    rows = civic_rows()
    checked = 0
    for kf in my_files.values():
        for s in kf.sources:
            if not s.id.startswith("PMID:") or "civic:" not in s.confirmed_by:
                continue
            pmid = s.id.split(":", 1)[1]
            for eid in re.findall(r"EID(\d+)", s.confirmed_by):
                assert eid in rows, f"{s.id}: EID{eid} not in the CIViC snapshot"
                assert rows[eid]["citation_id"] == pmid, f"{s.id}: EID{eid} cites PMID {rows[eid]['citation_id']}"
                checked += 1
    assert checked >= 60


def test_civic_levels_back_the_key_facts(kb: Knowledge, my_facts: list[Fact]):
    if not CIVIC_TSV.is_file():
        pytest.skip("CIViC snapshot not available")
    rows = civic_rows()
    assert rows["639"]["significance"] == "Sensitivity/Response" and "Ponatinib" in rows["639"]["therapies"]
    assert rows["234"]["significance"] == "Resistance" and rows["234"]["evidence_level"] == "B"
    assert rows["8185"]["molecular_profile"] == "BCL2 G101V"
    fact = next(f for f in my_facts if f.id == "pdgfra-d842v-imatinib")
    assert fact.evidence_level == rows["15"]["evidence_level"] == "B"


def test_cgi_confirmations_match_the_snapshot(my_files: dict[str, KnowledgeFile]):
    if not CGI_TSV.is_file():
        pytest.skip("CGI snapshot not available")
    cgi = cgi_rows()
    checked = 0
    for kf in my_files.values():
        for s in kf.sources:
            if not s.id.startswith("PMID:") or "cgi row" not in s.confirmed_by:
                continue
            pmid = s.id
            assert any(pmid in re.split(r"[;,\s]+", r["Source"]) for r in cgi), f"{pmid} is not a CGI source"
            checked += 1
    assert checked >= 8
    eln = [r for r in cgi if r["Alteration"] == "ABL1:T315I" and r["Drug"] == "Bosutinib"]
    assert eln and eln[0]["Association"] == "Resistant"
