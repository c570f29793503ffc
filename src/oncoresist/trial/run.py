"""Run a virtual trial: batches of patients, in-process or on Dask, streamed to Parquet.

Layout of the output directory::

    run.json                              provenance: spec, root seed, N, batch size, versions
    patients/arm-AA-batch-BBBBBB.parquet  one row per patient (written atomically, batch by batch)
    timelines/arm-AA-batch-BBBBBB.parquet visit-by-visit records of the first few patients of each arm

``run.json`` ``status`` is ``partial`` until every batch is on disk, then ``complete``; a killed,
interrupted or failed run started again with the same arguments and ``--out`` skips the batches
already on disk. A run that wrote no batch leaves nothing behind. Per-patient seed sequences are
spawned on the client from the root, so the results are
identical whatever the backend, batch size or number of workers.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from oncoresist._io import atomic_path, check_output_dir, write_text_atomic
from oncoresist.engine.simulator import ENGINES
from oncoresist.errors import InvalidArgument, OutputError
from oncoresist.provenance import provenance
from oncoresist.random import SeedLike, as_seed_sequence, child_seed, seed_from_record, seed_record, seed_text
from oncoresist.trial.cohort import patient_seeds
from oncoresist.trial.models import ScenarioHandle, open_scenario
from oncoresist.trial.simulate import BatchJob, check_arm_drugs, simulate_batch
from oncoresist.trial.spec import TrialError, TrialSpec

DEFAULT_BATCH_SIZE = 2000
BACKENDS = ("local", "dask")
METHODS = ("auto", *ENGINES)
COMPLETE, PARTIAL = "complete", "partial"
"""``run.json`` ``status``: every batch on disk, or a resumable partial run (killed, interrupted or failed)."""


class TrialInterrupted(KeyboardInterrupt):
    """Ctrl-C during :func:`run_trial`; the message says what was kept (the CLI prints it, exit 130)."""


@dataclass(frozen=True)
class TrialRun:
    """Where a finished run lives, with counts and the root seed it used; with ``out_dir=None`` the results.

    ``patients``, ``timelines`` and ``record`` are what :func:`load_results` would read back; they
    are set only for an in-memory run (``out_dir`` is then ``None``).
    """

    out_dir: Path | None
    n_patients: int
    n_batches: int
    n_resumed: int
    seed: dict[str, Any] = field(default_factory=dict)
    """:func:`oncoresist.random.seed_record` of the root (``seed_from_record`` regenerates it)."""
    patients: pd.DataFrame | None = None
    timelines: pd.DataFrame | None = None
    record: dict[str, Any] | None = None

    @property
    def seed_entropy(self) -> str | list[str]:
        """Root entropy (a decimal string; a list for list entropy, e.g. from a Generator)."""
        return self.seed.get("entropy", "")


def _atomic_parquet(df: pd.DataFrame, path: Path) -> None:
    with atomic_path(path) as tmp:
        df.to_parquet(tmp, index=False)


_SETTING_FIELD = {"patients_per_arm": "patients", "batch_size": "batch_size", "seed": "seed",
                  "spec_hash": "trial", "method": "method"}
"""The argument (CLI option) behind each setting a resumed run must share with the first start."""


def _different_run(out: Path, key: str, old: object, new: object) -> TrialError:
    """The refusal to resume into ``out``: names the differing setting's argument, values as the user gives them."""
    param = _SETTING_FIELD.get(key, key)
    if key == "seed":
        what = f"seed {seed_text(old)} there, {seed_text(new)} now"
    elif key == "spec_hash":
        what = "the trial file or one of its scenarios changed since that run"
    else:
        what = f"{param} {old} there, {new} now"
    return TrialError(f"{param}: {out} holds a different run ({what}); use a new output directory or the "
                      f"original {param} to resume", param=param)


def _scenario_record(scenarios: list[ScenarioHandle]) -> dict[str, list[Any]]:
    """``scenarios``: each arm's scenario file resolved to an absolute path (an in-memory scenario keeps its
    ``<in memory: …>`` label); ``scenario_knowledge``: what each file's header says of the knowledge it was
    built from (``None`` for a hand-written file or an in-memory scenario), read at run time."""
    from oncoresist.model.origin import scenario_knowledge_version

    paths: list[Any] = []
    versions: list[Any] = []
    for s in scenarios:
        if s.path.startswith("<in memory"):
            paths.append(s.path)
            versions.append(None)
            continue
        p = Path(s.path).resolve()
        paths.append(str(p))
        try:
            versions.append(scenario_knowledge_version(p))
        except OSError:
            versions.append(None)
    return {"scenarios": paths, "scenario_knowledge": versions}


def _spec_hash(spec: TrialSpec, scenarios: list[ScenarioHandle]) -> str:
    h = hashlib.sha256(spec.model_dump_json().encode())
    for s in scenarios:
        h.update(json.dumps(s.data, sort_keys=True, default=str).encode())
    return h.hexdigest()


def _jobs(spec: TrialSpec, scenarios: list[ScenarioHandle], n: int, root: np.random.SeedSequence, batch_size: int,
          done: set[tuple[int, int]], timeline_patients: int, method: str) -> Iterator[tuple[int, int, BatchJob]]:
    seeds = patient_seeds(root, len(spec.arms), n)
    for a in range(len(spec.arms)):
        engine_root = child_seed(root, len(spec.arms) + a)
        for b, start in enumerate(range(0, n, batch_size)):
            if (a, b) in done:
                continue
            stop = min(start + batch_size, n)
            yield a, b, BatchJob(spec=spec, arm_index=a, scenario=scenarios[a],
                                 patient_ids=np.arange(start, stop), seeds=tuple(seeds[a][start:stop]),
                                 engine_root=engine_root,
                                 timeline_patients=timeline_patients, method=method)


def _positive_int(x: object, name: str) -> int:
    if isinstance(x, bool) or not isinstance(x, int | np.integer) or x <= 0:
        raise InvalidArgument(f"{name}: must be a positive whole number, got {x!r}", param=name)
    return int(x)


def _done_batches(out: Path) -> set[tuple[int, int]]:
    return {(int(p.name[4:6]), int(p.name[13:19])) for p in (out / "patients").glob("arm-*-batch-*.parquet")}


def _read_previous(meta_path: Path) -> dict[str, Any] | None:
    if not meta_path.is_file():
        return None
    try:
        previous = json.loads(meta_path.read_text())
    except (OSError, ValueError):
        return None  # an unreadable record holds nothing to resume
    return previous if isinstance(previous, dict) else None


def _discard(out: Path, created: bool) -> None:
    """Remove what a run that wrote no batch left (so a corrected rerun starts clean)."""
    for name in ("patients", "timelines"):
        shutil.rmtree(out / name, ignore_errors=True)
    (out / "run.json").unlink(missing_ok=True)
    if created:
        shutil.rmtree(out, ignore_errors=True)


def run_trial(spec: TrialSpec, *, out_dir: str | Path | None = None, patients: int | None = None, seed: SeedLike = None,
              batch_size: int = DEFAULT_BATCH_SIZE, backend: str = "local", workers: int | None = None,
              scheduler: str | None = None, timeline_patients: int = 3, method: str | None = None,
              progress: Callable[[int, int], None] | None = None) -> TrialRun:
    """Simulate every arm of ``spec`` and stream per-patient results to ``out_dir``.

    Parameters
    ----------
    spec : TrialSpec
        The validated trial.
    out_dir : path or None
        Output directory (created; an existing run there with the same settings is resumed).
        ``None``: nothing is written; the results are returned in memory (``TrialRun.patients``).
    patients : int, optional
        Patients per arm (default ``spec.patients_per_arm``).
    seed : None, int, SeedSequence or Generator
        Root seed; ``None`` draws OS entropy, or reuses the seed recorded in ``run.json`` when
        resuming. Any form is recorded exactly (entropy and spawn key) and resumes exactly.
    batch_size : int
        Patients per batch (vectorised together; the unit of Parquet output and of Dask tasks).
    backend : {"local", "dask"}
        In this process, or on a Dask cluster (``scheduler`` address, or a LocalCluster with ``workers``).
    method : {"auto", "ssa", "tau", "leap", "ode"}, optional
        Engine for every patient (default: the spec's ``engine``, itself ``auto`` by default).
    progress : callable(done_patients, total_patients), optional
        Called after each batch.

    Every argument, the output folder and every arm's drugs are checked before anything is
    written. A run that fails or is interrupted after some batches are on disk is left as a
    *partial* run (``run.json`` ``status: partial``; the same call resumes it); one that wrote no
    batch leaves nothing behind, so a corrected rerun is never blocked.

    Returns
    -------
    TrialRun

    Raises
    ------
    InvalidArgument, OutputError, TrialError
        Before any work, naming the parameter. :class:`TrialInterrupted` on Ctrl-C.
    """
    n = spec.patients_per_arm if patients is None else _positive_int(patients, "patients")
    batch_size = _positive_int(batch_size, "batch_size")
    if backend not in BACKENDS:
        raise InvalidArgument(f"backend: unknown backend {backend!r}; use local or dask", param="backend")
    if method is None:
        method = spec.engine
    if method not in METHODS:
        raise InvalidArgument(f"method: unknown engine method {method!r}; use one of {', '.join(METHODS)}",
                              param="method")
    if workers is not None:
        _positive_int(workers, "workers")
    if isinstance(timeline_patients, bool) or not isinstance(timeline_patients, int) or timeline_patients < 0:
        raise InvalidArgument(f"timeline_patients: must be a whole number >= 0, got {timeline_patients!r}",
                              param="timeline_patients")
    scenarios = [open_scenario(spec.scenario_source(a)) for a in spec.arms]
    for a in range(len(spec.arms)):
        check_arm_drugs(spec, a, scenarios[a])
    if out_dir is None:
        return _run_in_memory(spec, scenarios, n, as_seed_sequence(seed), batch_size, backend, workers, scheduler,
                              timeline_patients, method, progress, _spec_hash(spec, scenarios))
    out = check_output_dir(out_dir, param="out_dir")
    spec_hash = _spec_hash(spec, scenarios)
    meta_path = out / "run.json"
    previous = _read_previous(meta_path)
    done = _done_batches(out) if previous is not None else set()
    if previous is not None and not done:
        previous = None  # a start that wrote no batch holds nothing to resume or protect
    resume_seed = previous is not None and seed is None
    root = seed_from_record(previous["seed"]) if resume_seed else as_seed_sequence(seed)  # type: ignore[index]
    settings = {"patients_per_arm": n, "batch_size": batch_size, "seed": seed_record(root), "spec_hash": spec_hash,
                "method": method}
    if previous is not None:
        old_seed = previous.get("seed")
        if isinstance(old_seed, dict):  # records written before pool_size was stored
            previous["seed"] = seed_record(seed_from_record(old_seed))
        for k, v in settings.items():
            if previous.get(k) != v:
                raise _different_run(out, k, previous.get(k), v)
    created = not out.exists()
    record = provenance("trial", {"spec": spec.model_dump(mode="json"), "backend": backend, "workers": workers},
                        **settings, **_scenario_record(scenarios), arms=[a.name for a in spec.arms])
    n_batches = len(spec.arms) * -(-n // batch_size)
    total = len(spec.arms) * n
    try:
        (out / "patients").mkdir(parents=True, exist_ok=True)
        (out / "timelines").mkdir(exist_ok=True)
        if previous is None:
            write_text_atomic(meta_path, json.dumps({**record, "status": PARTIAL}, indent=2, default=str))
    except OSError as exc:
        raise OutputError(f"out_dir: cannot write {out}: {exc.strerror or exc}", param="out_dir") from None

    for sub in ("patients", "timelines"):  # partial files of a killed run
        for tmp_file in (out / sub).glob(".*.tmp"):
            tmp_file.unlink(missing_ok=True)
    n_resumed = len(done)
    count = sum(min(batch_size, n - b * batch_size) for _, b in done)
    written = set(done)
    if progress:
        progress(count, total)

    def write(a: int, b: int, result: tuple[pd.DataFrame, pd.DataFrame]) -> None:
        nonlocal count
        df, tl = result
        if len(tl):
            _atomic_parquet(tl, out / "timelines" / f"arm-{a:02d}-batch-{b:06d}.parquet")
        _atomic_parquet(df, out / "patients" / f"arm-{a:02d}-batch-{b:06d}.parquet")
        written.add((a, b))
        count += len(df)
        if progress:
            progress(count, total)

    jobs = _jobs(spec, scenarios, n, root, batch_size, done, timeline_patients, method)
    try:
        if backend == "local":
            for a, b, job in jobs:
                write(a, b, simulate_batch(job))
        else:
            from oncoresist.trial.dask_backend import run_on_dask

            run_on_dask(jobs, write, workers=workers, scheduler=scheduler)
    except BaseException as exc:
        if not written:
            _discard(out, created)
            if isinstance(exc, KeyboardInterrupt):
                raise TrialInterrupted("interrupted before any batch finished; nothing was written") from None
            raise
        what = (f"{len(written)} of {n_batches} batches are kept in {out} as a partial run (run.json status "
                f"'partial'); run the same command again to resume")
        if isinstance(exc, KeyboardInterrupt):
            raise TrialInterrupted(f"interrupted; {what}") from None
        if isinstance(exc, TrialError | InvalidArgument):
            raise type(exc)(f"{exc} ({what})", param=getattr(exc, "param", None)) from None
        raise
    _account(out, spec, n)
    final = _read_previous(meta_path) or {**record}
    write_text_atomic(meta_path, json.dumps({**final, "status": COMPLETE}, indent=2, default=str))
    return TrialRun(out, total, n_batches, n_resumed, seed_record(root))


def _run_in_memory(spec: TrialSpec, scenarios: list[ScenarioHandle], n: int, root: np.random.SeedSequence,
                   batch_size: int, backend: str, workers: int | None, scheduler: str | None,
                   timeline_patients: int, method: str, progress: Callable[[int, int], None] | None,
                   spec_hash: str) -> TrialRun:
    """The same batches and seeds as a run to disk, collected in memory in file order."""
    settings = {"patients_per_arm": n, "batch_size": batch_size, "seed": seed_record(root), "spec_hash": spec_hash,
                "method": method}
    record = provenance("trial", {"spec": spec.model_dump(mode="json"), "backend": backend, "workers": workers},
                        **settings, **_scenario_record(scenarios), arms=[a.name for a in spec.arms])
    parts: dict[tuple[int, int], tuple[pd.DataFrame, pd.DataFrame]] = {}
    total = len(spec.arms) * n

    def keep(a: int, b: int, result: tuple[pd.DataFrame, pd.DataFrame]) -> None:
        parts[(a, b)] = result
        if progress:
            progress(sum(len(p[0]) for p in parts.values()), total)

    jobs = _jobs(spec, scenarios, n, root, batch_size, set(), timeline_patients, method)
    if backend == "local":
        for a, b, job in jobs:
            keep(a, b, simulate_batch(job))
    else:
        from oncoresist.trial.dask_backend import run_on_dask

        run_on_dask(jobs, keep, workers=workers, scheduler=scheduler)
    keys = sorted(parts)
    patients = pd.concat([parts[k][0] for k in keys], ignore_index=True)
    tls = [parts[k][1] for k in keys if len(parts[k][1])]
    timelines = pd.concat(tls, ignore_index=True) if tls else pd.DataFrame()
    if len(timelines):
        timelines = timelines.sort_values(["patient_id", "time"], kind="stable")
        rank = {arm.name: i for i, arm in enumerate(spec.arms)}
        timelines = timelines.sort_values("arm", key=lambda c: c.map(rank), kind="stable").reset_index(drop=True)
    record = json.loads(json.dumps({**record, "status": COMPLETE}, default=str))
    return TrialRun(None, total, len(keys), 0, seed_record(root), patients, timelines, record)


def _account(out: Path, spec: TrialSpec, n: int) -> None:
    """Every patient of every arm is on disk exactly once."""
    df = pd.read_parquet(out / "patients", columns=["arm", "patient_id"])
    for arm in spec.arms:
        ids = df.loc[df["arm"] == arm.name, "patient_id"].to_numpy()
        if len(ids) != n or len(np.unique(ids)) != n:
            raise TrialError(f"arm {arm.name!r}: {len(np.unique(ids))} of {n} patients on disk; run again to resume")


def _read_batch(path: Path) -> pd.DataFrame:
    """One batch file of a run; a damaged one is a :class:`TrialError` naming it (not pyarrow's traceback)."""
    try:
        return pd.read_parquet(path)
    except (ValueError, OSError) as exc:  # pyarrow.ArrowInvalid is a ValueError
        raise TrialError(f"{path}: damaged batch file ({' '.join(str(exc).split())[:80]}); delete it and run the "
                         "same `oncoresist trial` command again to recompute it") from None


def load_results(out_dir: str | Path) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """Patients, sample timelines and the run record of a trial directory."""
    out = Path(out_dir)
    if not (out / "run.json").is_file():
        raise TrialError(f"{out}: not a trial output directory (no run.json)")
    try:
        meta = json.loads((out / "run.json").read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:  # empty, truncated or not JSON
        raise TrialError(f"{out / 'run.json'}: not a run record ({' '.join(str(exc).split())[:80]}); run the "
                         "`oncoresist trial` command again into a new output directory") from None
    if not isinstance(meta, dict):
        raise TrialError(f"{out / 'run.json'}: not a run record (a JSON object is expected)")
    files = sorted((out / "patients").glob("arm-*-batch-*.parquet"))
    if not files:
        raise TrialError(f"{out}: no patient results yet")
    if meta.get("status", COMPLETE) != COMPLETE:
        raise TrialError(f"{out}: a partial run ({len(files)} batches on disk); run the same `oncoresist trial` "
                         "command (or run_trial call) again to finish it before analysing")
    patients = pd.concat([_read_batch(f) for f in files], ignore_index=True)
    tl_files = sorted((out / "timelines").glob("arm-*.parquet"))
    timelines = pd.concat([_read_batch(f) for f in tl_files], ignore_index=True) if tl_files else pd.DataFrame()
    if len(timelines):
        timelines = timelines.sort_values(["patient_id", "time"], kind="stable")
        rank = {a: i for i, a in enumerate(meta.get("arms", []))}
        timelines = timelines.sort_values("arm", key=lambda s: s.map(rank), kind="stable").reset_index(drop=True)
    order = {name: i for i, name in enumerate(meta.get("arms", []))}
    patients = patients.sort_values(["arm", "patient_id"], key=lambda s: s.map(order) if s.name == "arm" else s,
                                    kind="stable").reset_index(drop=True)
    return patients, timelines, meta
