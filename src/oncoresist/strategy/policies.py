"""Treatment strategies as policy objects (continuous, intermittent, adaptive, sequential,
ctDNA-guided, combination, dose reduction).

Every policy sees only an :class:`~oncoresist.strategy.base.Observation` (imaging, plasma,
serum marker), never the simulated cell counts. Doses are fractions of each drug's reference
dose in the scenario (1.0 = the MTD schedule).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from oncoresist.monitor.recist import PD, PR
from oncoresist.strategy.base import Decision, LinePolicy, Observation, Policy, PolicyState
from oncoresist.strategy.model_guided import ModelGuided


def _pd(obs: Observation) -> np.ndarray:
    """RECIST progression at this scan (False when not imaged now)."""
    return obs.imaged & (obs.recist == PD)


class Continuous(LinePolicy):
    """Continuous dosing of one regimen at a fixed dose (1.0 = MTD).

    Parameters
    ----------
    drugs : list of str
        Drugs given together.
    dose : float
        Fraction of the reference (MTD) dose.
    stop_at_progression : bool
        Stop dosing after progression (otherwise continue beyond progression).
    progression : {"recist", "marker"}
        Progression is RECIST PD at a scan, or a serum marker (e.g. PSA) reaching
        ``progression_fraction`` × its baseline (as for :class:`Adaptive`, so the two compare fairly).
    progression_fraction : float
        Threshold for ``progression="marker"``.
    """

    kind = "continuous"

    def __init__(self, drugs: Sequence[str], dose: float = 1.0, stop_at_progression: bool = False,
                 progression: str = "recist", progression_fraction: float = 1.2) -> None:
        super().__init__([list(drugs)], dose)
        self.stop_at_progression = stop_at_progression
        self.progression = progression
        self.progression_fraction = progression_fraction

    def _progressed(self, obs: Observation, state: PolicyState) -> np.ndarray:
        if self.progression == "recist":
            return _pd(obs)
        if obs.marker is None:
            raise ValueError("progression='marker' needs a serum marker in the observation")
        first = np.isnan(state.reference)
        state.reference[first] = obs.marker[first]
        return ~first & (obs.marker >= self.progression_fraction * state.reference)

    def decide(self, obs: Observation, state: PolicyState) -> Decision:
        n = obs.n
        prog = self._progressed(obs, state) & ~state.triggered
        state.triggered |= prog
        if self.stop_at_progression:
            state.exhausted |= prog
        doses = self._dose_table(state, np.full(n, self.dose))
        return Decision(doses, state.line.copy(), prog, np.zeros(n, bool), state.exhausted.copy())


class Combination(Continuous):
    """Upfront combination: several drugs together from day 0 (continuous dosing)."""

    kind = "combination"


class Intermittent(LinePolicy):
    """A fixed on/off schedule: ``on_days`` on drug, then ``off_days`` off, repeated.

    Progression is RECIST PD at a scan (PD during an off period counts too).
    """

    kind = "intermittent"

    def __init__(self, drugs: Sequence[str], on_days: float, off_days: float, dose: float = 1.0) -> None:
        super().__init__([list(drugs)], dose)
        self.on_days = on_days
        self.off_days = off_days

    def extra_decision_times(self, t_end: float) -> np.ndarray:
        period = self.on_days + self.off_days
        starts = np.arange(0.0, t_end, period)
        return np.unique(np.concatenate([starts, starts + self.on_days]))

    def decide(self, obs: Observation, state: PolicyState) -> Decision:
        n = obs.n
        period = self.on_days + self.off_days
        phase = obs.time % period
        on = phase < self.on_days - 1e-9
        prog = _pd(obs) & ~state.triggered
        state.triggered |= prog
        doses = self._dose_table(state, np.full(n, self.dose if on else 0.0))
        return Decision(doses, state.line.copy(), prog, np.zeros(n, bool), state.exhausted.copy())


class Adaptive(LinePolicy):
    """Adaptive therapy (Zhang et al. 2017, Nat Commun 8:1816): stop when the burden falls below
    ``stop_fraction`` of its baseline, restart when it returns to ``restart_fraction`` of it.

    Parameters
    ----------
    drugs : list of str
        Drugs given during "on" periods.
    stop_fraction : float
        Treatment pauses when marker ≤ ``stop_fraction`` × baseline (Zhang et al.: 0.5).
    restart_fraction : float
        Treatment resumes when marker ≥ ``restart_fraction`` × baseline (Zhang et al.: 1.0).
    marker : {"sod", "marker", "tumour_fraction"}
        What is measured: imaging sum of diameters, a serum marker (PSA) or ctDNA tumour fraction.
    progression_fraction : float
        Progression: marker ≥ ``progression_fraction`` × baseline while on treatment (and, for
        ``sod``, at least 5 mm above baseline). Adaptive therapy lets the tumour regrow to its
        baseline by design, so progression is measured from the baseline, not the nadir.
    """

    kind = "adaptive"

    def __init__(self, drugs: Sequence[str], stop_fraction: float = 0.5, restart_fraction: float = 1.0,
                 marker: str = "sod", progression_fraction: float = 1.2, dose: float = 1.0) -> None:
        super().__init__([list(drugs)], dose)
        self.stop_fraction = stop_fraction
        self.restart_fraction = restart_fraction
        self.marker = marker
        self.progression_fraction = progression_fraction

    def _value(self, obs: Observation) -> tuple[np.ndarray, bool]:
        if self.marker == "sod":
            return obs.sod_mm, obs.imaged
        if self.marker == "marker":
            if obs.marker is None:
                raise ValueError("adaptive policy with marker='marker' needs a serum marker in the observation")
            return obs.marker, True
        if self.marker == "tumour_fraction":
            if obs.tumour_fraction is None:
                raise ValueError("adaptive policy with marker='tumour_fraction' needs ctDNA observations")
            return obs.tumour_fraction, obs.ctdna_sampled
        raise ValueError(f"unknown adaptive marker {self.marker!r}")

    def decide(self, obs: Observation, state: PolicyState) -> Decision:
        n = obs.n
        value, fresh = self._value(obs)
        first = np.isnan(state.reference)
        if fresh:
            state.reference[first] = value[first]
        prog = np.zeros(n, bool)
        if fresh:
            ref = state.reference
            above = value >= self.progression_fraction * ref
            if self.marker == "sod":
                above &= value - ref >= 5.0
            prog = state.on & above & ~state.triggered & ~first
            state.triggered |= prog
            stop = state.on & (value <= self.stop_fraction * ref) & ~state.triggered
            restart = ~state.on & (value >= self.restart_fraction * ref)
            state.on = np.where(stop, False, np.where(restart, True, state.on))
            state.on |= state.triggered  # after progression: continuous treatment
        level = np.where(state.on, self.dose, 0.0)
        doses = self._dose_table(state, level)
        return Decision(doses, state.line.copy(), prog, np.zeros(n, bool), state.exhausted.copy())


class Sequential(LinePolicy):
    """Sequential lines: switch to the next regimen at RECIST progression (e.g. erlotinib →
    osimertinib → platinum doublet). Progression on the last line exhausts the strategy.

    The ``progression`` flag marks the first progression (first-line PFS).
    """

    kind = "sequential"

    def decide(self, obs: Observation, state: PolicyState) -> Decision:
        n = obs.n
        pd = _pd(obs) & ~state.exhausted
        first = pd & ~state.triggered
        state.triggered |= pd
        switched, _ = self._advance(state, pd)
        doses = self._dose_table(state, np.full(n, self.dose))
        return Decision(doses, state.line.copy(), first, switched, state.exhausted.copy())


class CtdnaGuided(LinePolicy):
    """Sequential lines that also switch when a resistance mutation is detected in plasma.

    Parameters
    ----------
    lines : list of list of str
        Regimens in order.
    switch_on : dict[int, list of str]
        For each line index, the mutations whose detection in plasma moves the patient to the
        next line before radiographic progression. RECIST PD also switches.
    """

    kind = "ctdna_guided"

    def __init__(self, lines: Sequence[Sequence[str]], switch_on: dict[int, Sequence[str]],
                 dose: float = 1.0) -> None:
        super().__init__(lines, dose)
        self.switch_on = {int(k): list(v) for k, v in switch_on.items()}

    def decide(self, obs: Observation, state: PolicyState) -> Decision:
        n = obs.n
        pd = _pd(obs) & ~state.exhausted
        molecular = np.zeros(n, bool)
        if obs.ctdna_sampled:
            for line, muts in self.switch_on.items():
                on_line = state.line == line
                for mut in muts:
                    if mut not in obs.ctdna_detected:
                        raise ValueError(f"ctDNA-guided policy tracks {mut!r}, which the monitor does not measure")
                    molecular |= on_line & obs.ctdna_detected[mut]
        molecular &= ~state.exhausted
        first = pd & ~state.triggered
        state.triggered |= pd
        switched, _ = self._advance(state, pd | molecular)
        doses = self._dose_table(state, np.full(n, self.dose))
        return Decision(doses, state.line.copy(), first, switched, state.exhausted.copy())


class DoseReduction(LinePolicy):
    """Dose de-escalation: full dose until a RECIST response, then ``reduced_dose``; back to full
    dose at the first PD on the reduced dose (new baseline); PD on full dose is progression.
    """

    kind = "dose_reduction"

    def __init__(self, drugs: Sequence[str], dose: float = 1.0, reduced_dose: float = 0.5) -> None:
        super().__init__([list(drugs)], dose)
        self.reduced_dose = reduced_dose

    def decide(self, obs: Observation, state: PolicyState) -> Decision:
        pd = _pd(obs)
        escalate = pd & state.reduced
        prog = pd & ~state.reduced & ~state.triggered
        state.triggered |= prog
        # `state.on` means "a reduction is still allowed" (one reduction per patient)
        respond = obs.imaged & (obs.recist <= PR) & ~state.reduced & ~state.triggered & state.on
        state.reduced = (state.reduced | respond) & ~escalate
        state.on &= ~escalate
        level = np.where(state.reduced, self.reduced_dose, self.dose)
        doses = self._dose_table(state, level)
        return Decision(doses, state.line.copy(), prog, escalate, state.exhausted.copy())


POLICIES: dict[str, type[Policy]] = {
    cls.kind: cls for cls in (Continuous, Combination, Intermittent, Adaptive, Sequential, CtdnaGuided, DoseReduction,
                              ModelGuided)
}
"""Policy classes by the ``strategy.kind`` used in trial files."""
