"""Tumour names a clinician types (issue 10, class 2 of the third case set): abbreviations, qualified names,
a metastatic "m" prefix, phases, receptor status, lines of therapy and biomarker subsets.

The expected OncoTree node of each name is the curator's reading of the abbreviation against the OncoTree
2025-10-03 node names (``iCCA`` is intrahepatic cholangiocarcinoma: IHCH; ``Ph+ ALL`` is B-lymphoblastic
leukaemia with t(9;22) BCR::ABL1: BLLBCRABL1; ``mBC`` is metastatic breast cancer: BRCA, not OncoTree's
Metaplastic Breast Cancer MBC), written before the resolver was run, not copied from its output.
"""

from __future__ import annotations

import pytest

from oncoresist.knowledge import load_knowledge
from oncoresist.knowledge.tumor_names import split_tumor_name, tumor_abbreviations

KB = load_knowledge()

NAMES = [
    # thorax
    ("lung adeno", "LUAD"), ("NSCLC adeno", "LUAD"), ("NSCLC, adenocarcinoma", "LUAD"), ("lung SCC", "LUSC"),
    ("mNSCLC", "NSCLC"), ("stage IV NSCLC", "NSCLC"), ("2L EGFR-mutant NSCLC", "NSCLC"),
    ("KRAS G12C NSCLC", "NSCLC"), ("EGFR exon 19 deletion NSCLC", "NSCLC"), ("ALK-rearranged NSCLC", "NSCLC"),
    ("ES-SCLC", "SCLC"), ("SCLC", "SCLC"), ("LCNEC", "LUNE"), ("MPM", "PLMESO"),
    # breast
    ("ER+/HER2- breast cancer", "BRCA"), ("HR+ HER2- mBC", "BRCA"), ("HR+/HER2\u2212 metastatic breast cancer", "BRCA"),
    ("TNBC", "BRCA"), ("HER2-low mBC", "BRCA"), ("mBC", "BRCA"), ("MBC", "MBC"), ("breast ca", "BRCA"),
    # gastrointestinal
    ("MSI-H CRC", "COADREAD"), ("mCRC", "COADREAD"), ("BRAF V600E-mutant mCRC", "COADREAD"), ("MSS mCRC", "COADREAD"),
    ("GEJ adenocarcinoma", "GEJ"), ("PDAC", "PAAD"), ("pNET", "PANET"), ("HCC", "HCC"),
    ("iCCA", "IHCH"), ("ICCA", "IHCH"), ("eCCA", "EHCH"), ("BTC", "BILIARY_TRACT"),
    # genitourinary, gynaecological
    ("mCRPC", "PRAD"), ("mCSPC", "PRAD"), ("nmCRPC", "PRAD"), ("mHSPC", "PRAD"), ("mUC", "BLCA"), ("la/mUC", "BLCA"),
    ("ccRCC", "CCRCC"), ("NMIBC", "BLCA"), ("EOC", "OVT"), ("dMMR endometrial cancer", "UCEC"),
    ("uterine carcinosarcoma", "UCS"),
    # head and neck, thyroid, skin, CNS, sarcoma
    ("HNSCC", "HNSC"), ("SCCHN", "HNSC"), ("ATC", "THAP"), ("PTC", "THPA"), ("MTC", "THME"), ("cSCC", "CSCC"),
    ("GBM", "GB"), ("BRAF V600E melanoma", "MEL"), ("STS", "SOFT_TISSUE"),
    # myeloid
    ("CML, chronic phase", "CML"), ("CML-CP", "CML"), ("CP-CML", "CML"), ("CML in blast phase", "CML"),
    ("CML in accelerated phase", "CML"), ("Ph+ CML-CP", "CMLBCRABL1"), ("AML", "AML"), ("FLT3-mutated AML", "AML"),
    ("relapsed/refractory AML", "AML"), ("AML with FLT3-ITD", "AML"), ("MDS", "MDS"), ("high-risk MDS", "MDS"),
    ("CMML", "CMML"), ("AdvSM", "SM"),
    # lymphoid
    ("B-ALL", "BLL"), ("Ph+ ALL", "BLLBCRABL1"), ("Philadelphia chromosome-positive ALL", "BLLBCRABL1"),
    ("Ph+ B-ALL", "BLLBCRABL1"), ("Ph-like ALL", "BLLBCRABL1L"), ("DLBCL", "DLBCLNOS"), ("r/r DLBCL", "DLBCLNOS"),
    ("CLL with 17p deletion", "CLLSLL"), ("del(17p) CLL", "CLLSLL"), ("RRMM", "PCM"), ("cHL", "CHL"),
]  # fmt: skip


def test_the_table_is_large_enough() -> None:
    assert len(NAMES) >= 60
    assert len({n for n, _ in NAMES}) == len(NAMES)


@pytest.mark.parametrize(("name", "code"), NAMES)
def test_a_name_a_clinician_types_resolves_to_its_node(name: str, code: str) -> None:
    assert KB.tumor(name) == code


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("ER+/HER2- breast cancer", {"ER-positive", "HER2-negative"}),
        ("HR+ HER2- mBC", {"HR-positive", "HER2-negative", "metastatic"}),
        ("TNBC", {"ER-negative", "PR-negative", "HER2-negative"}),
        ("CML, chronic phase", {"chronic phase"}),
        ("CML-CP", {"chronic phase"}),
        ("CML in blast phase", {"blast phase"}),
        ("MSI-H CRC", {"MSI-H"}),
        ("mCRPC", {"metastatic", "castration-resistant"}),
        ("2L EGFR-mutant NSCLC", {"line 2", "EGFR-mutant"}),
        ("del(17p) CLL", {"del(17p)"}),
    ],
)
def test_qualifiers_that_name_no_node_are_kept(name: str, kept: set[str]) -> None:
    assert kept <= set(KB.tumor_qualifiers(name))
    note = KB.tumor_reading(name)
    assert note is not None and "qualifiers kept" in note


def test_a_qualifier_that_names_a_node_makes_the_reading_specific() -> None:
    # the Philadelphia chromosome is t(9;22) BCR::ABL1: Ph+ ALL is OncoTree's B-ALL with BCR-ABL1, not any ALL
    assert KB.tumor("Philadelphia chromosome-positive ALL") == "BLLBCRABL1"
    # B- or T-lymphoblastic without the qualifier: the set of both nodes (annot7, session 6; was the Lymphoid
    # Neoplasm above both, which let facts on its other descendants, CLL among them, apply)
    assert KB.resolve_tumor("ALL") == "BLL|TLL"


def test_case_decides_between_an_abbreviation_and_another_oncotree_code() -> None:
    assert KB.resolve_tumor("mBC") == "BRCA" and KB.resolve_tumor("MBC") == "MBC"  # metaplastic breast cancer
    assert KB.resolve_tumor("pNET") == "PANET" and KB.resolve_tumor("PNET") == "PNET"  # primitive neuroectodermal


@pytest.mark.parametrize("name", ["acute leukemia", "acute leukaemia"])
def test_an_abbreviation_across_tissues_is_a_cross_lineage_set(name: str) -> None:
    # session 7 (annot8): myeloid and lymphoid nodes, only the root in common, are a set whose evidence must hold for
    # every member (tests/annotate/test_annot8_classes.py), no longer refused as ambiguous
    code = KB.tumor(name)
    assert KB.tumor_set(code) == ("ALAL", "AML", "BLL", "TLL")
    assert KB.tumor_set_needs_every_member(code)
    assert not KB.tumor_set_needs_every_member("BLL|TLL")  # ALL: one tissue, a set of the ordinary kind


def test_split_keeps_the_tumour_words() -> None:
    assert split_tumor_name("ER+/HER2- breast cancer").core == "breast cancer"
    assert split_tumor_name("CML, chronic phase").core == "CML"
    assert split_tumor_name("lung adeno").core == "lung adenocarcinoma"
    assert split_tumor_name("low-grade serous ovarian cancer").core == "low-grade serous ovarian cancer"
    assert split_tumor_name("melanoma") == split_tumor_name("melanoma")  # no qualifiers: unchanged
    assert split_tumor_name("melanoma").qualifiers == ()


def test_every_abbreviation_names_nodes_of_the_tree_and_has_a_source() -> None:
    for ab in tumor_abbreviations():
        assert all(c in KB.tumors for c in ab.codes), ab
        assert ab.source.startswith(("FDA label", "OncoTree")), ab
