"""Figures of a virtual trial: swimmer plot, burden and ctDNA timelines with decisions, Muller plot.

Each function takes ``ax=None`` and returns the axes; none calls ``plt.show()``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from oncoresist.trial.analysis import DAYS_PER_MONTH


def _ax(ax: Any, size: tuple[float, float] = (6.4, 4.0)) -> Any:
    import matplotlib.pyplot as plt

    return ax if ax is not None else plt.subplots(figsize=size)[1]


def _until_death(timeline: pd.DataFrame) -> pd.DataFrame:
    """Rows up to and including the visit at which the patient died."""
    if "alive" not in timeline or timeline["alive"].all():
        return timeline
    first_dead = int(np.argmax(~timeline["alive"].to_numpy(bool)))
    return timeline.iloc[: first_dead + 1]


def arm_label(arm: str, patient: int, width: int = 16) -> str:
    """A swimmer row label: the arm's name wrapped at word or ``strategy:drug`` boundaries (never inside a
    word) into lines of about ``width`` characters, then the patient number."""
    words = [w for w in re.split(r"\s+|(?<=:)", str(arm)) if w]
    lines: list[str] = []
    for w in words:
        if lines:
            glue = "" if lines[-1].endswith(":") else " "
            if len(lines[-1]) + len(glue) + len(w) <= width:
                lines[-1] += glue + w
                continue
        lines.append(w)
    lines = lines or [""]
    lines[-1] = f"{lines[-1]} #{patient}".strip()
    return "\n".join(lines)


def plot_swimmer(patients: pd.DataFrame, ax: Any = None, per_arm: int = 12) -> Any:
    """One bar per patient (first ``per_arm`` of each arm) to progression or censoring, with
    response, ctDNA detection, line switch and death marked. Times in months."""
    arms = list(dict.fromkeys(patients["arm"]))
    label_lines = max((arm_label(a, 0).count("\n") + 1 for a in arms), default=1)
    ax = _ax(ax, (6.8, (0.22 + 0.1 * (label_lines - 1)) * per_arm * len(arms) + 1.4))
    colours = {a: f"C{i}" for i, a in enumerate(arms)}
    y = 0
    ticks, labels = [], []
    first: set[str] = set()
    done: set[str] = set()
    for arm in arms:
        sub = patients[patients["arm"] == arm].head(per_arm)
        for _, r in sub.iterrows():
            end = r["os_time"] / DAYS_PER_MONTH
            ax.barh(y, end, color=colours[arm], alpha=0.25, height=0.7)
            ax.barh(y, r["pfs_time"] / DAYS_PER_MONTH, color=colours[arm], height=0.7,
                    label=arm if arm not in first else None)
            first.add(arm)

            def mark(t: float, m: str, c: str, lab: str, yy: int = y) -> None:
                if np.isfinite(t):
                    ax.plot(t / DAYS_PER_MONTH, yy, m, color=c, ms=5, label=lab if lab not in done else None)
                    done.add(lab)

            mark(r["response_time"], "^", "k", "response (PR/CR)")
            if r["pfs_event"] and (not r["os_event"] or r["pfs_time"] < r["os_time"]):
                mark(r["pfs_time"], "s", "crimson", "progression")
            mark(r.get("ctdna_first_any", np.nan), "o", "darkorange", "ctDNA resistance detected")
            mark(r["first_switch_time"], "D", "purple", "line switch")
            if r["os_event"]:
                mark(r["os_time"], "x", "k", "death")
            ticks.append(y)
            labels.append(arm_label(arm, int(r["patient_id"])))
            y += 1
        y += 1
    ax.set_yticks(ticks, labels, fontsize=6)
    ax.invert_yaxis()
    ax.set_xlabel("months (dark: progression-free; light: after progression)")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return ax


#: the timeline's legend, right of the plasma axis's label: inside the axes it covered the first months' data
_OUTSIDE_TWIN: dict[str, Any] = {"fontsize": 6, "loc": "upper left", "bbox_to_anchor": (1.14, 1.0)}


#: the drug bands' colours, greys apart from the VAF lines' C1, C2, … (a band drawn in C3 had the colour of the third
#: VAF line: erlotinib's band and EGFR T790M's VAF were the same red in the twin report)
_DOSE_COLOURS = ("#3d3d3d", "#8c8c8c", "#c4c4c4")


def _dose_colour(j: int) -> str:
    return _DOSE_COLOURS[j % len(_DOSE_COLOURS)]


def plot_timeline(timeline: pd.DataFrame, ax: Any = None) -> Any:
    """Burden (sum of diameters) and ctDNA (tumour fraction, VAFs) of one patient with the
    decisions marked (drug on/off shading, line switches, progression). Stops at death."""
    ax = _ax(ax, (6.8, 3.6))
    timeline = _until_death(timeline)
    t = timeline["time"].to_numpy() / DAYS_PER_MONTH
    img = timeline["imaged"].to_numpy(bool)
    ax.plot(t[img], timeline["sod_mm"].to_numpy()[img], "o-", color="C0", ms=3, label="sum of diameters (mm)")
    ax.set_xlabel("months")
    ax.set_ylabel("sum of diameters (mm)", color="C0")
    dose_cols = [c for c in timeline.columns if c.startswith("dose:") and timeline[c].fillna(0).gt(0).any()]
    top = max(float(np.nanmax(timeline["sod_mm"])) if len(timeline) else 1.0, 1.0)
    for j, c in enumerate(dose_cols):
        on = timeline[c].to_numpy() > 0
        for i in range(len(t) - 1):
            if on[i]:
                ax.axvspan(t[i], t[i + 1], ymin=0.97 - 0.04 * j, ymax=1.0 - 0.04 * j, color=_dose_colour(j), lw=0)
        ax.plot([], [], color=_dose_colour(j), lw=4, label=f"{c.removeprefix('dose:')} given")
    for tt in t[timeline["switched"].to_numpy(bool)]:
        ax.axvline(tt, color="purple", ls="--", lw=1)
    for tt in t[timeline["progression"].to_numpy(bool)]:
        ax.axvline(tt, color="crimson", ls=":", lw=1.5)
    ax.plot([], [], color="purple", ls="--", label="line switch")
    ax.plot([], [], color="crimson", ls=":", label="progression")
    ax.set_ylim(0, top * 1.15)
    ct = timeline["ctdna_sampled"].to_numpy(bool)
    vaf_cols = [c for c in timeline.columns if c.startswith("vaf:")]
    if ct.any():
        ax2 = ax.twinx()
        ax2.semilogy(t[ct], np.maximum(timeline["tumour_fraction"].to_numpy()[ct], 1e-6), "-", color="gray",
                     lw=1, label="ctDNA tumour fraction")
        for j, c in enumerate(vaf_cols):
            ax2.semilogy(t[ct], np.maximum(timeline[c].to_numpy()[ct], 1e-6), "-", color=f"C{j + 1}", lw=1,
                         label=f"VAF {c.removeprefix('vaf:')}")
            det = timeline[f"detected:{c.removeprefix('vaf:')}"].to_numpy(bool) & ct
            if det.any():
                k = np.argmax(det)
                ax2.plot(t[k], max(timeline[c].iloc[k], 1e-6), "*", color=f"C{j + 1}", ms=10)
        ax2.set_ylabel("plasma fraction (log)")
        ax2.set_ylim(1e-6, 1)
        h1, l1 = ax.get_legend_handles_labels()
        h2, l2 = ax2.get_legend_handles_labels()
        ax.legend(h1 + h2, l1 + l2, **_OUTSIDE_TWIN)
    elif "marker" in timeline and timeline["marker"].notna().any():
        ax2 = ax.twinx()
        ax2.plot(t, timeline["marker"].to_numpy(), "-", color="gray", lw=1.2, label="serum marker (PSA)")
        ax2.set_ylabel("serum marker")
        h1, l1 = ax.get_legend_handles_labels()
        h2, l2 = ax2.get_legend_handles_labels()
        ax.legend(h1 + h2, l1 + l2, **_OUTSIDE_TWIN)
    else:
        ax.legend(fontsize=6, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return ax


def plot_muller(timeline: pd.DataFrame, ax: Any = None, parents: Mapping[str, str | None] | None = None) -> Any:
    """Muller plot of one patient: clone frequencies over time, each clone drawn inside its parent.

    ``parents`` maps each cell type to the type it arises from (``None`` for a root), e.g.
    :func:`clone_parents` of the scenario; without it every type is a root (bands stacked, no
    nesting). Stops at death.
    """
    from oncoresist.engine.plotting import draw_muller

    ax = _ax(ax, (6.8, 3.0))
    timeline = _until_death(timeline)
    cols = [c for c in timeline.columns if c.startswith("cells:") and timeline[c].notna().all()]
    names = [c.removeprefix("cells:") for c in cols]
    t = timeline["time"].to_numpy() / DAYS_PER_MONTH
    x = timeline[cols].to_numpy(float)
    tot = x.sum(1, keepdims=True)
    f = np.divide(x, tot, out=np.zeros_like(x), where=tot > 0)
    par = parents or {}
    index = {n: i for i, n in enumerate(names)}
    tree = [index.get(par.get(n) or "", -1) for n in names]
    draw_muller(ax, t, f, tree, names, legend={"fontsize": 7, "loc": "upper left", "bbox_to_anchor": (1.0, 1.0)})
    if len(t) > 1:
        ax.set_xlim(t[0], t[-1])
    ax.set_xlabel("months")
    ax.set_ylabel("clone frequency")
    ax.set_yticks([])
    return ax


def clone_parents(scenario: Any) -> dict[str, str | None]:
    """Cell type → the type it arises from (the source of the first transition into it), for
    :func:`plot_muller`; ``scenario`` is a :class:`~oncoresist.model.scenario.Scenario`."""
    from oncoresist.model import compile_scenario

    model = compile_scenario(scenario)
    names = model.cell_types
    return {c: (names[p] if p >= 0 else None) for c, p in zip(names, model.parents(), strict=True)}
