"""Figures of a simulation result: burden per cell type and a Muller plot of clone fractions.

Both panels of :func:`summary_figure` use one statistic over replicates (``stat``: the mean by
default), so they tell the same story; where a clone expands in some replicates and is lost in
others (bimodal outcomes, e.g. a pre-existing resistant clone that may go extinct), the median
replicate and the mean disagree, and the figure says so in a note.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from oncoresist.engine.result import SimulationResult
from oncoresist.errors import InvalidArgument
from oncoresist.model import compile_scenario

STATS = ("mean", "median")


def _colours(n: int) -> list[Any]:
    import matplotlib

    cmap = matplotlib.colormaps["tab10" if n <= 10 else "tab20"]
    return [cmap(i % cmap.N) for i in range(n)]


def _check_stat(stat: str) -> None:
    if stat not in STATS:
        raise InvalidArgument(f"stat: must be one of {', '.join(STATS)}, not {stat!r}", param="stat")


def _central(counts: np.ndarray, stat: str) -> np.ndarray:
    """(times, types) mean or median over replicates of ``counts`` (replicates, times, types)."""
    _check_stat(stat)
    return counts.mean(axis=0) if stat == "mean" else np.median(counts, axis=0)


def plot_burden(result: SimulationResult, ax: Any = None, stat: str = "median") -> Any:
    """Cells per type over time on a log scale: the mean or median over replicates (``stat``) and
    the 10–90% band; the legend says in how many replicates each type is present at the end.

    Returns the axes; never calls ``plt.show()``.
    """
    import matplotlib.pyplot as plt

    ax = ax if ax is not None else plt.figure().add_subplot()
    colours = _colours(len(result.cell_types))
    counts = result.counts.astype(float)
    centre = _central(counts, stat)
    present = (counts[:, -1, :] >= 1).sum(axis=0)
    reps = result.n_replicates
    for i, name in enumerate(result.cell_types):
        label = f"{name} (in {present[i]}/{reps} at end)" if reps > 1 else name
        ax.plot(result.times, np.where(centre[:, i] > 0, centre[:, i], np.nan), color=colours[i], label=label, lw=1.8)
        if reps > 1:
            lo, hi = np.percentile(counts[:, :, i], [10, 90], axis=0)
            ax.fill_between(result.times, np.maximum(lo, 0.5), np.maximum(hi, 0.5), color=colours[i], alpha=0.2,
                            lw=0)  # fmt: skip
    total = _central(counts.sum(axis=2)[:, :, None], stat)[:, 0]
    ax.plot(result.times, np.where(total > 0, total, np.nan), color="black", ls="--", lw=1.2, label="total")
    ax.set_yscale("log")
    ax.set_ylim(bottom=0.5)
    ax.set_xlabel("time (days)")
    ax.set_ylabel("cells")
    what = f"{stat} of {reps} replicates, 10–90%" if reps > 1 else "one replicate"
    ax.set_title(f"Burden per cell type ({result.engine}; {what})")
    ax.legend(fontsize="small", loc="best")
    return ax


def _parents(result: SimulationResult) -> list[int]:
    return compile_scenario(result.scenario).parents()


def muller_bands(frac: np.ndarray, parents: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper edges of each type's band in a Muller plot, each clone inside its parent.

    Parameters
    ----------
    frac : (times, types) array
        Fraction of cells of each type (rows sum to 1, or 0 where no cell is left).
    parents : sequence of int
        Parent type of each type (−1 for a root), e.g. :meth:`CompiledModel.parents`; must form a forest.

    Returns
    -------
    (lower, upper) : two (types, times) arrays
        Type ``i``'s band spans its own fraction plus all its descendants'; its children sit inside it,
        stacked from the middle of its own part (half of the parent's own cells below, half above), and
        roots are stacked from 0. So ``lower[parent] <= lower[child]`` and ``upper[child] <= upper[parent]``
        at every time.
    """
    frac = np.asarray(frac, dtype=float)
    n_t, k = frac.shape
    if len(parents) != k:
        raise InvalidArgument(f"parents: one parent per type ({k}), got {len(parents)}", param="parents")
    children: dict[int, list[int]] = {i: [] for i in range(k)}
    for i, p in enumerate(parents):
        if not -1 <= p < k or p == i:
            raise InvalidArgument(f"parents: type {i} has parent {p}, not a type index or -1", param="parents")
        if p >= 0:
            children[p].append(i)
    span = frac.copy()  # subtree fractions, filled leaves-up
    order: list[int] = []

    def visit(i: int, path: tuple[int, ...]) -> None:
        if i in path:
            raise InvalidArgument(f"parents: types {', '.join(map(str, path))} form a cycle", param="parents")
        for c in children[i]:
            visit(c, (*path, i))
        order.append(i)

    roots = [i for i, p in enumerate(parents) if p < 0]
    for r in roots:
        visit(r, ())
    if len(order) != k:
        raise InvalidArgument("parents: every type must descend from a root (-1); some form a cycle",
                              param="parents")
    for i in order:
        for c in children[i]:
            span[:, i] += span[:, c]
    lower = np.zeros((k, n_t))
    upper = np.zeros((k, n_t))

    def place(i: int, lo: np.ndarray) -> None:
        lower[i], upper[i] = lo, lo + span[:, i]
        inner = lo + frac[:, i] / 2.0
        for c in children[i]:
            place(c, inner)
            inner = inner + span[:, c]

    lo = np.zeros(n_t)
    for r in roots:
        place(r, lo)
        lo = lo + span[:, r]
    return lower, upper


def draw_muller(ax: Any, times: np.ndarray, frac: np.ndarray, parents: Sequence[int], names: Sequence[str],
                colours: Sequence[Any] | None = None, legend: dict[str, Any] | None = None) -> Any:
    """Fill each type's :func:`muller_bands` band (parents first, so children are drawn on top);
    the legend lists the types in their given order (``legend``: keyword arguments of ``ax.legend``)."""
    lower, upper = muller_bands(frac, parents)
    colours = list(colours) if colours is not None else _colours(len(names))
    depth = []
    for i in range(len(names)):
        d, p = 0, parents[i]
        while p >= 0:
            d, p = d + 1, parents[p]
        depth.append(d)
    for i in sorted(range(len(names)), key=lambda j: depth[j]):
        ax.fill_between(times, lower[i], upper[i], color=colours[i], lw=0, label=names[i])
    handles, labels = ax.get_legend_handles_labels()
    order = sorted(range(len(labels)), key=lambda j: list(names).index(labels[j]))
    opts = legend if legend is not None else {"fontsize": "small", "loc": "upper left", "bbox_to_anchor": (1.01, 1.0)}
    ax.legend([handles[j] for j in order], [labels[j] for j in order], **opts)
    ax.set_ylim(0, 1)
    return ax


def plot_muller(result: SimulationResult, ax: Any = None, replicate: int | None = None, stat: str = "mean") -> Any:
    """Muller plot: clone fractions over time, each clone drawn inside its parent.

    Fractions are of the mean (or median, ``stat``) counts over replicates, or of one ``replicate``.
    The parent of a type is the source of the first transition into it.
    """
    import matplotlib.pyplot as plt

    ax = ax if ax is not None else plt.figure().add_subplot()
    counts = result.counts.astype(float)
    centre = counts[replicate] if replicate is not None else _central(counts, stat)
    total = centre.sum(axis=1, keepdims=True)
    frac = np.divide(centre, total, out=np.zeros_like(centre), where=total > 0)
    draw_muller(ax, result.times, frac, _parents(result), list(result.cell_types))
    ax.set_xlim(result.times[0], result.times[-1])
    ax.set_xlabel("time (days)")
    ax.set_ylabel("fraction of cells")
    ax.set_title("Muller plot (clone fractions)" + (f" of the replicate {stat}" if replicate is None else
                                                    f", replicate {replicate}"))
    return ax


def median_mean_note(result: SimulationResult) -> str:
    """One sentence on where the replicate median and mean disagree at the end ('' when they agree):
    the type holding most of the mean cells and the share of replicates in which it is present."""
    counts = result.counts.astype(float)
    last = counts[:, -1, :]
    mean, med = last.mean(axis=0), np.median(last, axis=0)
    if mean.sum() <= 0:
        return ""
    top = int(np.argmax(mean))
    if med.sum() > 0 and int(np.argmax(med)) == top:
        return ""
    name = result.cell_types[top]
    n_in = int((last[:, top] >= 1).sum())
    head = f"{name} holds {mean[top] / mean.sum():.0%} of the mean cells at the end"
    tail = (f"it is present in {n_in} of {result.n_replicates} replicates, so the median replicate "
            f"{'has none' if med[top] < 1 else f'has {med[top]:.3g}'}")
    return f"Median and mean differ: {head}, but {tail} (bimodal outcome)."


def summary_figure(result: SimulationResult, stat: str = "mean") -> Any:
    """Burden (left) and Muller plot (right) in one figure, both of the same replicate statistic
    (``stat``); a note below says where the median and the mean disagree."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    _check_stat(stat)
    fig, (a, b) = plt.subplots(1, 2, figsize=(13, 4.8), layout="constrained")
    plot_burden(result, ax=a, stat=stat)
    plot_muller(result, ax=b, stat=stat)
    name = result.scenario.get("name", "scenario")
    fig.suptitle(f"{name}: {result.n_replicates} replicate(s), engine {result.engine}; both panels: replicate {stat}")
    note = median_mean_note(result) if result.n_replicates > 1 else ""
    if note:
        fig.text(0.5, -0.02, note, ha="center", va="top", fontsize=9, wrap=True)
    return fig
