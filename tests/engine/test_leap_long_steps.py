"""The ``leap`` engine's ``long_steps`` (constant rates, no competition) against ``ssa`` and closed forms.

Family-wise α = 0.01 over this module's 3 comparisons (Bonferroni), Holm inside each ``compare_counts``.
Two-sample comparisons with ``ssa`` use independent seeds.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine.scenarios import birth_death
from engine.stats import ALPHA, assert_mean
from oncoresist.engine import Simulator, simulate
from oncoresist.engine._leap import LONG_STEP_EVENTS
from oncoresist.engine.agreement import compare_counts
from oncoresist.engine.simulator import LONG_LEAP_MAX
from oncoresist.errors import InvalidArgument

M_TESTS = 3

B, D_S, D_R = 0.14, 0.17, 0.13  # the peer benchmark's rates (benchmarks/peer_gillespy2.py): 0.31 events per cell-day


def peer_shape(n0: int, u: float) -> dict[str, object]:
    """The peer benchmark's scenario at its own slow clock, fewer cells and a higher mutation probability."""
    return {
        "cell_types": [
            {"name": "S", "initial": n0, "birth": B, "death": D_S},
            {"name": "R", "initial": 0, "birth": B, "death": D_R},
        ],
        "transitions": [{"kind": "mutation", "source": "S", "target": "R", "probability": u}],
    }


def test_long_steps_match_ssa_on_the_peer_shape() -> None:
    """Steps of 1/0.31 = 3.2 days (one event per cell per step): S, R and the total agree with ``ssa`` (P(x > 0)
    and the whole distribution) and mean R with its closed form."""
    n0, u, t = 2000, 5e-4, 365.0
    kw = {"t_end": t, "times": [t], "n_replicates": 3000}
    leap = simulate(peer_shape(n0, u), engine="leap", seed=71, long_steps=True, **kw).final.astype(float)
    ssa = simulate(peer_shape(n0, u), engine="ssa", seed=72, **kw).final.astype(float)
    assert np.mean(leap[:, 1] > 0) > 0.1  # the comparison sees resistant lineages
    r_s, r_r = B - D_S, B - D_R
    mean_r = u * B * n0 * math.exp(r_r * t) * (1 - math.exp(-(r_r - r_s) * t)) / (r_r - r_s)
    assert_mean(leap[:, 1], mean_r, M_TESTS)
    labels = {"S": 0, "R": 1}
    result = compare_counts({k: ssa[:, i] for k, i in labels.items()} | {"total": ssa.sum(axis=1)},
                            {k: leap[:, i] for k, i in labels.items()} | {"total": leap.sum(axis=1)},
                            alpha=ALPHA / M_TESTS)  # fmt: skip
    assert result.agree, "\n".join(result.lines())


def test_long_steps_are_taken_only_where_allowed() -> None:
    """``long_steps`` takes the long step on a slow constant-rate scenario (other draws than the 1-day default);
    a fast clock (more than one event per cell-day) and a time-varying exposure keep the 1-day step, bit for bit."""
    sc = peer_shape(500, 1e-3)
    kw = {"t_end": 60.0, "times": [0.0, 30.0, 60.0], "n_replicates": 20, "seed": 5}
    long, default = simulate(sc, engine="leap", long_steps=True, **kw), simulate(sc, engine="leap", **kw)
    assert not np.array_equal(long.counts, default.counts)
    assert long.provenance["parameters"]["long_step"] == LONG_LEAP_MAX
    assert default.provenance["parameters"]["long_step"] == 0.0
    assert LONG_STEP_EVENTS / (B + D_S) < LONG_LEAP_MAX
    fast = peer_shape(500, 1e-3)
    for ct in fast["cell_types"]:  # type: ignore[attr-defined]
        ct["birth"], ct["death"] = 10 * ct["birth"], 10 * ct["death"]
    np.testing.assert_array_equal(simulate(fast, engine="leap", long_steps=True, **kw).counts,
                                  simulate(fast, engine="leap", **kw).counts)  # fmt: skip
    oral = {**sc, "drugs": [{"name": "x", "pk": {"model": "oral", "ka": 5.0, "clearance": 2.0, "volume": 1.0},
                             "effect": {"acts_on": "death", "emax": 0.05, "ec50": 1.0}}],
            "treatment": [{"drug": "x", "start": 0, "dose": 3.0, "interval": 1.0}]}  # fmt: skip
    np.testing.assert_array_equal(simulate(oral, engine="leap", long_steps=True, **kw).counts,
                                  simulate(oral, engine="leap", **kw).counts)  # fmt: skip


def test_long_steps_keep_the_batch_and_piece_invariance() -> None:
    """Replicate k is the same alone, in a batch, on 1 or 2 threads, and advanced in pieces; exact birth-death
    mean at 7-day steps (rates 0.1/day: 0.14 events per cell-day, so the cap is ``LONG_LEAP_MAX``)."""
    sc = peer_shape(300, 1e-3)
    kw = {"t_end": 100.0, "times": [0.0, 50.0, 100.0]}
    big = simulate(sc, engine="leap", n_replicates=12, seed=9, n_threads=2, long_steps=True, **kw)
    alone = simulate(sc, engine="leap", replicate_ids=[7], seed=9, n_threads=1, long_steps=True, **kw)
    np.testing.assert_array_equal(big.counts[7], alone.counts[0])
    pieces = Simulator(sc, engine="leap", n_replicates=12, seed=9, times=[0.0, 50.0, 100.0], long_steps=True)
    for t in (50.0, 100.0):
        pieces.advance(t)
    np.testing.assert_array_equal(pieces.result().counts, big.counts)
    b, d, t = 0.08, 0.06, 70.0
    res = simulate(birth_death(50, b, d), t_end=t, times=[t], engine="leap", n_replicates=4000, seed=73,
                   long_steps=True)
    assert_mean(res.final[:, 0].astype(float), 50 * math.exp((b - d) * t), M_TESTS)


def test_long_steps_must_be_a_bool() -> None:
    with pytest.raises(InvalidArgument, match="long_steps: must be True or False"):
        Simulator(peer_shape(10, 1e-3), engine="leap", long_steps="yes")  # type: ignore[arg-type]
