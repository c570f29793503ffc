"""Trials on the evolution engine (EGFR example scenario): reproducibility and per-patient parameters."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from oncoresist.trial.run import load_results, run_trial
from oncoresist.trial.spec import TrialError, load_trial

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "trials"


@pytest.fixture
def egfr_trial(tmp_path):
    data = yaml.safe_load((EXAMPLES / "flaura_egfr.yaml").read_text())
    for arm in data["arms"]:
        arm["scenario"] = str(EXAMPLES / "scenarios" / "egfr_nsclc.yaml")
    data["follow_up_days"] = 400
    p = tmp_path / "egfr.yaml"
    p.write_text(yaml.safe_dump(data))
    return p


def test_engine_trial_is_batch_independent(egfr_trial, tmp_path):
    spec = load_trial(egfr_trial)
    run_trial(spec, out_dir=tmp_path / "a", patients=12, seed=8, batch_size=12)
    run_trial(spec, out_dir=tmp_path / "b", patients=12, seed=8, batch_size=5)
    a, tl_a, _ = load_results(tmp_path / "a")
    b, tl_b, _ = load_results(tmp_path / "b")
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(tl_a, tl_b)
    # cohort factors reach the engine: larger initial burden -> larger baseline scan
    rho = np.corrcoef(np.log(a["param:initial_cells"]), a["baseline_mm"])[0, 1]
    assert rho > 0.9
    # the resistant factors are per type and independent
    assert not np.allclose(a["param:resistant_fraction:T790M"], a["param:resistant_fraction:MET_amp"])
    # osimertinib kills T790M cells: on erlotinib T790M dominates more progressions
    assert set(a["arm"]) == {"erlotinib", "osimertinib"}
    assert (tl_a.filter(like="cells:").to_numpy() >= 0).all()


def test_mismatched_drug_and_tracking_are_reported(egfr_trial, tmp_path):
    data = yaml.safe_load(egfr_trial.read_text())
    data["arms"][0]["strategy"]["drugs"] = ["gefitinib"]
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data))
    with pytest.raises(TrialError, match="gefitinib"):
        run_trial(load_trial(bad), out_dir=tmp_path / "o", patients=2, seed=1)
    data = yaml.safe_load(egfr_trial.read_text())
    data["monitor"]["ctdna"]["track"] = {"EGFR T790M": ["nope"]}
    bad.write_text(yaml.safe_dump(data))
    with pytest.raises(TrialError, match=r"monitor.ctdna.track.EGFR T790M"):
        run_trial(load_trial(bad), out_dir=tmp_path / "o2", patients=2, seed=1)
