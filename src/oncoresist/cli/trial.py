"""``oncoresist trial`` (run a virtual trial) and ``oncoresist report`` (HTML report of a run)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from oncoresist.cli import app
from oncoresist.cli._args import SeedOpt
from oncoresist.cli._common import console, error_boundary


@app.command("trial")
@error_boundary(flags={"out_dir": "--out"})
def trial(
    trial_file: Annotated[Path, typer.Argument(help="Trial YAML (arms, cohort, monitoring, follow-up).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output directory (resumed if it holds this run).")],
    patients: Annotated[int | None, typer.Option("--patients", "-n", help="Patients per arm.")] = None,
    seed: SeedOpt = None,
    backend: Annotated[str, typer.Option("--backend", help="local or dask.")] = "local",
    workers: Annotated[int | None, typer.Option("--workers", help="Dask LocalCluster workers.")] = None,
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="Dask scheduler tcp://HOST:PORT.")] = None,
    batch_size: Annotated[int, typer.Option("--batch-size", help="Patients per batch.")] = 2000,
    method: Annotated[str | None, typer.Option(
        "--method", help="Engine (auto, tau, leap, ssa, ode); default: the trial file's `engine` (auto).")] = None,
) -> None:
    """Run a virtual trial; per-patient results stream to Parquet in --out."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from oncoresist.random import describe_seed, seed_from_record
    from oncoresist.trial.run import run_trial
    from oncoresist.trial.spec import load_trial

    spec = load_trial(trial_file)
    con = console()
    with Progress(TextColumn("[bold]trial"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=con, transient=True) as bar:
        task = bar.add_task("patients", total=None)
        run = run_trial(spec, out_dir=out, patients=patients, seed=seed, batch_size=batch_size, backend=backend,
                        workers=workers, scheduler=scheduler, method=method,
                        progress=lambda done, total: bar.update(task, completed=done, total=total))
    con.print(describe_seed(seed_from_record(run.seed)))
    con.print(f"[green]{run.n_patients} patients[/green] in {run.n_batches} batches "
              f"({run.n_resumed} resumed) → {run.out_dir}")
    _print_summary(out)


def _print_summary(out_dir: Path) -> None:
    from rich.table import Table

    from oncoresist.report.trial import months
    from oncoresist.trial.analysis import TrialAnalyser
    from oncoresist.trial.run import load_results

    patients, _, _ = load_results(out_dir)
    an = TrialAnalyser(endpoint="pfs").fit(patients)
    table = Table(title="PFS (months)")
    for col in ("arm", "n", "median", "95% CI", "HR", "HR 95% CI"):
        table.add_column(col)
    s = an.summary
    for arm, r in s.iterrows():
        hr = "" if "hr" not in r or r["hr"] != r["hr"] else f"{r['hr']:.2f}"
        hr_ci = "" if not hr else f"{r['hr_lower']:.2f}–{r['hr_upper']:.2f}"
        table.add_row(str(arm), str(int(r["n"])), months(r["median"]),
                      f"{months(r['median_lower'])}–{months(r['median_upper'])}", hr, hr_ci)
    console().print(table)


@app.command("report")
@error_boundary(flags={"html": "--html", "run_dir": "RUN_DIR"})
def report(
    run_dir: Annotated[Path, typer.Argument(help="Output directory of `oncoresist trial`.")],
    html: Annotated[Path, typer.Option("--html", help="HTML file to write (self-contained).")],
) -> None:
    """Write a self-contained HTML report (figures inline) of a trial run; figures also go to RUN_DIR/figures."""
    from oncoresist.report.trial import render_trial_report

    path = render_trial_report(run_dir, html)
    console().print(f"report written to {path}")
