"""``oncoresist twin``: build the scenario a profile implies, list the origin of every number."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from oncoresist.cli import app
from oncoresist.cli._args import KnowledgeOpt, SeedOpt
from oncoresist.cli._common import console, error_boundary

_EVIDENCE = ("A", "B", "C", "D", "E")


@app.command("twin", no_args_is_help=True)
@error_boundary
def twin(
    alterations: Annotated[list[str], typer.Argument(help='The profile, e.g. "EGFR L858R".')],
    drugs: Annotated[str, typer.Option("--drugs", "-d", help="Drugs on the table, comma-separated.")],
    tumor: Annotated[str | None, typer.Option("--tumor", "-t", help="OncoTree code or name, e.g. NSCLC.")] = None,
    out_scenario: Annotated[
        Path | None, typer.Option("--out-scenario", help="Write the scenario YAML (with its origins as comments).")
    ] = None,
    burden: Annotated[
        float | None, typer.Option("--burden", help="Tumour cells at diagnosis (default 2e10, an assumption).")
    ] = None,
    min_evidence: Annotated[
        str, typer.Option("--min-evidence", help="Least evidence level (A-E) of a fact that makes a cell type.")
    ] = "C",
    strategies: Annotated[
        str | None,
        typer.Option(help="Compare strategies: continuous,sequential,adaptive,ctdna_guided,combination."),
    ] = None,
    patients: Annotated[int, typer.Option("--patients", "-n", help="Virtual patients per strategy.")] = 200,
    seed: SeedOpt = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out-dir", help="Folder for the cohort runs (default: a temporary folder).")
    ] = None,
    follow_up: Annotated[float, typer.Option("--follow-up", help="Follow-up (days).")] = 1095.0,
    calibrate: Annotated[
        bool,
        typer.Option(
            "--calibrate",
            help="Fit assumed emergence rates to published shares of mechanisms at progression on the first drug, "
            "and net growth to a published median PFS on it.",
        ),
    ] = False,
    calibrate_patients: Annotated[
        int, typer.Option("--calibrate-patients", help="Virtual patients per calibration step.")
    ] = 400,
    cohort: Annotated[
        str,
        typer.Option(
            "--cohort",
            help="Between-patient variation: 'derived' (Laleh et al. 2022's lesion-fit spreads and Luria-Delbruck "
            "pre-existing counts; with --calibrate the spread is fitted to the comparator's objective response) "
            "or 'assumed' (the old stated assumptions, growth sigma 0.02).",
        ),
    ] = "derived",
    resistant_growth: Annotated[
        str,
        typer.Option(
            "--resistant-growth",
            help="The cohort's resistant-only growth factor (the part of Laleh et al. 2022's net-growth spread the "
            "patient's shared growth factor leaves): 'shared' (one per patient for all its routes, default), "
            "'laleh' (one per route) or 'none'. The same definition as benchmarks/twin_flaura.py.",
        ),
    ] = "shared",
    route_correlation: Annotated[
        float | None,
        typer.Option("--route-correlation", help="Correlation rho in [0, 1] of that factor between a patient's "
                     "routes (default: not set, i.e. 1; needs --resistant-growth shared)."),
    ] = None,
    share_fit: Annotated[
        str,
        typer.Option("--share-fit", help="With --calibrate: fit the assumed routes' shares by the joint binomial "
                     "likelihood of the published counts ('likelihood', default) or each to its point ('point', the "
                     "default before the final10 pass)."),
    ] = "likelihood",
    measured_preexisting: Annotated[
        str,
        typer.Option("--measured-preexisting", help="'on' (default): a route whose variant has measured "
                     "pre-treatment prevalences in the knowledge (EGFR T790M) starts from them; 'off': from its "
                     "codon rate's Luria-Delbruck count (the default before the final10 pass)."),
    ] = "on",
    html: Annotated[Path | None, typer.Option("--html", help="Write a self-contained HTML report.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print scenario, origins and annotation as JSON.")] = False,
    knowledge: KnowledgeOpt = None,
) -> None:
    """Build the evolutionary scenario the knowledge implies for a profile and drugs; list every number's origin."""
    from oncoresist.errors import OncoresistError
    from oncoresist.twin import TwinDefaults, build_twin
    from oncoresist.twin.export import build_to_dict, write_scenario

    _check_outputs(html=html, out_scenario=out_scenario)  # before minutes of calibration, not after
    if patients <= 0:  # whether or not --strategies uses it: a negative count is never silently accepted
        raise OncoresistError("--patients: the number of patients per strategy must be positive")
    cohort_choice = cohort.strip().lower()
    if cohort_choice not in ("derived", "assumed"):
        raise OncoresistError(f"--cohort: {cohort!r} is not a cohort; use derived or assumed")
    from oncoresist.twin.cohort_options import RESISTANT_GROWTH, CohortOptions

    rg_choice = resistant_growth.strip().lower()
    if rg_choice not in RESISTANT_GROWTH:
        raise OncoresistError(f"--resistant-growth: {resistant_growth!r} is not a choice; use "
                              f"{', '.join(RESISTANT_GROWTH)}")
    if route_correlation is not None and (rg_choice != "shared" or not 0 <= route_correlation <= 1):
        raise OncoresistError(f"--route-correlation: give a number in [0, 1] with --resistant-growth shared "
                              f"(got {route_correlation:g} with {rg_choice})")
    options = CohortOptions(resistant_growth=rg_choice, route_correlation=route_correlation)
    from oncoresist.twin.calibrate import SHARE_FIT

    fit_choice = share_fit.strip().lower()
    if fit_choice not in SHARE_FIT:
        raise OncoresistError(f"--share-fit: {share_fit!r} is not a choice; use {' or '.join(SHARE_FIT)}")
    measured_choice = measured_preexisting.strip().lower()
    if measured_choice not in ("on", "off"):
        raise OncoresistError(f"--measured-preexisting: {measured_preexisting!r} is not a choice; use on or off")
    level = min_evidence.strip().upper()
    if level not in _EVIDENCE:
        raise OncoresistError(f"--min-evidence: {min_evidence!r} is not an evidence level; use one of A, B, C, D, E")
    from oncoresist.cli._knowledge import load_for_command

    built = build_twin(
        alterations, drugs=drugs, tumor=tumor, burden=burden,
        defaults=TwinDefaults(min_evidence=level, measured_preexisting=measured_choice == "on"),
        knowledge=None if knowledge is None else load_for_command(knowledge),
    )  # fmt: skip
    names = [x.strip() for x in strategies.split(",") if x.strip()] if strategies is not None else []
    comparison = None
    if strategies is not None:
        from oncoresist.twin.compare import compare_strategies, strategy_specs

        strategy_specs(built, names)  # bad names fail before anything is written
    if calibrate and calibrate_patients <= 0:
        raise OncoresistError("--calibrate-patients: the number of patients must be positive")
    if seed is None and (calibrate or strategies is not None):
        from oncoresist.random import as_seed_sequence

        seed = int(as_seed_sequence(None).entropy)  # type: ignore[arg-type]
        if not json_out:
            console().print(f"seed entropy {seed} (pass --seed {seed} to repeat)")
    calibration = None
    fitted = None
    chosen = None
    if cohort_choice == "derived" and (calibrate or strategies is not None):  # the one cohort definition
        # (oncoresist.twin.cohort_options), fitted to the comparator with --calibrate, at spread factor 1 without
        from oncoresist.twin.fitted_cohort import twin_cohort

        chosen = twin_cohort(
            built, calibrate=calibrate, patients=calibrate_patients, seed=seed, follow_up_days=follow_up,
            out_dir=None if out_dir is None else out_dir / "calibration", options=options, share_fit=fit_choice,
        )
        fitted = chosen.fitted
        built = chosen.build
        calibration = None if fitted is None else fitted.calibration
    elif calibrate:
        from oncoresist.twin.calibrate import calibrate_twin

        calibration = calibrate_twin(
            built, patients=calibrate_patients, seed=seed, follow_up_days=follow_up,
            out_dir=None if out_dir is None else out_dir / "calibration", share_fit=fit_choice,
        )
        built = calibration.build
    if out_scenario is not None:
        write_scenario(built, out_scenario)
    if strategies is not None:
        comparison = compare_strategies(
            built, names, patients=patients, seed=seed, out_dir=out_dir, follow_up_days=follow_up,
            cohort=cohort_choice if chosen is None else chosen.cohort,
            cohort_source=None if chosen is None else chosen.source,
        )
    if html is not None:
        from oncoresist.twin.report import write_html

        write_html(built, html, comparison, calibration)
    if json_out:
        data = build_to_dict(built)
        if comparison is not None:
            data["comparison"] = _comparison_dict(comparison)
            data["comparison"]["cohort_definition"] = (
                {"options": None, "calibrated": calibration is not None, "source": comparison.cohort_source}
                if chosen is None else chosen.provenance())
        if calibration is not None:
            data["calibration"] = _calibration_dict(calibration)
            data["calibration"]["convergence"] = {"calibration": calibration.converged, "all": calibration.converged}
            if fitted is not None:
                fd = fitted.to_dict()
                data["calibration"]["spread"] = fd["spread"]
                data["calibration"]["joint_fit"] = fd["joint_fit"]
                data["calibration"]["convergence"] = fd["convergence"]
                data["calibration"]["cohort_options"] = fd["options"]
        typer.echo(json.dumps(data, indent=2, default=str))
        return
    _print_table(built)
    if calibration is not None:
        _print_calibration(calibration)
    if fitted is not None:
        flags = ", ".join(f"{k.replace('_', ' ')} {'-' if v is None else ('converged' if v else 'NOT converged')}"
                          for k, v in fitted.convergence().items() if k != "all")
        console().print(f"convergence: {flags}")
    if comparison is not None:
        _print_comparison(comparison)
    if out_scenario is not None:
        console().print(f"scenario written to {out_scenario}")
    if html is not None:
        console().print(f"report written to {html}")


def _check_outputs(*, html: Path | None, out_scenario: Path | None) -> None:
    """Refuse an output path that cannot be written, naming its flag, before any work."""
    from oncoresist._io import check_output_file

    if html is not None:
        check_output_file(html, param="html", suffixes=(".html", ".htm"))
    if out_scenario is not None:
        check_output_file(out_scenario, param="out_scenario")


def _calibration_dict(cal: object) -> dict[str, object]:
    from oncoresist.twin.calibrate import Calibration

    assert isinstance(cal, Calibration)
    return {
        "drug": cal.drug,
        "patients": cal.patients,
        "seed": cal.seed,
        "iterations": cal.iterations,
        "converged": cal.converged,
        "targets": cal.table(),
        "tied": cal.tied,
        "unfitted": cal.unfitted,
        "multipliers": cal.multipliers,
        "share_fit": cal.share_fit,
        "fitted_shares": cal.share_fit_table(),
        "time_scale": None if cal.time_target is None else {
            "target": cal.time_target.id, "source": cal.time_target.source,
            "published_median_months": cal.time_target.months, "simulated_median_months": cal.median_months,
            "growth_factor": cal.growth_factor,
        },
    }


def _print_calibration(cal: object) -> None:
    from rich.table import Table

    from oncoresist.random import seed_text
    from oncoresist.twin.calibrate import Calibration

    assert isinstance(cal, Calibration)
    table = Table(title=f"Calibration on continuous {cal.drug}: share of progressions vs published "
                        f"({cal.patients} patients, seed {seed_text(cal.seed)}, {cal.iterations} step(s), "
                        f"{'converged' if cal.converged else 'NOT converged'})")
    for col in ("cell type", "role", "published", "simulated", "rate x", "source"):
        table.add_column(col)
    for r in cal.table():
        interval = "" if r["interval"] is None else f" ({r['interval'][0]:.0%}-{r['interval'][1]:.0%})"
        mult = "-" if r["multiplier"] is None else f"{r['multiplier']:.3g}"
        table.add_row(r["cell_type"], r["role"], f"{r['published']:.0%}{interval}", f"{r['simulated']:.0%}", mult,
                      r["source"])
    con = console()
    if cal.table():
        con.print(table)
    else:
        con.print(f"calibration: the knowledge has no published share at progression on {cal.drug} for this "
                  "twin's routes; no rate was fitted")
    if cal.time_target is not None:
        t = cal.time_target
        con.print(f"time scale: net growth x{cal.growth_factor:.3g} so that the median time to progression on "
                  f"continuous {cal.drug} is {cal.median_months:.1f} months "
                  f"(published {t.months:g}: {t.id}, {t.source})")
    for c, lead in cal.tied.items():
        con.print(f"[dim]{c}: rate tied to {lead} (same mechanism class, no published share)[/]")
    if cal.unfitted:
        con.print(f"[yellow]assumed rates left at their defaults (no published share): {', '.join(cal.unfitted)}[/]")


def _comparison_dict(cmp: object) -> dict[str, object]:
    from oncoresist.twin.compare import StrategyComparison

    assert isinstance(cmp, StrategyComparison)
    summary = cmp.summary.reset_index().rename(columns={"arm": "strategy"})
    return {
        "time_unit": "months",
        "out_dir": None if cmp.out_dir is None else str(cmp.out_dir),
        "strategies": cmp.strategies,
        "summary": json.loads(summary.to_json(orient="records")),
        "mechanisms": json.loads(cmp.mechanisms.to_json(orient="records")),
        "endpoints": [] if cmp.endpoints is None else json.loads(
            cmp.endpoints.reset_index().rename(columns={"arm": "strategy"}).to_json(orient="records")),
        "lead_time_comparison": json.loads(cmp.lead_time_comparison().to_json(orient="records")),
        "seed": cmp.seed,
        "engine": cmp.engine,
        "cohort": cmp.cohort,
        "cohort_source": cmp.cohort_source,
        "imaging": cmp.imaging,
        "ctdna": cmp.ctdna,
    }


def _print_comparison(cmp: object) -> None:
    import math

    from rich.table import Table

    from oncoresist.twin.compare import StrategyComparison

    assert isinstance(cmp, StrategyComparison)

    def m(v: float) -> str:
        return "NR" if v is None or not math.isfinite(v) else f"{v:.1f}"

    table = Table(title="First progression by each strategy's own rule (months, 95% CI)",
                  caption="Adaptive therapy's own rule differs from RECIST PD; the ranking below uses RECIST "
                          "for every strategy.")
    for col in ("strategy", "N", "progressions", "median (95% CI)", "ctDNA lead (days)"):
        table.add_column(col)
    for arm, r in cmp.summary.iterrows():
        lead = r.get("lead_time_median_days")
        table.add_row(
            str(arm),
            str(int(r["n"])),
            str(int(r["events"])),
            f"{m(r['median'])} ({m(r['median_lower'])}-{m(r['median_upper'])})",
            "-" if lead is None or lead != lead else f"{lead:.0f}",
        )
    con = console()
    con.print(table)
    if cmp.endpoints is not None:
        ranked = Table(title="Ranked by time to strategy failure (months, 95% CI; RECIST PD for every strategy)")
        ends = cmp.endpoints
        lines = sorted({c.split("_")[0] for c in ends.columns if c.startswith("line") and c.endswith("_median")})
        keys = ["strategy_failure", "recist_pfs", "pfs2", *[f"{ln}_pfs" for ln in lines]]
        for col in ("strategy", "strategy failure", "PFS (RECIST)", "PFS2", *[f"{ln} PFS" for ln in lines],
                    "plasma first / RECIST PD", "ctDNA lead, days (onset)"):
            ranked.add_column(col)
        for arm, r in ends.iterrows():
            row = r.to_dict()
            lead = row.get("ctdna_onset_lead_median_days")
            ranked.add_row(str(arm), *[_median_cell(row, k) for k in keys],
                           f"{int(row.get('ctdna_onset_lead_n') or 0)} / {int(row.get('ctdna_progressed_n') or 0)}",
                           "-" if lead is None or lead != lead else f"{lead:.0f}")
        con.print(ranked)
        for pub in cmp.lead_time_comparison().drop_duplicates("published_id").itertuples():
            con.print(f"[dim]published lead time ({pub.published_source}): {pub.published_statistic} "
                      f"{pub.published_days:.0f} days, {pub.published_setting}; n = {pub.published_n} "
                      f"({pub.published_denominator})[/]")
    con.print(f"[dim]cohort: {cmp.cohort_source}[/]")
    mech = Table(title="Mechanism at progression (dominant cell type) vs published share")
    for col in ("strategy", "cell type", "share", "published (95% CI)", "source"):
        mech.add_column(col)
    for r in cmp.mechanisms.itertuples():
        pub = "-" if r.published is None or r.published != r.published else f"{r.published:.0%} {r.published_ci}"
        mech.add_row(str(r.strategy), str(r.cell_type), f"{r.share:.0%}", pub, str(r.published_source))
    con.print(mech)
    if cmp.out_dir is not None:
        con.print(f"[dim]cohort runs in {cmp.out_dir}[/]")


def _median_cell(row: dict[str, float], key: str) -> str:
    """'median (lower-upper)' in months for one endpoint of the ranked table; '-' where not defined."""
    import math

    med = row.get(f"{key}_median")
    if med is None or med != med:
        return "-"

    def m(v: float | None) -> str:
        return "NR" if v is None or not math.isfinite(v) else f"{v:.1f}"

    return f"{m(med)} ({m(row.get(f'{key}_lower'))}-{m(row.get(f'{key}_upper'))})"


def _print_table(built: object) -> None:
    from rich.table import Table

    from oncoresist.twin.builder import TwinBuild

    assert isinstance(built, TwinBuild)
    ann = built.annotation
    con = console()
    con.print(
        f"[bold]{', '.join(ann.alterations)}[/] on {', '.join(ann.drug)} in {ann.tumor or 'any tumour'}: "
        f"verdict [bold]{ann.verdict}[/]; {len(built.scenario.cell_types)} cell types"
    )
    style = {"knowledge fact": "green", "published table": "cyan", "default assumption": "yellow",
             "calibrated": "magenta"}
    table = Table(title="Origin of every number", show_lines=False)
    for col in ("path", "value", "kind", "source"):
        table.add_column(col, overflow="fold")
    for o in built.origins:
        value = f"{o.value:.4g}" if isinstance(o.value, float) else str(o.value)
        table.add_row(o.path, value, f"[{style[o.kind]}]{o.kind}[/]", o.source)
    con.print(table)
    if built.skipped:
        con.print("[dim]facts not turned into cell types:[/]")
        for s in built.skipped:
            con.print(f"[dim]  {s}[/]")
