"""``simulate``: the one-call entry point over :class:`Simulator`."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from oncoresist.engine.replicate import ReplicateParameters
from oncoresist.engine.result import SimulationResult
from oncoresist.engine.simulator import (
    DEFAULT_THINNING_STEP,
    DEFAULT_THRESHOLD,
    EngineName,
    Simulator,
)
from oncoresist.engine.triggers import TriggerRunner
from oncoresist.errors import InvalidArgument
from oncoresist.model.load import ScenarioLike
from oncoresist.random import SeedLike

MAX_DEFAULT_POINTS = 10_001


def default_times(t_end: float) -> np.ndarray:
    """Daily output from 0 to ``t_end`` (``t_end`` included), or 10,001 even points if longer."""
    if t_end + 1 > MAX_DEFAULT_POINTS:
        return np.linspace(0.0, t_end, MAX_DEFAULT_POINTS)
    return np.unique(np.append(np.arange(0.0, math.floor(t_end) + 1.0), t_end))


def _parse_t_end(t_end: float) -> float:
    if isinstance(t_end, bool) or not isinstance(t_end, int | float | np.floating | np.integer):
        raise InvalidArgument(f"t_end: must be a number of days, not {type(t_end).__name__}", param="t_end")
    if not (t_end > 0 and math.isfinite(t_end)):
        raise InvalidArgument(f"t_end: must be a positive, finite number of days, got {t_end!r}", param="t_end")
    return float(t_end)


def simulate(
    scenario: ScenarioLike,
    *,
    t_end: float,
    times: Sequence[float] | np.ndarray | None = None,
    engine: EngineName = "auto",
    n_replicates: int = 1,
    seed: SeedLike = None,
    replicate_ids: Sequence[int] | None = None,
    initial: np.ndarray | Sequence[float] | None = None,
    replicate_params: ReplicateParameters | None = None,
    dt: float | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    thinning_step: float = DEFAULT_THINNING_STEP,
    n_threads: int | None = None,
    progress: Callable[[float], None] | None = None,
    long_steps: bool = False,
) -> SimulationResult:
    """Simulate ``scenario`` to ``t_end`` days under its fixed schedule and its triggers.

    A scenario with ``triggers`` runs through :class:`~oncoresist.engine.triggers.TriggerRunner`
    (checks every ``trigger_check_interval`` days; the firing record is in the result's provenance),
    exactly as ``oncoresist simulate`` runs it.

    Parameters
    ----------
    scenario
        A :class:`~oncoresist.model.Scenario`, a mapping or a YAML path.
    t_end
        Length of the run (days).
    times
        Output times (days); default daily. ``t_end`` is always recorded.
    engine
        ``"auto"``, ``"ssa"``, ``"tau"``, ``"leap"`` or ``"ode"``.
    n_replicates, seed, replicate_ids
        Replicate k uses stream k spawned from ``seed``: the same alone or in a batch.
    initial
        Initial counts overriding the scenario's, ``[cell type]`` or ``[replicate, cell type]``.
    replicate_params
        Per-replicate multipliers of rates, drug effects, transitions and PK
        (:class:`~oncoresist.engine.ReplicateParameters`, one row per replicate).
    dt, threshold, thinning_step, n_threads
        Engine settings, see :class:`Simulator` (``dt=None``: the engine's default step).
    progress
        Called with the fraction done (0–1) as the run goes.
    long_steps
        ``leap`` engine: longer steps under constant rates (see :class:`Simulator`).

    Returns
    -------
    SimulationResult
    """
    t_end = _parse_t_end(t_end)
    grid = default_times(t_end) if times is None else np.asarray(times, dtype=float)
    grid = np.unique(np.append(grid[grid <= t_end], t_end))
    sim = Simulator(
        scenario, engine=engine, n_replicates=n_replicates, seed=seed, times=grid, replicate_ids=replicate_ids,
        initial=initial, replicate_params=replicate_params, dt=dt, threshold=threshold, thinning_step=thinning_step,
        n_threads=n_threads, long_steps=long_steps,
    )  # fmt: skip
    if sim.scenario.triggers:
        runner = TriggerRunner(sim)
        # the runner reports the time reached; ``progress`` takes the fraction done (the run starts at 0)
        runner.advance(t_end, progress=None if progress is None else (lambda t: progress(t / t_end)))
        return runner.result()
    if progress is None:
        sim.advance(t_end)
        return sim.result()
    # Stops only at record times, where the kernels stop anyway: the result is the same as
    # without progress reports. Each stop costs one kernel call per replicate.
    stops = grid[grid > 0][:: max(1, grid.size // 50)]
    stops = np.unique(np.append(stops, t_end))
    for q, stop in enumerate(stops):
        sim.advance(float(stop))
        progress((q + 1) / stops.size)
    return sim.result()
