"""Pharmacodynamics: Hill curves and drug combinations (scalar functions).

These are plain-Python scalar functions written so that numba can compile them
unchanged: the engine kernels call the jitted copies, the tests and the
reference simulator call these.
"""

from __future__ import annotations

BLISS = 0
LOEWE = 1


def hill(c: float, ec50: float, h: float) -> float:
    """Fractional occupancy ``c^h / (EC50^h + c^h)`` (0 for ``c <= 0``)."""
    if c <= 0.0:
        return 0.0
    x = (c / ec50) ** h
    return x / (1.0 + x)


def loewe_effect(conc: list[float] | object, emax: object, ec50: object, h: object, n: int) -> float:
    """Combined effect ``E`` of ``n`` drugs under Loewe additivity.

    Solves ``Σ_j c_j / C_j(E) = 1`` with ``C_j(E) = EC50_j·(E/(Emax_j − E))^{1/h_j}``
    (the concentration of drug j alone giving effect E; infinite when
    ``E >= Emax_j``) by bisection (60 halvings of ``[0, max Emax]``). With one drug
    active (the others absent or without effect) it is that drug's Hill curve,
    returned directly.
    """
    top = 0.0
    active = 0
    last = 0
    for j in range(n):
        if emax[j] > 0.0 and conc[j] > 0.0:  # type: ignore[index]
            active += 1
            last = j
            top = max(top, emax[j])  # type: ignore[index]
    if active == 0:
        return 0.0
    if active == 1:  # one drug alone: its Hill curve, exactly (what the bisection converges to)
        x = (conc[last] / ec50[last]) ** h[last]  # type: ignore[index]  # inlined: numba sees no helper
        return emax[last] * (x / (1.0 + x))  # type: ignore[index]
    lo = 0.0
    hi = top
    for _ in range(60):
        e = 0.5 * (lo + hi)
        s = 0.0
        for j in range(n):
            em = emax[j]  # type: ignore[index]
            if em > e and conc[j] > 0.0:  # type: ignore[index]
                s += conc[j] / (ec50[j] * (e / (em - e)) ** (1.0 / h[j]))  # type: ignore[index]
        if s > 1.0:
            lo = e
        else:
            hi = e
    return 0.5 * (lo + hi)


def bliss_birth_factor(fractions: list[float]) -> float:
    """Birth multiplier under Bliss independence: ``Π_j (1 − f_j)``."""
    out = 1.0
    for f in fractions:
        out *= 1.0 - f
    return out


__all__ = ["BLISS", "LOEWE", "bliss_birth_factor", "hill", "loewe_effect"]
