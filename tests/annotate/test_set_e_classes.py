"""Set E miss classes (helper fixe), end to end with the default knowledge: tumour names, non-kinase resistance.

Each expectation comes from the cited source's claim, not from the annotator's output: CD19-negative relapse
defeats CD19-directed therapy (Myers et al., JCO 2022) and leaves CD22 (inotuzumab, Besponsa label); 53BP1 or
shieldin loss restores homologous recombination in BRCA1- but not BRCA2-deficient tumours (Bouwman et al. 2010;
Noordermeer et al. 2018); TP53-aberrant CLL responds poorly to chemoimmunotherapy (iwCLL 2018).
"""

from __future__ import annotations

import pytest

from oncoresist.alteration import parse_alteration
from oncoresist.annotate import annotate
from oncoresist.annotate.api import _knowledge
from oncoresist.annotate.reversion import restored_by

KB = _knowledge(None)


@pytest.mark.parametrize("name", ["ALL", "acute lymphoblastic leukemia", "relapsed ALL"])
def test_all_names_the_lymphoid_neoplasm_above_b_and_t_all(name: str) -> None:
    code = KB.tumor(name)
    assert {"BLL", "TLL"} <= set(KB.tumor_descendants(code))
    assert "AML" not in KB.tumor_descendants(code)


def test_a_qualifier_still_makes_all_specific() -> None:
    assert KB.tumor("Ph+ ALL") == "BLLBCRABL1"
    assert KB.tumor("T-cell ALL") == "TLL"


@pytest.mark.parametrize(
    ("name", "code"),
    [("mammary analogue secretory carcinoma", "HNMASC"), ("mammary analog secretory carcinoma", "HNMASC"),
     ("salivary gland secretory carcinoma", "HNMASC"), ("Waldenström macroglobulinemia", "WM"),
     ("B-cell non-Hodgkin lymphoma", "MBN"), ("therapy-related AML", "TAML")],
)  # fmt: skip
def test_clinical_tumour_names(name: str, code: str) -> None:
    assert KB.tumor(name) == code


def test_an_acute_leukaemia_of_either_lineage_is_a_set_of_every_lineage() -> None:
    # session 7 (annot8): a cross-lineage set whose evidence must hold for every member (test_annot8_classes.py)
    assert KB.resolve_tumor("acute leukemia") == "ALAL|AML|BLL|TLL"
    assert KB.tumor_set_needs_every_member("ALAL|AML|BLL|TLL")


@pytest.mark.parametrize(
    ("alts", "drug", "tumor"),
    [
        (["CD19 loss"], "tisagenlecleucel", "B-ALL"),
        (["CD19-negative relapse"], "blinatumomab", "acute lymphoblastic leukemia"),
        (["CD19 expression loss"], "Kymriah", "B-cell precursor acute lymphoblastic leukemia"),
    ],
)
def test_cd19_loss_defeats_cd19_directed_therapy_and_offers_cd22(alts: list[str], drug: str, tumor: str) -> None:
    r = annotate(alts, drug=drug, tumor=tumor)
    assert r.verdict == "resistant"
    assert any("inotuzumab ozogamicin" in o.therapy for o in r.options)
    assert not any(set(o.therapy) & {"tisagenlecleucel", "blinatumomab"} for o in r.options)


@pytest.mark.parametrize(
    ("loss", "drug", "tumor"),
    [("TP53BP1 loss", "olaparib", "breast cancer"), ("53BP1 loss", "olaparib", "ovarian cancer"),
     ("SHLD2 loss", "niraparib", "ovarian cancer"), ("REV7 loss", "talazoparib", "breast cancer")],
)  # fmt: skip
def test_53bp1_or_shieldin_loss_defeats_a_parp_inhibitor_in_brca1_deficiency(loss: str, drug: str, tumor: str) -> None:
    r = annotate(["BRCA1 Q1756fs", loss], drug=drug, tumor=tumor)
    assert r.verdict == "resistant"


def test_53bp1_loss_does_not_restore_brca2() -> None:
    # the rescue is specific to BRCA1 (Bouwman et al. 2010): a BRCA2-deficient tumour stays sensitive
    assert restored_by(parse_alteration("TP53BP1 loss")) == "BRCA1"
    r = annotate(["BRCA2 S1982fs", "TP53BP1 loss"], drug="olaparib", tumor="ovarian cancer")
    r_brca2 = annotate(["BRCA2 S1982fs"], drug="olaparib", tumor="ovarian cancer")
    assert r_brca2.verdict == "sensitive"  # BRCA2 6174delT (S1982fs), a founder frameshift, on the olaparib label
    assert r.verdict == r_brca2.verdict


@pytest.mark.parametrize("alt", ["TP53 mutation", "del(17p)", "TP53 R175H", "17p deletion"])
def test_tp53_aberrant_cll_is_resistant_to_chemoimmunotherapy(alt: str) -> None:
    r = annotate([alt], drug="fludarabine + cyclophosphamide + rituximab", tumor="CLL")
    assert r.verdict == "resistant"


def test_tp53_aberrant_cll_stays_sensitive_to_a_btk_inhibitor() -> None:
    assert annotate(["del(17p)"], drug="ibrutinib", tumor="CLL").verdict == "sensitive"


def test_squamous_transformation_defeats_erlotinib() -> None:
    # the source's case reports (PMID:31956415, level C) are after erlotinib
    r = annotate(["EGFR L858R", "squamous transformation"], drug="erlotinib", tumor="NSCLC")
    assert r.verdict == "resistant"
    assert any(f.mechanism == "lineage_plasticity" for f in r.findings)


def test_squamous_transformation_on_osimertinib_is_an_inference_shown_beside_the_label() -> None:
    # other EGFR TKIs: only the class inference (level E), as for small-cell transformation on lorlatinib (rule 4)
    r = annotate(["EGFR L858R", "squamous transformation"], drug="osimertinib", tumor="NSCLC")
    found = [f for f in r.findings if f.effect == "resistance" and f.mechanism == "lineage_plasticity"]
    assert found and all(f.evidence_level == "E" for f in found)


def test_a_stated_exon_that_contradicts_the_change_is_a_warning() -> None:
    wrong = annotate(["KIT exon 11 D816V"], drug="imatinib", tumor="GIST")
    right = annotate(["KIT exon 17 D816V"], drug="imatinib", tumor="GIST")
    assert any("outside KIT exon 11" in w for f in wrong.findings for w in f.warnings)
    assert not any("outside" in w for f in right.findings for w in f.warnings)
    assert wrong.verdict == right.verdict == "resistant"  # KIT D816V on imatinib (exon 17, CGI)


@pytest.mark.parametrize(
    ("alts", "drug", "tumor", "verdict"),
    [
        (["EGFR exon 21 L858R"], "osimertinib", "NSCLC", "sensitive"),
        (["PDGFRA exon 18 p.(Asp842Val)"], "imatinib", "GIST", "resistant"),
        (["MET c.3028+1G>T (exon 14 splice site)"], "capmatinib", "NSCLC", "sensitive"),
        (["HER2 ISH positive"], "trastuzumab", "breast cancer", "sensitive"),
        (["CLDN18.2 positive"], "zolbetuximab", "gastric cancer", "sensitive"),
        (["FRα positive"], "mirvetuximab soravtansine", "ovarian cancer", "sensitive"),
    ],
)
def test_report_wordings_reach_the_labelled_verdict(alts: list[str], drug: str, tumor: str, verdict: str) -> None:
    assert annotate(alts, drug=drug, tumor=tumor).verdict == verdict


def test_small_cell_transformation_defeats_alectinib() -> None:
    r = annotate(["EML4::ALK", "small cell transformation"], drug="alectinib", tumor="NSCLC")  # PMID:26751586 (C)
    assert r.verdict == "resistant"
    assert any("etoposide" in o.therapy for o in r.options)


def test_inferred_class_evidence_is_shown_but_does_not_outweigh_the_label() -> None:
    # lorlatinib: only the class inference (level E) against the label's level A sensitivity (verdict rule 4)
    r = annotate(["EML4::ALK", "small cell transformation"], drug="lorlatinib", tumor="NSCLC")
    assert any(f.effect == "resistance" and f.mechanism == "lineage_plasticity" for f in r.findings)
