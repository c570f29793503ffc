"""FLAURA from the twin: calibrate on the comparator, predict the osimertinib arm from mechanism.

Builds the EGFR L858R twin for erlotinib and osimertinib in NSCLC from the knowledge, calibrates it
(``calibrate_twin``: assumed emergence rates to Yu et al. 2013's shares at progression, net growth
to FLAURA's comparator median PFS of 10.2 months), then runs continuous erlotinib and continuous
osimertinib in other virtual patients and compares the predicted osimertinib arm with the published
one (median PFS 18.9 months, HR 0.46, 95% CI 0.37-0.57; Soria et al. 2018, PMID:29151359).

Usage::

    .venv/bin/python benchmarks/twin_flaura.py                # 2000 patients per arm, seed 11

Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from pathlib import Path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--patients", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--cal-seed", type=int, default=0)
    args = ap.parse_args()

    from oncoresist import __version__
    from oncoresist.knowledge.quant import load_quant
    from oncoresist.twin import build_twin
    from oncoresist.twin.calibrate import calibrate_twin
    from oncoresist.twin.compare import compare_strategies

    work = Path(tempfile.mkdtemp(prefix="twin-flaura-"))
    q = load_quant()
    built = build_twin(["EGFR L858R"], drugs="erlotinib,osimertinib", tumor="NSCLC", quant=q)
    cal = calibrate_twin(built, patients=400, seed=args.cal_seed, out_dir=work / "cal")
    arms = ["continuous:erlotinib", "continuous:osimertinib"]
    cmp = compare_strategies(cal.build, arms, patients=args.patients, seed=args.seed, out_dir=work / "trial")
    s = cmp.summary
    osi = s.loc["continuous:osimertinib"]
    pub = q.outcomes["flaura-osimertinib"]
    mech = cmp.mechanisms
    print(json.dumps({
        "benchmark": "twin_flaura", "oncoresist": __version__, "patients_per_arm": args.patients,
        "seed": args.seed, "calibration_seed": args.cal_seed, "calibration_converged": cal.converged,
        "growth_factor": round(cal.growth_factor, 3), "calibration_median_months": round(cal.median_months or 0, 2),
        "erlotinib_median_months": {"model": float(s.loc["continuous:erlotinib", "median"]), "published": 10.2,
                                    "role": "calibrated"},
        "osimertinib_median_months": {"model": float(osi["median"]), "published": pub.months, "role": "predicted"},
        "hazard_ratio": {"model": [round(float(osi[k]), 3) for k in ("hr", "hr_lower", "hr_upper")],
                         "published": [pub.hazard_ratio, *(pub.hazard_ratio_ci95 or [])]},
        "mechanisms_at_progression": {
            arm: {r.cell_type: round(float(r.share), 3) for r in g.itertuples() if r.share > 0}
            for arm, g in mech.groupby("strategy", sort=False)
        },
    }))
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
