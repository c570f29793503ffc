"""Classical tumour growth laws, as Laleh et al. 2022 define them, and their least-squares fits.

The laws (V = lesion volume, t = days since the lesion's first measurement, all rates per day):

============================  ==========================================  =====================================
law                           ODE                                         parameters (bounds)
============================  ==========================================  =====================================
``exponential``               dV/dt = (α − β)·V                           v0 > 0, r = α − β (only the difference
                                                                          is identifiable)
``logistic``                  dV/dt = α·V·(1 − V/K)                       v0, α ≥ 0, K > 0
``classic_bertalanffy``       dV/dt = α·V^(2/3) − β·V                     v0, α ≥ 0, β ≥ 0
``general_bertalanffy``       dV/dt = α·V^λ − β·V                         v0, α ≥ 0, β ≥ 0, λ ∈ [2/3, 1]
``gompertz``                  dV/dt = V·(β − α·ln V)                      v0, α ≥ 0, β free
``general_gompertz``          dV/dt = V^λ·(β − α·ln V)                    v0, α ≥ 0, β free, λ ∈ [2/3, 1]
``biexponential``             V = v0·(f·e^(−d·t) + (1 − f)·e^(g·t))       v0, f ∈ [0, 1], d ∈ [0, 1], g ∈ [0, 0.1]
============================  ==========================================  =====================================

The six classical ODEs, their parameter bounds and the choice of fitting the volume on a linear scale
by least squares follow the paper's methods and its code (KatherLab/ImmunotherapyModels,
``FitFunctions.py`` and ``Fit.py``; the code writes the classic Bertalanffy term as ``dim**2/3``, i.e.
V²/3, which we read as the V^(2/3) of the paper's equation). The bi-exponential sensitive + resistant
model (a sensitive population killed at rate d, a resistant fraction 1 − f growing at rate g) is the
project's simplest resistance-aware law; it is not one of the paper's six.

Volumes in the fitted parameters are in units of ``volume_scale`` (by default the largest volume of
the whole input, as the paper normalises by the largest lesion of all studies); ``v0``, ``K`` and the
Gompertz/Bertalanffy α, β depend on that unit, the rates r, d, g, the fraction f and λ do not.

API
---
``LAWS``
    name → :class:`GrowthLaw` (parameter names, bounds, closed-form or ODE solution).
``CLASSICAL_LAWS``
    the paper's six, in the paper's order.
``fit_lesion(times, volumes, law, *, volume_scale=None) -> LawFit``
    one lesion, one law: ``LawFit.params`` (dict), ``.predict(times)``, ``.sse``, ``.aic``, ``.converged``.
``fit_laws(table, *, laws=..., min_points=3, volume_scale=None, holdout=0) -> pandas.DataFrame``
    every lesion of a tidy table (columns ``lesion_id, arm, study, time_days, volume_mm3``, as
    :func:`oncoresist.fit.laleh.read_laleh_table` returns) × every law. One row per (lesion, law) with
    columns ``lesion_id, study, arm, law, n_points, n_fit, converged, sse, rmse, r2, aic, volume_scale``
    and one column per parameter (``v0, r, alpha, beta, lambda, K, f, d, g``; NaN where the law has no
    such parameter). With ``holdout=k`` the last k points are left out of the fit and the columns
    ``heldout_mae`` (mean absolute error of the forecast at those points, in volume_scale units) and
    ``heldout_last_abs_error`` (the last point only, the paper's end point) are added.

The twin derives between-patient distributions of net growth g, kill d and resistant fraction 1 − f
from the ``biexponential`` rows (filter on ``converged``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numba
import numpy as np
import pandas as pd
from scipy.optimize import least_squares

from oncoresist.fit.series import SeriesError

PARAMETER_COLUMNS = ("v0", "r", "alpha", "beta", "lambda", "K", "f", "d", "g")
_EXP_MAX = 60.0  # exponents are clipped here so that a wild trial step cannot overflow
_V_MIN = 1e-9    # smallest initial volume (scaled units) a fit may take


def _exp(x: np.ndarray) -> np.ndarray:
    return np.exp(np.minimum(x, _EXP_MAX))


def _exponential(t: np.ndarray, p: np.ndarray) -> np.ndarray:
    v0, r = p
    return v0 * _exp(r * t)


def _logistic(t: np.ndarray, p: np.ndarray) -> np.ndarray:
    v0, a, k = p
    e = np.expm1(np.minimum(a * t, _EXP_MAX))
    return k * v0 * (1.0 + e) / (k + v0 * e)


def _bertalanffy_general(t: np.ndarray, v0: float, a: float, b: float, lam: float) -> np.ndarray:
    p = 1.0 - lam
    if p < 1e-9:
        return v0 * _exp((a - b) * t)
    u0 = v0**p
    w = u0 + p * a * t if b < 1e-12 else a / b + (u0 - a / b) * np.exp(-p * b * t)
    return np.power(np.maximum(w, 0.0), 1.0 / p)


def _classic_bertalanffy(t: np.ndarray, p: np.ndarray) -> np.ndarray:
    v0, a, b = p
    return _bertalanffy_general(t, v0, a, b, 2.0 / 3.0)


def _general_bertalanffy(t: np.ndarray, p: np.ndarray) -> np.ndarray:
    v0, a, b, lam = p
    return _bertalanffy_general(t, v0, a, b, lam)


def _gompertz(t: np.ndarray, p: np.ndarray) -> np.ndarray:
    v0, a, b = p
    w0 = math.log(v0)
    w = w0 + b * t if a < 1e-12 else b / a + (w0 - b / a) * np.exp(-a * t)
    return _exp(w)


@numba.njit(cache=True)
def _gg_rk4(t: np.ndarray, y0: float, a: float, b: float, lam: float) -> np.ndarray:  # pragma: no cover - jitted
    """ln V of the general Gompertz law at sorted times ``t`` (from 0): classical RK4 on y = ln V.

    The step is at most 1 day and small enough that the local rate α·V^(λ−1)·h stays below 0.2.
    """
    out = np.empty(t.size)
    y = y0
    tc = 0.0
    for i in range(t.size):
        while tc < t[i]:
            rate = a * math.exp(min((lam - 1.0) * y, 50.0)) + abs(b) * math.exp(min((lam - 1.0) * y, 50.0))
            h = min(t[i] - tc, 1.0, 0.2 / rate if rate > 0.0 else 1.0)
            h = max(h, min(t[i] - tc, 0.05))
            k1 = math.exp(min((lam - 1.0) * y, 50.0)) * (b - a * y)
            y2 = y + 0.5 * h * k1
            k2 = math.exp(min((lam - 1.0) * y2, 50.0)) * (b - a * y2)
            y3 = y + 0.5 * h * k2
            k3 = math.exp(min((lam - 1.0) * y3, 50.0)) * (b - a * y3)
            y4 = y + h * k3
            k4 = math.exp(min((lam - 1.0) * y4, 50.0)) * (b - a * y4)
            y = min(y + h * (k1 + 2.0 * k2 + 2.0 * k3 + k4) / 6.0, 50.0)
            tc += h
        out[i] = y
    return out


def _general_gompertz(t: np.ndarray, p: np.ndarray) -> np.ndarray:
    v0, a, b, lam = (float(x) for x in p)
    if lam > 1.0 - 1e-9:
        return _gompertz(t, np.array([v0, a, b]))
    return _exp(_gg_rk4(np.ascontiguousarray(t, dtype=np.float64), math.log(v0), a, b, lam))


def _biexponential(t: np.ndarray, p: np.ndarray) -> np.ndarray:
    v0, f, d, g = p
    return v0 * (f * np.exp(-d * t) + (1.0 - f) * _exp(g * t))


def _biexponential_jac(t: np.ndarray, p: np.ndarray) -> np.ndarray:
    v0, f, d, g = p
    es, er = np.exp(-d * t), _exp(g * t)
    return np.column_stack([f * es + (1.0 - f) * er, v0 * (es - er), -v0 * f * t * es, v0 * (1.0 - f) * t * er])


@dataclass(frozen=True)
class GrowthLaw:
    """A growth law: parameter names (v0 first), bounds, and V(t) on the scaled volume."""

    name: str
    params: tuple[str, ...]
    lower: tuple[float, ...]
    upper: tuple[float, ...]
    solve: Callable[[np.ndarray, np.ndarray], np.ndarray]
    rescale: Callable[[np.ndarray, float], np.ndarray]
    """Parameters for V/s from those for V/(c·s): maps a fit in lesion units to ``volume_scale`` units."""
    starts: Callable[[float, float], list[list[float]]]
    """Start points (without v0) from the log-linear slope r0 (per day) and the last/first ratio."""
    jac: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None
    """dV/dθ (n_times × n_params), where written out; finite differences otherwise."""

    @property
    def n_params(self) -> int:
        return len(self.params)


def _rs_v0(p: np.ndarray, c: float) -> np.ndarray:
    q = p.copy()
    q[0] *= c
    return q


def _rs_logistic(p: np.ndarray, c: float) -> np.ndarray:
    q = _rs_v0(p, c)
    q[2] *= c
    return q


def _rs_bertalanffy(lam: float | None) -> Callable[[np.ndarray, float], np.ndarray]:
    def rs(p: np.ndarray, c: float) -> np.ndarray:
        q = _rs_v0(p, c)
        la = p[3] if lam is None else lam
        q[1] = p[1] * c ** (1.0 - la)
        return q
    return rs


def _rs_gompertz(p: np.ndarray, c: float) -> np.ndarray:
    q = _rs_v0(p, c)
    q[2] = p[2] + p[1] * math.log(c)
    return q


def _rs_general_gompertz(p: np.ndarray, c: float) -> np.ndarray:
    q = _rs_v0(p, c)
    k = c ** (1.0 - p[3])
    q[1] = p[1] * k
    q[2] = p[2] * k + q[1] * math.log(c)
    return q


def _starts_rate(r0: float, ratio: float) -> list[list[float]]:
    return [[r0], [0.0]]


def _starts_logistic(r0: float, ratio: float) -> list[list[float]]:
    return [[max(r0, 0.0) + 0.005, max(ratio, 0.05) * 1.5], [0.02, 0.5], [0.01, 2.0]]


def _starts_ab(r0: float, ratio: float) -> list[list[float]]:
    return [[0.01, 0.01], [0.005, 0.02], [0.02, 0.005]]


def _starts_ab_lambda(r0: float, ratio: float) -> list[list[float]]:
    return [[0.01, 0.01, 0.8], [0.005, 0.02, 0.7], [0.02, 0.005, 0.95]]


def _starts_gompertz(r0: float, ratio: float) -> list[list[float]]:
    return [[0.01, r0], [0.02, 0.0], [0.005, -0.01]]


def _starts_gompertz_lambda(r0: float, ratio: float) -> list[list[float]]:
    return [[0.01, r0, 0.9], [0.02, 0.0, 0.8], [0.005, -0.01, 0.7]]


def _starts_biexp(r0: float, ratio: float) -> list[list[float]]:
    return [[0.9, 0.02, 0.005], [0.5, 0.01, 0.002], [0.99, 0.05, 0.01], [0.1, 0.001, 0.001]]


BIEXP_MAX_GROWTH = 0.1
"""Upper bound of the resistant growth rate g (per day): a doubling time of about 7 days (an assumption)."""
LAWS: dict[str, GrowthLaw] = {
    law.name: law
    for law in (
        GrowthLaw("exponential", ("v0", "r"), (_V_MIN, -1.0), (100.0, 1.0), _exponential, _rs_v0, _starts_rate),
        GrowthLaw("logistic", ("v0", "alpha", "K"), (_V_MIN, 0.0, 1e-6), (100.0, 5.0, 1e4),
                  _logistic, _rs_logistic, _starts_logistic),
        GrowthLaw("classic_bertalanffy", ("v0", "alpha", "beta"), (_V_MIN, 0.0, 0.0), (100.0, 5.0, 5.0),
                  _classic_bertalanffy, _rs_bertalanffy(2.0 / 3.0), _starts_ab),
        GrowthLaw("general_bertalanffy", ("v0", "alpha", "beta", "lambda"), (_V_MIN, 0.0, 0.0, 2.0 / 3.0),
                  (100.0, 5.0, 5.0, 1.0), _general_bertalanffy, _rs_bertalanffy(None), _starts_ab_lambda),
        GrowthLaw("gompertz", ("v0", "alpha", "beta"), (_V_MIN, 0.0, -5.0), (100.0, 5.0, 5.0),
                  _gompertz, _rs_gompertz, _starts_gompertz),
        GrowthLaw("general_gompertz", ("v0", "alpha", "beta", "lambda"), (_V_MIN, 0.0, -5.0, 2.0 / 3.0),
                  (100.0, 5.0, 5.0, 1.0), _general_gompertz, _rs_general_gompertz, _starts_gompertz_lambda),
        GrowthLaw("biexponential", ("v0", "f", "d", "g"), (_V_MIN, 0.0, 0.0, 0.0), (100.0, 1.0, 1.0, BIEXP_MAX_GROWTH),
                  _biexponential, _rs_v0, _starts_biexp, _biexponential_jac),
    )
}
CLASSICAL_LAWS: tuple[str, ...] = (
    "exponential", "logistic", "classic_bertalanffy", "general_bertalanffy", "gompertz", "general_gompertz",
)


@dataclass
class LawFit:
    """Least-squares fit of one law to one lesion (parameters in ``volume_scale`` units)."""

    law: str
    params: dict[str, float]
    t0: float
    volume_scale: float
    n_fit: int
    sse: float
    converged: bool
    message: str = ""
    theta_lesion: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)
    """The fitted parameters for V / ``lesion_scale`` (what :meth:`predict` integrates)."""
    lesion_scale: float = 1.0

    def predict(self, times: Sequence[float] | np.ndarray) -> np.ndarray:
        """Volumes (in the input's units, not scaled) at ``times`` (days, same origin as the data)."""
        t = np.asarray(times, dtype=float) - self.t0
        if self.theta_lesion.size == 0:
            return np.full(t.shape, np.nan)
        return LAWS[self.law].solve(t, self.theta_lesion) * self.lesion_scale

    @property
    def aic(self) -> float:
        """Gaussian AIC, n·ln(SSE/n) + 2k (SSE in volume_scale units)."""
        k = LAWS[self.law].n_params
        return float(self.n_fit * math.log(max(self.sse, 1e-300) / self.n_fit) + 2 * k)


def _law(name: str) -> GrowthLaw:
    try:
        return LAWS[name]
    except KeyError:
        raise SeriesError(f"unknown growth law {name!r}; choose one of {', '.join(LAWS)}") from None


def fit_lesion(times: Sequence[float] | np.ndarray, volumes: Sequence[float] | np.ndarray, law: str, *,
               volume_scale: float | None = None, max_nfev: int = 1000) -> LawFit:
    """Least-squares fit of ``law`` to one lesion's volumes (linear scale, as Laleh et al.).

    Parameters
    ----------
    times : array_like
        Days, non-decreasing; the first time is the law's t = 0.
    volumes : array_like
        Volumes (any unit, ≥ 0).
    law : str
        A key of :data:`LAWS`.
    volume_scale : float, optional
        Unit of the reported volume parameters (default: the largest volume of this lesion).
    max_nfev : int
        Function evaluations per start.

    Raises
    ------
    SeriesError
        Unknown law, fewer points than parameters allow, unsorted times or negative volumes.
    """
    spec = _law(law)
    t = np.asarray(times, dtype=float)
    v = np.asarray(volumes, dtype=float)
    if t.shape != v.shape or t.ndim != 1:
        raise SeriesError("times and volumes must be 1-D arrays of the same length")
    if t.size < 2:
        raise SeriesError(f"a {law} fit needs at least 2 points, got {t.size}")
    if np.any(np.diff(t) < 0):
        raise SeriesError("times must not decrease")
    if np.any(v < 0) or not np.all(np.isfinite(v)):
        raise SeriesError("volumes must be finite and non-negative")
    lesion_scale = float(v.max()) if v.max() > 0 else 1.0
    ref = float(volume_scale) if volume_scale else lesion_scale
    if ref <= 0:
        raise SeriesError(f"volume_scale must be positive, got {volume_scale}")
    tt = t - t[0]
    u = v / lesion_scale
    logu = np.log(u + 1e-3)
    r0 = float(np.clip(np.polyfit(tt, logu, 1)[0], -0.5, 0.5)) if np.ptp(tt) > 0 else 0.0
    ratio = float((u[-1] + 1e-3) / (u[0] + 1e-3))
    v0_guess = float(np.clip(u[0], _V_MIN * 10, 10.0))
    lower = np.array(spec.lower)
    upper = np.array(spec.upper)

    def resid(theta: np.ndarray) -> np.ndarray:
        pred = spec.solve(tt, theta)
        out = pred - u
        return np.where(np.isfinite(out), out, 1e3)

    jac: Callable[[np.ndarray], np.ndarray] | str = "2-point"
    if spec.jac is not None:
        law_jac = spec.jac

        def jac(theta: np.ndarray) -> np.ndarray:
            out = law_jac(tt, theta)
            return np.where(np.isfinite(out), out, 0.0)

    best: Any = None
    best_cost = np.inf
    for s in spec.starts(r0, ratio):
        x0 = np.clip(np.array([v0_guess, *s]), lower + 1e-12 * (upper - lower), upper - 1e-12 * (upper - lower))
        try:
            res = least_squares(resid, x0, jac=jac, bounds=(lower, upper), method="trf", max_nfev=max_nfev,
                                x_scale="jac")
        except (ValueError, FloatingPointError):  # a start outside the law's domain
            continue
        agree = best is not None and abs(float(res.cost) - best_cost) <= 1e-10 + 1e-6 * best_cost
        if res.cost < best_cost:
            best, best_cost = res, float(res.cost)
        if agree:  # two starts reached the same optimum: take it
            break
    if best is None:
        nan = dict.fromkeys(spec.params, math.nan)
        return LawFit(law, nan, float(t[0]), ref, int(t.size), math.nan, False, "no start converged")
    x = np.asarray(best.x, dtype=float)
    theta = spec.rescale(x, lesion_scale / ref)
    sse = 2.0 * best_cost * (lesion_scale / ref) ** 2
    return LawFit(law, {p: float(v) for p, v in zip(spec.params, theta, strict=True)}, float(t[0]), ref,
                  int(t.size), sse, bool(best.status > 0), str(best.message),
                  theta_lesion=x, lesion_scale=lesion_scale)


def _fit_one_lesion(args: tuple[str, str, str, np.ndarray, np.ndarray, tuple[str, ...], float, int]
                    ) -> list[dict[str, object]]:
    lesion_id, study, arm, t, v, laws, scale, holdout = args
    rows: list[dict[str, object]] = []
    n_fit = t.size - holdout
    for name in laws:
        fit = fit_lesion(t[:n_fit], v[:n_fit], name, volume_scale=scale)
        vs = v[:n_fit] / scale
        pred = fit.predict(t[:n_fit]) / scale if fit.converged else np.full(n_fit, np.nan)
        ss_tot = float(np.sum((vs - vs.mean()) ** 2))
        row: dict[str, object] = {
            "lesion_id": lesion_id, "study": study, "arm": arm, "law": name,
            "n_points": int(t.size), "n_fit": n_fit, "converged": fit.converged,
            "sse": fit.sse, "rmse": math.sqrt(fit.sse / n_fit) if np.isfinite(fit.sse) else math.nan,
            "r2": 1.0 - float(np.sum((pred - vs) ** 2)) / ss_tot if ss_tot > 0 else math.nan,
            "aic": fit.aic if np.isfinite(fit.sse) else math.nan, "volume_scale": scale,
        }
        row.update(dict.fromkeys(PARAMETER_COLUMNS, math.nan))
        row.update(fit.params)
        if holdout:
            fc = fit.predict(t[n_fit:]) / scale
            err = np.abs(fc - v[n_fit:] / scale)
            row["heldout_mae"] = float(err.mean())
            row["heldout_last_abs_error"] = float(err[-1])
        rows.append(row)
    return rows


def fit_laws(table: pd.DataFrame, *, laws: Iterable[str] = (*CLASSICAL_LAWS, "biexponential"),
             min_points: int = 3, volume_scale: float | None = None, holdout: int = 0,
             n_jobs: int = 1) -> pd.DataFrame:
    """Fit every law to every lesion of a tidy table; one row per (lesion, law). See the module docstring.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``lesion_id, arm, time_days, volume_mm3`` (``study`` optional), sorted by time within lesion.
    laws : iterable of str
        Keys of :data:`LAWS`.
    min_points : int
        Lesions with fewer measurements are skipped.
    volume_scale : float, optional
        Unit of the volume parameters and errors; default the largest volume in ``table``.
    holdout : int
        Leave the last ``holdout`` points of each lesion out of the fit and report the forecast error.
    n_jobs : int
        Worker processes (1 = in this process).
    """
    laws = tuple(laws)
    for name in laws:
        _law(name)
    need = {"lesion_id", "arm", "time_days", "volume_mm3"}
    if not need <= set(table.columns):
        raise SeriesError(f"table lacks column(s) {', '.join(sorted(need - set(table.columns)))}")
    if holdout < 0 or min_points - holdout < 2:
        raise SeriesError(f"holdout={holdout} leaves fewer than 2 points to fit with min_points={min_points}")
    scale = float(volume_scale) if volume_scale else float(table["volume_mm3"].max())
    if not scale > 0:
        raise SeriesError("volume_scale must be positive (all volumes are zero?)")
    jobs = []
    for lesion_id, g in table.groupby("lesion_id", sort=True):
        if len(g) < min_points:
            continue
        study = str(g["study"].iloc[0]) if "study" in g else ""
        jobs.append((str(lesion_id), study, str(g["arm"].iloc[0]), g["time_days"].to_numpy(float),
                     g["volume_mm3"].to_numpy(float), laws, scale, holdout))
    if n_jobs > 1:
        with ProcessPoolExecutor(max_workers=n_jobs) as pool:
            chunks = list(pool.map(_fit_one_lesion, jobs, chunksize=8))
    else:
        chunks = [_fit_one_lesion(j) for j in jobs]
    return pd.DataFrame([row for rows in chunks for row in rows])
