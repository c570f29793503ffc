"""Empirical-Bayes prior on the resistant cells' plateau, from the training parts of many series.

The resistance model's resistant cells grow on a Gompertz clock towards ρ·e^(g/a) (relative to the burden
at the first measurement); with independent log-normal priors on g and a, g/a has a log-sd of about 2.6,
so a posterior fitted to three points can put a lesion on a near-exponential course to thousands of times
its size. This module estimates a prior factor Normal(P; μ, σ) on P = ln ρ + g/a
(:func:`oncoresist.fit.resistance.resistant_plateau`), multiplied onto the independent priors, by
marginal likelihood of one summary of every training series: its log volume change from the first to the
last fitted measurement,

    s_i = 3·(ln D_last − ln D_first)    (diameters below the detection limit read as the limit),

whose prior predictive under the joint prior is estimated by importance weighting one set of draws from
the independent priors: a draw's weight is Normal(P; μ, σ), normalised over the draws; s_i given a draw is
Normal around the model's log burden at the series' last time, with the imaging noise of both end points
(variance 9·(cv² + (1 mm/D)²) each, as ``monitor.imaging``). (μ, σ) maximise Σ_i log p(s_i | μ, σ)
(Nelder–Mead). Only fitted parts may be passed (the benchmark passes each lesion's points before its
held-out ones). :func:`prior_predictive_check` reports the probability integral transforms of the s_i
under a prior (a calibrated prior gives about 5% of them above its 95% point).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from scipy.optimize import minimize
from scipy.special import logsumexp, ndtr

from oncoresist.errors import OncoresistError
from oncoresist.fit.bayes import Priors
from oncoresist.fit.resistance import (
    DETECTION_LIMIT_MM,
    IMAGING_SD_MM,
    exposure,
    log_burden,
    on_bounds,
    prepare,
    resistant_plateau,
)
from oncoresist.fit.series import Series

__all__ = ["PlateauData", "log_marginal", "plateau_data", "plateau_prior", "prior_predictive_check", "with_plateau"]


@dataclass
class PlateauData:
    """Prior draws and, per series, the observed summary and its conditional mean and variance per draw."""

    s_obs: np.ndarray
    """(N,) observed log volume change, first to last fitted measurement."""
    mean: np.ndarray
    """(N, K) model log burden at the last time, per draw."""
    var: np.ndarray
    """(N, K) variance of the observed change given the draw (imaging noise at both ends)."""
    plateau: np.ndarray
    """(K,) P = ln ρ + g/a of each draw."""


def _draws(base: Priors, n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    if base.decel_median is None:
        raise OncoresistError("plateau prior: base.decel_median must be set (the plateau needs a deceleration)")
    return {"log10_rho": rng.uniform(base.log10_rho_low, 0.0, n),
            "kill": np.exp(rng.normal(math.log(base.kill_median), base.kill_log_sd, n)),
            "growth": np.exp(rng.normal(math.log(base.growth_median), base.growth_log_sd, n)),
            "decel": np.exp(rng.normal(math.log(base.decel_median), base.decel_log_sd, n)),
            "noise_cv": np.exp(rng.normal(math.log(base.noise_cv_median), base.noise_cv_log_sd, n))}


def plateau_data(series: Sequence[Series], *, base: Priors, n_draws: int = 8000, seed: int = 0,
                 kill_decel: bool = True) -> PlateauData:
    """The summaries of ``series`` (fitted parts only) and their prior predictive pieces under ``base``."""
    if len(series) < 10:
        raise OncoresistError(f"plateau prior: series has {len(series)} entries; at least 10 are needed")
    if n_draws < 100:
        raise OncoresistError(f"plateau prior: n_draws must be at least 100, got {n_draws}")
    rng = np.random.default_rng(seed)
    th = _draws(base, n_draws, rng)
    s_obs, means, vars_ = [], [], []
    for s in series:
        pr = prepare(s)
        d = np.where(pr.img_censored, DETECTION_LIMIT_MM, np.maximum(pr.img_d, DETECTION_LIMIT_MM))
        t_end = pr.img_t[-1:]
        on, off = exposure(t_end, pr.t0, pr.treatments)
        lo, hi = on_bounds(t_end, pr.t0, pr.treatments)
        lx, _ = log_burden(th["log10_rho"], th["kill"], th["growth"], on, off, decel=th["decel"], on_lo=lo,
                           on_hi=hi, kill_decel=kill_decel)
        m = lx[:, 0]
        d_end = d[0] * np.exp(np.minimum(m, 60.0) / 3.0)
        cv2 = th["noise_cv"] ** 2
        s_obs.append(3.0 * (math.log(d[-1]) - math.log(d[0])))
        means.append(m)
        vars_.append(9.0 * (2.0 * cv2 + (IMAGING_SD_MM / d[0]) ** 2 + (IMAGING_SD_MM / d_end) ** 2))
    # float32: the (series × draws) matrices are the memory of this estimate (64,000 draws × 1,461 series)
    return PlateauData(np.array(s_obs), np.array(means, dtype=np.float32), np.array(vars_, dtype=np.float32),
                       resistant_plateau(th["log10_rho"], th["growth"], th["decel"]))


def _log_weights(plateau: np.ndarray, mu: float | None, sd: float) -> np.ndarray:
    if mu is None:
        return np.full(plateau.size, -math.log(plateau.size))
    lw = -0.5 * ((plateau - mu) / sd) ** 2
    return lw - logsumexp(lw)


def _log_lik_matrix(data: PlateauData) -> np.ndarray:
    s = data.s_obs[:, None].astype(np.float32)
    return -0.5 * (s - data.mean) ** 2 / data.var - 0.5 * np.log(np.float32(2 * math.pi) * data.var)


def log_marginal(data: PlateauData, mu: float | None, sd: float, *, ll: np.ndarray | None = None) -> float:
    """Σ_i log p(s_i | μ, σ) by importance weighting (``mu`` None: the independent priors)."""
    ll = _log_lik_matrix(data) if ll is None else ll
    lw = _log_weights(data.plateau, mu, sd).astype(np.float32)
    return float(np.sum(logsumexp(ll + lw[None, :], axis=1), dtype=np.float64))


def plateau_prior(data: PlateauData, *, start: tuple[float, float] = (1.0, 1.5)) -> tuple[float, float, dict[str, Any]]:
    """(μ, σ) of the plateau factor maximising the summary's marginal likelihood, and a record (log marginal
    likelihood with and without the factor, effective number of weighted draws)."""
    ll = _log_lik_matrix(data)

    def neg(z: np.ndarray) -> float:
        return -log_marginal(data, float(z[0]), float(math.exp(z[1])), ll=ll)

    res = minimize(neg, np.array([start[0], math.log(start[1])]), method="Nelder-Mead",
                   options={"xatol": 1e-2, "fatol": 0.05, "maxiter": 200})
    mu, sd = float(res.x[0]), float(math.exp(res.x[1]))
    w = np.exp(_log_weights(data.plateau, mu, sd))
    record = {"n_series": int(data.s_obs.size), "n_draws": int(data.plateau.size),
              "log_marginal": -float(res.fun), "log_marginal_independent": log_marginal(data, None, 1.0, ll=ll),
              "effective_draws": float(1.0 / np.sum(w**2)), "converged": bool(res.success),
              "method": "importance-weighted marginal likelihood of the fitted parts' log volume change"}
    return mu, sd, record


def prior_predictive_check(data: PlateauData, mu: float | None, sd: float = 1.0) -> dict[str, float]:
    """Probability integral transforms u_i = P(s ≤ s_i) of the observed summaries under the prior (``mu``
    None: independent priors): the shares of u_i below 0.05 and above 0.95 (5% each when calibrated), and the
    prior-predictive 99th percentile of s against the observed one."""
    lw = _log_weights(data.plateau, mu, sd)
    w = np.exp(lw)
    z = (data.s_obs[:, None] - data.mean) / np.sqrt(data.var)
    u = ndtr(z) @ w
    # prior-predictive upper quantile of s, pooled over series: the plug-in quantile of the weighted means
    pooled = data.mean.ravel()
    order = np.argsort(pooled)
    cw = np.cumsum(np.tile(w, data.s_obs.size)[order]) / data.s_obs.size
    q99 = float(pooled[order][np.searchsorted(cw, 0.99)])
    return {"share_below_5pct": float(np.mean(u < 0.05)), "share_above_95pct": float(np.mean(u > 0.95)),
            "pred_q99_change": q99, "obs_q99_change": float(np.quantile(data.s_obs, 0.99))}


def with_plateau(base: Priors, mu: float, sd: float) -> Priors:
    """``base`` with the plateau factor Normal(P; ``mu``, ``sd``)."""
    return replace(base, plateau_mean=float(mu), plateau_sd=float(sd))
