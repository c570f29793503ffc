"""Non-point resistance routes without a sourced rate or share: left out of the twin (flaura7 pass, issue 11).

The quantitative knowledge gives the emergence rate of a point mutation (per-bp rate × single-nucleotide routes,
× 12 at a CpG; ``data_quant/rates.yaml``), but no rate for a copy-number gain, a rearrangement (fusion) or a gene
loss: the builder's ``TwinDefaults.amplification_probability`` (1e-10 per division) is an assumption. Such a
route's rate means something only where a published share at progression lets the comparator's calibration fit
it (MET and ERBB2 amplification: Yu et al. 2013, PMID:23470965). A route with neither would *race at the default*:
in the FLAURA twin ALK and RET fusions at 1e-10 gave ~2 expected clones at diagnosis (present in 86% of patients)
and, once routes grew independently (route correlation ρ < 1), together ended 30–37% of osimertinib progressions
(docs/trials.md, flaura6 pass). The rule is the one the session-6 transformation pass applied to squamous
transformation and EMT (:mod:`oncoresist.twin.lineage`): such a route is left out of the twin's routes and listed
with the reason in the build's ``skipped`` (YAML header, JSON export, report); its knowledge fact stays for the
annotator.

*Sourced share*: the quantitative knowledge has a share at progression for the route (one alteration) in the
tumour type on one of the drugs the route set is built for (the twin's drugs and every drug a curated sensitivity
fact puts on the driver, :func:`oncoresist.twin.builder.driver_drugs`), so that the route set does not depend on
which drugs are compared (flaura4 rule). In a twin whose *first* drug has no stored share (e.g. an osimertinib
comparator) such a route is kept but the calibration cannot fit it there (``Calibration.unfitted``).
Point mutations are never left out by this rule (their rate is sourced; a point change without codon data uses
the sourced per-bp rate with one assumed route). Lineage routes follow :mod:`oncoresist.twin.lineage`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from oncoresist.twin.targets import published_share

if TYPE_CHECKING:
    from oncoresist.knowledge.quant import QuantKnowledge
    from oncoresist.twin.builder import ResistanceRoute

#: Alteration kinds whose emergence rate comes from the per-bp point-mutation rate (the builder's point kinds).
POINT_KINDS = frozenset({"protein", "codon", "mutation"})
#: The words every entry this rule writes into ``skipped`` contains (after ``fact id:``).
MARK = "non-point route without a sourced rate or share"


def non_point(route: ResistanceRoute) -> list[str]:
    """The route's alterations whose rate is the builder's non-point default (not a point change)."""
    return [a.name for a in route.alterations if a.kind not in POINT_KINDS]


def sourced_share_drug(
    route: ResistanceRoute, q: QuantKnowledge, drugs: Iterable[str], tumor: str | None
) -> str | None:
    """The first of ``drugs`` (sorted) on which the knowledge has a share at progression for the route, or ``None``."""
    for drug in sorted(set(drugs)):
        if published_share(q, route, drug, tumor) is not None:
            return drug
    return None


def unsourced_reason(route: ResistanceRoute, q: QuantKnowledge, drugs: Iterable[str], tumor: str | None) -> str | None:
    """Why a non-point route is left out of the twin (no sourced rate, no sourced share to fit it), else ``None``
    (a point-mutation route, or one with a share the calibration can fit)."""
    changes = non_point(route)
    if not changes:
        return None
    drug_list = sorted(set(drugs))
    if sourced_share_drug(route, q, drug_list, tumor) is not None:
        return None
    return (f"{MARK}, left out of the twin (the fact stays for the annotator): the quantitative knowledge has no "
            f"emergence rate for {', '.join(changes)} (rates.yaml: point-mutation rates only; the builder's "
            f"1e-10 per division is an assumption) and no share at progression to fit it to on "
            f"{', '.join(drug_list)} in this tumour type (frequencies.yaml)")


def left_out(skipped: Iterable[str]) -> list[str]:
    """The entries of a build's ``skipped`` that this rule wrote (``fact id: reason``)."""
    return [s for s in skipped if MARK in s]
