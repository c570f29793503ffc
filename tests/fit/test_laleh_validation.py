"""Laleh et al. 2022's head-to-head comparison, reproduced on the real series (slow).

Protocol as in the paper's code: lesions with >= 6 measurements, the last 3 held out. Every 8th eligible
lesion (sorted by id) keeps the test to a few minutes; ``benchmarks/fit_laleh.py`` runs the full set.
The assertions are the paper's qualitative finding (abstract: "when fitting to early treatment data, the
general Bertalanffy and Gompertz models yield the lowest mean absolute error") measured as the median
per-lesion error against the exponential law, and the calibration of the resistance model's 90%
predictive intervals.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from oncoresist.fit import read_laleh_table
from oncoresist.fit.validation import MIN_POINTS, holdout_comparison, resistance_holdout

LALEH = Path(__file__).resolve().parents[3] / "shared" / "data" / "longitudinal" / "laleh2022" / "flat_patient_data.csv"
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not LALEH.exists(), reason="shared Laleh table absent")]


def _subset(every: int) -> tuple[pd.DataFrame, float]:
    table = read_laleh_table(LALEH)
    sizes = table.groupby("lesion_id").size()
    keep = sorted(sizes[sizes >= MIN_POINTS].index)[::every]
    return table[table["lesion_id"].isin(keep)], float(table["volume_mm3"].max())


def test_gompertz_and_general_bertalanffy_forecast_better_than_exponential() -> None:
    sub, scale = _subset(8)
    errors = holdout_comparison(sub, laws=("exponential", "gompertz", "general_bertalanffy"), volume_scale=scale)
    med = errors.pivot(index="lesion_id", columns="law", values="heldout_mae").median()
    assert med["gompertz"] < med["exponential"]
    assert med["general_bertalanffy"] < med["exponential"]


def test_resistance_model_90pct_intervals_are_calibrated_on_held_out_points() -> None:
    sub, scale = _subset(16)
    root = np.random.SeedSequence(7)
    groups = list(sub.groupby("lesion_id", sort=True))
    rows = [resistance_holdout(g, volume_scale=scale, seed=s, fitter_settings={"n_chains": 2})
            for (_, g), s in zip(groups, root.spawn(len(groups)), strict=True)]
    inside = sum(r["n_inside_90"] for r in rows)
    total = sum(r["n_heldout"] for r in rows)
    assert 0.80 <= inside / total <= 0.99, (inside, total)
