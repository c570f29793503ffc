"""Set F miss classes (helper fixf), grammar: report wordings around a change (alteration/report_wordings.py).

The examples are my own, written from the notations: a BCR::ABL1 transcript (p210, e13a2/e14a2) still names the
BCR::ABL1 fusion; "FLT3-TKD D835Y" names the protein change D835Y; p61BRAF(V600E) is BRAF V600E lacking exons 4-8
(Poulikakos et al., Nature 2011); a deletion of 2 coding nucleotides shifts the reading frame (HGVS: an exonic
c. position carries no intronic offset). Each expected reading is compared with the reading of the plain form.
"""

from __future__ import annotations

import pytest

from oncoresist.alteration import parse_alteration
from oncoresist.alteration.report_wordings import cdna_frameshift, fusion_breakpoint, strip_itd_annotation
from oncoresist.annotate.api import _knowledge
from oncoresist.errors import AlterationSyntaxError

KB = _knowledge(None)


def parse(text: str):  # type: ignore[no-untyped-def]
    return parse_alteration(text, KB.resolve_gene)


@pytest.mark.parametrize(
    ("text", "same_as"),
    [
        # 1. fusions with a breakpoint / transcript
        ("BCR::ABL1 (p210) fusion", "BCR::ABL1"),
        ("BCR::ABL1 (p190)", "BCR::ABL1"),
        ("BCR-ABL1 p230", "BCR::ABL1"),
        ("BCR::ABL1 e14a2", "BCR::ABL1"),
        ("BCR::ABL1 fusion (e13a2 transcript)", "BCR::ABL1"),
        ("BCR-ABL1 (e13a2/e14a2) fusion", "BCR::ABL1"),
        ("BCR::ABL1 b3a2 transcript", "BCR::ABL1"),
        ("PML::RARA (bcr3) fusion", "PML::RARA"),
        ("EML4-ALK (variant 3) fusion", "EML4::ALK"),
        ("BCR-ABL1 (p210) T315I", "BCR-ABL1 T315I"),
        # 2. a gene-qualified domain before the change; ITD with its length / allelic ratio
        ("FLT3-TKD D835Y", "FLT3 D835Y"),
        ("FLT3 TKD: p.Asp835His", "FLT3 D835H"),
        ("FLT3-TKD I836del", "FLT3 I836del"),
        ("AR LBD T878A", "AR T878A"),
        ("ESR1 LBD Y537S", "ESR1 Y537S"),
        ("FLT3-ITD (allelic ratio 0.6)", "FLT3 ITD"),
        ("FLT3-ITD, allelic ratio 0.7", "FLT3 ITD"),
        ("FLT3-ITD (length 45 bp)", "FLT3 ITD"),
        ("FLT3 ITD (AR 0.45; 30 bp)", "FLT3 ITD"),
        ("FLT3-ITD high allelic ratio", "FLT3 ITD"),
        # 3. named isoforms from a deleted exon range
        ("BRAF splice variant (exons 4-8 deleted)", "p61BRAF"),
        ("BRAF V600E splice variant (exons 4-8 deleted)", "p61BRAF"),
        ("BRAF V600E lacking exons 4-8", "p61BRAF"),
        ("BRAF deletion of exons 4 to 8", "p61BRAF"),
        ("EGFR exons 2-7 deletion", "EGFRvIII"),
        ("MET exon 14 skipping mutation", "METex14"),
        # 4. several items in the bracket after a protein change
        ("EGFR T790M (ctDNA, VAF 3.1%)", "EGFR T790M"),
        ("EGFR T790M (tissue; 12% VAF)", "EGFR T790M"),
        ("KRAS G12C (plasma)", "KRAS G12C"),
        ("PIK3CA H1047R (cfDNA; AF 0.8%)", "PIK3CA H1047R"),
        # 6. isoform positivity with an assay
        ("AR-V7 positive (CTC)", "AR-V7 expression"),
        ("AR-V7 detected", "AR-V7 expression"),
        ("AR-V7 detected (circulating tumour cells)", "AR-V7 expression"),
    ],
)
def test_wording_reads_as_plain_form(text: str, same_as: str) -> None:
    assert parse(text) == parse(same_as)


def test_measures_kept_beside_the_specimen() -> None:
    assert parse("EGFR T790M (ctDNA, VAF 3.1%)").vaf == pytest.approx(0.031)
    assert parse("EGFR T790M (tissue; 12% VAF)").vaf == pytest.approx(0.12)
    assert parse("KRAS G12C (plasma)").vaf is None


@pytest.mark.parametrize(
    ("text", "same_as", "origin"),
    [
        ("BRCA2 c.5946delT (p.S1982fs), germline", "BRCA2 S1982fs", "germline"),
        ("BRCA2 c.5946delT p.Ser1982Argfs*22, somatic", "BRCA2 S1982fs", "somatic"),
        ("BRCA1 c.5266dupC (p.Q1756fs) germline", "BRCA1 Q1756fs", "germline"),
        ("PALB2 p.Y551* , germline", "PALB2 Y551*", "germline"),
        ("ATM c.7271T>G (p.V2424G); germline origin", "ATM V2424G", "germline"),
    ],
)
def test_trailing_origin(text: str, same_as: str, origin: str) -> None:
    alt = parse(text)
    assert alt.origin == origin
    plain = parse(same_as)
    assert (alt.gene, alt.protein) == (plain.gene, plain.protein)


@pytest.mark.parametrize(
    ("text", "hgvs", "origin"),
    [
        ("BRCA1 c.68_69delAG, germline", "c.68_69delAG", "germline"),  # 2 nt: a frameshift
        ("germline BRCA1 c.5266dupC", "c.5266dupC", "germline"),  # 1 nt duplicated
        ("BRCA2 c.5946delT", "c.5946delT", None),
        ("BRCA2 c.100_101insA somatic", "c.100_101insA", "somatic"),
        ("PALB2 c.509_510delinsA", "c.509_510delinsA", None),  # 2 nt for 1: net -1
    ],
)
def test_cdna_frameshift_reads_without_protein(text: str, hgvs: str, origin: str | None) -> None:
    alt = parse(text)
    assert (alt.kind, alt.qualifier, alt.hgvs_c, alt.origin) == ("mutation", "frameshift", hgvs, origin)
    assert parse(alt.name).hgvs_c == hgvs  # the canonical name reads back


@pytest.mark.parametrize(
    "text",
    ["BRCA1 c.1234_1236del", "BRCA1 c.100_102dupAGT", "EGFR c.2369C>T", "BRCA2 c.-26delG", "BRCA2 c.10_11insAGT"],
)
def test_in_frame_or_substitution_cdna_still_refused(text: str) -> None:
    with pytest.raises(AlterationSyntaxError, match="give the protein change"):
        parse(text)


@pytest.mark.parametrize(
    ("text", "qualifier", "value"),
    [
        ("TMB-H (14 mut/Mb)", "TMB-H", 14.0),
        ("TMB high (12 mutations/Mb)", "TMB-H", 12.0),
        ("TMB 11 mut/Mb (high)", "TMB-H", 11.0),
        ("tumor mutational burden of 14 mutations per megabase", "TMB-H", 14.0),
        ("TMB-L (3 mut/Mb)", "TMB-L", 3.0),
        ("MSI-high (by PCR)", "MSI-H", None),
        ("microsatellite instability-high (MSI-H)", "MSI-H", None),
        ("dMMR (MLH1/PMS2 loss)", "dMMR", None),
        ("dMMR (loss of MSH2 and MSH6 by IHC)", "dMMR", None),
    ],
)
def test_biomarker_with_value_or_assay(text: str, qualifier: str, value: float | None) -> None:
    alt = parse(text)
    assert (alt.kind, alt.gene, alt.qualifier, alt.value) == ("biomarker", None, qualifier, value)


@pytest.mark.parametrize("text", ["TMB-H (4 mut/Mb)", "TMB 4 mut/Mb (high)", "TMB-L (25 mut/Mb)"])
def test_biomarker_value_against_its_name_is_an_error(text: str) -> None:
    with pytest.raises(AlterationSyntaxError, match="give one"):
        parse(text)


def test_readers_refuse_other_words() -> None:
    assert not fusion_breakpoint("T315I")
    assert not fusion_breakpoint("(p.T315I)")
    assert strip_itd_annotation("FLT3-ITD (D835Y)") == "FLT3-ITD (D835Y)"
    assert cdna_frameshift("c.2369C>T") is None
    assert cdna_frameshift("c.3028+1delG") is None  # intronic: the splice readers' business
    with pytest.raises(AlterationSyntaxError):
        parse("KRAS G12C (resistant clone)")  # free text in the bracket is no specimen
    with pytest.raises(AlterationSyntaxError):
        parse("BRAF exons 9-10 deleted")  # no named isoform lacks this range


def test_abl1_a3_junction_is_not_read_as_the_plain_fusion() -> None:
    # e13a3 / b3a3 lack ABL1 exon 2 (asciminib resistance in cells): refused rather than read as BCR::ABL1
    assert not fusion_breakpoint("b3a3")
    with pytest.raises(AlterationSyntaxError):
        parse("BCR::ABL1 (e13a3) fusion")
