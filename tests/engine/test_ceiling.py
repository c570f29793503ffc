"""No silent overflow: every engine stops at the documented population ceiling.

Before the ceiling, birth 0.5/day from 1e9 cells gave -9.2e18 cells (int64 wrap) with exit 0 and
the ODE returned 1.8e87 cells (issue 14, "Garbage with exit 0").
"""

from __future__ import annotations

import numpy as np
import pytest

from oncoresist.engine import ENGINES, Simulator, simulate
from oncoresist.errors import PopulationCeilingError, ScenarioError
from oncoresist.model import load_scenario
from oncoresist.units import POPULATION_CEILING


def _fast(initial: float = 1e9, **extra: object) -> dict[str, object]:
    return {"name": "fast", "cell_types": [{"name": "a", "initial": initial, "birth": 0.5, "death": 0.1}], **extra}


@pytest.mark.parametrize("engine", ["tau", "ode"])
def test_fast_growth_fails_at_the_ceiling_naming_the_parameter(engine: str) -> None:
    with pytest.raises(PopulationCeilingError, match=r"^cell_types\.0\.birth: .*ceiling 1e\+15") as info:
        simulate(_fast(), t_end=365.0, engine=engine, seed=1)  # type: ignore[arg-type]
    # r = 0.4/day: 1e9 -> 1e15 cells takes ln(1e6)/0.4 = 34.5 days, so it stops within ~the first 35 days
    msg = str(info.value)
    day = float(msg.split("and day ")[1].split(" ")[0])
    assert day <= 40.0


def test_ssa_checks_the_ceiling_too() -> None:
    sc = {"cell_types": [{"name": "a", "initial": 10, "birth": 1.0, "death": 0.0}]}
    sim = Simulator(sc, engine="ssa", seed=1, times=[0.0, 5.0])
    sim.advance(5.0)  # far below the ceiling: no error
    assert 0 < sim.state.sum() < POPULATION_CEILING


@pytest.mark.parametrize("engine", ENGINES)
def test_counts_never_negative_below_the_ceiling(engine: str) -> None:
    sc = {"cell_types": [{"name": "a", "initial": 1e6 if engine != "ssa" else 50, "birth": 0.3, "death": 0.1}]}
    t_end = 60.0 if engine != "ssa" else 10.0
    res = simulate(sc, t_end=t_end, engine=engine, seed=3, n_replicates=2)  # type: ignore[arg-type]
    assert np.all(res.counts >= 0)
    assert np.all(res.counts.sum(axis=2) <= POPULATION_CEILING)


@pytest.mark.parametrize("engine", ["tau", "ode"])
def test_carrying_capacity_saturates_instead(engine: str) -> None:
    sc = _fast(competition={"carrying_capacity": 1e12})
    res = simulate(sc, t_end=365.0, engine=engine, seed=2, times=[0.0, 180.0, 365.0])  # type: ignore[arg-type]
    final = float(res.counts[0, -1].sum())
    assert 0.9e12 < final < 1.1e12  # logistic equilibrium at K (stochastic noise is ~sqrt(K))


def test_carrying_capacity_above_the_ceiling_is_rejected() -> None:
    with pytest.raises(ScenarioError, match="carrying_capacity"):
        load_scenario(_fast(competition={"carrying_capacity": 1e18}))


@pytest.mark.parametrize("engine", ENGINES)
def test_initial_population_above_the_ceiling_is_refused(engine: str) -> None:
    with pytest.raises(PopulationCeilingError, match=r"^initial: 1e\+30 initial cells") as info:
        Simulator(_fast(initial=10), engine=engine, initial=[1e30], seed=1)  # type: ignore[arg-type]
    assert info.value.param == "initial"


@pytest.mark.parametrize("engine", ["tau", "leap", "ode"])
def test_on_ceiling_stop_freezes_only_the_replicates_that_passed(engine: str) -> None:
    """A virtual trial's patient whose tumour passes 1e15 cells (long past any lethal burden) is stopped where it
    is, not the whole cohort aborted; the other replicates run exactly as they would alone."""
    times = [0.0, 10.0, 30.0, 60.0, 70.0]
    initial = np.array([[1e9], [10.0]])
    kw = {"engine": engine, "seed": 5, "times": times, "replicate_ids": [0, 1]}
    sim = Simulator(_fast(), initial=initial, on_ceiling="stop", **kw)  # type: ignore[arg-type]
    sim.advance(60.0)
    sim.advance(70.0)
    res = sim.result()
    assert sim.over_ceiling.tolist() == [True, False]
    assert sim.stopped.tolist() == [True, False]
    big = res.counts[0].sum(axis=1)
    assert big[2] < POPULATION_CEILING <= big[3]  # r = 0.4/day from 1e9: passes near day 34.5
    assert big[4] == big[3]  # frozen at the state it passed with
    assert res.provenance["parameters"]["over_ceiling"] == [0]
    alone = Simulator(_fast(), initial=initial[1:], engine=engine, seed=5, times=times, replicate_ids=[1])  # type: ignore[arg-type]
    alone.advance(70.0)
    if engine == "ode":  # one integration to day 70 against two (60, then 70): rounding only
        np.testing.assert_allclose(res.counts[1], alone.result().counts[0], rtol=1e-6)
    else:
        np.testing.assert_array_equal(res.counts[1], alone.result().counts[0])
    with pytest.raises(PopulationCeilingError):  # the default still refuses
        Simulator(_fast(), initial=initial, **kw).advance(70.0)  # type: ignore[arg-type]


def test_on_ceiling_must_be_a_known_mode() -> None:
    from oncoresist.errors import InvalidArgument

    with pytest.raises(InvalidArgument, match=r"^on_ceiling: 'ignore'"):
        Simulator(_fast(), on_ceiling="ignore")  # type: ignore[arg-type]
