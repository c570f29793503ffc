"""Scale benchmark for virtual trials: the EGFR example (erlotinib vs osimertinib, 3 years).

Measures wall time, throughput (patient-years simulated per second) and peak memory (RSS) of the
in-process backend and of Dask LocalClusters with 1 and 2 workers, and checks that every backend
gives identical per-patient results for the same seed.

Usage::

    .venv/bin/python benchmarks/trial_scale.py --patients 100000 --workers 2 --out /tmp/trial-bench
    .venv/bin/python benchmarks/trial_scale.py --patients 2000 --workers 1 2   # quick

The issue-13 check (2 Dask workers on 2 cores >= 1.6x one in-process worker, 100,000 patients), to
run on an otherwise idle 2-core machine::

    .venv/bin/python benchmarks/trial_scale.py --patients 100000 --workers 2 --method leap --engine-threads 1

``--engine-threads`` is the in-process run's engine threads (default 1: one worker against two; a Dask
worker always runs its batch's engine on one thread). ``--method`` is the engine (default ``leap``;
``tau`` for the figures measured before it).

``--compare-ref REF`` instead runs the trial of an older commit and of this tree in one run (issue 13:
100,000 patients at >= 2x the patient-years per second of a075101); see ``trial_compare_ref.py``::

    .venv/bin/python benchmarks/trial_scale.py --compare-ref a075101 --patients 100000

``--patients`` is the total over both arms. Results go to ``OUT/results.json`` and are printed as
a Markdown table (paste into docs/benchmarks.md, section "## Trials").
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import sys
import time
from pathlib import Path

TRIAL = Path(__file__).resolve().parents[1] / "examples" / "trials" / "flaura_egfr.yaml"


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _warm_worker(method: str) -> float:
    """Import the package and load the compiled kernels in a worker, as the client's warm-up run does
    in-process; returns the seconds it took (excluded from the timings on both sides)."""
    from oncoresist.trial.run import run_trial
    from oncoresist.trial.spec import load_trial

    t0 = time.perf_counter()
    run_trial(load_trial(TRIAL), out_dir=None, patients=2, seed=1, method=method)
    return time.perf_counter() - t0


def _task_summary(stream: list[dict], wall: float) -> dict:
    """Per worker: batches run, seconds computing them (share of the run's wall time), and the tail (seconds
    between the first and the last worker finishing its last batch), from the scheduler's task stream."""
    per: dict[str, list[tuple[float, float]]] = {}
    for rec in stream:
        if str(rec.get("key", "")).startswith("trial-batch-"):
            per.setdefault(rec["worker"], []).extend(
                (ss["start"], ss["stop"]) for ss in rec["startstops"] if ss["action"] == "compute")
    busy = {w: sum(b - a for a, b in iv) for w, iv in per.items()}
    last = [max(b for _, b in iv) for iv in per.values()]
    return {"tasks_per_worker": [len(iv) for iv in per.values()],
            "busy_fraction": [busy[w] / wall for w in per], "tail_s": (max(last) - min(last)) if last else 0.0}


def _run(spec, out: Path, per_arm: int, seed: int, batch: int, workers: int | None, method: str) -> dict:
    from oncoresist.trial.run import run_trial

    shutil.rmtree(out, ignore_errors=True)
    t0 = time.perf_counter()
    if workers is None:
        c0 = _cpu_s()
        load0 = os.getloadavg()[0]
        run_trial(spec, out_dir=out, patients=per_arm, seed=seed, batch_size=batch, method=method)
        mem = [_rss_mb()]
        return {"wall_s": time.perf_counter() - t0, "cpu_s": _cpu_s() - c0, "peak_rss_mb": mem,
                "load_avg": [load0, os.getloadavg()[0]]}
    else:
        from dask.distributed import Client, LocalCluster

        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                          silence_logs=40) as cluster:
            with Client(cluster) as c:
                warm = list(c.run(_warm_worker, method).values())  # each worker's imports and kernel loading
                cpu0 = sum(c.run(_cpu_s).values())
                stream0 = time.time()
                c.get_task_stream(start=stream0)  # makes the scheduler record every task's compute interval
            c0 = _cpu_s()
            load0 = os.getloadavg()[0]
            t0 = time.perf_counter()  # cluster start-up and worker warm-up excluded, as in-process
            run_trial(spec, out_dir=out, patients=per_arm, seed=seed, batch_size=batch, backend="dask",
                      scheduler=cluster.scheduler_address, method=method)
            wall = time.perf_counter() - t0
            client_cpu = _cpu_s() - c0
            with Client(cluster) as c:
                mem = list(c.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0).values())
                cpu = sum(c.run(_cpu_s).values()) - cpu0 + client_cpu
                tasks = _task_summary(c.get_task_stream(start=stream0), wall)
            mem.append(_rss_mb())
        return {"wall_s": wall, "cpu_s": cpu, "peak_rss_mb": mem, "worker_warmup_s": warm,
                "load_avg": [load0, os.getloadavg()[0]], "client_cpu_s": client_cpu, **tasks}


def main() -> None:
    if "--compare-ref" in sys.argv:  # old commit vs this tree (benchmarks/trial_compare_ref.py)
        import trial_compare_ref

        argv = sys.argv[1:]
        i = argv.index("--compare-ref")
        ref = argv[i + 1] if i + 1 < len(argv) else "a075101"
        trial_compare_ref.main(["--ref", ref, *argv[:i], *argv[i + 2:]])
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--patients", type=int, default=2000, help="total patients (both arms)")
    ap.add_argument("--workers", type=int, nargs="*", default=[2], help="Dask LocalCluster sizes to run")
    ap.add_argument("--dask-patients", type=int, default=None, help="total patients for the Dask runs")
    ap.add_argument("--batch-size", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=2018)
    ap.add_argument("--no-local", action="store_true")
    ap.add_argument("--method", default="leap", choices=["auto", "tau", "leap"], help="engine (default leap)")
    ap.add_argument("--engine-threads", type=int, default=1,
                    help="engine threads of the in-process run (default 1; results do not depend on it)")
    ap.add_argument("--out", type=Path, default=Path("/tmp/oncoresist-trial-bench"))
    args = ap.parse_args()

    import pandas as pd

    from oncoresist.trial import engine_adapter
    from oncoresist.trial.run import load_results, run_trial
    from oncoresist.trial.spec import load_trial

    threads = args.engine_threads
    engine_adapter.engine_threads = lambda: threads  # in this process only; Dask workers use 1
    spec = load_trial(TRIAL)
    years = spec.follow_up_days / 365.25
    args.out.mkdir(parents=True, exist_ok=True)
    # compile / load the numba cache outside the timings
    run_trial(spec, out_dir=args.out / "warmup", patients=4, seed=1, method=args.method)
    rows = []
    ref = None
    per_arm = args.patients // 2
    if not args.no_local:
        r = _run(spec, args.out / "local", per_arm, args.seed, args.batch_size, None, args.method)
        rows.append({"backend": "in-process", "workers": 1, "patients": 2 * per_arm, **r})
        ref = load_results(args.out / "local")[0]
    dask_arm = (args.dask_patients or args.patients) // 2
    for w in args.workers:
        r = _run(spec, args.out / f"dask{w}", dask_arm, args.seed, args.batch_size, w, args.method)
        res = load_results(args.out / f"dask{w}")[0]
        same = None
        if ref is not None and dask_arm == per_arm:
            try:
                pd.testing.assert_frame_equal(ref, res)
                same = True
            except AssertionError:
                same = False
        rows.append({"backend": "dask LocalCluster", "workers": w, "patients": 2 * dask_arm, **r,
                     "identical_to_in_process": same})
    for r in rows:
        r["patient_years_per_s"] = r["patients"] * years / r["wall_s"]
        r["patients_per_s"] = r["patients"] / r["wall_s"]
    info = {"machine": {"cpus": os.cpu_count(), "platform": platform.platform()}, "follow_up_years": years,
            "trial": str(TRIAL), "batch_size": args.batch_size, "seed": args.seed, "method": args.method,
            "in_process_engine_threads": args.engine_threads, "runs": rows}
    (args.out / "results.json").write_text(json.dumps(info, indent=2))
    print("| backend | workers | patients | wall (s) | CPU (s) | CPU/wall | patients/s | patient-years/s "
          "| peak RSS per process (MB) | load avg (start, end) | identical to in-process |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        rss = ", ".join(f"{m:.0f}" for m in r["peak_rss_mb"])
        load = ", ".join(f"{x:.1f}" for x in r["load_avg"])
        print(f"| {r['backend']} | {r['workers']} | {r['patients']} | {r['wall_s']:.1f} | {r['cpu_s']:.0f} "
              f"| {r['cpu_s'] / r['wall_s']:.2f} | {r['patients_per_s']:.0f} | {r['patient_years_per_s']:.0f} | {rss} "
              f"| {load} | {r.get('identical_to_in_process', '–')} |")
    for r in rows:
        if "tasks_per_worker" in r:  # where a Dask run's time went: batches per worker, computing share, tail
            busy = ", ".join(f"{b:.0%}" for b in r["busy_fraction"])
            print(f"dask_{r['workers']}_workers: batches per worker {r['tasks_per_worker']}, computing {busy} of "
                  f"the wall time, tail {r['tail_s']:.1f} s, client CPU {r['client_cpu_s']:.1f} s")
    # CPU/wall is the number of cores a run actually got: at most its worker count, less on a shared machine
    for r in rows:
        name = "in_process" if r["backend"] == "in-process" else f"dask_{r['workers']}_workers"
        print(f"patient_years_per_s_{name}: {r['patient_years_per_s']:.1f}")
        print(f"patients_per_s_{name}: {r['patients_per_s']:.1f}")
    local = next((r for r in rows if r["backend"] == "in-process"), None)
    for r in rows:
        if local is not None and r is not local and r["patients"] == local["patients"]:
            ratio = r["patient_years_per_s"] / local["patient_years_per_s"]
            print(f"dask_{r['workers']}_workers_vs_in_process: {ratio:.2f}"
                  f" (cores obtained {r['cpu_s'] / r['wall_s']:.2f} vs {local['cpu_s'] / local['wall_s']:.2f}; "
                  f"CPU per patient-year {r['cpu_s'] / local['cpu_s']:.2f}x in-process)")


if __name__ == "__main__":
    main()
