"""Next options for the classes the ranker did not reach (issue 10): chemotherapy and other regimen families after a
resistance, options written for a subtype of the query tumour, another driver's standard therapy, sibling-standing
evidence, and no generation inference outside the drug's target gene.

Each expectation names its source; the combinations are not in the benchmark case files.
"""

from __future__ import annotations

from oncoresist.annotate import annotate
from oncoresist.annotate.result import AnnotationResult
from oncoresist.knowledge import load_knowledge

KB = load_knowledge()


def _run(alts: list[str], drug: str | list[str], tumor: str | None) -> AnnotationResult:
    return annotate(alts, drug=drug, tumor=tumor, knowledge=KB)


def _drugs(res: AnnotationResult, n: int = 8) -> set[str]:
    return {d for o in res.options[:n] for d in o.therapy}


def _classes(drug: str) -> set[str]:
    return set(KB.drugs[drug].classes)


def test_brca_reversion_after_a_parp_inhibitor_in_hgsoc_gets_non_platinum_chemotherapy() -> None:
    # Avastin label (platinum-resistant ovarian cancer: bevacizumab with paclitaxel, liposomal doxorubicin or
    # topotecan); NCCN Ovarian Cancer (non-platinum single agents for platinum-resistant disease)
    res = _run(["BRCA1 loss", "BRCA1 reversion mutation"], "niraparib", "high-grade serous ovarian cancer")
    assert res.verdict == "resistant"
    top = [set(o.therapy) for o in res.options[:5]]
    assert {"paclitaxel", "bevacizumab"} in top or {"topotecan", "bevacizumab"} in top, top
    assert all(not _classes(d) & {"parp_inhibitor", "platinum"} for o in res.options for d in o.therapy)
    assert all(o.basis == "class_switch" for o in res.options[:5])


def test_dna_repair_resistance_after_a_parp_inhibitor_in_prostate_cancer_gets_a_taxane() -> None:
    # NCCN Prostate Cancer; Taxotere and Jevtana labels (metastatic castration-resistant prostate cancer)
    res = _run(["BRCA2 reversion mutation"], "niraparib", "prostate adenocarcinoma")
    assert res.verdict == "resistant"
    assert _drugs(res, 5) & {"docetaxel", "cabazitaxel"}


def test_cyp2d6_poor_metaboliser_in_a_breast_subtype_gets_an_aromatase_inhibitor() -> None:
    # CPIC guideline for CYP2D6 and tamoxifen (Goetz et al., Clin Pharmacol Ther 2018): an aromatase inhibitor
    res = _run(["CYP2D6 loss"], "tamoxifen", "breast invasive ductal carcinoma")
    assert res.verdict == "resistant"
    assert {o.therapy[0] for o in res.options[:3]} == {"letrozole", "anastrozole", "exemestane"}
    assert all("serm" not in _classes(d) for o in res.options for d in o.therapy)


def test_immune_evasion_on_a_pd_l1_antibody_in_nsclc_gets_a_platinum_doublet() -> None:
    # NCCN NSCLC (platinum doublet after first-line PD-(L)1 monotherapy); Alimta label (pemetrexed for non-squamous)
    res = _run(["STK11 loss"], "atezolizumab", "NSCLC")
    assert res.verdict == "resistant"
    by = {frozenset(o.therapy): o for o in res.options}
    assert frozenset({"carboplatin", "paclitaxel"}) in by
    # the pemetrexed doublet is written for lung adenocarcinoma: it applies to an NSCLC query as a subtype's option
    pem = by.get(frozenset({"carboplatin", "pemetrexed"}))
    assert pem is not None and pem.tumor_relation == "descendant"


def test_no_pemetrexed_doublet_for_squamous_nsclc() -> None:
    # Alimta label: pemetrexed is not indicated for squamous cell NSCLC; the LUAD option is a sibling's there
    res = _run(["STK11 loss"], "atezolizumab", "lung squamous cell carcinoma")
    assert res.verdict == "resistant"
    assert not any("pemetrexed" in o.therapy for o in res.options)
    assert any(set(o.therapy) == {"carboplatin", "paclitaxel"} for o in res.options)


def test_kras_g12c_after_immunotherapy_failure_offers_the_g12c_inhibitors_after_the_standard_line() -> None:
    # Lumakras and Krazati labels: KRAS G12C NSCLC after at least one prior systemic therapy
    res = _run(["KRAS G12C", "STK11 loss"], "atezolizumab", "NSCLC")
    basis = {o.therapy[0]: o.basis for o in res.options if len(o.therapy) == 1}
    assert basis.get("sotorasib") == "other_driver" and basis.get("adagrasib") == "other_driver"
    ranks = {frozenset(o.therapy): i for i, o in enumerate(res.options)}
    assert ranks[frozenset({"carboplatin", "paclitaxel"})] < ranks[frozenset({"sotorasib"})]
    sot = next(o for o in res.options if o.therapy == ["sotorasib"])
    assert sot.addresses == ["KRAS G12C"] and "another driver" in sot.rationale


def test_another_driver_does_not_bring_back_the_failed_family() -> None:
    # after osimertinib, no first-generation or exon-20 EGFR TKI is offered as the EGFR driver's "standard therapy"
    res = _run(["EGFR exon 19 deletion", "MET amplification"], "osimertinib", "NSCLC")
    assert res.verdict == "resistant"
    for o in res.options:
        if o.basis == "other_driver":
            assert all(not _classes(d) & {"egfr_tki_gen1", "egfr_tki_gen2", "egfr_tki_gen3", "egfr_exon20_inhibitor"}
                       for d in o.therapy), o.therapy  # fmt: skip


def test_egfr_c797s_with_t790m_after_osimertinib_gets_amivantamab_chemotherapy() -> None:
    # Rybrevant label (with carboplatin and pemetrexed after an EGFR TKI); T790M defeats the earlier generations
    res = _run(["EGFR L858R", "EGFR T790M", "EGFR C797S"], "osimertinib", "lung adenocarcinoma")
    assert res.verdict == "resistant"
    top = [set(o.therapy) for o in res.options[:5]]
    assert {"amivantamab", "carboplatin", "pemetrexed"} in top
    assert not _drugs(res) & {"gefitinib", "erlotinib"}


def test_her2_positive_breast_with_pten_loss_on_trastuzumab_gets_the_next_her2_line() -> None:
    # Enhertu label (HER2-positive breast cancer after an anti-HER2 regimen); Tukysa label (with trastuzumab and
    # capecitabine after one or more anti-HER2 regimens)
    res = _run(["ERBB2 amplification", "PTEN loss"], "trastuzumab", "breast cancer")
    assert res.verdict == "resistant"
    top = [set(o.therapy) for o in res.options[:5]]
    assert {"trastuzumab deruxtecan"} in top
    assert {"tucatinib", "trastuzumab", "capecitabine"} in top
    assert "pertuzumab" not in _drugs(res)  # the failed class (anti-HER2 antibody) alone is not offered again


def test_btk_c481s_on_ibrutinib_in_mcl_gets_pirtobrutinib() -> None:
    # Jaypirca label (mantle cell lymphoma after a BTK inhibitor)
    res = _run(["BTK C481S"], "ibrutinib", "mantle cell lymphoma")
    assert res.verdict == "resistant"
    assert res.options and res.options[0].therapy == ["pirtobrutinib"]
    assert res.options[0].basis == "curated" and res.options[0].tumor_relation == "same"


def test_resistance_decided_on_sibling_evidence_gets_options_of_that_standing() -> None:
    # the only BTK C481S evidence in the knowledge is from CLL (a sibling of Waldenstrom macroglobulinaemia under
    # mature B-cell neoplasms); its pirtobrutinib evidence (Jaypirca label, CLL) is offered at the same standing
    res = _run(["BTK C481S"], "zanubrutinib", "Waldenstrom macroglobulinemia")
    assert res.verdict == "resistant"
    pir = [o for o in res.options if o.therapy == ["pirtobrutinib"]]
    assert pir and pir[0].tumor_relation == "sibling"


def test_melanoma_mek1_on_target_on_dabrafenib_trametinib_gets_immunotherapy() -> None:
    # NCCN Melanoma: Cutaneous (anti-PD-1-based immunotherapy after BRAF/MEK inhibitors); Opdivo, Keytruda labels
    res = _run(["BRAF V600E", "MAP2K1 C121S"], ["dabrafenib", "trametinib"], "melanoma")
    assert res.verdict == "resistant"
    assert _drugs(res, 5) & {"nivolumab", "pembrolizumab"}
    assert not _drugs(res) & {"vemurafenib", "encorafenib", "binimetinib", "cobimetinib", "dabrafenib", "trametinib"}


def test_no_generation_inference_outside_the_target_gene() -> None:
    # bosutinib (a later BCR::ABL1 TKI; Bosulif label: CML) does not target KIT: no inference for a KIT secondary
    res = _run(["KIT A502_Y503dup", "KIT V654A"], "imatinib", "GIST")
    assert res.verdict == "resistant"
    for o in res.options:
        if o.basis == "next_generation" and o.evidence_level == "E":
            assert all("KIT" in KB.drugs[d].targets for d in o.therapy), o.therapy
    assert "sunitinib" in _drugs(res, 5)  # Sutent label: GIST after imatinib; V654A is sunitinib-sensitive


def test_dna_repair_resistance_after_a_parp_inhibitor_in_breast_cancer_gets_non_platinum_chemotherapy() -> None:
    # NCCN Breast Cancer (preferred single agents, HER2-negative metastatic disease); a reversion defeats platinum too
    res = _run(["BRCA1 loss", "BRCA1 reversion mutation"], "talazoparib", "invasive breast carcinoma")
    assert res.verdict == "resistant"
    assert _drugs(res, 5) & {"capecitabine", "eribulin", "paclitaxel"}
    assert all(not _classes(d) & {"parp_inhibitor", "platinum"} for o in res.options for d in o.therapy)
