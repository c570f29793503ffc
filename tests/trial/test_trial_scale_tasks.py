"""``benchmarks/trial_scale.py``: the per-worker summary of a Dask run read from the scheduler's task stream."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "trial_scale.py"


def _task_summary():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("trial_scale", SCRIPT)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod._task_summary


def _rec(key: str, worker: str, *spans: tuple[float, float], action: str = "compute") -> dict:
    return {"key": key, "worker": worker, "startstops": [{"action": action, "start": a, "stop": b} for a, b in spans]}


def test_batches_computing_share_and_tail() -> None:
    stream = [
        _rec("trial-batch-0-0-1", "w1", (0.0, 4.0)),
        _rec("trial-batch-0-1-2", "w2", (0.0, 5.0)),
        _rec("trial-batch-1-0-3", "w1", (4.5, 8.0)),
        _rec("trial-batch-1-0-3", "w1", (4.4, 4.5), action="transfer"),  # not computing
        _rec("_warm_worker-abc", "w2", (5.0, 9.0)),  # not a trial batch
    ]
    out = _task_summary()(stream, wall=10.0)
    assert out["tasks_per_worker"] == [2, 1]
    assert out["busy_fraction"] == pytest.approx([0.75, 0.5])
    assert out["tail_s"] == pytest.approx(3.0)  # w2 finished at 5, w1 at 8


def test_an_empty_stream_reports_nothing() -> None:
    assert _task_summary()([], wall=1.0) == {"tasks_per_worker": [], "busy_fraction": [], "tail_s": 0.0}
