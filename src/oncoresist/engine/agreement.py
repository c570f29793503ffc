"""Do two samples of final cell counts come from the same law? Two-sample tests valid for heavy tails and ties.

Rare-type counts of a birth–death–mutation process are Luria–Delbrück-like: most trajectories hold none or a
few cells, a few hold a "jackpot" clone. Their mean is set by the jackpots, its sample variance converges
slowly, and a normal z-test on the mean over a few hundred trajectories rejects more often than its nominal
level. :func:`compare_counts` therefore tests, for every labelled count, two things that stay valid:

- ``P(x > 0)``: Fisher's exact two-sided test on the 2×2 table of zero / non-zero counts;
- the whole distribution: Pearson's χ² test of homogeneity on the 2×K table of counts binned by quantiles
  of the *pooled* sample (:func:`binned_chi2`): zero is a bin of its own and the positive values are cut at about
  ``max_bins`` pooled quantiles into runs of whole distinct values (ties never split), each large enough that every
  cell's expected count is at least ``min_expected`` (Cochran's rule of five; cited from memory, not seen). The
  edges depend on the pooled sample only, which under the null is independent of which sample a value
  came from, so the statistic is the large-sample approximation of a permutation test. Binning by pooled
  quantiles is invariant to any increasing transform, so raw counts and ``log1p`` counts give the same test.

Each test's p-value is compared with a Holm step-down level (Holm 1979, Scand. J. Statist. 6:65–70; cited
from memory, not seen) over all the tests of one call, so the family-wise error of one comparison is at most
``alpha``; ``correction="bonferroni"`` uses ``alpha / m`` for every test instead. Means are reported as
figures, never tested.

Not used in the decision, and printed only as a figure by :func:`anderson_darling_p`: the k-sample
Anderson–Darling test (Scholz & Stephens 1987, JASA 82:918–924; cited from memory, not seen) through
``scipy.stats.anderson_ksamp`` with its mid-rank (ties) form. SciPy's p-value, without a permutation ``method``,
is interpolated from tabulated values and "floored / capped at 0.1% / 25%" (SciPy reference,
https://docs.scipy.org/doc/scipy-1.16.1/reference/generated/scipy.stats.anderson_ksamp.html), so below 0.001 it
cannot tell how small p is, and with a Holm or Bonferroni level under 0.001 (several tests at α = 0.01) it could
never reject; a permutation p over tens of thousands of trajectories costs more than the runs it checks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from oncoresist.errors import InvalidArgument

CORRECTIONS = ("holm", "bonferroni")
STATISTICS = ("P(x>0)", "distribution")


@dataclass(frozen=True)
class CountTest:
    """One test of one labelled count: ``statistic`` is ``P(x>0)`` (Fisher) or ``distribution`` (binned χ²)."""

    label: str
    statistic: str
    p: float
    level: float
    reject: bool
    detail: str


@dataclass(frozen=True)
class CountAgreement:
    """Every test of one two-sample comparison, with the family-wise rule used."""

    tests: tuple[CountTest, ...]
    alpha: float
    correction: str
    means: dict[str, tuple[float, float]]
    positive: dict[str, tuple[float, float]]
    sizes: tuple[int, int]

    @property
    def agree(self) -> bool:
        return not any(t.reject for t in self.tests)

    def rule(self) -> str:
        return f"family-wise alpha {self.alpha:g}, {self.correction.capitalize()} over {len(self.tests)} tests"

    def lines(self) -> list[str]:
        """One line per label (means and P(x > 0) as figures, both tests' p), then the verdict."""
        out = []
        for label, (ma, mb) in self.means.items():
            pa, pb = self.positive[label]
            parts = [f"{label}: mean {ma:.4g} / {mb:.4g}, P(>0) {pa:.4f} / {pb:.4f}"]
            for t in self.tests:
                if t.label == label:
                    flag = " REJECT" if t.reject else ""
                    parts.append(f"{t.statistic} p={t.p:.3g} ({t.detail}; level {t.level:.3g}){flag}")
            out.append("; ".join(parts))
        verdict = "agree" if self.agree else "DISAGREE"
        out.append(f"{verdict} ({self.rule()}; n = {self.sizes[0]} / {self.sizes[1]})")
        return out


def _as_counts(x: object, name: str) -> np.ndarray:
    arr = np.asarray(x, dtype=float).ravel()
    if arr.size < 2:
        raise InvalidArgument(f"{name}: needs at least 2 values, got {arr.size}", param=name)
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise InvalidArgument(f"{name}: counts must be finite and non-negative", param=name)
    return arr


def pooled_bins(pooled: np.ndarray, n_small: int, max_bins: int = 10, min_expected: float = 5.0) -> np.ndarray:
    """Upper edges (inclusive, distinct values) of the bins of the pooled sample.

    Zero, where present, is a bin of its own; the positive values are cut into runs of whole distinct values of
    about ``1 / max_bins`` of them each (their pooled quantiles), so the tail is resolved however large the mass
    at zero. Every bin holds enough pooled values that the smaller sample expects at least ``min_expected``.
    """
    values, freq = np.unique(pooled, return_counts=True)
    total = int(freq.sum())
    floor = min_expected * total / max(n_small, 1)
    edges: list[float] = []
    run = 0
    if values[0] == 0.0 and freq[0] >= floor:
        edges.append(0.0)
        values, freq = values[1:], freq[1:]
    target = max(int(freq.sum()) / max_bins, floor)
    for v, f in zip(values, freq, strict=True):
        run += int(f)
        if run >= target:
            edges.append(float(v))
            run = 0
    if run > 0:  # the last values: a bin of their own if large enough, else joined to the one before
        if edges and run < floor:
            edges[-1] = float(values[-1])
        else:
            edges.append(float(values[-1]))
    return np.array(edges)


def binned_chi2(a: np.ndarray, b: np.ndarray, max_bins: int = 10,
                min_expected: float = 5.0) -> tuple[float, int, float]:
    """Pearson χ² of homogeneity of ``a`` and ``b`` binned by pooled quantiles: (statistic, degrees of freedom, p).

    One bin (every value equal, or too few values for two bins) gives (0, 0, 1.0): nothing to test.
    """
    from scipy.stats import chi2

    a = _as_counts(a, "a")
    b = _as_counts(b, "b")
    edges = pooled_bins(np.concatenate([a, b]), min(a.size, b.size), max_bins, min_expected)
    if edges.size < 2:
        return 0.0, 0, 1.0
    table = np.stack([np.bincount(np.searchsorted(edges, x, side="left"), minlength=edges.size) for x in (a, b)])
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / table.sum()
    stat = float(np.sum((table - expected) ** 2 / expected))
    dof = edges.size - 1
    return stat, dof, float(chi2.sf(stat, dof))


def positive_fraction_p(a: np.ndarray, b: np.ndarray) -> float:
    """Fisher's exact two-sided p for equal P(x > 0) in ``a`` and ``b`` (1.0 when both are all zero or all positive)."""
    from scipy.stats import fisher_exact

    a = _as_counts(a, "a")
    b = _as_counts(b, "b")
    table = [[int(np.sum(a == 0)), int(np.sum(a > 0))], [int(np.sum(b == 0)), int(np.sum(b > 0))]]
    if (table[0][0] + table[1][0]) == 0 or (table[0][1] + table[1][1]) == 0:
        return 1.0
    return float(fisher_exact(table).pvalue)


def anderson_darling_p(a: np.ndarray, b: np.ndarray) -> float:
    """SciPy's k-sample Anderson–Darling p (mid-rank form), clipped by SciPy to [0.001, 0.25]: a figure only."""
    import warnings

    from scipy.stats import anderson_ksamp

    a = _as_counts(a, "a")
    b = _as_counts(b, "b")
    if np.unique(np.concatenate([a, b])).size < 2:
        return 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SciPy warns when it clips the p-value; the clipping is documented above
        return float(anderson_ksamp([a, b], midrank=True).pvalue)


def holm_levels(p: list[float], alpha: float) -> tuple[list[float], list[bool]]:
    """Holm's step-down: the level each p is held to and whether it is rejected (same order as ``p``)."""
    m = len(p)
    order = sorted(range(m), key=lambda i: p[i])
    levels = [0.0] * m
    reject = [False] * m
    stopped = False
    for rank, i in enumerate(order):
        levels[i] = alpha / (m - rank)
        if not stopped and p[i] <= levels[i]:
            reject[i] = True
        else:
            stopped = True
    return levels, reject


def compare_counts(a: Mapping[str, object], b: Mapping[str, object], *, alpha: float = 0.01,
                   correction: str = "holm", max_bins: int = 10, min_expected: float = 5.0) -> CountAgreement:
    """Test, for every label of ``a`` (which ``b`` must share), P(x > 0) and the whole distribution of two
    independent samples of counts; every test at one family-wise ``alpha`` (Holm or Bonferroni)."""
    if not 0.0 < alpha < 1.0:
        raise InvalidArgument(f"alpha: must be between 0 and 1, got {alpha}", param="alpha")
    if correction not in CORRECTIONS:
        raise InvalidArgument(f"correction: unknown {correction!r}; use holm or bonferroni", param="correction")
    missing = [k for k in a if k not in b]
    if missing or not a:
        raise InvalidArgument(f"b: labels {missing or '(none given)'} missing; give both samples the same labels",
                              param="b")
    raw: list[tuple[str, str, float, str]] = []
    means: dict[str, tuple[float, float]] = {}
    positive: dict[str, tuple[float, float]] = {}
    sizes = (0, 0)
    for label in a:
        xa, xb = _as_counts(a[label], f"a[{label}]"), _as_counts(b[label], f"b[{label}]")
        sizes = (xa.size, xb.size)
        means[label] = (float(xa.mean()), float(xb.mean()))
        positive[label] = (float(np.mean(xa > 0)), float(np.mean(xb > 0)))
        raw.append((label, STATISTICS[0], positive_fraction_p(xa, xb), "Fisher exact"))
        stat, dof, p = binned_chi2(xa, xb, max_bins, min_expected)
        raw.append((label, STATISTICS[1], p, f"binned chi2 {stat:.1f} on {dof} df"))
    ps = [r[2] for r in raw]
    if correction == "holm":
        levels, reject = holm_levels(ps, alpha)
    else:
        levels = [alpha / len(ps)] * len(ps)
        reject = [p <= lev for p, lev in zip(ps, levels, strict=True)]
    tests = tuple(CountTest(lab, st, p, lev, rej, det)
                  for (lab, st, p, det), lev, rej in zip(raw, levels, reject, strict=True))
    return CountAgreement(tests, alpha, correction, means, positive, sizes)
