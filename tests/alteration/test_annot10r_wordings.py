"""Report wordings, round 2 (helper annot10r, classes 1-7 of its brief).

The examples are my own, written as molecular reports, pathology reports and tumour-board notes print them. Each
wording is compared with the plain spelling the grammar read before; before this change every wording here was a
refusal ("cannot read ..."), so each test fails on the old grammar.
"""

from __future__ import annotations

import pytest

from oncoresist.annotate import annotate
from oncoresist.annotate.api import _knowledge
from oncoresist.errors import AlterationSyntaxError, OncoresistError
from oncoresist.profile.observed import parse_observed_many, skip_reason
from oncoresist.profile.readers import read_profile_file

KB = _knowledge(None)


def one(text: str):  # type: ignore[no-untyped-def]
    (alt,) = parse_observed_many(text, KB)
    return alt


# --- class 1: a bracket that restates the change -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("CDKN2B loss (homozygous deletion)", "CDKN2B loss"),
        ("SMAD4 loss (deep deletion)", "SMAD4 loss"),
        ("PTEN loss (null by IHC)", "PTEN loss"),
        ("RB1 loss (loss of staining)", "RB1 loss"),
        ("ERBB2 amplification (IHC 3+)", "ERBB2 amplification"),
        ("ERBB2 amplification (IHC 2+, ISH ratio 2.4)", "ERBB2 amplification"),
        ("ERBB2 amplification (HER2 IHC 3+, HER2/CEP17 ratio 6.1)", "ERBB2 amplification"),
        ("MET amplification (MET/CEP7 ratio 3.4, 9 copies)", "MET amplification"),
        ("CCNE1 amplification (copy-number gain in tissue)", "CCNE1 amplification"),
        ("EGFR D770_N771insSVD (exon 20 insertion)", "EGFR exon 20 D770_N771insSVD"),
        ("EGFR E746_A750del (exon 19 deletion)", "EGFR exon 19 E746_A750del"),
        ("NRAS Q61R (codon 61)", "NRAS Q61R"),
        ("FLT3 D835H (TKD)", "FLT3 D835H"),
    ],
)
def test_a_restating_bracket_confirms_the_change(text: str, plain: str) -> None:
    assert one(text) == one(plain)


def test_a_loss_with_negative_staining_is_the_loss_not_its_absence() -> None:
    assert one("PTEN loss (IHC negative)") == one("PTEN loss")
    assert parse_observed_many("PTEN loss: negative", KB) == []  # without an assay of staining: the loss is absent


def test_measured_values_of_a_confirming_bracket_are_kept() -> None:
    her2 = one("ERBB2 amplification (HER2 IHC 3+, HER2/CEP17 ratio 6.1)")
    assert (her2.ihc_score, her2.ratio) == ("3+", 6.1)
    met = one("MET amplification (MET/CEP7 ratio 3.4, 9 copies)")
    assert (met.ratio, met.copy_number) == (3.4, 9.0)
    assert one("MET amplified (FISH MET/CEP7 ratio 2.8)").ratio == 2.8


@pytest.mark.parametrize(
    "text",
    [
        "ERBB2 amplification (IHC null)",  # the protein is not expressed
        "ERBB2 amplification (IHC 1+)",  # HER2-low: the report should say which it means
        "PTEN loss (IHC 3+)",  # strong staining is no loss
        "NRAS Q61R (codon 12)",
        "EGFR L861Q (exon 19 deletion)",
        "EGFR E746_A750del (exon 19 insertion)",
        "CDKN2B loss (amplification)",
    ],
)
def test_a_bracket_naming_a_different_change_stays_an_error(text: str) -> None:
    with pytest.raises(AlterationSyntaxError, match="give one"):
        parse_observed_many(text, KB)


def test_an_unreadable_bracket_stays_the_grammars_error() -> None:
    with pytest.raises(AlterationSyntaxError, match="cannot read"):
        parse_observed_many("NRAS Q61R (blue moon)", KB)


# --- class 2: descriptive brackets and trailing words --------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("ABL1 T315I (gatekeeper)", "ABL1 T315I"),
        ("ROS1 G2032R (solvent front)", "ROS1 G2032R"),
        ("ALK L1198F (xDFG)", "ALK L1198F"),
        ("AR T877A (legacy numbering)", "AR T878A"),
        ("ALK G1202R (compound)", "ALK G1202R"),
        ("RET fusion (partner unknown)", "RET fusion"),
        ("MET D1228N (acquired, plasma, after 14 months' response)", "MET D1228N"),
        ("NPM1 W288fs positive", "NPM1 W288fs"),
        ("IDH1 R132H detected", "IDH1 R132H"),
        ("PIK3CA p.His1047Arg in plasma DNA, VAF 7%", "PIK3CA H1047R"),
    ],
)
def test_descriptive_words_leave_the_change(text: str, plain: str) -> None:
    assert one(text) == one(plain)


def test_phase_and_allelic_words_are_kept() -> None:
    assert one("EGFR C797S (compound, same allele)").phase == "cis"
    assert one("EGFR C797S (different alleles)").phase == "trans"
    assert one("PALB2 Q775* (second allele)").allelic == "biallelic"
    assert one("TP53 Y220C (with 17p loss)").allelic == "biallelic"
    assert one("PIK3CA p.His1047Arg in plasma DNA, VAF 7%").vaf == pytest.approx(0.07)
    assert one("MET D1228N (acquired, plasma, after 14 months' response)").clonality == "acquired"


def test_a_loss_of_another_gene_in_a_with_bracket_is_not_read_as_biallelic() -> None:
    with pytest.raises(AlterationSyntaxError):
        parse_observed_many("KRAS G12D (with 17p loss)", KB)


# --- class 3: truncation without HGVS ------------------------------------------------------------------------------
def test_null_change_classes_and_comma_attributes() -> None:
    assert one("NF1 frameshift mutation (exon 21)") == one("NF1 frameshift mutation")
    alt = one("BRCA2 c.5946delT (p.Ser1982Argfs*22), pathogenic germline")
    assert alt == one("BRCA2 S1982fs (germline)") and alt.origin == "germline"


# --- class 4: aliases and families ---------------------------------------------------------------------------------
def test_a_digit_first_alias_in_brackets() -> None:
    assert one("TP53BP1 (53BP1) deletion") == one("TP53BP1 loss")


def test_folate_receptor_alpha_with_its_staining_score() -> None:
    alt = one("FRα high (PS2+ in ≥80% of viable tumour cells)")
    assert alt == one("FOLR1 overexpression") and alt.ihc_score == "PS2+ in >=80% of cells"


def test_p95her2_with_its_description() -> None:
    assert one("p95HER2 expression (truncated HER2)") == one("p95HER2 expression")


@pytest.mark.parametrize("text", ["IDH wild-type", "IDH-wildtype", "IDH not mutated"])
def test_a_gene_family_in_an_absence(text: str) -> None:
    assert parse_observed_many(text, KB) == []


# --- class 5: known alteration classes without the usual grammar ---------------------------------------------------
def test_hla_class_i_loss_is_one_loss_per_gene() -> None:
    alts = parse_observed_many("HLA class I loss", KB)
    assert [a.name for a in alts] == ["HLA-A loss", "HLA-B loss", "HLA-C loss"]
    assert parse_observed_many("loss of MHC class I expression", KB) == alts


def test_neuroendocrine_features_with_markers() -> None:
    assert one("neuroendocrine features (chromogranin A+, synaptophysin+)") == one("neuroendocrine transformation")


def test_a_fusion_with_the_overexpression_it_states_is_both() -> None:
    alts = parse_observed_many("ABCB1 fusion (ABCB1-LRRC8A) with high P-gp expression", KB)
    assert [a.name for a in alts] == ["ABCB1::LRRC8A", "ABCB1 overexpression"]


def test_a_reversion_with_what_it_restores_and_a_truncating_rearrangement() -> None:
    assert one("BRCA2 reversion (secondary deletion restoring the open reading frame)") == one(
        "BRCA2 reversion mutation"
    )
    assert one("AR rearrangement truncating the LBD") == one("AR rearrangement")
    with pytest.raises(AlterationSyntaxError):  # a truncated kinase domain is no activating fusion
        parse_observed_many("ALK rearrangement truncating the kinase domain", KB)


# --- class 6: context lines in a profile list ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    ["germline", "Somatic", "right-sided primary", "primary tumour site: rectum", "tumor purity 60%",
     "tumour content: 35%"],
)
def test_context_lines_are_skipped_with_a_reason(text: str) -> None:
    assert parse_observed_many(text, KB) == []
    assert skip_reason(text, KB) is not None


def test_a_context_line_in_a_profile_file_and_in_the_api(tmp_path) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "p.yaml"
    p.write_text(
        "tumor: COADREAD\ndrugs: [cetuximab]\nalterations:\n  - KRAS G12D\n  - left-sided primary\n  - somatic\n"
    )
    sp = read_profile_file(p, KB)
    assert [a.name for a in sp.alterations] == ["KRAS G12D"]
    res = annotate(["KRAS G12D", "tumour content 40%"], drug="cetuximab", tumor="COADREAD").to_dict()
    assert res["verdict"] == "resistant"
    assert any("tumour content" in str(u) for u in res["unrecognised_detail"])


def test_a_gene_with_an_unreadable_change_stays_an_error() -> None:
    with pytest.raises(OncoresistError):
        parse_observed_many("KRAS tumour content 40%", KB)


# --- class 7: tumour text ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("small cell transformation of EGFR-mutant lung adenocarcinoma", "LUAD"),
        ("gastro-oesophageal junction adenocarcinoma", "GEJ"),
        ("gastro-esophageal junction adenocarcinoma", "GEJ"),
        ("colorectal peritoneal metastases", "COADREAD"),
        ("breast cancer with brain metastases", "BRCA"),
    ],
)
def test_tumour_texts(text: str, code: str) -> None:
    assert KB.tumor_candidates(text)[0] == code
