"""``model_guided``: forecast-triggered switching from the scans alone."""

from __future__ import annotations

import numpy as np
import pytest

from oncoresist.errors import OncoresistError
from oncoresist.monitor.recist import SD
from oncoresist.strategy import POLICIES
from oncoresist.strategy.base import Observation
from oncoresist.strategy.model_guided import ModelGuided


def _obs(t: float, sod: np.ndarray, nadir: np.ndarray) -> Observation:
    n = sod.size
    return Observation(time=t, imaged=True, sod_mm=sod, baseline_mm=np.full(n, 60.0), nadir_mm=nadir,
                       recist=np.full(n, SD, dtype=np.int8))


def test_regrowing_patient_switches_before_recist_and_stable_one_does_not() -> None:
    pol = POLICIES["model_guided"](lines=[["erlotinib"], ["osimertinib"]], threshold=0.5, horizon_days=56)
    state = pol.start(2)
    # patient 0 regrows from a 30 mm nadir (+10% per scan, still below +20%); patient 1 stays at 30 mm
    scans = [(0, [30.0, 30.0]), (56, [33.0, 30.0]), (112, [35.0, 30.5])]
    switched = np.zeros(2, bool)
    for t, sod in scans:
        dec = pol.decide(_obs(t, np.array(sod), np.array([30.0, 30.0])), state)
        switched |= dec.switched
        assert not dec.progression.any()  # no RECIST PD was observed
    assert switched.tolist() == [True, False]
    assert dec.line.tolist() == [1, 0]
    assert dec.doses["osimertinib"].tolist() == [1.0, 0.0]


def test_forecast_probability_rises_with_the_slope() -> None:
    pol = ModelGuided(lines=[["a"]], min_scans=3)
    state = pol.start(3)
    for t, sod in [(0, [30, 30, 30]), (56, [30, 31, 33]), (112, [30, 32, 36])]:
        pol.decide(_obs(t, np.array(sod, float), np.full(3, 30.0)), state)
    p = pol.p_progression(state, np.full(3, 30.0))
    assert p[0] < p[1] < p[2]


def test_settings_are_checked() -> None:
    with pytest.raises(OncoresistError, match="threshold"):
        ModelGuided(lines=[["a"]], threshold=1.5)
    with pytest.raises(OncoresistError, match="min_scans"):
        ModelGuided(lines=[["a"]], min_scans=5, window=4)
