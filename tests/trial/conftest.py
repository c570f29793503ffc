from pathlib import Path

import pytest
import yaml

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "trials"


@pytest.fixture
def zhang_trial(tmp_path: Path) -> Path:
    """A small two-arm cohort trial on the deterministic Zhang model (noise from imaging and cohort)."""
    data = yaml.safe_load((EXAMPLES / "zhang_adaptive.yaml").read_text())
    data["arms"][0]["scenario"] = str(EXAMPLES / "scenarios" / "zhang2017_lv.yaml")
    data["arms"][1]["scenario"] = str(EXAMPLES / "scenarios" / "zhang2017_lv.yaml")
    data["patients_per_arm"] = 10
    data["follow_up_days"] = 2000
    data["cohort"] = {"growth": {"dist": "lognormal", "median": 1.0, "sigma": 0.2},
                      "initial_cells": {"dist": "lognormal", "median": 5.5e9, "sigma": 0.3}}
    p = tmp_path / "trial.yaml"
    p.write_text(yaml.safe_dump(data))
    return p
