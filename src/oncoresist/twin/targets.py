"""Published shares at progression matched to a twin's routes (used by the calibration and the comparison)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from oncoresist.errors import OncoresistError

if TYPE_CHECKING:
    from oncoresist.knowledge.quant import PooledShare, ProgressionFrequency, PublishedOutcome, QuantKnowledge
    from oncoresist.twin.builder import ResistanceRoute, TwinBuild


def published_share(
    q: QuantKnowledge, route: ResistanceRoute, drug: str, tumor: str | None
) -> ProgressionFrequency | PooledShare | None:
    """The published share at progression for a one-alteration route on ``drug``: the pooled share of the stored
    series where the knowledge pools them (:meth:`~oncoresist.knowledge.quant.QuantKnowledge.pooled_for`: every
    member matches ``drug`` and ``tumor``), else the largest series."""
    if len(route.alterations) != 1:
        return None
    try:
        pooled = q.pooled_for(alteration=route.alterations[0].name, drug=drug, tumor=tumor)
        if pooled is not None:
            return pooled
        found = q.frequencies_for(alteration=route.alterations[0].name, drug=drug, tumor=tumor)
    except OncoresistError:
        return None
    found = [f for f in found if f.fraction is not None or f.n or f.range]
    if not found:
        return None
    return max(found, key=lambda f: f.n or 0)


def time_target(q: QuantKnowledge | None, build: TwinBuild) -> PublishedOutcome | None:
    """The published median PFS of an arm that gave the twin's first drug in its tumour type."""
    if q is None:
        from oncoresist.knowledge.quant import load_quant

        q = load_quant()
    found = q.outcomes_for(drug=build.annotation.drug[0], tumor=build.annotation.tumor)
    return found[0] if found else None
