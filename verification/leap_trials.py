"""Verification: virtual trials and twin cohorts on the ``leap`` engine agree with ``tau``.

For each seed, the same patients (same root seed: cohort factors and monitoring noise are the
patients' own streams) run on both engines, and ``oncoresist.trial.agreement.engine_agreement``
applies paired exact tests per arm: a sign test on PFS (and on time to strategy failure for the
twin), McNemar's test on objective response and on T790M-dominant progression; each at
alpha / number of tests (Bonferroni, family-wise alpha 0.05 per run). Also printed: each
engine's KM median with its 95% CI, and the CPU time of each run.

    python verification/leap_trials.py           # FLAURA example 1000/arm x 3 seeds; twin 500 x 5 strategies x 2 seeds
    python verification/leap_trials.py --quick   # 200/arm, one seed each
    python verification/leap_trials.py --out /tmp/leap    # also writes the tables (CSV) and results.json

Exit status 1 when any run's tests reject agreement. The fast version is
``tests/trial/test_leap_agreement.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))

FLAURA = ROOT / "examples" / "trials" / "flaura_egfr.yaml"
TWIN_STRATEGIES = ["continuous", "sequential", "adaptive", "ctdna_guided", "combination"]


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--flaura-patients", type=int, default=None, help="patients per arm (default 1000; quick 200)")
    ap.add_argument("--twin-patients", type=int, default=None, help="patients per strategy (default 500; quick 200)")
    ap.add_argument("--flaura-seeds", type=int, nargs="*", default=None)
    ap.add_argument("--twin-seeds", type=int, nargs="*", default=None)
    ap.add_argument("--alpha", type=float, default=0.05)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)

    import pandas as pd

    from oncoresist.trial.agreement import engine_agreement
    from oncoresist.trial.run import run_trial
    from oncoresist.trial.spec import load_trial
    from oncoresist.twin import build_twin
    from oncoresist.twin.compare import run_cohort

    pd.set_option("display.width", 200)
    pd.set_option("display.max_columns", 20)
    n_flaura = args.flaura_patients or (200 if args.quick else 1000)
    n_twin = args.twin_patients or (200 if args.quick else 500)
    flaura_seeds = args.flaura_seeds if args.flaura_seeds is not None else ([1] if args.quick else [1, 2, 3])
    twin_seeds = args.twin_seeds if args.twin_seeds is not None else ([11] if args.quick else [11, 12])
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
    spec = load_trial(FLAURA)
    build = build_twin(["EGFR L858R"], drugs="erlotinib,osimertinib", tumor="NSCLC")
    results: list[dict[str, object]] = []
    ok = True
    cases = [("flaura", s) for s in flaura_seeds] + [("twin", s) for s in twin_seeds]
    for what, seed in cases:
        runs = {}
        cpu = {}
        for engine in ("tau", "leap"):
            c0 = _cpu()
            if what == "flaura":
                runs[engine] = run_trial(spec, out_dir=None, patients=n_flaura, seed=seed, method=engine).patients
            else:
                runs[engine] = run_cohort(build, TWIN_STRATEGIES, patients=n_twin, seed=seed, engine=engine)[0]
            cpu[engine] = _cpu() - c0
        table = engine_agreement(runs["tau"], runs["leap"], cell_types=["EGFR_T790M"], alpha=args.alpha,
                                 time_columns=("pfs",) if what == "flaura" else ("pfs", "strategy_failure"))
        agree = bool(table["agree"].all())
        ok &= agree
        n = n_flaura if what == "flaura" else n_twin
        print(f"\n== {what} seed {seed}: {n} patients per arm; CPU tau {cpu['tau']:.1f} s, leap {cpu['leap']:.1f} s "
              f"(tau/leap {cpu['tau'] / cpu['leap']:.2f}); {'AGREE' if agree else 'DISAGREE'} "
              f"(smallest p {table['p'].min():.3g}, per-test level {table['level'].iloc[0]:.3g})")
        print(table.to_string(index=False, float_format=lambda x: f"{x:.4g}"))
        results.append({"case": what, "seed": seed, "patients_per_arm": n, "cpu_tau_s": cpu["tau"],
                        "cpu_leap_s": cpu["leap"], "agree": agree, "min_p": float(table["p"].min()),
                        "level": float(table["level"].iloc[0])})
        if args.out:
            table.to_csv(args.out / f"{what}-seed{seed}.csv", index=False)
    print("\nload average:", " ".join(f"{x:.1f}" for x in os.getloadavg()))
    print(f"leap_agrees_with_tau: {'yes' if ok else 'NO'} ({len(cases)} runs)")
    if args.out:
        (args.out / "results.json").write_text(json.dumps({"runs": results, "time": time.time()}, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
