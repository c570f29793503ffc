"""Private numba kernels: exact SSA with thinning and hybrid tau-leaping.

May change at any time; use :class:`oncoresist.engine.Simulator`. Each kernel
advances ONE replicate from ``t0`` to ``t1`` in place, with that replicate's own
:class:`numpy.random.Generator` (numba draws the same stream as NumPy), and
records counts and concentrations at the requested times in ``(t0, t1]``.

Packed parameters (built by :mod:`oncoresist.engine._pack`):

- ``tp[T, 4]``: birth, death, immune kill, competition growth rate;
- ``pdp[T, D, 7]``: birth Emax, EC50, Hill; death Emax, EC50, Hill; exposure factor;
- ``div_off[T+1]``, ``div_tgt[K]``, ``div_p[K]``: division transitions grouped by source;
- ``sws[S, 3]`` (source, target, drug or −1), ``swp[S, 4]`` (rate off, rate on, EC50, Hill);
- ``comp[T, T]``: ``a_ij/K_i``; ``pkp[D, 5]``: model, ka, k, V, F.

The PK state is ``depot[D]``, ``conc[D]`` and the regimen ``dose[D]``,
``interval[D]``, ``next_dose[D]`` (``inf``: no more doses).

Population ceiling: both kernels stop as soon as a replicate's total passes
:data:`oncoresist.units.POPULATION_CEILING` (checked after every tau step, and at every
segment end of the SSA) and return ``-1``; the simulator turns that into a
:class:`~oncoresist.errors.PopulationCeilingError`. Counts are int64; one tau step
(at most 0.5 day) cannot grow 1e15 cells past 9.2e18, so counts never wrap.
"""

from __future__ import annotations

import math
import types

import numpy as np
from numba import njit

from oncoresist.model import pd as _pd
from oncoresist.model import pk as _pk
from oncoresist.units import POPULATION_CEILING

CEILING = float(POPULATION_CEILING)

_OPTS = {"cache": True, "nogil": True, "error_model": "numpy"}


def _jit(fn: object, **deps: object) -> object:
    """Compile a plain scalar function from the model layer, binding its helpers to jitted copies."""
    g = dict(fn.__globals__)  # type: ignore[attr-defined]
    g.update(deps)
    clone = types.FunctionType(fn.__code__, g, fn.__name__, fn.__defaults__, fn.__closure__)  # type: ignore[attr-defined]
    # numba's on-disk cache is keyed by the source file (the model module) and the name, not by
    # the compile options: a new name keeps caches built with other options from being reused
    clone.__qualname__ = f"{fn.__qualname__}_kernel_np_errors"  # type: ignore[attr-defined]
    return njit(**_OPTS)(clone)


_hill_pow = _jit(_pd.hill)


@njit(**_OPTS)
def hill(c, ec50, h):
    """:func:`oncoresist.model.pd.hill`, without ``pow`` for a Hill exponent of 1 (bit-identical:
    ``x ** 1.0 == x`` exactly in IEEE arithmetic)."""
    if h == 1.0:
        if c <= 0.0:
            return 0.0
        x = c / ec50
        return x / (1.0 + x)
    return _hill_pow(c, ec50, h)


loewe_effect = _jit(_pd.loewe_effect)
_gap = _jit(_pk._gap)
conc_after = _jit(_pk.conc_after, _gap=_gap)
depot_after = _jit(_pk.depot_after)
conc_range = _jit(_pk.conc_range, conc_after=conc_after)

CONSTANT = _pk.CONSTANT
ORAL = _pk.ORAL
IV_BOLUS = _pk.IV_BOLUS
BLISS = _pd.BLISS


@njit(**_OPTS)
def _bliss_type(conc, pdp, i):
    """Cell type ``i``'s birth factor and added death rate under a Bliss combination at ``conc``."""
    fac = 1.0
    kill = 0.0
    for j in range(pdp.shape[1]):
        c = conc[j] * pdp[i, j, 6]
        if c > 0.0:
            if pdp[i, j, 0] > 0.0:
                fac *= 1.0 - pdp[i, j, 0] * hill(c, pdp[i, j, 1], pdp[i, j, 2])
            if pdp[i, j, 3] > 0.0:
                kill += pdp[i, j, 3] * hill(c, pdp[i, j, 4], pdp[i, j, 5])
    return fac, kill


@njit(**_OPTS)
def _switch_rate(conc, pdp, sws, swp, s):
    """Rate of type switch ``s`` at ``conc`` (a drug may move it between its two rates)."""
    r = swp[s, 0]
    j = sws[s, 2]
    if j >= 0:
        c = conc[j] * pdp[sws[s, 0], j, 6]
        r += (swp[s, 1] - swp[s, 0]) * hill(c, swp[s, 2], swp[s, 3])
    return r


@njit(**_OPTS)
def rates_bliss(conc, tp, pdp, sws, swp, out_b, out_d, out_sw, row):
    """:func:`rates_at` for Bliss combinations (the same arithmetic, in the same order), into row
    ``row`` of the 2-D outputs ``out_b[:, T]``, ``out_d[:, T]``, ``out_sw[:, S]``.

    Kept free of the Loewe branch: a call into the Loewe solver in the same function costs
    hundreds of nanoseconds per call even when the branch is not taken (numba 0.6x), which
    was most of a step's cost in the tau engine.
    """
    for i in range(tp.shape[0]):
        fac, kill = _bliss_type(conc, pdp, i)
        out_b[row, i] = tp[i, 0] * fac
        out_d[row, i] = tp[i, 1] + tp[i, 2] + kill
    for s in range(sws.shape[0]):
        out_sw[row, s] = _switch_rate(conc, pdp, sws, swp, s)


@njit(**_OPTS)
def rates_at(conc, tp, pdp, comb, sws, swp, out_b, out_d, out_sw, work):
    """Birth, death (without competition) and switch rates at concentrations ``conc``."""
    T = tp.shape[0]
    D = pdp.shape[1]
    for i in range(T):
        if comb == BLISS:
            fac, kill = _bliss_type(conc, pdp, i)
        else:
            for j in range(D):
                work[j] = conc[j] * pdp[i, j, 6]
            fac = 1.0 - loewe_effect(work, pdp[i, :, 0], pdp[i, :, 1], pdp[i, :, 2], D)
            kill = loewe_effect(work, pdp[i, :, 3], pdp[i, :, 4], pdp[i, :, 5], D)
        out_b[i] = tp[i, 0] * fac
        out_d[i] = tp[i, 1] + tp[i, 2] + kill
    for s in range(sws.shape[0]):
        out_sw[s] = _switch_rate(conc, pdp, sws, swp, s)


@njit(**_OPTS)
def apply_doses(t, depot, conc, dose, interval, next_dose, pkp):
    """Give every dose due at or before ``t``."""
    for j in range(depot.shape[0]):
        while next_dose[j] <= t:
            if dose[j] > 0.0:
                if pkp[j, 0] == ORAL:
                    depot[j] += pkp[j, 4] * dose[j]
                elif pkp[j, 0] == IV_BOLUS:
                    conc[j] += dose[j] / pkp[j, 3]
            if interval[j] > 0.0 and dose[j] > 0.0:
                next_dose[j] += interval[j]
            else:
                next_dose[j] = np.inf


@njit(**_OPTS)
def advance_pk(depot, conc, pkp, s):
    """Move the PK state ``s`` days on (no dosing in between)."""
    for j in range(depot.shape[0]):
        m = int(pkp[j, 0])
        if m != CONSTANT:
            c = conc_after(m, pkp[j, 1], pkp[j, 2], pkp[j, 3], depot[j], conc[j], s)
            depot[j] = depot_after(m, pkp[j, 1], depot[j], s)
            conc[j] = c


@njit(**_OPTS)
def conc_at(depot, conc, pkp, s, out):
    for j in range(depot.shape[0]):
        out[j] = conc_after(int(pkp[j, 0]), pkp[j, 1], pkp[j, 2], pkp[j, 3], depot[j], conc[j], s)


@njit(**_OPTS)
def pk_varying(depot, conc, pkp):
    for j in range(depot.shape[0]):  # noqa: SIM110 - numba compiles no generator in any()
        if pkp[j, 0] != CONSTANT and (depot[j] > 0.0 or conc[j] > 0.0):
            return True
    return False


@njit(**_OPTS)
def segment_end(t, t1, next_dose, rec_times, rec):
    e = t1
    for j in range(next_dose.shape[0]):
        if next_dose[j] < e:
            e = next_dose[j]
    if rec < rec_times.shape[0] and rec_times[rec] < e:
        e = rec_times[rec]
    return e


@njit(**_OPTS)
def record(t, counts, conc, rec_times, rec, out_counts, out_conc):
    while rec < rec_times.shape[0] and rec_times[rec] <= t:
        for i in range(counts.shape[0]):
            out_counts[rec, i] = counts[i]
        for j in range(conc.shape[0]):
            out_conc[rec, j] = conc[j]
        rec += 1
    return rec


@njit(**_OPTS)
def competition_death(counts, tp, comp, out):
    T = counts.shape[0]
    for i in range(T):
        phi = 0.0
        for j in range(T):
            phi += comp[i, j] * counts[j]
        out[i] = tp[i, 3] * phi


@njit(**_OPTS)
def rates_batch(conc, counts, pidx, tp, pdp, comb, sws, swp, comp, has_comp, out_b, out_d):
    """Per-cell birth and death (with competition) of every replicate now: :func:`rates_at` and
    :func:`competition_death` for row q with kinetic set ``pidx[q]``, into ``out_b[q]``, ``out_d[q]``."""
    T = tp.shape[1]
    sw = np.empty(sws.shape[0])
    work = np.empty(conc.shape[1])
    cd = np.zeros(T)
    cf = np.empty(T)
    for q in range(conc.shape[0]):
        p = pidx[q]
        rates_at(conc[q], tp[p], pdp[p], comb, sws, swp[p], out_b[q], out_d[q], sw, work)
        if has_comp:
            for i in range(T):
                cf[i] = float(counts[q, i])
            competition_death(cf, tp[p], comp, cd)
            for i in range(T):
                out_d[q, i] += cd[i]


@njit(**_OPTS)
def daughter_type(rng, i, div_off, div_tgt, div_p):
    """Type of a newborn cell when a type-``i`` cell divides.

    One uniform draw picks a transition out of ``i`` (``div_p`` over ``div_off[i]:div_off[i+1]``);
    with no transition drawn, or none defined (then no draw), the daughter is of type ``i``.
    """
    k0 = div_off[i]
    k1 = div_off[i + 1]
    if k1 > k0:
        v = rng.random()
        cum = 0.0
        for k in range(k0, k1):
            cum += div_p[k]
            if v < cum:
                return div_tgt[k]
    return i


@njit(**_OPTS)
def _over_ceiling(counts):
    total = 0.0
    for i in range(counts.shape[0]):
        total += counts[i]
    return total > CEILING


@njit(**_OPTS)
def ssa_run(
    rng, t0, t1, counts, depot, conc, dose, interval, next_dose, pkp,
    tp, pdp, comb, div_off, div_tgt, div_p, sws, swp, comp, has_comp,
    rec_times, out_counts, out_conc, h_grid,
):
    """Exact Gillespie direct method with thinning for time-varying exposure.

    Within a segment (no dose, no record time, at most ``h_grid`` days long when the
    exposure varies) the propensities are bounded using the exact range of each
    concentration; a candidate event at rate ``A_bound`` is accepted with
    probability ``A(t)/A_bound`` (Lewis–Shedler thinning), which is exact. Draw
    order: one uniform for the waiting time, one for the channel (and the
    acceptance), one for the daughter type when the dividing type has division
    transitions. Returns the number of accepted events.
    """
    T = tp.shape[0]
    D = pkp.shape[0]
    S = sws.shape[0]
    bb = np.empty(T)
    db = np.empty(T)
    swb = np.empty(S)
    ab = np.empty(T)
    ad = np.empty(T)
    asw = np.empty(S)
    b2 = np.empty(T)
    d2 = np.empty(T)
    sw2 = np.empty(S)
    cd = np.zeros(T)
    clo = np.empty(D)
    chi = np.empty(D)
    cnow = np.empty(D)
    work = np.empty(D)
    events = 0
    t = t0
    rec = record(t, counts, conc, rec_times, 0, out_counts, out_conc)
    while t < t1:
        apply_doses(t, depot, conc, dose, interval, next_dose, pkp)
        seg_end = segment_end(t, t1, next_dose, rec_times, rec)
        varying = pk_varying(depot, conc, pkp)
        if varying and t + h_grid < seg_end:
            seg_end = t + h_grid
        t_seg = t
        h = seg_end - t_seg
        for j in range(D):
            lo, hi = conc_range(int(pkp[j, 0]), pkp[j, 1], pkp[j, 2], pkp[j, 3], depot[j], conc[j], 0.0, h)
            clo[j] = lo
            chi[j] = hi
        rates_at(clo, tp, pdp, comb, sws, swp, bb, d2, swb, work)
        rates_at(chi, tp, pdp, comb, sws, swp, b2, db, sw2, work)
        for s in range(S):
            if sw2[s] > swb[s]:
                swb[s] = sw2[s]
        if not varying:
            for i in range(T):
                ab[i] = bb[i]
                ad[i] = db[i]
            for s in range(S):
                asw[s] = swb[s]
        while True:
            if has_comp:
                competition_death(counts, tp, comp, cd)
            a_bound = 0.0
            for i in range(T):
                a_bound += counts[i] * (bb[i] + db[i] + cd[i])
            for s in range(S):
                a_bound += counts[sws[s, 0]] * swb[s]
            if a_bound <= 0.0:
                break
            u = rng.random()
            tau = -math.log(1.0 - u) / a_bound
            if t + tau >= seg_end:
                break
            t += tau
            if varying:
                conc_at(depot, conc, pkp, t - t_seg, cnow)
                rates_at(cnow, tp, pdp, comb, sws, swp, ab, ad, asw, work)
            target = rng.random() * a_bound
            acc = 0.0
            done = False
            for i in range(T):
                acc += counts[i] * ab[i]
                if target < acc:
                    counts[daughter_type(rng, i, div_off, div_tgt, div_p)] += 1
                    done = True
                    break
                acc += counts[i] * (ad[i] + cd[i])
                if target < acc:
                    counts[i] -= 1
                    done = True
                    break
            if not done:
                for s in range(S):
                    acc += counts[sws[s, 0]] * asw[s]
                    if target < acc:
                        counts[sws[s, 0]] -= 1
                        counts[sws[s, 1]] += 1
                        done = True
                        break
            if done:
                events += 1
        t = seg_end
        advance_pk(depot, conc, pkp, h)
        rec = record(t, counts, conc, rec_times, rec, out_counts, out_conc)
        if _over_ceiling(counts):
            return -1
    return events


@njit(**_OPTS)
def bd_leap(rng, n, b, d, h):
    """Exact count after ``h`` days of a linear birth-death process from ``n`` cells.

    Each cell leaves no descendants with probability ``α = d(e^{rh} − 1)/(b·e^{rh} − d)``
    and otherwise a geometric number with ratio ``β = b(e^{rh} − 1)/(b·e^{rh} − d)``;
    so the total is ``K + NegBin(K, 1 − β)`` with ``K ~ Bin(n, 1 − α)``.
    """
    if n <= 0:
        return 0
    if b <= 0.0:
        if d <= 0.0:
            return n
        return rng.binomial(n, math.exp(-d * h))
    r = b - d
    if abs(r * h) < 1e-10:
        alpha = d * h / (1.0 + b * h)
        beta = b * h / (1.0 + b * h)
    else:
        em1 = math.expm1(r * h)
        den = b * (em1 + 1.0) - d
        alpha = d * em1 / den
        beta = b * em1 / den
    k = rng.binomial(n, 1.0 - alpha)
    if k == 0 or beta <= 0.0:
        return k
    return k + rng.negative_binomial(k, 1.0 - beta)


@njit(**_OPTS)
def _mean_integral(n, r, h):
    """Expected cell-days ``n·(e^{rh} − 1)/r`` over a step."""
    if abs(r * h) < 1e-10:
        return n * h
    return n * math.expm1(r * h) / r


@njit(**_OPTS)
def tau_run(
    rng, t0, t1, counts, depot, conc, dose, interval, next_dose, pkp,
    tp, pdp, comb, div_off, div_tgt, div_p, sws, swp, comp, has_comp,
    rec_times, out_counts, out_conc, dt_max, threshold,
):
    """Hybrid tau-leaping: exact leaps for large types, exact SSA for small ones.

    Per step of at most ``dt_max`` days, rates are averaged over the step
    (Simpson's rule on the exposure-dependent rates, competition from the counts
    at the start). A type with at least ``threshold`` cells jumps by the exact
    linear birth-death distribution (:func:`bd_leap`); its divisions into other
    types and its switches are Poisson with the expected cell-days. Types below
    the threshold are simulated event by event (Gillespie) within the step, with
    cells arriving from large types at uniform times, so rare lineages are born
    and go extinct exactly. Counts never go negative.
    """
    T = tp.shape[0]
    D = pkp.shape[0]
    S = sws.shape[0]
    b = np.empty(T)
    d = np.empty(T)
    sw = np.empty(S)
    b1 = np.empty(T)
    d1 = np.empty(T)
    sw1 = np.empty(S)
    cd = np.zeros(T)
    cnow = np.empty(D)
    work = np.empty(D)
    out = np.empty(T)
    pdiv = np.empty(T)
    small = np.empty(T, dtype=np.bool_)
    new = np.empty(T, dtype=np.int64)
    arrivals = np.zeros(T, dtype=np.int64)
    extra = np.zeros(T, dtype=np.int64)
    no_arr_t = np.empty(0)
    no_arr_k = np.empty(0, dtype=np.int64)
    t = t0
    rec = record(t, counts, conc, rec_times, 0, out_counts, out_conc)
    steps = 0
    while t < t1:
        apply_doses(t, depot, conc, dose, interval, next_dose, pkp)
        seg_end = segment_end(t, t1, next_dose, rec_times, rec)
        if t + dt_max < seg_end:
            seg_end = t + dt_max
        h = seg_end - t
        # rates averaged over the step
        if pk_varying(depot, conc, pkp):
            for i in range(T):
                b[i] = 0.0
                d[i] = 0.0
            for s in range(S):
                sw[s] = 0.0
            for q in range(3):
                w = 4.0 / 6.0 if q == 1 else 1.0 / 6.0
                conc_at(depot, conc, pkp, 0.5 * h * q, cnow)
                rates_at(cnow, tp, pdp, comb, sws, swp, b1, d1, sw1, work)
                for i in range(T):
                    b[i] += w * b1[i]
                    d[i] += w * d1[i]
                for s in range(S):
                    sw[s] += w * sw1[s]
        else:
            rates_at(conc, tp, pdp, comb, sws, swp, b, d, sw, work)
        if has_comp:
            competition_death(counts, tp, comp, cd)
            for i in range(T):
                d[i] += cd[i]
        for i in range(T):
            out[i] = d[i]
            pdiv[i] = 0.0
            for k in range(div_off[i], div_off[i + 1]):
                pdiv[i] += div_p[k]
        for s in range(S):
            out[sws[s, 0]] += sw[s]
        for i in range(T):
            small[i] = counts[i] < threshold
            new[i] = counts[i]
            arrivals[i] = 0
        # large types: exact leap, Poisson fluxes out
        for i in range(T):
            if small[i] or counts[i] == 0:
                continue
            bown = b[i] * (1.0 - pdiv[i])
            cell_days = _mean_integral(float(counts[i]), bown - out[i], h)
            new[i] = bd_leap(rng, counts[i], bown, out[i], h)
            for k in range(div_off[i], div_off[i + 1]):
                arrivals[div_tgt[k]] += rng.poisson(b[i] * div_p[k] * cell_days)
            for s in range(S):
                if sws[s, 0] == i:
                    arrivals[sws[s, 1]] += rng.poisson(sw[s] * cell_days)
        # arrivals into large types join at the end; many arrivals into a small type
        # join as a batch at mid-step; a few get their own arrival times
        n_arr = 0
        for i in range(T):
            if arrivals[i] > 0:
                if not small[i]:
                    new[i] += arrivals[i]
                    arrivals[i] = 0
                elif arrivals[i] > threshold:
                    extra[i] = bd_leap(rng, arrivals[i], b[i] * (1.0 - pdiv[i]), out[i], 0.5 * h)
                    arrivals[i] = 0
                else:
                    n_arr += arrivals[i]
        if n_arr > 0:  # allocated only in steps with individually timed arrivals
            arr_t = np.empty(n_arr)
            arr_k = np.empty(n_arr, dtype=np.int64)
            m = 0
            for i in range(T):
                for _ in range(arrivals[i]):
                    arr_t[m] = rng.random() * h
                    arr_k[m] = i
                    m += 1
            order = np.argsort(arr_t)
        else:
            arr_t = no_arr_t
            arr_k = no_arr_k
            order = no_arr_k
        # small types: Gillespie within the step at the averaged rates
        any_small = n_arr > 0
        for i in range(T):
            if small[i] and counts[i] > 0:
                any_small = True
        if any_small:
            s_now = 0.0
            ai = 0
            while True:
                a_tot = 0.0
                for i in range(T):
                    if small[i]:
                        a_tot += new[i] * (b[i] + out[i])
                next_arr = arr_t[order[ai]] if ai < n_arr else np.inf
                tau = np.inf
                if a_tot > 0.0:
                    tau = -math.log(1.0 - rng.random()) / a_tot
                if s_now + tau >= next_arr:
                    if next_arr >= h:
                        break
                    s_now = next_arr
                    new[arr_k[order[ai]]] += 1
                    ai += 1
                    continue
                if s_now + tau >= h:
                    break
                s_now += tau
                target = rng.random() * a_tot
                acc = 0.0
                for i in range(T):
                    if not small[i]:
                        continue
                    acc += new[i] * b[i]
                    if target < acc:
                        new[daughter_type(rng, i, div_off, div_tgt, div_p)] += 1
                        break
                    acc += new[i] * d[i]
                    if target < acc:
                        new[i] -= 1
                        break
                    hit = False
                    for s in range(S):
                        if sws[s, 0] == i:
                            acc += new[i] * sw[s]
                            if target < acc:
                                new[i] -= 1
                                new[sws[s, 1]] += 1
                                hit = True
                                break
                    if hit:
                        break
        for i in range(T):
            counts[i] = new[i] + extra[i]
            extra[i] = 0
        t = seg_end
        advance_pk(depot, conc, pkp, h)
        rec = record(t, counts, conc, rec_times, rec, out_counts, out_conc)
        steps += 1
        if _over_ceiling(counts):
            return -1
    return steps


@njit(**_OPTS)
def ssa_batch(
    rngs, qs, status, t0, t1, counts, depot, conc, dose, interval, next_dose, pkp, pidx,
    tp, pdp, comb, div_off, div_tgt, div_p, sws, swp, comp, has_comp,
    rec_times, out_counts, out_conc, h_grid,
):
    """:func:`ssa_run` for the replicates ``qs`` in one call.

    Per-replicate arrays have the replicate first (``counts[R, T]``, ``pkp[R, D, 5]``,
    ``out_counts[R, n, T]``, ...); the kinetic arrays ``tp``, ``pdp``, ``div_p``, ``swp`` have a
    parameter-set axis first and replicate ``q`` uses set ``pidx[q]``. ``rngs`` is a typed list of
    the replicates' generators; ``status[q]`` receives :func:`ssa_run`'s return value.
    """
    for m in range(qs.shape[0]):
        q = qs[m]
        p = pidx[q]
        status[q] = ssa_run(
            rngs[q], t0, t1, counts[q], depot[q], conc[q], dose[q], interval[q], next_dose[q], pkp[q],
            tp[p], pdp[p], comb, div_off, div_tgt, div_p[p], sws, swp[p], comp, has_comp,
            rec_times, out_counts[q], out_conc[q], h_grid,
        )


@njit(**_OPTS)
def tau_batch(
    rngs, qs, status, t0, t1, counts, depot, conc, dose, interval, next_dose, pkp, pidx,
    tp, pdp, comb, div_off, div_tgt, div_p, sws, swp, comp, has_comp,
    rec_times, out_counts, out_conc, dt_max, threshold,
):
    """:func:`tau_run` for the replicates ``qs`` in one call (layout as :func:`ssa_batch`)."""
    for m in range(qs.shape[0]):
        q = qs[m]
        p = pidx[q]
        status[q] = tau_run(
            rngs[q], t0, t1, counts[q], depot[q], conc[q], dose[q], interval[q], next_dose[q], pkp[q],
            tp[p], pdp[p], comb, div_off, div_tgt, div_p[p], sws, swp[p], comp, has_comp,
            rec_times, out_counts[q], out_conc[q], dt_max, threshold,
        )


@njit(**_OPTS)
def ode_rhs(
    s, y, depot0, conc0, pkp, tp, pdp, comb, div_off, div_tgt, div_p, sws, swp, comp, has_comp,
    b, d, sw, cnow, work, dy,
):
    """Mean-field derivative ``dy/dt`` at ``s`` days into a dose-free segment."""
    T = tp.shape[0]
    conc_at(depot0, conc0, pkp, s, cnow)
    rates_at(cnow, tp, pdp, comb, sws, swp, b, d, sw, work)
    for i in range(T):
        dd = d[i]
        if has_comp:
            phi = 0.0
            for j in range(T):
                phi += comp[i, j] * y[j]
            dd += tp[i, 3] * phi
        dy[i] = (b[i] - dd) * y[i]
    for i in range(T):
        for k in range(div_off[i], div_off[i + 1]):
            flux = b[i] * div_p[k] * y[i]
            dy[i] -= flux
            dy[div_tgt[k]] += flux
    for q in range(sws.shape[0]):
        flux = sw[q] * y[sws[q, 0]]
        dy[sws[q, 0]] -= flux
        dy[sws[q, 1]] += flux
    return dy
