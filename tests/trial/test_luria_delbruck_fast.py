"""The cohort's Luria–Delbrück factors computed the fast way are the reference loop's, draw for draw.

The reference is the loop the trial layer ran before (twinspeed6): one ``SeedSequence`` and ``Generator`` per
patient and resistant type, child ``(LURIA_DELBRUCK, j)`` of the patient's stream, and ``luria_delbruck`` with
``size=1`` as it was written then (copied here, so that a change to the module cannot move both sides).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from oncoresist.errors import InvalidArgument
from oncoresist.random import child_seed, child_seeds, generator
from oncoresist.trial.cohort import (
    LURIA_DELBRUCK,
    RESISTANT_SLOTS,
    _luria_delbruck_factors,
    patient_seeds,
)
from oncoresist.trial.spec import Distribution


def _old_luria_delbruck(rng: np.random.Generator, clones: float, cells: float, size: int) -> np.ndarray:
    if clones == 0 or cells <= 1:
        return np.ones(size)
    mean_size = cells * math.log(cells) / (cells - 1)
    if clones <= 1000.0:
        a, bulk = cells, 0.0
    else:
        a = 1.0 + 1000.0 * (cells - 1) / clones
        bulk = cells * math.log(cells / a) / (cells - a)
    lam_exact = clones * (a - 1) / (cells - 1)
    k = rng.poisson(lam_exact, size)
    total = np.zeros(size)
    n_all = int(k.sum())
    if n_all:
        n_birth = rng.uniform(1.0, a, n_all)
        w = rng.exponential(1.0, n_all)
        np.add.at(total, np.repeat(np.arange(size), k), w * cells / n_birth)
    if bulk:
        total += rng.poisson(clones - lam_exact, size) * bulk
    return total / (clones * mean_size)


def _reference(clones: list[float], cells: list[float], seqs: list[np.random.SeedSequence]) -> np.ndarray:
    n = len(clones)
    out = np.ones((len(seqs), max(n, RESISTANT_SLOTS)))
    for i, s in enumerate(seqs):
        streams = child_seeds(child_seed(s, LURIA_DELBRUCK), n)
        for j in range(n):
            out[i, j] = _old_luria_delbruck(generator(streams[j]), clones[j], cells[j], 1)[0]
    return out


def _dist(clones: list[float], cells: list[float]) -> Distribution:
    return Distribution.model_validate({"dist": "luria_delbruck", "clones": clones, "cells": cells})


# rare routes (mostly no clone), common ones (several clones each), the bulk path (> 1000 expected clones),
# a route with no clones and a one-cell population (no draw), and more types than RESISTANT_SLOTS
CASES = [
    ([0.05, 0.3, 2.0, 6.67, 80.0], [1e9, 1e9, 3e8, 1e9, 1e9]),
    ([5e3, 2.5e4, 1200.0], [1e9, 1e10, 2e9]),
    ([0.0, 3.0, 1.0, 0.0], [1e9, 1.0, 1e9, 1e9]),
    ([6.67, 6.67, 0.0, 6.67, 6.67, 6.67, 2.0, 2.0, 80.0, 13.3, 6.67, 2.0, 2.0, 0.0, 0.0], [1e9] * 15),
]


@pytest.mark.parametrize(("clones", "cells"), CASES)
def test_factors_equal_the_reference_draw_for_draw(clones: list[float], cells: list[float]) -> None:
    seqs = patient_seeds(np.random.SeedSequence(2026), 2, 150)[1]
    fast = _luria_delbruck_factors(_dist(clones, cells), seqs, len(clones))
    ref = _reference(clones, cells, seqs)
    assert fast.shape == ref.shape
    np.testing.assert_array_equal(fast, ref)
    assert np.any(fast[:, : len(clones)] != 1.0)  # something was drawn


def test_other_entropy_forms_and_pool_sizes() -> None:
    """Streams whose roots have list entropy, a larger pool or mixed roots in one batch: still the reference's."""
    clones, cells = [0.3, 6.67, 2.5e4], [1e9, 1e9, 1e10]
    seqs = (child_seeds(np.random.SeedSequence([7, 2**40 + 3]), 40)
            + child_seeds(np.random.SeedSequence(11, pool_size=8), 40, prefix=(3,))
            + child_seeds(np.random.SeedSequence(12), 40))
    np.testing.assert_array_equal(_luria_delbruck_factors(_dist(clones, cells), seqs, 3),
                                  _reference(clones, cells, seqs))


def test_a_patient_factor_does_not_depend_on_the_batch() -> None:
    clones, cells = [0.3, 6.67, 80.0], [1e9, 1e9, 1e9]
    seqs = patient_seeds(np.random.SeedSequence(5), 1, 60)[0]
    whole = _luria_delbruck_factors(_dist(clones, cells), seqs, 3)
    part = _luria_delbruck_factors(_dist(clones, cells), seqs[17:23], 3)
    np.testing.assert_array_equal(part, whole[17:23])


def test_bad_counts_fail_as_before() -> None:
    seqs = patient_seeds(np.random.SeedSequence(1), 1, 3)[0]
    with pytest.raises(InvalidArgument, match="clones"):
        _luria_delbruck_factors(_dist([1.0, 2.0], [1e9, 1e9]), seqs, 3)
    bad = Distribution.model_construct(dist="luria_delbruck", clones=[float("nan")], cells=[1e9])
    with pytest.raises(InvalidArgument, match="luria_delbruck: clones"):
        _luria_delbruck_factors(bad, seqs, 1)


def test_uniforms_equal_a_generator_per_patient() -> None:
    """``uniforms`` (through ``child_generators``) draws what ``generator(child_seed(s, k)).random(shape)`` draws."""
    from oncoresist.trial.cohort import MONITOR, child_generators, uniforms

    seqs = patient_seeds(np.random.SeedSequence(2026), 3, 50)[2] + child_seeds(np.random.SeedSequence([4, 5]), 7)
    for k, shape in ((MONITOR, (41, 4)), (0, (13,)), (6, (0,))):
        ref = np.clip(np.stack([generator(child_seed(s, k)).random(shape) for s in seqs]), 1e-15, 1 - 1e-15)
        np.testing.assert_array_equal(uniforms(seqs, k, shape), ref)
    got = [(i, rng.standard_normal(3)) for i, rng in child_generators(seqs[:4], [(1,), (2, 9)])]
    assert [i for i, _ in got] == [0, 0, 1, 1, 2, 2, 3, 3]
    for (i, draws), path in zip(got, [(1,), (2, 9)] * 4, strict=True):
        np.testing.assert_array_equal(draws, generator(child_seed(seqs[i], *path)).standard_normal(3))
    assert list(child_generators([], [(1,)])) == []


def test_luria_delbruck_itself_draws_as_before() -> None:
    from oncoresist.trial.cohort import luria_delbruck

    for clones, cells in ((0.3, 1e9), (80.0, 1e9), (2.5e4, 1e10), (0.0, 1e9)):
        np.testing.assert_array_equal(luria_delbruck(np.random.default_rng(3), clones, cells, 500),
                                      _old_luria_delbruck(np.random.default_rng(3), clones, cells, 500))
