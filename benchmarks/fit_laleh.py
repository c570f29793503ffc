"""Laleh et al. 2022 forecast benchmark: classical laws vs the resistance-aware Bayesian model.

For every lesion of the Laleh table with at least 6 measurements, the last k = 3 are held out (the
paper's protocol, from its code: KatherLab/ImmunotherapyModels ``Fit.py``); each classical law is fitted
by least squares to the rest, the resistance model by emcee, and both forecast the held-out volumes.
Errors are mean absolute errors in units of the table's largest volume (the paper's normalisation).
A constant-size forecast (the last fitted measurement carried forward) is reported as the baseline.

Prints a per-model table, the run time, and last::

    mae_ratio_vs_best_classical: X    (resistance-model MAE / MAE of the best classical law, same lesions)
    interval_coverage_90: Y           (share of held-out diameters inside the 90% predictive interval)

Usage::

    PYTHONPATH=src python benchmarks/fit_laleh.py [--jobs N] [--every M] [--seed S]
    PYTHONPATH=src python benchmarks/fit_laleh.py --priors src/oncoresist/fit/data/laleh_priors.yaml

``--every M`` keeps every M-th eligible lesion (sorted by id) to fit a time budget, from ``--offset``;
model choices are made on a development set (every 4th lesion from an offset: ``DEV_OFFSETS``) and the
run reports each development set and the lesions never used for choosing apart. ``--priors`` instead fits
the bi-exponential and Gompertz laws to the fitted parts and writes the shipped population priors;
``--eb-priors`` writes the empirical-Bayes candidate (``fit.population``); ``--prior-file``,
``--imaging-nu``, ``--kill-decel``, ``--init`` and ``--steps`` run the benchmark with other priors, Student-t
imaging errors, a decelerating kill, other walker starts or chain lengths; ``--plateau-prior`` /
``--no-plateau-prior`` and ``--discrepancy`` set the plateau factor and the forecast discrepancy, and
``--also-discrepancy`` scores the same fits with other discrepancies; ``--plateau-prior-out`` and
``--discrepancy-out`` write the shipped ``fit/data/laleh_plateau.yaml`` and ``laleh_discrepancy.yaml`` from
the fitted parts only; ``--classical-from`` reuses the
classical rows of an earlier ``--out`` CSV; ``--out-resistance`` writes the per-lesion diagnostics that
``benchmarks/fit_laleh_diagnose.py`` reads.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from oncoresist._io import write_text_atomic
from oncoresist._version import __version__
from oncoresist.fit import CLASSICAL_LAWS, fit_laws, read_laleh_table
from oncoresist.fit.bayes import Priors
from oncoresist.fit.calibration import calibrate_discrepancy, leave_last_out
from oncoresist.fit.plateau import plateau_data, plateau_prior, prior_predictive_check, with_plateau
from oncoresist.fit.population import empirical_bayes_priors
from oncoresist.fit.validation import (
    HOLDOUT,
    MIN_POINTS,
    holdout_comparison,
    lesion_series,
    resistance_holdout,
    summarise,
)
from oncoresist.random import as_seed_sequence

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "longitudinal" / "laleh2022" / "flat_patient_data.csv"
DEV_EVERY = 4
"""Development sets are every 4th eligible lesion (sorted by id), from an offset."""
DEV_OFFSETS = {"second attempt": 0, "third attempt": 2, "fourth attempt": 1}
"""Offset of each attempt's development set: the second attempt chose on offset 0, the third on offset 2,
the fourth on offset 1; lesions at offset 3 were never used for choosing anything."""
SETTINGS = {"n_chains": 4, "n_tune": 400, "n_draws": 400, "thin": 2}  # walkers: the fitter default, 4·P + 4


def _one(args: tuple[pd.DataFrame, float, np.random.SeedSequence, dict[str, Any], list[float]]) -> dict[str, Any]:
    rows, scale, seed, settings, also = args
    return resistance_holdout(rows, k=HOLDOUT, volume_scale=scale, fitter_settings=settings, seed=seed,
                              also_discrepancy=also)


def fitted_part(table: pd.DataFrame, *, k: int = HOLDOUT, min_points: int = MIN_POINTS) -> pd.DataFrame:
    """The table without the held-out points: the last ``k`` measurements of every lesion with at least
    ``min_points`` are dropped (the points the benchmark forecasts), other lesions are kept whole."""
    parts = [g.iloc[:-k] if len(g) >= min_points else g for _, g in table.groupby("lesion_id", sort=True)]
    return pd.concat(parts, ignore_index=True)


def _log_spread(x: np.ndarray) -> tuple[float, float, float]:
    pos = x[x > 1e-5]
    lx = np.log(pos)
    return float(np.exp(np.median(lx))), float(1.4826 * np.median(np.abs(lx - np.median(lx)))), 1 - pos.size / x.size


def write_priors(table: pd.DataFrame, out: Path, jobs: int) -> None:
    fit_table = fitted_part(table)
    fits = fit_laws(fit_table, laws=["biexponential", "gompertz"], min_points=3, n_jobs=jobs,
                    volume_scale=float(table["volume_mm3"].max()))
    ok = fits[fits["converged"]]
    bi = ok[ok["law"] == "biexponential"]
    gz = ok[ok["law"] == "gompertz"]
    lines = [
        "# Population priors of the resistance model's rates (per day).",
        "# Derived, not published: per-lesion least-squares fits of the bi-exponential law",
        "# V = v0*(f*exp(-d*t) + (1-f)*exp(g*t)) (kill, growth) and of the Gompertz law dV/dt = V*(beta - alpha*ln V)",
        "# (deceleration = alpha: the specific growth rate decays as exp(-alpha*t)) to every lesion with >= 3 fitted",
        "# measurements of the Laleh et al. 2022 series (PLoS Comput Biol 18:e1009822,",
        "# DOI:10.1371/journal.pcbi.1009822,",
        "# CC BY 4.0; file ../shared/data/longitudinal/laleh2022/flat_patient_data.csv).",
        f"# FITTED PARTS ONLY: the last {HOLDOUT} measurements of every lesion with >= {MIN_POINTS} (the points",
        "# benchmarks/fit_laleh.py forecasts) are left out, so the benchmark's priors never see a held-out point.",
        "# median and log_sd: median and 1.4826*MAD of log(rate) over fits with rate > 1e-5 (fits at the zero bound",
        "# are counted in share_at_zero and left out).",
        f"# Made by: PYTHONPATH=src python benchmarks/fit_laleh.py --priors {out.as_posix()}",
        f"# oncoresist {__version__}, {dt.date.today().isoformat()}, points used: {len(fit_table)} of {len(table)}",
        "evidence: derived (population fit of a public data set)",
    ]
    for name, frame, col in (("kill", bi, "d"), ("growth", bi, "g"), ("deceleration", gz, "alpha")):
        x = frame[col].to_numpy(float)
        med, log_sd, zero = _log_spread(x)
        lines.append(f"{name}: {{median: {med:.4g}, log_sd: {log_sd:.3g}, share_at_zero: {zero:.3f}, n: {x.size}}}")
    res = 1.0 - bi["f"].to_numpy(float)
    q = np.quantile(res, [0.25, 0.5, 0.75])
    lines.append(f"resistant_fraction_quartiles: [{q[0]:.3g}, {q[1]:.3g}, {q[2]:.3g}]")
    write_text_atomic(out, "\n".join(lines) + "\n")
    print(f"wrote {out}")


def write_eb_priors(table: pd.DataFrame, out: Path, jobs: int, *, eb_every: int = 4, seed: int = 20221) -> None:
    """Least-squares population spreads (the starting proposal), then the empirical-Bayes priors of the resistance
    model (``fit.population``) from every ``eb_every``-th lesion's fitted part; writes the YAML the fitter reads."""
    fit_table = fitted_part(table)
    sizes = fit_table.groupby("lesion_id").size()
    chosen = sorted(sizes[sizes >= 3].index)[::eb_every]
    fit_table = fit_table[fit_table["lesion_id"].isin(chosen)]
    fits = fit_laws(fit_table, laws=["biexponential", "gompertz"], min_points=3, n_jobs=jobs,
                    volume_scale=float(table["volume_mm3"].max()))
    ok = fits[fits["converged"]]
    bi = ok[ok["law"] == "biexponential"]
    gz = ok[ok["law"] == "gompertz"]
    ls: dict[str, dict[str, float]] = {}
    for name, frame, col in (("kill", bi, "d"), ("growth", bi, "g"), ("deceleration", gz, "alpha")):
        x = frame[col].to_numpy(float)
        med, log_sd, zero = _log_spread(x)
        ls[name] = {"median": med, "log_sd": log_sd, "share_at_zero": zero, "n": int(x.size)}
    base = Priors.from_mapping(ls)
    groups = [g for _, g in fit_table.groupby("lesion_id", sort=True)]
    started = time.process_time()
    eb, record = empirical_bayes_priors([lesion_series(g) for g in groups], base=base, n_jobs=jobs, seed=seed,
                                        log=print)
    res = 1.0 - bi["f"].to_numpy(float)
    q = np.quantile(res, [0.25, 0.5, 0.75])
    lines = [
        "# Population priors of the resistance model's rates (per day) and imaging noise.",
        "# Derived, not published, from the Laleh et al. 2022 series (PLoS Comput Biol 18:e1009822,",
        "# DOI:10.1371/journal.pcbi.1009822, CC BY 4.0;",
        "# file ../shared/data/longitudinal/laleh2022/flat_patient_data.csv).",
        f"# FITTED PARTS ONLY: the last {HOLDOUT} measurements of every lesion with >= {MIN_POINTS} (the points",
        "# benchmarks/fit_laleh.py forecasts) are left out, so the benchmark's priors never see a held-out point.",
        "# kill, growth, deceleration, noise_cv: empirical Bayes (oncoresist.fit.population): log-normal population",
        "# (median, log_sd) maximising the importance-sampling marginal likelihood of the resistance model over",
        f"# every {eb_every}th lesion's fitted part with >= 3 points ({record['n_series']} lesions, {record['rounds']} "
        f"rounds, converged: {record['converged']}).",
        "# least_squares: the starting proposal, median and 1.4826*MAD of log(rate) over per-lesion least-squares fits",
        "# of the bi-exponential law (kill d, growth g) and of the Gompertz law (deceleration alpha) to every lesion",
        "# of the same lesions (fits with rate <= 1e-5 counted in share_at_zero and left out).",
        f"# Made by: PYTHONPATH=src python benchmarks/fit_laleh.py --eb-priors {out.as_posix()} (seed {seed})",
        f"# oncoresist {__version__}, {dt.date.today().isoformat()}, points used: {len(fit_table)} of {len(table)}, "
        f"{time.process_time() - started:.0f} CPU-s in the main process",
        "evidence: derived (population fit of a public data set)",
        f"kill: {{median: {eb.kill_median:.4g}, log_sd: {eb.kill_log_sd:.3g}}}",
        f"growth: {{median: {eb.growth_median:.4g}, log_sd: {eb.growth_log_sd:.3g}}}",
        f"deceleration: {{median: {eb.decel_median:.4g}, log_sd: {eb.decel_log_sd:.3g}}}",
        f"noise_cv: {{median: {eb.noise_cv_median:.4g}, log_sd: {eb.noise_cv_log_sd:.3g}}}",
        "least_squares:",
    ]
    for name, v in ls.items():
        lines.append(f"  {name}: {{median: {v['median']:.4g}, log_sd: {v['log_sd']:.3g}, "
                     f"share_at_zero: {v['share_at_zero']:.3f}, n: {v['n']}}}")
    lines.append(f"resistant_fraction_quartiles: [{q[0]:.3g}, {q[1]:.3g}, {q[2]:.3g}]")
    lines.append("empirical_bayes_history:")
    for h in record["history"]:
        lines.append(f"  - {{round: {h['round']}, median: {h['median']}, log_sd: {h['log_sd']}, step: {h['step']}}}")
    write_text_atomic(out, "\n".join(lines) + "\n")
    print(f"wrote {out}")


def write_plateau_prior(table: pd.DataFrame, out: Path, *, n_draws: int, seed: int) -> None:
    """The plateau factor (``fit.plateau``) from every lesion's fitted part, with its prior-predictive check."""
    fit_table = fitted_part(table)
    series = [lesion_series(g) for _, g in fit_table.groupby("lesion_id", sort=True)]
    base = Priors.from_population(plateau=False)  # the independent priors: the factor is what is estimated
    started = time.process_time()
    data = plateau_data(series, base=base, n_draws=n_draws, seed=seed)
    mu, sd, record = plateau_prior(data)
    check0 = prior_predictive_check(data, None)
    check1 = prior_predictive_check(data, mu, sd)
    lines = [
        "# Prior factor on the resistant cells' plateau P = ln(rho) + g/a (natural log of the resistant population's",
        "# attainable size relative to the burden at the first measurement): Normal(P; mean, sd), multiplied onto",
        "# the independent priors of fit/data/laleh_priors.yaml (oncoresist.fit.plateau).",
        "# Derived, not published: empirical Bayes from the Laleh et al. 2022 series (PLoS Comput Biol 18:e1009822,",
        "# DOI:10.1371/journal.pcbi.1009822, CC BY 4.0; ../shared/data/longitudinal/laleh2022/flat_patient_data.csv).",
        f"# FITTED PARTS ONLY: the last {HOLDOUT} measurements of every lesion with >= {MIN_POINTS} are left out.",
        "# Estimate: (mean, sd) maximise the importance-weighted marginal likelihood of every fitted part's log",
        f"# volume change from its first to its last point ({record['n_series']} series, {n_draws} prior draws, seed "
        f"{seed}, effective draws at the estimate {record['effective_draws']:.0f});",
        f"# log marginal likelihood {record['log_marginal']:.1f} (independent priors: "
        f"{record['log_marginal_independent']:.1f}).",
        "# Prior-predictive check on the same fitted parts (share of observed changes below the prior predictive 5%",
        "# point / above its 95% point, 5% each when calibrated; pooled 99th percentile predicted vs observed):",
        f"#   independent priors: {check0['share_below_5pct']:.3f} / {check0['share_above_95pct']:.3f}, "
        f"q99 {check0['pred_q99_change']:.2f} vs {check0['obs_q99_change']:.2f}",
        f"#   with this factor:   {check1['share_below_5pct']:.3f} / {check1['share_above_95pct']:.3f}, "
        f"q99 {check1['pred_q99_change']:.2f} vs {check1['obs_q99_change']:.2f}",
        f"# Made by: PYTHONPATH=src python benchmarks/fit_laleh.py --plateau-prior-out {out.as_posix()} "
        f"--plateau-draws {n_draws} --seed {seed}",
        f"# oncoresist {__version__}, {dt.date.today().isoformat()}, {time.process_time() - started:.0f} CPU-s",
        "evidence: derived (empirical Bayes on a public data set)",
        f"plateau: {{mean: {mu:.4g}, sd: {sd:.4g}}}",
    ]
    write_text_atomic(out, "\n".join(lines) + "\n")
    print("\n".join(lines))


def _loo_one(args: tuple[pd.DataFrame, np.random.SeedSequence, dict[str, Any]]) -> Any:
    rows, seed, settings = args
    return leave_last_out(lesion_series(rows), fitter_settings=settings, seed=seed)


def write_discrepancy(table: pd.DataFrame, out: Path, settings: dict[str, Any], *, every: int, jobs: int,
                      seed: int, note: str) -> None:
    """τ of the forecast bands from leave-last-out forecasts of every ``every``-th fitted part with >= 4 points."""
    fit_table = fitted_part(table)
    groups = [g for _, g in fit_table.groupby("lesion_id", sort=True) if len(g) >= 4][::every]
    seeds = as_seed_sequence(seed).spawn(len(groups))
    started = time.perf_counter()
    jobs_ = [(g, s, settings) for g, s in zip(groups, seeds, strict=True)]
    if jobs > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            items = list(pool.map(_loo_one, jobs_, chunksize=4))
    else:
        items = [_loo_one(j) for j in jobs_]
    tau, record = calibrate_discrepancy(items, level=0.9, seed=seed)
    horizons = np.array([it.horizon_days for it in items])
    lines = [
        "# Forecast discrepancy tau of the resistance model (per sqrt(day)): the log diameter h days after the last",
        "# fitted measurement gets an extra Normal(0, tau^2 h) term in ResistanceFitter.forecast (fit.calibration).",
        "# Derived, not published: leave-last-out forecasts of training series of the Laleh et al. 2022 table",
        "# (PLoS Comput Biol 18:e1009822, DOI:10.1371/journal.pcbi.1009822, CC BY 4.0).",
        f"# FITTED PARTS ONLY: every {every}th lesion whose fitted part (the last {HOLDOUT} measurements of lesions",
        f"# with >= {MIN_POINTS} left out) has >= 4 points ({record['n_series']} series) is fitted without its last",
        "# fitted point, which is then forecast; tau is the smallest value whose 90% intervals hold 90% of them.",
        f"# Coverage at tau = 0: {record['coverage_at_zero']:.3f}; at tau: {record['coverage']:.3f}; horizons "
        f"median {np.median(horizons):.0f} days.",
        f"# Model: {note}",
        f"# Made by: PYTHONPATH=src python benchmarks/fit_laleh.py --discrepancy-out {out.as_posix()} "
        f"--calibrate-every {every} --seed {seed} (plus the model flags of the note)",
        f"# oncoresist {__version__}, {dt.date.today().isoformat()}, {time.perf_counter() - started:.0f} s wall",
        "evidence: derived (calibration on a public data set)",
        f"forecast_discrepancy: {tau:.4g}",
    ]
    write_text_atomic(out, "\n".join(lines) + "\n")
    print("\n".join(lines))


def _settings(a: argparse.Namespace) -> dict[str, Any]:
    """Fitter settings of a run from its flags (the fitter's defaults where a flag is absent)."""
    settings: dict[str, Any] = dict(SETTINGS)
    if a.prior_file is not None:
        settings["priors"] = Priors.from_mapping(yaml.safe_load(a.prior_file.read_text(encoding="utf-8")))
    if a.plateau_prior is not None:
        plat = yaml.safe_load(a.plateau_prior.read_text(encoding="utf-8"))["plateau"]
        base = settings.get("priors") or Priors.from_population()
        settings["priors"] = with_plateau(base, float(plat["mean"]), float(plat["sd"]))
    elif a.no_plateau_prior:
        settings["priors"] = replace(settings.get("priors") or Priors.from_population(), plateau_mean=None)
    if a.discrepancy is not None:
        settings["forecast_discrepancy"] = a.discrepancy
    if a.imaging_nu is not None:
        settings["imaging_nu"] = a.imaging_nu
    if a.kill_decel is not None:
        settings["kill_decel"] = a.kill_decel
    if a.init is not None:
        settings["init"] = a.init
    if a.steps is not None:
        settings["n_tune"] = settings["n_draws"] = a.steps
    return settings


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--every", type=int, default=1, help="keep every M-th eligible lesion")
    ap.add_argument("--offset", type=int, default=0, help="with --every: start at this eligible lesion (0-based)")
    ap.add_argument("--seed", type=int, default=20221)
    ap.add_argument("--priors", type=Path, default=None, help="write population priors instead")
    ap.add_argument("--eb-priors", type=Path, default=None,
                    help="write empirical-Bayes priors (fit.population) instead (a candidate, not the default)")
    ap.add_argument("--eb-every", type=int, default=4, help="with --eb-priors: every M-th lesion's fitted part")
    ap.add_argument("--out", type=Path, default=None, help="per-lesion errors as CSV")
    ap.add_argument("--out-resistance", type=Path, default=None,
                    help="per-lesion resistance-model diagnostics (posterior medians, forecasts, R-hat) as CSV")
    ap.add_argument("--prior-file", type=Path, default=None,
                    help="priors YAML for the resistance model (default: the shipped fit/data/laleh_priors.yaml)")
    ap.add_argument("--imaging-nu", type=float, default=None,
                    help="Student-t imaging errors with this many degrees of freedom (default: the fitter's)")
    ap.add_argument("--kill-decel", action=argparse.BooleanOptionalAction, default=None,
                    help="the drug's kill decelerates on the growth's Gompertz clock (default: the fitter's, on)")
    ap.add_argument("--init", default=None, help="walker starts: own_mode or pooled_modes (default: the fitter's)")
    ap.add_argument("--steps", type=int, default=None, help="tuning and kept steps each (default 400)")
    ap.add_argument("--plateau-prior", type=Path, default=None,
                    help="YAML with plateau: {mean, sd}: the resistant-plateau prior factor (fit.plateau)")
    ap.add_argument("--no-plateau-prior", action="store_true", help="run without the shipped plateau prior factor")
    ap.add_argument("--discrepancy", type=float, default=None,
                    help="forecast discrepancy tau per sqrt(day) (default: the fitter's)")
    ap.add_argument("--also-discrepancy", type=float, nargs="*", default=[],
                    help="also score the same fits' forecasts with these discrepancies (the posterior is the same)")
    ap.add_argument("--plateau-prior-out", type=Path, default=None,
                    help="write the empirical-Bayes plateau prior from the fitted parts instead")
    ap.add_argument("--plateau-draws", type=int, default=64000, help="with --plateau-prior-out: prior draws")
    ap.add_argument("--discrepancy-out", type=Path, default=None,
                    help="write the forecast discrepancy from leave-last-out fits of training parts instead")
    ap.add_argument("--calibrate-every", type=int, default=4, help="with --discrepancy-out: every M-th series")
    ap.add_argument("--resistance-from", type=Path, nargs="+", default=None,
                    help="summarise the resistance rows of an earlier --out-resistance (or .partial.csv) CSV, on the "
                         "lesions it holds, instead of fitting (needs --classical-from)")
    ap.add_argument("--classical-from", type=Path, nargs="+", default=None,
                    help="reuse the classical-law rows of an earlier --out CSV (same lesions) instead of refitting")
    a = ap.parse_args(argv)
    table = read_laleh_table(a.data)
    if a.priors is not None:
        write_priors(table, a.priors, a.jobs)
        return 0
    if a.eb_priors is not None:
        write_eb_priors(table, a.eb_priors, a.jobs, eb_every=a.eb_every, seed=a.seed)
        return 0
    if a.plateau_prior_out is not None:
        write_plateau_prior(table, a.plateau_prior_out, n_draws=a.plateau_draws, seed=a.seed)
        return 0
    settings = _settings(a)
    if a.discrepancy_out is not None:
        note = ", ".join(f"{k}={v}" for k, v in sorted(settings.items()) if k != "priors")
        if "priors" in settings:
            note += f"; priors {settings['priors']}"
        write_discrepancy(table, a.discrepancy_out, settings, every=a.calibrate_every, jobs=a.jobs, seed=a.seed,
                          note=note)
        return 0
    sizes = table.groupby("lesion_id").size()
    keep = sorted(sizes[sizes >= MIN_POINTS].index)[a.offset:: a.every]
    done: pd.DataFrame | None = None
    if a.resistance_from is not None:  # summarise earlier resistance rows (e.g. a run cut short) on their lesions
        done = pd.concat([pd.read_csv(f, dtype={"lesion_id": str}) for f in a.resistance_from], ignore_index=True)
        done = done.drop_duplicates("lesion_id", keep="first")
        keep = [lid for lid in keep if lid in set(done["lesion_id"])]
    sub = table[table["lesion_id"].isin(keep)]
    scale = float(table["volume_mm3"].max())
    started = time.perf_counter()
    if a.classical_from is not None:
        prev = pd.concat([pd.read_csv(f, dtype={"lesion_id": str}) for f in a.classical_from], ignore_index=True)
        prev = prev.drop_duplicates(["lesion_id", "law"], keep="first")
        classical = prev[(prev["law"] != "resistance") & prev["lesion_id"].isin(keep)]
        if classical["lesion_id"].nunique() != len(keep):
            print(f"error: --classical-from {' '.join(map(str, a.classical_from))}: does not hold these {len(keep)} "
                  "lesions",
                  file=sys.stderr)
            return 2
    else:
        classical = holdout_comparison(sub, n_jobs=a.jobs, volume_scale=scale)  # one volume unit for every model
    t_classical = time.perf_counter() - started
    if a.out:  # written before the resistance fits, so that an interrupted run keeps its classical rows
        classical.to_csv(a.out.with_suffix(".classical.csv"), index=False)
    # one seed per eligible lesion, by its place among all eligible lesions: a subset run (--every/--offset) fits
    # each lesion with the seed of the full run, so subset rows can be joined into the full set (--resistance-from)
    eligible_all = sorted(sizes[sizes >= MIN_POINTS].index)
    all_seeds = dict(zip(eligible_all, as_seed_sequence(a.seed).spawn(len(eligible_all)), strict=True))
    jobs = [(g, scale, all_seeds[lid], settings, a.also_discrepancy) for lid, g in sub.groupby("lesion_id", sort=True)]
    # lesions never used for choosing are fitted first (a run cut short keeps them)
    chosen_on = {lid for off in DEV_OFFSETS.values() for lid in eligible_all[off::DEV_EVERY]}
    jobs.sort(key=lambda j: str(j[0]["lesion_id"].iloc[0]) in chosen_on)
    started = time.perf_counter()
    partial = a.out_resistance.with_suffix(".partial.csv") if a.out_resistance and done is None else None
    res: list[dict[str, Any]] = []

    def keep_row(row: dict[str, Any]) -> None:  # each finished lesion is appended, for runs cut short
        res.append(row)
        if partial is not None:
            pd.DataFrame([row]).to_csv(partial, mode="a", header=len(res) == 1, index=False)

    if partial is not None:
        partial.unlink(missing_ok=True)
    if done is not None:
        res = done[done["lesion_id"].isin(keep)].to_dict("records")
    elif a.jobs > 1:
        with ProcessPoolExecutor(max_workers=a.jobs) as pool:
            for row in pool.map(_one, jobs, chunksize=4):
                keep_row(row)
    else:
        for j in jobs:
            keep_row(_one(j))
    t_res = time.perf_counter() - started
    rdf = pd.DataFrame(res)
    errors = pd.concat([classical, rdf[["lesion_id", "arm", "law", "heldout_mae", "heldout_last_abs_error"]]],
                       ignore_index=True)
    if a.out:
        errors.to_csv(a.out, index=False)
    if a.out_resistance:
        rdf.to_csv(a.out_resistance, index=False)
    summ = summarise(errors)
    eligible = sorted(sizes[sizes >= MIN_POINTS].index)
    devs = {name: set(eligible[off::DEV_EVERY]) for name, off in DEV_OFFSETS.items()}
    used = set().union(*devs.values())
    groups = {f"development of the {name} (every {DEV_EVERY}th from {DEV_OFFSETS[name]})": ids & set(keep)
              for name, ids in devs.items()}
    groups["never used for choosing"] = set(keep) - used
    split = {name: (summarise(errors[errors["lesion_id"].isin(ids)]), ids) for name, ids in groups.items() if ids}
    pd.set_option("display.width", 160)
    print(f"Laleh et al. 2022 hold-out benchmark: {len(keep)} lesions (>= {MIN_POINTS} points, every {a.every} "
          f"from {a.offset}), "
          f"last {HOLDOUT} held out; MAE in units of the largest volume; seed {a.seed}; oncoresist {__version__}")
    print(summ.to_string(float_format=lambda x: f"{x:.3e}"))
    best = summ.loc[[law for law in CLASSICAL_LAWS if law in summ.index], "mae_mean"].idxmin()
    ratio = float(summ.loc["resistance", "mae_mean"] / summ.loc[best, "mae_mean"])
    coverage = float(rdf["n_inside_90"].sum() / rdf["n_heldout"].sum())
    print(f"resistance model: median fit {rdf['fit_seconds'].median():.2f} s, R-hat max > 1.05 in "
          f"{(rdf['rhat_max'] > 1.05).mean():.1%} of lesions; settings {settings}")
    rq = rdf["rhat_max"].quantile([0.5, 0.9, 0.99]).to_numpy()
    eq = rdf["ess_min"].quantile([0.01, 0.1, 0.5]).to_numpy()
    print(f"sampler health: worst-parameter R-hat median {rq[0]:.3f}, 90% {rq[1]:.3f}, 99% {rq[2]:.3f}; > 1.1 in "
          f"{(rdf['rhat_max'] > 1.1).mean():.1%}; smallest ESS 1% {eq[0]:.0f}, 10% {eq[1]:.0f}, median {eq[2]:.0f}")
    print(f"run time: classical {t_classical:.0f} s, resistance {t_res:.0f} s, {a.jobs} worker process(es)")
    for name, (sm, ids) in split.items():
        b = sm.loc[[law for law in CLASSICAL_LAWS if law in sm.index], "mae_mean"].idxmin()
        part = rdf[rdf["lesion_id"].isin(ids)]
        print(f"{name} ({int(sm['n_lesions'].iloc[0])} lesions): ratio vs {b} "
              f"{sm.loc['resistance', 'mae_mean'] / sm.loc[b, 'mae_mean']:.3f}, "
              f"coverage {part['n_inside_90'].sum() / part['n_heldout'].sum():.3f}")
    for tau in a.also_discrepancy:  # the same fits, forecast with another discrepancy
        alt = errors[errors["law"] != "resistance"]
        col = f"heldout_mae_tau{tau:g}"
        alt = pd.concat([alt, rdf.assign(heldout_mae=rdf[col],
                                         heldout_last_abs_error=rdf[f"heldout_last_abs_error_tau{tau:g}"])[
            ["lesion_id", "arm", "law", "heldout_mae", "heldout_last_abs_error"]]], ignore_index=True)
        sa = summarise(alt)
        cov = rdf[f"n_inside_90_tau{tau:g}"].sum() / rdf["n_heldout"].sum()
        print(f"same fits with forecast_discrepancy {tau:g}: ratio vs {best} "
              f"{sa.loc['resistance', 'mae_mean'] / sa.loc[best, 'mae_mean']:.3f}, coverage {cov:.3f}, "
              f"resistance mean MAE {sa.loc['resistance', 'mae_mean']:.3e}")
        for name, (_, ids) in split.items():
            sp = summarise(alt[alt["lesion_id"].isin(ids)])
            bb = sp.loc[[law for law in CLASSICAL_LAWS if law in sp.index], "mae_mean"].idxmin()
            part = rdf[rdf["lesion_id"].isin(ids)]
            print(f"  {name}: ratio {sp.loc['resistance', 'mae_mean'] / sp.loc[bb, 'mae_mean']:.3f}, coverage "
                  f"{part[f'n_inside_90_tau{tau:g}'].sum() / part['n_heldout'].sum():.3f}")
    print(f"best_classical_law: {best}")
    print(f"mae_ratio_vs_best_classical: {ratio:.3f}" if math.isfinite(ratio) else "mae_ratio_vs_best_classical: nan")
    print(f"interval_coverage_90: {coverage:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
