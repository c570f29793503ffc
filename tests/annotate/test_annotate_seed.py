"""Seed examples (issue 3) against the curated knowledge only (no imports)."""

from __future__ import annotations

import pytest

from oncoresist.annotate import annotate
from oncoresist.knowledge.loader import load_knowledge


@pytest.fixture(scope="module")
def kb():  # type: ignore[no-untyped-def]
    return load_knowledge(include_imports=False)


def run(kb, alts, drug, tumor=None):  # type: ignore[no-untyped-def]
    return annotate(alts, drug=drug, tumor=tumor, knowledge=kb)


def therapies(res) -> list[tuple[str, ...]]:  # type: ignore[no-untyped-def]
    return [tuple(o.therapy) for o in res.options]


@pytest.mark.parametrize("drug", ["erlotinib", "gefitinib", "Tarceva", "Iressa"])
def test_t790m_on_first_generation_offers_osimertinib(kb, drug):
    res = run(kb, ["EGFR L858R", "EGFR T790M"], drug, "NSCLC")
    assert res.verdict == "resistant"
    t790m = [f for f in res.findings if f.alteration == "EGFR T790M"]
    assert t790m and t790m[0].effect == "resistance" and t790m[0].mechanism == "on_target_mutation"
    assert ("osimertinib",) in therapies(res)
    assert "EGFR T790M" in res.options[0].addresses or any("EGFR T790M" in o.addresses for o in res.options)


@pytest.mark.parametrize("text", ["EGFR p.Thr790Met", "EGFR:p.T790M", "egfr t790m", "HER1 T790M"])
def test_t790m_spellings(kb, text):
    res = run(kb, [text], "erlotinib", "NSCLC")
    assert res.verdict == "resistant"
    assert res.findings[0].alteration == "EGFR T790M"


def test_c797s_on_osimertinib(kb):
    res = run(kb, ["EGFR L858R", "EGFR C797S"], "Tagrisso", "NSCLC")
    assert res.verdict == "resistant"
    assert any(f.alteration == "EGFR C797S" and f.mechanism == "on_target_mutation" for f in res.findings)


@pytest.mark.parametrize("drug", ["crizotinib", "alectinib"])
def test_alk_resistance_offers_lorlatinib(kb, drug):
    # one kinase-domain mutation: G1202R + L1196M together (compound) resist lorlatinib too (Yoda et al.,
    # Cancer Discov 2018, PMID:29650534), so the lorlatinib option is checked on G1202R alone
    res = run(kb, ["EML4::ALK", "ALK G1202R"], drug, "NSCLC")
    assert res.verdict == "resistant"
    assert ("lorlatinib",) in therapies(res)


@pytest.mark.parametrize("fusion", ["EML4-ALK fusion", "ALK fusion", "EML4::ALK"])
def test_alk_g1202r_alectinib_fusion_spellings(kb, fusion):
    res = run(kb, [fusion, "ALK G1202R"], "alectinib", "NSCLC")
    assert res.verdict == "resistant"
    assert ("lorlatinib",) in therapies(res)


@pytest.mark.parametrize("mek", ["NRAS Q61K", "MAP2K1 C121S"])
def test_braf_melanoma_mapk_reactivation_on_vemurafenib(kb, mek):
    res = run(kb, ["BRAF V600E", mek], "vemurafenib", "melanoma")
    assert res.verdict == "resistant"
    assert any(f.alteration == mek and f.mechanism == "downstream_pathway" for f in res.findings)


@pytest.mark.parametrize("second", ["PIK3CA H1047R", "PIK3CA mutation", "PTEN loss"])
def test_her2_breast_pi3k_on_trastuzumab(kb, second):
    res = run(kb, ["HER2 amplification", second], "Herceptin", "BRCA")
    assert res.verdict == "resistant"
    assert any(f.gene in ("PIK3CA", "PTEN") and f.effect == "resistance" for f in res.findings)


def test_met_amplification_on_osimertinib_offers_combination(kb):
    res = run(kb, ["EGFR exon 19 deletion", "MET amplification"], "osimertinib", "NSCLC")
    assert res.verdict == "resistant"
    assert any(f.mechanism == "bypass_pathway" for f in res.findings)
    combos = [t for t in therapies(res) if "osimertinib" in t and len(t) > 1]
    assert combos, therapies(res)
    met = {d for d in kb.drugs if "MET" in kb.drugs[d].targets}
    assert met & set(combos[0])


def test_small_cell_transformation_offers_platinum_etoposide(kb):
    res = run(kb, ["EGFR L858R", "small cell transformation"], "osimertinib", "NSCLC")
    assert res.verdict == "resistant"
    assert any(f.mechanism == "lineage_plasticity" for f in res.findings)
    assert any("etoposide" in t and ({"cisplatin", "carboplatin"} & set(t)) for t in therapies(res))


def test_abcb1_overexpression_on_paclitaxel(kb):
    res = run(kb, ["ABCB1 overexpression"], "paclitaxel", "NSCLC")
    assert res.verdict == "resistant"
    assert res.findings[0].mechanism == "drug_efflux"


@pytest.mark.parametrize(
    ("alts", "drug", "tumor"),
    [
        (["EGFR L858R", "EGFR T790M"], "osimertinib", "NSCLC"),
        (["EML4::ALK", "ALK G1202R"], "lorlatinib", "NSCLC"),
        (["BCR-ABL1 T315I"], "ponatinib", "CML"),
    ],
)
def test_negative_controls_not_resistant(kb, alts, drug, tumor):
    assert run(kb, alts, drug, tumor).verdict != "resistant"


def test_bcr_abl1_t315i_matches_abl1_facts(kb):
    res = run(kb, ["BCR-ABL1 T315I"], "Gleevec", "CML")
    assert res.verdict == "resistant"
    assert res.findings[0].alteration == "ABL1 T315I"
    assert ("ponatinib",) in therapies(res)


def test_tumour_context_braf_v600e(kb):
    assert run(kb, ["BRAF V600E"], "vemurafenib", "colorectal cancer").verdict == "resistant"
    assert run(kb, ["BRAF V600E"], "vemurafenib", "melanoma").verdict == "sensitive"


def test_option_defeated_by_another_finding_is_not_offered(kb):
    # osimertinib overcomes T790M, but C797S in the same profile defeats it
    res = run(kb, ["EGFR E746_A750del", "EGFR T790M", "EGFR C797S"], "erlotinib", "NSCLC")
    assert res.verdict == "resistant"
    assert ("osimertinib",) not in therapies(res)
    alone = run(kb, ["EGFR E746_A750del", "EGFR T790M"], "erlotinib", "NSCLC")
    assert ("osimertinib",) in therapies(alone)


def test_exon_classes_from_concrete_hgvs(kb):
    ins = run(kb, ["EGFR D770_N771insSVD"], "erlotinib", "NSCLC")
    assert ins.verdict == "resistant"
    assert ins.findings[0].alteration == "EGFR D770_N771insSVD"
    # an exon 19 deletion written as HGVS satisfies the exon-19 part of an AND fact
    triple = run(kb, ["EGFR E746_A750del", "EGFR T790M", "EGFR C797S"], "osimertinib", "NSCLC")
    assert any("EGFR E746_A750del" in f.alteration for f in triple.findings)


def test_reduced_sensitivity_is_reported_as_such(kb):
    red = [f for f in kb.facts if f.effect == "reduced_sensitivity" and f.record is None]
    fact = next(f for f in red if all("::" not in a for a in f.alterations) and f.drugs)
    res = run(kb, list(fact.alterations), fact.drugs[0], fact.tumors[0] if fact.tumors else None)
    hit = [f for f in res.findings if f.fact_id == fact.id]
    assert hit and hit[0].effect == "reduced_sensitivity"
    if {f.effect for f in res.findings} == {"reduced_sensitivity"}:
        assert res.verdict == "resistant"  # reduced sensitivity decides, and keeps its own effect


def test_combination_fact_needs_all_its_drugs(kb):
    combo = next(f for f in kb.facts if f.therapy_mode == "combination" and len(f.drugs) >= 2 and f.record is None)
    tumor = combo.tumors[0] if combo.tumors else None
    alone = run(kb, list(combo.alterations), combo.drugs[0], tumor)
    assert combo.id not in {f.fact_id for f in alone.findings}
    both = run(kb, list(combo.alterations), list(combo.drugs), tumor)
    assert combo.id in {f.fact_id for f in both.findings}


def test_class_fact_applies_to_each_member(kb):
    fact = next(f for f in kb.facts if f.id == "egfr-t790m-egfr-tki-gen1")
    for drug in kb.drugs_in_class("egfr_tki_gen1"):
        res = run(kb, ["EGFR T790M"], drug, "NSCLC")
        assert fact.id in {f.fact_id for f in res.findings}, drug


def test_and_fact_needs_every_alteration(kb):
    # a fact on several alterations needs every one of them, exactly ...
    fact = next(
        f for f in kb.curated_facts
        if len(f.alterations) >= 2 and not any("::" in a or "fusion" in a.lower() for a in f.alterations) and f.drugs
    )
    res = run(kb, list(fact.alterations[1:]), fact.drugs[0], fact.tumors[0] if fact.tumors else None)
    assert fact.id not in {i for f in res.findings for i in f.fact_ids}
    # ... except the fusion a kinase-domain change presupposes: then the match is only "possible", with a warning
    res = run(kb, ["ALK G1202R"], "crizotinib", "NSCLC")
    hit = [f for f in res.findings if "eml4-alk-g1202r-crizotinib" in f.fact_ids]
    assert hit and all(e.match == "possible" for e in hit[0].evidence if e.fact_id == "eml4-alk-g1202r-crizotinib")
    assert any("EML4::ALK" in w and "not given" in w for w in hit[0].warnings)
