"""One self-contained HTML report of a twin: annotation, scenario with origins, strategy comparison."""

from __future__ import annotations

import base64
import datetime as _dt
import html
import io
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from oncoresist.random import seed_text
from oncoresist.twin.builder import TwinBuild
from oncoresist.twin.rebiopsy import NO_IDENTIFIED_MECHANISM

if TYPE_CHECKING:
    from oncoresist.twin.calibrate import Calibration
    from oncoresist.twin.compare import StrategyComparison

DISCLAIMER = (
    "Research software, not a medical device. The scenario is built from published evidence and stated "
    "assumptions, and the strategy comparison is the output of a mathematical model: it is not clinical "
    "evidence and must not guide the care of any patient."
)
_CSS = """
body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.5em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}td,th{border:1px solid #ddd;padding:3px 6px;
text-align:left;vertical-align:top}th{background:#f3f3f3}.disclaimer{background:#fff4e5;border:1px solid #f0b46c;
padding:.6em 1em}.k-knowledge{color:#1b6e1b}.k-published{color:#1f5f99}.k-default{color:#a05a00;font-weight:600}
.k-calibrated{color:#7a1f7a;font-weight:600}.out{color:#b00020;font-weight:600}
pre{background:#f7f7f7;padding:.8em;overflow:auto;font-size:.8em}img{max-width:100%;height:auto}
@media (max-width:700px){body{margin:1em auto}table{display:block;overflow-x:auto;max-width:100%}
p,li{overflow-wrap:anywhere}}
"""


def _e(x: Any) -> str:
    return html.escape(str(x))


def _table(headers: list[str], rows: list[list[str]]) -> str:
    """Rows are already-escaped HTML cells."""
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return "NR" if v != v or v in (float("inf"), float("-inf")) else f"{v:.4g}"
    return str(v)


def _cell_type_label(cell_type: str) -> str:
    """A dominant cell type at progression; the sensitive clone's is a progression with no identified mechanism."""
    return f"{cell_type} (no identified mechanism)" if cell_type == NO_IDENTIFIED_MECHANISM else cell_type


def _img(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    return f'<img alt="figure" src="data:image/png;base64,{base64.b64encode(buf.getvalue()).decode("ascii")}">'


def _annotation(build: TwinBuild) -> str:
    ann = build.annotation
    parts = [
        f"<p>Profile <b>{_e(', '.join(ann.alterations))}</b>, drugs <b>{_e(', '.join(ann.drug))}</b>, "
        f"tumour <b>{_e(ann.tumor or 'any')}</b>: verdict <b>{_e(ann.verdict)}</b>.</p>"
    ]
    rows = [
        [
            _e(f.alteration),
            _e(f.effect),
            _e(", ".join(f.drugs)),
            _e(f.mechanism or "—"),
            _e(f.evidence_level),
            _e(", ".join(f.sources)),
        ]
        for f in ann.findings
    ]
    if rows:
        parts.append(_table(["alteration", "effect", "drugs", "mechanism", "evidence", "sources"], rows))
    if ann.options:
        rows = [
            [_e(" + ".join(o.therapy)), _e(", ".join(o.addresses)), _e(o.evidence_level), _e(o.rationale)]
            for o in ann.options
        ]
        parts.append("<h3>Options</h3>" + _table(["therapy", "addresses", "evidence", "rationale"], rows))
    return "".join(parts)


def _scenario(build: TwinBuild) -> str:
    from oncoresist.twin.export import scenario_yaml

    rows = []
    for r in build.routes:
        rows.append([_e(r.name), _e(r.mechanism), _e(r.fact_source())])
    parts = [
        "<h3>Resistance routes (one cell type each)</h3>",
        _table(["cell type", "mechanism", "facts (evidence: sources)"], rows),
    ]
    css = {"knowledge fact": "k-knowledge", "published table": "k-published", "default assumption": "k-default",
           "calibrated": "k-calibrated"}
    rows = [
        [_e(o.path), _e(_fmt(o.value)), f'<span class="{css[o.kind]}">{_e(o.kind)}</span>', _e(o.source)]
        for o in build.origins
    ]
    parts += ["<h3>Origin of every number</h3>", _table(["path", "value", "kind", "source"], rows)]
    if build.skipped:
        parts.append(
            "<h3>Facts not turned into cell types</h3><ul>"
            + "".join(f"<li>{_e(s)}</li>" for s in build.skipped)
            + "</ul>"
        )
    parts.append(f"<details><summary>Scenario YAML</summary><pre>{_e(scenario_yaml(build))}</pre></details>")
    return "".join(parts)


def _comparison(cmp: StrategyComparison, build: TwinBuild) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from oncoresist.trial.plots import clone_parents, plot_muller, plot_timeline
    from oncoresist.trial.run import load_results

    parts = [_ranked(cmp), f"<p>Cohort (between-patient variation): {_e(cmp.cohort_source or 'not recorded')}."
                           "</p>"]
    ends = cmp.endpoints
    if ends is not None and cmp.patients is not None and "strategy_failure_time" in cmp.patients:
        from oncoresist.trial.analysis import TrialAnalyser

        fail = TrialAnalyser(endpoint="strategy_failure", reference_arm=cmp.analyser.reference_arm_).fit(cmp.patients)
        fig, axes = plt.subplots(1, 2, figsize=(11.5, 4.2), sharey=True)
        fail.plot_km(ax=axes[0])
        cmp.analyser.plot_km(ax=axes[1])
        axes[1].set_title("first progression, each strategy's own rule (" + axes[1].get_title() + ")", fontsize=9)
        parts.append(_img(fig))
        plt.close(fig)
    parts.append(_lead_times(cmp, build))
    s = cmp.summary
    rows = []
    for arm, r in s.iterrows():
        rows.append([_e(arm), _e(int(r["n"])), _e(int(r["events"])),
                     _e(f"{_fmt(r['median'])} ({_fmt(r['median_lower'])}–{_fmt(r['median_upper'])})")])
    parts += ["<h3>First progression by each strategy's own rule</h3><p>Adaptive therapy's own rule "
              "(marker ≥ 1.2 × baseline on treatment) differs from RECIST PD; the ranking above uses RECIST for "
              "every strategy.</p>",
              _table(["strategy", "N", "progressions", "median, months (95% CI)"], rows)]
    m = cmp.mechanisms
    rows = [
        [
            _e(r.strategy),
            _e(_cell_type_label(str(r.cell_type))),
            _e(r.progressions),
            _e(f"{r.share:.0%}"),
            _e("–" if r.published is None or r.published != r.published else f"{r.published:.0%} {r.published_ci}"),
            _e(r.published_source),
        ]
        for r in m.itertuples()
    ]
    parts += [
        "<h3>Mechanism at progression (dominant cell type) vs published shares</h3>",
        _table(["strategy", "cell type", "progressions", "share", "published (95% CI)", "source"], rows),
    ]
    if len(m):
        pivot = m.pivot_table(index="strategy", columns="cell_type", values="share", fill_value=0.0, sort=False)
        fig, ax = plt.subplots(figsize=(7.0, 0.5 * len(pivot) + 1.5))
        pivot.plot.barh(stacked=True, ax=ax)
        ax.set_xlabel("share of progressions")
        ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5))
        parts.append(_img(fig))
        plt.close(fig)
    timelines = cmp.timelines
    if timelines is None and cmp.results_dir is not None:
        _, timelines, _ = load_results(cmp.results_dir)
    if timelines is not None and len(timelines):
        parts.append("<h3>Sample timelines (first patient per strategy)</h3><p>Clone plots draw each clone "
                     "inside the clone it arises from (e.g. T790M+C797S inside T790M).</p>")
        parents = clone_parents(build.scenario)
        for arm, tl in timelines.groupby("arm", sort=False):
            pid = tl["patient_id"].iloc[0]
            one = tl[tl["patient_id"] == pid]
            fig, axes = plt.subplots(2, 1, figsize=(6.8, 5.2), height_ratios=[3, 2], sharex=True)
            plot_timeline(one, ax=axes[0])
            axes[0].set_title(f"{arm}, patient {pid}", fontsize=10)
            plot_muller(one, ax=axes[1], parents=parents)
            parts.append(_img(fig))
            plt.close(fig)
    return "".join(parts)


def _median_cell(r: Any, key: str) -> str:
    med = r.get(f"{key}_median")
    if med is None or med != med:
        return "–"
    return f"{_fmt(med)} ({_fmt(r.get(f'{key}_lower'))}–{_fmt(r.get(f'{key}_upper'))})"


def _ranked(cmp: StrategyComparison) -> str:
    """Strategies ranked by median time to strategy failure, with PFS per line, ctDNA and dose beside it."""
    ends = cmp.endpoints
    if ends is None or not len(ends):
        return ""
    lines = sorted({c.split("_")[0] for c in ends.columns if c.startswith("line") and c.endswith("_pfs_median")})
    keys = ["strategy_failure", "recist_pfs", "pfs2", *[f"{ln}_pfs" for ln in lines]]
    heads = ["strategy", "N", "time to strategy failure", "PFS (first RECIST PD)", "PFS2",
             *[f"{ln.replace('line', 'line ')} PFS (from its start)" for ln in lines],
             "detected in plasma before PD / RECIST progressions", "ctDNA lead, days: from first positive draw",
             "from confirmed call", "mean cumulative dose (MTD-days)"]
    rows = []
    for arm, r in ends.iterrows():
        def days(v: Any) -> str:
            return "–" if v is None or v != v else f"{v:.0f}"

        doses = "; ".join(f"{c.removeprefix('dose:')} {r[c]:.0f}" for c in ends.columns
                          if c.startswith("dose:") and r[c] == r[c])
        rows.append([_e(arm), _e(int(r["n"])), *[_e(_median_cell(r, k)) for k in keys],
                     _e(f"{int(r.get('ctdna_onset_lead_n', 0) or 0)} / {int(r.get('ctdna_progressed_n', 0) or 0)}"),
                     _e(days(r.get("ctdna_onset_lead_median_days"))), _e(days(r.get("ctdna_lead_median_days"))),
                     _e(doses)])
    return ("<h3>Ranked by median time to strategy failure (months, 95% CI)</h3><p>Strategy failure: RECIST PD on "
            "the last line, the strategy exhausted, or death. Every column uses the same RECIST 1.1 definition of "
            "progression for every strategy, adaptive therapy included; PFS2 is the second RECIST PD or death.</p>"
            + _table(heads, rows))


def _lead_times(cmp: StrategyComparison, build: TwinBuild) -> str:
    """Model ctDNA lead times beside the published figures the project stores, with their denominators."""
    table = cmp.lead_time_comparison()
    if not len(table):
        return ""

    def num(v: Any, fmt: str = "{:.0f}") -> str:
        return "–" if v is None or v != v else fmt.format(v)

    rows = [[_e(r.strategy), _e(f"{num(r.detected_first)} / {num(r.progressed)}"), _e(num(r.detected_after_pd)),
             _e(num(r.model_onset_days)), _e(num(r.model_confirmed_days)),
             _e(f"{r.published_statistic} {r.published_days:.0f} days (n = {num(r.published_n)}: "
                f"{r.published_denominator})"), _e(r.published_setting), _e(r.published_source),
             _e(num(r.ratio, "{:.2f}"))] for r in table.itertuples()]
    return ("<h3>ctDNA lead time against published figures</h3><p>The model's lead is from the first positive draw "
            "of a confirmed run of positive draws (onset) or from the confirming draw (call) to the first RECIST PD, "
            "among patients detected in plasma at or before PD (the first number of the denominator column); in most "
            "progressions plasma sees the resistant clone only after imaging does (docs/twin.md, \"Why the ctDNA "
            "lead time is short\"). The published settings differ (tumour, mutation, sampling, endpoint): a "
            "comparison of scale, not a validation.</p>"
            + _table(["strategy", "plasma first / RECIST progressions", "first detected after PD",
                      "model lead, days (onset)", "model lead, days (call)", "published", "published setting",
                      "source", "model / published"], rows)
            + _ctdna_vs_sequential(cmp, build))


def _ctdna_vs_sequential(cmp: StrategyComparison, build: TwinBuild) -> str:
    """One sentence on whether ctDNA-guided switching lengthened time to strategy failure over sequential."""
    ends = cmp.endpoints
    if ends is None or not {"ctdna_guided", "sequential"} <= set(ends.index):
        return ""
    g, s = ends.loc["ctdna_guided"], ends.loc["sequential"]
    beats = float(g["strategy_failure_lower"]) > float(s["strategy_failure_upper"])
    verdict = "later than" if beats else "not later than"
    from oncoresist.twin.compare import resisting_every_drug

    both = resisting_every_drug(build)
    routes = ", ".join(both) if both else "none in this twin"
    return (f"<p>ctDNA-guided switching: median time to strategy failure {_fmt(float(g['strategy_failure_median']))} "
            f"months against sequential's {_fmt(float(s['strategy_failure_median']))} ({verdict} sequential by "
            "non-overlapping 95% CIs). An earlier switch helps only where the next line acts on what ends the first "
            f"line; cell types that resist every drug of the twin ({_e(routes)}) grow under every line, so the last "
            "line fails when they reach progression whenever it started (docs/twin.md).</p>")


def _calibration(cal: Calibration) -> str:
    rows = []
    for r in cal.table():
        interval = "" if r["interval"] is None else f" ({r['interval'][0]:.0%}–{r['interval'][1]:.0%})"
        inside = r["within_interval"]
        sim = _e(f"{r['simulated']:.0%}")
        rows.append([
            _e(r["cell_type"]), _e(r["role"]), _e(f"{r['published']:.0%}{interval}"),
            sim if inside is not False else f'<span class="out">{sim} (outside)</span>',
            _e("–" if r["multiplier"] is None else f"{r['multiplier']:.3g}"), _e(r["source"]),
        ])
    parts = [
        f"<p>Rates the knowledge does not give (copy-number gains, lineage switches, gene-level mutations) were "
        f"fitted so that a cohort of {cal.patients} virtual patients on continuous {_e(cal.drug)} "
        f"(seed {_e(seed_text(cal.seed))}) "
        f"reproduces the published share of progressions each mechanism explains; {cal.iterations} step(s), "
        f"{'converged' if cal.converged else '<b>not converged</b>'}. Rates that follow from the knowledge "
        f"(a point mutation's codon) were not fitted: their shares are predictions (<i>held out</i>).</p>",
        _table(["cell type", "role", "published", "simulated", "rate ×", "source"], rows) if rows else
        f"<p>The knowledge has no published share at progression on {_e(cal.drug)} for this twin's routes: no "
        "rate was fitted.</p>",
    ]
    if cal.time_target is not None:
        t = cal.time_target
        parts.append(
            f"<p>Time scale: every cell type's net growth (birth − death, Bozic et al.'s colorectal values in the "
            f"builder) was multiplied by {cal.growth_factor:.3g} so that the median time to progression on continuous "
            f"{_e(cal.drug)} is {cal.median_months:.1f} months, against {t.months:g} months published "
            f"({_e(t.id)}, {_e(t.source)}; {_e(t.population)}).</p>"
        )
    if cal.tied:
        parts.append("<p>" + "; ".join(f"{_e(c)} shares the multiplier of {_e(lead)} (same mechanism class, "
                                       "no published share of its own)" for c, lead in cal.tied.items()) + ".</p>")
    if cal.unfitted:
        parts.append(f"<p>Assumed rates left at their defaults (no published share): {_e(', '.join(cal.unfitted))}."
                     "</p>")
    return "".join(parts)


def to_html(
    build: TwinBuild, comparison: StrategyComparison | None = None, calibration: Calibration | None = None
) -> str:
    """The report as one HTML string (inline CSS and figures; no external resources)."""
    from oncoresist._version import __version__
    title = f"oncoresist twin: {', '.join(build.annotation.alterations)} on {', '.join(build.annotation.drug)}"
    now = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    body = [
        f"<h1>{_e(title)}</h1>",
        f'<p class="disclaimer">{_e(DISCLAIMER)}</p>',
        f"<p>Generated {now} by oncoresist {_e(__version__)}; knowledge {_e(build.annotation.knowledge_version)}"
        + (f"; strategy cohort seed {_e(seed_text(comparison.seed))}, engine {_e(comparison.engine)}"
           if comparison is not None else "")
        + (f"; calibration seed {_e(seed_text(calibration.seed))}" if calibration is not None else "")
        + ".</p>",
        "<h2>Annotation</h2>",
        _annotation(build),
        "<h2>Scenario</h2>",
        _scenario(build),
    ]
    if calibration is not None:
        body += ["<h2>Calibration to published shares at progression</h2>", _calibration(calibration)]
    if comparison is not None:
        body += ["<h2>Strategy comparison</h2>", _comparison(comparison, build)]
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{_e(title)}</title>"
        f"<style>{_CSS}</style></head><body>{''.join(body)}</body></html>"
    )


def write_html(
    build: TwinBuild,
    path: str | os.PathLike[str],
    comparison: StrategyComparison | None = None,
    calibration: Calibration | None = None,
) -> Path:
    """Write :func:`to_html` atomically; return the path."""
    from oncoresist._io import write_text_atomic

    return write_text_atomic(path, to_html(build, comparison, calibration))
