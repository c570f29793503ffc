"""The twin: from a patient's profile and the drugs on the table to a simulated scenario.

:func:`build_scenario` turns a profile into a :class:`~oncoresist.model.Scenario` whose cell types
are the resistance routes the knowledge lists, and lists the :class:`Origin` of every number.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from oncoresist.twin.builder import TwinBuild, TwinDefaults, build_twin, resistance_routes
from oncoresist.twin.origin import ORIGIN_KINDS, Origin

if TYPE_CHECKING:
    from oncoresist.annotate.api import ProfileLike
    from oncoresist.knowledge.index import Knowledge
    from oncoresist.knowledge.quant import QuantKnowledge
    from oncoresist.model.scenario import Scenario

__all__ = ["ORIGIN_KINDS", "Origin", "TwinBuild", "TwinDefaults", "build_scenario", "build_twin", "resistance_routes"]


def build_scenario(
    profile: ProfileLike,
    *,
    drugs: str | Sequence[str],
    tumor: str | None,
    knowledge: Knowledge | None = None,
    quant: QuantKnowledge | None = None,
    defaults: TwinDefaults | None = None,
    burden: float | None = None,
) -> tuple[Scenario, list[Origin]]:
    """The scenario a profile implies and the origin of every number; see :func:`build_twin`."""
    built = build_twin(
        profile, drugs=drugs, tumor=tumor, knowledge=knowledge, quant=quant, defaults=defaults, burden=burden
    )
    return built.scenario, built.origins
