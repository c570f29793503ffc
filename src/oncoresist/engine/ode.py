"""Deterministic mean field: ``dn/dt = M(t, n)·n`` solved with scipy's ``solve_ivp``.

For each type i: ``dn_i/dt = (b_i(1 − P_i) − d_i − Σ_s σ_s)·n_i + Σ_k b_k p_k n_k + Σ_s σ_s n_s``
where ``P_i`` is the total division-transition probability of i, the sums run
over division transitions and switches into i, and ``d_i`` includes immune kill,
drug kill and competition. The same rate functions as the stochastic kernels are
used, so the ODE is the exact mean of the SSA for linear models. Integration is
split at dose times (the exposure has a kink or a jump there).
"""

from __future__ import annotations

import numpy as np
from scipy.integrate import solve_ivp

from oncoresist.engine import _kernels as kern
from oncoresist.engine._pack import Packed
from oncoresist.units import POPULATION_CEILING


def _ceiling(_t: float, y: np.ndarray) -> float:
    return float(np.sum(y)) - POPULATION_CEILING


_ceiling.terminal = True  # type: ignore[attr-defined]
_ceiling.direction = 1.0  # type: ignore[attr-defined]


def ode_run(
    p: Packed,
    t0: float,
    t1: float,
    counts: np.ndarray,
    depot: np.ndarray,
    conc: np.ndarray,
    dose: np.ndarray,
    interval: np.ndarray,
    next_dose: np.ndarray,
    pkp: np.ndarray,
    rec_times: np.ndarray,
    out_counts: np.ndarray,
    out_conc: np.ndarray,
    rtol: float = 1e-8,
    atol: float = 1e-9,
) -> int:
    """Advance one replicate's mean field from ``t0`` to ``t1`` in place (kernel interface).

    Returns the number of dose segments integrated, or ``-1`` when the total population
    reached :data:`~oncoresist.units.POPULATION_CEILING` (a terminal event: integration stops
    there, the state is the population at the crossing and nothing later is recorded).
    """
    nt, nd, ns = p.tp.shape[0], pkp.shape[0], p.sws.shape[0]
    b, d, sw, cnow, work = np.empty(nt), np.empty(nt), np.empty(ns), np.empty(nd), np.empty(nd)
    rec = kern.record(t0, counts, conc, rec_times, 0, out_counts, out_conc)
    t = t0
    n_seg = 0
    while t < t1:
        kern.apply_doses(t, depot, conc, dose, interval, next_dose, pkp)
        seg_end = min(t1, float(next_dose.min()) if nd else t1)
        dep0, c0, ts = depot.copy(), conc.copy(), t

        def rhs(tt: float, y: np.ndarray, dep0: np.ndarray = dep0, c0: np.ndarray = c0, ts: float = ts) -> np.ndarray:
            return kern.ode_rhs(tt - ts, y, dep0, c0, pkp, *p.args(), b, d, sw, cnow, work, np.empty(nt)).copy()

        stop = int(np.searchsorted(rec_times, seg_end, side="right"))
        t_eval = np.unique(np.append(rec_times[rec:stop], seg_end))
        sol = solve_ivp(rhs, (t, seg_end), counts, method="LSODA", t_eval=t_eval, rtol=rtol, atol=atol,
                        events=_ceiling)
        if not sol.success:  # pragma: no cover - LSODA failures are numerical, not user errors
            raise RuntimeError(f"ODE integration failed: {sol.message}")
        ys = np.maximum(sol.y, 0.0)
        for q, tq in enumerate(sol.t):
            if rec < rec_times.shape[0] and rec_times[rec] <= tq:
                kern.conc_at(dep0, c0, pkp, tq - ts, cnow)
                while rec < rec_times.shape[0] and rec_times[rec] <= tq:
                    out_counts[rec] = ys[:, q]
                    out_conc[rec] = cnow
                    rec += 1
        if sol.status == 1:  # the ceiling event fired
            counts[:] = np.maximum(sol.y_events[0][-1], 0.0)
            return -1
        counts[:] = ys[:, -1]
        kern.advance_pk(depot, conc, pkp, seg_end - t)
        t = seg_end
        n_seg += 1
    return n_seg
