import dataclasses
import inspect

import numpy as np
import pytest

from oncoresist.monitor.recist import PD, PR, SD
from oncoresist.strategy.base import Observation
from oncoresist.strategy.policies import (
    POLICIES,
    Adaptive,
    Continuous,
    CtdnaGuided,
    DoseReduction,
    Intermittent,
    Sequential,
)


def obs(t, sod, recist=None, imaged=True, detected=None, marker=None):
    sod = np.asarray(sod, float)
    n = len(sod)
    return Observation(time=t, imaged=imaged, sod_mm=sod, baseline_mm=np.full(n, 100.0), nadir_mm=np.full(n, 100.0),
                       recist=np.asarray(recist if recist is not None else [SD] * n, np.int8),
                       ctdna_sampled=detected is not None, ctdna_detected=detected or {},
                       marker=None if marker is None else np.asarray(marker, float))


def test_observation_holds_no_cell_counts():
    names = {f.name for f in dataclasses.fields(Observation)}
    assert not any("cell" in n or "count" in n or "state" in n for n in names)
    for cls in POLICIES.values():
        params = list(inspect.signature(cls.decide).parameters)
        assert params == ["self", "obs", "state"]


def test_continuous_flags_first_pd_only():
    p = Continuous(["erlotinib"])
    s = p.start(2)
    d = p.decide(obs(56, [90, 130], [SD, PD]), s)
    assert d.progression.tolist() == [False, True]
    assert d.doses["erlotinib"].tolist() == [1.0, 1.0]
    d = p.decide(obs(112, [90, 140], [SD, PD]), s)
    assert not d.progression.any()
    stop = Continuous(["erlotinib"], stop_at_progression=True)
    s = stop.start(1)
    assert stop.decide(obs(56, [130], [PD]), s).doses["erlotinib"][0] == 0.0


def test_adaptive_stops_below_half_and_restarts_at_baseline():
    p = Adaptive(["abiraterone"], stop_fraction=0.5, restart_fraction=1.0, marker="marker")
    s = p.start(1)
    seq = [(0, 100, 1.0), (28, 60, 1.0), (56, 49, 0.0), (84, 80, 0.0), (112, 101, 1.0), (140, 70, 1.0)]
    for t, m, want in seq:
        d = p.decide(obs(t, [20], marker=[m]), s)
        assert d.doses["abiraterone"][0] == want, (t, m)
    # progression: >= 1.2 x baseline while on drug
    d = p.decide(obs(168, [20], marker=[125]), s)
    assert d.progression[0]


def test_intermittent_schedule():
    p = Intermittent(["x"], on_days=28, off_days=14)
    assert p.extra_decision_times(84).tolist() == [0, 28, 42, 70]
    s = p.start(1)
    assert p.decide(obs(10, [50], imaged=False), s).doses["x"][0] == 1.0
    assert p.decide(obs(30, [50], imaged=False), s).doses["x"][0] == 0.0
    assert p.decide(obs(43, [50], imaged=False), s).doses["x"][0] == 1.0


def test_sequential_switches_lines_at_progression():
    p = Sequential([["erlotinib"], ["osimertinib"], ["carboplatin", "pemetrexed"]])
    s = p.start(1)
    d = p.decide(obs(56, [130], [PD]), s)
    assert d.switched[0] and d.progression[0] and d.line[0] == 1
    assert d.doses["osimertinib"][0] == 1.0 and d.doses["erlotinib"][0] == 0.0
    d = p.decide(obs(112, [140], [PD]), s)
    assert d.line[0] == 2 and not d.progression[0]  # progression marks first-line PFS only
    assert d.doses["carboplatin"][0] == d.doses["pemetrexed"][0] == 1.0
    d = p.decide(obs(168, [160], [PD]), s)
    assert d.exhausted[0] and all(v[0] == 0 for v in d.doses.values())


def test_ctdna_guided_switches_before_imaging():
    p = CtdnaGuided([["erlotinib"], ["osimertinib"]], switch_on={0: ["EGFR T790M"]})
    s = p.start(2)
    det = {"EGFR T790M": np.array([True, False])}
    d = p.decide(obs(28, [80, 80], [SD, SD], imaged=False, detected=det), s)
    assert d.switched.tolist() == [True, False]
    assert not d.progression.any()
    assert d.doses["osimertinib"].tolist() == [1.0, 0.0]
    with pytest.raises(ValueError, match="does not measure"):
        p.decide(obs(56, [80, 80], detected={"EGFR C797S": np.zeros(2, bool)}), s)


def test_dose_reduction_after_response():
    p = DoseReduction(["x"], dose=1.0, reduced_dose=0.5)
    s = p.start(1)
    assert p.decide(obs(56, [60], [PR]), s).doses["x"][0] == 0.5
    d = p.decide(obs(112, [80], [PD]), s)  # PD on reduced dose: back to full, not progression
    assert d.doses["x"][0] == 1.0 and not d.progression[0]
    d = p.decide(obs(168, [100], [PD]), s)
    assert d.progression[0]
