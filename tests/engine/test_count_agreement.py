"""``oncoresist.engine.agreement``: two-sample tests of counts that hold their level under heavy tails and ties,
and that have power at the sample sizes the peer benchmark uses.

Seeded; the null-calibration test checks a rejection *rate* against a binomial bound (α = 0.001 for the bound
itself), the engine tests run the comparison as ``benchmarks/peer_numpy.py`` does (family-wise α = 0.01, Holm).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from oncoresist.engine import ReplicateParameters, simulate
from oncoresist.engine.agreement import (
    binned_chi2,
    compare_counts,
    holm_levels,
    pooled_bins,
    positive_fraction_p,
)
from oncoresist.errors import InvalidArgument

ROOT = Path(__file__).resolve().parents[2]
EGFR = ROOT / "examples" / "scenarios" / "egfr_nsclc.yaml"
PEER_REPLICATES = 4000  # the peer scenario's --replicates in docs/benchmarks.md's runs
EGFR_REPLICATES = 200  # the EGFR example's --egfr-replicates in the same runs


def jackpots(rng: np.random.Generator, n: int, m: float = 0.5) -> np.ndarray:
    """Luria–Delbrück-like counts: Poisson(m) clones per trajectory, clone sizes ⌊1/U⌋ (P(size ≥ k) = 1/k)."""
    k = rng.poisson(m, n)
    sizes = np.floor(1.0 / (1.0 - rng.random(int(k.sum()))))
    return np.bincount(np.repeat(np.arange(n), k), weights=sizes, minlength=n)


def peer_scenario() -> dict[str, object]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from peer_gillespy2 import SCENARIO
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    return SCENARIO


def labelled(final: np.ndarray, cols: dict[str, int]) -> dict[str, np.ndarray]:
    return {k: final[:, i].astype(float) for k, i in cols.items()} | {"total": final.sum(axis=1).astype(float)}


def test_holm_steps_down_and_stops_at_the_first_acceptance() -> None:
    levels, reject = holm_levels([0.004, 0.06, 0.001, 0.02], alpha=0.05)
    assert levels == pytest.approx([0.05 / 3, 0.05 / 1, 0.05 / 4, 0.05 / 2])
    assert reject == [True, False, True, True]
    # 0.03 > 0.05/2 stops the procedure: 0.04 is not rejected although it is below its own level 0.05
    assert holm_levels([0.001, 0.03, 0.04], alpha=0.05)[1] == [True, False, False]


def test_bins_keep_ties_whole_put_zero_alone_and_meet_the_expected_count() -> None:
    rng = np.random.default_rng(5)
    a, b = jackpots(rng, 300), jackpots(rng, 120)
    pooled = np.concatenate([a, b])
    edges = pooled_bins(pooled, n_small=120)
    assert edges[0] == 0.0 and edges[-1] == pooled.max()
    assert np.all(np.isin(edges, pooled)) and np.all(np.diff(edges) > 0)
    per_bin = np.bincount(np.searchsorted(edges, pooled), minlength=edges.size)
    assert per_bin.sum() == pooled.size
    assert per_bin.min() * 120 / pooled.size >= 5.0  # the smaller sample expects >= 5 in every bin
    assert edges.size >= 4  # the tail is cut, not lumped


def test_constant_samples_have_nothing_to_test() -> None:
    zeros = np.zeros(50)
    assert binned_chi2(zeros, zeros) == (0.0, 0, 1.0)
    assert positive_fraction_p(zeros, zeros) == 1.0
    assert compare_counts({"x": zeros}, {"x": zeros}).agree


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"alpha": 1.5}, "alpha"),
    ({"correction": "sidak"}, "correction"),
])
def test_bad_arguments_name_the_field(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidArgument, match=f"^{field}: ") as info:
        compare_counts({"x": np.ones(5)}, {"x": np.ones(5)}, **kwargs)  # type: ignore[arg-type]
    assert info.value.param == field


def test_bad_samples_name_the_field() -> None:
    with pytest.raises(InvalidArgument, match=r"^b: labels \['y'\] missing"):
        compare_counts({"x": np.ones(5), "y": np.ones(5)}, {"x": np.ones(5)})
    with pytest.raises(InvalidArgument, match=r"^a\[x\]: counts must be finite and non-negative"):
        compare_counts({"x": [1.0, -1.0]}, {"x": [1.0, 2.0]})


@pytest.mark.parametrize("n", [200, 2000])
def test_the_tests_hold_their_level_on_heavy_tailed_counts_with_ties(n: int) -> None:
    """Under the null (both samples from one jackpot law, infinite mean), each test rejects about 5% at α = 0.05."""
    rng = np.random.default_rng(20261202 + n)
    reps = 300
    rej = {"chi2": 0, "fisher": 0}
    for _ in range(reps):
        a, b = jackpots(rng, n), jackpots(rng, n)
        rej["chi2"] += binned_chi2(a, b)[2] < 0.05
        rej["fisher"] += positive_fraction_p(a, b) < 0.05
    bound = stats.binom.isf(0.001, reps, 0.05)  # a correct 5% test exceeds this 0.1% of the time
    assert rej["chi2"] <= bound and rej["fisher"] <= bound, rej
    assert rej["chi2"] >= stats.binom.ppf(0.001, reps, 0.05), rej  # and is not a test that never rejects


@pytest.fixture(scope="module")
def peer_leap() -> np.ndarray:
    sc = peer_scenario()
    return simulate(sc, t_end=365.0, times=[365.0], engine="leap", n_replicates=PEER_REPLICATES, seed=11).final


def test_peer_scenario_same_law_agrees(peer_leap: np.ndarray) -> None:
    other = simulate(peer_scenario(), t_end=365.0, times=[365.0], engine="leap", n_replicates=PEER_REPLICATES,
                     seed=12).final  # fmt: skip
    result = compare_counts(labelled(peer_leap, {"S": 0, "R": 1}), labelled(other, {"S": 0, "R": 1}))
    assert result.agree, "\n".join(result.lines())
    assert len(result.tests) == 6


def test_peer_scenario_rejects_a_mutation_rate_one_and_a_half_times_too_high(peer_leap: np.ndarray) -> None:
    """At the benchmark's 4,000 trajectories both R tests reject u × 1.5, the distribution test on its own."""
    wrong = simulate(peer_scenario(), t_end=365.0, times=[365.0], engine="leap", n_replicates=PEER_REPLICATES,
                     seed=12, replicate_params=ReplicateParameters(transitions=1.5)).final  # fmt: skip
    result = compare_counts(labelled(peer_leap, {"S": 0, "R": 1}), labelled(wrong, {"S": 0, "R": 1}))
    assert not result.agree
    by = {(t.label, t.statistic): t for t in result.tests}
    assert by["R", "distribution"].reject and by["R", "P(x>0)"].reject, "\n".join(result.lines())
    assert not by["S", "distribution"].reject  # the sensitive cells do not depend on u


def test_egfr_example_rejects_a_mutation_rate_one_and_a_half_times_too_high() -> None:
    """At the benchmark's 200 EGFR trajectories the distribution test rejects u × 1.5 on T790M_C797S, whose
    P(x > 0) is 1 in both runs (a P(x > 0) test alone could not see it); the same law at another seed agrees."""
    kw = {"t_end": 730.0, "times": [0.0, 730.0], "engine": "leap", "n_replicates": EGFR_REPLICATES}
    cols = {"T790M_C797S": 2, "MET_amp": 3, "SCLC": 4}
    base = labelled(simulate(EGFR, seed=21, **kw).final, cols)  # type: ignore[arg-type]
    same = labelled(simulate(EGFR, seed=22, **kw).final, cols)  # type: ignore[arg-type]
    wrong = labelled(simulate(EGFR, seed=22, replicate_params=ReplicateParameters(transitions=1.5),
                              **kw).final, cols)  # type: ignore[arg-type]  # fmt: skip
    assert compare_counts(base, same).agree
    result = compare_counts(base, wrong)
    by = {(t.label, t.statistic): t for t in result.tests}
    assert by["T790M_C797S", "distribution"].reject, "\n".join(result.lines())
    assert not by["T790M_C797S", "P(x>0)"].reject and result.positive["T790M_C797S"] == (1.0, 1.0)
