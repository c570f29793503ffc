"""``oncoresist simulate`` and ``oncoresist plot``: run the evolution engine, draw its output."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from oncoresist.cli import app
from oncoresist.cli._args import SeedOpt
from oncoresist.cli._common import console, err_console, error_boundary


class EngineChoice(StrEnum):
    auto = "auto"
    ssa = "ssa"
    tau = "tau"
    leap = "leap"
    ode = "ode"


ScenarioArg = Annotated[Path, typer.Argument(help="Scenario YAML file.", exists=False)]


PLOT_SUFFIXES = (".png", ".pdf", ".svg")


@app.command("simulate", no_args_is_help=True)
@error_boundary(flags={"t_end": "--t-end", "n_replicates": "--replicates", "path": "--out"})
def simulate_cmd(
    scenario: ScenarioArg,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output Parquet file.")] = Path("run.parquet"),
    replicates: Annotated[int, typer.Option("--replicates", "-n", min=1, help="Number of replicates.")] = 1,
    seed: SeedOpt = None,
    engine: Annotated[EngineChoice, typer.Option(help="Engine; auto picks by population size.")] = EngineChoice.auto,
    t_end: Annotated[float, typer.Option("--t-end", min=0.0, help="Length of the run (days).")] = 365.0,
    record_every: Annotated[float | None, typer.Option(
        "--record-every", min=0.0, help="Days between recorded time points (default: daily, at most 10,001 points).",
    )] = None,
) -> None:
    """Simulate a scenario under its treatment schedule (and its triggers) and write trajectories to Parquet."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from oncoresist._io import check_output_file
    from oncoresist.engine import simulate
    from oncoresist.engine.triggers import trigger_summary
    from oncoresist.model import load_scenario
    from oncoresist.random import as_seed_sequence, describe_seed

    check_output_file(out, param="out", suffixes=(".parquet",))
    sc = load_scenario(scenario)
    ss = as_seed_sequence(seed)
    console().print(describe_seed(ss))
    columns = (TextColumn("simulating"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"), TimeElapsedColumn())
    times = None if record_every is None else record_grid(t_end, record_every)
    with Progress(*columns, console=err_console(), transient=True) as bar:
        task = bar.add_task("run", total=1.0)
        result = simulate(sc, t_end=t_end, times=times, engine=engine.value, n_replicates=replicates, seed=ss,
                          progress=lambda f: bar.update(task, completed=f))  # fmt: skip
    result.to_parquet(out)
    if sc.triggers:
        console().print(f"triggers (checked every {result.provenance['triggers']['check_interval']:g} days):")
        for name, row in trigger_summary(result).iterrows():
            after = f" of the {row['armed']} where {row['after']!r} fired" if row["after"] else f" of {row['armed']}"
            when = (f"; median day {row['median_day']:.6g}, mean count then {row['mean_count']:.4g}"
                    if row["fired"] else "")
            console().print(f"  {name}: fired in {row['fired']}{after} ({row['fraction']:.4f}, 95% CI "
                            f"{row['ci95_low']:.4f}-{row['ci95_high']:.4f}){when}", highlight=False)
    final = result.final.astype(float).mean(axis=0)
    means = ", ".join(f"{n}={v:.3g}" for n, v in zip(result.cell_types, final, strict=True))
    console().print(f"engine {result.engine}; mean final cells: {means}")
    console().print(f"wrote {out}")


def record_grid(t_end: float, every: float) -> list[float]:
    """Record times ``0, every, 2·every, …`` and ``t_end`` (``--record-every``)."""
    from oncoresist.errors import InvalidArgument

    if not every > 0:
        raise InvalidArgument(f"record_every: must be a positive number of days, got {every!r}", param="record_every")
    n = int(t_end // every)
    if n > 1_000_000:
        raise InvalidArgument(f"record_every: {n} time points; record less often", param="record_every")
    return sorted({*(k * every for k in range(n + 1)), t_end})


@app.command("plot", no_args_is_help=True)
@error_boundary(flags={"path": "RUN"})
def plot_cmd(
    run: Annotated[Path, typer.Argument(help="A Parquet file written by `oncoresist simulate`.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output image (PNG, PDF or SVG).")] = Path("fig.png"),
) -> None:
    """Plot burden per cell type (log scale) and a Muller plot of clone fractions."""
    from oncoresist._io import atomic_path, check_output_file
    from oncoresist.engine import read_result
    from oncoresist.engine.plotting import summary_figure

    check_output_file(out, param="out", suffixes=PLOT_SUFFIXES)
    fig = summary_figure(read_result(run))
    with atomic_path(out, suffix=out.suffix) as tmp:
        fig.savefig(tmp, dpi=120)
    console().print(f"wrote {out}")
