"""One path from a scenario object to results in memory (issue 11, item 6).

``ArmSpec.scenario`` takes a :class:`Scenario` object and ``run_trial(..., out_dir=None)`` returns the
results without writing anything; they equal a run of the same trial, from the same file, to disk.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from oncoresist.model import load_scenario
from oncoresist.trial.run import load_results, run_trial
from oncoresist.trial.spec import load_trial, parse_trial

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "trials"


def _small(path: Path, n: int = 12) -> dict:  # type: ignore[type-arg]
    data = yaml.safe_load(path.read_text())
    data["patients_per_arm"] = n
    data["follow_up_days"] = 400
    for arm in data["arms"]:
        arm["scenario"] = str(EXAMPLES / arm["scenario"])
    return data


def test_scenario_object_in_memory_equals_the_file_run_on_disk(tmp_path: Path) -> None:
    data = _small(EXAMPLES / "flaura_egfr.yaml")
    (tmp_path / "trial.yaml").write_text(yaml.safe_dump(data, sort_keys=False))  # track order = stream order
    on_disk = load_trial(tmp_path / "trial.yaml")
    run_trial(on_disk, out_dir=tmp_path / "out", seed=5, batch_size=5)
    disk_patients, disk_timelines, disk_record = load_results(tmp_path / "out")

    objs = dict(data)
    objs["arms"] = [{**a, "scenario": load_scenario(a["scenario"])} for a in data["arms"]]
    spec = parse_trial(objs, source="in memory")
    before = set(tmp_path.iterdir())
    run = run_trial(spec, out_dir=None, seed=5, batch_size=5)
    assert run.out_dir is None and set(tmp_path.iterdir()) == before  # nothing written
    assert run.patients is not None and run.record is not None and run.timelines is not None
    assert len(run.patients) == 2 * 12
    assert run.record["seed"] == disk_record["seed"]
    pd.testing.assert_frame_equal(run.patients, disk_patients, check_like=True)
    pd.testing.assert_frame_equal(run.timelines, disk_timelines, check_like=True)


def test_a_different_seed_gives_different_patients() -> None:
    data = _small(EXAMPLES / "flaura_egfr.yaml", n=6)
    data["arms"] = [{**a, "scenario": load_scenario(a["scenario"])} for a in data["arms"]]
    spec = parse_trial(data, source="in memory")
    a = run_trial(spec, seed=1).patients
    b = run_trial(spec, seed=2).patients
    assert a is not None and b is not None
    assert not a["pfs_time"].equals(b["pfs_time"]) or not a["param:growth"].equals(b["param:growth"])
