"""The numba SSA kernel equals the pure-Python reference draw for draw."""

from __future__ import annotations

import numpy as np
import pytest

from engine.scenarios import rich_scenario
from oncoresist.engine import Simulator
from oncoresist.engine.simulator import replicate_seed
from reference.ssa import reference_ssa


@pytest.mark.parametrize(
    ("combination", "competition", "seed"),
    [("bliss", False, 1), ("loewe", False, 2), ("bliss", True, 3)],
)
def test_kernel_matches_reference_exactly(combination: str, competition: bool, seed: int) -> None:
    sc = rich_scenario(combination, competition)
    times = np.arange(0.0, 12.5, 0.5)
    sim = Simulator(sc, engine="ssa", seed=seed, times=times)
    pkp = sim._pkp[0]
    sim.advance(12.0)
    got = sim.result().counts[0]
    rng = np.random.Generator(np.random.PCG64(replicate_seed(sim.seed_sequence, 0, 1)))
    regimen = [(3.0, 1.0), (2.0, 2.0)]
    want = reference_ssa(sim.model, rng, 12.0, list(times), list(pkp[:, 2]), list(pkp[:, 3]), regimen)
    assert got.sum() > 0 and np.any(got[:, 1] > 0) and np.any(got[-1] != got[0])
    np.testing.assert_array_equal(got, want)
