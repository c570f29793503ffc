"""Run a virtual trial: batches of patients, in-process or on Dask, streamed to Parquet.

Layout of the output directory::

    run.json                              provenance: spec, root seed, N, batch size, versions
    patients/arm-AA-batch-BBBBBB.parquet  one row per patient (written atomically, batch by batch)
    timelines/arm-AA-batch-BBBBBB.parquet visit-by-visit records of the first few patients of each arm

A killed run started again with the same arguments and ``--out`` skips the batches already on
disk. Per-patient seed sequences are spawned on the client from the root, so the results are
identical whatever the backend, batch size or number of workers.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from oncoresist.random import SeedLike, as_seed_sequence, seed_record
from oncoresist.trial.cohort import patient_seeds
from oncoresist.trial.models import ScenarioHandle, open_scenario
from oncoresist.trial.simulate import BatchJob, simulate_batch
from oncoresist.trial.spec import TrialError, TrialSpec

DEFAULT_BATCH_SIZE = 2000


@dataclass(frozen=True)
class TrialRun:
    """Where a finished run lives, with counts."""

    out_dir: Path
    n_patients: int
    n_batches: int
    n_resumed: int
    seed_entropy: int


def _atomic_parquet(df: pd.DataFrame, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    df.to_parquet(tmp, index=False)
    os.replace(tmp, path)


def _spec_hash(spec: TrialSpec, scenarios: list[ScenarioHandle]) -> str:
    h = hashlib.sha256(spec.model_dump_json().encode())
    for s in scenarios:
        h.update(json.dumps(s.data, sort_keys=True, default=str).encode())
    return h.hexdigest()


def _jobs(
    spec: TrialSpec,
    scenarios: list[ScenarioHandle],
    n: int,
    root: np.random.SeedSequence,
    batch_size: int,
    done: set[tuple[int, int]],
    timeline_patients: int,
    method: str,
) -> Iterator[tuple[int, int, BatchJob]]:
    seeds = patient_seeds(root, len(spec.arms), n)
    for a in range(len(spec.arms)):
        engine_root = np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, len(spec.arms) + a))
        for b, start in enumerate(range(0, n, batch_size)):
            if (a, b) in done:
                continue
            stop = min(start + batch_size, n)
            yield (
                a,
                b,
                BatchJob(
                    spec=spec,
                    arm_index=a,
                    scenario=scenarios[a],
                    patient_ids=np.arange(start, stop),
                    seeds=tuple(seeds[a][start:stop]),
                    engine_root=engine_root,
                    timeline_patients=timeline_patients,
                    method=method,
                ),
            )


def run_trial(
    spec: TrialSpec,
    *,
    out_dir: str | Path,
    patients: int | None = None,
    seed: SeedLike = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    backend: str = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    timeline_patients: int = 3,
    method: str = "auto",
    progress: Callable[[int, int], None] | None = None,
) -> TrialRun:
    """Simulate every arm of ``spec`` and stream per-patient results to ``out_dir``.

    Parameters
    ----------
    spec : TrialSpec
        The validated trial.
    out_dir : path
        Output directory (created; an existing run there with the same settings is resumed).
    patients : int, optional
        Patients per arm (default ``spec.patients_per_arm``).
    seed : None, int, SeedSequence or Generator
        Root seed; ``None`` draws OS entropy (recorded in ``run.json``; a resumed run reuses it).
    batch_size : int
        Patients per batch (vectorised together; the unit of Parquet output and of Dask tasks).
    backend : {"local", "dask"}
        In this process, or on a Dask cluster (``scheduler`` address, or a LocalCluster with ``workers``).
    progress : callable(done_patients, total_patients), optional
        Called after each batch.

    Returns
    -------
    TrialRun
    """
    n = spec.patients_per_arm if patients is None else patients
    if n <= 0:
        raise TrialError("patients: the number of patients per arm must be positive")
    if batch_size <= 0:
        raise TrialError("batch_size: must be positive")
    if backend not in {"local", "dask"}:
        raise TrialError(f"backend: unknown backend {backend!r}; use local or dask")
    out = Path(out_dir)
    scenarios = [open_scenario(spec.scenario_path(a)) for a in spec.arms]
    spec_hash = _spec_hash(spec, scenarios)
    meta_path = out / "run.json"
    previous: dict[str, Any] | None = json.loads(meta_path.read_text()) if meta_path.is_file() else None
    if previous is not None and seed is None:
        root = np.random.SeedSequence(int(previous["seed"]["entropy"]))
    else:
        root = as_seed_sequence(seed)
    settings = {
        "patients_per_arm": n,
        "batch_size": batch_size,
        "seed": seed_record(root),
        "spec_hash": spec_hash,
        "method": method,
    }
    if previous is not None:
        for k, v in settings.items():
            if previous.get(k) != v:
                raise TrialError(
                    f"out: {out} holds a different run ({k} differs: {previous.get(k)!r} vs {v!r}); "
                    "use a new --out directory or the original settings to resume"
                )
    (out / "patients").mkdir(parents=True, exist_ok=True)
    (out / "timelines").mkdir(exist_ok=True)
    if previous is None:
        from oncoresist.provenance import provenance

        record = provenance(
            "trial",
            {"spec": spec.model_dump(mode="json"), "backend": backend, "workers": workers},
            **settings,
            scenarios=[s.path for s in scenarios],
            arms=[a.name for a in spec.arms],
        )
        tmp = meta_path.with_name(".run.json.tmp")
        tmp.write_text(json.dumps(record, indent=2, default=str))
        os.replace(tmp, meta_path)

    for sub in ("patients", "timelines"):  # partial files of a killed run
        for tmp_file in (out / sub).glob(".*.tmp"):
            tmp_file.unlink(missing_ok=True)
    done = {(int(p.name[4:6]), int(p.name[13:19])) for p in (out / "patients").glob("arm-*-batch-*.parquet")}
    n_batches = len(spec.arms) * -(-n // batch_size)
    total = len(spec.arms) * n
    count = sum(min(batch_size, n - b * batch_size) for _, b in done)
    if progress:
        progress(count, total)

    def write(a: int, b: int, result: tuple[pd.DataFrame, pd.DataFrame]) -> None:
        nonlocal count
        df, tl = result
        if len(tl):
            _atomic_parquet(tl, out / "timelines" / f"arm-{a:02d}-batch-{b:06d}.parquet")
        _atomic_parquet(df, out / "patients" / f"arm-{a:02d}-batch-{b:06d}.parquet")
        count += len(df)
        if progress:
            progress(count, total)

    jobs = _jobs(spec, scenarios, n, root, batch_size, done, timeline_patients, method)
    if backend == "local":
        for a, b, job in jobs:
            write(a, b, simulate_batch(job))
    else:
        from oncoresist.trial.dask_backend import run_on_dask

        run_on_dask(jobs, write, workers=workers, scheduler=scheduler)
    _account(out, spec, n)
    return TrialRun(out, total, n_batches, len(done), int(root.entropy))  # type: ignore[arg-type]


def _account(out: Path, spec: TrialSpec, n: int) -> None:
    """Every patient of every arm is on disk exactly once."""
    df = pd.read_parquet(out / "patients", columns=["arm", "patient_id"])
    for arm in spec.arms:
        ids = df.loc[df["arm"] == arm.name, "patient_id"].to_numpy()
        if len(ids) != n or len(np.unique(ids)) != n:
            raise TrialError(f"arm {arm.name!r}: {len(np.unique(ids))} of {n} patients on disk; run again to resume")


def load_results(out_dir: str | Path) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """Patients, sample timelines and the run record of a trial directory."""
    out = Path(out_dir)
    if not (out / "run.json").is_file():
        raise TrialError(f"{out}: not a trial output directory (no run.json)")
    meta = json.loads((out / "run.json").read_text())
    files = sorted((out / "patients").glob("arm-*-batch-*.parquet"))
    if not files:
        raise TrialError(f"{out}: no patient results yet")
    patients = pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)
    tl_files = sorted((out / "timelines").glob("arm-*.parquet"))
    timelines = pd.concat([pd.read_parquet(f) for f in tl_files], ignore_index=True) if tl_files else pd.DataFrame()
    if len(timelines):
        timelines = timelines.sort_values(["patient_id", "time"], kind="stable")
        rank = {a: i for i, a in enumerate(meta.get("arms", []))}
        timelines = timelines.sort_values("arm", key=lambda s: s.map(rank), kind="stable").reset_index(drop=True)
    order = {name: i for i, name in enumerate(meta.get("arms", []))}
    patients = patients.sort_values(
        ["arm", "patient_id"], key=lambda s: s.map(order) if s.name == "arm" else s, kind="stable"
    ).reset_index(drop=True)
    return patients, timelines, meta
