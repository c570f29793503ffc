"""Published reference results: Luria–Delbrück, resistance at detection, engine agreement.

Family-wise α = 0.01 over the 12 tests in this module (Bonferroni). Beside them (session 6), the tau–ssa
comparison also tests every count's P(x > 0) and whole distribution (``oncoresist.engine.agreement``), a
second family at α = 0.01 (Holm over its tests); the first family is unchanged.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import stats

from engine.scenarios import rich_scenario
from engine.stats import ALPHA, assert_mean, assert_proportion, z_crit
from oncoresist.engine import simulate
from oncoresist.engine.agreement import compare_counts

M_TESTS = 12


def mss(m: float, n_max: int) -> np.ndarray:
    """Ma–Sandri–Sarkar recursion: p0 = e^{−m}, p_n = (m/n)·Σ_{i<n} p_i/(n − i + 1)."""
    p = np.zeros(n_max + 1)
    p[0] = math.exp(-m)
    for n in range(1, n_max + 1):
        i = np.arange(n)
        p[n] = m / n * np.sum(p[i] / (n - i + 1))
    return p


def luria_delbruck_scenario(n0: float, u: float) -> dict[str, object]:
    return {
        "cell_types": [
            {"name": "wild", "initial": n0, "birth": 1.0, "death": 0.0},
            {"name": "mutant", "initial": 0, "birth": 1.0, "death": 0.0},
        ],
        "transitions": [{"kind": "mutation", "source": "wild", "target": "mutant", "probability": u}],
    }


def chi_square_ld(mutants: np.ndarray, m: float) -> float:
    edges = [0, 1, 2, 3, 4, 6, 10, 20, 50, 10**12]
    p = mss(m, 49)
    probs = [p[a:b].sum() if b <= 50 else 1.0 - p[:a].sum() for a, b in itertools.pairwise(edges)]
    obs = np.histogram(mutants, bins=edges)[0]
    return float(stats.chisquare(obs, np.array(probs) * mutants.size).pvalue)


@pytest.mark.parametrize(("engine", "n0", "t", "u", "reps"), [("tau", 1e4, 7.0, 1.5e-7, 4000)])
def test_luria_delbruck_tau(engine: str, n0: float, t: float, u: float, reps: int) -> None:
    """Pure birth (b = 1) with mutation at division: m = u·(N − N0) expected mutations."""
    res = simulate(luria_delbruck_scenario(n0, u), t_end=t, times=[t], engine=engine, n_replicates=reps, seed=21)
    wild = res.final[:, 0].astype(float)
    m = u * (wild.mean() - n0)
    assert chi_square_ld(res.final[:, 1], m) > ALPHA / M_TESTS


@pytest.mark.slow
def test_luria_delbruck_ssa() -> None:
    n0, t, u, reps = 200, 5.3, 5e-5, 1500
    res = simulate(luria_delbruck_scenario(n0, u), t_end=t, times=[t], engine="ssa", n_replicates=reps, seed=22)
    m = u * (res.final[:, 0].mean() - n0)
    assert chi_square_ld(res.final[:, 1], m) > ALPHA / M_TESTS


@pytest.mark.parametrize("mu", [0.05, 0.2, 0.6])
def test_resistance_present_at_detection(mu: float) -> None:
    """Iwasa, Nowak & Michor 2006; Bozic et al. 2013: P = 1 − exp(M·u·ln(s)/(1 − s)), s = 1 − d/b.

    Rates are b = 1.4, d = 1.3 (ten times Bozic's 0.14 and 0.13: same s, faster clock);
    growth from 100 cells changes the prediction by < 0.5% relative to growth from one.
    """
    b, d, n0, size = 1.4, 1.3, 100, 1e5
    u = mu / size
    s = 1.0 - d / b
    assert -math.log(s) / (1.0 - s) == pytest.approx(2.84, abs=0.005)
    p_formula = 1.0 - math.exp(size * u * math.log(s) / (1.0 - s))
    sc = {
        "cell_types": [
            {"name": "S", "initial": n0, "birth": b, "death": d},
            {"name": "R", "initial": 0, "birth": b, "death": d},
        ],
        "transitions": [{"kind": "mutation", "source": "S", "target": "R", "probability": u}],
    }
    times = np.arange(0.0, 100.0001, 0.1)
    res = simulate(sc, t_end=100.0, times=times, engine="tau", n_replicates=800, seed=23)
    total = res.counts.sum(axis=2)
    reached = total[:, -1] >= size
    first = np.argmax(total >= size, axis=1)
    present = res.counts[np.arange(res.n_replicates), first, 1] > 0
    assert reached.sum() > 780
    assert_proportion(int(present[reached].sum()), int(reached.sum()), p_formula, M_TESTS)


def rare_lineage() -> dict[str, object]:
    """Sensitive cells decline under drug; rare resistant mutants arise at division."""
    return {
        "cell_types": [
            {"name": "S", "initial": 2000, "birth": 1.4, "death": 1.3},
            {"name": "R", "initial": 0, "birth": 1.4, "death": 1.3,
             "modifiers": [{"kind": "emax_reduction", "reduction": 1.0}]},
        ],
        "transitions": [{"kind": "mutation", "source": "S", "target": "R", "probability": 1e-3}],
        "drugs": [{"name": "drug", "effect": {"acts_on": "death", "emax": 0.8, "ec50": 1.0}}],
        "treatment": [{"drug": "drug", "start": 0, "dose": 1.0}],
    }  # fmt: skip


def test_tau_matches_ssa_in_distribution() -> None:
    """Two-sample KS on final counts and a two-proportion test on extinction of R."""
    kw = {"t_end": 20.0, "times": [20.0], "n_replicates": 1500}
    ssa = simulate(rare_lineage(), engine="ssa", seed=24, **kw).final
    tau = simulate(rare_lineage(), engine="tau", seed=25, threshold=50, **kw).final
    assert tau[:, 0].max() > 0 and np.mean(tau[:, 1] > 0) > 0.05
    for i in range(2):
        assert stats.ks_2samp(ssa[:, i], tau[:, i]).pvalue > ALPHA / M_TESTS
    table = [[np.sum(ssa[:, 1] == 0), np.sum(ssa[:, 1] > 0)], [np.sum(tau[:, 1] == 0), np.sum(tau[:, 1] > 0)]]
    assert stats.fisher_exact(table).pvalue > ALPHA / M_TESTS
    result = compare_counts({"S": ssa[:, 0], "R": ssa[:, 1]}, {"S": tau[:, 0], "R": tau[:, 1]}, alpha=ALPHA)
    assert result.agree, "\n".join(result.lines())


def test_ode_is_the_mean_of_the_stochastic_engines() -> None:
    """Rich scenario (oral and IV PK with variability, switches, divisions): ODE = E[SSA]."""
    sc = rich_scenario()
    times = [0.0, 2.0, 5.0, 8.0]
    kw = {"t_end": 8.0, "times": times, "n_replicates": 300, "seed": 26}
    ode = simulate(sc, engine="ode", **kw).counts.mean(axis=0)
    ssa = simulate(sc, engine="ssa", **kw).counts.astype(float)
    for i in range(3):
        x = ssa[:, -1, i]
        assert_mean(x, ode[-1, i], M_TESTS)
    assert np.all(np.abs(ssa.mean(axis=0)[1:, 0] - ode[1:, 0]) < z_crit(M_TESTS) * ssa.std(axis=0)[1:, 0] / 20 + 1)
