"""Tumour names in upper case and with report punctuation resolve to the node a clinician means (annot5).

Expected nodes are OncoTree's own (the 2025-10-03 tree): the type each wording names in clinical use, written
down from the OncoTree names, not from the resolver's output. ``HR+/HER2- MBC`` is metastatic breast cancer
(Invasive Breast Carcinoma), not OncoTree's Metaplastic Breast Cancer (code MBC), which a bare ``MBC`` still names.
"""

from __future__ import annotations

import pytest

from oncoresist.knowledge.loader import load_knowledge


@pytest.fixture(scope="module")
def kb():  # type: ignore[no-untyped-def]
    return load_knowledge(include_imports=False)


CASES = [
    # receptor status around a clinical abbreviation whose upper-case form is another OncoTree code
    ("HR+/HER2- MBC", "BRCA"),
    ("HR+/HER2\u2212 MBC", "BRCA"),
    ("HR+, HER2- MBC", "BRCA"),
    ("hr+/her2- mbc", "BRCA"),
    ("HER2+ MBC", "BRCA"),
    ("ER+ MBC", "BRCA"),
    ("HR+/HER2-negative MBC", "BRCA"),
    ("HR+/HER2- ABC", "BRCA"),
    ("HR+/HER2- METASTATIC BREAST CANCER", "BRCA"),
    ("BREAST CANCER (HR+/HER2-)", "BRCA"),
    # gene-defined subsets written in capitals, before or after the type
    ("KRAS G12C-MUTATED NSCLC", "NSCLC"),
    ("EGFR-MUTANT NSCLC", "NSCLC"),
    ("FLT3-MUTATED AML", "AML"),
    ("AML, FLT3-MUTATED", "AML"),
    ("BRAF V600E-MUTANT MELANOMA", "MEL"),
    ("MELANOMA, BRAF V600E", "MEL"),
    ("GIST, KIT EXON 11", "GIST"),
    ("IDH1-MUTANT CHOLANGIOCARCINOMA", "CHOL"),
    ("FGFR2 FUSION-POSITIVE CHOLANGIOCARCINOMA", "CHOL"),
    ("ICCA, FGFR2 FUSION", "IHCH"),
    # phases, spread and treatment history in capitals and with spaced dashes
    ("CML - CHRONIC PHASE", "CML"),
    ("CML, CHRONIC PHASE", "CML"),
    ("RELAPSED/REFRACTORY AML", "AML"),
    ("METASTATIC CASTRATION-RESISTANT PROSTATE CANCER", "PRAD"),
    ("MSI-H/DMMR CRC", "COADREAD"),
    ("LUNG ADENOCARCINOMA (STAGE IV)", "LUAD"),
    ("NON-SMALL-CELL LUNG CANCER, EGFR-MUTANT", "NSCLC"),
]


@pytest.mark.parametrize(("name", "code"), CASES)
def test_case_and_punctuation_variants_resolve(kb, name: str, code: str) -> None:  # type: ignore[no-untyped-def]
    assert kb.tumor(name) == code


def test_the_variants_are_many_and_distinct() -> None:
    assert len({n for n, _ in CASES}) == len(CASES) >= 20


def test_the_receptor_qualifiers_are_kept_on_the_reading(kb) -> None:  # type: ignore[no-untyped-def]
    quals = kb.tumor_qualifiers("HR+/HER2- MBC")
    assert {"HR-positive", "HER2-negative", "metastatic"} <= set(quals)
    assert "FGFR2 fusion-positive" in kb.tumor_qualifiers("FGFR2 FUSION-POSITIVE CHOLANGIOCARCINOMA")
    assert "BRAF V600E" in kb.tumor_qualifiers("MELANOMA, BRAF V600E")


def test_bare_codes_keep_their_oncotree_meaning(kb) -> None:  # type: ignore[no-untyped-def]
    # an exact OncoTree code without clinical qualifiers is the code: MBC is Metaplastic Breast Cancer
    assert kb.tumor("MBC") == "MBC" and kb.tumor("ABC") == "ABC"
    assert kb.tumor("metaplastic breast cancer") == "MBC"
    assert kb.tumor("mBC") == "BRCA"
