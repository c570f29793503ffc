"""Tumour names the direct readings miss, read once more: British spelling, and a site adjective alone ("ovarian",
"colorectal") as "<adjective> cancer". The expected codes are the OncoTree nodes those cancers are."""

from __future__ import annotations

import pytest

from oncoresist.errors import UnknownNameError
from oncoresist.knowledge import load_knowledge

KB = load_knowledge()


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("ovarian", "OVT"),
        ("colorectal", "COADREAD"),
        ("urothelial", "BLCA"),
        ("B-cell acute lymphoblastic leukaemia", "BLL"),
        # a WHO grade: the OncoTree node of that grade where there is one, else the type (ASTR3 is "Astrocytoma,
        # IDH-Mutant, Grade 3"; ASTR is "Astrocytoma, IDH-Mutant")
        ("Astrocytoma, IDH-mutant, CNS WHO grade 3", "ASTR3"),
        ("grade 2 astrocytoma", "ASTR"),
        ("astrocytoma, WHO grade II", "ASTR"),
    ],
)
def test_fallback_readings(name: str, code: str) -> None:
    assert KB.tumor(name) == code


def test_the_reading_is_noted() -> None:
    KB.tumor("colorectal")
    assert "from 'colorectal cancer'" in (KB.tumor_reading("colorectal") or "")


def test_a_name_with_no_reading_still_fails_with_suggestions() -> None:
    with pytest.raises(UnknownNameError):
        KB.tumor("xyzzy")
    with pytest.raises(UnknownNameError):
        KB.tumor("cutaneous")  # "cutaneous cancer" names no OncoTree type either


def test_direct_readings_are_unchanged() -> None:
    assert KB.tumor("lung") == "LUNG"
    assert KB.tumor("breast") == "BREAST"
    assert KB.tumor("melanoma") == "MEL"
