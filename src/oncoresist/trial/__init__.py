"""Virtual trials: trial files, cohorts, execution (in-process or Dask), Parquet results, statistics.

Heavy pieces (the engine, Dask, lifelines) are imported lazily.
"""

from __future__ import annotations

from typing import Any

__all__ = ["TrialAnalyser", "TrialError", "TrialSpec", "load_results", "load_trial", "run_trial"]

_LAZY = {
    "TrialAnalyser": ("oncoresist.trial.analysis", "TrialAnalyser"),
    "TrialError": ("oncoresist.trial.spec", "TrialError"),
    "TrialSpec": ("oncoresist.trial.spec", "TrialSpec"),
    "load_trial": ("oncoresist.trial.spec", "load_trial"),
    "run_trial": ("oncoresist.trial.run", "run_trial"),
    "load_results": ("oncoresist.trial.run", "load_results"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'oncoresist.trial' has no attribute {name!r}")
