"""Bayesian fit of the resistance-aware model to one patient's series, with emcee, and its forecast.

Why emcee: the model has 5–8 parameters and a closed-form likelihood that is cheap to evaluate
for many parameter vectors at once, which is what the affine-invariant ensemble sampler
(Foreman-Mackey et al. 2013, PASP 125:306, DOI:10.1086/670067) needs; no gradients, no compiler
tool-chain (PyMC/NumPyro would bring PyTensor/JAX for a 5-parameter model). Several independent
ensembles ("chains", each started at its own local posterior mode) give the between-chain R-hat;
ArviZ computes R-hat and PSIS-LOO from the ``InferenceData``; the effective sample size is emcee's
(walkers × kept steps / integrated autocorrelation time).

Usage (lifelines style: settings in the constructor, data in ``fit``, results end in ``_``)::

    fitter = ResistanceFitter(n_chains=4, random_state=7).fit(series)
    fitter.summary                     # mean, sd, 90% interval, R-hat, ESS per parameter
    fitter.progression_                # P(progression) by horizon, median and 90% interval of its time
    fitter.forecast(times)             # posterior-predictive bands of the imaging measurement
    fitter.plot_forecast(ax=None)

Parameters (the posterior's columns): ``log_d0`` (log true diameter at the first measurement, mm),
``log10_rho`` (initial resistant fraction), ``kill`` (net decline of sensitive cells on drug, per
day), ``growth`` (net growth of resistant cells, and of all cells off drug, per day), ``noise_cv``
(imaging), then ``logit_tf0`` (plasma tumour fraction at t0, when ctDNA is present) and
``log_m0[<marker>]`` per serum marker. Priors: see :class:`Priors` (kill and growth from the
population fit of the Laleh et al. 2022 series, ``fit/data/laleh_priors.yaml``), times a factor on the
resistant plateau ln ρ + g/a (``fit/data/laleh_plateau.yaml``); forecast bands add a calibrated model
discrepancy (``forecast_discrepancy``, ``fit/data/laleh_discrepancy.yaml``).
"""

from __future__ import annotations

import logging
import math
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import emcee
import numpy as np
import pandas as pd
import yaml
from scipy.optimize import minimize
from threadpoolctl import threadpool_limits

from oncoresist._version import __version__
from oncoresist.errors import OncoresistError
from oncoresist.fit.resistance import (
    DETECTION_LIMIT_MM,
    IMAGING_SD_MM,
    PreparedSeries,
    exposure,
    imaging_loglik,
    log_burden,
    marker_loglik,
    on_bounds,
    prepare,
    recist_progression_time,
    vaf_loglik,
)
from oncoresist.fit.series import Series
from oncoresist.random import SeedLike, as_seed_sequence, seed_record

CORE_PARAMS = ("log_d0", "log10_rho", "kill", "growth", "noise_cv")
DECEL_PARAM = "decel"
_LOG_COLUMNS = (2, 3, 4)
"""Columns sampled on the log scale (kill, growth, noise_cv; ``decel`` too when present)."""
INIT_CHOICES = ("own_mode", "pooled_modes")
RHAT_WARN = 1.05
ESS_WARN = 100.0


class FitNotReadyError(OncoresistError):
    """A result was asked for before ``fit`` was called."""


def _load_data(name: str) -> dict[str, Any]:
    text = resources.files("oncoresist.fit").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return dict(yaml.safe_load(text))


def _load_population() -> dict[str, Any]:
    return _load_data("laleh_priors.yaml")


def shipped_discrepancy() -> float:
    """The forecast discrepancy τ shipped in ``fit/data/laleh_discrepancy.yaml`` (per √day)."""
    return float(_load_data("laleh_discrepancy.yaml")["forecast_discrepancy"])


@dataclass(frozen=True)
class Priors:
    """Prior distributions (all independent).

    ``kill`` and ``growth`` are log-normal with the median and log-scale spread of the per-lesion
    bi-exponential fits of the Laleh et al. 2022 series (``fit/data/laleh_priors.yaml``, made by
    ``benchmarks/fit_laleh.py --priors``); ``log10_rho`` is uniform on [log10_rho_low, 0].
    """

    kill_median: float
    kill_log_sd: float
    growth_median: float
    growth_log_sd: float
    log10_rho_low: float = -7.0
    noise_cv_median: float = 0.1
    noise_cv_log_sd: float = 0.5
    d0_log_sd: float = 1.0
    decel_median: float | None = None
    """Median of the log-normal prior of the Gompertz deceleration ``decel`` (per day); None: no
    deceleration (exponential growth, the engine's mean field)."""
    decel_log_sd: float = 2.0
    tf0_logit_mean: float = -3.0
    tf0_logit_sd: float = 2.0
    m0_log_sd: float = 2.0
    plateau_mean: float | None = None
    """Mean of a Normal prior factor on the resistant cells' plateau P = ln ρ + g/a (natural log of the
    resistant population's attainable size ρ·e^(g/a) relative to the burden at the first measurement), with
    ``plateau_sd``; None: no such factor (g, a and ρ independent). Only with a deceleration. Estimated from
    the Laleh fitted parts by :func:`oncoresist.fit.plateau.plateau_prior` (``fit/data/laleh_plateau.yaml``)."""
    plateau_sd: float = 1.0

    @classmethod
    def from_population(cls, *, plateau: bool = True) -> Priors:
        """The population priors shipped in ``fit/data/laleh_priors.yaml`` and, with ``plateau`` (the default
        since the fourth attempt, docs/fit.md), the plateau factor of ``fit/data/laleh_plateau.yaml``."""
        pop = _load_population()
        if plateau:
            pop["plateau"] = _load_data("laleh_plateau.yaml")["plateau"]
        return cls.from_mapping(pop)

    @classmethod
    def from_mapping(cls, pop: dict[str, Any]) -> Priors:
        """Priors from a mapping shaped like ``fit/data/laleh_priors.yaml`` (kill, growth, deceleration, noise_cv,
        and ``plateau: {mean, sd}`` as in ``fit/data/laleh_plateau.yaml``)."""
        dec = pop.get("deceleration")
        cv = pop.get("noise_cv")
        plat = pop.get("plateau")
        extra: dict[str, float] = {}
        if cv:
            extra = {"noise_cv_median": float(cv["median"]), "noise_cv_log_sd": float(cv["log_sd"])}
        if plat:
            extra |= {"plateau_mean": float(plat["mean"]), "plateau_sd": float(plat["sd"])}
        return cls(kill_median=float(pop["kill"]["median"]), kill_log_sd=float(pop["kill"]["log_sd"]),
                   growth_median=float(pop["growth"]["median"]), growth_log_sd=float(pop["growth"]["log_sd"]),
                   decel_median=float(dec["median"]) if dec else None,
                   decel_log_sd=float(dec["log_sd"]) if dec else 2.0, **extra)


def _normal_logpdf(x: np.ndarray, mean: float, sd: float) -> np.ndarray:
    return -0.5 * ((x - mean) / sd) ** 2


class _Posterior:
    """Log-posterior over a (W, P) array of parameter vectors, for one prepared series.

    The sampler moves on an internal scale: kill, growth, noise_cv (and decel) as their logarithms,
    where their log-normal priors are normal; :meth:`natural` maps to the reported parameters.
    """

    def __init__(self, prep: PreparedSeries, priors: Priors, *, vaf_concentration: float, marker_sigma: float,
                 d0_anchor: float, m0_anchor: list[float], imaging_nu: float | None = None,
                 kill_decel: bool = False) -> None:
        self.prep = prep
        self.kill_decel = kill_decel
        self.nu = imaging_nu
        self.priors = priors
        self.conc = vaf_concentration
        self.msig = marker_sigma
        self.d0_anchor = d0_anchor
        self.m0_anchor = m0_anchor
        self.has_vaf = bool(prep.vaf_t)
        self.has_decel = priors.decel_median is not None
        self.names = (list(CORE_PARAMS) + ([DECEL_PARAM] if self.has_decel else [])
                      + (["logit_tf0"] if self.has_vaf else []) + [f"log_m0[{m}]" for m in prep.markers])
        self.log_cols = list(_LOG_COLUMNS) + ([len(CORE_PARAMS)] if self.has_decel else [])
        self.j_extra = len(CORE_PARAMS) + int(self.has_decel)

    @property
    def ndim(self) -> int:
        return len(self.names)

    def natural(self, u: np.ndarray) -> np.ndarray:
        """Internal (log-scale) parameter vectors → the reported parameters (same column order)."""
        th = np.array(u, dtype=float, copy=True)
        th[:, self.log_cols] = np.exp(np.clip(th[:, self.log_cols], -60.0, 20.0))
        return th

    def internal(self, th: np.ndarray) -> np.ndarray:
        u = np.array(th, dtype=float, copy=True)
        u[:, self.log_cols] = np.log(np.maximum(u[:, self.log_cols], 1e-300))
        return u

    def log_prior(self, u: np.ndarray) -> np.ndarray:
        """Log prior density on the internal scale (log-normal priors are normal in the log)."""
        p = self.priors
        lp = _normal_logpdf(u[:, 0], self.d0_anchor, p.d0_log_sd)
        lp = lp + np.where((u[:, 1] >= p.log10_rho_low) & (u[:, 1] < 0.0), 0.0, -np.inf)
        lp = lp + _normal_logpdf(u[:, 2], math.log(p.kill_median), p.kill_log_sd)
        lp = lp + _normal_logpdf(u[:, 3], math.log(p.growth_median), p.growth_log_sd)
        lp = lp + _normal_logpdf(u[:, 4], math.log(p.noise_cv_median), p.noise_cv_log_sd)
        if self.has_decel:
            assert p.decel_median is not None
            lp = lp + _normal_logpdf(u[:, len(CORE_PARAMS)], math.log(p.decel_median), p.decel_log_sd)
            if p.plateau_mean is not None:
                # g/a from the log scale (no overflow): P = ln ρ + exp(log g − log a)
                plateau = math.log(10.0) * u[:, 1] + np.exp(np.minimum(u[:, 3] - u[:, len(CORE_PARAMS)], 6.5))
                lp = lp + _normal_logpdf(plateau, p.plateau_mean, p.plateau_sd)
        j = self.j_extra
        if self.has_vaf:
            lp = lp + _normal_logpdf(u[:, j], p.tf0_logit_mean, p.tf0_logit_sd)
            j += 1
        for i, anchor in enumerate(self.m0_anchor):
            lp = lp + _normal_logpdf(u[:, j + i], anchor, p.m0_log_sd)
        return lp

    def burden(self, th: np.ndarray, on: np.ndarray, off: np.ndarray, lo: np.ndarray,
               hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """log burden and log resistant share for natural parameter vectors ``th`` at one track's times."""
        decel = th[:, len(CORE_PARAMS)] if self.has_decel else None
        return log_burden(th[:, 1], th[:, 2], th[:, 3], on, off, decel=decel, on_lo=lo, on_hi=hi,
                          kill_decel=self.kill_decel and self.has_decel)

    def pointwise(self, th: np.ndarray) -> np.ndarray:
        """(W, n_obs) pointwise log-likelihood (imaging, then each ctDNA track, then each marker) for natural
        parameter vectors."""
        pr = self.prep
        safe = th.copy()
        safe[:, 1] = np.clip(safe[:, 1], -12.0, -1e-9)
        safe[:, 2:5] = np.clip(safe[:, 2:5], 1e-9, None)
        lx, _ = self.burden(safe, pr.img_on, pr.img_off, pr.img_lo, pr.img_hi)
        parts = [imaging_loglik(lx, safe[:, 0], safe[:, 4], pr.img_d, pr.img_censored, nu=self.nu)]
        j = self.j_extra
        if self.has_vaf:
            for i in range(len(pr.vaf_t)):
                lxv, lres = self.burden(safe, pr.vaf_on[i], pr.vaf_off[i], pr.vaf_lo[i], pr.vaf_hi[i])
                parts.append(vaf_loglik(lxv, lres, safe[:, j], pr.vaf_resistant[i], pr.vaf_k[i], pr.vaf_n[i],
                                        self.conc))
            j += 1
        for i in range(len(pr.mk_t)):
            lxm, _ = self.burden(safe, pr.mk_on[i], pr.mk_off[i], pr.mk_lo[i], pr.mk_hi[i])
            parts.append(marker_loglik(lxm, safe[:, j + i], pr.mk_logv[i], self.msig))
        return np.concatenate(parts, axis=1)

    def __call__(self, u: np.ndarray) -> np.ndarray:
        u = np.atleast_2d(u)
        lp = self.log_prior(u)
        ok = np.isfinite(lp)
        out = np.full(u.shape[0], -np.inf)
        if ok.any():
            ll = self.pointwise(self.natural(u[ok])).sum(axis=1)
            out[ok] = lp[ok] + np.where(np.isfinite(ll), ll, -np.inf)
        return out

    def bounds(self) -> list[tuple[float | None, float | None]]:
        """Box bounds of the internal parameters for the mode search (log10_rho's prior support)."""
        out: list[tuple[float | None, float | None]] = [(None, None)] * self.ndim
        out[1] = (self.priors.log10_rho_low, -1e-5)
        for j in self.log_cols:
            out[j] = (-30.0, 5.0)
        return out

    def init_scale(self, mode: np.ndarray) -> np.ndarray:
        """Spread of the initial walker ball around a mode (internal scale; about a tenth of a typical width)."""
        scale = np.full(self.ndim, 0.05)
        scale[0] = 0.01
        scale[1] = 0.1
        return scale

    def draw_prior(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Draws on the internal scale (the d0 and marker anchors drawn close to the first measurement)."""
        p = self.priors
        cols = [rng.normal(self.d0_anchor, 0.1 * p.d0_log_sd, n), rng.uniform(p.log10_rho_low, -1e-3, n),
                rng.normal(math.log(p.kill_median), p.kill_log_sd, n),
                rng.normal(math.log(p.growth_median), p.growth_log_sd, n),
                rng.normal(math.log(p.noise_cv_median), p.noise_cv_log_sd, n)]
        if self.has_decel:
            assert p.decel_median is not None
            cols.append(rng.normal(math.log(p.decel_median), p.decel_log_sd, n))
        if self.has_vaf:
            cols.append(rng.normal(p.tf0_logit_mean, p.tf0_logit_sd, n))
        cols.extend(rng.normal(a, 0.1, n) for a in self.m0_anchor)
        return np.column_stack(cols)


def build_posterior(prep: PreparedSeries, priors: Priors, *, vaf_concentration: float = 1000.0,
                    marker_sigma: float = 0.25, imaging_nu: float | None = None,
                    kill_decel: bool = False) -> _Posterior:
    """The log-posterior of one prepared series (the d0 and marker anchors from its first measurements).

    ``kill_decel``: with a deceleration prior, the drug's kill runs on the same Gompertz clock as growth
    (:func:`oncoresist.fit.resistance.log_burden`)."""
    first_d = prep.img_d[~prep.img_censored]
    d0_anchor = math.log(max(float(first_d[0]) if first_d.size else 5.0, 1.0))
    return _Posterior(prep, priors, vaf_concentration=vaf_concentration, marker_sigma=marker_sigma,
                      d0_anchor=d0_anchor, m0_anchor=[float(v[0]) for v in prep.mk_logv], imaging_nu=imaging_nu,
                      kill_decel=kill_decel)


class _SubEnsembleStretch(emcee.moves.StretchMove):
    """emcee's stretch move (Goodman & Weare 2010) for ``n_ens`` independent ensembles of ``n_walkers`` each,
    stored one after the other: every walker is paired only with a walker of its own ensemble.

    The split is fixed (even/odd walker index, ``randomize_split=False``), so each half holds
    ``n_walkers/2`` walkers of every ensemble, in ensemble order; the proposal is the stretch move of
    each ensemble on its own, so the ensembles stay independent Markov chains.
    """

    def __init__(self, n_ens: int, n_walkers: int, a: float = 2.0) -> None:
        super().__init__(a=a, nsplits=2, randomize_split=False)
        self.n_ens = n_ens
        self.half = n_walkers // 2

    def get_proposal(self, s: np.ndarray, c: list[np.ndarray], random: Any) -> tuple[np.ndarray, np.ndarray]:
        comp = np.concatenate(c, axis=0)
        ns, ndim = s.shape
        zz = ((self.a - 1.0) * random.rand(ns) + 1) ** 2.0 / self.a
        factors = (ndim - 1.0) * np.log(zz)
        own = np.arange(ns) // self.half  # the ensemble of each walker of this half
        partner = own * self.half + random.randint(self.half, size=ns)
        return comp[partner] - (comp[partner] - s) * zz[:, None], factors


class _SubEnsembleDE(emcee.moves.RedBlueMove):
    """emcee's differential-evolution move (ter Braak 2006; emcee ``DEMove``) within each of ``n_ens``
    ensembles: q = x + γ·(x_j − x_k) + ε with x_j, x_k two different walkers of the walker's own ensemble;
    γ = 2.38/√(2·ndim), and γ = 1 in a tenth of the proposals (a jump between modes)."""

    def __init__(self, n_ens: int, n_walkers: int, sigma: float = 1e-5) -> None:
        super().__init__(nsplits=2, randomize_split=False)
        self.n_ens = n_ens
        self.half = n_walkers // 2
        self.sigma = sigma

    def get_proposal(self, s: np.ndarray, c: list[np.ndarray], random: Any) -> tuple[np.ndarray, np.ndarray]:
        comp = np.concatenate(c, axis=0)
        ns, ndim = s.shape
        own = np.arange(ns) // self.half
        j = random.randint(self.half, size=ns)
        k = (j + 1 + random.randint(self.half - 1, size=ns)) % self.half  # k ≠ j
        gamma = np.where(random.rand(ns) < 0.1, 1.0, 2.38 / math.sqrt(2.0 * ndim))
        diff = comp[own * self.half + j] - comp[own * self.half + k]
        q = s + gamma[:, None] * diff + self.sigma * random.randn(ns, ndim)
        return q, np.zeros(ns)


def _negative_with_gradient(post: _Posterior, h: float = 1e-6) -> Any:
    """−log posterior and its forward-difference gradient, from one vectorised call (for L-BFGS-B)."""
    def f(x: np.ndarray) -> tuple[float, np.ndarray]:
        pts = np.vstack([x, x + h * np.eye(x.size)])
        v = post(pts)
        if not np.isfinite(v[0]):
            return 1e300, np.zeros(x.size)
        grad = np.where(np.isfinite(v[1:]), (v[1:] - v[0]) / h, 0.0)
        return float(-v[0]), -grad
    return f


class ResistanceFitter:
    """Posterior of the sensitive/resistant mean-field model for one patient (see the module docstring).

    Parameters
    ----------
    n_chains : int
        Independent emcee ensembles (the "chains" of R-hat).
    n_walkers : int or None
        Walkers per ensemble (default: 4·n_params + 4, at least 24; fewer left 27% of the Laleh fits with R-hat > 1.05).
    n_tune, n_draws : int
        Steps discarded, steps kept, per walker.
    thin : int
        Keep every ``thin``-th kept step.
    priors : Priors or None
        Default :meth:`Priors.from_population`.
    vaf_concentration : float
        Beta-binomial concentration of mutant-read counts (overdispersion beyond binomial sampling).
    marker_sigma : float
        Log-scale SD of serum-marker measurements.
    imaging_nu : float or None
        Degrees of freedom of Student-t imaging errors (robust to a mis-measured scan); None: Normal errors.
    kill_decel : bool
        With a deceleration prior: the drug's kill of sensitive cells decelerates on the same Gompertz clock
        as growth (shrinkage approaches a floor), instead of staying exponential. Default True (chosen on a
        development split of the Laleh benchmark, docs/fit.md "Third attempt"); no effect without ``decel``.
    init : {"own_mode", "pooled_modes"}
        Walker starts: ``own_mode``, each ensemble in a small ball around its own local posterior mode;
        ``pooled_modes``, every ensemble's walkers spread over all the modes found (walker i of ensemble c
        around mode (i + c) mod n_chains), so that no ensemble starts confined to one mode of a multimodal
        posterior; the mode search also starts from the same prior draws with little deceleration (prior median
        − 2 log-sd) and keeps the n_chains best modes. Default ``pooled_modes``.
    imaging_target, resistance_targets, default_depth :
        Passed to :func:`oncoresist.fit.resistance.prepare`.
    forecast_days : float
        Horizon (days after the last measurement) of :attr:`progression_`.
    forecast_discrepancy : float or None
        None (default): the value shipped in ``fit/data/laleh_discrepancy.yaml`` (:func:`shipped_discrepancy`);
        0: none. Model discrepancy of :meth:`forecast`: the log diameter at a time h days after the last measurement
        gets an extra Normal(0, τ²·h) term (a random walk; τ per √day), on top of the measurement noise; it
        widens the predictive bands and leaves the posterior and :attr:`progression_` alone. Estimated from
        leave-last-out forecasts of training series (:func:`oncoresist.fit.calibration.calibrate_discrepancy`).
    random_state : None, int, SeedSequence or Generator
        Seed; ``None`` draws OS entropy, recorded in :attr:`provenance_`.
    """

    def __init__(self, *, n_chains: int = 4, n_walkers: int | None = None, n_tune: int = 400, n_draws: int = 400,
                 thin: int = 2, priors: Priors | None = None, vaf_concentration: float = 1000.0,
                 marker_sigma: float = 0.25, imaging_nu: float | None = None, imaging_target: str | None = None,
                 resistance_targets: Sequence[str] | None = None, default_depth: int = 1000,
                 forecast_days: float = 365.0, random_state: SeedLike = None, kill_decel: bool = True,
                 init: str = "pooled_modes", forecast_discrepancy: float | None = None) -> None:
        self.forecast_discrepancy = forecast_discrepancy
        self.kill_decel = kill_decel
        self.init = init
        self.n_chains = n_chains
        self.n_walkers = n_walkers
        self.n_tune = n_tune
        self.n_draws = n_draws
        self.thin = thin
        self.priors = priors
        self.vaf_concentration = vaf_concentration
        self.marker_sigma = marker_sigma
        self.imaging_nu = imaging_nu
        self.imaging_target = imaging_target
        self.resistance_targets = resistance_targets
        self.default_depth = default_depth
        self.forecast_days = forecast_days
        self.random_state = random_state

    # ----------------------------------------------------------------------------------------- fit
    def _check_settings(self) -> None:
        for name in ("n_chains", "n_tune", "n_draws", "thin"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise OncoresistError(f"{name} must be a positive integer, got {value!r}")
        if self.n_walkers is not None and self.n_walkers < 4:
            raise OncoresistError(f"n_walkers must be at least 4, got {self.n_walkers}")
        if self.forecast_days <= 0:
            raise OncoresistError(f"forecast_days must be positive, got {self.forecast_days}")
        tau = self.forecast_discrepancy
        if tau is not None and not (isinstance(tau, int | float) and math.isfinite(tau) and tau >= 0.0):
            raise OncoresistError(f"forecast_discrepancy must be a non-negative number (per √day), got "
                                  f"{self.forecast_discrepancy!r}")
        if self.init not in INIT_CHOICES:
            raise OncoresistError(f"init must be one of {', '.join(INIT_CHOICES)}, got {self.init!r}")

    def fit(self, series: Series) -> ResistanceFitter:
        """Sample the posterior for ``series``; returns ``self``.

        BLAS runs single-threaded during the fit: the arrays are small, and multi-threaded BLAS calls
        (SciPy's L-BFGS-B) spin on a loaded machine (4× slower measured at load 7 on 2 cores).
        """
        with threadpool_limits(limits=1):
            return self._fit(series)

    def _fit(self, series: Series) -> ResistanceFitter:
        self._check_settings()
        started = time.perf_counter()
        prep = prepare(series, imaging_target=self.imaging_target, resistance_targets=self.resistance_targets,
                       default_depth=self.default_depth)
        priors = self.priors or Priors.from_population()
        post = build_posterior(prep, priors, vaf_concentration=self.vaf_concentration,
                               marker_sigma=self.marker_sigma, imaging_nu=self.imaging_nu,
                               kill_decel=self.kill_decel)
        ss = as_seed_sequence(self.random_state)
        self.random_state_ = ss
        children = ss.spawn(self.n_chains + 2)
        self._forecast_seed = children[-1]
        rng0 = np.random.default_rng(children[0])
        ndim = post.ndim
        nw = self.n_walkers or max(24, 4 * ndim + 4)
        nw += nw % 2  # an even number: each half of the red-blue split holds nw/2 walkers of every ensemble
        # start each chain at its own local mode (from a prior draw), then jitter: distinct starts make R-hat meaningful
        starts = post.draw_prior(rng0, 8 * self.n_chains)
        lp0 = post(starts)
        order = np.argsort(-lp0)
        first = [starts[idx] for idx in order[: self.n_chains]]
        if self.init == "pooled_modes" and post.has_decel:
            # the same starts with little deceleration (prior median − 2 log-sd: near-exponential regrowth), a
            # mode that starts drawn around the prior's deceleration can miss; the n_chains best modes are kept
            assert priors.decel_median is not None
            low = math.log(priors.decel_median) - 2.0 * priors.decel_log_sd
            extra = [x.copy() for x in first]
            for x in extra:
                x[len(CORE_PARAMS)] = low
            first = first + extra
        modes, mode_lp = [], []
        for x0 in first:
            res = minimize(_negative_with_gradient(post), x0, jac=True, method="L-BFGS-B",
                           bounds=post.bounds(), options={"maxiter": 200})
            m = res.x if np.isfinite(post(res.x[None, :])[0]) else x0
            modes.append(m)
            mode_lp.append(float(post(m[None, :])[0]))
        keep = np.argsort(-np.nan_to_num(np.array(mode_lp), nan=-np.inf), kind="stable")[: self.n_chains]
        modes = [modes[i] for i in sorted(keep)]
        # the chains are independent ensembles of nw walkers each, advanced together by one emcee sampler whose
        # stretch move pairs every walker only with walkers of its own ensemble (_SubEnsembleStretch): one
        # vectorised likelihood call per half-step for all chains
        p0 = np.empty((self.n_chains * nw, ndim))
        for c in range(self.n_chains):
            rng = np.random.default_rng(children[c + 1])
            if self.init == "pooled_modes":  # walker i of ensemble c around mode (i + c) mod n_chains
                centre = np.array([modes[(i + c) % self.n_chains] for i in range(nw)])
            else:
                centre = np.repeat(modes[c][None, :], nw, axis=0)
            scale = post.init_scale(modes[c])
            p0c = centre + scale * rng.standard_normal((nw, ndim))
            for shrink in (0.5, 0.25, 0.1, 0.05, 0.01):  # walkers outside the prior's support: redraw closer in
                bad = ~np.isfinite(post(p0c))
                if not bad.any():
                    break
                p0c[bad] = centre[bad] + shrink * scale * rng.standard_normal((int(bad.sum()), ndim))
            bad = ~np.isfinite(post(p0c))
            p0c[bad] = centre[bad]
            p0[c * nw:(c + 1) * nw] = p0c
        sampler = emcee.EnsembleSampler(self.n_chains * nw, ndim, post, vectorize=True,
                                        moves=[(_SubEnsembleStretch(self.n_chains, nw), 0.8),
                                               (_SubEnsembleDE(self.n_chains, nw), 0.2)])
        # emcee draws its moves from a legacy RandomState; give it one seeded from the fit's stream
        sampler._random = np.random.RandomState(int(np.random.default_rng(children[1]).integers(2**31)))
        sampler.run_mcmc(p0, self.n_tune + self.n_draws, progress=False, skip_initial_state_check=True)
        full = sampler.get_chain(discard=self.n_tune, thin=self.thin)  # (draws, C·walkers, ndim), internal scale
        full_lp = sampler.get_log_prob(discard=self.n_tune, thin=self.thin)
        unthinned = sampler.get_chain(discard=self.n_tune)
        chains, lps, acc, taus = [], [], [], []
        emcee_log = logging.getLogger("emcee")
        level = emcee_log.level
        emcee_log.setLevel(logging.ERROR)  # the short-chain caveat is reported through R-hat/ESS warnings
        try:
            for c in range(self.n_chains):
                sl = slice(c * nw, (c + 1) * nw)
                # one chain per ensemble, its draws ordered step by step (all walkers of a step, then the next step)
                chains.append(post.natural(full[:, sl].reshape(-1, ndim)))  # reported on the natural scale
                lps.append(full_lp[:, sl].reshape(-1))
                acc.append(float(np.mean(sampler.acceptance_fraction[sl])))
                # integrated autocorrelation time per parameter, in steps (emcee's estimator; a lower bound when short)
                taus.append(np.asarray(emcee.autocorr.integrated_time(unthinned[:, sl], quiet=True), dtype=float))
        finally:
            emcee_log.setLevel(level)
        samples = np.stack(chains, axis=0)  # (n_chains, kept steps · walkers, ndim)
        self.prepared_ = prep
        self.posterior_obj_ = post
        self.samples_ = samples
        self.log_prob_ = np.stack(lps, axis=0)
        self.acceptance_fraction_ = float(np.mean(acc))
        self.autocorr_time_ = dict(zip(post.names, np.max(taus, axis=0).tolist(), strict=True))
        # effective draws: per ensemble, walkers × kept steps / τ
        self._ess_emcee = np.sum([nw * self.n_draws / np.maximum(t, 1.0) for t in taus], axis=0)
        self.param_names_ = post.names
        flat = samples.reshape(-1, ndim)
        self.posterior_ = pd.DataFrame(flat, columns=post.names)
        self._diagnostics()
        self._forecast_progression(rng0)
        self.fit_seconds_ = time.perf_counter() - started
        self.provenance_ = {
            "software": {"name": "oncoresist", "version": __version__, "emcee": emcee.__version__},
            "model": "resistance (sensitive + resistant mean field)",
            "seed": seed_record(ss),
            "imaging_errors": "normal" if self.imaging_nu is None else f"student-t (nu = {self.imaging_nu:g})",
            "kill_decelerates": bool(self.kill_decel and post.has_decel),
            "forecast_discrepancy_per_sqrt_day": self.discrepancy_,
            "sampler": {"name": "emcee.EnsembleSampler", "n_chains": self.n_chains, "n_walkers": nw,
                        "n_tune": self.n_tune, "n_draws": self.n_draws, "thin": self.thin, "init": self.init},
            "priors": priors.__dict__,
            "patient_id": series.patient_id,
            "imaging_track": {"kind": prep.imaging_kind.value, "target": prep.imaging_target},
            "ctdna_tracks": {t: ("resistance" if r else "truncal")
                             for t, r in zip(prep.vaf_targets, prep.vaf_resistant, strict=True)},
            "fit_seconds": round(self.fit_seconds_, 3),
        }
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "samples_"):
            raise FitNotReadyError("call fit(series) first")

    # ---------------------------------------------------------------------------------- diagnostics
    def _diagnostics(self) -> None:
        import arviz as az  # deferred: arviz prints a FutureWarning on import and is slow to load

        # chains = the independent ensembles; ArviZ's split-R-hat compares the ensembles and the halves of each
        # run. ESS is emcee's (walkers × kept steps / integrated autocorrelation time, summed over ensembles):
        # ArviZ's ESS on step-major draws would count the walkers of one step as independent draws.
        post = {n: self.samples_[:, :, i] for i, n in enumerate(self.param_names_)}
        loglik = self.posterior_obj_.pointwise(self.samples_.reshape(-1, self.samples_.shape[2]))
        loglik = loglik.reshape(self.samples_.shape[0], self.samples_.shape[1], -1)
        self.idata_ = az.from_dict(posterior=post, log_likelihood={"y": loglik},
                                   attrs={"inference_library": "emcee", "inference_library_version": emcee.__version__})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rhat = az.rhat(self.idata_)
            try:
                loo = az.loo(self.idata_)
                self.loo_: dict[str, float | str] = {
                    "elpd_loo": float(loo.elpd_loo), "se": float(loo.se), "p_loo": float(loo.p_loo),
                    "pareto_k_max": float(np.max(loo.pareto_k))}
            except (ValueError, TypeError, FloatingPointError) as exc:  # LOO failing is reported, not fatal
                self.loo_ = {"error": str(exc)}
        self.rhat_ = {n: float(rhat[n]) for n in self.param_names_}
        self.ess_ = {n: float(e) for n, e in zip(self.param_names_, self._ess_emcee, strict=True)}
        flat = self.samples_.reshape(-1, self.samples_.shape[2])
        q = np.quantile(flat, [0.05, 0.5, 0.95], axis=0)
        summ = pd.DataFrame({"mean": flat.mean(axis=0), "sd": flat.std(axis=0, ddof=1), "q5%": q[0], "median": q[1],
                             "q95%": q[2], "r_hat": [self.rhat_[n] for n in self.param_names_],
                             "ess": [self.ess_[n] for n in self.param_names_],
                             "autocorr_steps": [self.autocorr_time_[n] for n in self.param_names_]},
                            index=self.param_names_)
        self._summary = summ
        self.warnings_ = []
        worst = max(self.rhat_.values())
        if not worst < RHAT_WARN:
            self.warnings_.append(f"R-hat {worst:.3f} ≥ {RHAT_WARN}: chains disagree; increase n_tune/n_draws")
        low = min(self.ess_.values())
        if not low > ESS_WARN:
            self.warnings_.append(f"ESS {low:.0f} ≤ {ESS_WARN:.0f}: too few effective draws")
        for w in self.warnings_:
            warnings.warn(w, RuntimeWarning, stacklevel=3)

    @property
    def summary(self) -> pd.DataFrame:
        """Posterior mean, sd, 5%/50%/95% quantiles, R-hat, ESS and autocorrelation time per parameter."""
        self._check_fitted()
        return self._summary

    def print_summary(self) -> None:
        print(self.summary.to_string())

    # ------------------------------------------------------------------------------------ forecast
    def _trajectories(self, times: np.ndarray, draws: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        pr = self.prepared_
        on, off = exposure(times, pr.t0, pr.treatments)
        lo, hi = on_bounds(times, pr.t0, pr.treatments)
        lx, lres = self.posterior_obj_.burden(draws, on, off, lo, hi)
        return np.exp(np.minimum(draws[:, [0]] + lx / 3.0, 30.0)), np.exp(lres)

    def _draws(self, n: int, rng: np.random.Generator) -> np.ndarray:
        flat = self.samples_.reshape(-1, self.samples_.shape[2])
        return flat[rng.choice(flat.shape[0], size=min(n, flat.shape[0]), replace=False)]

    def _forecast_progression(self, rng: np.random.Generator) -> None:
        pr = self.prepared_
        t_last = pr.last_time
        grid = np.arange(pr.t0, t_last + self.forecast_days + 1.0, 1.0)
        draws = self._draws(2000, rng)
        diam, _ = self._trajectories(grid, draws)
        tp = recist_progression_time(grid, diam, t_last)
        after = tp - t_last
        hit = np.isfinite(after)
        q = np.nanquantile(after, [0.05, 0.5, 0.95]) if hit.any() else [math.nan] * 3
        # the median is only defined when more than half of the draws progress within the horizon
        self.progression_ = {
            "from_day": t_last, "horizon_days": self.forecast_days,
            "p_progression_by_horizon": float(hit.mean()),
            "median_days": float(np.nanmedian(np.where(hit, after, np.inf))) if hit.mean() > 0.5 else None,
            "interval_90_days_among_progressing": [float(q[0]), float(q[2])] if hit.any() else None,
        }
        self._progression_draws = after

    def p_progression_before(self, day: float) -> float:
        """Posterior probability of RECIST progression before ``day`` (series time axis)."""
        self._check_fitted()
        after = self._progression_draws
        return float(np.mean(np.isfinite(after) & (after + self.prepared_.last_time < day)))

    @property
    def discrepancy_(self) -> float:
        """The forecast discrepancy τ in use (``forecast_discrepancy``, or the shipped value when None)."""
        tau = self.forecast_discrepancy
        return shipped_discrepancy() if tau is None else float(tau)

    def forecast_draws(self, times: Sequence[float] | np.ndarray, *, n_draws: int = 2000,
                       rng: np.random.Generator | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Posterior draws of the noise-free imaging diameter (mm) at ``times``, (n_draws, T), and of the
        noise cv, (n_draws,) (for calibration, :mod:`oncoresist.fit.calibration`)."""
        self._check_fitted()
        rng = rng if rng is not None else np.random.default_rng(self._forecast_seed)
        draws = self._draws(n_draws, rng)
        diam, _ = self._trajectories(np.asarray(times, dtype=float), draws)
        return diam, draws[:, 4].copy()

    def forecast(self, times: Sequence[float] | np.ndarray, *, n_draws: int = 2000,
                 quantiles: Sequence[float] = (0.05, 0.5, 0.95)) -> pd.DataFrame:
        """Posterior-predictive quantiles of the imaging measurement (mm of diameter) at ``times``.

        Columns: ``time_days``, ``q<quantile>`` (with measurement noise and, when ``forecast_discrepancy`` > 0,
        the model discrepancy), ``true_median`` (median of the model's noise-free diameter, before the
        discrepancy) and ``resistant_share_median``. Uses a generator spawned from the fit's seed, so the
        same fit gives the same bands.
        """
        self._check_fitted()
        rng = np.random.default_rng(self._forecast_seed)
        t = np.asarray(times, dtype=float)
        draws = self._draws(n_draws, rng)
        diam, share = self._trajectories(t, draws)
        eps = (rng.standard_normal(diam.shape) if self.imaging_nu is None
               else rng.standard_t(self.imaging_nu, size=diam.shape))
        true_median = np.median(diam, axis=0)
        tau = self.discrepancy_
        if tau > 0.0:  # model discrepancy: a random walk of log D from the last measurement
            horizon = np.sqrt(np.clip(t - self.prepared_.last_time, 0.0, None))
            diam = diam * np.exp(tau * horizon[None, :] * rng.standard_normal(diam.shape))
        sd = np.sqrt((draws[:, [4]] * diam) ** 2 + IMAGING_SD_MM**2)
        noisy = np.maximum(diam + sd * eps, 0.0)
        noisy = np.where(diam < DETECTION_LIMIT_MM, np.where(noisy < DETECTION_LIMIT_MM, 0.0, noisy), noisy)
        out = {"time_days": t}
        for q in quantiles:
            out[f"q{q:g}"] = np.quantile(noisy, q, axis=0)
        out["true_median"] = true_median
        out["resistant_share_median"] = np.median(share, axis=0)
        return pd.DataFrame(out)

    def plot_forecast(self, ax: Any = None, *, days: float | None = None) -> Any:
        """Observations, posterior median and 90% predictive band of the imaging track; returns the axes."""
        import matplotlib.pyplot as plt

        self._check_fitted()
        pr = self.prepared_
        if ax is None:
            _, ax = plt.subplots(figsize=(6, 3.5))
        grid = np.linspace(pr.t0, pr.last_time + (days if days is not None else self.forecast_days), 200)
        fc = self.forecast(grid)
        ax.fill_between(fc["time_days"], fc["q0.05"], fc["q0.95"], alpha=0.25, label="90% predictive band")
        ax.plot(fc["time_days"], fc["q0.5"], lw=1.5, label="posterior-predictive median")
        ax.plot(pr.img_t, pr.img_d, "ko", ms=4, label="measured")
        ax.axvline(pr.last_time, color="grey", ls=":", lw=1)
        ax.set_xlabel("days")
        ax.set_ylabel(f"{pr.imaging_kind.value.replace('_', ' ')} (mm)")
        ax.legend(fontsize=8)
        return ax
