"""The resistance-aware Bayesian fit: seeds, settings, information from ctDNA, and recovery.

The recovery test simulates series with the engine's mean field (``engine="ode"``, the compiled
two-type scenario solved by LSODA, an implementation independent of the fitter's closed form) from
parameters drawn from the priors, adds imaging noise, and checks that the 90% central posterior
intervals cover the true kill and growth rates at the nominal rate.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy.stats import binomtest

from oncoresist.engine.simulate import simulate
from oncoresist.errors import OncoresistError
from oncoresist.fit import Measurement, MeasurementKind, Series, SeriesError, TreatmentPeriod
from oncoresist.fit.bayes import Priors, ResistanceFitter

FAST = {"n_chains": 2, "n_tune": 150, "n_draws": 150}
VISITS = np.array([-7.0, 42, 84, 126, 168, 210, 252, 294])
LEAD = 14.0  # engine day 0 = series day -14; the drug starts at series day 0


def _scenario(rho: float, kill: float, growth: float, *, n: float = 1e9, birth: float = 0.05) -> dict:
    return {
        "name": "fit-recovery",
        "cell_types": [
            {"name": "sensitive", "initial": float(round(n * (1 - rho))), "birth": birth, "death": birth - growth},
            {"name": "resistant", "initial": float(max(round(n * rho), 1)), "birth": birth, "death": birth - growth,
             "pd": {"drug": {"emax": 0.0}}},
        ],
        "drugs": [{"name": "drug", "pk": {"model": "constant"},
                   "effect": {"acts_on": "death", "emax": growth + kill, "ec50": 1e-6}}],
        "treatment": [{"drug": "drug", "start": LEAD, "dose": 1.0}],
    }


def _engine_series(rho: float, kill: float, growth: float, rng: np.random.Generator, *, d0: float = 50.0,
                   cv: float = 0.1, vaf_depth: int | None = None) -> Series:
    res = simulate(_scenario(rho, kill, growth), t_end=float(VISITS[-1] + LEAD), times=VISITS + LEAD, engine="ode",
                   seed=0)
    counts = res.counts[0]
    total = counts.sum(axis=1)
    x = total / total[0] * (total[0] / 1e9)  # burden relative to the 1e9 cells at engine day 0
    d_true = d0 * np.cbrt(x / x[0])
    obs = np.maximum(d_true + np.sqrt((cv * d_true) ** 2 + 1.0) * rng.standard_normal(d_true.size), 0.0)
    ms = [Measurement(time_days=float(t), kind=MeasurementKind.sum_of_diameters, value=float(v))
          for t, v in zip(VISITS, obs, strict=True)]
    if vaf_depth:
        tf = 0.1 * (x / x[0]) / (1 + 0.1 * (x / x[0]))
        vaf = 0.5 * tf * counts[:, 1] / total
        reads = rng.binomial(vaf_depth, vaf)
        ms += [Measurement(time_days=float(t), kind=MeasurementKind.ctdna_vaf, value=r / vaf_depth,
                           target="EGFR C797S", depth=vaf_depth, below_detection=bool(r == 0))
               for t, r in zip(VISITS, reads, strict=True)]
        ms.sort(key=lambda m: m.time_days)
    return Series(patient_id="sim", measurements=ms, treatments=[TreatmentPeriod(drug="drug", start_days=0.0)])


def _quiet_fit(fitter: ResistanceFitter, series: Series) -> ResistanceFitter:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return fitter.fit(series)


def test_same_seed_same_posterior_other_seed_differs() -> None:
    s = _engine_series(1e-3, 0.03, 0.01, np.random.default_rng(5))
    a = _quiet_fit(ResistanceFitter(random_state=11, **FAST), s)
    b = _quiet_fit(ResistanceFitter(random_state=11, **FAST), s)
    c = _quiet_fit(ResistanceFitter(random_state=12, **FAST), s)
    np.testing.assert_array_equal(a.samples_, b.samples_)
    assert not np.array_equal(a.samples_, c.samples_)
    assert a.provenance_["seed"]["entropy"] == "11"
    pd_a = a.forecast([300.0, 400.0])
    pd_b = b.forecast([300.0, 400.0])
    assert pd_a.equals(pd_b)
    assert set(a.summary.index) == {"log_d0", "log10_rho", "kill", "growth", "noise_cv", "decel"}


def test_bad_settings_and_series() -> None:
    s = _engine_series(1e-3, 0.03, 0.01, np.random.default_rng(5))
    with pytest.raises(OncoresistError, match="n_chains must be a positive integer"):
        ResistanceFitter(n_chains=0).fit(s)
    psa_only = Series(patient_id="p", measurements=[
        Measurement(time_days=0, kind=MeasurementKind.psa, value=10.0),
        Measurement(time_days=30, kind=MeasurementKind.psa, value=5.0)])
    with pytest.raises(SeriesError, match="no imaging measurements"):
        ResistanceFitter(**FAST).fit(psa_only)
    with pytest.raises(OncoresistError, match="call fit"):
        _ = ResistanceFitter().summary


def test_regrowth_gives_higher_progression_probability_than_steady_response() -> None:
    rng = np.random.default_rng(3)
    regrowing = _engine_series(3e-2, 0.03, 0.012, rng, cv=0.05)
    responding = _engine_series(1e-6, 0.01, 0.004, rng, cv=0.05)
    p_re = _quiet_fit(ResistanceFitter(random_state=1, forecast_days=120, **FAST), regrowing).progression_
    p_ok = _quiet_fit(ResistanceFitter(random_state=1, forecast_days=120, **FAST), responding).progression_
    assert p_re["p_progression_by_horizon"] > 0.8
    assert p_ok["p_progression_by_horizon"] < p_re["p_progression_by_horizon"] - 0.3


def test_ctdna_of_the_resistance_mutation_narrows_the_resistant_fraction() -> None:
    s_img = _engine_series(1e-2, 0.03, 0.01, np.random.default_rng(8))
    s_both = _engine_series(1e-2, 0.03, 0.01, np.random.default_rng(8), vaf_depth=5000)
    a = _quiet_fit(ResistanceFitter(random_state=2, **FAST), s_img)
    b = _quiet_fit(ResistanceFitter(random_state=2, resistance_targets=["EGFR C797S"], **FAST), s_both)
    assert "logit_tf0" in b.summary.index
    assert b.provenance_["ctdna_tracks"] == {"EGFR C797S": "resistance"}
    assert b.posterior_["log10_rho"].std() < 0.8 * a.posterior_["log10_rho"].std()


def test_pooled_mode_starts_reach_the_same_posterior_and_bad_init_is_refused() -> None:
    rng = np.random.default_rng(5)
    s = _engine_series(1e-3, 0.03, 0.01, rng)
    own = _quiet_fit(ResistanceFitter(random_state=3, init="own_mode", **FAST), s)
    pooled = _quiet_fit(ResistanceFitter(random_state=3, init="pooled_modes", **FAST), s)
    assert pooled.provenance_["sampler"]["init"] == "pooled_modes"
    # same target (pooled also searches from low-deceleration starts, so it may find a mode own_mode misses):
    # medians agree within a posterior sd, and the pooled chains agree with each other
    for name in ("kill", "growth", "log_d0"):
        sd = own.posterior_[name].std()
        assert abs(pooled.posterior_[name].median() - own.posterior_[name].median()) < sd, name
    assert max(pooled.rhat_.values()) < 1.1
    with pytest.raises(OncoresistError, match="init must be one of"):
        ResistanceFitter(init="prior").fit(s)


def test_decelerating_kill_forecasts_a_flatter_response_than_the_exponential_kill() -> None:
    # a lesion shrinking steadily on drug: with a decelerating kill the forecast a year on stays nearer the last scan
    t = [0.0, 42.0, 84.0, 126.0]
    d = [60.0, 48.0, 40.0, 35.0]
    s = Series(patient_id="shrinking", measurements=[
        Measurement(time_days=ti, kind=MeasurementKind.lesion_diameter, value=di) for ti, di in zip(t, d, strict=True)])
    # the independent priors (no plateau factor): the claim is about the kill's shape, not the resistant plateau
    priors = Priors.from_population(plateau=False)
    fixed = _quiet_fit(ResistanceFitter(random_state=4, priors=priors, kill_decel=False, **FAST), s)
    dec = _quiet_fit(ResistanceFitter(random_state=4, priors=priors, kill_decel=True, **FAST), s)
    assert dec.provenance_["kill_decelerates"] and not fixed.provenance_["kill_decelerates"]
    far = [126.0 + 365.0]
    assert dec.forecast(far)["true_median"].iloc[0] > fixed.forecast(far)["true_median"].iloc[0]


@pytest.mark.slow
def test_posterior_intervals_cover_engine_truth_at_nominal_rate() -> None:
    """24 series, truths drawn from the priors (ρ from 1e-6 to 1e-2); 90% intervals; two-sided binomial α = 0.001."""
    priors = Priors(kill_median=0.02, kill_log_sd=0.5, growth_median=0.008, growth_log_sd=0.5, log10_rho_low=-6.0)
    rng = np.random.default_rng(20221)
    n = 24
    covered = {"kill": 0, "growth": 0, "log10_rho": 0}
    for i in range(n):
        truth = {"log10_rho": rng.uniform(-6.0, -2.0),
                 "kill": math.exp(rng.normal(math.log(priors.kill_median), priors.kill_log_sd)),
                 "growth": math.exp(rng.normal(math.log(priors.growth_median), priors.growth_log_sd))}
        s = _engine_series(10 ** truth["log10_rho"], truth["kill"], truth["growth"], rng)
        fit = _quiet_fit(ResistanceFitter(priors=priors, random_state=i, n_chains=2), s)
        for name in covered:
            lo, hi = np.quantile(fit.posterior_[name], [0.05, 0.95])
            covered[name] += int(lo <= truth[name] <= hi)
    for name in ("kill", "growth"):
        assert binomtest(covered[name], n, 0.9).pvalue > 0.001, (name, covered[name])
    # ρ's truths are drawn from a narrower range than its prior: intervals may only be conservative
    assert binomtest(covered["log10_rho"], n, 0.9, alternative="less").pvalue > 0.001, covered
