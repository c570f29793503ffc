"""The decelerating (Gompertz) growth of the resistance model, and the within-ensemble moves of the sampler.

The closed form is checked against a numerical solution of its ODE (SciPy ``solve_ivp``, independent of
the closed form) with a drug holiday, so that the growth clock off drug is exercised; the moves are
checked on a target whose moments are known.
"""

from __future__ import annotations

import emcee
import numpy as np
from scipy.integrate import solve_ivp

from oncoresist.fit.bayes import _SubEnsembleDE, _SubEnsembleStretch
from oncoresist.fit.resistance import exposure, log_burden, on_bounds
from oncoresist.fit.series import TreatmentPeriod

TREAT = [TreatmentPeriod(drug="x", start_days=0.0, stop_days=60.0), TreatmentPeriod(drug="x", start_days=120.0)]


def _ode_burden(rho: float, kill: float, growth: float, decel: float, t0: float, times: np.ndarray, *,
                kill_decel: bool = False) -> np.ndarray:
    def on(t: float) -> bool:
        return 0.0 <= t < 60.0 or t >= 120.0

    def rhs(t: float, y: np.ndarray) -> list[float]:
        clock = np.exp(-decel * (t - t0))
        rate = growth * clock
        s_rate = -kill * (clock if kill_decel else 1.0) if on(t) else rate
        return [s_rate * y[0], rate * y[1]]

    sol = solve_ivp(rhs, (t0, float(times[-1])), [1.0 - rho, rho], t_eval=times, rtol=1e-10, atol=1e-14,
                    max_step=1.0)
    return sol.y.sum(axis=0)


def test_gompertz_closed_form_matches_the_ode_with_a_drug_holiday() -> None:
    t0 = -10.0
    times = np.array([-10.0, 0.0, 30.0, 59.0, 90.0, 121.0, 200.0, 400.0])
    e_on, e_off = exposure(times, t0, TREAT)
    lo, hi = on_bounds(times, t0, TREAT)
    for rho, kill, growth, decel in [(1e-3, 0.03, 0.02, 0.01), (0.2, 0.01, 0.05, 0.05), (1e-5, 0.1, 0.01, 1e-4)]:
        lx, _ = log_burden(np.array([np.log10(rho)]), np.array([kill]), np.array([growth]), e_on, e_off,
                           decel=np.array([decel]), on_lo=lo, on_hi=hi)
        np.testing.assert_allclose(np.exp(lx[0]), _ode_burden(rho, kill, growth, decel, t0, times), rtol=1e-6)


def test_decelerating_kill_closed_form_matches_the_ode_with_a_drug_holiday() -> None:
    t0 = -10.0
    times = np.array([-10.0, 0.0, 30.0, 59.0, 90.0, 121.0, 200.0, 400.0])
    e_on, e_off = exposure(times, t0, TREAT)
    lo, hi = on_bounds(times, t0, TREAT)
    for rho, kill, growth, decel in [(1e-3, 0.03, 0.02, 0.01), (0.2, 0.01, 0.05, 0.05), (1e-5, 0.1, 0.01, 1e-4)]:
        lx, _ = log_burden(np.array([np.log10(rho)]), np.array([kill]), np.array([growth]), e_on, e_off,
                           decel=np.array([decel]), on_lo=lo, on_hi=hi, kill_decel=True)
        np.testing.assert_allclose(np.exp(lx[0]), _ode_burden(rho, kill, growth, decel, t0, times, kill_decel=True),
                                   rtol=1e-6)


def test_decelerating_kill_approaches_a_floor_instead_of_zero() -> None:
    times = np.array([0.0, 100.0, 1000.0, 5000.0])
    treat = [TreatmentPeriod(drug="x", start_days=0.0)]
    e_on, e_off = exposure(times, 0.0, treat)
    lo, hi = on_bounds(times, 0.0, treat)
    # no resistant growth to speak of (rho tiny, growth slow): the burden is the sensitive cells
    args = (np.array([-9.0]), np.array([0.05]), np.array([1e-6]), e_on, e_off)
    lx_fixed, _ = log_burden(*args, decel=np.array([0.01]), on_lo=lo, on_hi=hi)
    lx_dec, _ = log_burden(*args, decel=np.array([0.01]), on_lo=lo, on_hi=hi, kill_decel=True)
    # floor (1 - rho)·e^(-d/a) = e^(-5); the exponential kill would reach e^(-250) (below the resistant cells)
    np.testing.assert_allclose(lx_dec[0, -1], -5.0, atol=1e-3)
    assert lx_fixed[0, -1] < -20.0


def test_resistant_growth_saturates_and_vanishing_deceleration_is_exponential() -> None:
    times = np.array([0.0, 100.0, 1000.0, 5000.0])
    e_on, e_off = exposure(times, 0.0, [TreatmentPeriod(drug="x", start_days=0.0)])
    lo, hi = on_bounds(times, 0.0, [TreatmentPeriod(drug="x", start_days=0.0)])
    args = (np.array([-2.0]), np.array([0.05]), np.array([0.02]), e_on, e_off)
    lx_exp, _ = log_burden(*args)
    lx_tiny, _ = log_burden(*args, decel=np.array([1e-10]), on_lo=lo, on_hi=hi)
    np.testing.assert_allclose(lx_tiny, lx_exp, rtol=1e-6, atol=1e-9)
    lx_g, log_share = log_burden(*args, decel=np.array([0.01]), on_lo=lo, on_hi=hi)
    assert np.exp(log_share[0, -1]) > 0.999  # the plateau is all resistant cells
    # plateau: R → ρ·e^(g/a) = 0.01·e² (sensitive cells gone), instead of growing without bound
    np.testing.assert_allclose(np.exp(lx_g[0, -1]), 0.01 * np.exp(2.0), rtol=1e-3)
    assert lx_exp[0, -1] > 25.0  # exponential: log-burden at the model's cap of 30


def _gauss_logp(x: np.ndarray) -> np.ndarray:
    # correlated 3-D normal with means (1, -2, 0.5); the sampler must reproduce its moments
    cov = np.array([[1.0, 0.8, 0.0], [0.8, 1.0, 0.0], [0.0, 0.0, 0.04]])
    inv = np.linalg.inv(cov)
    d = x - np.array([1.0, -2.0, 0.5])
    return -0.5 * np.einsum("ij,jk,ik->i", d, inv, d)


def test_within_ensemble_moves_sample_a_known_target_and_keep_ensembles_apart() -> None:
    n_ens, nw, ndim = 3, 12, 3
    rng = np.random.default_rng(4)
    # ensembles start far apart; a walker paired outside its own ensemble would drag the others along
    p0 = np.concatenate([c + 0.01 * rng.standard_normal((nw, ndim)) for c in (0.0, 5.0, -5.0)])
    sampler = emcee.EnsembleSampler(n_ens * nw, ndim, _gauss_logp, vectorize=True,
                                    moves=[(_SubEnsembleStretch(n_ens, nw), 0.8), (_SubEnsembleDE(n_ens, nw), 0.2)])
    sampler._random = np.random.RandomState(5)
    first = sampler.run_mcmc(p0, 1, progress=False)
    # after one step every walker is still an affine combination of its own ensemble: near its start point
    for e, c in enumerate((0.0, 5.0, -5.0)):
        assert np.all(np.abs(first.coords[e * nw:(e + 1) * nw] - c) < 1.0)
    sampler.run_mcmc(None, 3000, progress=False)
    chain = sampler.get_chain(discard=1000)
    for e in range(n_ens):
        x = chain[:, e * nw:(e + 1) * nw].reshape(-1, ndim)
        np.testing.assert_allclose(x.mean(axis=0), [1.0, -2.0, 0.5], atol=0.15)
        np.testing.assert_allclose(np.cov(x.T)[[0, 0, 1, 2], [0, 1, 1, 2]], [1.0, 0.8, 1.0, 0.04], rtol=0.2)
