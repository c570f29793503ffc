"""Curated chemotherapy, pharmacology and non-genetic resistance knowledge.

Covers ``facts/chemotherapy.yaml``, ``facts/pharmacology.yaml``, ``facts/nongenetic.yaml`` and
``entities/chemo.yaml``: key facts resolve with the right mechanism, every mechanism class of
DESIGN.md reaches three curated facts, and every CIViC/CGI citation matches the public snapshots.
"""

from __future__ import annotations

import re

import pytest

from knowledge._helpers import CGI_TSV, CIVIC_TSV, RESISTANT, cgi_rows, civic_rows
from oncoresist.knowledge.index import Knowledge
from oncoresist.knowledge.schema import Fact, KnowledgeFile
from oncoresist.profile.alteration import parse_alteration

MY_FACT_FILES = ("facts/chemotherapy.yaml", "facts/pharmacology.yaml", "facts/nongenetic.yaml")
MY_ENTITY_FILE = "entities/chemo.yaml"
MY_FILES = (*MY_FACT_FILES, MY_ENTITY_FILE)

#: mechanism classes this layer is responsible for bringing to three curated facts
NON_GENETIC_CLASSES = (
    "epigenetic",
    "drug_tolerant_persister",
    "cancer_stem_cell",
    "drug_efflux",
    "drug_metabolism",
    "dna_repair",
    "apoptosis_evasion",
    "autophagy",
    "microenvironment",
    "immune_evasion",
    "tumor_heterogeneity",
    "lineage_plasticity",
)


def _canonical(kb: Knowledge, text: str) -> str:
    return parse_alteration(text, kb.resolve_gene).name


def _findings(kb: Knowledge, alteration: str, drug: str, tumor: str | None = None) -> list[Fact]:
    """Curated facts whose single alteration matches ``alteration`` and which cover ``drug`` (and tumour)."""
    want = _canonical(kb, alteration)
    drug = kb.drug(drug)
    out = []
    for f in kb.curated_facts:
        if [_canonical(kb, a) for a in f.alterations] != [want] or drug not in kb.fact_drugs(f):
            continue
        if tumor and f.tumors and not set(kb.tumor_ancestors(kb.tumor(tumor))) & set(f.tumors):
            continue
        out.append(f)
    return out


def test_knowledge_with_this_layer_is_valid(kb: Knowledge) -> None:
    ids = {f.id for f in kb.curated_facts}
    assert {"pk-abcb1-paclitaxel-nsclc", "ng-mgmt-unmethylated-temozolomide-gbm", "chemo-tubb3-paclitaxel"} <= ids


@pytest.mark.parametrize(
    ("alteration", "drug", "tumor", "mechanism"),
    [
        ("ABCB1 overexpression", "paclitaxel", "NSCLC", "drug_efflux"),
        ("MDR1 overexpression", "Taxol", "HGSOC", "drug_efflux"),  # alias and brand name resolve
        ("ABCB1 overexpression", "doxorubicin", "OVT", "drug_efflux"),
        ("BCRP overexpression", "topotecan", "OVT", "drug_efflux"),
        ("ABCG2 overexpression", "irinotecan", "OVT", "drug_efflux"),
        ("ABCG2 overexpression", "mitoxantrone", "OVT", "drug_efflux"),
        ("ATP7B overexpression", "cisplatin", None, "drug_efflux"),
        ("MGMT promoter unmethylated", "temozolomide", "GBM", "epigenetic"),
        ("ERCC1 overexpression", "cisplatin", None, "dna_repair"),
        ("BRCA2 reversion mutation", "carboplatin", "HGSOC", "dna_repair"),
        ("BRCA1 reversion mutation", "cisplatin", "HGSOC", "dna_repair"),
        ("MSH6 loss", "temozolomide", "GBM", "dna_repair"),
        ("TUBB3 overexpression", "paclitaxel", None, "target_alteration"),
        ("TYMS amplification", "pemetrexed", "LUAD", "target_amplification"),
        ("CDA overexpression", "gemcitabine", "PAAD", "drug_metabolism"),
        ("CYP2D6 loss", "tamoxifen", "BRCA", "drug_metabolism"),
        ("B2M loss", "pembrolizumab", "SKCM", "immune_evasion"),
        ("JAK2 loss", "nivolumab", "SKCM", "immune_evasion"),
        ("drug-tolerant persisters", "erlotinib", "LUAD", "drug_tolerant_persister"),
        ("cancer stem cells", "etoposide", "GBM", "cancer_stem_cell"),
        ("pharmacological sanctuary", "gemcitabine", "PAAD", "microenvironment"),
        ("multiple resistant subclones", "rociletinib", "NSCLC", "tumor_heterogeneity"),
        ("FBW7 loss", "vincristine", None, "apoptosis_evasion"),
    ],
)
def test_key_fact_resolves_with_its_mechanism(
    kb: Knowledge, alteration: str, drug: str, tumor: str | None, mechanism: str
) -> None:
    found = [f for f in _findings(kb, alteration, drug, tumor) if f.effect in RESISTANT]
    assert found, f"no resistance fact for {alteration} + {drug} in {tumor}"
    assert {f.mechanism for f in found} == {mechanism}


def test_mgmt_unmethylated_is_level_a_but_methylated_is_not_resistance(kb: Knowledge) -> None:
    (fact,) = _findings(kb, "MGMT promoter unmethylated", "temozolomide", "GBM")
    assert fact.evidence_level == "A" and fact.origin == "primary"
    assert "PMID:15758010" in fact.sources
    methylated = [f for f in _findings(kb, "MGMT promoter methylated", "temozolomide") if f.effect in RESISTANT]
    assert methylated == []


def test_hgf_fact_needs_braf_v600e_in_melanoma(kb: Knowledge) -> None:
    fact = next(f for f in kb.curated_facts if f.id == "ng-hgf-stroma-vemurafenib-melanoma")
    names = {_canonical(kb, a) for a in fact.alterations}
    assert names == {"HGF overexpression", "BRAF V600E"}
    assert fact.mechanism == "microenvironment"
    assert "vemurafenib" in kb.fact_drugs(fact) and "gefitinib" not in kb.fact_drugs(fact)


def test_efflux_option_offers_a_non_substrate_drug(kb: Knowledge) -> None:
    opt = next(o for o in kb.options if o.id == "opt-nilotinib-abcb1-cml")
    assert opt.therapy == ["nilotinib"] and opt.mechanism == "drug_efflux"
    assert [_canonical(kb, a) for a in opt.addresses] == ["ABCB1 overexpression"]
    # the option must not be a drug that the efflux finding itself makes ineffective
    assert not [f for f in _findings(kb, "ABCB1 overexpression", "nilotinib", "CML") if f.effect in RESISTANT]
    assert _findings(kb, "ABCB1 overexpression", "dasatinib", "CML")


def test_dna_repair_facts_only_name_dna_damaging_drugs(kb: Knowledge, my_facts: list[Fact]) -> None:
    for f in my_facts:
        if f.mechanism == "dna_repair":
            assert all(kb.drugs[d].dna_damaging for d in kb.fact_drugs(f)), f.id


def test_each_non_genetic_class_has_three_curated_resistance_facts(kb: Knowledge) -> None:
    counts = {m: 0 for m in NON_GENETIC_CLASSES}
    for f in kb.curated_facts:
        if f.effect in RESISTANT and f.mechanism in counts:
            counts[f.mechanism] += 1
    assert all(n >= 3 for n in counts.values()), counts


def test_this_layer_alone_has_forty_resistance_facts_and_covers_its_classes(my_facts: list[Fact]) -> None:
    resist = [f for f in my_facts if f.effect in RESISTANT]
    assert len(resist) >= 40
    assert {f.mechanism for f in resist} >= set(NON_GENETIC_CLASSES)
    assert len({f.id for f in my_facts}) == len(my_facts)


def test_no_toxicity_pharmacogene_is_recorded_as_resistance(kb: Knowledge, my_facts: list[Fact]) -> None:
    # DPYD/UGT1A1/TPMT variants change toxicity, not tumour sensitivity
    genes = {parse_alteration(a, kb.resolve_gene).gene for f in my_facts for a in f.alterations}
    assert not genes & {"DPYD", "UGT1A1", "TPMT", "NUDT15"}


def test_every_source_is_listed_with_how_it_was_confirmed(
    kb: Knowledge, my_files: dict[str, KnowledgeFile], my_facts: list[Fact]
) -> None:
    listed = {s.id: s for name in my_files for s in my_files[name].sources}
    for f in my_facts:
        for s in f.sources:
            assert s in listed, f"{f.id}: {s} not in a sources: section of this layer"
            how = listed[s].confirmed_by
            assert re.search(r"civic:EID\d+|cgi row|publication page", how), (s, how)


def test_pharmacology_flags_are_sourced(my_files: dict[str, KnowledgeFile]) -> None:
    listed = {s.id for name in my_files for s in my_files[name].sources}
    for drug in my_files[MY_ENTITY_FILE].drugs:
        flagged = drug.dna_damaging or drug.abcb1_substrate is not None or drug.abcg2_substrate is not None
        if flagged or drug.cyp_route:
            assert drug.sources, drug.name
            assert set(drug.sources) <= listed, drug.name


@pytest.mark.skipif(not CIVIC_TSV.is_file(), reason="CIViC snapshot not available")
def test_civic_citations_match_the_snapshot(my_files: dict[str, KnowledgeFile]) -> None:
    rows = civic_rows()
    checked = 0
    for name in my_files:
        for src in my_files[name].sources:
            if "civic:" not in src.confirmed_by:
                continue
            # 'civic:EID1569, EID1567 and EID4825 evidence statements' names several items
            eids = set(re.findall(r"\bEID(\d+)", src.confirmed_by.split("civic:", 1)[1]))
            for eid in eids:
                row = rows.get(eid)
                assert row is not None, f"{src.id}: EID{eid} not in the CIViC snapshot"
                assert src.id == f"PMID:{row['citation_id']}", (src.id, eid, row["citation_id"])
                checked += 1
    assert checked >= 20


@pytest.mark.skipif(not CGI_TSV.is_file(), reason="CGI snapshot not available")
def test_cgi_citations_match_the_snapshot(my_files: dict[str, KnowledgeFile]) -> None:
    sources = " ".join(r["Source"] for r in cgi_rows())
    cgi_cited = [s.id for name in my_files for s in my_files[name].sources if "cgi row" in s.confirmed_by]
    assert cgi_cited
    for sid in cgi_cited:
        assert sid in sources, f"{sid} is not a CGI source"
