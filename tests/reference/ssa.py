"""A slow, readable pure-Python SSA: the reference for the numba kernel.

It implements the same algorithm as ``oncoresist.engine._kernels.ssa_run``
(direct method, Lewis–Shedler thinning over pieces of at most ``h_grid`` days
with exact concentration ranges) and draws the same uniforms in the same order,
so for the same generator state it must give exactly the same trajectory.
It reads the compiled model directly (no packed arrays) and uses the model
layer's plain-Python PK/PD functions.
"""

from __future__ import annotations

import math

import numpy as np

from oncoresist.model.compile import CompiledModel
from oncoresist.model.pd import BLISS, hill, loewe_effect
from oncoresist.model.pk import CONSTANT, IV_BOLUS, ORAL, conc_after, conc_range, depot_after


def rates(m: CompiledModel, conc: list[float]) -> tuple[list[float], list[float], list[float]]:
    """Birth, death (no competition) and switch rates at concentrations ``conc``."""
    birth, death = [], []
    for i in range(m.n_types):
        c = [conc[j] * m.exposure[i, j] for j in range(m.n_drugs)]
        if m.combination == BLISS:
            fac, kill = 1.0, 0.0
            for j in range(m.n_drugs):
                if c[j] > 0.0:
                    if m.b_emax[i, j] > 0.0:
                        fac *= 1.0 - m.b_emax[i, j] * hill(c[j], m.b_ec50[i, j], m.b_hill[i, j])
                    if m.d_emax[i, j] > 0.0:
                        kill += m.d_emax[i, j] * hill(c[j], m.d_ec50[i, j], m.d_hill[i, j])
        else:
            fac = 1.0 - loewe_effect(c, m.b_emax[i], m.b_ec50[i], m.b_hill[i], m.n_drugs)
            kill = loewe_effect(c, m.d_emax[i], m.d_ec50[i], m.d_hill[i], m.n_drugs)
        birth.append(m.birth[i] * fac)
        death.append(m.death[i] + m.immune[i] + kill)
    switch = []
    for s in range(len(m.sw_src)):
        r = m.sw_off[s]
        j = m.sw_drug[s]
        if j >= 0:
            c = conc[j] * m.exposure[m.sw_src[s], j]
            r += (m.sw_on[s] - m.sw_off[s]) * hill(c, m.sw_ec50[s], m.sw_hill[s])
        switch.append(r)
    return birth, death, switch


def reference_ssa(
    m: CompiledModel,
    rng: np.random.Generator,
    t_end: float,
    record_times: list[float],
    ke: list[float],
    v: list[float],
    regimen: list[tuple[float, float]],
    h_grid: float = 0.25,
) -> np.ndarray:
    """Counts at ``record_times`` from ``m.initial`` with doses ``regimen[j] = (dose, interval)`` from t=0.

    ``ke`` and ``v`` are the patient's elimination rates and volumes.
    """
    n = [int(x) for x in m.initial]
    nd = m.n_drugs
    depot, conc = [0.0] * nd, [0.0] * nd
    dose = [regimen[j][0] for j in range(nd)]
    interval = [regimen[j][1] for j in range(nd)]
    nxt = [math.inf] * nd
    for j in range(nd):
        if m.pk_model[j] == CONSTANT:
            conc[j] = dose[j]
        elif dose[j] > 0:
            nxt[j] = 0.0
    divs = sorted(range(len(m.div_src)), key=lambda k: m.div_src[k])
    out = []
    rec = 0
    t = 0.0
    while rec < len(record_times) and record_times[rec] <= t:
        out.append(list(n))
        rec += 1
    while t < t_end:
        for j in range(nd):  # doses due
            while nxt[j] <= t:
                if dose[j] > 0:
                    if m.pk_model[j] == ORAL:
                        depot[j] += m.bioavailability[j] * dose[j]
                    elif m.pk_model[j] == IV_BOLUS:
                        conc[j] += dose[j] / v[j]
                nxt[j] = nxt[j] + interval[j] if interval[j] > 0 and dose[j] > 0 else math.inf
        seg_end = min([t_end, *nxt] + ([record_times[rec]] if rec < len(record_times) else []))
        varying = any(m.pk_model[j] != CONSTANT and (depot[j] > 0 or conc[j] > 0) for j in range(nd))
        if varying and t + h_grid < seg_end:
            seg_end = t + h_grid
        t_seg, h = t, seg_end - t
        ranges = [conc_range(int(m.pk_model[j]), m.ka[j], ke[j], v[j], depot[j], conc[j], 0.0, h) for j in range(nd)]
        b_hi, _, sw_a = rates(m, [lo for lo, _ in ranges])
        _, d_hi, sw_b = rates(m, [hi for _, hi in ranges])
        sw_hi = [max(x, y) for x, y in zip(sw_a, sw_b, strict=True)]
        b_now, d_now, sw_now = b_hi, d_hi, sw_hi
        while True:
            comp = [m.growth[i] * sum(m.comp[i, k] * n[k] for k in range(m.n_types)) for i in range(m.n_types)]
            bound = 0.0
            for i in range(m.n_types):
                bound += n[i] * (b_hi[i] + d_hi[i] + comp[i])
            for s in range(len(m.sw_src)):
                bound += n[m.sw_src[s]] * sw_hi[s]
            if bound <= 0.0:
                break
            tau = -math.log(1.0 - rng.random()) / bound
            if t + tau >= seg_end:
                break
            t += tau
            if varying:
                cnow = [
                    conc_after(int(m.pk_model[j]), m.ka[j], ke[j], v[j], depot[j], conc[j], t - t_seg)
                    for j in range(nd)
                ]
                b_now, d_now, sw_now = rates(m, cnow)
            target = rng.random() * bound
            acc = 0.0
            done = False
            for i in range(m.n_types):
                acc += n[i] * b_now[i]
                if target < acc:
                    child = i
                    mine = [k for k in divs if m.div_src[k] == i]
                    if mine:
                        u = rng.random()
                        cum = 0.0
                        for k in mine:
                            cum += m.div_p[k]
                            if u < cum:
                                child = int(m.div_tgt[k])
                                break
                    n[child] += 1
                    done = True
                    break
                acc += n[i] * (d_now[i] + comp[i])
                if target < acc:
                    n[i] -= 1
                    done = True
                    break
            if not done:
                for s in range(len(m.sw_src)):
                    acc += n[m.sw_src[s]] * sw_now[s]
                    if target < acc:
                        n[m.sw_src[s]] -= 1
                        n[m.sw_tgt[s]] += 1
                        break
        t = seg_end
        for j in range(nd):
            if m.pk_model[j] != CONSTANT:
                c = conc_after(int(m.pk_model[j]), m.ka[j], ke[j], v[j], depot[j], conc[j], h)
                depot[j] = depot_after(int(m.pk_model[j]), m.ka[j], depot[j], h)
                conc[j] = c
        while rec < len(record_times) and record_times[rec] <= t:
            out.append(list(n))
            rec += 1
    return np.array(out, dtype=np.int64)
