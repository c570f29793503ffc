"""Report wordings of alterations and tumours (helper annot10p, classes 1-11 of its brief).

Every example is my own, written the way molecular reports, tumour-board notes and ctDNA reports print them. Each
test compares a report's spelling with the plain spelling the grammar read before, so a wording that stops being
read, or is read as another alteration, fails here.
"""

from __future__ import annotations

import pytest

from oncoresist.annotate import annotate
from oncoresist.annotate.api import _knowledge
from oncoresist.errors import AlterationSyntaxError, OncoresistError
from oncoresist.profile.observed import is_stated_absence, parse_observed, parse_observed_many

KB = _knowledge(None)


def one(text: str):  # type: ignore[no-untyped-def]
    (alt,) = parse_observed_many(text, KB)
    return alt


# --- class 1: trailing brackets -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "plain", "attr", "value"),
    [
        ("NRAS Q61K (subclonal)", "NRAS Q61K", "clonality", "subclonal"),
        ("ESR1 Y537S (acquired at progression)", "ESR1 Y537S", "clonality", "acquired"),
        ("PIK3CA E542K (clonal, VAF 41%)", "PIK3CA E542K", "vaf", 0.41),
        ("TP53 Y220C (biallelic)", "TP53 Y220C", "allelic", "biallelic"),
        ("TP53 R248Q, LOH", "TP53 R248Q", "allelic", "biallelic"),
        ("RB1 deletion (homozygous)", "RB1 loss", "allelic", "homozygous"),
        ("PTEN loss (heterozygous)", "PTEN loss", "allelic", "heterozygous"),
        ("CDK4 amplification (CN 14)", "CDK4 amplification", "copy_number", 14.0),
    ],
)
def test_a_bracket_is_kept_as_an_attribute_and_the_alteration_is_unchanged(text, plain, attr, value) -> None:  # type: ignore[no-untyped-def]
    alt = one(text)
    assert alt == one(plain) and alt.name == one(plain).name
    assert getattr(alt, attr) == value


def test_an_origin_in_a_bracket_with_a_measure_is_kept() -> None:
    alt = one("BRAF V600E (somatic, VAF 18%)")
    assert (alt.origin, alt.vaf) == ("somatic", 0.18)
    assert one("CHEK2 c.1100delC (germline)").origin == "germline"


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("HER2 (ERBB2) amplification", "ERBB2 amplification"),
        ("ERBB2 (HER2) V777L", "ERBB2 V777L"),
        ("ERBB2 V777L (HER2)", "ERBB2 V777L"),
        ("BCMA (TNFRSF17) loss", "TNFRSF17 loss"),
        ("NTRK3 fusion (ETV6-NTRK3)", "ETV6-NTRK3 fusion"),
        ("RET rearrangement (CCDC6::RET)", "CCDC6::RET"),
        ("ROS1 fusion (EZR)", "ROS1 fusion"),  # a lone partner: the gene's fusion, no orientation guessed
    ],
)
def test_a_bracketed_alias_or_fusion_partner_reads_as_the_plain_spelling(text: str, plain: str) -> None:
    assert one(text) == one(plain)


def test_a_bracketed_pair_without_the_gene_is_not_read_as_its_fusion() -> None:
    with pytest.raises(AlterationSyntaxError):
        parse_observed("RET fusion (ETV6-NTRK3)", KB)


# --- class 2: copy-number phrasing ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    ["MET copy-number gain", "MET copy number amplification", "MET focal gain", "MET high level amplification",
     "MET amplification in cfDNA", "MET amplified", "MET copy-number gain (CN 9)", "MET gain from plasma"],
)  # fmt: skip
def test_copy_number_phrasings_are_one_amplification(text: str) -> None:
    assert one(text) == one("MET amplification")


# --- class 3: assay phrasing for expression ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("loss of B2M expression (IHC)", "B2M loss"),
        ("loss of CD19 expression", "CD19 loss"),
        ("CD22 negative by flow cytometry", "CD22 loss"),
        ("MTAP loss (IHC)", "MTAP loss"),
        ("PTEN negative (IHC)", "PTEN loss"),  # a tumour suppressor's negative stain is its loss
        ("AR-V7 detected in CTCs", "AR-V7 expression"),
    ],
)
def test_expression_assay_wordings(text: str, plain: str) -> None:
    assert one(text) == one(plain)


# --- class 4: stated absences ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    ["NRAS wild-type", "BRAF WT", "ROS1 negative", "ALK-negative by IHC", "ALK IHC negative", "no T790M detected",
     "no KRAS mutation detected", "negative for BRAF V600E", "KRAS/NRAS wild-type", "all-RAS wild-type",
     "MET not amplified", "ALK rearrangement (negative)", "EGFR C797S (not detected)", "PD-L1 negative (TPS <1%)"],
)  # fmt: skip
def test_gene_level_and_words_first_absences_are_no_alteration(text: str) -> None:
    assert is_stated_absence(text, KB)
    assert parse_observed_many(text, KB) == []


@pytest.mark.parametrize(("text", "gene"), [("CD19-negative", "CD19"), ("MLH1 negative (IHC)", "MLH1")])
def test_negative_stays_a_loss_for_an_antigen_and_a_stained_tumour_suppressor(text: str, gene: str) -> None:
    assert not is_stated_absence(text, KB)
    assert (one(text).kind, one(text).gene) == ("loss", gene)


def test_an_absence_alone_is_no_error_and_never_a_resistance_call() -> None:
    res = annotate(["KRAS wild-type", "NRAS wild-type"], drug="panitumumab", tumor="COADREAD", knowledge=KB)
    out = res.to_dict()
    assert out["verdict"] != "resistant"
    assert not [f for f in out["findings"] if f["effect"] in ("resistance", "reduced_sensitivity")]
    assert {u["input"] for u in out["unrecognised_detail"]} >= {"KRAS wild-type", "NRAS wild-type"}


def test_an_absence_beside_a_resistance_change_leaves_the_call_to_the_change() -> None:
    alone = annotate(["KRAS G12D"], drug="cetuximab", tumor="COADREAD", knowledge=KB).to_dict()["verdict"]
    both = annotate(["KRAS G12D", "BRAF WT"], drug="cetuximab", tumor="COADREAD", knowledge=KB).to_dict()["verdict"]
    assert alone == both == "resistant"


# --- class 5: allelic state ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "allelic"),
    [
        ("BRCA2 LOH", "LOH"),
        ("BRCA1 loss of heterozygosity", "LOH"),
        ("TP53 loss of the wild-type allele", "LOH"),
        ("SMARCB1 biallelic loss", "biallelic"),
        ("RB1 two-hit", "biallelic"),
        ("CDKN2A deep deletion", "homozygous"),
        ("CDKN2A homozygous deletion", "homozygous"),
    ],
)
def test_allelic_wordings_are_the_genes_loss_with_the_state_kept(text: str, allelic: str) -> None:
    alt = one(text)
    assert alt == one(f"{alt.gene} loss") and alt.allelic == allelic


# --- class 6: lineage ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "phenotype"),
    [
        ("transformed to SCLC", "small cell transformation"),
        ("histologic transformation to small cell", "small cell transformation"),
        ("histological transformation into small-cell carcinoma", "small cell transformation"),
        ("transformation to neuroendocrine prostate cancer", "neuroendocrine transformation"),
        ("transformed to squamous cell carcinoma", "squamous transformation"),
        ("SCLC histologic transformation", "small cell transformation"),
    ],
)
def test_lineage_phrases(text: str, phenotype: str) -> None:
    alt = one(text)
    assert (alt.kind, alt.qualifier) == ("phenotype", phenotype)


def test_a_transformation_that_names_no_histology_is_not_guessed() -> None:
    with pytest.raises(AlterationSyntaxError):
        parse_observed("histologic transformation", KB)


# --- classes 7 and 11: tumour free text ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("metastatic castration-resistant prostate adenocarcinoma after enzalutamide", "PRAD"),
        ("relapsed/refractory AML after venetoclax and azacitidine", "AML"),
        ("stage IIIB lung adenocarcinoma, former smoker", "LUAD"),
        ("CLL progressing after a BCL2 inhibitor", "CLLSLL"),
        ("resected stage II melanoma, adjuvant setting", "MEL"),
        ("glioblastoma, IDH-wildtype, second recurrence", "GB"),
        ("gastrointestinal stromal tumour resistant to imatinib and sunitinib", "GIST"),
    ],
)
def test_the_longest_tumour_name_inside_a_free_text_is_read(text: str, code: str) -> None:
    assert KB.tumor(text) == code


def test_a_free_text_without_a_tumour_name_stays_one_clear_error() -> None:
    with pytest.raises(OncoresistError) as err:
        KB.tumor("patient after two lines of therapy")
    assert "\n" not in str(err.value).strip()


# --- class 8: expression and biomarker statements ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("PD-L1 TPS 75% (22C3)", "PD-L1 TPS 75%"),
        ("PD-L1 CPS 15 (28-8)", "PD-L1 CPS 15"),
        ("TROP2 high", "TACSTD2 overexpression"),
        ("FRα high (IHC)", "FOLR1 overexpression"),
        ("CD33 positive by flow cytometry", "CD33 expression"),
        ("CD38 expressed (flow, 90% of plasma cells)", "CD38 expression"),
        ("HER2 IHC 1+ (HER2-low)", "HER2-low"),
    ],
)
def test_expression_statements_read_as_expression(text: str, plain: str) -> None:
    assert one(text) == one(plain)


def test_ighv_status_is_a_biomarker_not_an_absence() -> None:
    assert not is_stated_absence("IGHV unmutated", KB)
    assert (one("IGHV unmutated").kind, one("IGHV unmutated").qualifier) == ("biomarker", "IGHV-unmutated")
    assert one("IGHV mutated").qualifier == "IGHV-mutated"


# --- class 9: cytogenetics -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("17p deletion (FISH 62% of nuclei)", "del(17p)"),
        ("del(17p) (TP53 deletion)", "del(17p)"),
        ("TP53 deletion (17p13.1)", "TP53 loss"),
        ("t(9;22) BCR::ABL1", "BCR::ABL1"),
        ("inv(16) CBFB::MYH11", "CBFB::MYH11"),
        ("BCR::ABL1 positive", "BCR::ABL1"),
    ],
)
def test_karyotype_wordings(text: str, plain: str) -> None:
    assert one(text) == one(plain)


def test_a_karyotype_and_a_fusion_that_disagree_are_an_error() -> None:
    with pytest.raises(AlterationSyntaxError, match="give one"):
        parse_observed("t(15;17) BCR::ABL1", KB)


# --- class 10: unspecific pathogenic statements ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("PALB2 deleterious germline mutation", "PALB2 pathogenic variant (germline)"),
        ("BRCA1 mutation (likely pathogenic)", "BRCA1 pathogenic variant"),
        ("ATM p.R3008C (pathogenic)", "ATM R3008C"),
        ("BRCA1 c.68_69delAG (p.Glu23Valfs*17), germline", "BRCA1 E23fs (germline)"),
    ],
)
def test_pathogenic_statements(text: str, plain: str) -> None:
    assert one(text) == one(plain)


def test_a_vus_in_brackets_is_not_read_as_pathogenic() -> None:
    with pytest.raises(AlterationSyntaxError):
        parse_observed("BRCA2 mutation (VUS)", KB)


# --- addendum 2, class 12: negated findings -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    ["no additional ABL1 mutations", "no secondary PDGFRA mutation in plasma", "FGFR2 amplification not detected",
     "NRAS: not detected", "no ABL1 kinase domain mutation"],
)  # fmt: skip
def test_negated_findings_are_absences(text: str) -> None:
    assert is_stated_absence(text, KB) and parse_observed_many(text, KB) == []


def test_a_finding_with_a_negated_one_after_it_is_the_finding() -> None:
    assert parse_observed_many("BCR-ABL1 p190, no ABL1 kinase domain mutation", KB) == [one("BCR::ABL1")]
    assert parse_observed_many("EGFR exon 19 deletion; C797S not detected", KB) == [one("EGFR exon 19 deletion")]


# --- class 13: promoter and non-coding ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("TERT promoter c.-124C>T", "TERT c.-124C>T"),
        ("TERT promoter C250T", "TERT C250T"),
        ("MGMT promoter methylation (positive)", "MGMT promoter methylated"),
    ],
)
def test_promoter_wordings(text: str, plain: str) -> None:
    assert one(text) == one(plain)


# --- class 14: isoform and product names with a qualifier ------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "plain"),
    [("AR-V7 positive (CTC assay)", "AR-V7 expression"), ("AR-V7 detected (AdnaTest CTC assay)", "AR-V7 expression")],
)
def test_isoforms_with_an_assay(text: str, plain: str) -> None:
    assert one(text) == one(plain)


def test_a_misspelt_gene_in_an_absence_is_an_unknown_gene_with_suggestions() -> None:
    with pytest.raises(OncoresistError, match="KRAS"):
        parse_observed_many("KRSA wild-type", KB)
    assert not is_stated_absence("KRSA wild-type", KB)


def test_a_profile_file_may_state_absences(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from oncoresist.profile.readers import read_profile_file

    path = tmp_path / "p.json"
    path.write_text('{"sample": "s1", "alterations": ["KRAS wild-type", "EGFR S492R (acquired)", "no BRAF mutation"]}')
    sp = read_profile_file(path, KB)
    assert [a.name for a in sp.alterations] == ["EGFR S492R"]
    assert set(sp.skipped) == {"KRAS wild-type", "no BRAF mutation"}


def test_a_lower_case_prefixed_abbreviation_inside_a_free_text() -> None:
    assert KB.tumor("mCRC after FOLFOX and bevacizumab") == "COADREAD"


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("ROS1 fusion (CD74-ROS1; RNA NGS)", "CD74::ROS1"),  # the assay item is dropped, the partner item read
        ("NTRK fusion (TPM3-NTRK1)", "TPM3::NTRK1"),  # a family name before the pair
        ("amplification of ERBB2", "ERBB2 amplification"),
        ("copy number gain of MET", "MET amplification"),
        ("homozygous deletion of CDKN2A", "CDKN2A loss"),
        ("BRCA1 (germline) c.68_69delAG", "germline BRCA1 c.68_69delAG"),
        ("TP53 R175H (hotspot)", "TP53 R175H"),
    ],
)
def test_mixed_brackets_and_change_of_gene_wordings(text: str, plain: str) -> None:
    assert one(text) == one(plain)


def test_a_mixed_bracket_keeps_its_measure_and_leaves_an_unknown_item_unread() -> None:
    assert one("MET amplification (focal, CN 12)").copy_number == 12.0
    with pytest.raises(AlterationSyntaxError):
        parse_observed("KRAS G12C (ctDNA, pending)", KB)
    assert is_stated_absence("NRAS Q61K (not detected in tissue)", KB)


@pytest.mark.parametrize(
    "text",
    [
        "BRCA1/2 wild-type",
        "no BRCA1/2 mutation detected",
        "NTRK1/2/3 fusion negative",
        "no KRAS, NRAS or BRAF mutations",
    ],
)
def test_gene_lists_with_a_shared_stem_in_an_absence(text: str) -> None:
    assert is_stated_absence(text, KB) and parse_observed_many(text, KB) == []
