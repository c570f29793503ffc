import numpy as np
import pytest
from scipy.stats import binom

from oncoresist.monitor.ctdna import CtdnaAssay, CtdnaParams, ctdna_exact, normal_ge_per_ml, steady_state_ge

P = CtdnaParams()


def test_parameters_avanzini():
    assert P.elimination_per_day == pytest.approx(np.log(2) / (30 / 1440))  # 33.27 per day
    assert P.plasma_ml == pytest.approx(2750.0)


def test_steady_state_is_the_ode_limit():
    # dC/dt = q_d d N - eps C, C(0) = 0; after a day (48 half-lives) C = q_d d N / eps
    n, d = 1e10, 0.136
    c_day = ctdna_exact(np.array([1.0]), 0.0, d * n)[0]
    assert c_day == pytest.approx(steady_state_ge(d * n))
    assert steady_state_ge(d * n) == pytest.approx(1.4e-4 * 0.136 * 1e10 / P.elimination_per_day)
    # after one half-life from zero: half way
    assert ctdna_exact(np.array([30 / 1440]), 0.0, d * n)[0] == pytest.approx(0.5 * steady_state_ge(d * n))


def test_normal_cfdna_mean_matches_gamma_fit():
    u = (np.arange(200000) + 0.5) / 200000
    # mean of Gamma(1.86, 3.38) ng/mL over 6.6 pg per GE ~ 953 GE/mL
    assert normal_ge_per_ml(u).mean() == pytest.approx(1.86 * 3.38 / 0.0066, rel=0.01)


def test_false_positive_rate_is_respected():
    assay = CtdnaAssay(depth=5000, error_rate=1e-5, false_positive_rate=0.01)
    k = assay.threshold(np.array([5000]))[0]
    assert binom.sf(k - 1, 5000, 1e-5) <= 0.01 < binom.sf(k - 2, 5000, 1e-5)
    rng = np.random.default_rng(7)
    n = 20000
    res = assay.draw(np.zeros(n), np.zeros((n, 1)), np.full(n, 1000.0), rng.random((n, 3)))
    assert res["detected"].mean() <= 0.01 + 3 * np.sqrt(0.01 * 0.99 / n)


def test_detection_rises_with_tumour_burden():
    assay = CtdnaAssay()
    rng = np.random.default_rng(3)
    n = 4000
    rates = []
    for cells in (1e8, 1e10, 1e12):
        ge = steady_state_ge(np.full(n, 0.136 * cells))
        res = assay.draw(ge, ge[:, None], np.full(n, 953.0), rng.random((n, 3)))
        rates.append(res["detected"].mean())
    assert rates[0] < 0.2 and rates[2] > 0.95 and rates[0] <= rates[1] <= rates[2]
