"""Figures of a simulation result: burden per cell type and a Muller plot of clone fractions."""

from __future__ import annotations

from typing import Any

import numpy as np

from oncoresist.engine.result import SimulationResult
from oncoresist.model import compile_scenario


def _colours(n: int) -> list[Any]:
    import matplotlib

    cmap = matplotlib.colormaps["tab10" if n <= 10 else "tab20"]
    return [cmap(i % cmap.N) for i in range(n)]


def plot_burden(result: SimulationResult, ax: Any = None) -> Any:
    """Cells per type over time on a log scale: median over replicates and the 10–90% band.

    Returns the axes; never calls ``plt.show()``.
    """
    import matplotlib.pyplot as plt

    ax = ax if ax is not None else plt.figure().add_subplot()
    colours = _colours(len(result.cell_types))
    counts = result.counts.astype(float)
    for i, name in enumerate(result.cell_types):
        med = np.median(counts[:, :, i], axis=0)
        ax.plot(result.times, np.where(med > 0, med, np.nan), color=colours[i], label=name, lw=1.8)
        if result.n_replicates > 1:
            lo, hi = np.percentile(counts[:, :, i], [10, 90], axis=0)
            ax.fill_between(result.times, np.maximum(lo, 0.5), np.maximum(hi, 0.5), color=colours[i], alpha=0.2,
                            lw=0)  # fmt: skip
    total = np.median(counts.sum(axis=2), axis=0)
    ax.plot(result.times, np.where(total > 0, total, np.nan), color="black", ls="--", lw=1.2, label="total")
    ax.set_yscale("log")
    ax.set_ylim(bottom=0.5)
    ax.set_xlabel("time (days)")
    ax.set_ylabel("cells")
    reps = f"median of {result.n_replicates} replicates, 10–90%" if result.n_replicates > 1 else "one replicate"
    ax.set_title(f"Burden per cell type ({result.engine}; {reps})")
    ax.legend(fontsize="small", loc="best")
    return ax


def _parents(result: SimulationResult) -> list[int]:
    return compile_scenario(result.scenario).parents()


def plot_muller(result: SimulationResult, ax: Any = None, replicate: int | None = None) -> Any:
    """Muller plot: clone fractions over time, each clone drawn inside its parent.

    Fractions are of the mean counts over replicates (or of one ``replicate``).
    The parent of a type is the source of the first transition into it.
    """
    import matplotlib.pyplot as plt

    ax = ax if ax is not None else plt.figure().add_subplot()
    counts = result.counts.astype(float)
    mean = counts[replicate] if replicate is not None else counts.mean(axis=0)
    total = mean.sum(axis=1, keepdims=True)
    frac = np.divide(mean, total, out=np.zeros_like(mean), where=total > 0)
    parents = _parents(result)
    children: dict[int, list[int]] = {i: [] for i in range(len(parents))}
    for i, p in enumerate(parents):
        if p >= 0:
            children[p].append(i)

    def subtree(i: int) -> np.ndarray:
        return frac[:, i] + sum((subtree(c) for c in children[i]), np.zeros(frac.shape[0]))

    colours = _colours(len(result.cell_types))
    bands: list[tuple[int, np.ndarray, np.ndarray]] = []

    def place(i: int, lo: np.ndarray) -> None:
        span = subtree(i)
        bands.append((i, lo, lo + span))
        inner = lo + frac[:, i] / 2.0
        for c in children[i]:
            place(c, inner)
            inner = inner + subtree(c)

    lo = np.zeros(frac.shape[0])
    for root in [i for i, p in enumerate(parents) if p < 0]:
        place(root, lo)
        lo = lo + subtree(root)
    for i, a, b in bands:
        ax.fill_between(result.times, a, b, color=colours[i], lw=0, label=result.cell_types[i])
    ax.set_xlim(result.times[0], result.times[-1])
    ax.set_ylim(0, 1)
    ax.set_xlabel("time (days)")
    ax.set_ylabel("fraction of cells")
    ax.set_title("Muller plot (clone fractions)" + (" of the replicate mean" if replicate is None else ""))
    handles, labels = ax.get_legend_handles_labels()
    order = sorted(range(len(labels)), key=lambda k: result.cell_types.index(labels[k]))
    ax.legend([handles[k] for k in order], [labels[k] for k in order], fontsize="small", loc="upper left",
              bbox_to_anchor=(1.01, 1.0))  # fmt: skip
    return ax


def summary_figure(result: SimulationResult) -> Any:
    """Burden (left) and Muller plot (right) in one figure."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(1, 2, figsize=(13, 4.8), layout="constrained")
    plot_burden(result, ax=a)
    plot_muller(result, ax=b)
    name = result.scenario.get("name", "scenario")
    fig.suptitle(f"{name}: {result.n_replicates} replicate(s), engine {result.engine}")
    return fig
