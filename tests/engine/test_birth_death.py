"""Linear birth-death: mean, variance and extinction against closed forms, for ssa and tau.

Family-wise α = 0.01 over the 12 comparisons in this module (Bonferroni).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine.scenarios import birth_death
from engine.stats import assert_mean, assert_proportion, assert_variance
from oncoresist.engine import simulate

M_TESTS = 12
B, D = 0.3, 0.1
T = 5.0
# tau with threshold 1 leaps every type; the default threshold simulates small types exactly
ENGINES = [("ssa", {}), ("tau", {"threshold": 1}), ("tau", {})]


def mean_var(n0: int, b: float, d: float, t: float) -> tuple[float, float]:
    r = b - d
    e = math.exp(r * t)
    return n0 * e, n0 * (b + d) / r * e * (e - 1.0)


def p_extinct(b: float, d: float, t: float) -> float:
    e = math.exp((b - d) * t)
    return d * (e - 1.0) / (b * e - d)


@pytest.mark.parametrize(("engine", "opts"), ENGINES)
def test_mean_and_variance(engine: str, opts: dict[str, int]) -> None:
    n0 = 20
    res = simulate(birth_death(n0, B, D), t_end=T, times=[T], engine=engine, n_replicates=3000, seed=11, **opts)
    final = res.final[:, 0].astype(float)
    mean, var = mean_var(n0, B, D, T)
    assert_mean(final, mean, M_TESTS)
    assert_variance(final, var, M_TESTS)


@pytest.mark.parametrize(("engine", "opts"), ENGINES)
def test_extinction_of_one_cell(engine: str, opts: dict[str, int]) -> None:
    t = 10.0
    res = simulate(birth_death(1, B, D), t_end=t, times=[t], engine=engine, n_replicates=4000, seed=12, **opts)
    extinct = int(np.sum(res.final[:, 0] == 0))
    assert_proportion(extinct, 4000, p_extinct(B, D, t), M_TESTS)


def test_extinction_tends_to_d_over_b() -> None:
    assert p_extinct(B, D, 1e3) == pytest.approx(D / B, rel=1e-12)
    res = simulate(birth_death(1, B, D), t_end=150.0, times=[150.0], engine="tau", n_replicates=4000, seed=13)
    assert_proportion(int(np.sum(res.final[:, 0] == 0)), 4000, p_extinct(B, D, 150.0), M_TESTS)


def test_large_population_tau_leap() -> None:
    """1e9 cells: the leap keeps the exact mean and variance."""
    n0, b, d, t = 10**9, 0.14, 0.13, 30.0
    res = simulate(birth_death(n0, b, d), t_end=t, times=[t], engine="tau", n_replicates=2000, seed=14)
    final = res.final[:, 0].astype(float)
    mean, var = mean_var(n0, b, d, t)
    assert_mean(final, mean, M_TESTS)
    assert final.std() / math.sqrt(var) == pytest.approx(1.0, abs=0.1)
