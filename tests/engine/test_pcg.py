"""``oncoresist.engine._pcg``: the leap kernel's PCG64 state rows are NumPy's own streams.

The reference is NumPy itself (``PCG64(seq).state`` and ``Generator(PCG64(seq))`` draws), not this
module's output: the seeding must give NumPy's state for every kind of seed sequence the engine sees
(int and 128-bit entropy, list entropy, spawn keys with words above 2^32, another pool size), and the
compiled draws must equal the Generator's draw for draw, including the ziggurat's rare branches.
"""

from __future__ import annotations

import numpy as np
import pytest
from numba import njit

from oncoresist.engine import Simulator, _pcg
from oncoresist.random import child_seed

SEQS = [
    np.random.SeedSequence(0),
    np.random.SeedSequence(1, spawn_key=(3, 1)),
    np.random.SeedSequence(2**100 + 5),
    np.random.SeedSequence([1, 2, 3, 4, 5, 6]),
    np.random.SeedSequence(12345678901234567890123, spawn_key=(7, 2**40, 0)),
    np.random.SeedSequence(0, spawn_key=(0,)),
    np.random.SeedSequence(5, pool_size=8, spawn_key=(1, 2)),
    np.random.SeedSequence(np.array([9, 8], dtype=np.uint32)),  # array entropy: NumPy's own path
    np.random.SeedSequence(),  # OS entropy (128 bits)
]


def _numpy_row(seq: np.random.SeedSequence) -> list[int]:
    s = np.random.PCG64(seq).state["state"]
    m = (1 << 64) - 1
    return [s["state"] >> 64, s["state"] & m, s["inc"] >> 64, s["inc"] & m]


@pytest.mark.parametrize("q", range(len(SEQS)))
def test_seeding_gives_numpys_pcg64_state(q: int) -> None:
    rows = _pcg.seed_states(SEQS)
    assert [int(x) for x in rows[q]] == _numpy_row(SEQS[q])


def test_child_and_stream_states_match_child_seed() -> None:
    root = np.random.SeedSequence(2**90 + 11, spawn_key=(4,))
    keys = [(*root.spawn_key, k, 1) for k in (0, 1, 17, 2**33, 999)]
    rows = _pcg.stream_states(root.entropy, root.pool_size, keys)
    for row, k in zip(rows, (0, 1, 17, 2**33, 999), strict=True):
        assert [int(x) for x in row] == _numpy_row(child_seed(root, k, 1))
    kids = [child_seed(root, k) for k in range(5)] + [np.random.SeedSequence(3)]
    rows = _pcg.child_states(kids, 0)
    for row, s in zip(rows, kids, strict=True):
        assert [int(x) for x in row] == _numpy_row(child_seed(s, 0))


@njit(cache=False)
def _draws(st: np.ndarray, n: int) -> np.ndarray:
    out = np.empty(3 * n)
    for i in range(n):
        out[3 * i] = _pcg.random(st)
        out[3 * i + 1] = _pcg.standard_normal(st)
        out[3 * i + 2] = _pcg.random(st)
    return out


@pytest.mark.parametrize("q", [0, 2, 4, 8])
def test_draws_equal_the_generators(q: int) -> None:
    """300,000 mixed uniforms and normals: the normals reach the ziggurat's wedge (~1%) and tail (idx 0)
    branches thousands and hundreds of times, each of which draws extra uniforms."""
    n = 100_000
    row = _pcg.seed_states([SEQS[q]])[0].copy()
    got = _draws(row, n)
    g = np.random.Generator(np.random.PCG64(SEQS[q]))
    want = np.empty(3 * n)
    for i in range(n):
        want[3 * i] = g.random()
        want[3 * i + 1] = g.standard_normal()
        want[3 * i + 2] = g.random()
    np.testing.assert_array_equal(got, want)
    assert np.sum(np.abs(want[1::3]) > 3.4426) > 10  # the tail branch (beyond the base layer) was drawn
    # and the row is left where the generator is: the next draw agrees too
    assert _draws(row, 1)[0] == g.random()


def test_python_entry_points_accept_both() -> None:
    """Called from Python, a state row and a Generator of the same stream give the same draws."""
    row = _pcg.seed_states([SEQS[1]])[0].copy()
    g = np.random.Generator(np.random.PCG64(SEQS[1]))
    a = [_pcg.random(row), _pcg.standard_normal(row), _pcg.random(row)]
    b = [_pcg.random(g), _pcg.standard_normal(g), _pcg.random(g)]
    c = np.random.Generator(np.random.PCG64(SEQS[1]))
    assert a == b == [c.random(), c.standard_normal(), c.random()]


def test_simulator_leap_streams_are_the_replicates_own() -> None:
    """The leap Simulator's state rows are replicate k's dynamics stream ``child_seed(root, k, 1)``."""
    sc = {"cell_types": [{"name": "A", "initial": 10, "birth": 0.5, "death": 0.1}]}
    root = np.random.SeedSequence(77)
    sim = Simulator(sc, engine="leap", replicate_ids=[3, 40], seed=root)
    for row, k in zip(sim._states, (3, 40), strict=True):
        assert [int(x) for x in row] == _numpy_row(child_seed(root, k, 1))
