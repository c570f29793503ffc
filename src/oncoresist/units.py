"""Units and limits shared by every layer (base layer: imports nothing from oncoresist).

Time is in days and populations in cells throughout the public API (DESIGN.md, "Model
concepts"); months are only a reporting unit.

Population limits (why there are two):

* :data:`MAX_INITIAL_POPULATION` (1e13 cells, about 10 kg of tumour at 1e9 cells per gram)
  is the largest starting population a scenario may declare.
* :data:`POPULATION_CEILING` (1e15 cells) is the largest population any engine simulates.
  Stochastic engines count cells in int64 (at most 9.2e18); stopping at 1e15 leaves a
  margin of more than 9000-fold for the growth of one tau-leap step (at most
  ``dt`` = 0.5 day), so counts can never wrap around or go negative. The ODE engine uses
  the same ceiling so that all engines agree on what a run may represent. A run whose
  tumour would pass the ceiling stops there and raises
  :class:`~oncoresist.errors.PopulationCeilingError` naming the cell type and its birth
  rate; a scenario with ``competition.carrying_capacity`` (at most the ceiling) saturates
  instead.
"""

from __future__ import annotations

from typing import Final

DAYS_PER_MONTH: Final = 30.4375
"""Mean Gregorian month (365.25 / 12 days); used to report months."""

MAX_INITIAL_POPULATION: Final = 1e13
"""Largest total initial population a scenario may declare (cells)."""

POPULATION_CEILING: Final = 1e15
"""Largest population (cells, per replicate) any engine simulates; int64-safe."""
