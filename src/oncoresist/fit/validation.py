"""Laleh et al.'s head-to-head comparison: fit on early measurements, forecast the held-out later ones.

For every lesion with at least ``min_points`` measurements the last ``k`` are held out, each law is fitted
to the rest (:func:`oncoresist.fit.laws.fit_laws` with ``holdout=k``), and the forecast at the held-out
times is compared with the measured volume (in units of the largest volume of the table, as the paper
normalises). A constant-size forecast (the last fitted measurement carried forward) is the baseline a
useful law has to beat. The paper's protocol (k = 3 held out, ≥ 6 points) follows its code
(KatherLab/ImmunotherapyModels ``Fit.py``: lesions with ``len(...) >= 6``, held-out split
``dimension[0:-3]``).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from oncoresist.fit.bayes import ResistanceFitter
from oncoresist.fit.laleh import LALEH_SOURCE, VOLUME_FACTOR
from oncoresist.fit.laws import CLASSICAL_LAWS, fit_laws
from oncoresist.fit.series import Measurement, MeasurementKind, Series

HOLDOUT = 3
MIN_POINTS = 6


def constant_baseline(table: pd.DataFrame, *, k: int = HOLDOUT, min_points: int = MIN_POINTS,
                      volume_scale: float | None = None) -> pd.DataFrame:
    """Per lesion: MAE of carrying the last fitted volume forward to the ``k`` held-out points."""
    scale = float(volume_scale) if volume_scale else float(table["volume_mm3"].max())
    rows = []
    for lesion_id, g in table.groupby("lesion_id", sort=True):
        if len(g) < min_points:
            continue
        v = g["volume_mm3"].to_numpy(float) / scale
        err = np.abs(v[-k:] - v[-k - 1])
        rows.append({"lesion_id": str(lesion_id), "arm": str(g["arm"].iloc[0]), "law": "constant",
                     "heldout_mae": float(err.mean()), "heldout_last_abs_error": float(err[-1])})
    return pd.DataFrame(rows)


def holdout_comparison(table: pd.DataFrame, *, laws: tuple[str, ...] = (*CLASSICAL_LAWS, "biexponential"),
                       k: int = HOLDOUT, min_points: int = MIN_POINTS, n_jobs: int = 1,
                       volume_scale: float | None = None) -> pd.DataFrame:
    """Per-(lesion, law) forecast errors on the held-out points, the constant baseline included."""
    scale = float(volume_scale) if volume_scale else float(table["volume_mm3"].max())
    fits = fit_laws(table, laws=laws, min_points=min_points, volume_scale=scale, holdout=k, n_jobs=n_jobs)
    base = constant_baseline(table, k=k, min_points=min_points, volume_scale=scale)
    cols = ["lesion_id", "arm", "law", "heldout_mae", "heldout_last_abs_error"]
    return pd.concat([fits[[*cols, "converged", "r2", "aic"]], base[cols]], ignore_index=True)


def summarise(errors: pd.DataFrame) -> pd.DataFrame:
    """One row per law: mean and median held-out MAE, last-point MAE, and the share of lesions it wins.

    Lesions where any law's forecast is not finite are dropped for every law (same lesions for all).
    """
    wide = errors.pivot(index="lesion_id", columns="law", values="heldout_mae")
    wide = wide[np.isfinite(wide).all(axis=1)]
    last = errors.pivot(index="lesion_id", columns="law", values="heldout_last_abs_error").loc[wide.index]
    winner = wide.drop(columns=["constant"], errors="ignore").idxmin(axis=1)
    out = pd.DataFrame({
        "n_lesions": len(wide),
        "mae_mean": wide.mean(),
        "mae_median": wide.median(),
        "last_point_mae": last.mean(),
        "share_best": winner.value_counts(normalize=True).reindex(wide.columns).fillna(0.0),
    })
    return out.sort_values("mae_mean")


def lesion_series(rows: pd.DataFrame, *, n_first: int | None = None) -> Series:
    """A :class:`Series` (``lesion_diameter`` track) from one lesion's rows of the Laleh table."""
    g = rows.iloc[:n_first] if n_first is not None else rows
    lid = str(g["lesion_id"].iloc[0])
    ms = [Measurement(time_days=float(t), kind=MeasurementKind.lesion_diameter, value=float(d), target=lid)
          for t, d in zip(g["time_days"], g["diameter_mm"], strict=True)]
    return Series(patient_id=lid, arm=str(g["arm"].iloc[0]), source=LALEH_SOURCE, measurements=ms)


def resistance_holdout(rows: pd.DataFrame, *, k: int = HOLDOUT, volume_scale: float,
                       fitter_settings: dict[str, Any] | None = None,
                       seed: np.random.SeedSequence | int | None = None,
                       also_discrepancy: Sequence[float] = ()) -> dict[str, Any]:
    """Fit the resistance model to all but the last ``k`` measurements of one lesion and score the forecast.

    Returns the lesion id, the held-out MAE in ``volume_scale`` units (forecast = posterior-predictive
    median diameter, as volume 0.52·d³), the number of held-out diameters inside the 90% predictive
    interval, R-hat (worst parameter), ESS (smallest) and the fit time. For each τ in ``also_discrepancy`` the
    same fit is also scored with ``forecast_discrepancy`` τ (columns ``heldout_mae_tau<τ>``,
    ``heldout_last_abs_error_tau<τ>``, ``n_inside_90_tau<τ>``): the posterior does not depend on τ.
    """
    settings = dict(fitter_settings or {})
    fitter = ResistanceFitter(random_state=seed, **settings)
    n = len(rows)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        fitter.fit(lesion_series(rows, n_first=n - k))
    held = rows.iloc[n - k:]
    fc = fitter.forecast(held["time_days"].to_numpy(float), quantiles=(0.05, 0.5, 0.95))
    d_obs = held["diameter_mm"].to_numpy(float)
    v_obs = held["volume_mm3"].to_numpy(float) / volume_scale
    v_pred = VOLUME_FACTOR * fc["q0.5"].to_numpy() ** 3 / volume_scale
    err = np.abs(v_pred - v_obs)
    inside = (d_obs >= fc["q0.05"].to_numpy() - 1e-9) & (d_obs <= fc["q0.95"].to_numpy() + 1e-9)
    v_plug = VOLUME_FACTOR * fc["true_median"].to_numpy() ** 3 / volume_scale
    out: dict[str, Any] = {
        "lesion_id": str(rows["lesion_id"].iloc[0]), "arm": str(rows["arm"].iloc[0]), "law": "resistance",
        "heldout_mae": float(err.mean()), "heldout_last_abs_error": float(err[-1]),
        "n_heldout": int(k), "n_inside_90": int(inside.sum()),
        "rhat_max": max(fitter.rhat_.values()), "ess_min": min(fitter.ess_.values()),
        "fit_seconds": fitter.fit_seconds_, "rhat_worst": max(fitter.rhat_, key=lambda n: fitter.rhat_[n]),
        # diagnostics (read after a run, never used by the fit): fitted points, posterior medians, forecasts
        "n_fit": int(n - k), "last_fit_volume": float(rows["volume_mm3"].iloc[n - k - 1] / volume_scale),
        "plugin_mae": float(np.abs(v_plug - v_obs).mean()),
    }
    own = fitter.forecast_discrepancy
    for tau in also_discrepancy:
        fitter.forecast_discrepancy = float(tau)
        fa = fitter.forecast(held["time_days"].to_numpy(float), quantiles=(0.05, 0.5, 0.95))
        ea = np.abs(VOLUME_FACTOR * fa["q0.5"].to_numpy() ** 3 / volume_scale - v_obs)
        ins = (d_obs >= fa["q0.05"].to_numpy() - 1e-9) & (d_obs <= fa["q0.95"].to_numpy() + 1e-9)
        out[f"heldout_mae_tau{tau:g}"] = float(ea.mean())
        out[f"heldout_last_abs_error_tau{tau:g}"] = float(ea[-1])
        out[f"n_inside_90_tau{tau:g}"] = int(ins.sum())
    fitter.forecast_discrepancy = own
    for name in fitter.param_names_:
        out[f"median_{name}"] = float(fitter.posterior_[name].median())
    for i in range(k):
        out[f"pred_volume_{i + 1}"] = float(v_pred[i])
        out[f"obs_volume_{i + 1}"] = float(v_obs[i])
    return out
