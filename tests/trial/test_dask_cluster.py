"""A small trial through a real ``dask scheduler`` and ``dask worker`` processes on 127.0.0.1,
including a worker killed mid-run."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from oncoresist.trial.run import load_results, run_trial
from oncoresist.trial.spec import load_trial

DASK = Path(sys.executable).with_name("dask")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"dask scheduler did not open port {port}")


def _start(args: list[str], log: Path) -> subprocess.Popen:
    return subprocess.Popen([str(DASK), *args], stdout=log.open("w"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


@pytest.mark.slow
@pytest.mark.skipif(not DASK.exists(), reason="dask CLI not installed in this environment")
def test_trial_on_external_scheduler_survives_a_lost_worker(zhang_trial, tmp_path):
    spec = load_trial(zhang_trial)
    run_trial(spec, out_dir=tmp_path / "local", seed=3, batch_size=2)
    port = _free_port()
    addr = f"tcp://127.0.0.1:{port}"
    procs = [_start(["scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                    tmp_path / "scheduler.log")]
    try:
        _wait_for_port(port)
        for i in range(2):
            procs.append(_start(["worker", addr, "--nworkers", "1", "--nthreads", "1", "--no-dashboard",
                                 "--host", "127.0.0.1", "--name", f"w{i}"], tmp_path / f"worker{i}.log"))
        from dask.distributed import Client

        with Client(addr, timeout=30) as c:
            c.wait_for_workers(2, timeout=60)

        killed = []

        def progress(done: int, total: int) -> None:
            if done >= 2 and not killed:  # after the first batch: kill one worker mid-run
                os.killpg(procs[1].pid, signal.SIGKILL)
                killed.append(done)

        run = run_trial(spec, out_dir=tmp_path / "remote", seed=3, batch_size=2, backend="dask", scheduler=addr,
                        progress=progress)
        assert killed and run.n_patients == 20
        a, _, _ = load_results(tmp_path / "local")
        b, _, _ = load_results(tmp_path / "remote")
        pd.testing.assert_frame_equal(a, b)
    finally:
        for p in reversed(procs):
            _stop(p)
