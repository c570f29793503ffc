"""Per-patient endpoints by one RECIST rule for every strategy (issue 11, item 4; DESIGN "Endpoints")."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from oncoresist.model import load_scenario
from oncoresist.trial.analysis import TrialAnalyser
from oncoresist.trial.run import run_trial
from oncoresist.trial.simulate import _line_endpoints
from oncoresist.trial.spec import parse_trial

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "trials"


def test_line_endpoints_by_hand() -> None:
    nan = np.nan
    # p0: PD on line 1 at 100, switch, PD on line 2 at 300; p1: ctDNA switch at 80 (no PD), PD on line 2 at 200;
    # p2: no progression, dies at 250 on line 1; p3: nothing in follow-up (1000)
    start = np.array([[0, 100], [0, 80], [0, nan], [0, nan]], float)
    pd = np.array([[100, 300], [nan, 200], [nan, nan], [nan, nan]], float)
    death = np.array([nan, nan, 250, nan])
    out = _line_endpoints(start, pd, np.full(4, nan), death, 1000.0)
    assert out["recist_pfs_time"].tolist() == [100, 200, 250, 1000]
    assert out["recist_pfs_event"].tolist() == [True, True, True, False]
    assert out["pfs2_time"].tolist() == [300, 1000, 250, 1000]
    assert out["pfs2_event"].tolist() == [True, False, True, False]
    assert out["line1_pfs_time"].tolist() == [100, 80, 250, 1000]
    assert out["line1_pfs_event"].tolist() == [True, False, True, False]  # the ctDNA switch censors line 1
    assert out["line2_pfs_time"][:2].tolist() == [200, 120] and np.isnan(out["line2_pfs_time"][2])
    assert out["strategy_failure_time"].tolist() == [300, 200, 250, 1000]


@pytest.fixture(scope="module")
def cohort() -> object:
    data = yaml.safe_load((EXAMPLES / "ctdna_guided_egfr.yaml").read_text())
    scen = load_scenario(EXAMPLES / data["arms"][0]["scenario"])
    data["patients_per_arm"] = 40
    data.pop("reference_arm", None)
    data["arms"] = [
        {"name": "continuous", "scenario": scen, "strategy": {"kind": "continuous", "drugs": ["erlotinib"]}},
        {"name": "sequential", "scenario": scen, "strategy": {"kind": "sequential",
                                                              "lines": [["erlotinib"], ["osimertinib"]]}},
        {"name": "adaptive", "scenario": scen, "strategy": {"kind": "adaptive", "drugs": ["erlotinib"]}},
    ]
    run = run_trial(parse_trial(data, source="endpoints"), seed=3)
    return run.patients


def test_sequential_lines_follow_each_other(cohort) -> None:  # type: ignore[no-untyped-def]
    seq = cohort[cohort["arm"] == "sequential"]
    switched = seq["line2_start"].notna()
    assert switched.sum() > 10
    # the second line starts at the first line's RECIST PD, and PFS2 comes after PFS1
    assert np.allclose(seq.loc[switched, "line2_start"], seq.loc[switched, "line1_pd"])
    assert (seq["pfs2_time"] >= seq["pfs1_time"]).all()
    assert (seq["strategy_failure_time"] >= seq["recist_pfs_time"]).all()
    # failure of the strategy is later than first progression for those who went on to line 2
    assert (seq.loc[switched, "strategy_failure_time"] > seq.loc[switched, "recist_pfs_time"]).all()


def test_one_line_strategy_fails_at_its_first_recist_pd(cohort) -> None:  # type: ignore[no-untyped-def]
    cont = cohort[cohort["arm"] == "continuous"]
    assert np.allclose(cont["strategy_failure_time"], cont["recist_pfs_time"])
    assert np.allclose(cont["recist_pfs_time"], cont["pfs_time"])  # continuous uses RECIST PD itself


def test_adaptive_is_judged_by_recist_too(cohort) -> None:  # type: ignore[no-untyped-def]
    ad = cohort[cohort["arm"] == "adaptive"]
    # RECIST PD (nadir-based) comes no later than adaptive therapy's own baseline-based rule
    both = ad["pfs_event"] & ad["recist_pfs_event"]
    assert both.sum() > 5
    assert (ad.loc[both, "recist_pfs_time"] <= ad.loc[both, "pfs_time"]).all()
    an = TrialAnalyser(endpoint="strategy_failure").fit(cohort)
    assert set(an.medians_.index) == {"continuous", "sequential", "adaptive"}


def test_endpoint_table_counts_plasma_detections_after_progression() -> None:
    import pandas as pd

    from oncoresist.trial.analysis import endpoint_table

    nan = float("nan")
    # by hand: patient 0 detected 30 d before PD (a lead), 1 and 2 detected 60 and 100 d after PD,
    # 3 progressed and was never detected, 4 censored (detected after follow-up ended is ignored)
    df = pd.DataFrame({
        "arm": ["a"] * 5, "pfs_time": [300.0, 200.0, 250.0, 400.0, 1095.0],
        "pfs_event": [True, True, True, True, False],
        "ctdna_first_any": [270.0, 260.0, 350.0, nan, 1100.0],
        "ctdna_lead_time": [30.0, nan, nan, nan, nan],
        "strategy_failure_time": [300.0, 200.0, 250.0, 400.0, 1095.0],
        "strategy_failure_event": [True, True, True, True, False],
    })
    row = endpoint_table(df).loc["a"]
    assert row["ctdna_lead_n"] == 1 and row["ctdna_lead_median_days"] == 30.0
    assert row["ctdna_after_pd_n"] == 2 and row["ctdna_delay_median_days"] == 80.0
