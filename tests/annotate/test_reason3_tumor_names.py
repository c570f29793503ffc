"""Tumour names as FDA label indications and NCCN guideline titles write them (issue 10, class 2).

The expected OncoTree node of each name is the curator's reading of the label or guideline wording against
the OncoTree 2025-10-03 names (e.g. Balversa: "locally advanced or metastatic urothelial carcinoma" is a
bladder urothelial carcinoma, BLCA; Ogsiveo: "desmoid tumors", DES), not the resolver's output.
"""

from __future__ import annotations

import pytest

from oncoresist.errors import UnknownNameError
from oncoresist.knowledge import load_knowledge
from oncoresist.knowledge.index import AmbiguousNameError
from oncoresist.knowledge.oncotree import clinical_tumor_synonyms, strip_clinical_qualifiers

KB = load_knowledge()

LABEL_AND_GUIDELINE_NAMES = [
    ("locally advanced or metastatic urothelial carcinoma", "BLCA"),  # Balversa, Padcev
    ("metastatic non-small cell lung cancer", "NSCLC"),  # NCCN NSCLC; Tagrisso
    ("metastatic castration-resistant prostate cancer", "PRAD"),  # Lynparza (PROfound)
    ("unresectable or metastatic melanoma", "MEL"),  # Opdivo, Tafinlar
    ("relapsed or refractory mantle cell lymphoma", "MCL"),  # Jaypirca, Brukinsa
    ("advanced systemic mastocytosis", "SM"),  # Ayvakit
    ("progressing desmoid tumors", "DES"),  # Ogsiveo
    ("symptomatic, inoperable plexiform neurofibromas", "NFIB"),  # Koselugo
    ("tenosynovial giant cell tumor", "TGCT"),  # Turalio
    ("differentiated thyroid cancer", "WDTC"),  # Lenvima
    ("anaplastic thyroid cancer", "THAP"),  # Tafinlar + Mekinist
    ("hypereosinophilic syndrome", "MLNER"),  # Gleevec (FIP1L1-PDGFRA: WHO myeloid/lymphoid neoplasm with eosinophilia)
    ("pediatric low-grade glioma", "LGGNOS"),  # Ojemda
    ("myelofibrosis", "PMF"),  # Jakafi (primary myelofibrosis)
    ("relapsed or refractory acute myeloid leukemia", "AML"),  # Xospata
    ("recurrent low-grade serous ovarian cancer", "LGSOC"),  # Avmapki Fakzynja
    ("cholangiocarcinoma", "CHOL"),  # Pemazyre
    ("gastrointestinal stromal tumor", "GIST"),  # NCCN GIST
    ("KRAS G12C-mutated locally advanced or metastatic NSCLC", "NSCLC"),  # Lumakras
    ("nonsquamous non-small cell lung cancer", "NSCLC"),  # Alimta
    ("squamous non-small cell lung cancer", "LUSC"),  # Keytruda
    ("metastatic colorectal cancer (mCRC)", "COADREAD"),  # Braftovi
]


@pytest.mark.parametrize(("name", "code"), LABEL_AND_GUIDELINE_NAMES)
def test_label_and_guideline_names_resolve(name: str, code: str) -> None:
    assert KB.tumor(name) == code


def test_a_clinical_synonym_says_so_with_its_source() -> None:
    note = KB.tumor_reading("urothelial carcinoma")
    assert note is not None and "clinical synonym" in note and "BLCA" in note
    assert KB.tumor_reading("Non-Small Cell Lung Cancer") is None  # an OncoTree name needs no note


def test_qualifiers_stripped_say_so() -> None:
    note = KB.tumor_reading("relapsed or refractory mantle cell lymphoma")
    assert note is not None and "qualifiers" in note


@pytest.mark.parametrize(
    ("name", "code"),
    [("craniopharyngioma", "SELT"),  # adamantinomatous and papillary types: both sellar tumours
     ("mixed phenotype acute leukemia", "ALAL")],  # B/myeloid and T/myeloid MPAL: ambiguous lineage
)  # fmt: skip
def test_several_nodes_resolve_to_their_specific_common_ancestor(name: str, code: str) -> None:
    assert KB.tumor(name) == code
    note = KB.tumor_reading(name)
    assert note is not None and "closest common ancestor" in note


def test_a_name_whose_common_ancestor_is_a_tissue_or_the_root_stays_ambiguous() -> None:
    with pytest.raises(AmbiguousNameError):
        KB.tumor("mesothelioma")  # pleural, peritoneal, testicular: only the root is common
    with pytest.raises(AmbiguousNameError):
        KB.tumor("germ cell tumor")


def test_the_node_whose_own_name_it_is_wins_over_an_alternative_form() -> None:
    assert KB.tumor("myeloproliferative neoplasm") == "MPN"  # not MDS/MPN's "/" alternative


def test_stripping_keeps_the_tumour_words() -> None:
    assert strip_clinical_qualifiers("HR-positive, HER2-negative advanced breast cancer") == "breast cancer"
    assert strip_clinical_qualifiers("BRAF V600E-mutant metastatic melanoma") == "melanoma"
    assert strip_clinical_qualifiers("low-grade serous ovarian cancer") == "low-grade serous ovarian cancer"
    with pytest.raises(UnknownNameError):
        KB.tumor("metastatic")


def test_every_synonym_names_a_node_of_the_tree_and_has_a_source() -> None:
    for syn in clinical_tumor_synonyms():
        assert syn.code in KB.tumors, syn
        assert syn.source.startswith(("FDA label", "NCIt", "OncoTree")), syn
