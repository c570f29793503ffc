"""The engine contract, for every engine: reproducible, seed-sensitive, input-preserving,
picklable, and independent of batch size and thread count."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest

from engine.scenarios import rich_scenario
from oncoresist.engine import ENGINES, SimulationResult, Simulator, read_result, simulate
from oncoresist.errors import InvalidArgument

KW = {"t_end": 6.0, "times": [0.0, 3.0, 6.0]}


@pytest.mark.parametrize("engine", ENGINES)
def test_same_seed_same_result_different_seed_different(engine: str) -> None:
    sc = rich_scenario()
    a = simulate(sc, engine=engine, n_replicates=3, seed=5, **KW)
    b = simulate(sc, engine=engine, n_replicates=3, seed=5, **KW)
    c = simulate(sc, engine=engine, n_replicates=3, seed=6, **KW)
    np.testing.assert_array_equal(a.counts, b.counts)
    np.testing.assert_array_equal(a.concentrations, b.concentrations)
    assert not np.array_equal(a.counts, c.counts)  # the ODE differs through the PK variability


@pytest.mark.parametrize("engine", ENGINES)
def test_inputs_are_not_mutated(engine: str) -> None:
    sc = rich_scenario()
    before = copy.deepcopy(sc)
    ss = np.random.SeedSequence(123)
    times = np.array([0.0, 2.0, 4.0])
    simulate(sc, t_end=4.0, times=times, engine=engine, n_replicates=2, seed=ss)
    assert sc == before
    assert ss.n_children_spawned == 0
    np.testing.assert_array_equal(times, [0.0, 2.0, 4.0])


@pytest.mark.parametrize("engine", ENGINES)
def test_results_and_simulators_pickle(engine: str) -> None:
    res = simulate(rich_scenario(), engine=engine, n_replicates=2, seed=1, **KW)
    again = pickle.loads(pickle.dumps(res))
    assert isinstance(again, SimulationResult)
    np.testing.assert_array_equal(again.counts, res.counts)
    sim = Simulator(rich_scenario(), engine=engine, n_replicates=2, seed=1, times=[0.0, 3.0])
    sim.advance(1.0)
    clone = pickle.loads(pickle.dumps(sim))
    sim.advance(3.0)
    clone.advance(3.0)
    np.testing.assert_array_equal(sim.state, clone.state)


@pytest.mark.parametrize("engine", ["ssa", "tau"])
def test_batch_size_and_thread_invariance(engine: str) -> None:
    sc = rich_scenario()
    big = simulate(sc, engine=engine, n_replicates=12, seed=9, n_threads=2, **KW)
    small = simulate(sc, engine=engine, n_replicates=3, seed=9, n_threads=1, **KW)
    alone = simulate(sc, engine=engine, replicate_ids=[7], seed=9, **KW)
    np.testing.assert_array_equal(big.counts[:3], small.counts)
    np.testing.assert_array_equal(big.counts[7], alone.counts[0])
    assert len({tuple(c.ravel()) for c in big.counts}) == 12


def test_replicate_seeds_give_each_patient_its_own_stream() -> None:
    root = np.random.SeedSequence(77)
    kids = root.spawn(4)
    sc = rich_scenario()
    a = Simulator(sc, engine="tau", replicate_seeds=kids, times=[0.0, 5.0])
    b = Simulator(sc, engine="tau", replicate_seeds=kids[2:3], times=[0.0, 5.0])
    a.advance(5.0)
    b.advance(5.0)
    np.testing.assert_array_equal(a.state[2], b.state[0])


def test_steppable_interface() -> None:
    sc = rich_scenario()
    sim = Simulator(sc, engine="tau", n_replicates=4, seed=3, times=np.arange(0.0, 11.0))
    assert sim.state.shape == (4, 3) and sim.state.dtype == np.int64
    sim.advance(4.0)
    assert sim.t == 4.0
    sim.set_dose("x", 0.0, replicate_mask=[True, True, False, False])
    sim.set_dose("y", np.array([0.0, 1.0, 2.0, 3.0]))
    assert sim.doses[:, 0].tolist() == [0.0, 0.0, 3.0, 3.0]
    sim.advance(10.0)
    res = sim.result()
    assert res.counts.shape == (4, 11, 3)
    conc = res.concentrations[:, -1, 0]
    assert conc[0] < 1e-3 * conc[2] and conc[1] < 1e-3 * conc[3]
    assert sim.death_flux().shape == (4, 3) and np.all(sim.death_flux() >= 0)
    with pytest.raises(ValueError, match="before the current time"):
        sim.advance(5.0)


def test_state_never_negative_and_counts_are_integers() -> None:
    sc = rich_scenario(competition=True)
    for engine in ("ssa", "tau"):
        res = simulate(sc, engine=engine, n_replicates=5, seed=4, threshold=20, **KW)
        assert res.counts.dtype == np.int64 and res.counts.min() >= 0


def test_parquet_round_trip_with_metadata(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import pyarrow.parquet as pq

    from oncoresist import __version__

    res = simulate(rich_scenario(), engine="tau", n_replicates=3, seed=8, **KW)
    path = res.to_parquet(tmp_path / "run.parquet")
    meta = pq.read_schema(path).metadata[b"oncoresist"]
    assert b'"entropy": "8"' in meta and b'"engine": "tau"' in meta and __version__.encode() in meta
    back = read_result(path)
    np.testing.assert_array_equal(back.counts, res.counts)
    np.testing.assert_array_equal(back.final, res.final)
    assert back.scenario == res.scenario and back.seed == res.seed
    assert list(tmp_path.iterdir()) == [path]
    ds = res.to_xarray()
    assert ds["counts"].dims == ("replicate", "time", "cell_type")
    df = res.to_dataframe()
    assert len(df) == 3 * 3 * 3 and set(df.columns) == {"replicate", "time", "cell_type", "count"}


def test_interrupted_write_leaves_nothing(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import pyarrow.parquet as pq

    res = simulate(rich_scenario(), engine="tau", seed=8, **KW)
    real = pq.write_table

    def interrupted(table, where, **kw):  # type: ignore[no-untyped-def]
        real(table, where, **kw)
        raise KeyboardInterrupt

    monkeypatch.setattr(pq, "write_table", interrupted)
    with pytest.raises(KeyboardInterrupt):
        res.to_parquet(tmp_path / "run.parquet")
    assert list(tmp_path.iterdir()) == []


def test_auto_picks_by_population() -> None:
    from oncoresist.engine import choose_engine
    from oncoresist.model import compile_scenario

    small = {"cell_types": [{"name": "a", "initial": 100, "birth": 0.1, "death": 0.1}]}
    big = {"cell_types": [{"name": "a", "initial": 1e9, "birth": 0.1, "death": 0.1}]}
    assert choose_engine(compile_scenario(small), 365) == "ssa"
    assert choose_engine(compile_scenario(big), 365) == "leap"
    assert simulate(big, t_end=1.0, seed=1).engine == "leap"
    # 1.2 + 1.0 births and deaths plus a drug's kill of 1.0 per cell-day: 3.2 events per 1-day step, above
    # AUTO_LEAP_MAX_EVENTS (3), so the hybrid tau; at a half-day leap step, 1.6 events: leap again
    fast = {"cell_types": [{"name": "a", "initial": 1e9, "birth": 1.2, "death": 1.0}],
            "drugs": [{"name": "x", "effect": {"acts_on": "death", "emax": 1.0, "ec50": 1.0}}]}
    assert choose_engine(compile_scenario(fast), 365) == "tau"
    assert choose_engine(compile_scenario(fast), 365, dt=0.5) == "leap"
    assert simulate(fast, t_end=1.0, seed=1).engine == "tau"
    assert simulate(fast, t_end=1.0, seed=1, dt=0.5).engine == "leap"
    # the projection starts from an initial= override when one is given (largest replicate's total)
    assert Simulator(small, initial=[[100.0], [1e9]], n_replicates=2, seed=1).engine == "leap"
    assert Simulator(big, initial=[10.0], seed=1).engine == "ssa"
    # without the drug, 2.2 events per cell-day: leap
    assert choose_engine(compile_scenario({"cell_types": fast["cell_types"]}), 365) == "leap"


def test_bad_arguments() -> None:
    sc = rich_scenario()
    cases = [({"t_end": 1.0, "engine": "magic"}, "engine"), ({"t_end": -1.0}, "t_end"), ({"t_end": 0}, "t_end"),
             ({"t_end": "5"}, "t_end"), ({"t_end": 1.0, "n_replicates": 0}, "n_replicates"),
             ({"t_end": 1.0, "seed": -1}, "seed"), ({"t_end": 1.0, "dt": 0.0}, "dt"),
             ({"t_end": 1.0, "times": [-1.0, 0.0]}, "times")]
    for kwargs, param in cases:
        with pytest.raises(InvalidArgument, match=rf"^{param}: ") as info:
            simulate(sc, **kwargs)  # type: ignore[arg-type]
        assert info.value.param == param and "--" not in str(info.value)  # names the parameter, not a flag
    with pytest.raises(TypeError):
        simulate(sc, 1.0)  # type: ignore[misc]


@pytest.mark.parametrize("engine", ENGINES)
def test_progress_reports_do_not_change_the_result(engine: str) -> None:
    seen: list[float] = []
    times = np.arange(0.0, 6.5, 0.5)
    a = simulate(rich_scenario(), t_end=6.0, times=times, engine=engine, n_replicates=2, seed=3)
    b = simulate(rich_scenario(), t_end=6.0, times=times, engine=engine, n_replicates=2, seed=3, progress=seen.append)
    if engine == "ode":  # restarting the integrator moves the ODE by its tolerance only
        np.testing.assert_allclose(a.counts, b.counts, rtol=1e-6)
    else:
        np.testing.assert_array_equal(a.counts, b.counts)
    assert seen[-1] == 1.0 and len(seen) > 3


def test_result_repr_is_short_and_summary_matches_the_counts() -> None:
    res = simulate(rich_scenario(), engine="tau", n_replicates=4, seed=3, **KW)
    text = repr(res)
    assert len(text) < 300 and "4 replicate(s)" in text and "tau" in text
    s = res.summary
    np.testing.assert_allclose(s["mean"].to_numpy(), res.final.astype(float).mean(axis=0))
    d = res.to_dict()
    assert d["n_replicates"] == 4 and d["t_end"] == 6.0 and list(d["final_mean"]) == list(res.cell_types)
