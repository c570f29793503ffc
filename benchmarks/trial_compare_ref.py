"""Trial throughput of an older commit and of this tree, in one run (issue 13: ">= 2x today's patient-years/s").

The older tree is exported with ``git archive REF src examples`` into a cache folder (kept, with its own
numba cache, between runs) and the *same* trial file — by default the FLAURA-like example as it was at
REF, which both trees can read — runs in separate subprocesses: REF's ``src`` first on the path, then
this tree's. Same patients per arm, same seed, same batch size; in each subprocess a 4-patient warm-up
(imports, numba cache load) runs first and is excluded from the timing. Each subprocess reports wall and
CPU seconds of ``run_trial`` and its own peak RSS (the whole process: interpreter, imports, results).

Printed: one line per run, then ``patient_years_per_s_old``, ``patient_years_per_s_new`` (per method
asked for with ``--new-methods``; the first is the headline), ``ratio_new_vs_old``, ``peak_rss_mb_old`` /
``_new``, and the same per CPU-second (the in-process backend of each tree with its own default engine
threads: REF ran every batch on 1 thread; this tree uses every core unless ``--engine-threads``).

Usage::

    python benchmarks/trial_compare_ref.py --ref a075101 --patients 20000
    python benchmarks/trial_scale.py --compare-ref a075101 --patients 100000   # the same
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(os.environ.get("ONCORESIST_REF_CACHE", Path(tempfile.gettempdir()) / "oncoresist-ref-trees"))

CHILD = textwrap.dedent("""
    import json, os, resource, sys, tempfile, time
    from pathlib import Path
    args = json.loads(sys.argv[1])
    if args["threads"] is not None:
        from oncoresist.trial import engine_adapter
        if hasattr(engine_adapter, "engine_threads"):
            engine_adapter.engine_threads = lambda: args["threads"]
    import oncoresist
    from oncoresist.trial.run import load_results, run_trial
    from oncoresist.trial.spec import load_trial
    spec = load_trial(Path(args["trial"]))
    kw = {} if args["method"] is None else {"method": args["method"]}
    with tempfile.TemporaryDirectory() as tmp:
        run_trial(spec, out_dir=Path(tmp) / "warm", patients=2, seed=1, **kw)  # imports, kernels: not timed
        r0 = resource.getrusage(resource.RUSAGE_SELF)
        t0 = time.perf_counter()
        run_trial(spec, out_dir=Path(tmp) / "run", patients=args["per_arm"], seed=args["seed"],
                  batch_size=args["batch"], **kw)
        wall = time.perf_counter() - t0
        r1 = resource.getrusage(resource.RUSAGE_SELF)
        patients = load_results(Path(tmp) / "run")[0]
        cols = [c for c in patients.columns if str(c).endswith("_time")]
        summary = {c: float(patients[c].astype(float).median()) for c in cols[:3]}
    print("RESULT " + json.dumps({
        "wall_s": wall, "cpu_s": (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime),
        "peak_rss_mb": r1.ru_maxrss / 1024.0, "n_patients": int(len(patients)), "medians": summary,
        "version": getattr(oncoresist, "__version__", "?"), "src": str(Path(oncoresist.__file__).parent),
        "load_avg": os.getloadavg()[0]}))
""")


def export_tree(ref: str) -> Path:
    """``git archive REF src examples`` into the cache (once); returns the tree's root."""
    sha = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--verify", f"{ref}^{{commit}}"], check=True,
                         capture_output=True, text=True).stdout.strip()
    dest = CACHE / sha
    if not (dest / "src" / "oncoresist").is_dir():
        dest.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", sha, "src", "examples"], check=True,
                                 capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest


def run_child(src: Path, trial: Path, per_arm: int, seed: int, batch: int, method: str | None,
              threads: int | None) -> dict:
    env = {**os.environ, "PYTHONPATH": str(src)}
    env.pop("NUMBA_CACHE_DIR", None)
    payload = json.dumps({"trial": str(trial), "per_arm": per_arm, "seed": seed, "batch": batch, "method": method,
                          "threads": threads})  # fmt: skip
    proc = subprocess.run([sys.executable, "-c", CHILD, payload], env=env, capture_output=True, text=True)
    line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
    if proc.returncode != 0 or line is None:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["(no output)"]
        raise SystemExit(f"trial run with {src} failed: {tail[0]}")
    return json.loads(line[len("RESULT "):])


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ref", default="a075101", help="older commit (default a075101, main on 2026-11-24)")
    ap.add_argument("--patients", type=int, default=20000, help="total patients over both arms")
    ap.add_argument("--seed", type=int, default=2018)
    ap.add_argument("--batch-size", type=int, default=2000)
    ap.add_argument("--trial", default=None,
                    help="trial file relative to the repository (default: examples/trials/flaura_egfr.yaml as at REF)")
    ap.add_argument("--new-methods", nargs="+", default=["leap", "auto"],
                    help="engine methods for this tree (the first is the headline; REF runs its default, auto)")
    ap.add_argument("--engine-threads", type=int, default=None,
                    help="engine threads for this tree's in-process run (default: its own default, every core)")
    args = ap.parse_args(argv)
    old_root = export_tree(args.ref)
    rel = args.trial or "examples/trials/flaura_egfr.yaml"
    trial = (old_root / rel) if args.trial is None else (ROOT / rel)
    years = None
    per_arm = args.patients // 2
    print(f"trial {trial} ({'as at ' + args.ref if args.trial is None else 'this tree'}), {2 * per_arm} patients, "
          f"seed {args.seed}, batch {args.batch_size}; {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    import yaml

    years = float(yaml.safe_load(trial.read_text())["follow_up_days"]) / 365.25
    rows = {"old": run_child(old_root / "src", trial, per_arm, args.seed, args.batch_size, None, None)}
    for m in args.new_methods:
        rows[f"new_{m}"] = run_child(ROOT / "src", trial, per_arm, args.seed, args.batch_size, m, args.engine_threads)
    for name, r in rows.items():
        r["patient_years_per_s"] = r["n_patients"] * years / r["wall_s"]
        r["patient_years_per_cpu_s"] = r["n_patients"] * years / r["cpu_s"]
        print(f"{name:10s} {r['src']}: {r['n_patients']} patients, wall {r['wall_s']:.1f} s, CPU {r['cpu_s']:.1f} s, "
              f"peak RSS {r['peak_rss_mb']:.0f} MB, load at end {r['load_avg']:.1f}, medians {r['medians']}")
    old = rows["old"]
    head = rows[f"new_{args.new_methods[0]}"]
    print(f"patient_years_per_s_old: {old['patient_years_per_s']:.1f}")
    for m in args.new_methods:
        print(f"patient_years_per_s_new ({m}): {rows[f'new_{m}']['patient_years_per_s']:.1f}")
    print(f"patient_years_per_s_new: {head['patient_years_per_s']:.1f}")
    for m in args.new_methods:
        r = rows[f"new_{m}"]
        print(f"ratio_new_vs_old ({m}): {r['patient_years_per_s'] / old['patient_years_per_s']:.2f} "
              f"(per CPU-second {r['patient_years_per_cpu_s'] / old['patient_years_per_cpu_s']:.2f})")
    print(f"ratio_new_vs_old: {head['patient_years_per_s'] / old['patient_years_per_s']:.2f}")
    print(f"peak_rss_mb_old: {old['peak_rss_mb']:.0f}")
    print(f"peak_rss_mb_new: {max(rows[f'new_{m}']['peak_rss_mb'] for m in args.new_methods):.0f}")


if __name__ == "__main__":
    main()
