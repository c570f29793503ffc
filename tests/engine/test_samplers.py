"""The leap kernel's own samplers (``oncoresist.engine._samplers``) against their exact distributions,
and its arrival-time draws (``_leap._arrival_rest``, ``_leap._batch_duration``) against theirs.

Each case draws 200,000 values and compares the counts per value (narrow distributions) or in about
40 bins of equal probability (from SciPy's quantile function), neighbours pooled until every expected
count is at least 50, with the exact pmf/cdf by Pearson's chi-square (the gamma by Kolmogorov–Smirnov).
The check has power: a binomial drawn at ``p·1.01`` is rejected against ``p`` (tested below). The parameters
cover every branch (inversion, BTRS/PTRS with their squeeze and full tests, counts up to 1e12) and the
ranges the leap sees. Family-wise α = 0.01 over the cases of this module (Bonferroni).
"""

from __future__ import annotations

import numpy as np
import pytest
from numba import njit
from scipy import integrate, stats

from engine.stats import ALPHA
from oncoresist.engine import _leap, _samplers

N = 200_000
BINOMIAL = [(12, 0.3), (30, 0.4), (40, 0.5), (200, 0.06), (1000, 0.853), (100_000, 0.147), (10**12, 0.4),
            (10**9, 0.999_999_99)]  # fmt: skip
POISSON = [0.14, 3.0, 9.99, 10.0, 25.0, 1.0e4, 1.0e11]
NEGBIN = [(9, 0.879), (60, 0.879), (1000, 0.879), (10**6, 0.5), (10**10, 0.9)]
GAMMA = [1.0, 2.5, 60.0, 1.0e8]
M_TESTS = len(BINOMIAL) + len(POISSON) + len(NEGBIN) + len(GAMMA) + 1 + 5
P = ALPHA / M_TESTS


@njit(cache=False)
def _draw_binomial(rng: np.random.Generator, n: int, p: float, size: int) -> np.ndarray:
    out = np.empty(size, np.int64)
    for i in range(size):
        out[i] = _samplers.binomial(rng, n, p)
    return out


@njit(cache=False)
def _draw_poisson(rng: np.random.Generator, lam: float, size: int) -> np.ndarray:
    out = np.empty(size, np.int64)
    for i in range(size):
        out[i] = _samplers.poisson(rng, lam)
    return out


@njit(cache=False)
def _draw_negbin(rng: np.random.Generator, k: int, p: float, size: int) -> np.ndarray:
    out = np.empty(size, np.int64)
    for i in range(size):
        out[i] = _samplers.negative_binomial(rng, k, p)
    return out


@njit(cache=False)
def _draw_gamma(rng: np.random.Generator, shape: float, size: int) -> np.ndarray:
    out = np.empty(size)
    for i in range(size):
        out[i] = _samplers.standard_gamma(rng, shape)
    return out


def chi_square_pvalue(draws: np.ndarray, dist: stats.rv_discrete) -> float:
    """Pearson chi-square of integer ``draws`` against a frozen discrete SciPy distribution."""
    lo, hi = dist.ppf(1e-6), dist.ppf(1.0 - 1e-6)
    if hi - lo < 200:  # every value its own bin
        edges = list(np.arange(lo, hi + 1.0))
    else:  # upper ends (inclusive) of ~40 bins of equal probability
        edges = [e for e in np.unique(dist.ppf(np.linspace(0.0, 1.0, 41)[1:-1])) if np.isfinite(e)]
    cdf = dist.cdf(np.array(edges))
    probs = np.diff(np.concatenate([[0.0], cdf, [1.0]]))
    counts = np.bincount(np.searchsorted(np.array(edges), draws, side="left"), minlength=len(probs))
    # pool neighbouring bins until every expected count is at least 50
    obs: list[float] = []
    exp: list[float] = []
    o = e = 0.0
    for c, p in zip(counts, probs, strict=True):
        o, e = o + c, e + p * draws.size
        if e >= 50:
            obs.append(o)
            exp.append(e)
            o = e = 0.0
    if e > 0:
        obs[-1] += o
        exp[-1] += e
    assert len(obs) >= 4, "too few bins for a chi-square test"
    return float(stats.chisquare(obs, exp).pvalue)


@pytest.mark.parametrize(("n", "p"), BINOMIAL)
def test_binomial(n: int, p: float) -> None:
    draws = _draw_binomial(np.random.default_rng(1000 + n % 997), n, p, N)
    assert draws.min() >= 0 and draws.max() <= n
    assert chi_square_pvalue(draws, stats.binom(n, p)) > P


@pytest.mark.parametrize("lam", POISSON)
def test_poisson(lam: float) -> None:
    draws = _draw_poisson(np.random.default_rng(2000 + int(lam * 7) % 991), lam, N)
    assert draws.min() >= 0
    assert chi_square_pvalue(draws, stats.poisson(lam)) > P


@pytest.mark.parametrize(("k", "p"), NEGBIN)
def test_negative_binomial(k: int, p: float) -> None:
    draws = _draw_negbin(np.random.default_rng(3000 + k % 983), k, p, N)
    assert chi_square_pvalue(draws, stats.nbinom(k, p)) > P


@pytest.mark.parametrize("shape", GAMMA)
def test_standard_gamma(shape: float) -> None:
    draws = _draw_gamma(np.random.default_rng(4000 + int(shape) % 977), shape, N)
    assert stats.kstest(draws, stats.gamma(shape).cdf).pvalue > P


def test_chi_square_detects_a_one_percent_error() -> None:
    """The check above has power: binomial draws at p·1.01 are rejected against p (not a sampler test)."""
    draws = _draw_binomial(np.random.default_rng(5000), 100_000, 0.147 * 1.01, N)
    assert chi_square_pvalue(draws, stats.binom(100_000, 0.147)) < P


def test_edges() -> None:
    rng = np.random.default_rng(1)
    assert _samplers.binomial(rng, 0, 0.5) == 0
    assert _samplers.binomial(rng, 7, 0.0) == 0
    assert _samplers.binomial(rng, 7, 1.0) == 7
    assert _samplers.poisson(rng, 0.0) == 0
    assert _samplers.negative_binomial(rng, 5, 1.0) == 0


@pytest.mark.parametrize(("n0", "n1"), [(100.0, 272.0), (500.0, 60.0), (40.0, 0.0), (0.0, 9.0), (7.0, 7.0)])
def test_arrival_times_follow_the_source_path(n0: float, n1: float) -> None:
    """``_leap._arrival_rest``: arrival times have density ∝ the source's path through its end counts
    (exponential, linear with a zero end, flat), by Kolmogorov–Smirnov against the exact CDF."""
    h = 1.5
    u = np.random.default_rng(6000 + int(n0 + n1)).random(50_000)
    s = h - np.array([_leap._arrival_rest(x, n0, n1, h) for x in u])
    if n0 > 0 and n1 > 0 and n0 != n1:
        g = np.log(n1 / n0) / h
        cdf = lambda x: np.expm1(g * x) / np.expm1(g * h)  # noqa: E731
    elif n1 == 0:
        cdf = lambda x: 1.0 - (1.0 - x / h) ** 2  # noqa: E731
    elif n0 == 0:
        cdf = lambda x: (x / h) ** 2  # noqa: E731
    else:
        cdf = lambda x: x / h  # noqa: E731
    assert stats.kstest(s, cdf).pvalue > P


@pytest.mark.parametrize(("lam", "mu", "n0", "n1"), [(1.0, 0.0, 100.0, 272.0), (0.14, 0.17, 5000.0, 4800.0),
                                                     (0.3, 0.1, 40.0, 0.0)])  # fmt: skip
def test_batch_duration_matches_the_batch_mean(lam: float, mu: float, n0: float, n1: float) -> None:
    """A batch leaped over ``τ*`` has the mean of lineages started at path-weighted times (quadrature)."""
    h, r = 1.0, lam - mu
    dens = (lambda s: (n1 / n0) ** (s / h)) if n0 > 0 and n1 > 0 else (lambda s: n0 + (n1 - n0) * s / h)
    num = integrate.quad(lambda s: dens(s) * np.exp(r * (h - s)), 0.0, h)[0]
    den = integrate.quad(dens, 0.0, h)[0]
    assert np.exp(r * _leap._batch_duration(lam, mu, n0, n1, h)) == pytest.approx(num / den, rel=1e-6)
