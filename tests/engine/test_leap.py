"""The ``leap`` engine (exact per-type birth-death leaps) against closed forms and the exact SSA.

Family-wise α = 0.01 over the 27 comparisons in this module (Bonferroni). Two-sample comparisons
with ``ssa`` use independent seeds.

Beside them (session 6), each two-sample comparison with ``ssa`` also tests every count's P(x > 0) and
whole distribution (``oncoresist.engine.agreement.compare_counts``: Fisher's exact test and a χ² test on
counts binned by pooled quantiles, valid for heavy tails and ties). Those checks are a second family at
α = 0.01: Bonferroni over its 6 comparisons, Holm over the tests inside each. The first family's tests
and levels are unchanged.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from engine.scenarios import birth_death, rich_scenario
from engine.stats import ALPHA, assert_mean, assert_proportion, assert_variance, z_crit
from engine.test_reference_results import chi_square_ld, luria_delbruck_scenario, rare_lineage
from oncoresist.engine import ReplicateParameters, Simulator, simulate
from oncoresist.engine.agreement import compare_counts

M_TESTS = 27
P = ALPHA / M_TESTS
M_DISTRIBUTION = 6  # comparisons in the second family (assert_same_counts calls)


def mean_var(n0: int, b: float, d: float, t: float) -> tuple[float, float]:
    r = b - d
    e = math.exp(r * t)
    return n0 * e, n0 * (b + d) / r * e * (e - 1.0)


def assert_same_mean(a: np.ndarray, b: np.ndarray) -> None:
    """Welch z for equal means of two independent samples."""
    z = (a.mean() - b.mean()) / math.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size)
    assert abs(z) < z_crit(M_TESTS), f"means {a.mean():.4g} vs {b.mean():.4g} (z={z:.2f})"


def assert_same_counts(a: np.ndarray, b: np.ndarray, labels: list[str]) -> None:
    """P(x > 0) and the whole distribution of every column agree (second family: α / M_DISTRIBUTION, Holm)."""
    a2, b2 = np.asarray(a).reshape(len(a), -1), np.asarray(b).reshape(len(b), -1)
    result = compare_counts({k: a2[:, i] for i, k in enumerate(labels)}, {k: b2[:, i] for i, k in enumerate(labels)},
                            alpha=ALPHA / M_DISTRIBUTION)  # fmt: skip
    assert result.agree, "\n".join(result.lines())


def assert_same_proportion(a: np.ndarray, b: np.ndarray) -> None:
    """Fisher's exact test for equal P(x > 0) in two samples."""
    table = [[int(np.sum(a == 0)), int(np.sum(a > 0))], [int(np.sum(b == 0)), int(np.sum(b > 0))]]
    assert stats.fisher_exact(table).pvalue > P, table


@pytest.mark.parametrize("n0", [5, 200, 10**9])
def test_birth_death_mean_and_variance(n0: int) -> None:
    """One type, constant rates: the leap is exact at any size (one-by-one, binomial and huge counts)."""
    b, d, t = 0.3, 0.1, 5.0
    res = simulate(birth_death(n0, b, d), t_end=t, times=[t], engine="leap", n_replicates=3000, seed=31)
    final = res.final[:, 0].astype(float)
    mean, var = mean_var(n0, b, d, t)
    assert_mean(final, mean, M_TESTS)
    assert_variance(final, var, M_TESTS)


def test_extinction_of_one_cell() -> None:
    b, d, t = 0.3, 0.1, 10.0
    res = simulate(birth_death(1, b, d), t_end=t, times=[t], engine="leap", n_replicates=4000, seed=32)
    e = math.exp((b - d) * t)
    assert_proportion(int(np.sum(res.final[:, 0] == 0)), 4000, d * (e - 1.0) / (b * e - d), M_TESTS)


def test_luria_delbruck() -> None:
    """Pure birth with mutation at division: mutant counts follow the Ma–Sandri–Sarkar distribution."""
    n0, t, u = 1e4, 7.0, 1.5e-7
    res = simulate(luria_delbruck_scenario(n0, u), t_end=t, times=[t], engine="leap", n_replicates=4000, seed=33)
    m = u * (res.final[:, 0].astype(float).mean() - n0)
    assert chi_square_ld(res.final[:, 1], m) > P


def test_resistance_present_at_detection() -> None:
    """Iwasa, Nowak & Michor 2006 (Genetics 172:2557): P = 1 − exp(M·u·ln(s)/(1 − s)), s = 1 − d/b."""
    b, d, n0, size, mu = 1.4, 1.3, 100, 1e5, 0.2
    u = mu / size
    s = 1.0 - d / b
    p_formula = 1.0 - math.exp(size * u * math.log(s) / (1.0 - s))
    sc = {
        "cell_types": [
            {"name": "S", "initial": n0, "birth": b, "death": d},
            {"name": "R", "initial": 0, "birth": b, "death": d},
        ],
        "transitions": [{"kind": "mutation", "source": "S", "target": "R", "probability": u}],
    }
    times = np.arange(0.0, 100.0001, 0.1)
    res = simulate(sc, t_end=100.0, times=times, engine="leap", n_replicates=800, seed=34)
    total = res.counts.sum(axis=2)
    reached = total[:, -1] >= size
    first = np.argmax(total >= size, axis=1)
    present = res.counts[np.arange(res.n_replicates), first, 1] > 0
    assert reached.sum() > 780
    assert_proportion(int(present[reached].sum()), int(reached.sum()), p_formula, M_TESTS)


def test_rare_lineage_matches_ssa() -> None:
    """Declining sensitive cells, rare resistant mutants (fast clock: 2.7 events per cell-day)."""
    kw = {"t_end": 20.0, "times": [20.0], "n_replicates": 1500}
    ssa = simulate(rare_lineage(), engine="ssa", seed=35, **kw).final
    leap = simulate(rare_lineage(), engine="leap", seed=36, **kw).final
    assert leap[:, 0].max() > 0 and np.mean(leap[:, 1] > 0) > 0.05
    for i in range(2):
        assert stats.ks_2samp(ssa[:, i], leap[:, i]).pvalue > P
    assert_same_proportion(ssa[:, 1], leap[:, 1])
    assert_same_counts(ssa, leap, ["S", "R"])


def test_resistant_arrivals_over_a_long_decline() -> None:
    """The peer benchmark's shape at a faster clock: P(R > 0) and mean R against the closed-form mean and ssa."""
    b, d_s, d_r, u, n0, t = 1.4, 1.7, 1.3, 1e-3, 500, 30.0
    sc = {
        "cell_types": [
            {"name": "S", "initial": n0, "birth": b, "death": d_s},
            {"name": "R", "initial": 0, "birth": b, "death": d_r},
        ],
        "transitions": [{"kind": "mutation", "source": "S", "target": "R", "probability": u}],
    }
    kw = {"t_end": t, "times": [t], "n_replicates": 3000}
    leap = simulate(sc, engine="leap", seed=37, **kw).final.astype(float)
    ssa = simulate(sc, engine="ssa", seed=38, **kw).final.astype(float)
    r_s, r_r = b - d_s, b - d_r
    mean_r = u * b * n0 * math.exp(r_r * t) * (1 - math.exp(-(r_r - r_s) * t)) / (r_r - r_s)
    assert_mean(leap[:, 1], mean_r, M_TESTS)
    assert_same_proportion(ssa[:, 1], leap[:, 1])
    assert_same_counts(ssa, leap, ["S", "R"])


def oral_kill(n0: int) -> dict[str, object]:
    """One type under an oral drug that kills: the exposure varies within every step."""
    return {
        "cell_types": [{"name": "A", "initial": n0, "birth": 0.5, "death": 0.1}],
        "drugs": [{"name": "x", "pk": {"model": "oral", "ka": 5.0, "clearance": 2.0, "volume": 1.0},
                   "effect": {"acts_on": "death", "emax": 0.8, "ec50": 1.0}}],
        "treatment": [{"drug": "x", "start": 0, "dose": 3.0, "interval": 1.0}],
    }  # fmt: skip


def test_time_varying_exposure_mean_and_extinction() -> None:
    """Within-step PK: the mean equals the ODE's (exact for a linear model); extinction matches ssa."""
    t = 10.0
    kw = {"t_end": t, "times": [t], "n_replicates": 3000}
    ode = simulate(oral_kill(40), engine="ode", **kw, seed=1).final[0, 0]
    leap = simulate(oral_kill(40), engine="leap", seed=39, **kw).final[:, 0].astype(float)
    assert_mean(leap, ode, M_TESTS)
    one_leap = simulate(oral_kill(1), engine="leap", seed=40, **kw).final[:, 0]
    one_ssa = simulate(oral_kill(1), engine="ssa", seed=41, **kw).final[:, 0]
    assert 0.1 < np.mean(one_leap == 0) < 0.9
    assert_same_proportion(one_ssa, one_leap)
    assert stats.ks_2samp(one_ssa, one_leap).pvalue > P
    assert_same_counts(one_ssa, one_leap, ["A"])


@pytest.mark.parametrize("combination", ["bliss", "loewe"])
def test_rich_scenario_matches_ssa(combination: str) -> None:
    """Oral and IV PK with variability, a drug-induced switch and its reversion, divisions, two drugs."""
    sc = rich_scenario(combination)
    kw = {"t_end": 8.0, "times": [8.0], "n_replicates": 1500}
    ssa = simulate(sc, engine="ssa", seed=42, **kw).final.astype(float)
    leap = simulate(sc, engine="leap", seed=43, **kw).final.astype(float)
    for i in range(3):
        assert_same_mean(ssa[:, i], leap[:, i])
    assert stats.ks_2samp(ssa[:, 2], leap[:, 2]).pvalue > P
    assert_same_counts(ssa, leap, ["S", "P", "R"])


def test_competition_matches_ssa() -> None:
    sc = rich_scenario(competition=True)
    kw = {"t_end": 8.0, "times": [8.0], "n_replicates": 1500}
    ssa = simulate(sc, engine="ssa", seed=44, **kw).final.astype(float)
    leap = simulate(sc, engine="leap", seed=45, **kw).final.astype(float)
    for i in (0, 2):
        assert_same_mean(ssa[:, i], leap[:, i])
    assert_same_counts(ssa, leap, ["S", "P", "R"])


def test_batch_size_and_thread_invariance() -> None:
    sc = rich_scenario()
    kw = {"t_end": 6.0, "times": [0.0, 3.0, 6.0]}
    big = simulate(sc, engine="leap", n_replicates=12, seed=9, n_threads=2, **kw)
    small = simulate(sc, engine="leap", n_replicates=3, seed=9, n_threads=1, **kw)
    alone = simulate(sc, engine="leap", replicate_ids=[7], seed=9, **kw)
    np.testing.assert_array_equal(big.counts[:3], small.counts)
    np.testing.assert_array_equal(big.counts[7], alone.counts[0])
    assert len({tuple(c.ravel()) for c in big.counts}) == 12


def test_steps_and_replicate_params() -> None:
    """Advancing in pieces at record times changes nothing; multipliers of 1 change nothing."""
    sc = rich_scenario()
    one = Simulator(sc, engine="leap", n_replicates=4, seed=3, times=np.arange(0.0, 7.0))
    one.advance(6.0)
    steps = Simulator(sc, engine="leap", n_replicates=4, seed=3, times=np.arange(0.0, 7.0),
                      replicate_params=ReplicateParameters(birth=1.0, clearance=[1.0] * 4))
    for t in (2.0, 3.0, 6.0):
        steps.advance(t)
    np.testing.assert_array_equal(one.result().counts, steps.result().counts)
    assert one.result().provenance["parameters"]["dt"] == 1.0


def test_counts_stay_non_negative_and_whole() -> None:
    res = simulate(rich_scenario(), engine="leap", n_replicates=50, seed=46, t_end=20.0)
    assert res.counts.dtype == np.int64 and res.counts.min() >= 0
