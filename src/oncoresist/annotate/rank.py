"""Ranking next options: the standard next line first, research combinations last and few.

:func:`rank_candidates` orders the candidate therapies :mod:`.options` derives (before each is
checked against the whole profile) by *tier*, then by the options module's own key (evidence
level, tumour standing, approval, basis, findings addressed):

====  ==========================================================================================
tier  candidates
====  ==========================================================================================
0     every drug approved (a recorded oncology approval), best evidence level A or B, recorded in
      the query tumour, an ancestor or any tumour: the standard next line
1     the rest at level A-C that are not research combinations; always another driver's standard
      therapy (``other_driver``: clinical, but no answer to the resistance found)
2     *research*: best evidence level C-E for a therapy that is not approved as a whole (a drug
      without an approval, or drugs put together by a preclinical / early-trial combination fact)
      outside the curated options; at most :data:`MAX_RESEARCH` of them are kept
====  ==========================================================================================

**A class the profile has failed is not offered again.** A drug of a class (``drugs.yaml``
``classes``) of the drugs a decisive resistance finding defeats is dropped, unless the candidate
is evidence specifically against that resistance: a later or earlier generation chosen for the
variant (``next_generation``, ``earlier_generation``), or evidence that names the resistance
alteration itself (the finding's alterations outside the drug's targets, e.g. ``NRAS Q61K`` in
``BRAF V600E + NRAS Q61K``, rather than the sensitising ``BRAF V600E``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

from oncoresist.annotate.result import Finding
from oncoresist.annotate.scope import FULL
from oncoresist.knowledge.index import Knowledge
from oncoresist.knowledge.schema import EVIDENCE_RANK

#: research combinations (tier 2) kept at most
MAX_RESEARCH = 2
#: bases whose choice is specific to the resistance variant (kept within a failed class)
VARIANT_SPECIFIC = frozenset({"next_generation", "earlier_generation"})
_STANDARD_LEVELS = frozenset({"A", "B"})


class Candidate(Protocol):
    """What ranking reads of an options candidate (``options._Candidate``)."""

    basis: str
    level: str
    relation: str
    addresses: list[str]


Row = TypeVar("Row", bound=tuple[Any, ...])


def tier(items: Sequence[Candidate], approved: bool) -> int:
    """0 standard next line, 1 other clinical evidence, 2 research combination (see the module text)."""
    best = items[0]
    if all(c.basis == "other_driver" for c in items):
        return 1  # another driver's standard therapy: clinical, but no answer to the resistance found
    if approved and best.level in _STANDARD_LEVELS and best.relation in FULL:
        return 0
    if EVIDENCE_RANK[best.level] >= EVIDENCE_RANK["C"] and not approved_as_regimen(items, approved):
        return 2
    return 1


def approved_as_regimen(items: Sequence[Candidate], approved: bool) -> bool:
    """Whether the therapy is an approved use: every drug approved, and the evidence a curated option or
    clinical (level A/B) rather than a preclinical or early combination of approved drugs."""
    if not approved:
        return False
    return any(c.basis in ("curated", "class_switch") or c.level in _STANDARD_LEVELS for c in items)


def failed_classes(kb: Knowledge, targets: Sequence[Finding], given: frozenset[str]) -> frozenset[str]:
    """Drug classes of the given drugs that a decisive resistance finding defeats."""
    out: set[str] = set()
    for f in targets:
        for d in f.drugs:
            drug = kb.drugs.get(d)
            if d in given and drug is not None:
                out.update(drug.classes)
    return frozenset(out)


def resistance_alterations(kb: Knowledge, targets: Sequence[Finding], given: frozenset[str]) -> frozenset[str]:
    """The alterations that cause the resistance: each finding's alterations outside the targets of the drugs
    given (the sensitising driver is in a target), or all of them when every one is in a target gene."""
    genes = {t for d in given if (drug := kb.drugs.get(d)) is not None for t in drug.targets}
    out: set[str] = set()
    for f in targets:
        names = list(f.core or f.observed)
        off = [n for n in names if n.split(" ", 1)[0] not in genes and "::" not in n.split(" ", 1)[0]]
        out.update(off or names)
    return frozenset(out)


def rank_candidates(
    ranked: Sequence[Row],
    *,
    kb: Knowledge,
    targets: Sequence[Finding],
    given: frozenset[str],
    approved: Callable[[tuple[str, ...]], bool],
) -> list[Row]:
    """``ranked`` rows ``(key, therapy, candidates best first, ...)`` re-ordered by tier, then key; therapies
    of a failed class without variant-specific evidence dropped; research combinations capped."""
    failed = failed_classes(kb, targets, given)
    causes = resistance_alterations(kb, targets, given)
    keyed: list[tuple[int, Any, Row]] = []
    for row in ranked:
        key, therapy, items = row[0], row[1], row[2]
        if failed and _refails(kb, therapy, items, failed, causes):
            continue
        keyed.append((tier(items, approved(tuple(therapy))), key, row))
    keyed.sort(key=lambda t: (t[0], t[1]))
    out: list[Row] = []
    research = 0
    for t, _key, row in keyed:
        if t == 2:
            research += 1
            if research > MAX_RESEARCH:
                continue
        out.append(row)
    return out


def _refails(
    kb: Knowledge, therapy: Sequence[str], items: Sequence[Candidate], failed: frozenset[str], causes: frozenset[str]
) -> bool:
    """Whether the therapy re-offers a failed class without evidence specifically against the resistance."""
    in_failed = any((d := kb.drugs.get(name)) is not None and set(d.classes) & failed for name in therapy)
    if not in_failed:
        return False
    return not any(c.basis in VARIANT_SPECIFIC or set(c.addresses) & causes for c in items)
