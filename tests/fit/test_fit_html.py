"""The fit page: laws to 4 significant digits as name = value pairs, legend below the axes, provenance as a
definition list (before: full-precision floats, dict reprs, a legend over the curves, raw JSON)."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

from oncoresist.fit.api import fit_series
from oncoresist.fit.html import forecast_figure, render_html
from oncoresist.fit.io import read_series

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "series" / "egfr_osimertinib.csv"


@pytest.fixture(scope="module")
def laws_result() -> dict:  # type: ignore[type-arg]
    result, _ = fit_series(read_series(EXAMPLE), model="gompertz", seed=4)
    return result


def test_laws_table_and_provenance_are_formatted(laws_result) -> None:  # type: ignore[no-untyped-def]
    page = render_html(laws_result, None)
    table = page[page.index("Classical laws"):page.index("<h2>Provenance")]
    params = laws_result["laws"]["gompertz"]["params"]
    assert f"v0 = {params['v0']:.4g}" in table and repr(params["v0"]) not in table
    assert "{" not in table and f"{laws_result['laws']['gompertz']['aic']:.4g}" in table
    prov = page[page.index("<h2>Provenance"):]
    assert '<dl class="prov">' in prov and "<pre>" not in prov
    assert "<dt>seed</dt><dd>4</dd>" in prov and "<dt>software</dt><dd>oncoresist " in prov
    assert not re.search(r"[{}\[\]]|&#34;|&quot;", prov.replace("</dl>", "").split("</body>")[0])


def test_legend_sits_below_the_axes(laws_result) -> None:  # type: ignore[no-untyped-def]
    fig = forecast_figure(laws_result, None)
    try:
        fig.canvas.draw()
        ax = fig.axes[0]
        legend = ax.get_legend()
        assert legend is not None
        renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
        assert legend.get_window_extent(renderer).y1 < ax.get_window_extent(renderer).y0
    finally:
        plt.close(fig)
