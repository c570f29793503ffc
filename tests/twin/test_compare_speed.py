"""The twin cohort's speed-ups change speed only: the same seed gives the same per-patient results
with the engine on one thread or on several (``trial.engine_adapter.engine_threads``), and inside a
Dask worker a batch's engine stays on one thread."""

from __future__ import annotations

import pandas as pd
import pytest

from oncoresist.trial import engine_adapter
from oncoresist.twin import build_twin
from oncoresist.twin.compare import run_cohort


@pytest.fixture(scope="module")
def build():  # type: ignore[no-untyped-def]
    return build_twin(["EGFR L858R"], drugs="erlotinib,osimertinib", tumor="NSCLC")


def test_cohort_is_identical_on_one_and_on_three_engine_threads(build, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    runs = []
    for threads in (1, 3):
        monkeypatch.setattr(engine_adapter, "engine_threads", lambda t=threads: t)
        patients, timelines, _ = run_cohort(build, ["continuous", "ctdna_guided"], patients=40, seed=123,
                                            follow_up_days=540.0)
        runs.append((patients, timelines))
    (p1, t1), (p3, t3) = runs
    pd.testing.assert_frame_equal(p1, p3)
    pd.testing.assert_frame_equal(t1, t3)
    assert p1["pfs_event"].any() and (t1["tumour_fraction"] > 0).any()  # events and draws: not a vacuous match


def test_engine_threads_is_one_inside_a_dask_worker_and_all_cores_outside(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import os
    import sys
    import types

    fake = types.ModuleType("distributed")

    def get_worker() -> object:
        return object()

    fake.get_worker = get_worker  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "distributed", fake)
    assert engine_adapter.engine_threads() == 1

    def no_worker() -> object:
        raise ValueError("No worker found")

    fake.get_worker = no_worker  # type: ignore[attr-defined]
    assert engine_adapter.engine_threads() == (os.cpu_count() or 1)
