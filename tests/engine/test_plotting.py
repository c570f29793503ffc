"""Muller plots by ancestry: each clone's band lies inside its parent's at every time.

The geometry is checked on the numbers (``muller_bands``), on random trees with random
fractions, on the twin's own lineage (EGFR exon 19 deletion: T790M+C797S arises from T790M),
and on the drawn figure (the filled polygons); the CML summary figure's two panels use one statistic.
"""

from __future__ import annotations

import itertools

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from oncoresist.engine.plotting import median_mean_note, muller_bands, summary_figure
from oncoresist.errors import InvalidArgument

TOL = 1e-12


def _random_forest(rng: np.random.Generator, k: int) -> list[int]:
    return [-1 if i == 0 or rng.random() < 0.2 else int(rng.integers(0, i)) for i in range(k)]


def _descendants(parents: list[int], i: int) -> set[int]:
    out = set()
    for j, p in enumerate(parents):
        while p >= 0:
            if p == i:
                out.add(j)
                break
            p = parents[p]
    return out


@pytest.mark.parametrize("seed", range(6))
def test_every_child_band_lies_inside_its_parent_band(seed: int) -> None:
    rng = np.random.default_rng(seed)
    k, n_t = 9, 40
    parents = _random_forest(rng, k)
    raw = rng.random((n_t, k)) * (rng.random((n_t, k)) < 0.7)  # zeros too: clones absent at times
    raw[0] = 0.0  # a time with no cells at all
    frac = np.divide(raw, raw.sum(1, keepdims=True), out=np.zeros_like(raw), where=raw.sum(1, keepdims=True) > 0)
    lo, hi = muller_bands(frac, parents)
    for i, p in enumerate(parents):
        sub = frac[:, [i, *_descendants(parents, i)]].sum(1)
        assert np.allclose(hi[i] - lo[i], sub)  # a band is as wide as its clone and all its descendants
        if p >= 0:
            assert np.all(lo[p] <= lo[i] + TOL) and np.all(hi[i] <= hi[p] + TOL), (i, p)
            # the parent keeps its own cells on both sides of its children (half below, half above)
            kids = [c for c, q in enumerate(parents) if q == p]
            first_lo = np.min(lo[kids], axis=0)
            assert np.allclose(first_lo - lo[p], frac[:, p] / 2)
    roots = [i for i, p in enumerate(parents) if p < 0]
    # roots tile [0, total]: no overlap between separate lineages
    order = sorted(roots)
    for a, b in itertools.pairwise(order):
        assert np.allclose(hi[a], lo[b])
    assert np.allclose(hi[order[-1]], frac.sum(1))


def test_bad_lineages_are_refused_with_the_parameter_named() -> None:
    frac = np.full((3, 3), 1 / 3)
    with pytest.raises(InvalidArgument, match="parents"):
        muller_bands(frac, [-1, 2, 1])  # a cycle, no root above it
    with pytest.raises(InvalidArgument, match="parents"):
        muller_bands(frac, [-1, 0])
    with pytest.raises(InvalidArgument, match="parents"):
        muller_bands(frac, [-1, 7, 0])


def test_twin_clone_plot_nests_the_compound_mutant_inside_t790m() -> None:
    from oncoresist.trial.plots import clone_parents, plot_muller
    from oncoresist.twin import build_twin

    build = build_twin(["EGFR exon 19 deletion"], drugs="erlotinib,osimertinib", tumor="NSCLC")
    parents = clone_parents(build.scenario)
    compound = [c for c in parents if "T790M" in c and "C797S" in c]
    assert compound and parents[compound[0]] == "EGFR_T790M"  # the twin knows the nesting
    names = list(parents)
    rng = np.random.default_rng(1)
    n_t = 30
    cells = rng.lognormal(10, 2, (n_t, len(names)))
    tl = pd.DataFrame({"time": np.arange(n_t) * 28.0, "alive": True,
                       **{f"cells:{c}": cells[:, j] for j, c in enumerate(names)}})
    fig, ax = plt.subplots()
    plot_muller(tl, ax=ax, parents=parents)
    # the drawn polygons: the compound's band inside T790M's at every time
    polys = {c.get_label(): c.get_paths()[0].vertices for c in ax.collections}
    frac = cells / cells.sum(1, keepdims=True)
    tree = [names.index(parents[c]) if parents[c] else -1 for c in names]
    lo, hi = muller_bands(frac, tree)
    i, p = names.index(compound[0]), names.index("EGFR_T790M")
    assert np.all(lo[p] <= lo[i] + TOL) and np.all(hi[i] <= hi[p] + TOL)
    ys = polys[compound[0]][:, 1]
    assert ys.min() >= lo[p].min() - TOL and ys.max() <= hi[p].max() + TOL
    plt.close(fig)


def test_cml_summary_figure_panels_use_one_statistic_and_say_why_median_differs() -> None:
    from oncoresist.engine.result import SimulationResult

    # 10 replicates: a resistant clone expands in 3 and is lost in 7 (a bimodal outcome)
    times = np.linspace(0, 100, 11)
    counts = np.zeros((10, 11, 2))
    counts[:, :, 0] = 1000.0
    counts[:3, :, 1] = np.exp(times / 10.0)[None, :]
    res = SimulationResult(times=times, counts=counts, concentrations=np.zeros((10, 11, 0)),
                           final=counts[:, -1], cell_types=("sensitive", "resistant"), drugs=(), engine="tau",
                           seed={}, scenario={"name": "toy", "cell_types": [], "drugs": []}, provenance={})
    note = median_mean_note(res)
    assert "resistant" in note and "3 of 10" in note and "median replicate has none" in note
    with pytest.raises(InvalidArgument, match="stat"):
        summary_figure(res, stat="mode")
