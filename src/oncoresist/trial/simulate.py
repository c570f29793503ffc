"""Simulate one batch of patients of one arm: the clinic loop.

At each decision time: advance the model, scan and/or draw blood as scheduled, hand the
:class:`~oncoresist.strategy.base.Observation` to the policy, apply its doses. The policy never
sees the model's cell counts. Death (burden reaching ``lethal_cells``) stops treatment.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from oncoresist.errors import InvalidArgument
from oncoresist.monitor.ctdna import CtdnaAssay, CtdnaParams, normal_ge_per_ml, steady_state_ge
from oncoresist.monitor.imaging import ImagingModel
from oncoresist.monitor.recist import RecistTracker
from oncoresist.strategy.base import Observation
from oncoresist.trial.cohort import FACTORS, MONITOR, sample_cohort, uniforms, visit_offsets
from oncoresist.trial.models import ScenarioHandle
from oncoresist.trial.spec import TrialError, TrialSpec, build_policy


def check_arm_drugs(spec: TrialSpec, arm_index: int, scenario: ScenarioHandle) -> None:
    """Raise :class:`TrialError` when arm ``arm_index``'s strategy gives a drug its scenario lacks."""
    arm = spec.arms[arm_index]
    known = scenario.drugs()
    missing = [d for d in build_policy(arm.strategy).drugs() if d not in known]
    if missing:
        raise TrialError(f"arms.{arm_index}.strategy: arm {arm.name!r} gives {', '.join(missing)}, which scenario "
                         f"{scenario.path!r} does not define (drugs: {', '.join(known) or 'none'})")


@dataclass(frozen=True)
class BatchJob:
    """Everything a worker needs for one batch (plain, picklable data)."""

    spec: TrialSpec
    arm_index: int
    scenario: ScenarioHandle
    patient_ids: np.ndarray
    seeds: tuple[np.random.SeedSequence, ...]
    engine_root: np.random.SeedSequence | None = None
    timeline_patients: int = 3
    method: str = "auto"


def schedule(spec: TrialSpec, extra: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Decision times, and which of them are scans and blood draws."""
    t_end = spec.follow_up_days
    img = np.asarray(spec.monitor.imaging.scan_times(t_end), dtype=float)
    ct_every = spec.monitor.ctdna.every_days
    ct = np.arange(0.0, t_end + 1e-9, ct_every) if ct_every else np.empty(0)
    mk_every = spec.monitor.marker.every_days
    mk = np.arange(0.0, t_end + 1e-9, mk_every) if mk_every else np.empty(0)
    times = np.unique(np.round(np.concatenate([img, ct, mk, extra[extra <= t_end], [t_end]]), 9))
    is_img = np.isin(times, np.round(img, 9))
    is_ct = np.isin(times, np.round(ct, 9))
    return times, is_img, is_ct


def simulate_batch(job: BatchJob) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run one batch; returns one row per patient and the visit timelines of sample patients."""
    spec = job.spec
    arm = spec.arms[job.arm_index]
    n = len(job.seeds)
    policy = build_policy(arm.strategy)
    pstate = policy.start(n)
    drugs = policy.drugs()
    check_arm_drugs(spec, job.arm_index, job.scenario)
    if job.engine_root is None:
        raise InvalidArgument("engine_root: a BatchJob needs the arm's engine seed (spawned by run_trial); "
                              "there is no silent default", param="engine_root")
    factors = sample_cohort(spec.cohort, job.seeds, n_resistant=job.scenario.n_resistant())
    model = job.scenario.build(n, factors, job.engine_root, job.patient_ids, method=job.method)
    types = list(model.cell_types)

    mon = spec.monitor
    imaging = ImagingModel(noise_cv=mon.imaging.noise_cv, noise_sd_mm=mon.imaging.noise_sd_mm,
                           detection_limit_mm=mon.imaging.detection_limit_mm, n_lesions=mon.imaging.n_lesions,
                           cells_per_cm3=mon.imaging.cells_per_cm3, visible_mm=mon.imaging.visible_mm)
    assay = CtdnaAssay(tube_ml=mon.ctdna.tube_ml, depth=mon.ctdna.depth, error_rate=mon.ctdna.error_rate,
                       false_positive_rate=mon.ctdna.false_positive_rate, seq_efficiency=mon.ctdna.seq_efficiency)
    cparams = CtdnaParams(q_d=mon.ctdna.shedding_per_death)
    tracked = list(mon.ctdna.track)
    mut_cols = []
    for mname in tracked:
        unknown = [c for c in mon.ctdna.track[mname] if c not in types]
        if unknown:
            from oncoresist.trial.spec import TrialError

            raise TrialError(f"monitor.ctdna.track.{mname}: cell type(s) {', '.join(unknown)} not in scenario "
                             f"{job.scenario.path!r} (types: {', '.join(types)})")
        mut_cols.append([types.index(c) for c in mon.ctdna.track[mname]])

    times, is_img, is_ct = schedule(spec, policy.extra_decision_times(spec.follow_up_days))
    offsets = visit_offsets(job.seeds, _visit_windows(spec, times, is_img))
    m = len(tracked)
    # per-patient monitoring noise, drawn up front: per time [z_img, u_ct0, u_ct1, u_mut...], + normal cfDNA
    width = 3 + m
    u = uniforms(job.seeds, MONITOR, (len(times) * width + 1,))
    normal_ml = normal_ge_per_ml(u[:, -1], cparams)
    u = u[:, :-1].reshape(n, len(times), width)
    from scipy.stats import norm

    tracker = RecistTracker(n)
    sod = np.zeros(n)
    recist = np.full(n, -1, dtype=np.int8)
    detected = {k: np.zeros(n, bool) for k in tracked}
    vaf = {k: np.zeros(n) for k in tracked}
    first_det = {k: np.full(n, np.nan) for k in tracked}
    onset = {k: np.full(n, np.nan) for k in tracked}  # first positive draw of the run that was confirmed
    streak = {k: np.zeros(n, dtype=np.int32) for k in tracked}  # consecutive positive draws
    streak_start = {k: np.full(n, np.nan) for k in tracked}
    confirm = int(mon.ctdna.confirm_draws)
    tf = np.zeros(n)
    cum = {d: np.zeros(n) for d in drugs}
    cum_at_pfs = {d: np.full(n, np.nan) for d in drugs}
    doses = {d: np.zeros(n) for d in drugs}
    alive = np.ones(n, bool)
    death_t = np.full(n, np.nan)
    pfs_t = np.full(n, np.nan)
    exhaust_t = np.full(n, np.nan)
    switch_t = np.full(n, np.nan)
    nadir_cells = np.full(n, np.inf)
    n_switch = np.zeros(n, np.int16)
    # endpoints by one rule for every strategy: RECIST PD (first per line), whatever the policy decides
    n_lines = max(len(getattr(policy, "lines", [[]])), 1)
    line_start = np.full((n, n_lines), np.nan)
    line_start[:, 0] = 0.0
    line_pd = np.full((n, n_lines), np.nan)
    rows = np.arange(n)
    dominant = np.full(n, -1, dtype=np.int64)
    tl_rows: list[dict] = []
    tl_sel = np.flatnonzero(np.asarray(job.patient_ids) < job.timeline_patients)
    n_tl = len(tl_sel)
    lethal = spec.lethal_cells
    marker = None
    prev_t = 0.0

    for k, t in enumerate(times):
        model.advance(float(t))
        dt = t - prev_t
        for d in drugs:
            cum[d] += doses[d] * dt
        prev_t = t
        counts = np.asarray(model.state, dtype=float)
        total = counts.sum(1)
        nadir_cells = np.where(alive, np.minimum(nadir_cells, total), nadir_cells)
        newly_dead = alive & (total >= lethal)
        death_t[newly_dead] = t
        alive &= ~newly_dead
        imaged = bool(is_img[k])
        if imaged:
            sod = np.where(alive, imaging.measure(total, norm.ppf(u[:, k, 0])), sod)
            if k == 0:
                tracker.start(sod)
                recist = np.full(n, -1, dtype=np.int8)
            else:
                recist = np.where(alive, tracker.update(float(t), sod), recist).astype(np.int8)
        sampled = bool(is_ct[k])
        if sampled:
            deaths = np.asarray(model.death_flux(), dtype=float)
            tumour_ge = steady_state_ge(deaths.sum(1), cparams)
            mutant_ge = np.column_stack([steady_state_ge(deaths[:, cols].sum(1), cparams) for cols in mut_cols]) \
                if m else np.zeros((n, 0))
            res = assay.draw(tumour_ge, mutant_ge, normal_ml, u[:, k, 1:], cparams)
            tf = res["tumour_fraction"]
            for j, name in enumerate(tracked):
                positive = res["detected"][:, j] & alive
                streak_start[name] = np.where(positive & (streak[name] == 0), t, streak_start[name])
                streak[name] = np.where(positive, streak[name] + 1, 0)
                hit = positive & (streak[name] >= confirm)
                new_hit = hit & np.isnan(first_det[name])
                first_det[name][new_hit] = t
                onset[name][new_hit] = streak_start[name][new_hit]
                detected[name] |= hit
                vaf[name] = res["vaf"][:, j]
        if hasattr(model, "marker"):
            marker = model.marker()
        obs = Observation(
            time=float(t), imaged=imaged and k > 0, sod_mm=sod.copy(), baseline_mm=tracker.baseline.copy(),
            nadir_mm=tracker.nadir.copy(), recist=recist if imaged else np.full(n, -1, np.int8),
            ctdna_sampled=sampled, ctdna_detected={k2: v.copy() for k2, v in detected.items()},
            ctdna_vaf={k2: v.copy() for k2, v in vaf.items()}, tumour_fraction=tf.copy(), marker=marker,
        )
        on_line = np.minimum(np.asarray(pstate.line, dtype=np.int64), n_lines - 1)
        if imaged and k > 0:
            pd_now = alive & (recist == 3) & np.isnan(line_pd[rows, on_line])
            line_pd[rows[pd_now], on_line[pd_now]] = t
        dec = policy.decide(obs, pstate)
        prog = dec.progression & alive & np.isnan(pfs_t)
        pfs_t[prog] = t
        dominant[prog] = np.argmax(counts[prog], axis=1)
        for d in drugs:
            cum_at_pfs[d][prog] = cum[d][prog]
        ex = dec.exhausted & alive & np.isnan(exhaust_t)
        exhaust_t[ex] = t
        sw = dec.switched & alive
        switch_t[sw & np.isnan(switch_t)] = t
        n_switch += sw
        moved = sw & (np.asarray(dec.line) < n_lines) & (np.asarray(dec.line) != on_line)
        line_start[rows[moved], np.asarray(dec.line)[moved]] = t
        if sw.any():
            tracker.rebaseline(sod, sw)
        for d in drugs:
            doses[d] = np.where(alive, dec.doses[d], 0.0)
            model.set_dose(d, doses[d])
        if newly_dead.any() and hasattr(model, "remove"):
            model.remove(newly_dead)  # after this visit's records: stop simulating the dead
        if n_tl:
            for i in tl_sel:
                row = {"patient_id": int(job.patient_ids[i]), "time": float(t), "imaged": imaged,
                       "sod_mm": float(sod[i]), "recist": int(recist[i]) if imaged else -1,
                       "ctdna_sampled": sampled, "tumour_fraction": float(tf[i]), "line": int(dec.line[i]),
                       "switched": bool(sw[i]), "progression": bool(prog[i]), "alive": bool(alive[i])}
                for d in drugs:
                    row[f"dose:{d}"] = float(doses[d][i])
                for name in tracked:
                    row[f"vaf:{name}"] = float(vaf[name][i])
                    row[f"detected:{name}"] = bool(detected[name][i])
                for j, c in enumerate(types):
                    row[f"cells:{c}"] = float(counts[i, j])
                if marker is not None:
                    row["marker"] = float(marker[i])
                tl_rows.append(row)

    t_end = float(times[-1])
    # event dates: a scan visit's events fall on its day within the protocol window (death and blood draws keep
    # their own days: plasma is drawn on its own 28-day grid)
    pfs_t, exhaust_t, switch_t = (_dated(x, times, offsets, t_end) for x in (pfs_t, exhaust_t, switch_t))
    line_pd, line_start = _dated(line_pd, times, offsets, t_end), _dated(line_start, times, offsets, t_end)
    response_time = _dated(np.asarray(tracker.response_time, float), times, offsets, t_end)
    dead = ~np.isnan(death_t)
    # PFS: progression or death, whichever first; censored at the end of follow-up
    pfs_event = ~np.isnan(pfs_t) | dead
    pfs_time = np.fmin(pfs_t, death_t)
    pfs_time = np.where(pfs_event, pfs_time, t_end)
    out = {
        "arm": np.full(n, arm.name, dtype=object),
        "patient_id": np.asarray(job.patient_ids, dtype=np.int64),
        "pfs_time": pfs_time, "pfs_event": pfs_event,
        "os_time": np.where(dead, death_t, t_end), "os_event": dead,
        "failure_time": np.where(~np.isnan(exhaust_t) | dead, np.fmin(exhaust_t, death_t), t_end),
        "failure_event": ~np.isnan(exhaust_t) | dead,
        "response_time": response_time, "best_response": tracker.best_response.astype(np.int8),
        "baseline_mm": tracker.baseline, "nadir_mm": tracker.nadir,
        "nadir_cells": nadir_cells,
        "dominant_at_pfs": np.array([types[k] if k >= 0 else "" for k in dominant], dtype=object),
        "first_switch_time": switch_t, "n_switches": n_switch,
    }
    out.update(_line_endpoints(line_start, line_pd, exhaust_t, death_t, t_end))
    res_types: list[str] = list(getattr(model, "resistant_types", []))
    for name in FACTORS:
        val = np.asarray(factors[name])
        if val.ndim == 1:
            out[f"param:{name}"] = val
        else:
            for j, rname in enumerate(res_types):
                out[f"param:{name}:{rname}"] = val[:, j]
    first_any = np.full(n, np.nan)
    onset_any = np.full(n, np.nan)
    for name in tracked:
        out[f"ctdna_first:{name}"] = first_det[name]
        first_any = np.fmin(first_any, first_det[name])
        onset_any = np.fmin(onset_any, onset[name])
    out["ctdna_first_any"] = first_any
    out["ctdna_onset_any"] = onset_any
    # lead time over the first RECIST PD (the same rule for every strategy, adaptive included):
    # from the confirmed call (what a clinician can act on) and from the first positive draw of the
    # confirmed run (detectability, as serial-tracking studies report it)
    any_pd = ~np.all(np.isnan(line_pd), axis=1)
    first_pd = np.where(any_pd, np.min(np.where(np.isnan(line_pd), np.inf, line_pd), axis=1), np.nan)
    out["ctdna_lead_time"] = np.where(any_pd & (first_any <= first_pd), first_pd - first_any, np.nan)
    out["ctdna_onset_lead_time"] = np.where(any_pd & (onset_any <= first_pd), first_pd - onset_any, np.nan)
    for d in drugs:
        out[f"dose:{d}"] = cum[d]
        out[f"dose_to_pfs:{d}"] = np.where(np.isnan(cum_at_pfs[d]), cum[d], cum_at_pfs[d])
    df = pd.DataFrame(out)
    df.insert(2, "seed_spawn_key", [".".join(map(str, s.spawn_key)) for s in job.seeds])
    tl = pd.DataFrame(tl_rows)
    if len(tl):
        tl.insert(0, "arm", arm.name)
    return df, tl



def _visit_windows(spec: TrialSpec, times: np.ndarray, is_img: np.ndarray) -> np.ndarray:
    """Each decision time's visit window (days): the scan's protocol window, 0 for visits without a scan."""
    img = spec.monitor.imaging
    scan_t = np.round(np.asarray(img.scan_times(spec.follow_up_days), float), 9)
    win = dict(zip(scan_t.tolist(), img.scan_windows(spec.follow_up_days), strict=True))
    return np.array([win.get(float(t), 0.0) if s else 0.0 for t, s in zip(np.round(times, 9), is_img, strict=True)])


def _dated(values: np.ndarray, times: np.ndarray, offsets: np.ndarray, t_end: float) -> np.ndarray:
    """Event times (nominal decision days, NaN: none; per patient, or ``(n, k)``) moved to their visit's date:
    + the patient's offset at that visit, capped at the end of follow-up."""
    if not offsets.size or not np.any(offsets):
        return values
    v = np.asarray(values, float)
    flat = v.reshape(len(v), -1)
    out = flat.copy()
    ok = ~np.isnan(flat)
    idx = np.clip(np.searchsorted(times, np.where(ok, flat, 0.0)), 0, len(times) - 1)
    hit = ok & np.isclose(times[idx], flat)
    rows = np.broadcast_to(np.arange(len(v))[:, None], flat.shape)
    out[hit] = np.minimum(flat[hit] + offsets[rows[hit], idx[hit]], t_end)
    return out.reshape(v.shape)


def _line_endpoints(line_start: np.ndarray, line_pd: np.ndarray, exhaust_t: np.ndarray, death_t: np.ndarray,
                    t_end: float) -> dict[str, np.ndarray]:
    """Per-patient endpoints by the same RECIST rule for every strategy (times in days from day 0).

    ``recist_pfs``: first RECIST PD on any line, or death. ``pfs{k}`` (k = 1..lines): the k-th
    progression (RECIST PD on line k or a later line) or death, from day 0 (PFS2 as the EMA
    defines it: second objective progression or death). ``line{k}_start`` and ``line{k}_pd``:
    when line k began and its first RECIST PD (NaN: not reached). ``line{k}_pfs``: PFS on line k
    from its start (event: PD or death on the line; censored when the line ended by a switch
    without PD, e.g. a ctDNA-guided switch, or at the end of follow-up). ``strategy_failure``:
    RECIST PD on the last line, the strategy exhausted, or death (time to failure of the whole
    strategy; for a one-line strategy the first RECIST PD).
    """
    n, n_lines = line_pd.shape
    dead = ~np.isnan(death_t)
    out: dict[str, np.ndarray] = {}
    first_pd = np.nanmin(np.where(np.isnan(line_pd), np.inf, line_pd), axis=1)
    first_pd = np.where(np.isinf(first_pd), np.nan, first_pd)
    ev = ~np.isnan(first_pd) | dead
    out["recist_pfs_time"] = np.where(ev, np.fmin(first_pd, death_t), t_end)
    out["recist_pfs_event"] = ev
    pd_sorted = np.sort(np.where(np.isnan(line_pd), np.inf, line_pd), axis=1)
    for k in range(n_lines):
        kth = np.where(np.isinf(pd_sorted[:, k]), np.nan, pd_sorted[:, k])
        ev = ~np.isnan(kth) | dead
        out[f"pfs{k + 1}_time"] = np.where(ev, np.fmin(kth, death_t), t_end)
        out[f"pfs{k + 1}_event"] = ev
    for k in range(n_lines):
        start, pd_k = line_start[:, k], line_pd[:, k]
        nxt = line_start[:, k + 1] if k + 1 < n_lines else np.full(n, np.nan)
        end = np.fmin(np.fmin(pd_k, death_t), np.fmin(nxt, t_end))
        ev = ~np.isnan(start) & (~np.isnan(pd_k) | (dead & (np.isnan(nxt) | (death_t <= nxt))))
        out[f"line{k + 1}_start"] = start
        out[f"line{k + 1}_pd"] = pd_k
        out[f"line{k + 1}_pfs_time"] = np.where(np.isnan(start), np.nan, end - start)
        out[f"line{k + 1}_pfs_event"] = ev
    last_pd = line_pd[:, n_lines - 1]
    fail = np.fmin(np.fmin(last_pd, exhaust_t), death_t)
    ev = ~np.isnan(fail)
    out["strategy_failure_time"] = np.where(ev, fail, t_end)
    out["strategy_failure_event"] = ev
    return out
