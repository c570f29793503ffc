"""Treatment that follows the tumour: a scenario's ``triggers`` run through the Simulator's public API.

A :class:`TriggerRunner` wraps a :class:`~oncoresist.engine.Simulator` and advances it from one
*check* to the next (``advance``), reads the counts there (``state``), decides for every replicate
which triggers fire and applies their dose changes to those replicates (``set_dose`` with a
replicate mask) or stops them (``stop_replicates``). The kernels know nothing of triggers.

Check granularity. Checks are at ``t0 + k·Δ`` (k = 1, 2, …), ``t0`` the simulator's time when
the runner is made and ``Δ`` the scenario's ``trigger_check_interval`` (days, default 1); the
observation at ``t0`` is the first reference point. A crossing that happens between two checks
is acted on at the next check, so a change is applied at most ``Δ`` days late, and the watched
count at the check has overshot the threshold: for a count changing at per-cell net rate ``r``
over the interval (deterministic limit, large counts) the check sees at most ``threshold·e^{|r|Δ}``
(up) or at least ``threshold·e^{−|r|Δ}`` (down), a relative overshoot below ``e^{|r|Δ} − 1``,
about ``|r|·Δ`` (1.0% for Bozic et al.'s r = 0.01/day at Δ = 1 day). Small counts fluctuate
beyond that bound. The count each trigger saw when it fired is recorded
(:attr:`TriggerRunner.first_measure`), so the real overshoot of a run is known, and a smaller
``trigger_check_interval`` lowers it at the cost of one ``advance`` call per check. Changes take
effect at the check (a ``constant`` exposure at once; other PK from the first dose given then).

Order at a check: every armed trigger is evaluated on the same counts; those that fire apply
their ``then`` in list order (a later change of the same drug wins); triggers waiting on one that
fired for the first time are armed, with this check's counts as their first observation (so they
fire at a later check at the earliest); ``stop`` triggers stop their replicates last. A later
fixed ``treatment`` phase still applies from its start. Replicates are independent: a
replicate's trajectory and trigger times depend only on its own stream, as for the simulator.

The simulator is advanced to every check time whatever happens, so the sequence of ``advance``
calls (on which a stochastic trajectory depends) is a function of the check grid alone and
replicate k is the same alone or in any batch. Once no trigger can fire in any replicate (all
spent, their predecessors spent without firing them, or no cells left: extinction is absorbing)
the checks themselves are skipped. When every drug has ``constant`` exposure and no fixed
schedule change is left, replicates without cells are stopped (``stop_replicates``): their
recorded counts and concentrations are what advancing them would record, at no kernel cost.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from oncoresist.engine.result import SimulationResult
from oncoresist.engine.simulator import Simulator
from oncoresist.errors import InvalidArgument
from oncoresist.model.load import load_scenario
from oncoresist.model.pk import CONSTANT
from oncoresist.model.scenario import Crossing, Trigger

_SNAP = 1e-9
"""A check time within this many days of the advance target is taken to be the target."""


@dataclass(frozen=True)
class TriggerEvent:
    """One firing: replicate (index in the batch), trigger name, check time (days), watched count."""

    replicate: int
    trigger: str
    time: float
    measure: float


class TriggerRunner:
    """Drive ``sim`` to later times while applying the scenario's triggers at every check.

    Parameters
    ----------
    sim
        A simulator at its start (or at any time: checks are counted from its current time).
    triggers
        Instead of ``sim.scenario.triggers``: triggers validated against the same scenario.
    check_interval
        Days between checks (default: the scenario's ``trigger_check_interval``).

    Attributes
    ----------
    n_fired
        How often each trigger fired in each replicate, ``[replicate, trigger]``.
    first_time, first_measure
        Check time of the first firing and the watched count then (NaN: never), ``[replicate, trigger]``.
    armed
        Whether each trigger has been armed in each replicate, ``[replicate, trigger]``.
    events
        Every firing in time order (:class:`TriggerEvent`).
    """

    def __init__(self, sim: Simulator, *, triggers: Sequence[Trigger] | None = None,
                 check_interval: float | None = None) -> None:
        if not isinstance(sim, Simulator):
            raise InvalidArgument("sim: must be a Simulator", param="sim")
        sc = sim.scenario
        if triggers is not None:  # validate names against this scenario, with the scenario's messages
            data = sc.model_dump(mode="json")
            data["triggers"] = [t.model_dump(mode="json") if isinstance(t, Trigger) else t for t in triggers]
            sc = load_scenario(data)
        self.sim = sim
        self.triggers: tuple[Trigger, ...] = tuple(sc.triggers)
        dt = sc.trigger_check_interval if check_interval is None else check_interval
        if isinstance(dt, bool) or not isinstance(dt, int | float) or not (dt > 0 and math.isfinite(dt)):
            raise InvalidArgument(f"check_interval: must be a positive number of days, got {dt!r}",
                                  param="check_interval")
        self.check_interval = float(dt)
        self.t0 = float(sim.t)
        self._k = 0
        names = [t.name for t in self.triggers]
        types = sim.model.cell_types
        self._cells: list[np.ndarray | None] = [
            None if t.when.cells == "total" else np.array([types.index(c) for c in t.when.cells], dtype=np.int64)
            for t in self.triggers]
        self._parent = [names.index(t.after) if t.after is not None else -1 for t in self.triggers]
        self._changes = [[(sim.drug_index(c.drug), c.dose, c.interval) for c in t.then] for t in self.triggers]
        self._order = _topological(self._parent)
        r, k = sim.n_replicates, len(self.triggers)
        self.n_fired = np.zeros((r, k), np.int64)
        self.first_time = np.full((r, k), np.nan)
        self.first_measure = np.full((r, k), np.nan)
        self.armed = np.zeros((r, k), bool)
        self.events: list[TriggerEvent] = []
        self._spent = np.zeros((r, k), bool)
        self._prev = np.full((r, k), np.nan)
        self._below = np.zeros((r, k), bool)
        self._nadir = np.full((r, k), np.inf)
        m = self._measures(sim.state)
        for q in range(k):
            if self._parent[q] == -1:
                self._arm(np.ones(r, bool), q, m)
        self._live = bool(k) and self._can_fire()

    # -- public ---------------------------------------------------------------------------------
    @property
    def names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.triggers)

    def next_check(self) -> float:
        """Time of the next check (days)."""
        return self.t0 + (self._k + 1) * self.check_interval

    def advance(self, t: float, *, progress: Callable[[float], None] | None = None) -> None:
        """Advance the simulator to ``t`` (days), checking the triggers at every check time on the way.

        ``progress`` is called with the time reached after each check (at most ~200 calls).
        """
        if not t >= self.sim.t:
            raise InvalidArgument(f"t: cannot advance to t={t} before the current time {self.sim.t}", param="t")
        every = max(1, int((t - self.sim.t) / self.check_interval / 200))
        while self.triggers:
            nxt = self.next_check()
            if abs(nxt - t) <= _SNAP * max(1.0, abs(t)):
                nxt = t
            if nxt > t:
                break
            self.sim.advance(nxt)  # every check time, always: replicate k's calls never depend on the batch
            self._k += 1
            if self._live:
                self._check(nxt)
                self._live = self._can_fire()
            if progress is not None and self._k % every == 0:
                progress(nxt)
        self.sim.advance(t)
        if progress is not None:
            progress(t)

    def record(self) -> dict[str, Any]:
        """A JSON-ready record of the firings (stored in the result's provenance under ``triggers``)."""
        def col(a: np.ndarray, q: int) -> list[float | None]:
            return [None if math.isnan(v) else float(v) for v in a[:, q]]

        return {"check_interval": self.check_interval, "t0": self.t0,
                "triggers": [t.model_dump(mode="json") for t in self.triggers],
                "n_fired": {t.name: self.n_fired[:, q].tolist() for q, t in enumerate(self.triggers)},
                "armed": {t.name: self.armed[:, q].tolist() for q, t in enumerate(self.triggers)},
                "first_time": {t.name: col(self.first_time, q) for q, t in enumerate(self.triggers)},
                "first_measure": {t.name: col(self.first_measure, q) for q, t in enumerate(self.triggers)}}

    def result(self) -> SimulationResult:
        """The simulator's result, with :meth:`record` in ``provenance["triggers"]``."""
        res = self.sim.result()
        res.provenance["triggers"] = self.record()
        return res

    def summary(self) -> Any:
        """Per trigger: replicates armed, fired (first firings), their fraction with a 95%
        Clopper–Pearson interval, median first-firing time and mean watched count then (a DataFrame)."""
        return summarise(self.names, [t.after for t in self.triggers], self.armed, self.n_fired,
                         self.first_time, self.first_measure)

    # -- internals ------------------------------------------------------------------------------
    def _measures(self, state: np.ndarray) -> np.ndarray:
        s = state.astype(float)
        total = s.sum(axis=1)
        out = np.empty((s.shape[0], len(self.triggers)))
        for q, idx in enumerate(self._cells):
            out[:, q] = total if idx is None else s[:, idx].sum(axis=1)
        return out

    def _arm(self, mask: np.ndarray, q: int, m: np.ndarray) -> None:
        self.armed[mask, q] = True
        self._observe(mask, q, m, reset=True)

    def _observe(self, mask: np.ndarray, q: int, m: np.ndarray, *, reset: bool = False) -> None:
        when = self.triggers[q].when
        self._prev[mask, q] = m[mask, q]
        if not isinstance(when, Crossing):
            if when.size is not None:
                below = m[mask, q] < when.size
                self._below[mask, q] = below if reset else self._below[mask, q] | below
            self._nadir[mask, q] = m[mask, q] if reset else np.minimum(self._nadir[mask, q], m[mask, q])

    def _fires(self, q: int, m: np.ndarray, active: np.ndarray) -> np.ndarray:
        when, x = self.triggers[q].when, m[:, q]
        if isinstance(when, Crossing):
            if when.direction == "up":
                return active & (self._prev[:, q] < when.threshold) & (x >= when.threshold)
            return active & (self._prev[:, q] > when.threshold) & (x <= when.threshold)
        fire = active.copy()
        if when.size is not None:
            fire &= self._below[:, q] & (x >= when.size)
        if when.fold_from_nadir is not None:
            fire &= (x > 0) & (x >= when.fold_from_nadir * self._nadir[:, q])
        return fire

    def _check(self, time: float) -> None:
        sim = self.sim
        state = sim.state
        m = self._measures(state)
        running = ~sim.stopped
        k = len(self.triggers)
        armed_before = self.armed.copy()
        fire = np.zeros_like(self.armed)
        for q in range(k):
            fire[:, q] = self._fires(q, m, armed_before[:, q] & ~self._spent[:, q] & running)
        first = fire & (self.n_fired == 0)
        stop = np.zeros(sim.n_replicates, bool)
        for q, trig in enumerate(self.triggers):
            f = fire[:, q]
            if not f.any():
                continue
            self.n_fired[f, q] += 1
            self.first_time[first[:, q], q] = time
            self.first_measure[first[:, q], q] = m[first[:, q], q]
            self.events.extend(TriggerEvent(int(i), trig.name, time, float(m[i, q])) for i in np.flatnonzero(f))
            for j, dose, interval in self._changes[q]:
                sim.set_dose(j, dose, replicate_mask=f, interval=interval)
            if not trig.repeat:
                self._spent[f, q] = True
            if trig.stop:
                stop |= f
        for q in range(k):
            self._observe(armed_before[:, q] & ~fire[:, q], q, m)
            self._observe(armed_before[:, q] & fire[:, q], q, m, reset=True)  # a repeat starts afresh
        for q in self._order:
            p = self._parent[q]
            if p >= 0:
                self._arm(first[:, p] & ~self.armed[:, q], q, m)
        if self._constant_from_now:
            stop |= running & (state.sum(axis=1) == 0)  # extinct: absorbing, nothing left to record
        if stop.any():
            sim.stop_replicates(stop)

    @property
    def _constant_from_now(self) -> bool:
        """Every drug has constant exposure and the fixed schedule has no change after now: a
        replicate without cells then records the same counts and concentrations whether it is
        advanced or stopped, so stopping it saves its kernel time and changes no output."""
        m = self.sim.model
        return bool(np.all(m.pk_model == CONSTANT)) and all(ev[0] <= self.sim.t for ev in m.schedule)

    def _can_fire(self) -> bool:
        """Whether any trigger can still fire in any running replicate that has cells."""
        alive = ~self.sim.stopped & (self.sim.state.sum(axis=1) > 0)
        if not alive.any():
            return False
        can = np.zeros_like(self.armed)
        for q in self._order:
            active = self.armed[:, q] & ~self._spent[:, q]
            p = self._parent[q]
            pending = ~self.armed[:, q] & can[:, p] if p >= 0 else np.zeros_like(active)
            can[:, q] = alive & (active | pending)
        return bool(can.any())


def _topological(parent: list[int]) -> list[int]:
    """Trigger indices with every trigger after the one it waits for (the schema forbids cycles)."""
    depth = []
    for q in range(len(parent)):
        d, p = 0, parent[q]
        while p >= 0:
            d, p = d + 1, parent[p]
        depth.append(d)
    return sorted(range(len(parent)), key=lambda q: (depth[q], q))


def summarise(names: Sequence[str], after: Sequence[str | None], armed: np.ndarray, n_fired: np.ndarray,
              first_time: np.ndarray, first_measure: np.ndarray) -> Any:
    """The table of :meth:`TriggerRunner.summary` from the arrays of a run (or of a stored record)."""
    import pandas as pd
    from scipy import stats

    rows = []
    for q, name in enumerate(names):
        n_armed = int(armed[:, q].sum())
        fired = n_fired[:, q] > 0
        n = int(fired.sum())
        lo, hi = (stats.binomtest(n, n_armed).proportion_ci(0.95) if n_armed else (math.nan, math.nan))
        rows.append({"trigger": name, "after": after[q] or "", "armed": n_armed, "fired": n,
                     "fraction": n / n_armed if n_armed else math.nan, "ci95_low": float(lo),
                     "ci95_high": float(hi),
                     "median_day": float(np.median(first_time[fired, q])) if n else math.nan,
                     "mean_count": float(np.mean(first_measure[fired, q])) if n else math.nan})
    return pd.DataFrame(rows).set_index("trigger")


def trigger_summary(result: SimulationResult) -> Any:
    """:meth:`TriggerRunner.summary` of a result written by a triggered run (also after ``read_result``)."""
    rec = result.provenance.get("triggers")
    if not rec:
        raise InvalidArgument("result: was not produced by a run with triggers", param="result")
    names = [t["name"] for t in rec["triggers"]]
    after = [t.get("after") for t in rec["triggers"]]

    def arr(key: str) -> np.ndarray:
        return np.array([[np.nan if v is None else v for v in rec[key][n]] for n in names], dtype=float).T

    return summarise(names, after, arr("armed").astype(bool), arr("n_fired").astype(np.int64),
                     arr("first_time"), arr("first_measure"))


__all__ = ["TriggerEvent", "TriggerRunner", "summarise", "trigger_summary"]
