"""Triggers are honoured by ``simulate()`` (not only by the CLI) and refused by the trial layer, whose
strategies decide the treatment: a scenario's triggers are never silently ignored."""

from __future__ import annotations

import math

import numpy as np
import pytest
from tests.engine.test_triggers import KILL, UP, B, run, scenario

from oncoresist.engine import simulate
from oncoresist.errors import InvalidArgument
from oncoresist.trial.engine_adapter import EngineModel


def test_simulate_applies_the_scenario_triggers_like_the_runner() -> None:
    sc = scenario([UP])
    res = simulate(sc, t_end=40.0, engine="ode", times=np.arange(0.0, 40.0 + 1e-9, 0.25))
    sim, _ = run(scenario([UP]), 40.0)
    ref = sim.result()
    np.testing.assert_allclose(res.counts, ref.counts)
    # mean field with the drug started on day 24 (the first daily check after 10·ln 10 days)
    expected = 1000 * math.exp(B * 24) * math.exp((B - KILL) * 16)
    assert res.counts[0, -1, 0] == pytest.approx(expected, rel=1e-5)
    assert "triggers" in res.provenance


def test_simulate_without_triggers_is_unchanged_by_the_hook() -> None:
    sc = scenario([])
    res = simulate(sc, t_end=10.0, engine="ode")
    assert res.counts[0, -1, 0] == pytest.approx(1000 * math.exp(B * 10), rel=1e-6)  # untreated growth
    assert "triggers" not in res.provenance


class _Handle:
    def __init__(self, data: dict[str, object]) -> None:
        self.data = data


def test_a_trial_refuses_a_scenario_with_triggers_naming_the_field() -> None:
    with pytest.raises(InvalidArgument, match="triggers") as info:
        EngineModel(_Handle(scenario([UP])), 2, {}, np.random.SeedSequence(1), [0, 1], method="ode")
    assert "\n" not in str(info.value)


def test_simulate_reports_progress_as_a_fraction_with_triggers_too() -> None:
    seen: list[float] = []
    simulate(scenario([UP]), t_end=40.0, engine="ode", progress=seen.append)
    assert seen and seen[-1] == pytest.approx(1.0)
    assert all(0.0 < f <= 1.0 for f in seen) and seen == sorted(seen)
