"""``model_guided``: switch line when a fitted forecast makes RECIST progression by the next visit likely.

At every scan the policy fits, per patient, the late phase of the resistance-aware model of
``oncoresist.fit`` to the scans of the current line: once the sensitive cells are cleared the burden is
x(t) ≈ ρ·e^(g·t), so log(sum of diameters) is linear in time with slope g/3. The slope is the
least-squares fit over the last ``window`` scans (at least ``min_scans``); with a log-scale
measurement noise ``noise_cv`` the forecast log-SOD at ``t + horizon_days`` is normal with variance
cv²·(1 + 1/m) + horizon²·cv²/Σ(t − t̄)². The policy switches to the next line when

    P(SOD(t + horizon) ≥ max(1.2·nadir, nadir + 5 mm)) > threshold

(the RECIST 1.1 progression rule of ``monitor.recist``), or at RECIST progression. A fit of the full
model (``oncoresist.fit.bayes``) sits one layer up and cannot be called from here (DESIGN.md layers);
this is its closed-form late-phase approximation, vectorised over a batch of patients.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr

from oncoresist.errors import OncoresistError
from oncoresist.monitor.recist import PD, PD_ABSOLUTE_MM, PD_RELATIVE
from oncoresist.strategy.base import Decision, LinePolicy, Observation, PolicyState


@dataclass
class ModelGuidedState(PolicyState):
    """PolicyState plus the recent scans of the current line (``times``, ``log_sod``: (n, window))."""

    times: np.ndarray | None = None
    log_sod: np.ndarray | None = None


class ModelGuided(LinePolicy):
    """Sequential lines with a forecast-triggered switch (see the module docstring).

    Parameters
    ----------
    lines : list of list of str
        Regimens in order.
    threshold : float
        Switch when the forecast probability of progression by the next visit exceeds this.
    horizon_days : float
        Look-ahead (days), normally the imaging interval.
    window, min_scans : int
        Scans of the current line used by the fit, and the fewest that allow a forecast.
    noise_cv : float
        Log-scale measurement noise of the sum of diameters (``monitor.imaging`` default 0.05 plus
        reader variation; 0.1 by default, an assumption).
    dose : float
        Dose as a fraction of the reference dose.
    """

    kind = "model_guided"

    def __init__(self, lines: Sequence[Sequence[str]], threshold: float = 0.5, horizon_days: float = 56.0,
                 window: int = 4, min_scans: int = 3, noise_cv: float = 0.1, dose: float = 1.0) -> None:
        if not 0.0 < threshold < 1.0:
            raise OncoresistError(f"threshold must be in (0, 1), got {threshold}")
        if min_scans < 2 or window < min_scans:
            raise OncoresistError(f"need 2 <= min_scans <= window, got min_scans={min_scans}, window={window}")
        super().__init__(lines, dose)
        self.threshold = threshold
        self.horizon_days = horizon_days
        self.window = window
        self.min_scans = min_scans
        self.noise_cv = noise_cv

    def start(self, n: int) -> ModelGuidedState:
        base = PolicyState.new(n)
        return ModelGuidedState(**base.__dict__, times=np.full((n, self.window), np.nan),
                                log_sod=np.full((n, self.window), np.nan))

    def p_progression(self, state: ModelGuidedState, nadir: np.ndarray) -> np.ndarray:
        """Forecast probability of RECIST progression ``horizon_days`` after the last scan (NaN: too few scans)."""
        assert state.times is not None and state.log_sod is not None
        t, y = state.times, state.log_sod
        ok = np.isfinite(t) & np.isfinite(y)
        m = ok.sum(axis=1)
        tm = np.where(ok, t, 0.0).sum(axis=1) / np.maximum(m, 1)
        ym = np.where(ok, y, 0.0).sum(axis=1) / np.maximum(m, 1)
        dt = np.where(ok, t - tm[:, None], 0.0)
        sxx = (dt**2).sum(axis=1)
        safe_sxx = np.where(sxx > 0, sxx, 1.0)
        slope = np.where(sxx > 0, (dt * np.where(ok, y - ym[:, None], 0.0)).sum(axis=1) / safe_sxx, 0.0)
        t_last = np.nanmax(np.where(ok, t, -np.inf), axis=1)
        h = self.horizon_days
        mu = ym + slope * (t_last + h - tm)
        slope_var = np.where(sxx > 0, self.noise_cv**2 / safe_sxx, np.inf)
        var = self.noise_cv**2 * (1.0 + 1.0 / np.maximum(m, 1)) + (t_last + h - tm) ** 2 * slope_var
        thr = np.maximum((1.0 + PD_RELATIVE) * nadir, nadir + PD_ABSOLUTE_MM)
        with np.errstate(divide="ignore", invalid="ignore"):
            z = (np.log(np.maximum(thr, 1e-9)) - mu) / np.sqrt(var)
        p = 1.0 - ndtr(z)
        return np.where(m >= self.min_scans, p, np.nan)

    def decide(self, obs: Observation, state: PolicyState) -> Decision:
        if not isinstance(state, ModelGuidedState) or state.times is None or state.log_sod is None:
            raise TypeError("model_guided needs the state made by its own start()")
        n = obs.n
        pd = obs.imaged & (obs.recist == PD) & ~state.exhausted
        forecast = np.zeros(n, dtype=bool)
        if obs.imaged:
            state.times[:] = np.roll(state.times, -1, axis=1)
            state.log_sod[:] = np.roll(state.log_sod, -1, axis=1)
            state.times[:, -1] = obs.time
            state.log_sod[:, -1] = np.log(np.maximum(obs.sod_mm, 1.0))
            p = self.p_progression(state, obs.nadir_mm)
            forecast = (np.nan_to_num(p, nan=0.0) > self.threshold) & ~state.exhausted
        first = pd & ~state.triggered
        state.triggered |= pd
        move, _ = self._advance(state, pd | forecast)
        state.times[move] = math.nan  # a new line starts a new history
        state.log_sod[move] = math.nan
        doses = self._dose_table(state, np.full(n, self.dose))
        return Decision(doses, state.line.copy(), first, move, state.exhausted.copy())
