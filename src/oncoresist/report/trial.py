"""Trial report: figures (PNG and SVG) and a self-contained HTML page (inline images and CSS).

Research use only: the page carries the disclaimer that a virtual trial is a model, not evidence.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Any

from oncoresist._io import atomic_path, check_output_file, write_text_atomic
from oncoresist.monitor.literature import published_lead_times
from oncoresist.trial.analysis import TrialAnalyser
from oncoresist.trial.plots import plot_muller, plot_swimmer, plot_timeline
from oncoresist.trial.run import load_results

DISCLAIMER = (
    "Research software, not a medical device. A virtual trial is the output of a mathematical model with "
    "assumed and calibrated parameters; it is not clinical evidence and must not guide the care of any patient."
)


def _save(fig: Any, stem: Path) -> dict[str, str]:
    """Write ``stem.png`` and ``stem.svg``; return both as base64 for inlining."""
    out = {}
    for fmt in ("png", "svg"):
        buf = io.BytesIO()
        fig.savefig(buf, format=fmt, dpi=130 if fmt == "png" else None, bbox_inches="tight")
        data = buf.getvalue()
        with atomic_path(stem.with_suffix(f".{fmt}")) as tmp:
            tmp.write_bytes(data)
        out[fmt] = base64.b64encode(data).decode("ascii")
    return out


def make_figures(out_dir: str | Path) -> dict[str, dict[str, str]]:
    """Compute the analyses and draw every figure into ``out_dir/figures``; returns inline images."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    patients, timelines, _meta = load_results(out_dir)
    fig_dir = Path(out_dir) / "figures"
    fig_dir.mkdir(exist_ok=True)
    figs: dict[str, dict[str, str]] = {}
    for endpoint in ("pfs", "os"):
        an = TrialAnalyser(endpoint=endpoint).fit(patients)
        fig, ax = plt.subplots(figsize=(6.4, 4.2))
        an.plot_km(ax=ax)
        figs[f"km_{endpoint}"] = _save(fig, fig_dir / f"km_{endpoint}")
        plt.close(fig)
    an = TrialAnalyser(endpoint="pfs").fit(patients)
    fig, ax = plt.subplots(figsize=(6.4, 3.4))
    an.plot_lead_time(ax=ax)
    figs["lead_time"] = _save(fig, fig_dir / "lead_time")
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(6.4, 3.4))
    an.plot_dose(ax=ax)
    figs["dose"] = _save(fig, fig_dir / "dose")
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(6.8, 0.22 * 10 * patients["arm"].nunique() + 1.6))
    plot_swimmer(patients, ax=ax, per_arm=10)
    figs["swimmer"] = _save(fig, fig_dir / "swimmer")
    plt.close(fig)
    if len(timelines):
        for i, ((arm, pid), tl) in enumerate(timelines.groupby(["arm", "patient_id"], sort=False)):
            if pid != timelines.loc[timelines["arm"] == arm, "patient_id"].iloc[0]:
                continue
            fig, axes = plt.subplots(2, 1, figsize=(6.8, 5.6), height_ratios=[3, 2], sharex=True)
            plot_timeline(tl, ax=axes[0])
            axes[0].set_title(f"{arm}, patient {pid}", fontsize=10)
            plot_muller(tl, ax=axes[1])
            figs[f"timeline_{i}"] = _save(fig, fig_dir / f"timeline_{arm.replace(' ', '_')}_{pid}")
            plt.close(fig)
    return figs


def _html(df: Any) -> str:
    """A table with its index as the first column (one header row: no empty row for the index name)."""
    return df.reset_index().to_html(na_rep="–", classes="tbl", border=0, escape=True, index=False)


def scenario_knowledge(paths: list[str], recorded: list[object] | None = None) -> list[str]:
    """What each scenario says of the knowledge it was built from, one line per distinct file; a trial run
    itself reads no knowledge. ``recorded`` is the run's own record (``run.json`` ``scenario_knowledge``,
    one entry per path, written at run time); without it the files' headers are read now."""
    from oncoresist.model.origin import scenario_knowledge_version

    out = []
    seen: set[str] = set()
    for i, name in enumerate(paths):
        if name in seen:
            continue
        seen.add(name)
        if recorded is not None and i < len(recorded):
            version = recorded[i]
        else:
            try:
                version = scenario_knowledge_version(name)
            except OSError:
                out.append(f"{name}: not readable from the current folder (a run before session 6 recorded the "
                           "path as given), so its knowledge version is not shown")
                continue
        if name.startswith("<in memory"):
            out.append(f"{name}: no file, no knowledge version recorded")
        elif isinstance(version, dict):
            out.append(f"{name}: knowledge {version.get('knowledge')} "
                       f"(built by oncoresist {version.get('oncoresist')})")
        else:
            out.append(f"{name}: written by hand, no knowledge version recorded")
    return out


def environment_text(env: Any) -> str:
    """``python 3.11.7 · numpy 2.4.6 · Linux-…`` from the run record's environment dict."""
    if not isinstance(env, dict):
        return str(env)
    return " · ".join(f"{k} {v}" for k, v in env.items())


def months(value: float) -> str:
    """A median or CI bound for a table: one decimal, "NR" (not reached) when infinite or missing."""
    import math

    return "NR" if value is None or not math.isfinite(value) else f"{value:.1f}"


def _survival_table(an: Any) -> Any:
    """Arm, N, events, median (95% CI) and HR (95% CI), p: compact strings."""
    import pandas as pd

    s = an.summary
    rows = []
    for arm, r in s.iterrows():
        hr = "reference" if arm == an.reference_arm_ else (
            "–" if pd.isna(r.get("hr")) else f"{r['hr']:.2f} ({r['hr_lower']:.2f}–{r['hr_upper']:.2f})")
        med = f"{months(r['median'])} ({months(r['median_lower'])}–{months(r['median_upper'])})"
        rows.append({"arm": arm, "N": int(r["n"]), "events": int(r["events"]),
                     f"median, {an.time_unit} (95% CI)": med,
                     "hazard ratio (95% CI)": hr, "p (Wald)": "" if pd.isna(r.get("p")) else f"{r['p']:.2g}"})
    return pd.DataFrame(rows).set_index("arm")


def _extra_table(patients: Any) -> Any:
    """Response rate, ctDNA lead time and cumulative dose per arm."""
    import numpy as np
    import pandas as pd

    rows = []
    for arm, sub in patients.groupby("arm", sort=False):
        lead = sub["ctdna_lead_time"].dropna()
        row = {"arm": arm, "objective response (PR/CR)": f"{np.mean(sub['best_response'] <= 1):.0%}",
               "ctDNA before progression": f"{len(lead)} of {int(sub['pfs_event'].sum())}",
               "lead time, days (median, IQR)": "–" if not len(lead) else
               f"{lead.median():.0f} ({lead.quantile(0.25):.0f}–{lead.quantile(0.75):.0f})"}
        for c in sub.columns:
            if c.startswith("dose:") and sub[c].sum() > 0:
                row[f"cumulative {c.removeprefix('dose:')} (MTD-days)"] = f"{sub[c].mean():.0f}"
        rows.append(row)
    return pd.DataFrame(rows).set_index("arm").fillna("–")


def _published_lead_table() -> Any:
    """Published lead times of plasma detection over progression (other settings; see the note)."""
    import pandas as pd

    rows = [
        {"setting": p.setting, "mutation": p.mutation,
         "lead time": f"{p.statistic} {p.months:g} months (~{p.days:.0f} days)"
         + ("" if not p.ci95_months else f", 95% CI {p.ci95_months[0]}–{p.ci95_months[1] or 'NA'}"),
         "to": p.endpoint, "N": p.n or "–", "sampling": p.sampling, "source": f"{p.citation}; {p.source}"}
        for p in published_lead_times()
    ]
    return pd.DataFrame(rows).set_index("setting")


def render_trial_report(out_dir: str | Path, html: str | Path) -> Path:
    """Write a self-contained HTML report of the trial in ``out_dir`` to ``html``.

    ``html`` is checked (its folder must exist and be writable) before any figure is drawn.
    """
    import jinja2

    path = check_output_file(html, param="html", suffixes=(".html", ".htm"))
    patients, _timelines, meta = load_results(out_dir)
    figs = make_figures(out_dir)
    tables = {}
    logrank = {}
    for endpoint in ("pfs", "os"):
        an = TrialAnalyser(endpoint=endpoint).fit(patients)
        tables[endpoint] = _html(_survival_table(an))
        if an.logrank_ is not None:
            logrank[endpoint] = f"χ² = {an.logrank_.test_statistic:.2f}, p = {an.logrank_.p_value:.3g}"
    tables["extra"] = _html(_extra_table(patients))
    tables["published_lead"] = _html(_published_lead_table())
    env = jinja2.Environment(loader=jinja2.PackageLoader("oncoresist.report", "templates"),
                             autoescape=jinja2.select_autoescape(["html", "j2"]))
    page = env.get_template("trial.html.j2").render(
        meta=meta, figs=figs, tables=tables, logrank=logrank, disclaimer=DISCLAIMER,
        n_patients=len(patients), arms=list(dict.fromkeys(patients["arm"])),
        spec=meta.get("parameters", {}).get("spec", {}),
        knowledge=scenario_knowledge([str(x) for x in meta.get("scenarios", [])], meta.get("scenario_knowledge")),
        environment=environment_text(meta.get("environment")),
    )
    return write_text_atomic(path, page)
