"""The patient timeline's legend sits right of the plot, not on the data.

Before polish10: ``loc="upper left"`` inside the axes, so in the twin report (``oncoresist twin --strategies
... --html``) the legend's ten entries covered the first months of the sum-of-diameters curve, which starts at
its highest value there (seen in headless Chromium, /tmp/polish10/twin_cmp-1366.png).
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from oncoresist.trial.plots import plot_timeline


def _timeline(ctdna: bool) -> pd.DataFrame:
    t = np.arange(0.0, 600.0, 42.0)
    sod = np.r_[np.linspace(45, 5, 5), np.linspace(6, 40, len(t) - 5)]
    out = pd.DataFrame({"time": t, "imaged": True, "sod_mm": sod, "switched": False, "progression": False,
                        "dose:erlotinib": 1.0, "ctdna_sampled": ctdna, "tumour_fraction": 1e-3,
                        "vaf:EGFR T790M": np.linspace(0, 1e-2, len(t)), "detected:EGFR T790M": t > 400})
    out.loc[9, "progression"] = True
    return out


def _overlap(ctdna: bool) -> float:
    fig, ax = plt.subplots(figsize=(6.8, 3.6))
    plot_timeline(_timeline(ctdna), ax=ax)
    fig.canvas.draw()
    legend = ax.get_legend().get_window_extent()
    axes_box = ax.get_window_extent()
    # the plasma axis with its ticks and label, where there is one (the legend belongs to ``ax``, not to it)
    right = max([axes_box.x1, *(a.get_tightbbox().x1 for a in fig.axes if a is not ax)])
    plt.close(fig)
    assert legend.x0 >= axes_box.x1, (legend, axes_box)
    return legend.x0 - right


def test_the_legend_is_right_of_both_axes_and_their_labels() -> None:
    assert _overlap(ctdna=True) >= -1.0  # with the log plasma axis and its label on the right
    assert _overlap(ctdna=False) >= -1.0


def test_the_drug_band_has_no_vaf_line_colour() -> None:
    """Before polish10 the first drug's band was C3, the third VAF line's colour (erlotinib = EGFR T790M, red)."""
    from matplotlib.colors import to_hex

    tl = _timeline(ctdna=True)
    for k, name in enumerate(("EGFR L718Q", "EGFR L718V", "EGFR C797S", "EGFR D761Y")):
        tl[f"vaf:{name}"] = 1e-4 * (k + 1)
        tl[f"detected:{name}"] = False
    tl["dose:osimertinib"] = 1.0
    fig, ax = plt.subplots(figsize=(6.8, 3.6))
    plot_timeline(tl, ax=ax)
    leg = ax.get_legend()  # one legend for both axes (the VAF lines are on the plasma axis)
    labels = {t.get_text(): h for t, h in zip(leg.texts, leg.legend_handles, strict=True)}
    plt.close(fig)
    vaf = {to_hex(h.get_color()) for lab, h in labels.items() if lab.startswith("VAF ")}
    bands = {to_hex(h.get_color()) for lab, h in labels.items() if lab.endswith(" given")}
    assert len(vaf) == 5 and len(bands) == 2 and not vaf & bands, (vaf, bands)
