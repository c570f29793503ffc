"""PK closed forms against numerical integration; accumulation; exact concentration range."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from oncoresist.engine import Simulator
from oncoresist.model.pk import (
    IV_BOLUS,
    ORAL,
    accumulation_factor,
    conc_after,
    conc_range,
    repeated_dose_concentration,
)

KA, CL, V, F = 3.0, 20.0, 50.0, 0.8
KE = CL / V


def numeric_oral(t_eval: np.ndarray, dose: float, tau: float, n: int) -> np.ndarray:
    """Integrate dA/dt = −ka·A, dC/dt = ka·A/V − k·C dose by dose."""
    out = np.empty_like(t_eval)
    y = np.zeros(2)
    for i in range(n):
        y[0] += F * dose
        seg = t_eval[(t_eval >= i * tau) & (t_eval < (i + 1) * tau)]
        sol = solve_ivp(
            lambda _t, z: [-KA * z[0], KA * z[0] / V - KE * z[1]],
            (i * tau, (i + 1) * tau), y, t_eval=seg, rtol=1e-11, atol=1e-13, method="DOP853",
        )  # fmt: skip
        out[(t_eval >= i * tau) & (t_eval < (i + 1) * tau)] = sol.y[1]
        y = solve_ivp(lambda _t, z: [-KA * z[0], KA * z[0] / V - KE * z[1]], (i * tau, (i + 1) * tau), y,
                      rtol=1e-11, atol=1e-13, method="DOP853").y[:, -1]  # fmt: skip
    return out


def test_repeated_oral_closed_form_matches_numerical_ode() -> None:
    t = np.linspace(0, 9.99, 400)
    closed = repeated_dose_concentration(t, dose=100, interval=1.0, model="oral", ka=KA, clearance=CL,
                                         volume=V, bioavailability=F)  # fmt: skip
    np.testing.assert_allclose(closed, numeric_oral(t, 100, 1.0, 10), rtol=1e-7, atol=1e-10)


def test_simulator_pk_matches_closed_form() -> None:
    sc = {
        "cell_types": [{"name": "A", "initial": 1, "birth": 0, "death": 0}],
        "drugs": [{"name": "x", "pk": {"model": "oral", "ka": KA, "clearance": CL, "volume": V,
                                       "bioavailability": F}, "effect": {"emax": 0}}],
        "treatment": [{"drug": "x", "start": 0, "dose": 100, "interval": 1.0}],
    }  # fmt: skip
    times = np.linspace(0.0, 9.9, 100)
    res = Simulator(sc, engine="ode", times=times, seed=1)
    res.advance(9.9)
    got = res.result().concentrations[0, :, 0]
    # the simulator records before a dose due at the same time: shift integer times back
    want = repeated_dose_concentration(times - 1e-12, dose=100, interval=1.0, model="oral", ka=KA, clearance=CL,
                                       volume=V, bioavailability=F)  # fmt: skip
    np.testing.assert_allclose(got, want, rtol=1e-8, atol=1e-12)


def test_steady_state_accumulation_factor() -> None:
    tau = 0.5
    single = repeated_dose_concentration(np.array([0.3]), dose=10, interval=tau, model="iv_bolus",
                                         clearance=CL, volume=V, n_doses=1)  # fmt: skip
    steady = repeated_dose_concentration(np.array([200 * tau + 0.3]), dose=10, interval=tau, model="iv_bolus",
                                         clearance=CL, volume=V)  # fmt: skip
    assert steady[0] / single[0] == pytest.approx(accumulation_factor(KE, tau), rel=1e-10)
    assert accumulation_factor(KE, tau) == pytest.approx(1 / (1 - math.exp(-KE * tau)))


@pytest.mark.parametrize("model", [ORAL, IV_BOLUS])
@pytest.mark.parametrize(("depot", "c0"), [(10.0, 0.0), (10.0, 0.5), (0.0, 1.0), (50.0, 2.0)])
def test_concentration_range_is_exact(model: int, depot: float, c0: float) -> None:
    for ka in (3.0, KE, 0.1):
        for s0, s1 in [(0.0, 0.25), (0.0, 5.0), (0.2, 0.6), (1.0, 3.0)]:
            lo, hi = conc_range(model, ka, KE, V, depot, c0, s0, s1)
            grid = [conc_after(model, ka, KE, V, depot, c0, s) for s in np.linspace(s0, s1, 4001)]
            assert lo == pytest.approx(min(grid), rel=1e-12)
            assert hi >= max(grid) * (1 - 1e-12)
            assert hi == pytest.approx(max(grid), rel=1e-5)


def test_between_patient_variability_is_lognormal() -> None:
    sc = {
        "cell_types": [{"name": "A", "initial": 1, "birth": 0, "death": 0}],
        "drugs": [{"name": "x", "pk": {"model": "oral", "clearance": CL, "volume": V, "cv_clearance": 0.4},
                   "effect": {"emax": 0}}],
    }  # fmt: skip
    sim = Simulator(sc, engine="ode", n_replicates=4000, seed=3)
    cl = sim._pkp[:, 0, 2] * sim._pkp[:, 0, 3]
    w = math.sqrt(math.log1p(0.4**2))
    assert np.median(cl) == pytest.approx(CL, rel=0.05)
    assert np.std(np.log(cl)) == pytest.approx(w, rel=0.05)
    assert np.all(sim._pkp[:, 0, 3] == V)
