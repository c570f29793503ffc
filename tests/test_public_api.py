"""The package surface: ``oncoresist.annotate`` is a plain function with its real signature."""

from __future__ import annotations

import importlib
import inspect
import types

import oncoresist


def test_annotate_is_a_plain_function_before_and_after_the_subpackage_loads() -> None:
    before = oncoresist.annotate
    assert isinstance(before, types.FunctionType)
    importlib.import_module("oncoresist.annotate.api")  # binds the subpackage; must not replace the function

    assert oncoresist.annotate is before
    params = list(inspect.signature(oncoresist.annotate).parameters)
    assert params == ["profile", "drug", "tumor", "knowledge"]
    from oncoresist.annotate.api import annotate as api_annotate

    assert list(inspect.signature(api_annotate).parameters) == params


def test_annotate_gives_the_same_result_as_the_api() -> None:
    from oncoresist.annotate.api import annotate

    a = oncoresist.annotate(["EGFR L858R", "EGFR T790M"], drug="erlotinib", tumor="NSCLC")
    b = annotate(["EGFR L858R", "EGFR T790M"], drug="erlotinib", tumor="NSCLC")
    assert a.to_dict() == b.to_dict()
    assert a.verdict == "resistant"


def test_load_knowledge_is_the_loader() -> None:
    from oncoresist.knowledge import load_knowledge

    assert oncoresist.load_knowledge is load_knowledge


def test_knowledge_repr_is_short() -> None:
    kb = oncoresist.load_knowledge()
    text = repr(kb)
    assert len(text) < 200 and f"{len(kb.facts)} facts" in text  # was 356 KB
