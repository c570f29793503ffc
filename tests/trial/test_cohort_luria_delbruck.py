"""Pre-existing resistant counts drawn from the Luria–Delbrück distribution (``dist: luria_delbruck``).

Expected values come from the construction's theory, not from the code: no clone with probability
``exp(-clones)``; a mean count of ``clones·cells·ln(cells)/(cells − 1)`` (in units of Kendall's ``W``);
the Lea–Coulson ``1/s`` tail, ``P(count > s) ≈ clones/s`` for ``1 ≪ s ≪ cells``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from pydantic import ValidationError

from oncoresist.errors import InvalidArgument
from oncoresist.trial.cohort import RESISTANT_SLOTS, luria_delbruck, patient_seeds, sample_cohort
from oncoresist.trial.spec import CohortSpec, Distribution


def test_no_clone_with_poisson_probability() -> None:
    rng = np.random.default_rng(3)
    for clones in (0.1, 1.0, 3.0):
        x = luria_delbruck(rng, clones, 1e9, 40_000)
        p0 = math.exp(-clones)
        assert (x == 0).mean() == pytest.approx(p0, abs=4 * math.sqrt(p0 * (1 - p0) / 40_000))


def test_mean_is_the_deterministic_mean_when_the_tail_is_short() -> None:
    """With few cells the variance (~cells) is small enough for the sample mean to converge to 1."""
    rng = np.random.default_rng(4)
    x = luria_delbruck(rng, 3.0, 200.0, 200_000)
    assert x.mean() == pytest.approx(1.0, abs=0.02)


def test_lea_coulson_tail() -> None:
    rng = np.random.default_rng(5)
    clones, cells = 0.5, 1e12
    x = luria_delbruck(rng, clones, cells, 400_000) * clones * cells * math.log(cells) / (cells - 1)
    for s in (1e2, 1e3):
        expected = 1 - math.exp(-clones / s)  # P(at least one clone above s), each P(size > s) = 1/s
        assert (x > s).mean() == pytest.approx(expected, rel=0.15)


def test_heavy_tail_median_far_below_the_mean() -> None:
    """The deterministic mean is carried by rare jackpots: most patients have far fewer cells."""
    x = luria_delbruck(np.random.default_rng(6), 80.0, 2e10, 20_000)
    assert np.median(x) < 0.5
    assert x.max() > 20


def test_many_clones_use_the_bulk_approximation_consistently() -> None:
    """Above the exact-draw threshold the small clones are summed by their mean: same distribution shape."""
    rng = np.random.default_rng(7)
    exact = luria_delbruck(rng, 900.0, 1e4, 20_000)
    bulk = luria_delbruck(rng, 1100.0, 1e4, 20_000)
    assert exact.mean() == pytest.approx(1.0, abs=0.03)
    assert bulk.mean() == pytest.approx(1.0, abs=0.03)
    assert np.median(bulk) == pytest.approx(np.median(exact), rel=0.1)


def _spec(clones: list[float], cells: list[float]) -> CohortSpec:
    return CohortSpec(resistant_fraction=Distribution(dist="luria_delbruck", clones=clones, cells=cells))


def test_sample_cohort_draws_one_count_per_type_and_patient() -> None:
    seeds = patient_seeds(np.random.SeedSequence(11), 1, 2000)[0]
    out = sample_cohort(_spec([2.0, 0.0, 50.0], [1e9, 1.0, 1e9]), seeds, n_resistant=3)
    rf = out["resistant_fraction"]
    assert rf.shape == (2000, RESISTANT_SLOTS)
    assert np.all(rf[:, 1] == 1.0)  # no clones: the scenario's own count (0 for a transformed lineage)
    assert np.all(rf[:, 3:] == 1.0)
    assert (rf[:, 0] == 0).mean() == pytest.approx(math.exp(-2.0), abs=0.03)
    assert (rf[:, 2] == 0).mean() < 0.001
    assert abs(np.corrcoef(np.log1p(rf[:, 0]), np.log1p(rf[:, 2]))[0, 1]) < 0.1
    # a type's draws do not depend on how many types follow it
    fewer = sample_cohort(_spec([2.0], [1e9]), seeds, n_resistant=1)["resistant_fraction"]
    np.testing.assert_array_equal(fewer[:, 0], rf[:, 0])


def test_wrong_number_of_types_is_refused() -> None:
    seeds = patient_seeds(np.random.SeedSequence(1), 1, 3)[0]
    with pytest.raises(InvalidArgument, match=r"^cohort.resistant_fraction.clones: 2 entries .* 3 resistant"):
        sample_cohort(_spec([1.0, 1.0], [1e9, 1e9]), seeds, n_resistant=3)


def test_schema_refuses_incomplete_or_misplaced_luria_delbruck() -> None:
    with pytest.raises(ValidationError, match="luria_delbruck distribution needs cells"):
        Distribution(dist="luria_delbruck", clones=[1.0])
    with pytest.raises(ValidationError, match="one entry each"):
        Distribution(dist="luria_delbruck", clones=[1.0], cells=[1e9, 1e9])
    with pytest.raises(ValidationError, match="growth: luria_delbruck"):
        CohortSpec(growth=Distribution(dist="luria_delbruck", clones=[1.0], cells=[1e9]))
    with pytest.raises(ValidationError):
        Distribution(dist="luria_delbruck", clones=[-1.0], cells=[1e9])
