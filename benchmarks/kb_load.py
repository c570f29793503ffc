"""Load time of the default knowledge (curated + bundled CIViC and CGI) and of one annotate command.

Usage::

    .venv/bin/python benchmarks/kb_load.py [--repeat 7] [--cli-runs 10]

Times :func:`oncoresist.knowledge.load_knowledge` of the default (pinned) knowledge with
its in-process cache cleared: the first load in the process and the best/median of
``--repeat`` warm loads (wall clock and process CPU time, which a busy machine disturbs
less); the same for the curated layer alone and for a full validation of the default
(``validate=True`` on a selection that was not pinned, i.e. what an unpinned load costs).
Then runs the command of issue 10 end to end as a subprocess ``--cli-runs`` times::

    oncoresist annotate --tumor NSCLC --drug erlotinib "EGFR L858R" "EGFR T790M" --json

recording wall time and the child's CPU time (user + sys, from ``os.wait4``). Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CLI = ["annotate", "--tumor", "NSCLC", "--drug", "erlotinib", "EGFR L858R", "EGFR T790M", "--json"]


def _timed_loads(repeat: int, selection: str | Path | None = None) -> dict[str, float]:
    from oncoresist.knowledge.loader import _load_cached, load_knowledge

    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(repeat + 1):
        _load_cached.cache_clear()
        t, c = time.perf_counter(), time.process_time()
        load_knowledge(selection)
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return {
        "first_s": round(wall[0], 3),
        "warm_best_s": round(min(wall[1:]), 3),
        "warm_median_s": round(statistics.median(wall[1:]), 3),
        "warm_cpu_median_s": round(statistics.median(cpu[1:]), 3),
    }


def _cli_runs(n: int) -> dict[str, float]:
    exe = Path(sys.executable).with_name("oncoresist")
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(n):
        t = time.perf_counter()
        proc = subprocess.Popen([str(exe), *CLI], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall.append(time.perf_counter() - t)
        cpu.append(usage.ru_utime + usage.ru_stime)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"annotate failed: {proc.stderr.read().decode() if proc.stderr else ''}")
    return {
        "runs": n,
        "wall_best_s": round(min(wall), 3),
        "wall_median_s": round(statistics.median(wall), 3),
        "cpu_best_s": round(min(cpu), 3),
        "cpu_median_s": round(statistics.median(cpu), 3),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--cli-runs", type=int, default=10)
    args = ap.parse_args()

    from oncoresist.knowledge import load_knowledge
    from oncoresist.knowledge.selection import default_selection

    load_avg_before = os.getloadavg()[0]
    kb = load_knowledge()
    default = _timed_loads(args.repeat)
    curated = _timed_loads(args.repeat, "curated")
    with tempfile.TemporaryDirectory() as tmp:  # the bundled layers as an unpinned folder: full validation
        for layer in default_selection().layers:
            (Path(tmp) / layer.path.name).write_bytes(layer.path.read_bytes())
        unpinned = _timed_loads(max(1, args.repeat // 2), Path(tmp))
    cli = _cli_runs(args.cli_runs)
    out = {
        "knowledge_version": kb.version,
        "facts": len(kb.facts),
        "facts_curated": len(kb.curated_facts),
        "facts_civic": sum(1 for f in kb.facts if (f.record or "").startswith("civic:")),
        "facts_cgi": sum(1 for f in kb.facts if (f.record or "").startswith("cgi:")),
        "tumor_types": len(kb.tumors),
        "load_default": default,
        "load_curated": curated,
        "load_unpinned_full_validation": unpinned,
        "cli_annotate": cli,
        "target_cli_s": 1.0,
        "python": platform.python_version(),
        "load_average_1min": [round(load_avg_before, 2), round(os.getloadavg()[0], 2)],
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}",
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
