"""Per-replicate parameters: batch invariance, equivalence with a rebuilt scenario, read-outs, stopping."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest
from tests.engine.scenarios import rich_scenario

from oncoresist.engine import ReplicateParameters, Simulator, simulate
from oncoresist.errors import InvalidArgument

TIMES = np.arange(0.0, 8.5, 0.5)
# Powers of two: scaling is exact in floating point whatever the order of the products, so a
# scenario rebuilt with scaled numbers packs to bit-identical arrays.
ROWS = [
    {"birth": 1.0, "death": 1.0, "drug_emax": 1.0, "drug_ec50": 1.0, "transitions": 1.0, "switch_rates": 1.0,
     "clearance": 1.0, "volume": 1.0},
    {"birth": 0.5, "death": 2.0, "drug_emax": 0.5, "drug_ec50": 2.0, "transitions": 2.0, "switch_rates": 0.5,
     "clearance": 2.0, "volume": 0.5},
    {"birth": 1.0, "death": 0.5, "drug_emax": 1.0, "drug_ec50": 0.5, "transitions": 0.5, "switch_rates": 2.0,
     "clearance": 0.5, "volume": 2.0},
]  # fmt: skip


def _params(rows: list[dict[str, float]]) -> ReplicateParameters:
    return ReplicateParameters(**{k: np.array([r[k] for r in rows]) for k in rows[0]})


def _rebuilt(row: dict[str, float], competition: bool = False) -> dict[str, Any]:
    """The rich scenario with one replicate's multipliers written into its numbers."""
    sc = copy.deepcopy(rich_scenario(competition=competition))
    for c in sc["cell_types"]:
        c["birth"] *= row["birth"]
        c["death"] *= row["death"]
    for d in sc["drugs"]:
        d["effect"]["emax"] = min(d["effect"]["emax"] * row["drug_emax"], 1.0)
        d["effect"]["ec50"] *= row["drug_ec50"]
        d["pk"]["clearance"] *= row["clearance"]
        d["pk"]["volume"] *= row["volume"]
    for t in sc["transitions"]:
        if t["kind"] == "mutation":
            t["probability"] *= row["transitions"]
        else:
            t["rate"] *= row["switch_rates"]
            t["rate_on_drug"] *= row["switch_rates"]
    return sc


def _run(sim: Simulator, t: float = 8.0) -> np.ndarray:
    sim.advance(t)
    return sim.result().counts


@pytest.mark.parametrize("engine", ["ssa", "tau", "ode"])
@pytest.mark.parametrize("competition", [False, True])
def test_batch_equals_one_replicate_built_with_those_parameters(engine: str, competition: bool) -> None:
    batch = Simulator(rich_scenario(competition=competition), engine=engine, n_replicates=3, seed=21, times=TIMES,
                      replicate_params=_params(ROWS), n_threads=2)  # type: ignore[arg-type]
    counts = _run(batch)
    assert not np.array_equal(counts[1], counts[2])  # the rows do differ
    for k, row in enumerate(ROWS):
        alone = Simulator(_rebuilt(row, competition), engine=engine, seed=21, replicate_ids=[k],  # type: ignore[arg-type]
                          times=TIMES)
        np.testing.assert_array_equal(counts[k], _run(alone)[0])
        # and a one-replicate batch with that row of parameters
        one = Simulator(rich_scenario(competition=competition), engine=engine, seed=21, replicate_ids=[k],  # type: ignore[arg-type]
                        times=TIMES, replicate_params=_params([row]))
        np.testing.assert_array_equal(counts[k], _run(one)[0])


@pytest.mark.parametrize("engine", ["ssa", "tau"])
def test_a_replicate_does_not_depend_on_the_others_parameters(engine: str) -> None:
    other = [dict(ROWS[1], birth=0.25, death=4.0), dict(ROWS[2], drug_emax=0.25, transitions=0.25)]
    a = _run(Simulator(rich_scenario(), engine=engine, n_replicates=3, seed=5, times=TIMES,  # type: ignore[arg-type]
                       replicate_params=_params([ROWS[1], ROWS[1], ROWS[2]])))
    b = _run(Simulator(rich_scenario(), engine=engine, n_replicates=3, seed=5, times=TIMES,  # type: ignore[arg-type]
                       replicate_params=_params([ROWS[1], *other])))
    np.testing.assert_array_equal(a[0], b[0])
    assert not np.array_equal(a[1:], b[1:])


def test_multipliers_of_one_change_nothing() -> None:
    plain = simulate(rich_scenario(), t_end=12.0, engine="tau", n_replicates=3, seed=4)
    ones = simulate(rich_scenario(), t_end=12.0, engine="tau", n_replicates=3, seed=4,
                    replicate_params=_params([ROWS[0]] * 3))
    np.testing.assert_array_equal(plain.counts, ones.counts)
    np.testing.assert_array_equal(plain.concentrations, ones.concentrations)
    assert "replicate_params" in ones.provenance["parameters"]


def test_full_shape_arrays_and_per_replicate_initial_counts() -> None:
    # per-type birth multipliers: only R's birth changes in replicate 1
    birth = np.ones((2, 3))
    birth[1, 2] = 0.0
    sim = Simulator(rich_scenario(), engine="tau", n_replicates=2, seed=3, times=TIMES,
                    initial=[[300, 0, 5], [300, 0, 500]], replicate_params=ReplicateParameters(birth=birth))
    b, _ = sim.rates()
    assert b[1, 2] == 0.0 and b[0, 2] > 0.0
    np.testing.assert_array_equal(b[:, :2], np.tile(b[0, :2], (2, 1)))
    sim.advance(12.0)
    res = sim.result()
    assert res.counts[1, 0, 2] == 500 and res.counts[1, -1, 2] < 500  # R cannot divide in replicate 1


def test_rates_and_death_flux_use_each_replicates_parameters() -> None:
    sc = {"cell_types": [{"name": "A", "initial": 100, "birth": 0.3, "death": 0.1}]}
    sim = Simulator(sc, engine="tau", n_replicates=2, seed=1,
                    replicate_params=ReplicateParameters(death=np.array([1.0, 2.0])))
    _, d = sim.rates()
    np.testing.assert_allclose(d[:, 0], [0.1, 0.2])
    np.testing.assert_allclose(sim.death_flux()[:, 0], [10.0, 20.0])


def test_stop_replicates_freezes_them_and_leaves_the_others_unchanged() -> None:
    ref = Simulator(rich_scenario(), engine="tau", n_replicates=3, seed=9, times=TIMES)
    sim = Simulator(rich_scenario(), engine="tau", n_replicates=3, seed=9, times=TIMES)
    ref.advance(4.0)
    sim.advance(4.0)
    frozen = sim.state[1].copy()
    sim.stop_replicates([False, True, False])
    sim.set_dose("x", 10.0)  # does not reach the stopped replicate
    ref.set_dose("x", 10.0)
    ref.advance(8.0)
    sim.advance(8.0)
    np.testing.assert_array_equal(sim.state[[0, 2]], ref.state[[0, 2]])
    np.testing.assert_array_equal(sim.state[1], frozen)
    assert sim.doses[1, 0] == 0.0 and sim.stopped.tolist() == [False, True, False]
    counts = sim.result().counts
    assert np.all(counts[1, TIMES > 4.0] == frozen)
    sim.stop_replicates([True, False, False], remove_cells=True)
    assert np.all(sim.state[0] == 0) and np.all(sim.death_flux()[0] == 0.0)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"birth": np.ones(3)}, r"replicate_params\.birth has shape \(3,\)"),
        ({"drug_emax": np.ones((2, 3))}, r"drug_emax has shape"),
        ({"death": np.array([1.0, -1.0])}, r"death must be finite and non-negative"),
        ({"drug_ec50": np.array([1.0, 0.0])}, r"drug_ec50 must be finite and positive"),
        ({"clearance": np.array([1.0, np.nan])}, r"clearance must be finite"),
        ({"transitions": np.array([1.0, 200.0])}, r"transitions: replicate 1's transition probabilities"),
    ],
)
def test_bad_replicate_params_are_rejected(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        Simulator(rich_scenario(), engine="tau", n_replicates=2, seed=1, replicate_params=ReplicateParameters(**kwargs))


def test_replicate_params_must_be_the_dataclass() -> None:
    with pytest.raises(InvalidArgument, match=r"^replicate_params: .*ReplicateParameters"):
        Simulator(rich_scenario(), n_replicates=2, replicate_params={"birth": [1, 1]})  # type: ignore[arg-type]
