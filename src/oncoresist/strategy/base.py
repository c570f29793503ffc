"""What a policy sees (an :class:`Observation`) and what it returns (a :class:`Decision`).

Policies decide at visits from clinical observations only. The interface enforces it: a
policy's :meth:`Policy.decide` receives an :class:`Observation`, which holds imaging and
plasma measurements and never the simulated cell counts.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Observation:
    """Clinical observations of a batch of ``n`` patients at one decision time.

    Attributes
    ----------
    time : float
        Days since the start of treatment.
    imaged : bool
        Whether a scan was done at this time (otherwise the imaging fields repeat the last scan).
    sod_mm : (n,) array
        Last measured sum of target-lesion diameters (mm).
    baseline_mm, nadir_mm : (n,) arrays
        RECIST baseline and nadir for the current line (mm).
    recist : (n,) int8 array
        RECIST category at this scan (``monitor.recist.CR/PR/SD/PD``), -1 if not imaged now.
    ctdna_sampled : bool
        Whether blood was drawn at this time.
    ctdna_detected : dict[str, (n,) bool array]
        Detection call per tracked mutation (cumulative: detected at this or an earlier draw).
    ctdna_vaf : dict[str, (n,) array]
        Variant allele fraction per tracked mutation at the last draw.
    tumour_fraction : (n,) array
        Tumour fraction of cfDNA at the last draw.
    marker : (n,) array
        A serum marker proportional to burden (e.g. PSA), NaN if not measured.
    """

    time: float
    imaged: bool
    sod_mm: np.ndarray
    baseline_mm: np.ndarray
    nadir_mm: np.ndarray
    recist: np.ndarray
    ctdna_sampled: bool = False
    ctdna_detected: dict[str, np.ndarray] = field(default_factory=dict)
    ctdna_vaf: dict[str, np.ndarray] = field(default_factory=dict)
    tumour_fraction: np.ndarray | None = None
    marker: np.ndarray | None = None

    @property
    def n(self) -> int:
        return int(self.sod_mm.shape[0])


@dataclass
class Decision:
    """A policy's answer for a batch of patients.

    Attributes
    ----------
    doses : dict[str, (n,) array]
        Dose of each drug as a fraction of its reference dose (1.0 = the scenario's MTD dose).
    line : (n,) int array
        Index of the current treatment line.
    progression : (n,) bool array
        A progression event (the strategy's definition) at this decision.
    switched : (n,) bool array
        The regimen changed to a new line at this decision (RECIST baseline resets).
    exhausted : (n,) bool array
        No further line: the strategy has failed; dosing stops.
    """

    doses: dict[str, np.ndarray]
    line: np.ndarray
    progression: np.ndarray
    switched: np.ndarray
    exhausted: np.ndarray


@dataclass
class PolicyState:
    """Per-patient memory of a policy (arrays over the batch)."""

    line: np.ndarray
    on: np.ndarray
    reduced: np.ndarray
    exhausted: np.ndarray
    reference: np.ndarray
    triggered: np.ndarray

    @classmethod
    def new(cls, n: int) -> PolicyState:
        return cls(
            line=np.zeros(n, dtype=np.int16),
            on=np.ones(n, dtype=bool),
            reduced=np.zeros(n, dtype=bool),
            exhausted=np.zeros(n, dtype=bool),
            reference=np.full(n, np.nan),
            triggered=np.zeros(n, dtype=bool),
        )


class Policy(ABC):
    """A treatment strategy: settings in ``__init__``, per-batch memory in a :class:`PolicyState`."""

    kind: str = ""

    @abstractmethod
    def drugs(self) -> list[str]:
        """Every drug the policy may give."""

    def start(self, n: int) -> PolicyState:
        """Fresh memory for ``n`` patients."""
        return PolicyState.new(n)

    def extra_decision_times(self, t_end: float) -> np.ndarray:
        """Times (days) other than visits at which the policy must act (e.g. a fixed schedule)."""
        return np.empty(0)

    @abstractmethod
    def decide(self, obs: Observation, state: PolicyState) -> Decision:
        """Doses from ``obs``; updates ``state`` in place."""


class LinePolicy(Policy):
    """Shared machinery: a list of regimens given one after another (every policy in ``strategy.policies``
    and :class:`~oncoresist.strategy.model_guided.ModelGuided`: one place for the line bookkeeping)."""

    def __init__(self, lines: Sequence[Sequence[str]], dose: float = 1.0) -> None:
        self.lines = [list(x) for x in lines]
        self.dose = dose

    def drugs(self) -> list[str]:
        return list(dict.fromkeys(d for line in self.lines for d in line))

    def _dose_table(self, state: PolicyState, level: np.ndarray) -> dict[str, np.ndarray]:
        """Each drug's dose per patient: ``level`` for the drugs of the patient's current line, 0 otherwise and
        for exhausted patients."""
        n = state.line.shape[0]
        doses = {d: np.zeros(n) for d in self.drugs()}
        active = ~state.exhausted
        for i, regimen in enumerate(self.lines):
            mask = active & (state.line == i)
            for d in regimen:
                doses[d][mask] = level[mask]
        return doses

    def _advance(self, state: PolicyState, switch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Move patients in ``switch`` to the next line; those on the last line are exhausted."""
        last = state.line >= len(self.lines) - 1
        exhaust = switch & last & ~state.exhausted
        move = switch & ~last & ~state.exhausted
        state.line[move] += 1
        state.exhausted |= exhaust
        return move, exhaust
