"""``oncoresist trial --backend dask --scheduler ADDR`` on the EGFR example (tau-leaping, ctDNA, PK
variability) gives the same per-patient results as the in-process run, with other batch sizes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from oncoresist.cli import app
from oncoresist.trial.run import load_results

TRIAL = Path(__file__).resolve().parents[2] / "examples" / "trials" / "flaura_egfr.yaml"


@pytest.mark.slow
def test_scheduler_run_is_identical_to_in_process(tmp_path: Path) -> None:
    from dask.distributed import LocalCluster

    runner = CliRunner()
    local = runner.invoke(app, ["trial", str(TRIAL), "--patients", "12", "--seed", "5", "--batch-size", "7",
                                "--out", str(tmp_path / "local")])
    assert local.exit_code == 0, local.output
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=40) as cluster:
        remote = runner.invoke(app, ["trial", str(TRIAL), "--patients", "12", "--seed", "5", "--batch-size", "4",
                                     "--backend", "dask", "--scheduler", cluster.scheduler_address,
                                     "--out", str(tmp_path / "dask")])
    assert remote.exit_code == 0, remote.output
    a, tl_a, _ = load_results(tmp_path / "local")
    b, tl_b, _ = load_results(tmp_path / "dask")
    assert len(a) == 24 and a["patient_id"].nunique() == 12
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(tl_a, tl_b)  # visit-by-visit timelines too
    assert len(list((tmp_path / "dask" / "patients").glob("*.parquet"))) == 6  # 3 batches of 4 per arm
