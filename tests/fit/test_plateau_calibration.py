"""The plateau prior factor (``fit.plateau``) and the forecast discrepancy (``fit.calibration``).

Both estimators are checked on data simulated with a known answer: series drawn from the joint prior with
a known plateau factor Normal(P; μ, σ) (rejection sampling from the independent priors, an answer that does
not come from the estimator), and left-out measurements drawn with a known random-walk discrepancy τ.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from oncoresist.errors import OncoresistError
from oncoresist.fit import Measurement, MeasurementKind, Series, TreatmentPeriod
from oncoresist.fit.bayes import Priors, ResistanceFitter
from oncoresist.fit.calibration import LeftOut, calibrate_discrepancy, coverage
from oncoresist.fit.plateau import plateau_data, plateau_prior, prior_predictive_check, with_plateau
from oncoresist.fit.resistance import exposure, log_burden, on_bounds, resistant_plateau

BASE = Priors(kill_median=0.0125, kill_log_sd=1.75, growth_median=0.00826, growth_log_sd=1.47,
              decel_median=0.0233, decel_log_sd=2.18)
TIMES = np.array([0.0, 56.0, 112.0, 168.0, 224.0, 280.0])


def _joint_draws(rng: np.random.Generator, n: int, mu: float, sd: float) -> dict[str, np.ndarray]:
    """Draws of the independent priors accepted with probability exp(−(P − μ)²/2σ²): the joint prior."""
    out: dict[str, list[np.ndarray]] = {k: [] for k in ("log10_rho", "kill", "growth", "decel")}
    got = 0
    while got < n:
        m = 20 * n
        th = {"log10_rho": rng.uniform(BASE.log10_rho_low, 0.0, m),
              "kill": np.exp(rng.normal(math.log(BASE.kill_median), BASE.kill_log_sd, m)),
              "growth": np.exp(rng.normal(math.log(BASE.growth_median), BASE.growth_log_sd, m)),
              "decel": np.exp(rng.normal(math.log(BASE.decel_median or 1.0), BASE.decel_log_sd, m))}
        p = resistant_plateau(th["log10_rho"], th["growth"], th["decel"])
        ok = rng.uniform(size=m) < np.exp(-0.5 * ((p - mu) / sd) ** 2)
        for k in out:
            out[k].append(th[k][ok])
        got += int(ok.sum())
    return {k: np.concatenate(v)[:n] for k, v in out.items()}


def _simulated_series(rng: np.random.Generator, n: int, mu: float, sd: float) -> list[Series]:
    th = _joint_draws(rng, n, mu, sd)
    tr = [TreatmentPeriod(drug="drug", start_days=0.0)]
    on, off = exposure(TIMES, 0.0, tr)
    lo, hi = on_bounds(TIMES, 0.0, tr)
    lx, _ = log_burden(th["log10_rho"], th["kill"], th["growth"], on, off, decel=th["decel"], on_lo=lo, on_hi=hi,
                       kill_decel=True)
    out = []
    for i in range(n):
        d = 30.0 * np.exp(np.minimum(lx[i], 9.0) / 3.0)
        obs = np.maximum(d + np.sqrt((0.1 * d) ** 2 + 1.0) * rng.standard_normal(d.size), 6.0)
        ms = [Measurement(time_days=float(t), kind=MeasurementKind.lesion_diameter, value=float(v))
              for t, v in zip(TIMES, obs, strict=True)]
        out.append(Series(patient_id=f"s{i}", measurements=ms, treatments=tr))
    return out


def test_plateau_factor_is_recovered_from_series_simulated_with_it() -> None:
    rng = np.random.default_rng(3)
    series = _simulated_series(rng, 400, mu=1.0, sd=0.7)
    data = plateau_data(series, base=BASE, n_draws=12000, seed=5)
    mu, sd, record = plateau_prior(data)
    assert abs(mu - 1.0) < 0.45, (mu, sd)
    assert record["log_marginal"] > record["log_marginal_independent"]
    # the prior-predictive check: the fitted factor is calibrated, the independent priors put too much mass on
    # explosive growth (their 99th percentile of the log change lies far above the observed one)
    check = prior_predictive_check(data, mu, sd)
    assert check["share_above_95pct"] < 0.1 and check["share_below_5pct"] < 0.1
    indep = prior_predictive_check(data, None)
    assert indep["pred_q99_change"] > check["pred_q99_change"] + 1.0


def test_plateau_arguments_are_checked() -> None:
    one = _simulated_series(np.random.default_rng(1), 1, 1.0, 1.0)
    with pytest.raises(OncoresistError, match="at least 10"):
        plateau_data(one * 5, base=BASE)
    with pytest.raises(OncoresistError, match="decel_median"):
        plateau_data(one * 20, base=Priors(kill_median=0.01, kill_log_sd=1.0, growth_median=0.01, growth_log_sd=1.0))
    with pytest.raises(OncoresistError, match="n_draws"):
        plateau_data(one * 20, base=BASE, n_draws=10)


def _left_out(rng: np.random.Generator, tau: float, n: int) -> list[LeftOut]:
    items = []
    for i in range(n):
        h = float(rng.uniform(30.0, 120.0))
        d = float(rng.uniform(15.0, 60.0))
        true = d * np.exp(0.02 * rng.standard_normal(800))  # a narrow posterior around d
        cv = np.full(800, 0.05)
        obs = d * math.exp(tau * math.sqrt(h) * rng.standard_normal()) * (1 + 0.05 * rng.standard_normal())
        items.append(LeftOut(f"l{i}", float(obs), h, true, cv))
    return items


def test_discrepancy_is_recovered_and_too_narrow_bands_are_widened() -> None:
    items = _left_out(np.random.default_rng(11), tau=0.02, n=600)
    assert coverage(items, 0.0) < 0.8  # the measurement noise alone is too narrow for these points
    tau, record = calibrate_discrepancy(items, seed=2)
    assert 0.014 < tau < 0.027, tau
    assert abs(record["coverage"] - 0.9) < 0.02
    calm = _left_out(np.random.default_rng(12), tau=0.0, n=300)
    tau0, _ = calibrate_discrepancy(calm, seed=2)
    assert tau0 < 0.006
    with pytest.raises(OncoresistError, match="level"):
        calibrate_discrepancy(items, level=1.5)
    with pytest.raises(OncoresistError, match="at least 10"):
        calibrate_discrepancy(items[:3])


def _steep_three_points() -> Series:
    ms = [Measurement(time_days=t, kind=MeasurementKind.lesion_diameter, value=v)
          for t, v in ((0.0, 20.0), (42.0, 16.0), (84.0, 27.0))]
    return Series(patient_id="steep", measurements=ms)


def test_plateau_factor_caps_a_three_point_extrapolation_and_discrepancy_widens_bands() -> None:
    fast = {"n_chains": 2, "n_tune": 200, "n_draws": 200, "random_state": 4}
    base = Priors.from_population(plateau=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        free = ResistanceFitter(priors=base, **fast).fit(_steep_three_points())
        capped = ResistanceFitter(priors=with_plateau(base, 1.0, 0.7), **fast).fit(_steep_three_points())
    far = [400.0]
    assert capped.forecast(far)["q0.95"].iloc[0] < free.forecast(far)["q0.95"].iloc[0]
    p_free = resistant_plateau(free.posterior_["log10_rho"], free.posterior_["growth"], free.posterior_["decel"])
    p_cap = resistant_plateau(capped.posterior_["log10_rho"], capped.posterior_["growth"], capped.posterior_["decel"])
    assert np.quantile(p_cap, 0.95) < np.quantile(p_free, 0.95)
    # the discrepancy widens the bands after the last measurement and leaves the posterior alone
    narrow = capped.forecast([84.0, 200.0])
    capped.forecast_discrepancy = 0.03
    wide = capped.forecast([84.0, 200.0])
    assert (wide["q0.95"] - wide["q0.05"]).iloc[1] > (narrow["q0.95"] - narrow["q0.05"]).iloc[1] * 1.2
    assert wide["true_median"].equals(narrow["true_median"])
    with pytest.raises(OncoresistError, match="forecast_discrepancy"):
        ResistanceFitter(forecast_discrepancy=-0.1).fit(_steep_three_points())
