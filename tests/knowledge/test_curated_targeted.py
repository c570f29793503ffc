"""Curated targeted-therapy knowledge (EGFR, ALK/ROS1, RET/NTRK/MET, KRAS/BRAF/MAPK, ERBB2).

Covers ``facts/egfr.yaml``, ``facts/alk_ros1.yaml``, ``facts/ret_ntrk_met.yaml``,
``facts/kras_braf_mapk.yaml``, ``facts/erbb2.yaml`` and the shared entity files (genes, drug classes,
drugs, tumours): key facts exist with the right effect, mechanism and tumour context, compound facts
need all their alterations, every source is listed with its citation, and every CIViC/CGI
confirmation matches the public snapshots.
"""

from __future__ import annotations

import re

import pytest

from knowledge._helpers import CGI_TSV, CIVIC_TSV, RESISTANT, canonical_names, cgi_rows, civic_rows
from oncoresist.knowledge.index import Knowledge
from oncoresist.knowledge.schema import Fact, KnowledgeFile, Option
from oncoresist.profile.alteration import parse_alteration

MY_FACT_FILES = (
    "facts/egfr.yaml",
    "facts/alk_ros1.yaml",
    "facts/ret_ntrk_met.yaml",
    "facts/kras_braf_mapk.yaml",
    "facts/erbb2.yaml",
)
MY_FILES = MY_FACT_FILES


def _drugs_of(kb: Knowledge, fact: Fact) -> set[str]:
    out = set(fact.drugs)
    for c in fact.drug_classes:
        out |= set(kb.drugs_in_class(c))
    return out


def _find(kb: Knowledge, facts: list[Fact], alterations: list[str], drug: str, effect: str) -> list[Fact]:
    want = canonical_names(kb, alterations)
    return [
        f
        for f in facts
        if canonical_names(kb, f.alterations) == want and drug in _drugs_of(kb, f) and f.effect == effect
    ]


def _applies_in(kb: Knowledge, fact: Fact, tumor: str) -> bool:
    """A fact holds in ``tumor`` when it names no tumour or names the tumour or one of its ancestors."""
    return not fact.tumors or bool(set(fact.tumors) & set(kb.tumor_ancestors(tumor)))


# --------------------------------------------------------------------------------------------- key facts


@pytest.mark.parametrize(
    ("alterations", "drug", "effect", "mechanism", "tumor"),
    [
        (["EGFR T790M"], "erlotinib", "resistance", "on_target_mutation", "LUAD"),
        (["EGFR T790M"], "gefitinib", "resistance", "on_target_mutation", "NSCLC"),
        (["EGFR T790M"], "afatinib", "resistance", "on_target_mutation", "NSCLC"),
        (["EGFR T790M"], "osimertinib", "sensitivity", "on_target_mutation", "LUAD"),
        (["EGFR C797S"], "osimertinib", "resistance", "on_target_mutation", "NSCLC"),
        (["EGFR exon 20 insertion"], "erlotinib", "resistance", "on_target_mutation", "NSCLC"),
        (["MET amplification"], "osimertinib", "resistance", "bypass_pathway", "LUAD"),
        (["MET amplification"], "gefitinib", "resistance", "bypass_pathway", "LUAD"),
        (["ERBB2 amplification"], "erlotinib", "resistance", "bypass_pathway", "LUAD"),
        (["small cell transformation"], "osimertinib", "resistance", "lineage_plasticity", "LUAD"),
        (["epithelial-mesenchymal transition"], "erlotinib", "resistance", "lineage_plasticity", "NSCLC"),
        (["ALK L1196M"], "crizotinib", "resistance", "on_target_mutation", "NSCLC"),
        (["ALK G1202R"], "alectinib", "resistance", "on_target_mutation", "NSCLC"),
        (["ALK G1202R"], "lorlatinib", "sensitivity", "on_target_mutation", "NSCLC"),
        (["ROS1 G2032R"], "crizotinib", "resistance", "on_target_mutation", "LUAD"),
        (["RET G810"], "selpercatinib", "resistance", "on_target_mutation", "NSCLC"),
        (["RET G810"], "pralsetinib", "resistance", "on_target_mutation", "MTC"),
        (["EGFR L858R"], "erlotinib", "sensitivity", "on_target_mutation", "LUAD"),
        (["NTRK1 G595R"], "larotrectinib", "resistance", "on_target_mutation", "IFS"),
        (["NTRK1 G595R"], "entrectinib", "resistance", "on_target_mutation", "COADREAD"),
        (["MET D1228V"], "savolitinib", "resistance", "on_target_mutation", "NSCLC"),
        (["KRAS G12C", "KRAS Y96"], "adagrasib", "resistance", "on_target_mutation", "NSCLC"),
        (["KRAS G12C", "MET amplification"], "adagrasib", "resistance", "bypass_pathway", "NSCLC"),
        (["NRAS mutation"], "vemurafenib", "resistance", "downstream_pathway", "SKCM"),
        (["MAP2K1 C121S"], "vemurafenib", "resistance", "downstream_pathway", "MEL"),
        (["BRAF V600", "BRAF amplification"], "dabrafenib", "resistance", "target_amplification", "MEL"),
        (["KRAS mutation"], "cetuximab", "resistance", "downstream_pathway", "COADREAD"),
        (["NRAS mutation"], "panitumumab", "resistance", "downstream_pathway", "READ"),
        (["PIK3CA mutation"], "trastuzumab", "resistance", "downstream_pathway", "BRCA"),
        (["PTEN loss"], "trastuzumab", "resistance", "downstream_pathway", "IDC"),
        (["p95HER2 expression"], "trastuzumab", "resistance", "target_alteration", "BRCA"),
    ],
)
def test_key_fact(
    kb: Knowledge, my_facts: list[Fact], alterations: list[str], drug: str, effect: str, mechanism: str, tumor: str
) -> None:
    hits = [f for f in _find(kb, my_facts, alterations, drug, effect) if _applies_in(kb, f, tumor)]
    assert hits, f"no {effect} fact for {alterations} + {drug} in {tumor}"
    assert {f.mechanism for f in hits} == {mechanism}


def test_braf_v600e_vemurafenib_resistance_only_in_colorectal(kb: Knowledge, my_facts: list[Fact]) -> None:
    resistant = _find(kb, my_facts, ["BRAF V600E"], "vemurafenib", "resistance")
    assert resistant, "BRAF V600E vemurafenib resistance fact is missing"
    for fact in resistant:
        assert fact.tumors == ["COADREAD"]
        assert fact.mechanism == "bypass_pathway" and fact.origin == "primary"
        assert not _applies_in(kb, fact, "MEL") and not _applies_in(kb, fact, "SKCM")
        assert _applies_in(kb, fact, "COAD")
    sensitive = _find(kb, my_facts, ["BRAF V600E"], "vemurafenib", "sensitivity")
    assert any(_applies_in(kb, f, "SKCM") for f in sensitive)
    assert not any(_applies_in(kb, f, "COADREAD") for f in sensitive)


def test_encorafenib_cetuximab_option_for_braf_colorectal(kb: Knowledge, my_options: list[Option]) -> None:
    opts = [o for o in my_options if set(o.therapy) == {"encorafenib", "cetuximab"}]
    assert opts and all(o.tumors == ["COADREAD"] for o in opts)
    assert any("BRAF V600E" in canonical_names(kb, o.addresses) for o in opts)


def test_compound_alk_fact_needs_every_alteration(kb: Knowledge, my_facts: list[Fact]) -> None:
    fact = next(f for f in my_facts if f.id == "eml4-alk-g1202r-crizotinib")
    parsed = [parse_alteration(a, kb.resolve_gene) for a in fact.alterations]
    assert {a.kind for a in parsed} == {"fusion", "protein"}
    assert {a.name for a in parsed} == {"EML4::ALK", "ALK G1202R"}
    assert fact.effect == "resistance" and "crizotinib" in fact.drugs
    triple = next(f for f in my_facts if f.id == "eml4-alk-g1202r-i1171n-l1196m-lorlatinib")
    assert len(triple.alterations) == 4 and triple.drugs == ["lorlatinib"]


@pytest.mark.parametrize(
    ("therapy", "address"),
    [
        ({"osimertinib"}, "EGFR T790M"),
        ({"osimertinib", "savolitinib"}, "MET amplification"),
        ({"cisplatin", "etoposide"}, "small cell transformation"),
        ({"carboplatin", "etoposide"}, "small cell transformation"),
        ({"lorlatinib"}, "ALK G1202R"),
        ({"dabrafenib", "trametinib"}, "BRAF V600"),
        ({"repotrectinib"}, "NTRK1 G595R"),
        ({"amivantamab"}, "EGFR exon 20 insertion"),
    ],
)
def test_option_present(kb: Knowledge, my_options: list[Option], therapy: set[str], address: str) -> None:
    want = parse_alteration(address, kb.resolve_gene).name
    assert any(set(o.therapy) == therapy and want in canonical_names(kb, o.addresses) for o in my_options)


def test_resistance_coverage(my_facts: list[Fact]) -> None:
    resistant = [f for f in my_facts if f.effect in RESISTANT]
    assert len(resistant) >= 75
    genes = {a.split()[0].split("::")[-1] for f in resistant for a in f.alterations}
    for gene in ("EGFR", "ALK", "ROS1", "RET", "NTRK1", "NTRK3", "MET", "KRAS", "BRAF", "NRAS", "MAP2K1", "PIK3CA"):
        assert gene in genes, gene


def test_every_fact_and_option_parses(kb: Knowledge, my_facts: list[Fact], my_options: list[Option]) -> None:
    for f in my_facts:
        for a in f.alterations:
            parse_alteration(a, kb.resolve_gene)
    for o in my_options:
        for a in o.addresses:
            parse_alteration(a, kb.resolve_gene)
        for d in o.therapy:
            assert d in kb.drugs, d


def test_ids_unique_within_my_files(my_facts: list[Fact], my_options: list[Option]) -> None:
    ids = [f.id for f in my_facts] + [o.id for o in my_options]
    assert len(ids) == len(set(ids))


# --------------------------------------------------------------------------------------------- sources


def test_every_source_is_listed_in_its_own_file(my_files: dict[str, KnowledgeFile]) -> None:
    for name, kf in my_files.items():
        listed = {s.id for s in kf.sources}
        for item in [*kf.facts, *kf.options]:
            missing = set(item.sources) - listed
            assert not missing, f"{name}: {item.id}: sources {sorted(missing)} not in the file's sources section"
        for s in kf.sources:
            assert s.citation and s.confirmed_by, f"{name}: source {s.id} lacks citation or confirmed_by"


def test_every_source_is_in_the_loaded_knowledge(kb: Knowledge, my_facts: list[Fact], my_options: list[Option]) -> None:
    for item in [*my_facts, *my_options]:
        for s in item.sources:
            assert s in kb.sources, f"{item.id}: {s}"


@pytest.mark.skipif(not CIVIC_TSV.exists(), reason="CIViC snapshot not available")
def test_civic_confirmations_match_snapshot(my_files: dict[str, KnowledgeFile]) -> None:
    rows = civic_rows()
    checked = 0
    for kf in my_files.values():
        for s in kf.sources:
            for eid in re.findall(r"civic:EID(\d+)", s.confirmed_by):
                row = rows.get(eid)
                assert row is not None, f"{s.id}: EID{eid} not in the CIViC snapshot"
                prefix = "PMID" if row["source_type"] == "PubMed" else "ASCO"
                if s.id.startswith(("PMID:", "ASCO:")) and "names the same" not in s.confirmed_by:
                    assert s.id == f"{prefix}:{row['citation_id']}", f"{s.id} vs EID{eid}"
                checked += 1
    assert checked >= 80


@pytest.mark.skipif(not CIVIC_TSV.exists(), reason="CIViC snapshot not available")
def test_civic_evidence_level_not_overstated(kb: Knowledge, my_facts: list[Fact], my_files: dict) -> None:
    """A fact confirmed only by CIViC items takes the best level among them, never a better one."""
    rows = civic_rows()
    rank = {"A": 0, "B": 1, "C": 2, "D": 3, "E": 4}
    confirmations = {s.id: s.confirmed_by for kf in my_files.values() for s in kf.sources}
    for f in my_facts:
        levels = []
        for s in f.sources:
            conf = confirmations[s]
            if not conf.startswith("civic:"):
                levels = []
                break
            levels += [rows[e]["evidence_level"] for e in re.findall(r"civic:EID(\d+)", conf)]
        if levels:
            assert rank[f.evidence_level] >= min(rank[x] for x in levels), f.id


@pytest.mark.skipif(not CGI_TSV.exists(), reason="CGI snapshot not available")
def test_cgi_confirmations_match_snapshot(my_files: dict[str, KnowledgeFile]) -> None:
    cgi_sources = " ".join(r["Source"] for r in cgi_rows())
    checked = 0
    for kf in my_files.values():
        for s in kf.sources:
            if "cgi row" in s.confirmed_by and s.id.startswith("PMID:"):
                assert s.id in cgi_sources, f"{s.id} is not a Source of any CGI row"
                checked += 1
    assert checked >= 8


# --------------------------------------------------------------------------------------------- entities


@pytest.mark.parametrize(
    ("alias", "symbol"),
    [("HER2", "ERBB2"), ("c-MET", "MET"), ("MEK1", "MAP2K1"), ("TRKA", "NTRK1"), ("ERBB1", "EGFR")],
)
def test_gene_aliases(kb: Knowledge, alias: str, symbol: str) -> None:
    assert kb.gene(alias) == symbol


@pytest.mark.parametrize(
    ("synonym", "drug"),
    [
        ("Tagrisso", "osimertinib"),
        ("AZD9291", "osimertinib"),
        ("Tarceva", "erlotinib"),
        ("Xalkori", "crizotinib"),
        ("Alecensa", "alectinib"),
        ("Lorbrena", "lorlatinib"),
        ("Zelboraf", "vemurafenib"),
        ("Tafinlar", "dabrafenib"),
        ("Mekinist", "trametinib"),
        ("Herceptin", "trastuzumab"),
        ("T-DM1", "trastuzumab emtansine"),
        ("AMG 510", "sotorasib"),
    ],
)
def test_drug_synonyms(kb: Knowledge, synonym: str, drug: str) -> None:
    assert kb.drug(synonym) == drug


def test_drug_classes_and_generations(kb: Knowledge) -> None:
    assert kb.drugs_in_class("egfr_tki_gen1") == ["erlotinib", "gefitinib", "icotinib"]
    assert "osimertinib" in kb.drugs_in_class("egfr_tki") and "osimertinib" in kb.drugs_in_class("tki")
    assert kb.drug_classes["alk_tki_gen3"].parent == "alk_tki"
    assert kb.drugs["lorlatinib"].generation == 3 and kb.drugs["crizotinib"].generation == 1
    assert "cetuximab" in kb.drugs_in_class("monoclonal_antibody")
    assert "doxorubicin" in kb.drugs_in_class("topoisomerase_ii_inhibitor")


def test_chemotherapy_drugs(kb: Knowledge) -> None:
    for name in ("cisplatin", "carboplatin", "etoposide", "doxorubicin", "irinotecan", "temozolomide"):
        assert kb.drugs[name].dna_damaging, name
    for name in ("paclitaxel", "docetaxel"):
        assert not kb.drugs[name].dna_damaging, name
        assert "taxane" in kb.drugs[name].classes
    assert "chemotherapy" in kb.classes_of("carboplatin")


def test_tumour_hierarchy(kb: Knowledge) -> None:
    assert "NSCLC" in kb.tumor_ancestors("LUAD")
    assert "MEL" in kb.tumor_ancestors("SKCM")
    assert "COADREAD" in kb.tumor_ancestors("READ")
    assert "NSCLC" not in kb.tumor_ancestors("SCLC")
    assert kb.tumor("colorectal cancer") == "COADREAD"
