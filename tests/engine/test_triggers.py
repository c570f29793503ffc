"""Treatment triggers: when they fire (against closed-form mean-field times), what they change,
arming after another trigger, repeats, stopping, reproducibility; bad input names the field."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from oncoresist.cli import app
from oncoresist.engine import Simulator, read_result
from oncoresist.engine.triggers import TriggerRunner, trigger_summary
from oncoresist.errors import InvalidArgument, ScenarioError

B, D, KILL = 0.1, 0.0, 0.3  # pure birth 0.1/day; the drug adds 0.3/day death: net −0.2/day on drug


def scenario(triggers: list[dict[str, Any]], *, resistant: float = 0.0, check: float = 1.0,
             treatment: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "cell_types": [{"name": "S", "initial": 1000, "birth": B, "death": D},
                       {"name": "R", "initial": resistant, "birth": B, "death": D, "pd": {"kill": {"emax": 0.0}}}],
        "drugs": [{"name": "kill", "pk": {"model": "constant"},
                   "effect": {"acts_on": "death", "emax": KILL, "ec50": 1e-7}}],
        "treatment": treatment or [],
        "triggers": triggers,
        "trigger_check_interval": check,
    }


UP = {"name": "detect", "when": {"kind": "crossing", "direction": "up", "threshold": 1e4},
      "then": [{"drug": "kill", "dose": 1.0}]}


def run(sc: dict[str, Any], t_end: float, **kw: Any) -> tuple[Simulator, TriggerRunner]:
    sim = Simulator(sc, engine=kw.pop("engine", "ode"), times=np.arange(0.0, t_end + 1e-9, 0.25), **kw)
    runner = TriggerRunner(sim)
    runner.advance(t_end)
    return sim, runner


def test_crossing_up_fires_at_the_first_check_after_the_crossing_and_starts_the_drug() -> None:
    # mean field: 1000·e^{0.1 t} reaches 1e4 at t* = 10·ln 10 = 23.03 days; daily checks act on day 24
    sim, r = run(scenario([UP]), 40.0)
    t_star = math.log(10.0) / B
    assert r.first_time[0, 0] == math.ceil(t_star)
    assert r.first_measure[0, 0] == pytest.approx(1000 * math.exp(B * 24), rel=1e-6)
    # the stated overshoot bound: below threshold · e^{r·Δ}
    assert 1e4 <= r.first_measure[0, 0] <= 1e4 * math.exp(B * 1.0)
    # from day 24 on the drug acts: net −0.2/day
    expected = 1000 * math.exp(B * 24) * math.exp((B - KILL) * 16)
    assert sim.state[0, 0] == pytest.approx(expected, rel=1e-5)
    conc = sim.result().concentrations[0, :, 0]
    times = sim.result().times
    # a record at a check time shows the state on arrival there, before the change made at it
    assert np.all(conc[times <= 24] == 0) and np.all(conc[times > 24] == 1.0)


@pytest.mark.parametrize("check", [0.5, 0.1])
def test_a_shorter_check_interval_acts_sooner(check: float) -> None:
    _, r = run(scenario([UP], check=check), 30.0)
    t_star = math.log(10.0) / B
    assert t_star <= r.first_time[0, 0] < t_star + check + 1e-9
    assert r.first_measure[0, 0] / 1e4 - 1 < math.exp(B * check) - 1 + 1e-9


def test_crossing_down_stops_the_drug_and_a_named_type_can_be_watched() -> None:
    # drug from day 0 (fixed schedule); stop it when S falls to 100: 1000·e^{−0.2 t} = 100 at 11.5 days
    down = {"name": "holiday", "when": {"kind": "crossing", "cells": "S", "direction": "down", "threshold": 100},
            "then": [{"drug": "kill", "dose": 0.0}]}
    sc = scenario([down], resistant=50, treatment=[{"drug": "kill", "start": 0, "dose": 1.0}])
    sim, r = run(sc, 30.0)
    assert r.first_time[0, 0] == math.ceil(math.log(10.0) / (KILL - B))
    t = r.first_time[0, 0]
    # the watched type is S alone (R grows throughout and the total never falls to 100)
    assert sim.state[0, 0] == pytest.approx(1000 * math.exp(-(KILL - B) * t) * math.exp(B * (30 - t)), rel=1e-5)
    assert sim.state[0, 1] == pytest.approx(50 * math.exp(B * 30), rel=1e-5)


def test_relapse_to_a_size_needs_a_response_first_and_after_arms_at_the_firing() -> None:
    relapse = {"name": "second", "after": "detect", "when": {"kind": "relapse", "size": 1e4},
               "then": [{"drug": "kill", "dose": 0.0}]}
    sim, r = run(scenario([UP, relapse], resistant=10), 120.0)
    t1, t2 = r.first_time[0]
    # not at the detection check itself, although the total is above 1e4 there
    assert t1 == math.ceil(math.log(1e4 / 1010) / B) and t2 > t1
    res = sim.result()
    total = res.counts[0].sum(axis=1)
    checks = res.times[(res.times > t1) & (res.times < t2) & (np.mod(res.times, 1.0) == 0)]
    idx = np.searchsorted(res.times, checks)
    assert np.any(total[idx] < 1e4)  # it responded in between
    k = np.searchsorted(res.times, t2)
    assert total[k] >= 1e4 and total[np.searchsorted(res.times, t2 - 1)] < 1e4
    # the second trigger switched the drug off at t2
    assert np.all(res.concentrations[0, res.times > t2, 0] == 0.0)


def test_relapse_by_fold_from_nadir() -> None:
    prog = {"name": "progression", "after": "detect", "when": {"kind": "relapse", "fold_from_nadir": 1.2}}
    sim, r = run(scenario([UP, prog], resistant=10), 150.0)
    res = sim.result()
    total = res.counts[0].sum(axis=1)
    t1, t2 = r.first_time[0]
    daily = (res.times >= t1) & (np.mod(res.times, 1.0) == 0)
    tt, xx = res.times[daily], total[daily]
    nadir_before = np.minimum.accumulate(xx)
    first = int(np.flatnonzero(xx >= 1.2 * nadir_before)[0])
    assert tt[first] == t2
    assert r.first_measure[0, 1] == pytest.approx(xx[first])


def test_repeat_triggers_cycle_the_drug_within_the_band() -> None:
    # adaptive therapy in the style of Zhang et al. 2017: off below 5e3, on again above 1e4
    on = {"name": "on", "repeat": True, "when": {"kind": "crossing", "direction": "up", "threshold": 1e4},
          "then": [{"drug": "kill", "dose": 1.0}]}
    off = {"name": "off", "repeat": True, "when": {"kind": "crossing", "direction": "down", "threshold": 5e3},
           "then": [{"drug": "kill", "dose": 0.0}]}
    sim, r = run(scenario([on, off], check=0.25), 200.0)
    assert r.n_fired[0, 0] >= 3 and r.n_fired[0, 1] >= 3
    assert abs(int(r.n_fired[0, 0]) - int(r.n_fired[0, 1])) <= 1
    res = sim.result()
    later = res.times > r.first_time[0, 0]
    total = res.counts[0, later].sum(axis=1)
    assert total.max() <= 1e4 * math.exp(B * 0.25) * (1 + 1e-6)
    assert total.min() >= 5e3 * math.exp(-(KILL - B) * 0.25) * (1 - 1e-6)


def test_stop_ends_the_replicate_and_the_summary_conditions_on_arming() -> None:
    fail = {"name": "failure", "after": "detect", "when": {"kind": "relapse", "size": 1e4}, "stop": True}
    sim, r = run(scenario([UP, fail], resistant=10), 200.0)
    assert sim.stopped[0]
    frozen = sim.state.copy()
    assert frozen.sum() >= 1e4
    summary = trigger_summary(r.result())
    assert summary.loc["failure", "armed"] == 1 and summary.loc["failure", "fired"] == 1


def test_stochastic_replicates_are_the_same_alone_or_in_a_batch() -> None:
    sc = scenario([UP, {"name": "failure", "after": "detect", "when": {"kind": "relapse", "size": 1e4},
                        "stop": True}], resistant=3)
    sc["cell_types"][0]["initial"] = 20
    sc["cell_types"][0]["death"] = 0.05
    batch_sim, batch = run(sc, 200.0, engine="tau", n_replicates=6, seed=7)
    for k in (0, 4):
        one_sim, one = run(sc, 200.0, engine="tau", replicate_ids=[k], seed=7)
        np.testing.assert_array_equal(one.first_time[0], batch.first_time[k])
        np.testing.assert_array_equal(one_sim.result().counts[0], batch_sim.result().counts[k])
    again_sim, _ = run(sc, 200.0, engine="tau", n_replicates=6, seed=7)
    np.testing.assert_array_equal(again_sim.result().counts, batch_sim.result().counts)
    assert np.isfinite(batch.first_time[:, 0]).any()  # the comparison covered a firing


def test_no_triggers_is_a_plain_advance() -> None:
    sc = scenario([])
    a = Simulator(sc, engine="tau", n_replicates=3, seed=2, times=[0, 10, 20])
    TriggerRunner(a).advance(20.0)
    b = Simulator(sc, engine="tau", n_replicates=3, seed=2, times=[0, 10, 20])
    b.advance(20.0)
    np.testing.assert_array_equal(a.result().counts, b.result().counts)


@pytest.mark.parametrize(("bad", "message"), [
    ({"when": {"kind": "crossing", "direction": "up", "threshold": -1}}, "triggers.0.when.threshold"),
    ({"when": {"kind": "crossing", "direction": "sideways", "threshold": 1}}, "triggers.0.when.direction"),
    ({"when": {"kind": "relapse"}}, "triggers.0.when: give size, fold_from_nadir or both"),
    ({"when": {"kind": "relapse", "fold_from_nadir": 0.9}}, "triggers.0.when.fold_from_nadir"),
    ({"when": {"kind": "crossing", "direction": "up", "threshold": 1, "cells": ["X"]}},
     "triggers.0.when.cells.0: unknown cell type 'X'"),
    ({"then": [{"drug": "nope", "dose": 1}]}, "triggers.0.then.0.drug: unknown drug 'nope'"),
    ({"after": "nothing"}, "triggers.0.after: unknown trigger 'nothing'"),
    ({"after": "detect"}, "triggers.0.after: 'detect' waits for itself"),
    ({"then": [{"drug": "kill", "dose": -1}]}, "triggers.0.then.0.dose"),
])
def test_bad_triggers_name_the_field(bad: dict[str, Any], message: str) -> None:
    trig = {**UP, **bad}
    with pytest.raises(ScenarioError, match=None) as info:
        Simulator(scenario([trig]), engine="ode")
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_bad_runner_arguments() -> None:
    sim = Simulator(scenario([UP]), engine="ode")
    with pytest.raises(InvalidArgument, match="check_interval"):
        TriggerRunner(sim, check_interval=0)
    with pytest.raises(InvalidArgument, match=r"^t: "):
        r = TriggerRunner(sim)
        r.advance(5.0)
        r.advance(1.0)
    with pytest.raises(ScenarioError, match=r"triggers\.0\.when\.cells\.0"):
        TriggerRunner(sim, triggers=[{**UP, "when": {**UP["when"], "cells": "Z"}}])  # type: ignore[list-item]


def test_cli_runs_the_triggers_and_stores_their_record(tmp_path: Path) -> None:
    fail = {"name": "failure", "after": "detect", "when": {"kind": "relapse", "size": 1e4}, "stop": True}
    sc = tmp_path / "sc.yaml"
    sc.write_text(yaml.safe_dump(scenario([UP, fail], resistant=10)))
    out = tmp_path / "run.parquet"
    res = CliRunner().invoke(app, ["simulate", str(sc), "--engine", "ode", "--t-end", "200", "--record-every", "10",
                                   "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "detect: fired in 1 of 1" in res.output and "failure: fired in 1 of the 1 where 'detect' fired" in res.output
    stored = read_result(out)
    assert stored.times.tolist() == [float(t) for t in range(0, 201, 10)]
    summary = trigger_summary(stored)
    assert summary.loc["detect", "median_day"] == 23.0  # 1010·e^{0.1 t} = 1e4 at t = 22.9 days
    bad = CliRunner().invoke(app, ["simulate", str(sc), "--record-every", "0", "--out", str(tmp_path / "x.parquet")])
    assert bad.exit_code == 2 and "--record-every" in bad.output and not (tmp_path / "x.parquet").exists()
