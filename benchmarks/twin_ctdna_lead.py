"""ctDNA lead time of the EGFR twin under the observation model's sourced alternatives (a sensitivity run).

Builds the EGFR L858R twin (erlotinib, then osimertinib; curated layer), calibrates it and fits its spread to
the comparator as ``oncoresist twin --calibrate`` does (``oncoresist.twin.fitted_cohort.calibrate_with_spread``:
Yu et al. 2013 shares, FLAURA comparator median PFS 10.2 months and ORR 76%), then runs continuous erlotinib,
sequential and ctDNA-guided lines in other patients under each variant of the observation model:

- ``default``: two target lesions, 5 mm detection limit, shedding 1.4e-4 GE per death (Avanzini et al. 2020);
- ``recist_10mm``: lesions read 0 mm below 10 mm (RECIST 1.1's smallest measurable lesion at baseline);
- ``recist_5_lesions``: the burden in five target lesions (RECIST 1.1's most target lesions);
- ``recist_10mm_5_lesions``: both;
- ``shedding_x10``: ten times Avanzini's shedding per death (no source: the scale of the gap);

The calibration is NOT redone per variant, so the comparator's median moves with the observation model: that
shift is part of what is measured. Prints one JSON line per variant and the detection sizes
(``oncoresist.monitor.detection``).

Usage::

    PYTHONPATH=src .venv/bin/python benchmarks/twin_ctdna_lead.py --patients 500
"""

from __future__ import annotations

import argparse
import json
import time

VARIANTS: dict[str, tuple[dict[str, float], dict[str, float]]] = {
    "default": ({}, {}),
    "recist_10mm": ({"detection_limit_mm": 10.0}, {}),
    "recist_5_lesions": ({"n_lesions": 5}, {}),
    "recist_10mm_5_lesions": ({"detection_limit_mm": 10.0, "n_lesions": 5}, {}),
    "shedding_x10": ({}, {"shedding_per_death": 1.4e-3}),
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--patients", type=int, default=500, help="patients per strategy and variant")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--cal-seed", type=int, default=0)
    ap.add_argument("--cal-patients", type=int, default=400)
    ap.add_argument("--variants", default=",".join(VARIANTS), help="comma-separated subset of " + ",".join(VARIANTS))
    args = ap.parse_args()

    from oncoresist import __version__
    from oncoresist.knowledge.loader import load_knowledge
    from oncoresist.monitor.ctdna import CtdnaParams
    from oncoresist.monitor.detection import imaging_progression_cells, plasma_detection_cells
    from oncoresist.twin import build_twin
    from oncoresist.twin.compare import compare_strategies
    from oncoresist.twin.fitted_cohort import calibrate_with_spread

    t0 = time.perf_counter()
    kb = load_knowledge(include_imports=False)
    built = build_twin(["EGFR L858R"], drugs="erlotinib,osimertinib", tumor="NSCLC", knowledge=kb)
    fc = calibrate_with_spread(built, patients=args.cal_patients, seed=args.cal_seed)
    twin = fc.calibration.build
    death = next(c.death for c in twin.scenario.cell_types if c.name == "EGFR_T790M")
    print(json.dumps({"calibration_s": round(time.perf_counter() - t0, 1), "cohort_source": fc.source,
                      "t790m_death_per_day": death, "growth_factor": fc.calibration.growth_factor}))
    for name in args.variants.split(","):
        imaging, ctdna = VARIANTS[name]
        q_d = ctdna.get("shedding_per_death", CtdnaParams().q_d)
        n_les = int(imaging.get("n_lesions", 2))
        limit = imaging.get("detection_limit_mm", 5.0)
        t1 = time.perf_counter()
        cmp = compare_strategies(twin, ["continuous", "sequential", "ctdna_guided"], patients=args.patients,
                                 seed=args.seed, cohort=fc.cohort, cohort_source=fc.source, imaging=imaging,
                                 ctdna=ctdna)
        ends = cmp.endpoints
        assert ends is not None and cmp.patients is not None
        res = cmp.patients
        cont = res[res["arm"] == "continuous"]

        def f(v: object) -> float | None:
            x = float(v)  # type: ignore[arg-type]
            return None if x != x else round(x, 2)

        print(json.dumps({
            "variant": name, "imaging": imaging, "ctdna": ctdna, "patients_per_strategy": args.patients,
            "seed": args.seed, "oncoresist": __version__,
            "plasma_detection_cells": plasma_detection_cells(death, params=CtdnaParams(q_d=q_d)),
            "imaging_pd_cells_after_cr": imaging_progression_cells(n_lesions=n_les, detection_limit_mm=limit),
            "comparator_recist_pfs_months": [f(ends.loc["continuous", k]) for k in
                                             ("recist_pfs_median", "recist_pfs_lower", "recist_pfs_upper")],
            "objective_response_continuous": round(float((cont["best_response"] <= 1).mean()), 3),
            "complete_response_continuous": round(float((cont["best_response"] == 0).mean()), 3),
            "strategy_failure_months": {arm: [f(r[k]) for k in ("strategy_failure_median", "strategy_failure_lower",
                                                                 "strategy_failure_upper")]
                                        for arm, r in ends.iterrows()},
            "plasma_first_of_progressed": {arm: [int(r.get("ctdna_onset_lead_n") or 0),
                                                 int(r.get("ctdna_progressed_n") or 0)] for arm, r in ends.iterrows()},
            "onset_lead_median_days": {arm: f(r.get("ctdna_onset_lead_median_days")) for arm, r in ends.iterrows()},
            "after_pd_delay_median_days": {arm: f(r.get("ctdna_delay_median_days")) for arm, r in ends.iterrows()},
            "wall_s": round(time.perf_counter() - t1, 1),
        }))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
