"""Each resistant route's own growth factor (``CohortSpec.resistant_growth``) and the scan visit windows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from oncoresist.trial.cohort import RESISTANT_SLOTS, patient_seeds, sample_cohort, visit_offsets
from oncoresist.trial.engine_adapter import EngineModel
from oncoresist.trial.models import open_scenario
from oncoresist.trial.simulate import _dated
from oncoresist.trial.spec import CohortSpec, Distribution, ImagingSpec, ScanPhase

from .test_engine_adapter import SCENARIO


def _seeds(n: int) -> list[np.random.SeedSequence]:
    return patient_seeds(np.random.SeedSequence(21), 1, n)[0]


def test_resistant_growth_is_one_independent_lognormal_factor_per_type() -> None:
    seeds = _seeds(4000)
    base = sample_cohort(CohortSpec(growth=Distribution(dist="lognormal", median=1.0, sigma=0.1)), seeds)
    cohort = CohortSpec(growth=Distribution(dist="lognormal", median=1.0, sigma=0.1),
                        resistant_growth=Distribution(dist="lognormal", median=1.0, sigma=0.8))
    out = sample_cohort(cohort, seeds, n_resistant=RESISTANT_SLOTS + 3)
    rg = out["resistant_growth"]
    assert rg.shape == (4000, RESISTANT_SLOTS + 3)
    logs = np.log(rg)
    assert np.allclose(logs.std(axis=0), 0.8, rtol=0.06)  # the stated spread, for every type
    assert np.allclose(np.median(logs, axis=0), 0.0, atol=0.06)
    corr = np.corrcoef(logs.T)[np.triu_indices(rg.shape[1], 1)]
    assert np.max(np.abs(corr)) < 0.1  # independent between routes
    assert abs(np.corrcoef(logs[:, 0], np.log(out["growth"]))[0, 1]) < 0.1  # and of the shared growth factor
    # adding the factor moved no earlier draw; fewer types give the same first types' factors
    np.testing.assert_array_equal(out["growth"], base["growth"])
    few = sample_cohort(cohort, seeds)["resistant_growth"]
    np.testing.assert_array_equal(few, rg[:, :RESISTANT_SLOTS])
    assert np.all(base["resistant_growth"] == 1.0)


def test_resistant_growth_refuses_luria_delbruck() -> None:
    with pytest.raises(ValidationError, match="resistant_growth: luria_delbruck"):
        CohortSpec(resistant_growth=Distribution(dist="luria_delbruck", clones=[1.0], cells=[10.0]))


def _grown(factor: float, cap: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Log growth over 30 drug-free days of the pre-existing resistant types (T790M, MET_amp) and of all types."""
    handle = open_scenario(SCENARIO)
    factors = {"resistant_growth": np.full((1, RESISTANT_SLOTS), factor)}
    if cap is not None:
        factors["resistant_growth_max_net"] = np.array([cap])
    model = EngineModel(handle, 1, factors, np.random.SeedSequence(3), [0], method="ode")
    start = model.state[0].copy()
    model.advance(30.0)
    grown = np.log(model.state[0] / np.where(start > 0, start, 1.0))
    names = list(model.cell_types)
    return grown[[names.index("T790M"), names.index("MET_amp")]], grown


def test_the_factor_scales_each_resistant_routes_drug_free_net_growth_only() -> None:
    one_res, one_all = _grown(1.0)
    two_res, two_all = _grown(2.0)
    # a route's log growth over 30 days doubles (up to the small mutational inflow from the sensitive clone)
    np.testing.assert_allclose(two_res / one_res, 2.0, rtol=0.1)
    assert two_all[0] == pytest.approx(one_all[0], rel=1e-9)  # the sensitive clone is untouched


def test_the_cap_lowers_a_factor_that_would_pass_the_largest_net_growth() -> None:
    one_res, _ = _grown(1.0)  # egfr_nsclc.yaml: net growth 0.14 - 0.125 = 0.015 per day
    capped, _ = _grown(100.0, cap=0.05)
    np.testing.assert_allclose(capped / one_res, 0.05 / 0.015, rtol=0.1)
    below, _ = _grown(2.0, cap=0.05)  # under the cap: left alone
    np.testing.assert_allclose(below / one_res, 2.0, rtol=0.1)


def test_visit_offsets_stay_inside_each_scans_window() -> None:
    seeds = _seeds(3000)
    w = [0.0, 7.0, 7.0, 3.0]
    off = visit_offsets(seeds, w)
    assert off.shape == (3000, 4)
    assert np.all(off[:, 0] == 0.0)
    for j in (1, 2, 3):
        assert np.all(np.abs(off[:, j]) <= w[j])
        assert off[:, j].std() == pytest.approx(w[j] / np.sqrt(3), rel=0.06)  # uniform on (-w, w)
    assert abs(np.corrcoef(off[:, 1], off[:, 2])[0, 1]) < 0.1  # a draw per visit
    assert not np.any(visit_offsets(seeds, [0.0, 0.0]))


def test_events_are_dated_on_their_visit_and_censoring_is_not() -> None:
    times = np.array([0.0, 28.0, 42.0, 84.0])
    off = np.array([[0.0, 0.0, -5.0, 6.0], [0.0, 0.0, 3.0, -2.0]])
    out = _dated(np.array([42.0, np.nan]), times, off, t_end=84.0)
    assert out[0] == 37.0 and np.isnan(out[1])
    assert _dated(np.array([84.0, 84.0]), times, off, t_end=84.0).tolist() == [84.0, 82.0]  # capped at the end
    two = _dated(np.array([[28.0, 42.0], [84.0, np.nan]]), times, off, t_end=90.0)
    assert two[0].tolist() == [28.0, 37.0] and two[1, 0] == 82.0 and np.isnan(two[1, 1])


def test_scan_windows_follow_the_schedule_and_must_keep_visits_in_order() -> None:
    img = ImagingSpec(schedule=[ScanPhase(every_days=42, until_days=126, window_days=7),
                                ScanPhase(every_days=84, window_days=14)])
    assert img.scan_times(300) == [0.0, 42.0, 84.0, 126.0, 210.0, 294.0]
    assert img.scan_windows(300) == [0.0, 7.0, 7.0, 7.0, 14.0, 14.0]
    with pytest.raises(ValidationError, match=r"window_days \(21\) must be less than half of every_days \(42\)"):
        ScanPhase(every_days=42, window_days=21)


def _trial(window: float, n: int = 30) -> pd.DataFrame:
    from pathlib import Path

    import yaml

    from oncoresist.trial.run import run_trial
    from oncoresist.trial.spec import parse_trial

    ex = Path(__file__).resolve().parents[2] / "examples" / "trials"
    data = yaml.safe_load((ex / "ctdna_guided_egfr.yaml").read_text())
    data["patients_per_arm"] = n
    data["follow_up_days"] = 700
    data["arms"] = [{**data["arms"][0], "scenario": str(ex / data["arms"][0]["scenario"])}]
    data["monitor"]["imaging"].pop("every_days", None)
    data["monitor"]["imaging"]["schedule"] = [{"every_days": 42, "window_days": window}]
    run = run_trial(parse_trial(data, source="test"), seed=4)
    assert run.patients is not None
    return run.patients


def test_progression_dates_move_inside_the_visit_window_and_nothing_else_does() -> None:
    on_day, windowed = _trial(0.0), _trial(7.0)
    ev = on_day["pfs_event"].astype(bool) & (on_day["pfs_time"] < 700)
    assert ev.sum() >= 10
    nominal = on_day.loc[ev, "pfs_time"].to_numpy()
    assert np.all(np.isclose(nominal % 42, 0))  # without a window: on the grid
    moved = windowed.loc[ev, "pfs_time"].to_numpy()
    assert np.all(np.abs(moved - nominal) <= 7.0)  # the same scan, dated within its window
    assert np.mean(~np.isclose(moved % 42, 0)) > 0.8  # and off the grid
    # the tumour, the decisions and the cohort are the same patients
    np.testing.assert_array_equal(windowed["best_response"], on_day["best_response"])
    np.testing.assert_array_equal(windowed["param:growth"], on_day["param:growth"])
