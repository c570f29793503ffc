"""Annotating a tumour profile against the knowledge: verdict, findings, options.

Research software, not a medical device.

>>> from oncoresist.annotate import annotate
>>> result = annotate(["EGFR L858R", "EGFR T790M"], drug="erlotinib", tumor="NSCLC")  # doctest: +SKIP
>>> result.verdict  # doctest: +SKIP
'resistant'
"""

from __future__ import annotations

from typing import Any

from oncoresist.annotate.api import annotate, annotate_samples, annotator_for
from oncoresist.annotate.result import AnnotationResult, Finding, TherapyOption

__all__ = ["AnnotationResult", "Finding", "TherapyOption", "annotate", "annotate_samples", "annotator_for"]


def _make_callable() -> None:
    """Let ``oncoresist.annotate(...)`` work even where the name is this module."""
    import sys
    import types

    class _CallableModule(types.ModuleType):
        def __call__(self, *args: Any, **kwargs: Any) -> AnnotationResult:
            return annotate(*args, **kwargs)

    sys.modules[__name__].__class__ = _CallableModule


_make_callable()
