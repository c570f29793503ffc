"""FLAURA from the twin: calibrate on the comparator only, predict the osimertinib arm from mechanism.

Builds the EGFR L858R twin for erlotinib and osimertinib in NSCLC from the knowledge (osimertinib's
and erlotinib's action on every EGFR route from Robichaux et al. 2021's table), calibrates it on the
comparator only (``calibrate_twin``: the assumed emergence rates to Yu et al. 2013's shares at
progression on first-generation TKIs, net growth to FLAURA's comparator median PFS of 10.2 months),
then runs continuous erlotinib and continuous osimertinib in other virtual patients, scanned on
FLAURA's schedule (outcomes.yaml; unconfirmed, see there), and compares the predicted osimertinib
arm with the published one (median PFS 18.9 months, HR 0.46, 95% CI 0.37-0.57; Soria et al. 2018,
PMID:29151359). Nothing is fitted to the osimertinib arm.

Spread factor (flaura8 pass, default ``--mechanism-target EGFR_T790M``): scored on the comparator's objective
response and on Yu et al. 2013's T790M share at progression (98/155, binomial likelihoods;
``twin.mechanism_target``), so **T790M's share on erlotinib is fitted**, not predicted (the
``t790m_share_erlotinib:`` line says so). Still held out: the T790M-vs-other PFS HR on erlotinib (Ma 2017 / Liu
2017), every osimertinib figure, the routes at osimertinib progression (Chmielecki 2023).

Resistant-only growth (default ``--resistant-growth shared``): each patient's resistant clones get a net-growth
factor of their own, apart from the sensitive clone's, carrying the part of Laleh et al. 2022's net-growth
spread that the comparator's response leaves to the shared factor (``twin.variation.resistant_growth_block``).
Scans on the comparator's stored schedule with each visit's protocol window (``window_days``, an assumption).

Between-patient spreads (default ``--variation potency``): Laleh et al. 2022's lesion-fit spreads times
one factor fitted to the comparator's objective response (76%; ``oncoresist.twin.spread``), the kill
spread carried by the tumour's sensitivity (a factor on every drug's EC50, the same for both drugs), so
that each drug's kill follows its own EC50 from Robichaux et al. 2021's driver/wild-type window.

Usage::

    .venv/bin/python benchmarks/twin_flaura.py                       # curated knowledge, 2000 per arm
    .venv/bin/python benchmarks/twin_flaura.py --knowledge full      # + CIViC and CGI imports (../shared/data)
    .venv/bin/python benchmarks/twin_flaura.py --patients 1000 --export examples/trials   # rewrites the example trial

Prints ``osimertinib_median_months:`` and ``hazard_ratio:`` lines, then one JSON line.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from _cli import OneLineParser, add_default_path_flags, bounded_float
from _snapshot_knowledge import load_benchmark_knowledge

COMPARATOR_PATIENTS = 556 // 2
"""Patients of FLAURA's comparator arm for the response's binomial likelihood: 556 randomised 1:1
(``outcomes.yaml`` note, PMID:29151359 abstract); the per-arm number is not in the stored abstract."""


def _export(args, build, arms, cohort, spread, q) -> None:  # type: ignore[no-untyped-def]
    from oncoresist._io import write_text_atomic
    from oncoresist.twin.export import scenario_without_schedule_yaml
    from oncoresist.twin.trial_export import trial_yaml

    scen = "scenarios/egfr_l858r_twin.yaml"
    pub, pub_c = q.outcomes["flaura-osimertinib"], q.outcomes["flaura-standard-egfr-tki"]
    on = "every drug's EC50 (tumour sensitivity)" if spread is not None and spread.kill_on == "ec50" else "Emax"
    fit = "" if spread is None else (f";\nbetween-patient spreads: Laleh et al. 2022 x {spread.factor:.4g} fitted to "
                                     f"the comparator's objective response {spread.target:g} ({spread.target_id}),\n"
                                     f"kill spread on {on}")
    if spread is not None and args.mechanism_target != "none":
        fit += (f",\nthe spread factor also scored on Yu et al. 2013's {args.mechanism_target} share at progression "
                "(98/155, twin.mechanism_target): that share is FITTED")
    rf = (cohort or {}).get("resistant_fraction") or {}
    pre = [] if rf.get("dist") != "luria_delbruck" else [
        "Pre-existing resistant cells: each patient's count per route drawn from its Luria-Delbruck distribution",
        "(cohort.resistant_fraction: clones = mean surviving mutant clones, cells = the source's cells; one entry per",
        "resistant cell type in the scenario's order: " + ", ".join(
            c.name for c in build.scenario.cell_types if c.modifiers or c.mechanisms) + ").",
        *([] if not build.measured else [
            "Measured pre-treatment fractions instead of that count for " + ", ".join(sorted(build.measured))
            + " (TwinDefaults.measured_preexisting: a lognormal",
            "fitted to the knowledge's pretreatment_prevalence, drawn per patient; cohort.resistant_fraction."
            "measured_sigma).",
        ]),
    ]
    comment = "\n".join([
        "FLAURA-like first-line erlotinib vs osimertinib, EGFR L858R NSCLC, exported from the calibrated twin:",
        f"  PYTHONPATH=src .venv/bin/python benchmarks/twin_flaura.py --knowledge {args.knowledge} --variation "
        f"{args.variation} --preexisting {args.preexisting} --resistant-growth {args.resistant_growth} --fit-rounds "
        f"{args.fit_rounds} --mechanism-target {args.mechanism_target} --cal-seed {args.cal_seed} --cal-patients "
        f"{args.cal_patients} --share-fit {args.share_fit} --measured-preexisting {args.measured_preexisting} "
        "--export examples/trials",
        "Fitted to the COMPARATOR ARM ONLY: the assumed emergence rates to Yu et al. 2013's shares at progression on",
        f"erlotinib/gefitinib and the net growth to its median PFS {pub_c.months:g} months ({pub_c.source})"
        + fit + ".",
        f"PREDICTED (nothing fitted to it): the osimertinib arm (published {pub.months:g} months, "
        f"HR {pub.hazard_ratio:g}).",
        *pre,
        *([] if "resistant_growth" not in (cohort or {}) else [
            "Resistant-only growth: cohort.resistant_growth, a factor on the resistant routes' own birth and death ("
            + ("one per patient for all its routes" if (cohort or {}).get("resistant_growth_shared") else
               "one per route and patient" if (cohort or {}).get("resistant_growth_correlation") is None else
               f"route correlation {(cohort or {})['resistant_growth_correlation']:g} within a patient")
            + "), spread = Laleh's net-growth spread less the part the shared",
            "growth factor carries, capped at a doubling a week (twin.variation.resistant_growth_block).",
        ]),
        "Scans: the schedule stored with the comparator's outcome (unconfirmed), each visit +/- its window_days",
        "(an assumption): events are dated on the visit's day.",
        "Osimertinib's and erlotinib's action on every EGFR route and on the sensitive clone: Robichaux et al. 2021",
        "Fig. 2a (scenario header). Results and the command: docs/trials.md (FLAURA).",
    ])
    out = args.export
    write_text_atomic(out / scen, scenario_without_schedule_yaml(build))
    write_text_atomic(out / "flaura_egfr.yaml", trial_yaml(
        build, arms, cohort=cohort, scenario_file=scen, patients=300, arm_names=["erlotinib", "osimertinib"],
        name="FLAURA-like erlotinib vs osimertinib (EGFR L858R NSCLC), from the twin", comment=comment))


def fitted_share_rows(cal, arm_shares):  # type: ignore[no-untyped-def]
    """The calibration's published shares with n (fitted, scored, held out: ``Calibration.share_fit_table``), each
    also on the comparison's erlotinib arm (rebiopsy denominator) with its binomial z-score."""
    from oncoresist.twin.calibrate import binomial_z

    rows = []
    targets = {t.cell_type: t for t in [*cal.fitted, *cal.held_out]}
    for r in cal.share_fit_table():
        p = float(arm_shares.get(r["cell_type"], 0.0))
        z = binomial_z(p, targets[r["cell_type"]])
        rows.append({**r, "erlotinib_arm": round(p, 4), "erlotinib_arm_z": None if z is None else round(z, 2)})
    return [r for r in rows if r["n"]]


def _population_twin(args, kb, q, defaults, cmp=None, build=None):  # type: ignore[no-untyped-def]
    """The twin of ``--population`` (``l858r``: every patient EGFR L858R; ``mixture``: each patient exon 19 deletion
    or L858R with FLAURA's published share, one twin per driver, ``twin.mixture``); with ``cmp``, the line of
    per-stratum figures of the comparison ``cmp`` on the calibrated mixture ``build`` (held out: FLAURA's subgroup
    results were not fitted to) for a mixture, else ``None``."""
    if cmp is not None:
        from oncoresist.twin.mixture import stratum_summary

        if args.population != "mixture" or cmp.patients is None:
            return None
        return "population_strata: " + json.dumps({
            "strata": [{"driver": s.driver, "share": round(s.share, 4), "source": s.source}
                       for s in build.strata],
            "assigned": cmp.patients.groupby("arm", sort=False)["stratum"].value_counts().unstack().to_dict("index"),
            "by_stratum": stratum_summary(cmp.patients, reference_arm="continuous:erlotinib")})
    from oncoresist.twin import build_twin
    from oncoresist.twin.mixture import mixed_twin, published_driver_shares

    def one(driver):  # type: ignore[no-untyped-def]
        return build_twin([driver], drugs="erlotinib,osimertinib", tumor="NSCLC", knowledge=kb, quant=q,
                          defaults=defaults)

    if args.population == "l858r":
        return one("EGFR L858R")
    shares = {d: (p, src) for d, p, src in published_driver_shares(q, ["flaura-standard-egfr-tki",
                                                                     "flaura-osimertinib"])}
    # L858R first: its rates map the cohort's spreads, as in every L858R pass (twin.mixture)
    order = ["EGFR L858R", *[d for d in shares if d != "EGFR L858R"]]
    from oncoresist.twin.mixture import Stratum

    return mixed_twin([Stratum(d, shares[d][0], one(d), shares[d][1]) for d in order])


def main() -> int:
    ap = OneLineParser(description=__doc__.splitlines()[0])
    ap.add_argument("--patients", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--cal-seed", type=int, default=0)
    ap.add_argument("--cal-patients", type=int, default=400)
    ap.add_argument("--knowledge", choices=["curated", "full"], default="curated")
    ap.add_argument("--variation", choices=["potency", "fitted", "assumed", "laleh"], default="potency",
                    help="cohort spreads: Laleh et al. 2022's scaled by a factor fitted to the comparator's "
                         "objective response, with the kill spread carried by the tumour's sensitivity (a factor "
                         "on every drug's EC50, so each drug's kill follows its potency window; default) or by "
                         "one factor on every drug's Emax (fitted); the stated assumptions; or Laleh's as derived")
    ap.add_argument("--preexisting", choices=["luria_delbruck", "lognormal"], default="luria_delbruck",
                    help="pre-existing resistant counts per patient: drawn from each route's Luria-Delbruck "
                         "distribution (theory; default) or the builder's deterministic mean times a lognormal factor")
    ap.add_argument("--resistant-growth", choices=["shared", "laleh", "none"], default="shared",
                    help="a resistant-only net-growth factor per patient with the part of Laleh et al. 2022's "
                         "net-growth spread the growth factor shared with the sensitive clone leaves: one for all of "
                         "a patient's routes (shared, default), one per route (laleh: the comparator's response and "
                         "median cannot then be fitted together, docs/trials.md), or none")
    ap.add_argument("--route-correlation", type=float, default=None, metavar="RHO",
                    help="correlation rho in [0, 1] between a patient's routes of the log resistant-only growth "
                         "factor (log factor = sigma*(sqrt(rho)*Z_patient + sqrt(1-rho)*Z_route)); 1 is "
                         "--resistant-growth shared draw for draw, 0 independent routes; needs --resistant-growth "
                         "shared (default: not set, i.e. 1)")
    ap.add_argument("--fit-rounds", type=int, default=4,
                    help="most rounds of (spread fit to the comparator's response, time-scale calibration) to a "
                         "fixed point where the final cohort meets both (twin.joint_fit)")
    ap.add_argument("--mechanism-target", choices=["none", "EGFR_T790M"], default="EGFR_T790M",
                    help="score the spread factor on the comparator's response (binomial, FLAURA's arm size) and on "
                         "a published share at progression on first-generation TKIs (Yu et al. 2013's T790M 98/155; "
                         "twin.mechanism_target; default): T790M's share is then FITTED, not predicted; 'none': the "
                         "response only (the flaura7 fit; docs/trials.md flaura8 pass)")
    ap.add_argument("--visit-window", type=float, default=None, metavar="DAYS",
                    help="protocol visit window (+/- days) on every scan of the trial's schedule (default: as "
                         "stored with the comparator's outcome)")
    ap.add_argument("--emax-reduction", type=float, default=None,
                    help="sensitivity analysis only: the builder's assumed Emax reduction of bypass routes "
                         "(default 0.95)")
    ap.add_argument("--keep-unsourced", action="store_true",
                    help="sensitivity analysis only: keep the non-point routes with neither a sourced rate nor a "
                         "sourced share (ALK and RET fusion here) at the builder's default rate "
                         "(twin.route_sources; default: left out, listed under left_out_routes)")
    ap.add_argument("--mutation-supply", default=1.0, metavar="S",
                    type=bounded_float(0, 1e3, fix="give a factor in (0, 1000] (1: every division at the per-bp rate, "
                                                   "the default)"),
                    help="factor on every route's probability per division, pre-existing clones and mutations during "
                         "treatment alike (TwinDefaults.mutation_supply: the heritable, clonogenic share of divisions; "
                         "default 1; the supply9 grid and its rule: benchmarks/supply_rule.py)")
    add_default_path_flags(ap)
    ap.add_argument("--measured-sigma", type=float, default=None, metavar="S",
                    help="the lognormal's log-spread (default: fitted to the measured thresholds; set it for a "
                         "sensitivity analysis)")
    ap.add_argument("--no-second-line", action="store_true",
                    help="skip the AURA3 check (a sequential erlotinib-then-osimertinib cohort: second-line PFS of the "
                         "patients whose erlotinib progression is T790M-dominated; held out, docs/trials.md supply9)")
    ap.add_argument("--persisters", action="store_true",
                    help="add the drug-tolerant persister state (twin.persister; off by default, docs/twin.md)")
    ap.add_argument("--export", type=Path, default=None, metavar="DIR",
                    help="also write DIR/scenarios/egfr_l858r_twin.yaml (the calibrated twin) and DIR/flaura_egfr.yaml "
                         "(the trial that runs it with the fitted cohort): the example trial, exported from the twin")
    ap.add_argument("--paired", action="store_true",
                    help="also run the same virtual patients on each drug and report the correlation of their log "
                         "PFS (the route-time correlation check, docs/trials.md flaura6 pass; 2 more cohorts)")
    ap.add_argument("--population", choices=["l858r", "mixture"], default="l858r",
                    help="every virtual patient EGFR L858R (default), or each one exon 19 deletion or L858R with "
                         "FLAURA's published share (outcomes.yaml 'drivers'), one twin per driver and one calibration "
                         "on the comparator for the mixture (twin.mixture; prints a population_strata: line)")
    ap.add_argument("--dump", type=Path, default=None, help=argparse.SUPPRESS)  # development: pickle the twin
    args = ap.parse_args()
    if args.population == "mixture" and args.export is not None:
        ap.error("--export: the example trial runs one scenario; export with --population l858r")
    if args.route_correlation is not None and (args.resistant_growth != "shared"
                                               or not 0 <= args.route_correlation <= 1):
        ap.error("--route-correlation: give a number in [0, 1] with --resistant-growth shared (the default)")
    if args.measured_sigma is not None and (args.measured_preexisting != "on" or not 0 < args.measured_sigma <= 10):
        ap.error("--measured-sigma: give a log-spread in (0, 10] together with --measured-preexisting on")

    from oncoresist import __version__
    from oncoresist.knowledge.quant import load_quant
    from oncoresist.trial.analysis import endpoint_table
    from oncoresist.twin.calibrate import calibrate_twin
    from oncoresist.twin.compare import compare_strategies
    from oncoresist.twin.route_sources import left_out

    with tempfile.TemporaryDirectory(prefix="twin-flaura-imports-") as tmp:
        kb = load_benchmark_knowledge(args.knowledge, Path(tmp))
        q = load_quant()
        if args.visit_window is not None:  # ablation: the protocol visit window on every scan of the schedule
            for oid in ("flaura-standard-egfr-tki", "flaura-osimertinib"):
                o = q.outcomes[oid]
                q.outcomes[oid] = o.model_copy(update={"scan_schedule": [
                    {**ph, "window_days": args.visit_window} for ph in (o.scan_schedule or [])]})
        from oncoresist.twin.builder import TwinDefaults

        defaults = TwinDefaults(persisters=args.persisters, keep_unsourced=args.keep_unsourced,
                                mutation_supply=args.mutation_supply,
                                measured_preexisting=args.measured_preexisting == "on",
                                measured_sigma=args.measured_sigma,
                                **({} if args.emax_reduction is None else {"emax_reduction": args.emax_reduction}))
        built = _population_twin(args, kb, q, defaults)
        from oncoresist.twin.cohort_options import CohortOptions
        from oncoresist.twin.compare import COHORT
        from oncoresist.twin.variation import luria_delbruck_block, with_preexisting

        ld = args.preexisting == "luria_delbruck"
        cohort = {**COHORT, "resistant_fraction": luria_delbruck_block(built)} if ld else None
        spread = None
        joint = None
        # the twin's one cohort definition (twin.cohort_options), this benchmark's flags passed through it
        options = CohortOptions(kill_on="ec50" if args.variation == "potency" else "emax",
                                preexisting=args.preexisting, resistant_growth=args.resistant_growth,
                                route_correlation=args.route_correlation, rounds=args.fit_rounds)
        if args.variation in ("fitted", "potency"):  # spread factor to the comparator's ORR, then the time scale
            from oncoresist.twin.fitted_cohort import calibrate_with_spread

            # the spread and the time scale move each other: to a fixed point where the FINAL cohort meets both
            # (the CLI's oncoresist twin --calibrate; no screening cohort here, as before)
            fc = calibrate_with_spread(built, patients=args.cal_patients, seed=args.cal_seed, quant=q,
                                       options=options, screen_patients=0,
                                       mechanism=None if args.mechanism_target == "none" else args.mechanism_target,
                                       response_patients=COMPARATOR_PATIENTS, share_fit=args.share_fit)
            assert fc.joint is not None and fc.spread is not None
            joint, spread, cal, cohort = fc.joint, fc.spread, fc.calibration, fc.cohort
        else:
            cal = calibrate_twin(built, patients=args.cal_patients, seed=args.cal_seed, cohort=cohort,
                                 share_fit=args.share_fit)
        if args.variation == "laleh":  # map the spreads with the calibrated rates, then calibrate again
            from oncoresist.twin.variation import load_variation

            d = cal.build.defaults
            cohort = load_variation().cohort(d.birth, d.death)  # the calibrated twin's defaults
            if ld:
                cohort["resistant_fraction"] = luria_delbruck_block(cal.build)
            cal = calibrate_twin(built, patients=args.cal_patients, seed=args.cal_seed, cohort=cohort,
                                 share_fit=args.share_fit)
        cohort = with_preexisting(cohort, cal.build)  # the calibrated rates' clone numbers
        arms = ["continuous:erlotinib", "continuous:osimertinib"]
        cmp = compare_strategies(cal.build, arms, patients=args.patients, seed=args.seed, cohort=cohort)
        if args.dump is not None:
            import pickle

            args.dump.write_bytes(pickle.dumps({"build": cal.build, "cohort": cohort, "patients": cmp.patients}))
        if args.export is not None:
            _export(args, cal.build, arms, cohort, spread, q)
        from _route_checks import paired_times, route_table, t790m_pfs_hazard_ratio, t790m_share_line

        from oncoresist.twin.rebiopsy import rebiopsy_shares

        routes = route_table(cal.build, cohort, patients=args.patients, seed=args.seed, arms=len(arms))
        paired = None if not args.paired else paired_times(cal.build, cohort, ("erlotinib", "osimertinib"),
                                                           patients=args.patients, seed=args.seed)
        second = None
        if not args.no_second_line:  # AURA3's counterpart (held out): osimertinib at a T790M-driven erlotinib PD
            from _route_checks import second_line_after

            seq = compare_strategies(cal.build, ["sequential"], patients=args.patients, seed=args.seed, cohort=cohort)
            assert seq.patients is not None
            second = second_line_after(seq.patients, q.outcomes["aura3-osimertinib"])
    s = cmp.summary
    osi = s.loc["continuous:osimertinib"]
    erl = s.loc["continuous:erlotinib"]
    pub = q.outcomes["flaura-osimertinib"]
    pub_c = q.outcomes["flaura-standard-egfr-tki"]
    res = cmp.patients
    assert res is not None
    resp = res.groupby("arm", sort=False)["best_response"].agg(orr=lambda b: float((b <= 1).mean()),
                                                                cr=lambda b: float((b == 0).mean()))
    pfs_m = res.assign(m=res["pfs_time"] / 30.4375).groupby("arm", sort=False)["m"].quantile([0.25, 0.75]).unstack()
    ends = endpoint_table(res)
    print(f"osimertinib_median_months: {float(osi['median']):.2f} (95% CI {float(osi['median_lower']):.2f}-"
          f"{float(osi['median_upper']):.2f}; published {pub.months}, 95% CI 15.2-21.4)")
    print(f"hazard_ratio: {float(osi['hr']):.3f} (95% CI {float(osi['hr_lower']):.3f}-{float(osi['hr_upper']):.3f}; "
          f"published {pub.hazard_ratio}, 95% CI {pub.hazard_ratio_ci95})")
    t790m = rebiopsy_shares(res).get("continuous:erlotinib", {}).get("EGFR_T790M", 0.0)
    fitted_t790m = joint is not None and joint.mechanism is not None and joint.mechanism.cell_type == "EGFR_T790M"
    print(t790m_share_line(t790m, fitted=fitted_t790m))  # the same line and share definition as twin.py
    if (strata_line := _population_twin(args, kb, q, defaults, cmp=cmp, build=cal.build)) is not None:
        print(strata_line)
    shares_fit = fitted_share_rows(cal, rebiopsy_shares(res).get("continuous:erlotinib", {}))
    print("fitted_shares: " + "; ".join(
        f"{r['cell_type']} {r['role'].split(' ')[0]} {r['k']:g}/{r['n']}: calibration {100 * r['simulated']:.1f}% "
        f"(z {r['z']:+.2f}), erlotinib arm {100 * r['erlotinib_arm']:.1f}% (z {r['erlotinib_arm_z']:+.2f})"
        for r in shares_fit) + f" [share fit: {args.share_fit}]")
    if second is not None:
        m = second["median_months"]
        print(f"aura3_second_line_median_months: {m[0]:.2f} (95% CI {m[1]:.2f}-{m[2]:.2f}; {second['n']} patients "
              f"with a T790M-dominated erlotinib progression; published {second['published_months']}, HELD OUT)")
    print(json.dumps({
        "benchmark": "twin_flaura", "oncoresist": __version__, "knowledge": args.knowledge,
        "population": args.population,
        "variation": args.variation, "preexisting": args.preexisting, "resistant_growth": args.resistant_growth,
        "route_correlation": 1.0 if args.route_correlation is None and args.resistant_growth == "shared"
        else args.route_correlation,
        "cohort_options": options.to_dict() if args.variation in ("fitted", "potency") else None,
        "scan_schedule": q.outcomes["flaura-standard-egfr-tki"].scan_schedule,
        "emax_reduction": defaults.emax_reduction,
        "persisters": defaults.persisters,
        "keep_unsourced": defaults.keep_unsourced,
        # non-point routes with neither a sourced rate nor a sourced share: not routes of this twin (facts kept)
        "left_out_routes": left_out(cal.build.skipped),
        "facts": len(kb.facts), "patients_per_arm": args.patients,
        "seed": args.seed, "calibration_seed": args.cal_seed, "mutation_supply": defaults.mutation_supply,
        "measured_preexisting": defaults.measured_preexisting, "measured_sigma": defaults.measured_sigma,
        "share_fit": args.share_fit, "fitted_shares": shares_fit,
        "calibration_converged": cal.converged if joint is None else joint.converged,
        "t790m_share_erlotinib_role": "fitted" if fitted_t790m else "predicted",
        "joint_fit": None if joint is None else joint.to_dict(),
        "growth_factor": round(cal.growth_factor, 3), "cohort": cohort,
        "spread_fit": None if spread is None else {k: v for k, v in spread.to_dict().items()
                                                   if k in ("factor", "objective_response", "target", "target_id",
                                                            "converged", "steps", "kill_on")},
        "calibration_median_months": round(cal.median_months or 0, 2),
        "erlotinib_median_months": {"model": [round(float(erl[k]), 2) for k in ("median", "median_lower",
                                                                                "median_upper")],
                                    "published": pub_c.months, "role": "calibrated"},
        "osimertinib_median_months": {"model": [round(float(osi[k]), 2) for k in ("median", "median_lower",
                                                                                  "median_upper")],
                                      "published": pub.months, "role": "predicted"},
        "hazard_ratio": {"model": [round(float(osi[k]), 3) for k in ("hr", "hr_lower", "hr_upper")],
                         "published": [pub.hazard_ratio, *(pub.hazard_ratio_ci95 or [])]},
        "objective_response": {arm: {"model": round(r.orr, 3), "complete": round(r.cr, 3)}
                               for arm, r in resp.iterrows()},
        "objective_response_published": {"continuous:erlotinib": pub_c.objective_response,
                                         "continuous:osimertinib": pub.objective_response},
        "pfs_iqr_months": {arm: [round(float(r[0.25]), 2), round(float(r[0.75]), 2)] for arm, r in pfs_m.iterrows()},
        "strategy_failure_median_months": {arm: round(float(r["strategy_failure_median"]), 2)
                                           for arm, r in ends.iterrows()},
        "mechanisms_at_progression": {
            arm: {r.cell_type: round(float(r.share), 3) for r in g.itertuples() if r.share > 0}
            for arm, g in cmp.mechanisms.groupby("strategy", sort=False)
        },
        # as a rebiopsy series counts them (Yu 2013's denominator: every progression; 'sensitive' = no identified
        # mechanism; oncoresist.twin.rebiopsy), and, for comparison with earlier passes, without the unidentified ones
        "acquired_resistance_shares": {arm: {k: round(v, 3) for k, v in d.items()}
                                       for arm, d in rebiopsy_shares(res).items()},
        "identified_mechanism_shares": {
            arm: {k: round(float(v), 3) for k, v in g.loc[g["pfs_event"].astype(bool)
                                                          & ~g["dominant_at_pfs"].isin(["sensitive", ""]),
                                                          "dominant_at_pfs"].value_counts(normalize=True).items()}
            for arm, g in res.groupby("arm", sort=False)
        },
        # comparator-type datum: PFS on erlotinib of T790M vs other acquired-resistance progressions (events only)
        "t790m_vs_other_pfs_hr_erlotinib": t790m_pfs_hazard_ratio(res, "continuous:erlotinib"),
        "routes": routes,
        "paired": paired,
        "aura3_second_line": second,
        "osimertinib_folds": {c.name: {m.drugs[0]: round(m.fold, 3) for m in c.modifiers if hasattr(m, "fold")}
                              for c in cal.build.scenario.cell_types if c.modifiers},
    }))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
