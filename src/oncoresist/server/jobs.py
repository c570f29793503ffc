"""Twin jobs off the request thread: a bounded pool of worker processes, progress, cancellation.

A job waits in a queue of at most ``max_queued`` behind ``max_jobs`` running ones; beyond that
:meth:`JobManager.submit` raises :class:`JobLimitError` (HTTP 429). Each running job is handed to
a worker *process* (started once, reused: the engine compiles its kernels once per worker), so a
job survives the browser closing, and cancelling a running job ends its process at once (a new
worker is started for the next job). Progress is read from the cohort's batch files on disk.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing as mp
import secrets
import shutil
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Literal

from oncoresist.errors import OncoresistError
from oncoresist.server.twin_job import BUILD_SHARE, REPORT_SHARE, worker_main

JobState = Literal["queued", "running", "done", "failed", "cancelled"]
FINAL: frozenset[str] = frozenset({"done", "failed", "cancelled"})


class JobLimitError(OncoresistError):
    """Too many twin jobs running or waiting (HTTP 429)."""


class UnknownJobError(OncoresistError):
    """No job with that id (HTTP 404)."""


@dataclass
class Job:
    """One twin job. ``spec`` stays in memory only (it holds the profile)."""

    id: str
    spec: dict[str, Any]
    dir: Path
    total_batches: int
    state: JobState = "queued"
    stage: str = "queued"
    error: str | None = None
    created: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None
    cancel_requested: threading.Event = field(default_factory=threading.Event)
    future: Future[None] | None = None

    def batches_done(self) -> int:
        return sum(1 for _ in (self.dir / "cohort" / "results" / "patients").glob("arm-*-batch-*.parquet"))

    def fraction(self) -> float:
        """0..1: building, then batches of the cohort on disk, then the report."""
        if self.state == "done":
            return 1.0
        if self.state == "queued" or self.started is None:
            return 0.0
        if self.stage == "writing the report":
            return 1.0 - REPORT_SHARE
        if self.stage == "simulating the cohort":
            done = min(self.batches_done(), self.total_batches)
            return BUILD_SHARE + (1.0 - BUILD_SHARE - REPORT_SHARE) * done / max(self.total_batches, 1)
        return 0.0

    def status(self) -> dict[str, Any]:
        """The public view (no patient data)."""
        return {
            "id": self.id,
            "state": self.state,
            "stage": self.stage,
            "progress": round(self.fraction(), 4),
            "batches_done": min(self.batches_done(), self.total_batches) if self.started else 0,
            "batches_total": self.total_batches,
            "error": self.error,
            "seed": self.spec.get("seed"),
            "strategies": list(self.spec.get("strategies", [])),
            "patients": self.spec.get("patients"),
            "created": self.created,
            "started": self.started,
            "finished": self.finished,
        }


class _Worker:
    def __init__(self, ctx: Any) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=worker_main, args=(child,), daemon=True, name="oncoresist-twin-worker")
        self.proc.start()
        child.close()

    def kill(self) -> None:
        self.proc.kill()
        self.proc.join(5)
        self.conn.close()

    def stop(self) -> None:
        with contextlib.suppress(BrokenPipeError, OSError):
            self.conn.send(None)
        self.proc.join(2)
        if self.proc.is_alive():
            self.kill()


class JobManager:
    """Runs twin jobs; thread-safe.

    Parameters
    ----------
    root
        Folder under which each job gets its own sub-folder.
    max_jobs, max_queued
        Jobs running at once; jobs waiting beyond those.
    max_finished
        Finished jobs kept; the oldest beyond that are forgotten and their folders removed.
    batch_size
        Patients per cohort batch (the trial layer's), for the progress count.
    """

    def __init__(self, root: Path, *, max_jobs: int, max_queued: int, max_finished: int, batch_size: int) -> None:
        self.root = root
        self.max_jobs = max_jobs
        self.max_queued = max_queued
        self.max_finished = max_finished
        self.batch_size = batch_size
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._idle: list[_Worker] = []
        self._busy: set[_Worker] = set()
        self._ctx = mp.get_context("spawn")
        self._pool = ThreadPoolExecutor(max_workers=max_jobs, thread_name_prefix="oncoresist-job")
        self._closed = False
        self._counter = itertools.count(1)

    # ------------------------------------------------------------------ public
    def submit(self, spec: dict[str, Any]) -> Job:
        """Queue a job; :class:`JobLimitError` when ``max_jobs + max_queued`` are already active."""
        with self._lock:
            if self._closed:
                raise JobLimitError("the server is shutting down; no new jobs")
            active = sum(1 for j in self._jobs.values() if j.state not in FINAL)
            if active >= self.max_jobs + self.max_queued:
                raise JobLimitError(
                    f"{active} twin jobs are running or waiting (limit {self.max_jobs + self.max_queued}); "
                    "try again when one has finished, or cancel one"
                )
            job_id = f"{next(self._counter):04d}-{secrets.token_hex(8)}"
            d = self.root / job_id
            d.mkdir(parents=True, mode=0o700)
            per_arm = -(-int(spec["patients"]) // self.batch_size)
            job = Job(job_id, spec, d, total_batches=per_arm * len(spec["strategies"]))
            self._jobs[job_id] = job
            self._forget_old()
            job.future = self._pool.submit(self._run, job)
        return job

    def get(self, job_id: str) -> Job:
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            raise UnknownJobError(f"job {job_id!r}: no such job (finished jobs are kept only for a while)")
        return job

    def cancel(self, job_id: str) -> Job:
        """Cancel a queued or running job (a finished one is left as it is)."""
        job = self.get(job_id)
        job.cancel_requested.set()
        if job.future is not None and job.future.cancel():
            self._finish(job, "cancelled", "cancelled")
        return job

    def wait(self, job_id: str, timeout: float | None = None) -> Job:
        """Block until the job is finished (for tests and scripts)."""
        job = self.get(job_id)
        deadline = None if timeout is None else time.monotonic() + timeout
        while job.state not in FINAL:
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"job {job_id} not finished after {timeout} s")
            time.sleep(0.1)
        return job

    def shutdown(self) -> None:
        """Cancel everything, stop the workers, remove every job folder."""
        with self._lock:
            self._closed = True
            jobs = list(self._jobs.values())
        for j in jobs:
            j.cancel_requested.set()
            if j.future is not None:
                j.future.cancel()
        self._pool.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            workers = [*self._idle, *self._busy]
            self._idle.clear()
            self._busy.clear()
        for w in workers:
            w.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    # ----------------------------------------------------------------- private
    def _forget_old(self) -> None:
        done = sorted((j for j in self._jobs.values() if j.state in FINAL), key=lambda j: j.finished or 0.0)
        for j in done[: max(0, len(done) - self.max_finished)]:
            del self._jobs[j.id]
            shutil.rmtree(j.dir, ignore_errors=True)

    def _finish(self, job: Job, state: JobState, stage: str, error: str | None = None) -> None:
        job.state, job.stage, job.error, job.finished = state, stage, error, time.time()
        if state == "cancelled":
            shutil.rmtree(job.dir, ignore_errors=True)

    def _acquire(self) -> _Worker:
        with self._lock:
            w = self._idle.pop() if self._idle else _Worker(self._ctx)
            self._busy.add(w)
        return w

    def _release(self, w: _Worker, *, kill: bool = False) -> None:
        with self._lock:
            self._busy.discard(w)
            if not kill and not self._closed:
                self._idle.append(w)
                return
        w.kill() if kill else w.stop()

    def _run(self, job: Job) -> None:
        if job.cancel_requested.is_set():
            self._finish(job, "cancelled", "cancelled")
            return
        try:
            w = self._acquire()
        except Exception as exc:  # a worker process that cannot start
            self._finish(job, "failed", "failed", f"no twin worker process could be started ({type(exc).__name__})")
            return
        job.state, job.stage, job.started = "running", "starting", time.time()
        conn: Connection = w.conn
        try:
            conn.send((str(job.dir), job.spec))
            while True:
                if job.cancel_requested.is_set():
                    self._release(w, kill=True)
                    self._finish(job, "cancelled", "cancelled")
                    return
                if conn.poll(0.2):
                    kind, value = conn.recv()
                    if kind == "stage":
                        job.stage = value
                        continue
                    self._release(w)
                    if kind == "done":
                        self._finish(job, "done", "done")
                    else:
                        self._finish(job, "failed", "failed", value)
                    return
                if not w.proc.is_alive():
                    raise EOFError
        except (EOFError, BrokenPipeError, OSError):
            self._release(w, kill=True)
            self._finish(job, "failed", "failed", "the twin worker process ended unexpectedly")
