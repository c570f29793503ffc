from pathlib import Path

import pytest
import yaml

from oncoresist.trial.spec import TrialError, load_trial

SCEN = Path(__file__).resolve().parents[2] / "examples" / "trials" / "scenarios" / "zhang2017_lv.yaml"


def write(tmp_path, **changes):
    data = {"name": "t", "patients_per_arm": 5,
            "arms": [{"name": "a", "scenario": str(SCEN),
                      "strategy": {"kind": "continuous", "drugs": ["abiraterone"]}}]}
    for k, v in changes.items():
        data[k] = v
    p = tmp_path / "t.yaml"
    p.write_text(yaml.safe_dump(data))
    return p


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"arms": [{"name": "a", "scenario": str(SCEN), "strategy": {"kind": "magic", "drugs": ["x"]}}]},
         "arms.0.strategy.kind: unknown strategy 'magic'"),
        ({"arms": [{"name": "a", "scenario": "nope.yaml", "strategy": {"kind": "continuous", "drugs": ["x"]}}]},
         "arms.0.scenario: scenario file"),
        ({"arms": [{"name": "a", "scenario": str(SCEN), "strategy": {"kind": "adaptive", "drugs": ["x"],
                                                                     "stop_fraction": 1.5}}]},
         "arms.0.strategy.stop_fraction"),
        ({"arms": [{"name": "a", "scenario": str(SCEN), "strategy": {"kind": "adaptive", "drugs": ["x"],
                                                                     "stop_fraction": 0.6, "restart_fraction": 0.4}}]},
         "arms.0.strategy: restart_fraction (0.4) must be larger than stop_fraction (0.6)"),
        ({"patients_per_arm": 0}, "patients_per_arm: Input should be greater than 0"),
        ({"patients_per_arm": -3}, "patients_per_arm"),
    ],
)
def test_rejected_with_field_path(tmp_path, changes, message):
    with pytest.raises(TrialError) as exc:
        load_trial(write(tmp_path, **changes))
    assert message in str(exc.value)
    assert "\n" not in str(exc.value)


def test_example_trials_load():
    root = Path(__file__).resolve().parents[2] / "examples" / "trials"
    files = sorted(root.glob("*.yaml"))
    assert files
    for f in files:
        spec = load_trial(f)
        assert spec.arms


def test_cli_rejects_in_one_line(tmp_path):
    from typer.testing import CliRunner

    from oncoresist.cli import app

    bad = write(tmp_path, patients_per_arm=0)
    res = CliRunner().invoke(app, ["trial", str(bad), "--out", str(tmp_path / "o")])
    assert res.exit_code == 2
    err = res.stderr if hasattr(res, "stderr") else res.output
    assert err.strip().startswith("error:") and "patients_per_arm" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()
    res = CliRunner().invoke(app, ["trial", str(write(tmp_path)), "--patients", "0", "--out", str(tmp_path / "o")])
    assert res.exit_code == 2
