"""Empirical-Bayes population priors (``fit.population``).

The marginal-likelihood estimate is checked against the closed-form answer of the normal–normal
hierarchical model (θ_i ~ N(μ, τ²), y_i | θ_i ~ N(θ_i, s²): the maximum-likelihood μ̂ = mean y and
τ̂² = var y − s², James–Stein / Efron & Morris 1975), an answer that does not come from the code.
The slow test checks that the whole procedure narrows the spread of the population towards the
truth on series simulated from the model with a known population.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy import stats
from scipy.optimize import minimize

from oncoresist.errors import OncoresistError
from oncoresist.fit import Measurement, MeasurementKind, Series
from oncoresist.fit.bayes import Priors
from oncoresist.fit.population import _neg_marginal, empirical_bayes_priors
from oncoresist.fit.resistance import DETECTION_LIMIT_MM, IMAGING_SD_MM, exposure, imaging_loglik, log_burden, on_bounds
from oncoresist.fit.series import TreatmentPeriod

BASE = Priors(kill_median=0.01, kill_log_sd=1.5, growth_median=0.01, growth_log_sd=1.5, decel_median=0.01,
              decel_log_sd=1.5)


def test_importance_sampled_marginal_likelihood_finds_the_normal_normal_maximum() -> None:
    rng = np.random.default_rng(4)
    n, s, mu_true, tau_true = 400, 0.5, 1.0, 0.8
    y = rng.normal(rng.normal(mu_true, tau_true, n), s)
    mu0, sd0 = 0.0, 3.0  # a wide proposal prior
    post_var = 1.0 / (1.0 / sd0**2 + 1.0 / s**2)
    post_mean = post_var * (mu0 / sd0**2 + y / s**2)
    samples = [rng.normal(m, math.sqrt(post_var), (2000, 1)) for m in post_mean]
    log_q = [np.sum(-0.5 * ((th - mu0) / sd0) ** 2 - math.log(sd0), axis=1) for th in samples]
    res = minimize(_neg_marginal, np.array([0.0, 0.0]), args=(samples, log_q), method="Nelder-Mead")
    mu_hat, tau_hat = res.x[0], math.exp(res.x[1])
    assert mu_hat == pytest.approx(y.mean(), abs=0.03)
    assert tau_hat == pytest.approx(math.sqrt(y.var() - s**2), abs=0.05)


def test_bad_arguments_name_the_parameter() -> None:
    one = Series(patient_id="p", measurements=[
        Measurement(time_days=float(t), kind=MeasurementKind.lesion_diameter, value=v)
        for t, v in ((0, 30.0), (60, 25.0), (120, 27.0))])
    with pytest.raises(OncoresistError, match=r"base\.decel_median"):
        empirical_bayes_priors([one] * 20, base=Priors(kill_median=0.01, kill_log_sd=1.0, growth_median=0.01,
                                                       growth_log_sd=1.0))
    with pytest.raises(OncoresistError, match="at least 10"):
        empirical_bayes_priors([one] * 3, base=BASE)


def _simulated(rng: np.random.Generator, kill: float, growth: float, decel: float, cv: float) -> Series:
    t = np.array([0.0, 56, 112, 168, 224, 280])
    tr = [TreatmentPeriod(drug="x", start_days=0.0)]
    on, off = exposure(t, 0.0, tr)
    lo, hi = on_bounds(t, 0.0, tr)
    lx, _ = log_burden(np.array([rng.uniform(-3, -1)]), np.array([kill]), np.array([growth]), on, off,
                       decel=np.array([decel]), on_lo=lo, on_hi=hi)
    d = 40.0 * np.exp(lx[0] / 3.0)
    obs = np.maximum(d + np.sqrt((cv * d) ** 2 + 1.0) * rng.standard_normal(d.size), 1.0)
    return Series(patient_id="sim", measurements=[
        Measurement(time_days=float(ti), kind=MeasurementKind.lesion_diameter, value=float(v))
        for ti, v in zip(t, obs, strict=True)], treatments=tr)


@pytest.mark.slow
def test_population_spread_shrinks_towards_the_truth() -> None:
    """60 series from a population with log-sd 0.3 of kill and growth; the first proposal has 1.5.

    The estimate must move most of the way: below 0.8 for both, and the medians within a factor 2."""
    rng = np.random.default_rng(11)
    series = [_simulated(rng, math.exp(rng.normal(math.log(0.02), 0.3)), math.exp(rng.normal(math.log(0.01), 0.3)),
                         0.005, 0.05) for _ in range(60)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        pri, rec = empirical_bayes_priors(series, base=BASE, rounds=4, seed=3)
    assert pri.kill_log_sd < 0.8 and pri.growth_log_sd < 0.8, rec["history"]
    assert 0.01 < pri.kill_median < 0.04 and 0.005 < pri.growth_median < 0.02, rec["history"]


def test_student_t_imaging_likelihood_matches_scipy() -> None:
    """The robust observation model is the Student-t density (and CDF below the detection limit) of scipy.stats."""
    lx = np.array([[0.0, -0.3, 0.2, -6.0]])
    d_obs = np.array([30.0, 22.0, 41.0, 0.0])
    censored = np.array([False, False, False, True])
    got = imaging_loglik(lx, np.array([math.log(30.0)]), np.array([0.1]), d_obs, censored, nu=4.0)[0]
    dtrue = 30.0 * np.exp(lx[0] / 3.0)
    sd = np.sqrt((0.1 * dtrue) ** 2 + IMAGING_SD_MM**2)
    want = stats.t.logpdf(d_obs, 4.0, loc=dtrue, scale=sd)
    want[3] = stats.t.logcdf(DETECTION_LIMIT_MM, 4.0, loc=dtrue[3], scale=sd[3])
    np.testing.assert_allclose(got, want, rtol=1e-10)
    normal = imaging_loglik(lx, np.array([math.log(30.0)]), np.array([0.1]), d_obs, censored)[0]
    np.testing.assert_allclose(normal[:3], stats.norm.logpdf(d_obs[:3], loc=dtrue[:3], scale=sd[:3]), rtol=1e-10)
