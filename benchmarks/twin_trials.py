"""Held-out published trials from the twin: calibrate on each comparator only, predict the experimental arm.

The twin was developed against FLAURA (benchmarks/twin_flaura.py). This benchmark asks the same machinery
about randomised trials nobody tuned it to (``benchmarks/twin_trials/trials.yaml``: ARCHER 1050, LUX-Lung 7,
LASER301; every figure with its source and a verbatim quote). Per trial and per driver twin:

1. the twin is built with the public API (``build_twin``) for the trial's comparator and experimental drug,
   with the quantitative knowledge's published outcomes replaced by the trial's two arms (so that the
   calibration's time target, response target and scan schedule are this trial's comparator, not FLAURA's;
   nothing else in the knowledge changes);
2. calibrated exactly as twin_flaura.py does by default (``--variation potency --preexisting luria_delbruck``):
   Yu et al. 2013's shares at progression on first-generation TKIs for the routes with assumed rates, net
   growth to the comparator's median PFS, the Laleh et al. 2022 spread factor to the comparator's objective
   response with the kill spread on every drug's EC50, calibrated again, pre-existing counts per patient from
   their Luria-Delbruck distribution; since the flaura6 pass with twin_flaura.py's resistant-only growth factor
   too (``--resistant-growth shared``, its default since the flaura3 pass; before, this benchmark ran without it,
   so its twins were not twin_flaura.py's; ``--resistant-growth none`` gives the earlier procedure);
3. continuous comparator and continuous experimental drug in other virtual patients: the experimental arm is
   PREDICTED from the stored potencies (Robichaux et al. 2021 Fig. 2a for the EGFR TKIs); nothing is fitted to it.

Prints per trial ``predicted median / published (CI)``, ``predicted HR / published (CI)`` with inside yes/no
(``n/a`` where the published CI was not confirmed), the origin of the experimental drug's potency on the
sensitive clone (a table value or a default assumption), then ``trials_inside_median_ci: a/b`` and
``trials_inside_hr_ci: a/b`` (b: rows with a confirmed CI), then one JSON line. Research software, not a
medical device: these are model forecasts, not predictions for patients.

Usage::

    PYTHONPATH=src .venv/bin/python benchmarks/twin_trials.py --patients 500 --seed 11,12
    PYTHONPATH=src .venv/bin/python benchmarks/twin_trials.py --knowledge full --drivers "EGFR exon 19 deletion"
    PYTHONPATH=src .venv/bin/python benchmarks/twin_trials.py --trials laser301 --patients 200
    PYTHONPATH=src .venv/bin/python benchmarks/twin_trials.py --trials-file benchmarks/twin_trials/trials_b.yaml \
        --patients 300 --seed 11                          # the second, blind set (CTONG0901, WJOG 5108L, MARIPOSA)

A trial file may leave out a figure the stored pages do not give (a hazard ratio, its point estimate, an arm's
size): the row then prints ``n/a`` for it and nothing is filled in.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import importlib.util
import json
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from _cli import add_default_path_flags
from _snapshot_knowledge import load_benchmark_knowledge

HERE = Path(__file__).resolve().parent
DRIVERS = ["EGFR L858R"]
"""Default: the driver of the FLAURA twin (benchmarks/twin_flaura.py). The trials enrolled exon 19 deletion and
L858R; their mix was not confirmed, so the twin cannot weight the two (see the docs)."""


def _schema() -> ModuleType:
    spec = importlib.util.spec_from_file_location("twin_trials_schema", HERE / "twin_trials" / "schema.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # pydantic resolves the postponed annotations through the module
    spec.loader.exec_module(mod)
    return mod


def _outcome(trial: Any, role: str) -> Any:
    """The trial's arm as the quantitative knowledge's PublishedOutcome (what the calibration reads)."""
    from oncoresist.knowledge.quant import PublishedOutcome

    arm = trial.arm(role)
    cite = trial.citations[arm.median_pfs_months.cite]
    hr = trial.hazard_ratio if role == "experimental" else None
    if hr is not None and hr.value is None:  # only the CI was printed: the outcome carries no hazard ratio
        hr = None
    fields: dict[str, Any] = dict(
        id=f"{trial.id}-{arm.drug}", endpoint="median_pfs", months=float(arm.median_pfs_months.value),
        ci95_months=arm.median_pfs_months.ci95, drugs=[arm.drug], tumors=[trial.tumor], population=trial.setting,
        n=None if arm.n is None else int(arm.n.value), objective_response=None if arm.objective_response is None else
        float(arm.objective_response.value), scan_schedule=trial.scan_schedule,
        scan_schedule_source=trial.scan_schedule_note if trial.scan_schedule else "",
        source=cite.source, where=cite.where, note=f"held-out trial {trial.name}, {role} arm",
        hazard_ratio=None if hr is None else float(hr.value), hazard_ratio_ci95=None if hr is None else hr.ci95,
        hazard_ratio_vs=None if hr is None else f"{trial.id}-{trial.arm('comparator').drug}",
    )
    if cite.identified:
        return PublishedOutcome(**fields)
    # the paper is named but no PMID/DOI was confirmed: the field is for display only, so it is kept as
    # named rather than given an unconfirmed identifier (the other fields were validated by the trial schema)
    return PublishedOutcome.model_construct(**fields)


def _potency(build: Any, drug: str) -> dict[str, str]:
    """Origin of the drug's EC50 on the sensitive clone and of its fold on every route: table or default."""
    out: dict[str, str] = {}
    for o in build.origins:
        if o.path == f"drugs.{drug}.effect.ec50":
            out["sensitive"] = f"{o.value:.4g} [{o.kind}]"
        elif o.path.startswith("cell_types.") and o.path.endswith(f".modifiers.ec50_fold.{drug}"):
            out[o.path.split(".")[1]] = f"x{o.value:.4g} [{o.kind}]"
    return out


def _inside(x: float, ci: tuple[float, float] | None) -> bool | None:
    return None if ci is None else bool(ci[0] <= x <= ci[1])


def _yn(b: bool | None) -> str:
    return "n/a (published CI not confirmed)" if b is None else ("yes" if b else "no")


def _published_hr(trial: Any) -> list[Any]:
    """[value, ci95] of the published hazard ratio; None where the stored pages do not give it."""
    hr = trial.hazard_ratio
    return [None, None] if hr is None else [hr.value, hr.ci95]


def run_trial(trial: Any, driver: str, kb: Any, q: Any, args: argparse.Namespace) -> list[dict[str, Any]]:
    """Calibrate the twin on the trial's comparator once, then predict its experimental arm for every seed."""
    from oncoresist.twin import build_twin
    from oncoresist.twin.calibrate import calibrate_twin
    from oncoresist.twin.compare import COHORT, compare_strategies, derived_cohort
    from oncoresist.twin.joint_fit import fit_response_and_time
    from oncoresist.twin.rebiopsy import rebiopsy_shares
    from oncoresist.twin.variation import load_variation, luria_delbruck_block

    t0 = time.perf_counter()
    comp, exp = trial.arm("comparator"), trial.arm("experimental")
    qt = dataclasses.replace(q, outcomes={f"{trial.id}-{a.drug}": _outcome(trial, a.role) for a in (comp, exp)})
    from oncoresist.twin.builder import TwinDefaults

    built = build_twin([driver], drugs=f"{comp.drug},{exp.drug}", tumor=trial.tumor, knowledge=kb, quant=qt,
                       defaults=TwinDefaults(measured_preexisting=args.measured_preexisting == "on"))
    cohort: dict[str, Any] | None = {**COHORT, "resistant_fraction": luria_delbruck_block(built)}
    if comp.objective_response is not None:
        cal = calibrate_twin(built, patients=args.cal_patients, seed=args.cal_seed, cohort=cohort, quant=qt,
                             share_fit=args.share_fit)
        joint = fit_response_and_time(built, cal, load_variation(), patients=args.cal_patients, seed=args.cal_seed,
                                      quant=qt, rounds=args.fit_rounds, kill_on="ec50", preexisting="luria_delbruck",
                                      share_fit=args.share_fit,
                                      resistant_growth=args.resistant_growth != "none",
                                      resistant_growth_shared=(args.resistant_growth == "shared"
                                                               and args.route_correlation is None),
                                      resistant_growth_correlation=args.route_correlation)
        spread, cal, cohort = joint.spread, joint.calibration, joint.cohort
        fit: dict[str, Any] = {
            "calibration_converged": bool(joint.converged), "joint_fit": joint.to_dict(),
            "spread_factor": round(spread.factor, 4), "spread_converged": bool(spread.converged),
            "spread_fit_objective_response": round(float(spread.objective_response), 3)}
    else:
        # No published response for the comparator: nothing to fit the spread to, so the twin's own default
        # cohort is used (Laleh et al. 2022's spreads as derived, factor 1, Luria-Delbruck pre-existing counts)
        # and only the shares and the time scale are calibrated; the row says so.
        cal = calibrate_twin(built, patients=args.cal_patients, seed=args.cal_seed, cohort=derived_cohort(built),
                             quant=qt, share_fit=args.share_fit)
        cohort = derived_cohort(cal.build)
        fit = {"calibration_converged": bool(cal.converged),
               "joint_fit": {"skipped": "no published objective response for the comparator arm: spread not fitted, "
                                        "the derived cohort (Laleh et al. 2022 spreads, factor 1) is used"},
               "spread_factor": 1.0, "spread_converged": None, "spread_fit_objective_response": None}
    calibration_seconds = round(time.perf_counter() - t0, 1)
    arms = [f"continuous:{comp.drug}", f"continuous:{exp.drug}"]
    rows = []
    for seed in args.seeds:
        t1 = time.perf_counter()
        cmp = compare_strategies(cal.build, arms, patients=args.patients, seed=seed, cohort=cohort, quant=qt)
        s = cmp.summary
        e, c = s.loc[arms[1]], s.loc[arms[0]]
        res = cmp.patients
        assert res is not None
        orr = res.groupby("arm", sort=False)["best_response"].agg(lambda b: float((b <= 1).mean()))
        med = [round(float(e[k]), 2) for k in ("median", "median_lower", "median_upper")]
        hr = [round(float(e[k]), 3) for k in ("hr", "hr_lower", "hr_upper")]
        rows.append({
            "trial": trial.id, "name": trial.name, "driver": driver, "seed": seed,
            "comparator": comp.drug, "experimental": exp.drug,
            "predicted_median_months": med,
            "published_median_months": [exp.median_pfs_months.value, exp.median_pfs_months.ci95],
            "median_inside_ci": _inside(med[0], exp.median_pfs_months.ci95),
            "predicted_hr": hr, "published_hr": _published_hr(trial),
            "hr_inside_ci": _inside(hr[0], _published_hr(trial)[1]),
            "caveats": list(getattr(trial, "caveats", [])),
            "comparator_median_months": {"model": [round(float(c[k]), 2) for k in ("median", "median_lower",
                                                                                  "median_upper")],
                                         "published": comp.median_pfs_months.value, "role": "calibrated"},
            "objective_response": {"model": {k: round(v, 3) for k, v in orr.items()},
                                   "published": {arms[0]: None if comp.objective_response is None else
                                                 comp.objective_response.value,
                                                 arms[1]: None if exp.objective_response is None else
                                                 exp.objective_response.value}},
            **fit,
            "growth_factor": round(cal.growth_factor, 3),
            "calibration_median_months": round(cal.median_months or 0, 2),
            "experimental_potency": _potency(cal.build, exp.drug),
            "comparator_potency": _potency(cal.build, comp.drug),
            "routes": [ct.name for ct in cal.build.scenario.cell_types],
            "resistant_growth": args.resistant_growth, "route_correlation": args.route_correlation,
            "share_fit": args.share_fit, "measured_preexisting": args.measured_preexisting == "on",
            "fitted_shares": cal.share_fit_table(),
            "mechanisms_at_progression": {
                arm: {r.cell_type: round(float(r.share), 3) for r in g.itertuples() if r.share > 0}
                for arm, g in cmp.mechanisms.groupby("strategy", sort=False)},
            # as a rebiopsy series counts them ('sensitive' = no identified mechanism; oncoresist.twin.rebiopsy)
            "acquired_resistance_shares": {arm: {k: round(v, 3) for k, v in d.items()}
                                           for arm, d in rebiopsy_shares(res).items()},
            "calibration_seconds": calibration_seconds, "trial_seconds": round(time.perf_counter() - t1, 1),
        })
    return rows


def _fmt_ci(ci: Any) -> str:
    return "CI not confirmed" if ci is None else f"{ci[0]:g}-{ci[1]:g}"


def _fmt_value(x: Any) -> str:
    return "not confirmed" if x is None else f"{x:g}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--patients", type=int, default=500, help="virtual patients per arm (default 500)")
    ap.add_argument("--seed", default="11", help="root seed(s) of the predicted trial's cohorts, comma-separated "
                    "(e.g. 11,12: one calibration, one predicted trial per seed)")
    ap.add_argument("--cal-seed", type=int, default=0, help="seed of the calibration cohort (as twin_flaura.py)")
    ap.add_argument("--cal-patients", type=int, default=400, help="patients per calibration step (as twin_flaura.py)")
    ap.add_argument("--knowledge", choices=["curated", "full"], default="curated")
    ap.add_argument("--fit-rounds", type=int, default=4,
                    help="most rounds of (spread fit, time-scale calibration) to a fixed point (twin.joint_fit)")
    ap.add_argument("--drivers", default=",".join(DRIVERS),
                    help="comma-separated sensitising drivers, one twin each (default: EGFR L858R, as the FLAURA twin)")
    ap.add_argument("--trials", default="", help="comma-separated trial ids from the trials file (default: all)")
    ap.add_argument("--trials-file", default=None,
                    help="trials file (default benchmarks/twin_trials/trials.yaml; the second, blind set is "
                    "benchmarks/twin_trials/trials_b.yaml)")
    ap.add_argument("--resistant-growth", choices=["shared", "none"], default="shared",
                    help="the resistant-only net-growth factor of twin_flaura.py (shared: one per patient, its "
                         "default; none: the procedure before the flaura6 pass)")
    ap.add_argument("--route-correlation", type=float, default=None, metavar="RHO",
                    help="correlation in [0, 1] of that factor between a patient's routes (as twin_flaura.py; "
                         "default: not set, i.e. 1)")
    add_default_path_flags(ap)
    args = ap.parse_args()
    if args.route_correlation is not None and (args.resistant_growth != "shared"
                                               or not 0 <= args.route_correlation <= 1):
        print("--route-correlation: give a number in [0, 1] with --resistant-growth shared", file=sys.stderr)
        return 2
    try:
        args.seeds = [int(x) for x in str(args.seed).split(",") if x.strip()]
    except ValueError:
        print(f"--seed: whole numbers separated by commas, got {args.seed!r}", file=sys.stderr)
        return 2
    if not args.seeds:
        print("--seed: give at least one seed", file=sys.stderr)
        return 2
    if args.patients <= 0 or args.cal_patients <= 0:
        print("--patients and --cal-patients: give a positive number of patients", file=sys.stderr)
        return 2

    from oncoresist import __version__
    from oncoresist.errors import AlterationSyntaxError, OncoresistError, UnknownNameError
    from oncoresist.knowledge.quant import load_quant

    schema = _schema()
    trials_file = Path(args.trials_file) if args.trials_file else schema.TRIALS_FILE
    try:
        trials = schema.load_trials(trials_file).trials
    except OncoresistError as exc:
        print(exc, file=sys.stderr)
        return 2
    wanted = [t for t in args.trials.split(",") if t]
    unknown = sorted(set(wanted) - {t.id for t in trials})
    if unknown:
        print(f"--trials: unknown trial {', '.join(unknown)}; known: {', '.join(t.id for t in trials)}",
              file=sys.stderr)
        return 2
    trials = [t for t in trials if not wanted or t.id in wanted]
    drivers = [d.strip() for d in args.drivers.split(",") if d.strip()]
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="twin-trials-imports-") as tmp:
        kb = load_benchmark_knowledge(args.knowledge, Path(tmp))
        q = load_quant()
        for trial in trials:
            for driver in drivers:
                try:
                    got = run_trial(trial, driver, kb, q, args)
                except (UnknownNameError, AlterationSyntaxError) as exc:  # a typo in --drivers: bad input
                    print(f"--drivers: {exc}", file=sys.stderr)
                    return 2
                except OncoresistError as exc:  # the API cannot express this trial: say why, go on
                    rows.append({"trial": trial.id, "name": trial.name, "driver": driver, "not_run": str(exc)})
                    print(f"{trial.name} [{driver}]: not run: {exc}", flush=True)
                    continue
                rows += got
                for row in got:
                    pm, pub = row["predicted_median_months"], row["published_median_months"]
                    ph, pubh = row["predicted_hr"], row["published_hr"]
                    print(f"{trial.name} [{driver}, seed {row['seed']}] {row['experimental']} vs {row['comparator']}: "
                          f"predicted median {pm[0]:.1f} ({pm[1]:.1f}-{pm[2]:.1f}) / published {pub[0]:g} "
                          f"({_fmt_ci(pub[1])}) months, inside: {_yn(row['median_inside_ci'])}; "
                          f"predicted HR {ph[0]:.3f} ({ph[1]:.3f}-{ph[2]:.3f}) / published {_fmt_value(pubh[0])} "
                          f"({_fmt_ci(pubh[1])}), inside: {_yn(row['hr_inside_ci'])}; "
                          f"comparator (calibrated) {row['comparator_median_months']['model'][0]:.1f} / "
                          f"{row['comparator_median_months']['published']:g}; "
                          f"{row['experimental']} EC50 on the sensitive clone "
                          f"{row['experimental_potency'].get('sensitive', 'none')}", flush=True)
    ran = [r for r in rows if "not_run" not in r]
    counts: dict[int, dict[str, list[int]]] = {}
    for seed in args.seeds:
        mine = [r for r in ran if r["seed"] == seed]
        med = [r["median_inside_ci"] for r in mine if r["median_inside_ci"] is not None]
        hrs = [r["hr_inside_ci"] for r in mine if r["hr_inside_ci"] is not None]
        counts[seed] = {"median": [sum(med), len(med)], "hr": [sum(hrs), len(hrs)]}
        tag = f" (seed {seed})" if len(args.seeds) > 1 else ""
        print(f"trials_inside_median_ci: {sum(med)}/{len(med)}{tag}")
        print(f"trials_inside_hr_ci: {sum(hrs)}/{len(hrs)}{tag}")
    print(json.dumps({
        "benchmark": "twin_trials", "oncoresist": __version__, "knowledge": args.knowledge,
        "knowledge_version": kb.version, "facts": len(kb.facts), "patients_per_arm": args.patients,
        "trials_file": str(trials_file.resolve().relative_to(HERE.parent)) if trials_file.resolve().is_relative_to(
            HERE.parent) else str(trials_file),
        "trials_file_sha256": hashlib.sha256(trials_file.read_bytes()).hexdigest(),
        "seeds": args.seeds, "calibration_seed": args.cal_seed, "calibration_patients": args.cal_patients,
        "variation": "potency", "preexisting": "luria_delbruck", "drivers": drivers, "rows": ran,
        "not_run": [r for r in rows if "not_run" in r],
        "inside_ci_per_seed": counts,
    }, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
