"""Between-patient factors: resistant-fraction factors for any number of resistant types."""

from __future__ import annotations

import numpy as np
import pytest

from oncoresist.errors import InvalidArgument
from oncoresist.trial.cohort import RESISTANT_SLOTS, patient_seeds, sample_cohort
from oncoresist.trial.spec import CohortSpec, Distribution


def _cohort() -> CohortSpec:
    return CohortSpec(resistant_fraction=Distribution(dist="lognormal", median=1.0, sigma=1.5))


def test_more_types_than_slots_get_independent_factors() -> None:
    seeds = patient_seeds(np.random.SeedSequence(7), 1, 50)[0]
    few = sample_cohort(_cohort(), seeds)
    many = sample_cohort(_cohort(), seeds, n_resistant=RESISTANT_SLOTS + 9)
    assert few["resistant_fraction"].shape == (50, RESISTANT_SLOTS)
    assert many["resistant_fraction"].shape == (50, RESISTANT_SLOTS + 9)
    # the first types' factors do not depend on how many types the scenario has
    np.testing.assert_array_equal(many["resistant_fraction"][:, :RESISTANT_SLOTS], few["resistant_fraction"])
    extra = many["resistant_fraction"][:, RESISTANT_SLOTS:]
    assert np.unique(extra).size == extra.size  # a draw per patient and type, no reuse
    corr = np.corrcoef(np.log(extra[:, 0]), np.log(many["resistant_fraction"][:, 0]))[0, 1]
    assert abs(corr) < 0.5


def test_negative_count_is_refused() -> None:
    seeds = patient_seeds(np.random.SeedSequence(7), 1, 3)[0]
    with pytest.raises(InvalidArgument, match=r"^n_resistant: "):
        sample_cohort(_cohort(), seeds, n_resistant=-1)


def test_patient_seeds_do_not_depend_on_the_roots_spawn_counter() -> None:
    """A root the caller already spawned from gives the same patient streams as a fresh one
    (so a resumed run, rebuilt from the seed record, matches the original)."""
    used = np.random.SeedSequence(7)
    used.spawn(3)
    a = patient_seeds(used, 2, 4)
    b = patient_seeds(np.random.SeedSequence(7), 2, 4)
    fresh = np.random.SeedSequence(7)
    c = [arm.spawn(4) for arm in fresh.spawn(2)]  # numpy's own spawning, from a fresh root
    for x, y, z in zip(a, b, c, strict=True):
        assert [s.spawn_key for s in x] == [s.spawn_key for s in y] == [s.spawn_key for s in z]
    assert used.n_children_spawned == 3
