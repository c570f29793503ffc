"""A self-contained HTML page for one fit: the forecast figure (embedded PNG), tables, the disclaimer."""

from __future__ import annotations

import base64
import io
from typing import Any

from jinja2 import Environment

from oncoresist.fit.bayes import ResistanceFitter

_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>oncoresist fit: {{ r.patient_id }}</title>
<style>body{font-family:system-ui,sans-serif;max-width:960px;margin:2em auto;color:#222}
.disclaimer{background:#fff3cd;border:1px solid #e0c36a;border-radius:6px;padding:10px 14px;font-size:13px}
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
th:first-child,td:first-child{text-align:left}dl.prov{display:grid;grid-template-columns:max-content auto;
gap:2px 12px;font-size:13px}dl.prov dt{font-weight:600}dl.prov dd{margin:0}</style>
</head><body>
<h1>Fit and forecast: {{ r.patient_id }}</h1>
<div class="disclaimer"><strong>Research use only.</strong> {{ r.disclaimer }}</div>
<p>Imaging track: {{ r.imaging_track.kind }}{% if r.imaging_track.target %} ({{ r.imaging_track.target }}){% endif %},
{{ r.observed | length }} measurements.</p>
{% if figure %}<img alt="observations and forecast" style="max-width:100%"
  src="data:image/png;base64,{{ figure }}">{% endif %}
{% if r.resistance %}
<h2>Resistance-aware model (posterior)</h2>
<table><tr><th>parameter</th>{% for c in cols %}<th>{{ c }}</th>{% endfor %}</tr>
{% for name, row in r.resistance.summary.items() %}<tr><td>{{ name }}</td>
{% for c in cols %}<td>{{ "%.4g" | format(row[c]) }}</td>{% endfor %}</tr>{% endfor %}</table>
<p>RECIST progression (≥ 20% and ≥ 5 mm above the nadir) within {{ r.resistance.progression.horizon_days }} days of
day {{ r.resistance.progression.from_day }}: probability
{{ "%.2f" | format(r.resistance.progression.p_progression_by_horizon) }}.</p>
{% for w in r.resistance.warnings %}<p><strong>Warning:</strong> {{ w }}</p>{% endfor %}
{% endif %}
{% if r.laws %}<h2>Classical laws (least squares)</h2>
<p>Volumes (0.52·d³ for diameters) in units of params_volume_unit_mm3 of the JSON (by default the largest
volume of the series); 4 significant digits.</p>
<table><tr><th>law</th><th>AIC</th><th>converged</th><th>parameters</th></tr>
{% for row in laws %}<tr><td>{{ row.name }}</td><td>{{ row.aic }}</td><td>{{ row.converged }}</td>
<td style="text-align:left">{{ row.params }}</td></tr>{% endfor %}</table>{% endif %}
<h2>Provenance</h2><dl class="prov">{% for k, v in prov %}<dt>{{ k }}</dt><dd>{{ v }}</dd>{% endfor %}</dl>
</body></html>
"""


def forecast_figure(result: dict[str, Any], fitter: ResistanceFitter | None) -> Any:
    """The observations, the resistance-aware forecast and each law's curve; the legend below the axes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    if fitter is not None:
        fitter.plot_forecast(ax=ax, days=result["resistance"]["progression"]["horizon_days"])
    else:
        ax.plot([o["time_days"] for o in result["observed"]], [o["value_mm"] for o in result["observed"]], "ko",
                label="measured")
    for name, f in result["laws"].items():
        ax.plot([p["time_days"] for p in f["forecast"]], [p["diameter_mm"] for p in f["forecast"]], lw=1,
                label=name)
    handles, labels = ax.get_legend_handles_labels()
    if handles:  # below the axes, so that it covers no curve
        ax.legend(handles, labels, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.16),
                  ncol=min(4, len(handles)), frameon=False)
    return fig


def render_html(result: dict[str, Any], fitter: ResistanceFitter | None) -> str:
    """The HTML page for a :func:`~oncoresist.fit.api.fit_series` result."""
    import matplotlib.pyplot as plt

    fig = forecast_figure(result, fitter)
    try:
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
        figure = base64.b64encode(buf.getvalue()).decode("ascii")
    finally:
        plt.close(fig)
    cols = ["mean", "q5%", "median", "q95%", "r_hat", "ess"]
    env = Environment(autoescape=True)
    return env.from_string(_TEMPLATE).render(r=result, figure=figure, cols=cols, laws=law_rows(result["laws"]),
                                             prov=provenance_items(result["provenance"]))


def _num(v: Any) -> str:
    """A number to 4 significant digits; anything else as text; ``None`` as an empty cell."""
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def law_rows(laws: dict[str, Any]) -> list[dict[str, str]]:
    """One row per classical law: AIC and ``name = value`` parameter pairs, 4 significant digits."""
    rows = []
    for name, f in laws.items():
        params = f.get("params") or {}
        rows.append({"name": name, "aic": _num(f.get("aic")), "converged": "yes" if f.get("converged") else "NO",
                     "params": ", ".join(f"{k} = {_num(v)}" for k, v in params.items())})
    return rows


def _prov_text(key: str, v: Any) -> str:
    from oncoresist.random import seed_text

    if key == "seed" and isinstance(v, dict):
        return seed_text(v)
    if key == "software" and isinstance(v, dict):
        return f"{v.get('name', '')} {v.get('version', '')}".strip()
    if isinstance(v, dict):
        return "; ".join(f"{k} = {_prov_text(k, x)}" for k, x in v.items()) or "—"
    if isinstance(v, list | tuple):
        return ", ".join(_prov_text(key, x) for x in v) or "—"
    return "—" if v is None else _num(v)


def provenance_items(prov: dict[str, Any]) -> list[tuple[str, str]]:
    """The provenance record as (term, text) pairs for a definition list: no raw JSON."""
    return [(str(k), _prov_text(str(k), v)) for k, v in prov.items()]
