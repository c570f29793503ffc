"""Private numba kernel of the ``leap`` engine: exact birth-death leaps for every cell type.

May change at any time; use :class:`oncoresist.engine.Simulator` with ``engine="leap"``.
Packed arguments and the per-replicate layout are those of :mod:`oncoresist.engine._kernels`.

Per step (at most ``dt_max`` days, cut at doses and record times) and per cell type, the
type's own lineage (births into the same type at ``λ``, losses by death, competition and
switching at ``μ``) is drawn from the exact law of a linear birth-death process over the
step (Kendall 1948, Ann Math Stat 19:1): each cell leaves no descendants with probability
``1 − 1/W``, otherwise ``1 + Geometric(η)`` cells, with

``ρ(τ) = ∫₀^τ (μ − λ) ds``,  ``W = 1 + ∫₀^h μ(s) e^{ρ(s)} ds``,  ``η = 1 − e^{ρ(h)}/W``,

which for constant rates is the closed form of :func:`oncoresist.engine._kernels.bd_leap`.
When the exposure varies within the step, ``ρ`` and the integral are evaluated from the
rates at ``0, h/2, h`` (Simpson's rule; ``ρ(h/2)`` from the quadratic through the three
nodes), so the leap is exact for rates that are quadratic in time over the step and the
error is the quadrature error, ``O(h⁴)`` in the exponent. A type's own count is therefore
exact at any size: there is no event-by-event part and no threshold.

Approximation (stated in docs/engine.md): cells that change type (a division into
another type, a switch) arrive in their target as ``Poisson(rate · A)``, where ``A`` is the
source's cell-days over the step estimated from its own counts at the two ends (the
logarithmic mean, exact for an exponential path; the trapezoid when one end is 0), and the
rate is the step average. Each arrival's time is drawn with density proportional to the
source's path through its end counts (exponential, or linear when one end is 0) and its
lineage is leaped exactly over the rest of the step at the target's step-average rates;
more than ``BATCH_ARRIVALS`` arrivals from one source into one type in one step are leaped
together over the duration at which the batch's mean is matched. Arrivals make no further
transitions within their arrival step. Binomial, Poisson and negative-binomial draws come from
:mod:`oncoresist.engine._samplers` (exact; cheaper set-up than numba's ports of NumPy's).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from oncoresist.engine._kernels import (
    _OPTS,
    BLISS,
    _over_ceiling,
    advance_pk,
    apply_doses,
    competition_death,
    conc_at,
    pk_varying,
    rates_at,
    rates_bliss,
    record,
    segment_end,
)
from oncoresist.engine._pcg import random
from oncoresist.engine._samplers import binomial, negative_binomial, poisson, poisson_inversion_from

SMALL_LINEAGES = 4
"""Up to this many cells are leaped one by one (one uniform each, plus a log if it survives)."""
SMALL_NEGBIN = 8
"""Up to this many surviving lineages, their extra cells are summed geometrics (one uniform and a log each)."""
BATCH_ARRIVALS = 32
"""More arrivals than this into one type in one step are leaped as one batch."""
STEP_TOL = 2e-3
"""Under a varying exposure a step is halved until, for every type, the trapezoid and Simpson values of
``ρ(h)`` and of ``∫ μ e^ρ`` differ by at most this much (an estimate of the trapezoid's error; Simpson's,
``O(h⁴)``, is much smaller)."""
MIN_STEP = 1e-3
"""Shortest step (days) the halving goes to."""
LONG_STEP_EVENTS = 1.0
"""With ``long_steps`` (kernel argument ``long_max`` > 0), under constant rates without competition a step may exceed
``dt_max`` (up to ``long_max``) as long as no type has more than this many events per cell in it: the own-count
leap is exact at any step, and the type-change approximation's error grows with the source's events per cell per
step (docs/engine.md, *Long steps*), which the tests against ``ssa`` cover up to 2.7 (``test_leap.py``'s fast clock
at 1-day steps)."""


@njit(**_OPTS)
def leap_params(lam, mu, h):
    """``(P(survive), η)`` of one cell's lineage over ``h`` days at constant rates ``λ``, ``μ``."""
    r = lam - mu
    if abs(r * h) < 1e-10:
        return 1.0 / (1.0 + mu * h), lam * h / (1.0 + lam * h)
    em1 = math.expm1(r * h)
    den = lam * (em1 + 1.0) - mu
    return r * (em1 + 1.0) / den, lam * em1 / den


@njit(**_OPTS, inline="always")
def lineages(rng, n, surv, eta):
    """Cells descending from ``n`` cells: each survives with ``surv``, then holds ``1 + Geometric(η)`` cells.

    Exact in distribution. At most :data:`SMALL_LINEAGES` cells: one uniform per cell (its
    survival, reused for its geometric by inversion). Otherwise ``K ~ Bin(n, surv)`` survive and
    their extra cells are ``NegBin(K, 1 − η)``, drawn as ``K`` geometrics by inversion when
    ``K ≤`` :data:`SMALL_NEGBIN`.
    """
    if n <= 0:
        return 0
    if eta <= 0.0:
        if n <= SMALL_LINEAGES:
            total = 0
            for _ in range(n):
                if random(rng) < surv:
                    total += 1
            return total
        return binomial(rng, n, surv)
    if n <= SMALL_LINEAGES:
        inv_leta = 1.0 / math.log(eta)
        total = 0
        for _ in range(n):
            u = random(rng)
            if u < surv:
                v = u / surv
                total += 1
                if v < 1.0:
                    total += int(math.log1p(-v) * inv_leta)
        return total
    k = binomial(rng, n, surv)
    if k == 0:
        return 0
    if k <= SMALL_NEGBIN:
        inv_leta = 1.0 / math.log(eta)
        total = k
        for _ in range(k):
            total += int(math.log1p(-random(rng)) * inv_leta)
        return total
    return k + negative_binomial(rng, k, 1.0 - eta)


@njit(**_OPTS)
def _cell_days(n0, n1, h):
    """Cell-days over a step from the counts at its ends (logarithmic mean; trapezoid with a zero end)."""
    if n0 == n1:
        return n0 * h
    if n0 > 0 and n1 > 0:
        return h * (n1 - n0) / math.log(n1 / n0)
    return 0.5 * h * (n0 + n1)


@njit(**_OPTS)
def _arrival_rest(u, n0, n1, h):
    """Time from an arrival to the step end, the arrival drawn (by inversion of ``u``) with density
    proportional to the source's path through its end counts: exponential when both are positive (the
    path the logarithmic mean of :func:`_cell_days` assumes), linear when one is 0, flat when equal."""
    if n0 > 0.0 and n1 > 0.0:
        x = n1 / n0 - 1.0
        if abs(x) < 1e-9:
            return h * (1.0 - u)
        return h * (1.0 - math.log1p(u * x) / math.log1p(x))
    if n1 <= 0.0:  # density ∝ h − s
        return h * math.sqrt(1.0 - u)
    return h * (1.0 - math.sqrt(u))  # n0 = 0: density ∝ s


@njit(**_OPTS)
def _batch_duration(lam, mu, n0, n1, h):
    """``τ*`` with ``e^{rτ*} = E[e^{r·rest}]``, ``rest`` the time left after an arrival drawn as in
    :func:`_arrival_rest`: the mean of a batch of such lineages (Simpson's rule on 16 intervals)."""
    r = lam - mu
    num = 0.0
    den = 0.0
    mean_rest = 0.0
    g = math.log(n1 / n0) if (n0 > 0.0 and n1 > 0.0) else 0.0
    for q in range(17):
        w = 1.0 if (q == 0 or q == 16) else (4.0 if q % 2 == 1 else 2.0)
        f = q / 16.0
        dens = math.exp(g * f) if (n0 > 0.0 and n1 > 0.0) else (n0 + (n1 - n0) * f)
        rest = h * (1.0 - f)
        num += w * dens * math.exp(r * rest)
        mean_rest += w * dens * rest
        den += w * dens
    if abs(r * h) < 1e-6:
        return mean_rest / den
    return math.log(num / den) / r


@njit(**_OPTS)
def _arrive(rng, counts, j, mean, n0, n1, h, lam_bar, mu_bar):
    """``Poisson(mean)`` arrivals into type ``j`` from a source with end counts ``n0``, ``n1``, each
    leaped over the rest of the step at ``j``'s step-average rates (a batch above :data:`BATCH_ARRIVALS`)."""
    if mean <= 0.0:
        return
    _place(rng, counts, j, poisson(rng, mean), n0, n1, h, lam_bar, mu_bar)


@njit(**_OPTS)
def _place(rng, counts, j, m, n0, n1, h, lam_bar, mu_bar):
    """``m`` arrivals into type ``j`` (see :func:`_arrive`)."""
    if m == 0:
        return
    if m > BATCH_ARRIVALS:
        surv, eta = leap_params(lam_bar[j], mu_bar[j], _batch_duration(lam_bar[j], mu_bar[j], n0, n1, h))
        counts[j] += lineages(rng, m, surv, eta)
        return
    for _ in range(m):
        surv, eta = leap_params(lam_bar[j], mu_bar[j], _arrival_rest(random(rng), n0, n1, h))
        counts[j] += lineages(rng, 1, surv, eta)


ZERO_MARGIN = 1e-15
"""Absolute margin (about 9 ulps of 1) of the no-arrival shortcut of :func:`_arrive_lazy` against rounding."""


@njit(**_OPTS)
def _arrive_lazy(rng, counts, j, coef, a, a_upper, n0, n1, h, lam_bar, mu_bar):
    """:func:`_arrive` with ``mean = coef · a``, the cell-days ``a`` computed only when needed (``a < 0``: not
    yet) and returned. Same draws, same result: when ``coef · a_upper < 1`` (``a_upper ≥ a``) the Poisson is
    drawn by inversion, whose first uniform ``u`` gives 0 arrivals iff ``u ≤ e^{−mean}``; ``e^{−mean} ≥
    1 − mean ≥ 1 − coef · a_upper``, so ``u`` below that (less :data:`ZERO_MARGIN`) settles 0 without the
    logarithm of the cell-days or the exponential of the Poisson, the other draws finish the inversion
    from the same ``u``."""
    upper = coef * a_upper
    if upper <= 0.0:
        return a
    if upper < 1.0:
        u = random(rng)
        if u < 1.0 - upper - ZERO_MARGIN:
            return a
        if a < 0.0:
            a = _cell_days(n0, n1, h)
        _place(rng, counts, j, poisson_inversion_from(rng, coef * a, u), n0, n1, h, lam_bar, mu_bar)
        return a
    if a < 0.0:
        a = _cell_days(n0, n1, h)
    _arrive(rng, counts, j, coef * a, n0, n1, h, lam_bar, mu_bar)
    return a


@njit(**_OPTS)
def _step_constants(varying, h, tp, sws, pdiv, cd, bq, dq, sq, lam_bar, mu_bar, bbar, swbar, surv, eta):
    """Per type: step-average rates and the lineage law ``(P(survive), η)`` over a step of ``h`` days,
    from the rates ``bq``, ``dq``, ``sq`` at the nodes (row 0 only when the exposure is constant).

    Returns the quadrature error estimate (0 under constant exposure): the largest difference between
    the trapezoid and Simpson values of ``ρ(h)`` and of ``∫ μ e^ρ`` over the types.
    """
    T = tp.shape[0]
    S = sws.shape[0]
    err = 0.0
    for s in range(S):
        swbar[s] = (sq[0, s] + 4.0 * sq[1, s] + sq[2, s]) / 6.0 if varying else sq[0, s]
    for i in range(T):
        keep = 1.0 - pdiv[i]
        lam0 = bq[0, i] * keep
        mu0 = dq[0, i] + cd[i]
        for s in range(S):
            if sws[s, 0] == i:
                mu0 += sq[0, s]
        if not varying:
            lam_bar[i] = lam0
            mu_bar[i] = mu0
            bbar[i] = bq[0, i]
            surv[i], eta[i] = leap_params(lam0, mu0, h)
            continue
        lam1 = bq[1, i] * keep
        lam2 = bq[2, i] * keep
        mu1 = dq[1, i] + cd[i]
        mu2 = dq[2, i] + cd[i]
        for s in range(S):
            if sws[s, 0] == i:
                mu1 += sq[1, s]
                mu2 += sq[2, s]
        lam_bar[i] = (lam0 + 4.0 * lam1 + lam2) / 6.0
        mu_bar[i] = (mu0 + 4.0 * mu1 + mu2) / 6.0
        bbar[i] = (bq[0, i] + 4.0 * bq[1, i] + bq[2, i]) / 6.0
        g0 = mu0 - lam0
        g1 = mu1 - lam1
        g2 = mu2 - lam2
        rho1 = h * (5.0 * g0 + 8.0 * g1 - g2) / 24.0
        rho2 = h * (g0 + 4.0 * g1 + g2) / 6.0
        e2 = math.exp(rho2)
        integral = h * (mu0 + 4.0 * mu1 * math.exp(rho1) + mu2 * e2) / 6.0
        w = 1.0 + integral
        surv[i] = 1.0 / w
        eta[i] = max((integral - math.expm1(rho2)) / w, 0.0)
        err = max(err, abs(rho2 - 0.5 * h * (g0 + g2)), abs(integral - 0.5 * h * (mu0 + mu2 * e2)))
    return err


@njit(**_OPTS)
def _long_cap(conc, tp, pdp, comb, sws, swp, bq, dq, sq, work, dt_max, long_max):
    """The step cap under the constant exposure ``conc``: ``max(dt_max, min(long_max, E / v))``, ``v`` the
    fastest per-cell event rate of any type (birth + death + switches out), ``E`` = :data:`LONG_STEP_EVENTS`.
    Writes the rates into row 0 of the scratch arrays (the step constants are computed from them again)."""
    if comb == BLISS:
        rates_bliss(conc, tp, pdp, sws, swp, bq, dq, sq, 0)
    else:
        rates_at(conc, tp, pdp, comb, sws, swp, bq[0], dq[0], sq[0], work)
    fastest = 0.0
    for i in range(tp.shape[0]):
        v = bq[0, i] + dq[0, i]
        for s in range(sws.shape[0]):
            if sws[s, 0] == i:
                v += sq[0, s]
        fastest = max(fastest, v)
    if fastest * long_max <= LONG_STEP_EVENTS:
        return long_max
    return max(dt_max, LONG_STEP_EVENTS / fastest)


@njit(**_OPTS)
def leap_run(
    rng, t0, t1, counts, depot, conc, dose, interval, next_dose, pkp,
    tp, pdp, comb, div_off, div_tgt, div_p, sws, swp, comp, has_comp,
    rec_times, out_counts, out_conc, dt_max, long_max, bq, dq, sq, vec, swbar,
):
    """Advance one replicate from ``t0`` to ``t1`` by exact per-type leaps (module docstring).

    Steps are at most ``dt_max`` days; under constant rates without competition, at most
    ``max(dt_max, min(long_max, LONG_STEP_EVENTS / fastest per-cell event rate))`` (``long_max = 0``: off).

    Scratch space, allocated once per batch: ``bq[3, T]``, ``dq[3, T]``, ``sq[3, S]`` (birth, death
    without competition and switch rates at the nodes 0, h/2, h), ``vec[7, max(T, D)]`` and ``swbar[S]``.
    Under constant exposure without competition the step constants are computed once and reused
    while the step length stays the same.
    Returns the number of steps, or −1 when the population ceiling is passed.
    """
    T = tp.shape[0]
    D = pkp.shape[0]
    S = sws.shape[0]
    bbar = vec[0]
    cd = vec[1]
    lam_bar = vec[2]
    mu_bar = vec[3]
    cnow = vec[4]
    surv_c = vec[5]
    eta_c = vec[6]
    work = np.empty(D)
    cached_h = -1.0
    n0 = np.empty(T, dtype=np.int64)
    pdiv = np.zeros(T)
    for i in range(T):
        for k in range(div_off[i], div_off[i + 1]):
            pdiv[i] += div_p[k]
    n1 = np.empty(T, dtype=np.int64)
    has_out = np.zeros(T, dtype=np.bool_)  # types with a division into another type or a switch out
    for i in range(T):
        cd[i] = 0.0
        has_out[i] = div_off[i + 1] > div_off[i]
    for s in range(S):
        has_out[sws[s, 0]] = True
    long_cap = -1.0  # the long-step cap, computed when first used
    t = t0
    rec = record(t, counts, conc, rec_times, 0, out_counts, out_conc)
    steps = 0
    while t < t1:
        apply_doses(t, depot, conc, dose, interval, next_dose, pkp)
        seg_end = segment_end(t, t1, next_dose, rec_times, rec)
        varying = pk_varying(depot, conc, pkp)
        cap = dt_max
        if long_max > dt_max and not varying and not has_comp:
            if long_cap < 0.0:  # constant exposure: `conc` is the same at every step that is not `varying`
                long_cap = _long_cap(conc, tp, pdp, comb, sws, swp, bq, dq, sq, work, dt_max, long_max)
            cap = long_cap
        if t + cap < seg_end:
            seg_end = t + cap
        h = seg_end - t
        while varying or has_comp or h != cached_h:  # else: the last step's constants hold
            for q in range(3 if varying else 1):
                if varying:
                    conc_at(depot, conc, pkp, 0.5 * h * q, cnow)
                    c = cnow
                else:
                    c = conc
                if comb == BLISS:
                    rates_bliss(c, tp, pdp, sws, swp, bq, dq, sq, q)
                else:
                    rates_at(c, tp, pdp, comb, sws, swp, bq[q], dq[q], sq[q], work)
            if has_comp:
                competition_death(counts, tp, comp, cd)
            err = _step_constants(varying, h, tp, sws, pdiv, cd, bq, dq, sq, lam_bar, mu_bar, bbar, swbar, surv_c,
                                  eta_c)
            cached_h = -1.0 if (varying or has_comp) else h
            if err <= STEP_TOL or h <= MIN_STEP:
                break
            h *= 0.5  # a varying exposure the quadrature does not follow: halve the step
        seg_end = t + h
        # each type's own lineage: exact leap
        for i in range(T):
            n0[i] = counts[i]
            if n0[i] > 0:
                counts[i] = lineages(rng, n0[i], surv_c[i], eta_c[i])
        # type changes: Poisson in the source's cell-days; arrival times follow the source's path
        for i in range(T):
            n1[i] = counts[i]
        for i in range(T):
            if not has_out[i] or (n0[i] == 0 and n1[i] == 0):
                continue
            f0 = float(n0[i])
            f1 = float(n1[i])
            a = -1.0  # the cell-days, computed by the first arrival draw that needs them
            a_upper = 0.5 * h * (f0 + f1) * (1.0 + 1e-12)  # ≥ the logarithmic mean, rounding included
            for k in range(div_off[i], div_off[i + 1]):
                a = _arrive_lazy(rng, counts, div_tgt[k], bbar[i] * div_p[k], a, a_upper, f0, f1, h, lam_bar,
                                 mu_bar)
            for s in range(S):
                if sws[s, 0] == i:
                    a = _arrive_lazy(rng, counts, sws[s, 1], swbar[s], a, a_upper, f0, f1, h, lam_bar, mu_bar)
        t = seg_end
        advance_pk(depot, conc, pkp, h)
        rec = record(t, counts, conc, rec_times, rec, out_counts, out_conc)
        steps += 1
        if _over_ceiling(counts):
            return -1
    return steps


@njit(**_OPTS)
def leap_batch(
    states, qs, status, t0, t1, counts, depot, conc, dose, interval, next_dose, pkp, pidx,
    tp, pdp, comb, div_off, div_tgt, div_p, sws, swp, comp, has_comp,
    rec_times, out_counts, out_conc, dt_max, long_max,
):
    """:func:`leap_run` for the replicates ``qs`` in one call (layout of :func:`._kernels.ssa_batch`, except
    that replicate q's stream is row q of ``states``, ``uint64[R, 4]`` PCG64 states of :mod:`._pcg`,
    advanced in place)."""
    T = tp.shape[1]
    S = sws.shape[0]
    bq = np.zeros((3, T))
    dq = np.zeros((3, T))
    sq = np.zeros((3, S))
    vec = np.zeros((7, max(T, pkp.shape[1], 1)))
    swbar = np.zeros(S)
    for m in range(qs.shape[0]):
        q = qs[m]
        p = pidx[q]
        status[q] = leap_run(
            states[q], t0, t1, counts[q], depot[q], conc[q], dose[q], interval[q], next_dose[q], pkp[q],
            tp[p], pdp[p], comb, div_off, div_tgt, div_p[p], sws, swp[p], comp, has_comp,
            rec_times, out_counts[q], out_conc[q], dt_max, long_max, bq, dq, sq, vec, swbar,
        )
