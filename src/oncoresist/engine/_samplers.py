"""Private numba samplers for the ``leap`` kernel: exact binomial, Poisson, gamma and negative binomial.

May change at any time. Each function takes a :class:`numpy.random.Generator` (unboxed by numba) and
draws only ``random(rng)`` and ``standard_normal(rng)`` from it, so a replicate's draws depend on
its own stream alone.

Why not ``rng.binomial`` / ``rng.poisson`` / ``rng.negative_binomial``: numba's ports of NumPy's
samplers recompute a long setup on every call (BTPE's ~20 constants, PTRS's logarithm) and
draw a negative binomial as NumPy's gamma and Poisson; with a different ``(n, p)`` in every
leap that setup is most of the cost (``docs/engine.md``, *Leap: what costs what*). These are
exact algorithms whose per-call setup is a square root and a few divisions:

- binomial: Hörmann's BTRS, transformed rejection with squeeze (W. Hörmann 1993, "The generation
  of binomial random variates", J Stat Comput Simul 46:101–110, DOI 10.1080/00949659308811496),
  for ``min(p, 1 − p)·n ≥ 10``; sequential inversion of the CDF below that;
- Poisson: Hörmann's PTRS (W. Hörmann 1993, "The transformed rejection method for generating
  Poisson random variables", Insurance Math Econ 12:39–45, DOI 10.1016/0167-6687(93)90997-4)
  for ``λ ≥ 10`` (the algorithm NumPy uses there), sequential inversion below;
- gamma (shape ≥ 1): Marsaglia & Tsang 2000 (ACM TOMS 26:363–372, DOI 10.1145/358407.358414),
  the algorithm NumPy uses;
- negative binomial ``NegBin(k, p)`` (failures before the ``k``-th success): ``Poisson(Gamma(k)·(1 − p)/p)``
  (the gamma–Poisson mixture, exact), as NumPy does.

The rejection steps compare against the exact log-pmf ratio, written in the Stirling form with the
tabulated corrections for ``k < 10`` and the series to ``1/(1260 (k+1)^5)`` above (truncation error
below ``1/(1680·11^7)`` ≈ 3e-11 in the log, i.e. a relative change of the acceptance probability of
at most 3e-11 on the ~10–20% of draws that reach that test); this form keeps its accuracy at counts
of 1e12 where differences of ``lgamma`` values lose digits. ``tests/engine/test_samplers.py`` compares
every sampler with its exact pmf by chi-square tests over the parameter ranges the leap sees.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from oncoresist.engine._pcg import random, standard_normal

_OPTS = {"cache": True, "nogil": True, "error_model": "numpy", "inline": "always"}
"""Inlined into the kernel at numba-IR level (about 10% of the peer scenario's kernel time)."""

_FC = np.array([
    0.08106146679532726, 0.04134069595540929, 0.02767792568499834, 0.02079067210376509,
    0.01664469118982119, 0.01387612882307075, 0.01189670994589177, 0.01041126526197209,
    0.009255462182712733, 0.008330563433362871,
])  # fmt: skip
"""``log k! − [(k + ½) log(k + 1) − (k + 1) + ½ log 2π]`` for k = 0..9."""

_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)


@njit(**_OPTS)
def stirling_tail(k):
    """``log k! − [(k + ½) log(k + 1) − (k + 1) + ½ log 2π]`` (``k ≥ 0``, a float holding a whole number)."""
    if k < 10.0:
        return _FC[int(k)]
    z = 1.0 / (k + 1.0)
    z2 = z * z
    return (1.0 / 12.0 - (1.0 / 360.0 - z2 / 1260.0) * z2) * z


@njit(**_OPTS)
def _binomial_inversion(rng, n, p):
    """``Bin(n, p)`` by sequential search of the CDF from 0 (``n·p < 10``, ``p ≤ ½``); one uniform per try."""
    q = 1.0 - p
    s = p / q
    f0 = math.exp(n * math.log1p(-p))
    while True:
        u = random(rng)
        f = f0
        k = 0
        while u > f:
            u -= f
            k += 1
            if k > n:
                break  # lost to rounding in the tail: draw again
            f *= (n - k + 1) * s / k
        if k <= n:
            return k


@njit(**_OPTS)
def _btrs(rng, n, p):
    """``Bin(n, p)`` for ``p ≤ ½``, ``n·p ≥ 10``: Hörmann's BTRS (module docstring)."""
    fn = float(n)
    spq = math.sqrt(fn * p * (1.0 - p))
    b = 1.15 + 2.53 * spq
    a = -0.0873 + 0.0248 * b + 0.01 * p
    c = fn * p + 0.5
    vr = 0.92 - 4.2 / b
    alpha = -1.0
    r = m = h = 0.0
    while True:
        u = random(rng) - 0.5
        v = random(rng)
        us = 0.5 - abs(u)
        k = math.floor((2.0 * a / us + b) * u + c)
        if k < 0.0 or k > fn:
            continue
        if us >= 0.07 and v <= vr:
            return int(k)
        if alpha < 0.0:  # the rest of the setup, needed by ~1 draw in 7
            alpha = (2.83 + 5.1 / b) * spq
            r = p / (1.0 - p)
            m = math.floor((fn + 1.0) * p)
            h = (m + 0.5) * math.log((m + 1.0) / (r * (fn - m + 1.0))) + stirling_tail(m) + stirling_tail(fn - m)
        lv = math.log(v * alpha / (a / (us * us) + b))
        nk = fn - k + 1.0
        bound = (h + (fn + 1.0) * math.log((fn - m + 1.0) / nk) + (k + 0.5) * math.log(r * nk / (k + 1.0))
                 - stirling_tail(k) - stirling_tail(fn - k))  # fmt: skip
        if lv <= bound:
            return int(k)


@njit(**_OPTS)
def binomial(rng, n, p):
    """Exact ``Binomial(n, p)`` draw (``n ≥ 0`` int, ``0 ≤ p ≤ 1``)."""
    if n <= 0 or p <= 0.0:
        return 0
    if p >= 1.0:
        return n
    if p <= 0.5:
        if n * p < 10.0:
            return _binomial_inversion(rng, n, p)
        return _btrs(rng, n, p)
    q = 1.0 - p
    if n * q < 10.0:
        return n - _binomial_inversion(rng, n, q)
    return n - _btrs(rng, n, q)


@njit(**_OPTS)
def _ptrs(rng, lam):
    """``Poisson(λ)`` for ``λ ≥ 10``: Hörmann's PTRS (module docstring)."""
    slam = math.sqrt(lam)
    b = 0.931 + 2.53 * slam
    a = -0.059 + 0.02483 * b
    vr = 0.9277 - 3.6224 / (b - 2.0)
    inv_alpha = -1.0
    while True:
        u = random(rng) - 0.5
        v = random(rng)
        us = 0.5 - abs(u)
        k = math.floor((2.0 * a / us + b) * u + lam + 0.43)
        if k < 0.0:
            continue
        if us >= 0.07 and v <= vr:
            return int(k)
        if us < 0.013 and v > us:
            continue
        if inv_alpha < 0.0:
            inv_alpha = 1.1239 + 1.1328 / (b - 3.4)
        # log p(k) = k log λ − λ − log k!, in the Stirling form (no cancellation at large λ)
        logp = (k + 0.5) * math.log1p((lam - k - 1.0) / (k + 1.0)) + (k + 1.0 - lam) - 0.5 * math.log(lam) \
            - _HALF_LOG_2PI - stirling_tail(k)
        if math.log(v * inv_alpha / (a / (us * us) + b)) <= logp:
            return int(k)


@njit(**_OPTS)
def poisson_inversion_from(rng, lam, u):
    """``Poisson(λ)`` by sequential search of the CDF from 0 (``λ < 10``), its first try on the uniform ``u``
    already drawn from ``rng``; one more uniform per further try. :func:`_poisson_inversion` is this with
    ``u = random(rng)``, so a caller that has settled ``k = 0`` from ``u`` alone draws what it would."""
    f0 = math.exp(-lam)
    while True:
        f = f0
        k = 0
        while u > f and f > 0.0:  # f reaches 0 only past the mode, when rounding left u > 0: draw again
            u -= f
            k += 1
            f *= lam / k
        if u <= f:
            return k
        u = random(rng)


@njit(**_OPTS)
def _poisson_inversion(rng, lam):
    """``Poisson(λ)`` by sequential search of the CDF from 0 (``λ < 10``); one uniform per try."""
    return poisson_inversion_from(rng, lam, random(rng))


@njit(**_OPTS)
def poisson(rng, lam):
    """Exact ``Poisson(λ)`` draw (``λ ≥ 0``)."""
    if lam <= 0.0:
        return 0
    if lam < 10.0:
        return _poisson_inversion(rng, lam)
    return _ptrs(rng, lam)


@njit(**_OPTS)
def standard_gamma(rng, shape):
    """``Gamma(shape, 1)`` for ``shape ≥ 1``: Marsaglia & Tsang 2000 (module docstring)."""
    d = shape - 1.0 / 3.0
    c = 1.0 / math.sqrt(9.0 * d)
    while True:
        x = standard_normal(rng)
        v = 1.0 + c * x
        if v <= 0.0:
            continue
        v = v * v * v
        u = random(rng)
        x2 = x * x
        if u < 1.0 - 0.0331 * x2 * x2:
            return d * v
        if math.log(u) < 0.5 * x2 + d * (1.0 - v + math.log(v)):
            return d * v


@njit(**_OPTS)
def negative_binomial(rng, k, p):
    """Exact ``NegBin(k, p)`` draw (failures before the ``k``-th success; ``k ≥ 1`` int, ``0 < p ≤ 1``)."""
    if p >= 1.0:
        return 0
    return poisson(rng, standard_gamma(rng, float(k)) * ((1.0 - p) / p))
