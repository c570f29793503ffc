"""Pharmacokinetics: one-compartment models in closed form.

Between doses the state of a drug is the amount in the absorption depot ``A``
and the central concentration ``C``. With first-order absorption ``ka`` and
elimination ``k = CL/V`` (per day), after ``s`` days without dosing

    A(s) = A0·e^{−ka·s}
    C(s) = C0·e^{−k·s} + (ka·A0 / V)/(ka − k)·(e^{−k·s} − e^{−ka·s})

(``ka·A0·s·e^{−k·s}/V`` when ``ka = k``). An oral dose D adds ``F·D`` to ``A``;
an IV bolus adds ``D/V`` to ``C``. Repeated doses superpose, so at steady state
the concentration is the single-dose curve times the accumulation factor
``1/(1 − e^{−k·τ})`` (for the elimination phase). ``constant`` exposure holds
``C`` at the dose level. The scalar functions compile unchanged with numba.
"""

from __future__ import annotations

import math

import numpy as np

CONSTANT = 0
ORAL = 1
IV_BOLUS = 2
PK_MODELS = {"constant": CONSTANT, "oral": ORAL, "iv_bolus": IV_BOLUS}


def _gap(ka: float, ke: float, s: float) -> float:
    """``(e^{−k·s} − e^{−ka·s})/(ka − k)`` with its limit ``s·e^{−k·s}`` at ``ka = k``."""
    d = ka - ke
    if abs(d * s) < 1e-9:
        return s * math.exp(-ke * s) * (1.0 - 0.5 * d * s)
    return (math.exp(-ke * s) - math.exp(-ka * s)) / d


def conc_after(model: int, ka: float, ke: float, v: float, depot0: float, c0: float, s: float) -> float:
    """Concentration ``s`` days after a state (depot ``depot0``, concentration ``c0``)."""
    if model == CONSTANT:
        return c0
    c = c0 * math.exp(-ke * s)
    if model == ORAL and depot0 > 0.0:
        c += ka * depot0 / v * _gap(ka, ke, s)
    return c


def depot_after(model: int, ka: float, depot0: float, s: float) -> float:
    """Amount left in the absorption depot ``s`` days later."""
    if model != ORAL:
        return 0.0
    return depot0 * math.exp(-ka * s)


def conc_range(
    model: int, ka: float, ke: float, v: float, depot0: float, c0: float, s0: float, s1: float
) -> tuple[float, float]:
    """Exact minimum and maximum of the concentration over ``[s0, s1]`` without dosing.

    The curve is a sum of two exponentials with at most one stationary point (a
    maximum), so the minimum is at an end and the maximum at an end or there.
    """
    a = conc_after(model, ka, ke, v, depot0, c0, s0)
    b = conc_after(model, ka, ke, v, depot0, c0, s1)
    lo = min(a, b)
    hi = max(a, b)
    if model == ORAL and depot0 > 0.0 and ka != ke:
        g = ka * depot0 / v / (ka - ke)
        den = ke * (c0 + g)
        if den != 0.0:
            arg = g * ka / den
            if arg > 0.0:
                s_star = math.log(arg) / (ka - ke)
                if s0 < s_star < s1:
                    hi = max(hi, conc_after(model, ka, ke, v, depot0, c0, s_star))
    elif model == ORAL and depot0 > 0.0:
        s_star = 1.0 / ke - c0 * v / (ka * depot0) if depot0 > 0 else -1.0
        if s0 < s_star < s1:
            hi = max(hi, conc_after(model, ka, ke, v, depot0, c0, s_star))
    return lo, hi


def repeated_dose_concentration(
    t: np.ndarray,
    *,
    dose: float,
    interval: float,
    model: str = "oral",
    ka: float = 24.0,
    clearance: float = 1.0,
    volume: float = 1.0,
    bioavailability: float = 1.0,
    n_doses: int | None = None,
) -> np.ndarray:
    """Closed-form concentration at times ``t`` for doses at ``0, τ, 2τ, …``.

    Uses the geometric-series (superposition) formula: with ``m`` doses given by
    time t, ``C(t) = Σ_{i<m} C₁(t − iτ)``, where for first-order processes
    ``Σ_i e^{−k(t−iτ)} = e^{−k·t'}·(1 − e^{−m·k·τ})/(1 − e^{−k·τ})`` and ``t'`` is
    the time since the last dose.

    Parameters
    ----------
    t
        Times (days) at which to evaluate.
    dose, interval
        Amount per dose and dosing interval τ (days).
    n_doses
        Number of doses (default: unlimited).
    """
    t = np.asarray(t, dtype=float)
    ke = clearance / volume
    m = np.floor(t / interval) + 1.0
    if n_doses is not None:
        m = np.minimum(m, n_doses)
    m = np.where(t < 0, 0.0, m)
    tl = t - (m - 1.0) * interval  # time since the last dose given

    def series(k: float) -> np.ndarray:
        return np.exp(-k * tl) * (1.0 - np.exp(-m * k * interval)) / (1.0 - np.exp(-k * interval))

    if model == "iv_bolus":
        return dose / volume * series(ke)
    if model == "oral":
        f = bioavailability * dose * ka / (volume * (ka - ke))
        return f * (series(ke) - series(ka))
    raise ValueError(f"no repeated-dose formula for PK model {model!r}")


def accumulation_factor(ke: float, interval: float) -> float:
    """Steady-state accumulation ``1/(1 − e^{−k·τ})``."""
    return 1.0 / (1.0 - math.exp(-ke * interval))


def sample_pk(
    rng: np.random.Generator, clearance: float, volume: float, cv_clearance: float, cv_volume: float
) -> tuple[float, float]:
    """One patient's clearance and volume: log-normal with median at the typical value.

    ``ω² = ln(1 + CV²)``; clearance is drawn first, then volume (always two draws).
    """
    z = rng.standard_normal(2)
    w_cl = math.sqrt(math.log1p(cv_clearance**2))
    w_v = math.sqrt(math.log1p(cv_volume**2))
    return clearance * math.exp(w_cl * z[0]), volume * math.exp(w_v * z[1])
