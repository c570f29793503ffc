import os
import shutil

import numpy as np
import pandas as pd
import pytest

from oncoresist.trial.run import load_results, run_trial
from oncoresist.trial.spec import TrialError, load_trial


def _patients(out):
    p, _, _ = load_results(out)
    return p.drop(columns=[]).reset_index(drop=True)


def test_same_seed_same_results_whatever_the_batch_size(zhang_trial, tmp_path):
    spec = load_trial(zhang_trial)
    run_trial(spec, out_dir=tmp_path / "a", seed=11, batch_size=10)
    run_trial(spec, out_dir=tmp_path / "b", seed=11, batch_size=3)
    a, b = _patients(tmp_path / "a"), _patients(tmp_path / "b")
    pd.testing.assert_frame_equal(a, b)
    assert len(a) == 20 and a["param:growth"].nunique() == 20
    run_trial(spec, out_dir=tmp_path / "c", seed=12, batch_size=10)
    assert not np.allclose(_patients(tmp_path / "c")["param:growth"], a["param:growth"])


def test_killed_run_resumes_without_losing_patients(zhang_trial, tmp_path):
    spec = load_trial(zhang_trial)
    full = tmp_path / "full"
    run_trial(spec, out_dir=full, seed=5, batch_size=4)
    ref = _patients(full)
    # simulate a kill: some batches never written, a temporary file left behind
    part = tmp_path / "part"
    shutil.copytree(full, part)
    files = sorted((part / "patients").glob("*.parquet"))
    for f in files[1::2]:
        f.unlink()
    (part / "patients" / ".arm-00-batch-000001.parquet.123.tmp").write_bytes(b"partial")
    calls = []
    run = run_trial(spec, out_dir=part, batch_size=4, progress=lambda d, t: calls.append((d, t)))
    assert run.n_resumed == len(files) - len(files[1::2])
    assert calls[-1] == (20, 20)
    pd.testing.assert_frame_equal(_patients(part), ref)
    assert not list((part / "patients").glob(".*"))
    with pytest.raises(TrialError, match="batch_size differs"):
        run_trial(spec, out_dir=part, batch_size=5)


def test_dask_localcluster_matches_local(zhang_trial, tmp_path):
    spec = load_trial(zhang_trial)
    run_trial(spec, out_dir=tmp_path / "local", seed=21, batch_size=10)
    run_trial(spec, out_dir=tmp_path / "dask", seed=21, batch_size=4, backend="dask", workers=2)
    pd.testing.assert_frame_equal(_patients(tmp_path / "local"), _patients(tmp_path / "dask"))
    assert not list((tmp_path / "dask" / "patients").glob(".*tmp"))
    assert os.path.isfile(tmp_path / "dask" / "run.json")


def test_medians_not_reached_are_written_nr() -> None:
    from oncoresist.report.trial import months

    assert months(float("inf")) == "NR"
    assert months(float("nan")) == "NR"
    assert months(14.66) == "14.7"
