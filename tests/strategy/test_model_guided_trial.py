"""``model_guided`` in a virtual trial: the example trial file names it beside RECIST- and ctDNA-triggered switching."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from oncoresist.model import load_scenario
from oncoresist.strategy.model_guided import ModelGuided
from oncoresist.trial.run import run_trial
from oncoresist.trial.spec import TrialError, build_policy, load_trial, parse_trial

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "trials"
EXAMPLE = EXAMPLES / "model_guided_egfr.yaml"


def test_example_trial_names_three_switching_rules() -> None:
    spec = load_trial(EXAMPLE)
    kinds = [arm.strategy.kind for arm in spec.arms]
    assert kinds == ["sequential", "ctdna_guided", "model_guided"]
    pol = build_policy(spec.arms[2].strategy)
    assert isinstance(pol, ModelGuided)
    assert (pol.threshold, pol.horizon_days, pol.window, pol.min_scans) == (0.5, 56.0, 4, 3)


@pytest.fixture(scope="module")
def small_run() -> object:
    data = yaml.safe_load(EXAMPLE.read_text())
    scen = load_scenario(EXAMPLES / data["arms"][0]["scenario"])
    for arm in data["arms"]:
        arm["scenario"] = scen
    data["patients_per_arm"] = 40
    return run_trial(parse_trial(data, source="model_guided_small"), seed=5).patients


def test_model_guided_switches_no_later_than_recist_and_sometimes_earlier(small_run) -> None:  # type: ignore[no-untyped-def]
    mg = small_run[small_run["arm"] == "model-guided switch"]
    seq = small_run[small_run["arm"] == "switch at progression"]
    assert len(mg) == 40 and len(seq) == 40
    switched = mg["line2_start"].notna()
    assert switched.sum() > 10
    # a switch happens at the first line's RECIST PD at the latest
    pd1 = mg["line1_pd"]
    both = switched & pd1.notna()
    assert (mg.loc[both, "line2_start"] <= mg.loc[both, "line1_pd"] + 1e-9).all()
    # the forecast rule fires before radiographic progression for some patients (none in the RECIST arm)
    early = switched & (pd1.isna() | (mg["line2_start"] < pd1 - 1e-9))
    assert early.sum() >= 1
    seq_sw = seq["line2_start"].notna()
    assert np.allclose(seq.loc[seq_sw, "line2_start"], seq.loc[seq_sw, "line1_pd"])


def test_bad_model_guided_settings_name_the_field() -> None:
    data = yaml.safe_load(EXAMPLE.read_text())
    data["arms"][2]["strategy"]["min_scans"] = 6
    with pytest.raises(TrialError, match=r"arms\.2\.strategy.*min_scans"):
        parse_trial(data, source="bad")
    data["arms"][2]["strategy"]["min_scans"] = 3
    data["arms"][2]["strategy"]["threshold"] = 1.5
    with pytest.raises(TrialError, match=r"arms\.2\.strategy\.threshold"):
        parse_trial(data, source="bad")
