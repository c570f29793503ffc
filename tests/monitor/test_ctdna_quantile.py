"""The assay's Poisson sampling without SciPy's per-element ``ppf`` root finding: the same draws.

``poisson_quantile`` must give exactly ``scipy.stats.poisson.ppf`` (the previous implementation of
the draw) for the same uniforms, so trial results at a fixed seed do not move; and, independently
of SciPy's ppf, its draws from uniform input must follow the Poisson law (chi-square at α = 0.001).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import binom, chi2, poisson

from oncoresist.monitor.ctdna import CtdnaAssay, CtdnaParams, poisson_quantile

ALPHA = 0.001


@pytest.mark.parametrize("mu", [0.0, 1e-6, 0.3, 4.0, 37.5, 7_860.0, 2.5e5])
def test_poisson_quantile_is_scipys_ppf(mu: float) -> None:
    rng = np.random.default_rng(int(mu * 10) % 2**32)
    u = np.clip(np.concatenate([rng.random(20_000), [1e-15, 1e-9, 0.5, 1 - 1e-9]]), 1e-15, 1 - 1e-15)
    assert np.array_equal(poisson_quantile(u, mu), poisson.ppf(u, mu))


@pytest.mark.parametrize(("mu", "tail"), [(2.5e5, 1e-15), (3e7, 1e-15), (3e7, 1e-9)])
def test_poisson_quantile_in_the_far_tail_is_the_smallest_k(mu: float, tail: float) -> None:
    # Far in the tail of a huge mean (far above the ~1e4 molecules a tube holds) SciPy's root finder
    # (pdtrik) lands up to ~100 above the smallest k whose CDF reaches u; this returns the smallest
    # (the definition of the quantile).
    from scipy.special import pdtr

    u = np.array([1 - tail])
    k = poisson_quantile(u, mu)[0]
    assert pdtr(k, mu) >= u[0] > pdtr(k - 1, mu)
    assert k <= poisson.ppf(u, mu)[0]


def test_poisson_quantile_on_mixed_means_matches_scipy_elementwise() -> None:
    rng = np.random.default_rng(3)
    n = 50_000
    u = np.clip(rng.random(n), 1e-15, 1 - 1e-15)
    mu = np.concatenate([np.zeros(n // 5), 10 ** rng.uniform(-4, 7, n - n // 5)])
    assert np.array_equal(poisson_quantile(u.reshape(-1, 10), mu.reshape(-1, 10)),
                          poisson.ppf(u, mu).reshape(-1, 10))


def test_poisson_quantile_draws_follow_the_poisson_law() -> None:
    mu, n = 12.0, 40_000
    k = poisson_quantile(np.random.default_rng(11).random(n), mu).astype(int)
    edges = np.arange(0, 26)  # bins 0..24 and >= 25
    observed = np.array([*(np.sum(k == j) for j in edges[:-1]), np.sum(k >= 25)])
    expected = n * np.array([*poisson.pmf(edges[:-1], mu), poisson.sf(24, mu)])
    stat = float(np.sum((observed - expected) ** 2 / expected))
    assert stat < chi2.ppf(1 - ALPHA, len(observed) - 1)


def _draw_with_scipy(assay: CtdnaAssay, tumour: np.ndarray, mutant: np.ndarray, normal: np.ndarray,
                     u: np.ndarray, params: CtdnaParams) -> dict[str, np.ndarray]:
    """The draw as written before (every step a SciPy ppf/isf call), as the reference."""
    normal_total = normal * params.plasma_ml
    copies = 2.0 * (normal_total + tumour)
    sampled = poisson.ppf(u[:, 0], copies * assay.sampled_fraction(params))
    coverage = np.minimum(sampled, assay.depth)
    tf = np.where(copies > 0, 2.0 * tumour / copies, 0.0)
    mut_frac = mutant / copies[:, None]
    tfo = np.where(coverage > 0, binom.ppf(u[:, 1], coverage, np.clip(tf, 0, 1)) / np.maximum(coverage, 1), 0.0)
    p_read = mut_frac * (1.0 - assay.error_rate) + (1.0 - mut_frac) * assay.error_rate
    reads = np.nan_to_num(binom.ppf(u[:, 2:], coverage[:, None], np.clip(p_read, 0.0, 1.0)), nan=0.0)
    k = binom.isf(assay.false_positive_rate, np.maximum(coverage, 1), assay.error_rate)
    thr = np.where(coverage > 0, k + 1, np.inf)
    return {"coverage": coverage, "tumour_fraction": tfo, "mutant_reads": reads, "detected": reads >= thr[:, None]}


def test_draw_is_identical_to_the_scipy_version() -> None:
    rng = np.random.default_rng(5)
    n, m = 4_000, 3
    params = CtdnaParams()
    assay = CtdnaAssay(depth=8_000)
    tumour = 10 ** rng.uniform(0, 6, n)
    mutant = tumour[:, None] * rng.uniform(0, 1, (n, m))
    normal = rng.gamma(1.86, 3.38, n) / 0.0066
    u = np.clip(rng.random((n, m + 2)), 1e-15, 1 - 1e-15)
    new = assay.draw(tumour, mutant, normal, u, params)
    ref = _draw_with_scipy(assay, tumour, mutant, normal, u, params)
    for key, val in ref.items():
        assert np.array_equal(new[key], val), key
    assert 0 < new["detected"].mean() < 1  # both outcomes occur, so the comparison means something
