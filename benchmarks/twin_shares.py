"""Shares of mechanisms at progression in the calibrated EGFR twin, with and without the CpG factor.

The experiment behind docs/twin.md ("T790M share ... held out"): build the EGFR L858R twin for
erlotinib then osimertinib in NSCLC, calibrate its assumed rates to Yu et al. 2013 (400 patients,
``--cal-seed``), then run continuous erlotinib in other patients (``--patients``, each of
``--seeds``) and report the share of progressions each cell type dominates. ``--no-cpg`` repeats it
with the CpG substitution factor removed from a private copy of the quantitative knowledge.

Usage::

    .venv/bin/python benchmarks/twin_shares.py                 # with the CpG factor
    .venv/bin/python benchmarks/twin_shares.py --no-cpg        # uniform substitution spectrum

Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import tempfile
from pathlib import Path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--patients", type=int, default=2000)
    ap.add_argument("--seeds", type=int, nargs="+", default=[11, 12, 13, 14, 15])
    ap.add_argument("--cal-seed", type=int, default=0)
    ap.add_argument("--no-cpg", action="store_true", help="remove the CpG substitution factor")
    args = ap.parse_args()

    from oncoresist import __version__
    from oncoresist.knowledge import load_knowledge
    from oncoresist.knowledge.quant import QUANT_DIR, load_quant
    from oncoresist.twin import build_twin
    from oncoresist.twin.calibrate import calibrate_twin
    from oncoresist.twin.compare import compare_strategies

    kb = load_knowledge(include_imports=False)
    work = Path(tempfile.mkdtemp(prefix="twin-shares-"))
    data = work / "data_quant"
    shutil.copytree(QUANT_DIR, data)
    if args.no_cpg:
        rates = (data / "rates.yaml").read_text()
        (data / "rates.yaml").write_text(re.sub(r"\nsubstitution_factors:\n(?:  .*\n)+", "\n", rates))
    q = load_quant(data_dir=data, kb=kb)
    built = build_twin(["EGFR L858R"], drugs="erlotinib,osimertinib", tumor="NSCLC", knowledge=kb, quant=q)
    cal = calibrate_twin(built, patients=400, seed=args.cal_seed, quant=q)
    shares = {}
    for seed in args.seeds:
        cmp = compare_strategies(cal.build, ["continuous"], patients=args.patients, seed=seed, quant=q)
        m = cmp.mechanisms.set_index("cell_type")
        shares[seed] = {k: round(float(v), 4) for k, v in m["share"].items()}
        print(f"seed {seed}: T790M share {shares[seed].get('EGFR_T790M', 0.0):.3f} (Yu 2013: 0.63, 95% CI 0.55-0.70)")
    print(json.dumps({
        "benchmark": "twin_shares", "cpg_factor": not args.no_cpg, "calibration_seed": args.cal_seed,
        "calibration": [{k: r[k] for k in ("cell_type", "role", "published", "simulated")} for r in cal.table()],
        "patients": args.patients, "shares_by_seed": shares, "oncoresist": __version__,
    }))
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
