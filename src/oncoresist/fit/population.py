"""Empirical-Bayes population priors of the resistance model, from many series' fitted parts.

A hierarchical model: for every series i the log-rates θ_i = (log kill, log growth, log noise_cv,
log decel) are drawn from a population Normal(μ, diag σ²); the other parameters keep their fixed priors
(log10 ρ uniform, log d0 around the first measurement). (μ, σ) maximise the marginal likelihood
Σ_i log ∫ p(y_i | θ) π(θ | μ, σ) dθ, estimated by importance sampling: each series' posterior is sampled
(a short emcee run) under a proposal prior q, and ∫ p(y_i | θ) π(θ) dθ ∝ E_post,q[π(θ)/q(θ)]. Each round
re-samples under the previous round's answer, so the proposal approaches the estimate.

The spread σ is that of the true rates, not of per-series least-squares estimates, which with 3 fitted
points are dominated by estimation noise (the "deconvolution" a hierarchical model does). Robbins 1956
and Efron & Morris 1975 (J Am Stat Assoc 70:311) for empirical Bayes.

Use only measurements that a forecast may see (the benchmark passes each lesion's fitted part).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from typing import Any

import emcee
import numpy as np
from scipy.optimize import minimize
from scipy.special import logsumexp
from threadpoolctl import threadpool_limits

from oncoresist.errors import OncoresistError
from oncoresist.fit.bayes import CORE_PARAMS, Priors, _negative_with_gradient, build_posterior
from oncoresist.fit.resistance import prepare
from oncoresist.fit.series import Series

WALKERS = 24
"""Walkers of each series' short emcee run in the E step."""
HIER = ("kill", "growth", "noise_cv", "decel")
"""The hierarchical log-rates (their population medians and log-scale sds are estimated)."""


def _priors_with(base: Priors, mu: np.ndarray, sd: np.ndarray) -> Priors:
    e = np.exp(mu)
    return replace(base, kill_median=float(e[0]), kill_log_sd=float(sd[0]), growth_median=float(e[1]),
                   growth_log_sd=float(sd[1]), noise_cv_median=float(e[2]), noise_cv_log_sd=float(sd[2]),
                   decel_median=float(e[3]), decel_log_sd=float(sd[3]))


def _estep_one(args: tuple[Series, Priors, float | None, np.ndarray | None, int, int]) -> tuple[
        np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One series' posterior under the current population prior, by a short emcee run.

    Returns the final walker positions (the next iteration's start) and the posterior mean and variance
    of the hierarchical log-rates. The first call starts from a ball around the posterior mode.
    """
    series, priors, nu, start, steps, seed = args
    with threadpool_limits(limits=1):
        post = build_posterior(prepare(series), priors, imaging_nu=nu)
        cols = [2, 3, 4, len(CORE_PARAMS)]
        rng = np.random.default_rng(seed)
        if start is None:
            med = np.array([post.d0_anchor, -2.0, math.log(priors.kill_median), math.log(priors.growth_median),
                            math.log(priors.noise_cv_median), math.log(priors.decel_median or 1e-3)])
            res = minimize(_negative_with_gradient(post), med, jac=True, method="L-BFGS-B", bounds=post.bounds(),
                           options={"maxiter": 300})
            start = res.x + post.init_scale(res.x) * rng.standard_normal((WALKERS, post.ndim))
            start[:, 1] = np.clip(start[:, 1], priors.log10_rho_low + 1e-3, -1e-3)
        else:
            start = start.copy()
        bad = ~np.isfinite(post(start))
        if bad.any():  # the prior moved under a walker: restart it at a good one
            start[bad] = start[~bad][rng.integers((~bad).sum(), size=int(bad.sum()))] if (~bad).any() else start[bad]
        sampler = emcee.EnsembleSampler(WALKERS, post.ndim, post, vectorize=True)
        sampler._random = np.random.RandomState(int(rng.integers(2**31)))
        sampler.run_mcmc(start, steps, progress=False, skip_initial_state_check=True)
        chain = sampler.get_chain(discard=steps // 2)[:, :, cols].reshape(-1, len(cols))
        return sampler.get_last_sample().coords, chain.mean(axis=0), chain.var(axis=0), chain


def _neg_marginal(z: np.ndarray, samples: list[np.ndarray], log_q: list[np.ndarray]) -> float:
    """−Σ_i log mean_s [π(θ_is | μ, σ) / q_i(θ_is)] with z = (μ, log σ): the importance-sampling estimate of the
    log marginal likelihood of the population (μ, σ), up to a constant, from draws of each series' posterior
    under the proposal prior q."""
    k = z.size // 2
    mu, sd = z[:k], np.exp(z[k:])
    total = 0.0
    for th, lq in zip(samples, log_q, strict=True):
        lp = np.sum(-0.5 * ((th - mu) / sd) ** 2 - np.log(sd), axis=1)
        total += float(logsumexp(lp - lq)) - math.log(th.shape[0])
    return -total


def empirical_bayes_priors(series: Sequence[Series], *, base: Priors, imaging_nu: float | None = None,
                           rounds: int = 3, steps: int = 200, n_keep: int = 600, tol: float = 0.02,
                           n_jobs: int = 1, seed: int = 0, log: Any = None) -> tuple[Priors, dict[str, Any]]:
    """Population priors of kill, growth, noise_cv and decel by marginal likelihood over ``series``.

    Each round samples every series' posterior under the current prior (the proposal q), then maximises
    the importance-sampling estimate of the marginal likelihood Σ_i log ∫ p(y_i | θ) π(θ | μ, σ) dθ over
    (μ, σ); the next round samples under the new prior (so the proposal approaches the answer and the
    estimate sharpens). Stops when no median (log scale) or log-sd moves by more than ``tol``.
    ``base`` gives the first proposal and every prior that is not estimated; it must have a deceleration.
    Returns the priors and a record: rounds, convergence, number of series.
    """
    if base.decel_median is None:
        raise OncoresistError("empirical_bayes_priors: base.decel_median must be set (the Gompertz model)")
    if len(series) < 10:
        raise OncoresistError(f"empirical_bayes_priors: series has {len(series)} entries; at least 10 are needed")
    mu = np.log([base.kill_median, base.growth_median, base.noise_cv_median, base.decel_median])
    sd = np.array([base.kill_log_sd, base.growth_log_sd, base.noise_cv_log_sd, base.decel_log_sd])
    history = []
    converged = False
    pool = ProcessPoolExecutor(max_workers=n_jobs) if n_jobs > 1 else None
    try:
        for it in range(rounds):
            priors = _priors_with(base, mu, sd)
            jobs = [(s, priors, imaging_nu, None, steps, seed + 7919 * it + i) for i, s in enumerate(series)]
            out = list(pool.map(_estep_one, jobs, chunksize=16)) if pool else [_estep_one(j) for j in jobs]
            samples = [o[3][:: max(1, o[3].shape[0] // n_keep)] for o in out]
            log_q = [np.sum(-0.5 * ((th - mu) / sd) ** 2 - np.log(sd), axis=1) for th in samples]
            z0 = np.concatenate([mu, np.log(sd)])
            res = minimize(_neg_marginal, z0, args=(samples, log_q), method="Nelder-Mead",
                           options={"maxiter": 4000, "xatol": 1e-3, "fatol": 1e-3})
            k = mu.size
            new_mu, new_sd = res.x[:k], np.exp(res.x[k:])
            step = float(max(np.max(np.abs(new_mu - mu)), np.max(np.abs(np.log(new_sd / sd)))))
            mu, sd = new_mu, new_sd
            history.append({"round": it + 1, "median": np.exp(mu).round(6).tolist(),
                            "log_sd": sd.round(4).tolist(), "step": round(step, 5),
                            "neg_log_marginal": round(float(res.fun), 3)})
            if log is not None:
                log(f"EB round {it + 1}: median {np.exp(mu)}, log_sd {sd}, step {step:.4f}")
            if step < tol:
                converged = True
                break
    finally:
        if pool is not None:
            pool.shutdown()
    record = {"n_series": len(series), "rounds": len(history), "converged": converged, "tol": tol,
              "history": history, "parameters": list(HIER), "method": "importance-sampling marginal likelihood"}
    return _priors_with(base, mu, sd), record
