"""Small helpers for seeded statistical tests (two-sided, Bonferroni)."""

from __future__ import annotations

import numpy as np
from scipy import stats

ALPHA = 0.01
"""Family-wise significance level of every statistical test module."""


def z_crit(m: int, alpha: float = ALPHA) -> float:
    """Two-sided critical z for one of ``m`` tests at family-wise level ``alpha`` (Bonferroni)."""
    return float(stats.norm.isf(alpha / (2 * m)))


def assert_mean(sample: np.ndarray, mean: float, m: int) -> None:
    """Sample mean equals ``mean`` (z-test with the sample standard error)."""
    se = sample.std(ddof=1) / np.sqrt(sample.size)
    z = (sample.mean() - mean) / se
    assert abs(z) < z_crit(m), f"mean {sample.mean():.4g} vs {mean:.4g} (z={z:.2f})"


def assert_variance(sample: np.ndarray, var: float, m: int) -> None:
    """Sample variance equals ``var`` (asymptotic z-test using the sample fourth moment)."""
    x = sample - sample.mean()
    s2 = x.var(ddof=1)
    se = np.sqrt(max(np.mean(x**4) - s2**2, 1e-300) / sample.size)
    z = (s2 - var) / se
    assert abs(z) < z_crit(m), f"variance {s2:.4g} vs {var:.4g} (z={z:.2f})"


def assert_proportion(k: int, n: int, p: float, m: int) -> None:
    """``k`` successes of ``n`` is consistent with probability ``p`` (exact binomial test)."""
    pval = stats.binomtest(k, n, p).pvalue
    assert pval > ALPHA / m, f"{k}/{n}={k / n:.4f} vs {p:.4f} (p={pval:.2g})"
