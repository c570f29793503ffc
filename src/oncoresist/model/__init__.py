"""Scenario schema, pharmacology and compilation to arrays.

Public names: :class:`Scenario`, :func:`load_scenario`, :func:`compile_scenario`,
:class:`CompiledModel`.
"""

from __future__ import annotations

from oncoresist.model.compile import CompiledModel, compile_scenario
from oncoresist.model.load import load_scenario
from oncoresist.model.scenario import Scenario

__all__ = ["CompiledModel", "Scenario", "compile_scenario", "load_scenario"]
