"""Session 7 (helper annot8): the set-F miss classes, each for its family, on examples of my own.

Sources behind the expected verdicts (all in ``facts/curated_2026_12_annot8.yaml`` or held before):
- PTEN loss at progression on the PI3K-alpha inhibitor alpelisib (Juric et al. 2015, PMID:25409150; Razavi et al.
  2020, PMID:32864625); capivasertib's indication includes PTEN alterations, so the AKT inhibitor is not defeated;
- rucaparib in mCRPC: BRCA1 or BRCA2 alterations (TRITON2, PMID:32795228); ATM is not a labelled use and no
  identified source of its effect was seen, so the verdict stays ``unknown`` (olaparib's label lists ATM);
- MEK1 C121S against the BRAF-inhibitor class (CGI biomarkers row, PMID:19915144/21383288), MEK2 Q60P against
  dabrafenib + trametinib (Wagle et al. 2014, DOI:10.1158/2159-8290.CD-13-0631);
- KEAP1, SMARCA4, CDKN2A beside KRAS G12C: shorter PFS on sotorasib/adagrasib (Negrao et al. 2023, PMID:37068173,
  level C, reduced sensitivity); STK11 alone is not written (its effect vanished within KEAP1 wild-type tumours);
- RB1 alterations and a shorter time on abiraterone/enzalutamide (Abida et al. 2019, PMID:31061129; C; apalutamide
  and darolutamide inferred, E); TP53 alone is not written (decision in the annot8 file);
- BCR::ABL1 fusions at progression on gilteritinib (McMahon et al. 2019, DOI:10.1158/2159-8290.CD-18-1453);
- imported regimen names (CIViC "FOLFOX Regimen") and the named regimen table are one way to name the drugs;
- "acute leukaemia" names AML, B-/T-ALL or ALAL: evidence must hold for every member to apply with full standing;
- "AR-V7 negative" is the absence of the isoform: the profile reads as if it were not written.
"""

from __future__ import annotations

import pytest

from oncoresist.annotate import annotate
from oncoresist.annotate.api import _knowledge, resolve_drugs
from oncoresist.annotate.engine import regimen_fact

KB = _knowledge(None)


def _finding(res, alteration: str, effect: str):  # type: ignore[no-untyped-def]
    return next(f for f in res.findings if f.alteration == alteration and f.effect == effect)


# ------------------------------------------------------------------ PTEN loss on PI3K-alpha inhibition
@pytest.mark.parametrize("pten", ["PTEN loss", "PTEN homozygous deletion", "PTEN p.R130*"])
@pytest.mark.parametrize("drugs", [["alpelisib"], ["alpelisib", "fulvestrant"], ["Piqray", "letrozole"]])
def test_pten_loss_defeats_alpelisib_beside_the_pik3ca_driver(pten: str, drugs: list[str]) -> None:
    res = annotate(["PIK3CA H1047R", pten], drug=drugs, tumor="HR+ HER2- metastatic breast cancer", knowledge=KB)
    assert res.verdict == "resistant"
    assert any(f.effect == "resistance" and f.status == "decisive" and f.gene == "PTEN" for f in res.findings)


def test_pten_loss_does_not_defeat_the_akt_inhibitor_whose_label_names_it() -> None:
    res = annotate(["PIK3CA H1047R", "PTEN loss"], drug=["capivasertib", "fulvestrant"], tumor="BRCA", knowledge=KB)
    assert res.verdict == "sensitive"
    opts = annotate(["PIK3CA H1047R", "PTEN loss"], drug="alpelisib", tumor="BRCA", knowledge=KB).options
    assert any("capivasertib" in o.therapy for o in opts[:5])


# ------------------------------------------------------------------ HRR genes on PARP inhibitors in prostate cancer
@pytest.mark.parametrize(
    "alt", ["BRCA2 homozygous deletion", "BRCA2 loss", "BRCA1 loss", "BRCA1 p.E23fs", "BRCA2 p.S1982Rfs*22"]
)
def test_brca_alterations_on_rucaparib_in_mcrpc_are_sensitive(alt: str) -> None:
    assert annotate([alt], drug="Rubraca", tumor="mCRPC", knowledge=KB).verdict == "sensitive"


@pytest.mark.parametrize("alt", ["ATM loss", "ATM p.R337*", "CDK12 loss", "CHEK2 loss"])
def test_non_brca_hrr_genes_on_rucaparib_are_not_called_sensitive(alt: str) -> None:
    res = annotate([alt], drug="rucaparib", tumor="mCRPC", knowledge=KB)
    assert res.verdict == "unknown"  # not a labelled use, no identified evidence either way (decision: annot8 file)


@pytest.mark.parametrize("alt", ["ATM loss", "CDK12 loss", "BRCA2 loss"])
def test_the_same_genes_on_olaparib_follow_its_hrr_gene_label(alt: str) -> None:
    assert annotate([alt], drug="olaparib", tumor="mCRPC", knowledge=KB).verdict == "sensitive"


# ------------------------------------------------------------------ MEK1/MEK2 below BRAF in melanoma
@pytest.mark.parametrize("drug", ["dabrafenib", "vemurafenib", "encorafenib", ["dabrafenib", "trametinib"]])
def test_mek1_c121s_defeats_braf_inhibitors_in_melanoma(drug: str | list[str]) -> None:
    res = annotate(["BRAF V600E", "MEK1 C121S"], drug=drug, tumor="melanoma", knowledge=KB)
    assert res.verdict == "resistant"
    assert _finding(res, "MAP2K1 C121S", "resistance").status == "decisive"


def test_mek2_q60p_defeats_dabrafenib_with_trametinib() -> None:
    res = annotate(["BRAF V600E", "MAP2K2 Q60P"], drug="dabrafenib + trametinib", tumor="MEL", knowledge=KB)
    assert res.verdict == "resistant"


# ------------------------------------------------------------------ co-alterations of KRAS G12C on G12C inhibitors
@pytest.mark.parametrize(
    "co", ["KEAP1 loss", "KEAP1 inactivating mutation", "SMARCA4 loss", "CDKN2A homozygous deletion"]
)
@pytest.mark.parametrize("drug", ["sotorasib", "Krazati"])
def test_keap1_smarca4_cdkn2a_beside_kras_g12c_reduce_sensitivity(co: str, drug: str) -> None:
    res = annotate(["KRAS G12C", co], drug=drug, tumor="lung adenocarcinoma", knowledge=KB)
    assert res.verdict == "resistant"
    decisive = [f for f in res.findings if f.status == "decisive" and f.effect == "reduced_sensitivity"]
    assert decisive and all(f.evidence_level == "C" for f in decisive)


def test_stk11_alone_beside_kras_g12c_is_not_written_as_reduced_sensitivity() -> None:
    res = annotate(["KRAS G12C", "STK11 loss"], drug="sotorasib", tumor="NSCLC", knowledge=KB)
    assert res.verdict == "sensitive"
    assert not any(f.gene == "STK11" for f in res.findings)


def test_the_co_alteration_facts_stay_in_lung_cancer() -> None:
    res = annotate(["KRAS G12C", "KEAP1 loss"], drug=["adagrasib", "cetuximab"], tumor="COADREAD", knowledge=KB)
    assert all(f.gene != "KEAP1" or f.status != "decisive" for f in res.findings)


# ------------------------------------------------------------------ RB1 on AR-axis drugs in prostate cancer
@pytest.mark.parametrize("rb1", [["RB1 loss"], ["RB1 homozygous deletion", "TP53 loss"], ["RB1 p.R251*", "TP53 R273H"]])
@pytest.mark.parametrize("drug", ["enzalutamide", "Zytiga", "apalutamide", "darolutamide"])
def test_rb1_loss_reduces_sensitivity_to_ar_axis_drugs(rb1: list[str], drug: str) -> None:
    res = annotate(rb1, drug=drug, tumor="mCRPC", knowledge=KB)
    assert res.verdict == "resistant"
    rb = next(f for f in res.findings if f.gene == "RB1" and f.status == "decisive")
    assert rb.mechanism == "lineage_plasticity" and rb.effect == "reduced_sensitivity"
    assert rb.evidence_level == ("E" if drug in ("apalutamide", "darolutamide") else "C")
    assert any({"carboplatin", "etoposide"} <= set(o.therapy) or "docetaxel" in o.therapy for o in res.options[:5])


def test_tp53_alone_is_not_written_against_ar_axis_drugs() -> None:
    assert annotate(["TP53 R273H"], drug="enzalutamide", tumor="mCRPC", knowledge=KB).verdict == "unknown"


# ------------------------------------------------------------------ off-target escape from selective FLT3 inhibition
@pytest.mark.parametrize("driver", ["FLT3-ITD", "FLT3 D835Y"])
@pytest.mark.parametrize("fusion", ["BCR::ABL1", "BCR-ABL1 fusion"])
def test_an_emerging_bcr_abl1_fusion_defeats_gilteritinib(driver: str, fusion: str) -> None:
    res = annotate([driver, fusion], drug="Xospata", tumor="relapsed AML", knowledge=KB)
    assert res.verdict == "resistant"
    assert _finding(res, "BCR::ABL1", "resistance").mechanism == "bypass_pathway"
    assert annotate([driver], drug="gilteritinib", tumor="AML", knowledge=KB).verdict == "sensitive"


# ------------------------------------------------------------------ regimens imported as one drug name
@pytest.mark.parametrize(
    ("written", "plain"),
    [("FOLFOX regimen", "FOLFOX"), ("FOLFOX chemotherapy", "FOLFOX"), ("FOLFIRI Regimen", "FOLFIRI"),
     ("R-CHOP regimen", "R-CHOP"), ("FOLFOX-4 Regimen", "FOLFOX-4"),
     ("Dabrafenib/Trametinib Regimen", "dabrafenib + trametinib"), ("larotrectinib regimen", "larotrectinib")],
)  # fmt: skip
def test_an_imported_regimen_name_is_the_regimens_drugs(written: str, plain: str) -> None:
    assert resolve_drugs(written, KB) == resolve_drugs(plain, KB)
    assert all(KB.drugs[d].classes != ["imported_unclassified"] for d in resolve_drugs(written, KB))


def test_evidence_recorded_on_an_imported_regimen_is_found_by_the_regimens_name() -> None:
    # CIViC records this item on the therapy "FOLFOX-4 Regimen" + cetuximab (an imported pseudo-drug before)
    for drug in ("FOLFOX-4 + cetuximab", "FOLFOX-4 regimen + cetuximab"):
        res = annotate(["KRAS A146T"], drug=drug, tumor="COADREAD", knowledge=KB)
        assert res.verdict == "resistant"
        assert any(set(f.drugs) == {"cetuximab", "fluorouracil", "leucovorin", "oxaliplatin"} for f in res.findings)


def test_a_fact_on_one_of_several_alternatives_is_kept_as_recorded() -> None:
    fact = next(f for f in KB.facts if f.drugs == ["temozolomide", "pcv regimen"])
    assert fact.therapy_mode == "each" and regimen_fact(KB, fact) is fact
    single = next(f for f in KB.facts if f.drugs == ["folfox regimen"])
    expanded = regimen_fact(KB, single)
    assert expanded.drugs == ["leucovorin", "fluorouracil", "oxaliplatin"] and expanded.therapy_mode == "combination"


# ------------------------------------------------------------------ acute leukaemia of unstated lineage
@pytest.mark.parametrize("tumor", ["acute leukaemia", "acute leukemia", "relapsed acute leukaemia"])
def test_evidence_recorded_for_every_lineage_applies_to_acute_leukaemia(tumor: str) -> None:
    res = annotate(["KMT2A rearrangement"], drug="revumenib", tumor=tumor, knowledge=KB)
    assert res.verdict == "sensitive"
    assert _finding(res, "KMT2A fusion", "sensitivity").tumor_relation == "same"


def test_evidence_for_one_lineage_only_has_a_lower_standing_in_acute_leukaemia() -> None:
    aml = annotate(["FLT3-ITD", "FLT3 F691L"], drug="gilteritinib", tumor="AML", knowledge=KB)
    amb = annotate(["FLT3-ITD", "FLT3 F691L"], drug="gilteritinib", tumor="acute leukaemia", knowledge=KB)
    assert _finding(aml, "FLT3 F691L", "resistance").tumor_relation == "same"
    assert _finding(amb, "FLT3 F691L", "resistance").tumor_relation == "sibling"
    assert "sibling" in amb.verdict_reason  # the reason says the evidence is not for every lineage the name allows


def test_all_keeps_the_ordinary_set_reading() -> None:
    res = annotate(["CD19-negative relapse"], drug="blinatumomab", tumor="ALL", knowledge=KB)
    assert next(f for f in res.findings if f.effect == "resistance").tumor_relation == "same"


# ------------------------------------------------------------------ AR-V7 negative
@pytest.mark.parametrize("absent", ["AR-V7 negative", "AR-V7 not detected (CTC)"])
@pytest.mark.parametrize("drug", ["enzalutamide", "abiraterone"])
def test_an_absent_ar_v7_changes_nothing(absent: str, drug: str) -> None:
    with_it = annotate([absent, "AR amplification"], drug=drug, tumor="mCRPC", knowledge=KB).to_dict()
    without = annotate(["AR amplification"], drug=drug, tumor="mCRPC", knowledge=KB).to_dict()
    assert with_it["verdict"] == without["verdict"] and with_it["findings"] == without["findings"]
    present = annotate(["AR-V7 positive (CTC)"], drug=drug, tumor="mCRPC", knowledge=KB)
    assert all(f.alteration != "AR-V7 expression" for f in annotate([absent], drug=drug, knowledge=KB).findings)
    assert present.verdict == "resistant"
