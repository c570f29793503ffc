"""Run batch jobs on a Dask cluster: a LocalCluster, or an existing scheduler (``tcp://HOST:PORT``).

Jobs carry their own per-patient seed sequences (spawned on the client), so where a batch runs
does not change its result. At most ``2 × workers`` batches are in flight (bounded memory on the
client); results are written as they arrive. A task whose worker dies is rescheduled by the
scheduler, and each task may also be retried ``retries`` times after an error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

RETRIES = 3


def run_on_dask(
    jobs: Iterator[tuple[int, int, Any]],
    write: Callable[[int, int, Any], None],
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    retries: int = RETRIES,
    connect_timeout: float = 30.0,
) -> None:
    """Submit every job, write each result on the client as it completes."""
    from dask.distributed import Client, LocalCluster, as_completed

    from oncoresist.trial.simulate import simulate_batch

    cluster = None
    if scheduler:
        client = Client(scheduler, timeout=connect_timeout)
    else:
        cluster = LocalCluster(
            n_workers=workers or 2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
        )
        client = Client(cluster)
    try:
        n_workers = max(1, len(client.scheduler_info().get("workers", {})) or (workers or 1))
        window = 2 * n_workers
        pending = as_completed()
        keys: dict[Any, tuple[int, int]] = {}

        def submit_next() -> bool:
            try:
                a, b, job = next(jobs)
            except StopIteration:
                return False
            fut = client.submit(simulate_batch, job, pure=False, retries=retries, key=f"trial-batch-{a}-{b}-{id(job)}")
            keys[fut.key] = (a, b)
            pending.add(fut)
            return True

        for _ in range(window):
            if not submit_next():
                break
        for fut in pending:
            a, b = keys.pop(fut.key)
            write(a, b, fut.result())
            fut.release()
            submit_next()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
