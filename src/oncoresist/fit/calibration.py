"""Calibration of the resistance model's forecast bands from leave-last-out forecasts of training series.

A fitted model forecasts held-out scans with more spread than its measurement noise says (the model is
not the truth: dynamics change, lesions are re-measured by another reader). The fitter's
``forecast_discrepancy`` τ adds to the log diameter h days after the last fitted measurement a
Normal(0, τ²·h) term (a random walk in log size, so its variance grows with the horizon). τ is estimated
here on training data only: each training series is fitted without its last measurement
(:func:`leave_last_out`), the last one is forecast, and :func:`calibrate_discrepancy` finds the smallest τ
whose central ``level`` predictive intervals hold that share of the left-out measurements (bisection on
fixed random numbers, so coverage is monotone in τ).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from oncoresist.errors import OncoresistError
from oncoresist.fit.bayes import ResistanceFitter
from oncoresist.fit.resistance import DETECTION_LIMIT_MM, IMAGING_SD_MM, prepare
from oncoresist.fit.series import Series

__all__ = ["LeftOut", "calibrate_discrepancy", "coverage", "leave_last_out"]


@dataclass
class LeftOut:
    """One leave-last-out forecast: the observed diameter, the horizon, and posterior draws at that time."""

    series_id: str
    observed_mm: float
    horizon_days: float
    true_mm: np.ndarray
    """(K,) posterior draws of the noise-free diameter at the left-out time."""
    noise_cv: np.ndarray
    """(K,) posterior draws of the imaging noise cv."""


def leave_last_out(series: Series, *, fitter_settings: dict[str, Any] | None = None,
                   seed: np.random.SeedSequence | int | None = None, n_draws: int = 1000) -> LeftOut:
    """Fit ``series`` without its last imaging measurement and keep the forecast draws at that time.

    The series must have at least 3 imaging measurements (2 fitted)."""
    prep = prepare(series)
    if prep.img_t.size < 3:
        raise OncoresistError(f"leave_last_out: series {series.patient_id} has {prep.img_t.size} imaging "
                              "measurements; at least 3 are needed")
    t_last = float(prep.img_t[-1])
    kept = [m for m in series.measurements if not (m.kind is prep.imaging_kind and m.time_days == t_last
                                                   and m.target == prep.imaging_target)]
    fitter = ResistanceFitter(random_state=seed, **dict(fitter_settings or {}))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        fitter.fit(series.model_copy(update={"measurements": kept}))
    diam, cv = fitter.forecast_draws([t_last], n_draws=n_draws)
    observed = 0.0 if prep.img_censored[-1] else float(prep.img_d[-1])
    return LeftOut(str(series.patient_id), observed, t_last - fitter.prepared_.last_time, diam[:, 0], cv)


def coverage(items: Sequence[LeftOut], tau: float, *, level: float = 0.9, seed: int = 0) -> float:
    """Share of left-out measurements inside the central ``level`` predictive interval with discrepancy ``tau``
    (the fitter's forecast: random walk in log D, then imaging noise, values below the detection limit read 0)."""
    rng = np.random.default_rng(seed)
    lo_q, hi_q = (1 - level) / 2, 1 - (1 - level) / 2
    inside = 0
    for it in items:
        z1 = rng.standard_normal(it.true_mm.size)
        z2 = rng.standard_normal(it.true_mm.size)
        d = it.true_mm * np.exp(tau * math.sqrt(max(it.horizon_days, 0.0)) * z1)
        y = np.maximum(d + np.sqrt((it.noise_cv * d) ** 2 + IMAGING_SD_MM**2) * z2, 0.0)
        y = np.where((it.true_mm < DETECTION_LIMIT_MM) & (y < DETECTION_LIMIT_MM), 0.0, y)
        lo, hi = np.quantile(y, [lo_q, hi_q])
        inside += int(lo - 1e-9 <= it.observed_mm <= hi + 1e-9)
    return inside / len(items)


def calibrate_discrepancy(items: Sequence[LeftOut], *, level: float = 0.9, tau_max: float = 0.2, tol: float = 1e-4,
                          seed: int = 0) -> tuple[float, dict[str, Any]]:
    """The smallest τ in [0, ``tau_max``] whose ``level`` intervals cover the left-out measurements at the
    nominal rate, and a record (coverage at τ = 0 and at τ, number of series)."""
    if len(items) < 10:
        raise OncoresistError(f"calibrate_discrepancy: {len(items)} left-out forecasts; at least 10 are needed")
    if not 0.0 < level < 1.0:
        raise OncoresistError(f"calibrate_discrepancy: level must lie in (0, 1), got {level}")
    c0 = coverage(items, 0.0, level=level, seed=seed)
    record: dict[str, Any] = {"n_series": len(items), "level": level, "coverage_at_zero": c0}
    if c0 >= level:
        return 0.0, record | {"coverage": c0}
    lo, hi = 0.0, tau_max
    if coverage(items, hi, level=level, seed=seed) < level:
        raise OncoresistError(f"calibrate_discrepancy: even tau_max = {tau_max} covers less than {level}")
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        if coverage(items, mid, level=level, seed=seed) >= level:
            hi = mid
        else:
            lo = mid
    return hi, record | {"coverage": coverage(items, hi, level=level, seed=seed)}
