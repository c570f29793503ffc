"""The resistance-aware mean-field model and its observation models, vectorised over parameter draws.

State (Luria–Delbrück-free mean field of a two-type twin scenario, no new resistance arising during
the fit window): sensitive cells S and resistant cells R, in units of the burden at the first
measurement t0 (S0 + R0 = 1, R0 = ρ)::

    dS/dt = (g − (g + d)·u(t))·S        dR/dt = g·R

with u(t) = 1 while a treatment period covers t, else 0. Off drug both types grow at the net rate g
(per day); on drug the sensitive type declines at the net rate d and the resistant type keeps growing
at g. The solution is closed form: with E_on(t), E_off(t) the days on and off drug since t0,
x(t) = S + R = (1 − ρ)·exp(g·E_off − d·E_on) + ρ·exp(g·(t − t0)). This is the ODE mean field of the
engine for two types with net rates b − d (the engine's ``method="ode"``), so the fitted (ρ, d, g)
are the scenario's initial resistant fraction and net rates.

With a deceleration a (``decel``, per day) growth is Gompertzian instead: the growth rate is
g·e^(−a(t − t0)) for resistant cells and for sensitive cells off drug (the drug's kill d does not
decelerate), so R saturates at ρ·e^(g/a); :func:`log_burden` with ``decel`` and :func:`on_bounds`.
The engine has no Gompertz growth (its saturation is Lotka–Volterra competition), so only a = 0 maps
exactly onto an engine scenario.

Observation models (parameters named as in :class:`~oncoresist.fit.bayes.ResistanceFitter`):

- **imaging** (lesion diameter, sum of diameters; a volume V is converted to the diameter
  (V/0.52)^(1/3)): true diameter D(t) = D0·x(t)^(1/3) (volume ∝ burden); measured
  D_obs ~ Normal(D, sqrt((cv·D)² + sd_mm²)), as the multiplicative + additive noise of
  ``monitor.imaging.ImagingModel``; a measurement of 0 mm or flagged below detection contributes
  P(D_obs < detection limit) (censored), the per-lesion detection limit of the same model.
- **ctDNA VAF** (per mutation, with read depth n): tumour fraction TF(t) with odds proportional to
  the burden, TF/(1 − TF) = x(t)·TF0/(1 − TF0); a heterozygous truncal mutation has VAF = TF/2, a
  resistance mutation VAF = TF/2 · R/(S + R); mutant reads ~ BetaBinomial(n, p, concentration c) with
  p = VAF·(1 − e) + (1 − VAF)·e and sequencing error e = 1e-5 (``monitor.ctdna.CtdnaAssay``).
  Plasma ctDNA is taken proportional to the burden, not to the death flux of ``monitor.ctdna``
  (an assumption: the two differ early on a cytotoxic drug).
- **serum markers** (PSA, CA-125, BCR::ABL1 ratio): log m ~ Normal(log(m0·x(t)), σ_marker).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.special import betaln, gammaln, log_ndtr, stdtr

from oncoresist.fit.laleh import VOLUME_FACTOR
from oncoresist.fit.series import IMAGING_KINDS, MeasurementKind, Series, SeriesError, TreatmentPeriod
from oncoresist.monitor.imaging import ImagingModel
from oncoresist.monitor.recist import PD_ABSOLUTE_MM, PD_RELATIVE

SEQ_ERROR = 1e-5
"""Per-base sequencing error (``monitor.ctdna.CtdnaAssay.error_rate``)."""
_IMAGING_DEFAULT = ImagingModel()
IMAGING_SD_MM = _IMAGING_DEFAULT.noise_sd_mm
DETECTION_LIMIT_MM = _IMAGING_DEFAULT.detection_limit_mm
_LOG_CAP = 30.0


def _merged(treatments: Sequence[TreatmentPeriod]) -> list[list[float]]:
    """On-drug intervals [start, stop] with overlapping periods merged (stop = inf when ongoing)."""
    intervals = sorted((p.start_days, math.inf if p.stop_days is None else p.stop_days) for p in treatments)
    merged: list[list[float]] = []
    for a, b in intervals:
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return merged


def exposure(times: np.ndarray, t0: float, treatments: Sequence[TreatmentPeriod]) -> tuple[np.ndarray, np.ndarray]:
    """Days on drug and off drug between ``t0`` and each time (overlapping periods are merged)."""
    t = np.asarray(times, dtype=float)
    on = np.zeros_like(t)
    for a, b in _merged(treatments):
        lo = np.maximum(a, t0)
        hi = np.minimum(b, t)
        on += np.clip(hi - lo, 0.0, None) * (t > t0)
    elapsed = np.clip(t - t0, 0.0, None)
    return on, elapsed - on


def on_bounds(times: np.ndarray, t0: float, treatments: Sequence[TreatmentPeriod]) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (days since ``t0``) of each merged on-drug interval clipped to [t0, t]: two (T, M) arrays."""
    t = np.asarray(times, dtype=float)
    merged = _merged(treatments)
    el = np.clip(t - t0, 0.0, None)[:, None]
    if not merged:
        z = np.zeros((t.size, 0))
        return z, z
    a = np.array([m[0] for m in merged]) - t0
    b = np.array([m[1] for m in merged]) - t0
    lo = np.clip(np.minimum(a[None, :], el), 0.0, None)
    hi = np.clip(np.minimum(b[None, :], el), 0.0, None)
    return lo, np.maximum(hi, lo)


def growth_clock(decel: np.ndarray, s: np.ndarray) -> np.ndarray:
    """∫₀ˢ e^(−a·u) du = (1 − e^(−a·s))/a, the days of growth at the initial rate (→ s as a → 0).

    ``decel`` broadcasts against ``s``. This is Gompertz growth written in time: the specific growth
    rate g·e^(−a·t) decays at rate a, so log-growth saturates at g/a.
    """
    a = np.maximum(decel, 1e-12)
    return -np.expm1(-a * s) / a


def resistant_plateau(log10_rho: np.ndarray, growth: np.ndarray, decel: np.ndarray) -> np.ndarray:
    """P = ln ρ + g/a: natural log of the resistant cells' Gompertz plateau ρ·e^(g/a), relative to the burden
    at the first measurement (R(t) → ρ·e^(g/a) as t → ∞). g/a is capped at 665 (a → 0 is exponential growth)."""
    log_ratio = np.log(np.maximum(growth, 1e-300)) - np.log(np.maximum(decel, 1e-300))
    return math.log(10.0) * np.asarray(log10_rho, dtype=float) + np.exp(np.minimum(log_ratio, 6.5))


def log_burden(log10_rho: np.ndarray, kill: np.ndarray, growth: np.ndarray, e_on: np.ndarray,
               e_off: np.ndarray, *, decel: np.ndarray | None = None, on_lo: np.ndarray | None = None,
               on_hi: np.ndarray | None = None, kill_decel: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """log x(t) and log of the resistant share R/(S+R): draws (W,) × times (T,) → (W, T).

    Without ``decel`` growth is exponential (the engine's mean field). With ``decel`` (a, per day;
    needs ``on_lo``/``on_hi`` from :func:`on_bounds`) growth is Gompertzian: resistant cells grow at
    g·e^(−a(t − t0)), sensitive cells off drug at the same rate, and on drug sensitive cells decline
    at d (``kill_decel`` False: the drug's kill does not decelerate) or at d·e^(−a(t − t0))
    (``kill_decel`` True: every net rate runs on the same Gompertz clock, so a shrinking population
    approaches a floor (1 − ρ)·e^(−d/a) as the Gompertz law's ln V(t) = β/α + (ln V0 − β/α)e^(−αt)
    approaches its plateau from above).
    """
    log_rho = np.log(10.0) * log10_rho[:, None]
    log_1m = np.log1p(-np.minimum(10.0 ** log10_rho, 1.0 - 1e-12))[:, None]
    g, d = growth[:, None], kill[:, None]
    kill_on = e_on[None, :]
    if decel is None:
        grow_all = (e_on + e_off)[None, :]
        grow_off = e_off[None, :]
    else:
        if on_lo is None or on_hi is None:
            raise SeriesError("log_burden: decel needs on_lo and on_hi (from on_bounds)")
        a = decel[:, None]
        grow_all = growth_clock(a, (e_on + e_off)[None, :])
        a3 = decel[:, None, None]
        g_on = (growth_clock(a3, on_hi[None, :, :]) - growth_clock(a3, on_lo[None, :, :])).sum(axis=2)
        grow_off = np.maximum(grow_all - g_on, 0.0)
        if kill_decel:
            kill_on = g_on
    ls = np.minimum(log_1m + g * grow_off - d * kill_on, _LOG_CAP)
    lr = np.minimum(log_rho + g * grow_all, _LOG_CAP)
    lx = np.logaddexp(ls, lr)
    return lx, lr - lx


@dataclass
class PreparedSeries:
    """A series turned into arrays for the likelihood (built once per fit)."""

    t0: float
    treatments: list[TreatmentPeriod]
    imaging_kind: MeasurementKind
    imaging_target: str | None
    img_t: np.ndarray
    img_d: np.ndarray
    img_censored: np.ndarray
    img_on: np.ndarray
    img_off: np.ndarray
    img_lo: np.ndarray
    img_hi: np.ndarray
    vaf_targets: list[str] = field(default_factory=list)
    vaf_resistant: list[bool] = field(default_factory=list)
    vaf_t: list[np.ndarray] = field(default_factory=list)
    vaf_k: list[np.ndarray] = field(default_factory=list)
    vaf_n: list[np.ndarray] = field(default_factory=list)
    vaf_on: list[np.ndarray] = field(default_factory=list)
    vaf_off: list[np.ndarray] = field(default_factory=list)
    vaf_lo: list[np.ndarray] = field(default_factory=list)
    vaf_hi: list[np.ndarray] = field(default_factory=list)
    markers: list[str] = field(default_factory=list)
    mk_t: list[np.ndarray] = field(default_factory=list)
    mk_logv: list[np.ndarray] = field(default_factory=list)
    mk_on: list[np.ndarray] = field(default_factory=list)
    mk_off: list[np.ndarray] = field(default_factory=list)
    mk_lo: list[np.ndarray] = field(default_factory=list)
    mk_hi: list[np.ndarray] = field(default_factory=list)

    @property
    def n_obs(self) -> int:
        return int(self.img_t.size + sum(a.size for a in self.vaf_t) + sum(a.size for a in self.mk_t))

    @property
    def last_time(self) -> float:
        times = [self.img_t.max()] + [a.max() for a in self.vaf_t] + [a.max() for a in self.mk_t]
        return float(max(times))


MARKER_KINDS = (MeasurementKind.psa, MeasurementKind.ca125, MeasurementKind.bcr_abl1_ratio)


def prepare(series: Series, *, imaging_target: str | None = None, resistance_targets: Sequence[str] | None = None,
            default_depth: int = 1000, treat_from_day0: bool = True) -> PreparedSeries:
    """Arrays for the likelihood; chooses the imaging track (sum of diameters first).

    Without treatment periods the patient is taken as on drug from day 0 on (``treat_from_day0``),
    as in trial series whose day 0 is the first dose (the Laleh table). A ctDNA mutation counts as a
    resistance mutation when listed in ``resistance_targets``; without that list, when its first
    measurement is 0 or below detection (a mutation absent at baseline), otherwise as truncal.
    """
    tracks = series.tracks()
    img_tracks = [tr for tr in tracks if tr[0] in IMAGING_KINDS and (imaging_target is None or tr[1] == imaging_target)]
    order = {MeasurementKind.sum_of_diameters: 0, MeasurementKind.lesion_diameter: 1, MeasurementKind.lesion_volume: 2}
    img_tracks.sort(key=lambda tr: order[tr[0]])
    if not img_tracks:
        raise SeriesError(f"series {series.patient_id}: no imaging measurements (sum_of_diameters, lesion_diameter or "
                          "lesion_volume) to fit" + (f" for target {imaging_target!r}" if imaging_target else ""))
    kind, target = img_tracks[0]
    same_kind = [tr for tr in img_tracks if tr[0] is kind]
    if len(same_kind) > 1 and imaging_target is None and kind is not MeasurementKind.sum_of_diameters:
        raise SeriesError(f"series {series.patient_id}: several {kind.value} targets "
                          f"({', '.join(str(t) for _, t in same_kind)}); choose one with imaging_target")
    ms = series.track(kind, target)
    t = np.array([m.time_days for m in ms])
    values = np.array([m.value for m in ms])
    d = np.cbrt(values / VOLUME_FACTOR) if kind is MeasurementKind.lesion_volume else values
    censored = np.array([m.below_detection or m.value == 0.0 for m in ms])
    if t.size < 2:
        raise SeriesError(f"series {series.patient_id}: {kind.value} has {t.size} measurement(s); "
                          "at least 2 are needed")
    all_times = [m.time_days for m in series.measurements]
    t0 = float(min(all_times))
    treatments = list(series.treatments) or ([TreatmentPeriod(drug="unspecified", start_days=0.0)]
                                             if treat_from_day0 else [])
    on, off = exposure(t, t0, treatments)
    lo, hi = on_bounds(t, t0, treatments)
    prep = PreparedSeries(t0, treatments, kind, target, t, d, censored, on, off, lo, hi)
    res_set = set(resistance_targets) if resistance_targets is not None else None
    for k2, tgt in tracks:
        if k2 is MeasurementKind.ctdna_vaf:
            vs = series.track(k2, tgt)
            tv = np.array([m.time_days for m in vs])
            n = np.array([m.depth or default_depth for m in vs], dtype=float)
            kk = np.array([0.0 if m.below_detection else round(m.value * (m.depth or default_depth)) for m in vs])
            is_res = (str(tgt) in res_set) if res_set is not None else bool(vs[0].below_detection or vs[0].value == 0)
            a, b = exposure(tv, t0, treatments)
            prep.vaf_targets.append(str(tgt))
            prep.vaf_resistant.append(is_res)
            prep.vaf_t.append(tv)
            prep.vaf_k.append(kk)
            prep.vaf_n.append(n)
            prep.vaf_on.append(a)
            prep.vaf_off.append(b)
            blo, bhi = on_bounds(tv, t0, treatments)
            prep.vaf_lo.append(blo)
            prep.vaf_hi.append(bhi)
        elif k2 in MARKER_KINDS:
            vs = series.track(k2, tgt)
            tv = np.array([m.time_days for m in vs])
            vals = np.array([m.value for m in vs])
            if np.any(vals <= 0):
                raise SeriesError(f"series {series.patient_id}: {k2.value} values must be positive for the log-normal "
                                  "marker model")
            a, b = exposure(tv, t0, treatments)
            prep.markers.append(k2.value + (f" {tgt}" if tgt else ""))
            prep.mk_t.append(tv)
            prep.mk_logv.append(np.log(vals))
            prep.mk_on.append(a)
            prep.mk_off.append(b)
            blo, bhi = on_bounds(tv, t0, treatments)
            prep.mk_lo.append(blo)
            prep.mk_hi.append(bhi)
    return prep


def imaging_loglik(lx: np.ndarray, log_d0: np.ndarray, cv: np.ndarray, d_obs: np.ndarray, censored: np.ndarray,
                   *, sd_mm: float = IMAGING_SD_MM, limit_mm: float = DETECTION_LIMIT_MM,
                   nu: float | None = None) -> np.ndarray:
    """Pointwise log-likelihood (W, T) of the imaging track.

    ``nu`` None: Normal errors; a number: Student-t errors with ``nu`` degrees of freedom and the same
    scale (a robust model: one mis-measured or mis-matched lesion counts less than under the Normal).
    """
    dtrue = np.exp(np.minimum(log_d0[:, None] + lx / 3.0, _LOG_CAP))
    sd = np.sqrt((cv[:, None] * dtrue) ** 2 + sd_mm**2)
    z = (d_obs[None, :] - dtrue) / sd
    zc = (limit_mm - dtrue) / sd
    if nu is None:
        dens = -0.5 * z**2 - np.log(sd) - 0.5 * math.log(2 * math.pi)
        cens = log_ndtr(zc)
    else:
        const = gammaln((nu + 1) / 2) - gammaln(nu / 2) - 0.5 * math.log(nu * math.pi)
        dens = const - (nu + 1) / 2 * np.log1p(z**2 / nu) - np.log(sd)
        cens = np.log(np.maximum(stdtr(nu, zc), 1e-300))
    return np.where(censored[None, :], cens, dens)


def betabinom_logpmf(k: np.ndarray, n: np.ndarray, p: np.ndarray, conc: float) -> np.ndarray:
    a = p * conc
    b = (1.0 - p) * conc
    return (gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1) + betaln(k + a, n - k + b) - betaln(a, b))


def vaf_loglik(lx: np.ndarray, lres: np.ndarray, logit_tf0: np.ndarray, resistant: bool, k: np.ndarray,
               n: np.ndarray, conc: float) -> np.ndarray:
    """Pointwise log-likelihood (W, T) of one mutation's mutant-read counts."""
    log_odds = logit_tf0[:, None] + lx
    tf = 1.0 / (1.0 + np.exp(-np.clip(log_odds, -50, 50)))
    vaf = 0.5 * tf * (np.exp(lres) if resistant else 1.0)
    p = np.clip(vaf * (1 - SEQ_ERROR) + (1 - vaf) * SEQ_ERROR, 1e-12, 1 - 1e-12)
    return betabinom_logpmf(k[None, :], n[None, :], p, conc)


def marker_loglik(lx: np.ndarray, log_m0: np.ndarray, logv: np.ndarray, sigma: float) -> np.ndarray:
    z = (logv[None, :] - log_m0[:, None] - lx) / sigma
    return -0.5 * z**2 - math.log(sigma) - 0.5 * math.log(2 * math.pi)


def recist_progression_time(times: np.ndarray, diam: np.ndarray, t_from: float, *,
                            relative: float = PD_RELATIVE, absolute_mm: float = PD_ABSOLUTE_MM) -> np.ndarray:
    """First time ≥ ``t_from`` with RECIST progression (diameter ≥ (1+20%)·nadir and ≥ nadir + 5 mm).

    ``diam`` is (W, T) on the grid ``times``; the nadir is the running minimum from the first grid time
    (the fitted trajectory, baseline included). NaN where no progression happens on the grid.
    """
    nadir = np.minimum.accumulate(diam, axis=1)
    pd_ = (diam >= (1.0 + relative) * nadir) & (diam - nadir >= absolute_mm) & (times[None, :] >= t_from)
    first = np.argmax(pd_, axis=1)
    hit = pd_[np.arange(diam.shape[0]), first]
    return np.where(hit, times[first], np.nan)
