"""One call from a series to a JSON-ready fit result: ``fit_series`` (what ``oncoresist fit`` prints).

Research software, not a medical device: forecasts are model outputs, not clinical predictions.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from oncoresist.fit.bayes import ResistanceFitter
from oncoresist.fit.laleh import VOLUME_FACTOR
from oncoresist.fit.laws import CLASSICAL_LAWS, LAWS, fit_lesion
from oncoresist.fit.resistance import prepare
from oncoresist.fit.series import Series, SeriesError
from oncoresist.provenance import provenance
from oncoresist.random import SeedLike, as_seed_sequence, seed_record

DISCLAIMER = ("Research software, not a medical device. Forecasts come from simple population-dynamics models "
              "fitted to the measurements given; they are not clinical predictions and must not guide treatment.")
MODEL_CHOICES = ("resistance", "all", *LAWS)


def _grid(t_first: float, t_last: float, forecast_days: float, n: int = 60) -> np.ndarray:
    return np.linspace(t_first, t_last + forecast_days, n)


def fit_series(series: Series, *, model: str = "resistance", forecast_days: float = 180.0, seed: SeedLike = None,
               imaging_target: str | None = None, resistance_targets: list[str] | None = None,
               fitter_settings: dict[str, Any] | None = None) -> tuple[dict[str, Any], ResistanceFitter | None]:
    """Fit ``model`` ("resistance", a law of :data:`~oncoresist.fit.laws.LAWS`, or "all") to ``series``.

    Returns the JSON-ready result and the fitted :class:`ResistanceFitter` (``None`` if not fitted).
    Classical laws are fitted by least squares to the imaging track as a volume (0.52·d³ for diameters)
    and their forecasts are reported in the track's unit.
    """
    if model not in MODEL_CHOICES:
        raise SeriesError(f"unknown model {model!r}; choose one of {', '.join(MODEL_CHOICES)}")
    if not (forecast_days > 0 and math.isfinite(forecast_days)):
        raise SeriesError(f"forecast_days must be a positive number of days, got {forecast_days}")
    ss = as_seed_sequence(seed)
    prep = prepare(series, imaging_target=imaging_target, resistance_targets=resistance_targets)
    grid = _grid(prep.t0, prep.last_time, forecast_days)
    out: dict[str, Any] = {
        "patient_id": series.patient_id,
        "disclaimer": DISCLAIMER,
        "imaging_track": {"kind": prep.imaging_kind.value, "target": prep.imaging_target, "unit": "mm (diameter)"},
        "observed": [{"time_days": float(t), "value_mm": float(d), "censored": bool(c)}
                     for t, d, c in zip(prep.img_t, prep.img_d, prep.img_censored, strict=True)],
        "laws": {},
    }
    laws = [model] if model in LAWS else ([*CLASSICAL_LAWS, "biexponential"] if model == "all" else [])
    vol = VOLUME_FACTOR * prep.img_d**3
    for name in laws:
        fit = fit_lesion(prep.img_t, vol, name)
        pred = np.cbrt(np.maximum(fit.predict(grid), 0.0) / VOLUME_FACTOR)
        out["laws"][name] = {
            "params": fit.params, "params_volume_unit_mm3": fit.volume_scale, "sse": fit.sse,
            "aic": fit.aic if math.isfinite(fit.sse) else None, "converged": fit.converged,
            "forecast": [{"time_days": float(t), "diameter_mm": float(p)} for t, p in zip(grid, pred, strict=True)],
        }
    fitter: ResistanceFitter | None = None
    if model in ("resistance", "all"):
        fitter = ResistanceFitter(random_state=ss, forecast_days=forecast_days, imaging_target=imaging_target,
                                  resistance_targets=resistance_targets, **(fitter_settings or {}))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # reported in "warnings" below
            fitter.fit(series)
        fc = fitter.forecast(grid)
        out["resistance"] = {
            "summary": {k: {c: float(v) for c, v in row.items()} for k, row in fitter.summary.iterrows()},
            "progression": fitter.progression_,
            "loo": fitter.loo_,
            "acceptance_fraction": fitter.acceptance_fraction_,
            "warnings": fitter.warnings_,
            "forecast": fc.to_dict(orient="records"),
            "sampler": fitter.provenance_["sampler"],
            "priors": fitter.provenance_["priors"],
            "ctdna_tracks": fitter.provenance_["ctdna_tracks"],
        }
    out["provenance"] = provenance("fit", {"model": model, "forecast_days": forecast_days,
                                           "imaging_target": imaging_target,
                                           "resistance_targets": resistance_targets},
                                   seed=seed_record(ss), source=series.source)
    return out, fitter
