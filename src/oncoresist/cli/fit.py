"""``oncoresist fit SERIES``: fit a patient's measured series and forecast it (research use only)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Annotated

import typer

from oncoresist.cli import app
from oncoresist.cli._args import JsonOpt, SeedOpt
from oncoresist.cli._common import console, error_boundary

# checked by fit_series (the library's MODEL_CHOICES); not imported here so that --help stays light
MODEL_HELP = ("resistance, all, or one law: exponential, logistic, classic_bertalanffy, general_bertalanffy, "
              "gompertz, general_gompertz, biexponential.")


@app.command("fit", no_args_is_help=True)
@error_boundary
def fit_cmd(
    series: Annotated[Path, typer.Argument(help="Series file: long CSV, JSON or YAML (oncoresist schema series).")],
    model: Annotated[str, typer.Option(help=MODEL_HELP)] = "resistance",
    forecast_days: Annotated[float, typer.Option("--forecast-days", help="Horizon after the last measurement (days).")
                             ] = 180.0,
    seed: SeedOpt = None,
    imaging_target: Annotated[str | None, typer.Option(help="Lesion id when several lesions are measured.")] = None,
    resistance_target: Annotated[list[str] | None, typer.Option(
        "--resistance-target", help="ctDNA mutation marking the resistant clone (repeatable).")] = None,
    as_json: JsonOpt = False,
    html: Annotated[Path | None, typer.Option("--html", help="Write a self-contained HTML report.")] = None,
) -> None:
    """Fit the resistance-aware model (emcee) and/or classical growth laws; print the forecast."""
    from oncoresist._io import check_output_file, write_text_atomic
    from oncoresist.fit.api import fit_series
    from oncoresist.fit.io import read_series
    from oncoresist.random import as_seed_sequence

    if html is not None:
        check_output_file(html, param="html", suffixes=(".html", ".htm"))
    s = read_series(series)
    ss = as_seed_sequence(seed)
    with warnings.catch_warnings():  # ArviZ announces its refactor with a FutureWarning on import
        warnings.filterwarnings("ignore", category=FutureWarning, module=r"arviz(\.|$)")
        result, fitter = fit_series(s, model=model, forecast_days=forecast_days, seed=ss,
                                    imaging_target=imaging_target, resistance_targets=resistance_target or None)
    if html is not None:
        from oncoresist.fit.html import render_html

        write_text_atomic(html, render_html(result, fitter))
    if as_json:
        typer.echo(json.dumps(result, indent=2, default=str))
        return
    out = console()
    out.print(f"seed entropy: {ss.entropy}  (pass --seed {ss.entropy} to repeat this fit)")
    out.print(result["disclaimer"])
    if "resistance" in result:
        out.print(fitter.summary.round(4).to_string() if fitter is not None else "")
        prog = result["resistance"]["progression"]
        out.print(f"P(RECIST progression within {prog['horizon_days']:g} days of day {prog['from_day']:g}): "
                  f"{prog['p_progression_by_horizon']:.2f}")
        for w in result["resistance"]["warnings"]:
            out.print(f"warning: {w}")
    for name, f in result["laws"].items():
        out.print(law_line(name, f), soft_wrap=True)  # one line per law, wrapped by the terminal if at all
    if html is not None:
        out.print(f"wrote {html}")


def law_line(name: str, fit: dict[str, object]) -> str:
    """One classical law's fit on one line: ``gompertz: AIC -38.11; v0 1.002, alpha 0.01893, beta -0.02857``."""
    aic = fit.get("aic")
    params = fit.get("params")
    values = ", ".join(f"{k} {v:.4g}" if isinstance(v, float) else f"{k} {v}"
                       for k, v in (params.items() if isinstance(params, dict) else []))
    aic_text = f"{aic:.2f}" if isinstance(aic, float) else str(aic)
    flag = "" if fit.get("converged", True) else " (NOT converged)"
    return f"{name}: AIC {aic_text}{flag}; {values}"
