"""A self-contained HTML page for one fit: the forecast figure (embedded PNG), tables, the disclaimer."""

from __future__ import annotations

import base64
import io
import json
from typing import Any

from jinja2 import Environment

from oncoresist.fit.bayes import ResistanceFitter

_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>oncoresist fit: {{ r.patient_id }}</title>
<style>body{font-family:system-ui,sans-serif;max-width:960px;margin:2em auto;color:#222}
.disclaimer{background:#fff3cd;border:1px solid #e0c36a;border-radius:6px;padding:10px 14px;font-size:13px}
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
th:first-child,td:first-child{text-align:left}pre{font-size:11px;background:#f6f6f6;padding:8px;overflow:auto}</style>
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
<table><tr><th>law</th><th>AIC</th><th>converged</th><th>parameters</th></tr>
{% for name, f in r.laws.items() %}<tr><td>{{ name }}</td><td>{{ f.aic if f.aic is not none else "" }}</td>
<td>{{ f.converged }}</td><td>{{ f.params }}</td></tr>{% endfor %}</table>{% endif %}
<h2>Provenance</h2><pre>{{ prov }}</pre>
</body></html>
"""


def render_html(result: dict[str, Any], fitter: ResistanceFitter | None) -> str:
    """The HTML page for a :func:`~oncoresist.fit.api.fit_series` result."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure = ""
    fig, ax = plt.subplots(figsize=(7, 4))
    try:
        if fitter is not None:
            fitter.plot_forecast(ax=ax, days=result["resistance"]["progression"]["horizon_days"])
        else:
            ax.plot([o["time_days"] for o in result["observed"]], [o["value_mm"] for o in result["observed"]], "ko",
                    label="measured")
        for name, f in result["laws"].items():
            ax.plot([p["time_days"] for p in f["forecast"]], [p["diameter_mm"] for p in f["forecast"]], lw=1,
                    label=name)
        ax.legend(fontsize=7)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
        figure = base64.b64encode(buf.getvalue()).decode("ascii")
    finally:
        plt.close(fig)
    cols = ["mean", "q5%", "median", "q95%", "r_hat", "ess"]
    env = Environment(autoescape=True)
    return env.from_string(_TEMPLATE).render(r=result, figure=figure, cols=cols,
                                             prov=json.dumps(result["provenance"], indent=2, default=str))
