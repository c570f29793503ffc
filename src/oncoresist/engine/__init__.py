"""Evolution engines over a compiled scenario: exact SSA, hybrid tau-leaping, ODE.

Public names: :func:`simulate`, :class:`Simulator`, :class:`SimulationResult`,
:func:`read_result`, :func:`choose_engine`,
:class:`ReplicateParameters` (per-replicate parameters).
"""

from __future__ import annotations

from oncoresist.engine.replicate import ReplicateParameters
from oncoresist.engine.result import SimulationResult, read_result
from oncoresist.engine.simulate import default_times, simulate
from oncoresist.engine.simulator import ENGINES, Simulator, choose_engine

__all__ = [
    "ENGINES",
    "ReplicateParameters",
    "SimulationResult",
    "Simulator",
    "choose_engine",
    "default_times",
    "read_result",
    "simulate",
]
