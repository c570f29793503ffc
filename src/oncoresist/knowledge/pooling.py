"""Pooling published shares at progression across series (one proportion per series, no SciPy).

Two estimators, chosen by one rule written before any benchmark was run (docs/twin.md, "Pooled shares"):

- **fixed effect** (the series agree, I² ≤ 50%): the pooled binomial ``Σx / Σn`` with its Wilson 95% interval;
- **random effects** (I² > 50%): DerSimonian–Laird on the logit scale, each series' logit ``ln((x+c)/(n−x+c))``
  with variance ``1/(x+c) + 1/(n−x+c)`` (``c = 0.5`` only for a series with 0 or n events), the between-series
  variance ``τ² = max(0, (Q − df) / (Σw − Σw²/Σw))``, the estimate and its 95% interval back-transformed.

Heterogeneity is always computed on the logit scale: Cochran's ``Q`` with the fixed-effect (inverse-variance)
weights and ``I² = max(0, (Q − df) / Q)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Z95 = 1.959963984540054
I2_RANDOM = 0.5
"""Above this I², the random-effects estimate is used."""


@dataclass(frozen=True)
class Pooled:
    """A pooled proportion and how it was obtained."""

    estimate: float
    ci95: tuple[float, float]
    method: str
    """``fixed effect (pooled binomial, Wilson CI)`` or ``random effects (DerSimonian-Laird, logit)``."""
    events: int
    total: int
    q: float
    df: int
    i2: float
    tau2: float

    def describe(self) -> str:
        return (f"{self.method}: {self.estimate:.3f} (95% CI {self.ci95[0]:.3f}-{self.ci95[1]:.3f}); "
                f"{self.events} of {self.total} in {self.df + 1} series; Q {self.q:.2f} on {self.df} df, "
                f"I2 {100 * self.i2:.0f}%, tau2 {self.tau2:.3f}")


def _expit(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def wilson(x: int, n: int) -> tuple[float, float]:
    """Wilson score 95% interval of ``x`` of ``n``."""
    p = x / n
    den = 1 + Z95**2 / n
    centre = (p + Z95**2 / (2 * n)) / den
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / den
    return max(0.0, centre - half), min(1.0, centre + half)


def _logit(x: int, n: int) -> tuple[float, float]:
    c = 0.5 if x in (0, n) else 0.0
    return math.log((x + c) / (n - x + c)), 1 / (x + c) + 1 / (n - x + c)


def pool(series: list[tuple[int, int]]) -> Pooled:
    """Pool ``(events, total)`` of two or more series (see the module for the rule)."""
    if len(series) < 2:
        raise ValueError("pooling needs at least two series")
    for x, n in series:
        if n <= 0 or not 0 <= x <= n:
            raise ValueError(f"invalid series {x} of {n}")
    logits = [_logit(x, n) for x, n in series]
    w = [1 / v for _, v in logits]
    sw = sum(w)
    mu_fixed = sum(wi * y for wi, (y, _) in zip(w, logits, strict=True)) / sw
    q = sum(wi * (y - mu_fixed) ** 2 for wi, (y, _) in zip(w, logits, strict=True))
    df = len(series) - 1
    i2 = max(0.0, (q - df) / q) if q > 0 else 0.0
    events = sum(x for x, _ in series)
    total = sum(n for _, n in series)
    tau2 = max(0.0, (q - df) / (sw - sum(wi * wi for wi in w) / sw))
    if i2 <= I2_RANDOM:
        return Pooled(events / total, wilson(events, total), "fixed effect (pooled binomial, Wilson CI)",
                      events, total, q, df, i2, tau2)
    wr = [1 / (v + tau2) for _, v in logits]
    mu = sum(wi * y for wi, (y, _) in zip(wr, logits, strict=True)) / sum(wr)
    se = math.sqrt(1 / sum(wr))
    return Pooled(_expit(mu), (_expit(mu - Z95 * se), _expit(mu + Z95 * se)),
                  "random effects (DerSimonian-Laird, logit)", events, total, q, df, i2, tau2)
