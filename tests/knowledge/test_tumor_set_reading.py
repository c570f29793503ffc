"""A tumour text read through a fallback form that names a tumour *set* (ALL = B- or T-lymphoblastic) gets a
reading note with the set's label instead of a KeyError (found on the merged annot10p tumour search)."""

from __future__ import annotations

import pytest

import oncoresist
from oncoresist.knowledge.loader import load_knowledge


@pytest.fixture(scope="module")
def kb():  # type: ignore[no-untyped-def]
    return load_knowledge()


@pytest.mark.parametrize("text", ["acute lymphoblastic leukaemia, relapsed", "acute lymphoblastic leukaemia, adult"])
def test_set_code_reading_is_labelled(kb, text: str) -> None:  # type: ignore[no-untyped-def]
    code, _ = kb.tumor_candidates(text)
    assert code == "BLL|TLL"
    note = kb.tumor_reading(text)
    assert note is not None and "B-Lymphoblastic" in note and "T-Lymphoblastic" in note


def test_annotate_with_set_tumour_text(kb) -> None:  # type: ignore[no-untyped-def]
    res = oncoresist.annotate(["CD19 loss"], drug="blinatumomab", tumor="acute lymphoblastic leukaemia, relapsed",
                              knowledge=kb)
    assert res.to_dict()["verdict"] in {"resistant", "unknown", "sensitive"}
