"""Aggregating matched facts into findings: one per (alterations, drugs, effect, mechanism).

Every fact behind a finding is kept as an :class:`~oncoresist.annotate.result.EvidenceItem`
with its database (curated, CIViC, CGI, derived), its record id, level, the tumour types it
was recorded in and their relation to the query tumour. The finding's level, tumour relation
and summary are those of its strongest evidence (level rank + tumour penalty; curated before
imported on ties). Sensitivity findings carry no mechanism class.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from oncoresist.alteration import Alteration
from oncoresist.annotate.result import EvidenceItem, Finding
from oncoresist.annotate.scope import FULL, PENALTY, TumorScope
from oncoresist.knowledge.schema import EVIDENCE_RANK, Fact

#: strength penalty of evidence the input matches only possibly (gene-level input, other reference residue)
POSSIBLE_PENALTY = 1
_DB_ORDER = {"curated": 0, "derived": 1, "civic": 2, "cgi": 3}


@dataclass(frozen=True)
class Match:
    """One satisfied fact: its index, the observations that satisfy it, the drugs it concerns."""

    fact: int
    observed: tuple[str, ...]
    drugs: tuple[str, ...]
    gene: str | None
    match: str = "exact"
    warnings: tuple[str, ...] = ()
    #: the observations the fact is *about*: those matched by a non-fusion pattern (a kinase change inside
    #: a fusion is about the change, not the fusion); the fusion patterns' names when only fusions matched
    core: tuple[str, ...] = ()
    #: the mechanism class used (the fact's, or the corrected class of an importer's inferred one)
    mechanism: str | None = None


def database_of(fact: Fact) -> tuple[str, str]:
    """(database, record id): ``("civic", "EID12")``, ``("cgi", "row7")``, ``("curated", fact id)``."""
    rec = fact.record
    if not rec:
        return ("curated", fact.id)
    db, _, rid = rec.partition(":")
    return (db or "import", rid or rec)


#: how broad a pattern is (lower: more specific); see :func:`pattern_breadth`
BREADTH = {"exact": 0, "codon": 1, "class": 2, "gene": 3}


def pattern_breadth(alt: Alteration | None) -> str:
    """``exact`` (a protein change, fusion, copy-number or expression state), ``codon`` (one
    codon), ``class`` (a codon range or an exon class), ``gene`` (any mutation of the gene)."""
    if alt is None:
        return "exact"
    if alt.kind == "codon":
        single = alt.codon_end is None or alt.codon_end == alt.codon_start
        return "codon" if single else "class"
    if alt.kind == "exon":
        return "class"
    if alt.kind == "mutation":
        return "gene"
    return "exact"


def finding_key(fact: Fact, m: Match) -> tuple[object, ...]:
    mech = None if fact.effect == "sensitivity" else (m.mechanism or fact.mechanism)
    return (m.observed, m.drugs, fact.effect, mech)


def evidence_item(fact: Fact, m: Match, scope: TumorScope, tumor: str | None, breadth: str = "exact") -> EvidenceItem:
    db, rid = database_of(fact)
    rel = scope.best(tumor, fact.tumors)
    return EvidenceItem(
        fact_id=fact.id,
        database=db,
        record=rid,
        evidence_level=fact.evidence_level,
        tumors=tuple(fact.tumors),
        relation=rel,
        sources=tuple(fact.sources),
        preclinical=fact.evidence_level in ("D", "E"),
        regimen=fact.therapy_mode == "combination" and len(m.drugs) > 1,
        pattern=breadth,
        match=m.match,
    )


def item_strength(e: EvidenceItem) -> int:
    """Level rank + tumour penalty + :data:`POSSIBLE_PENALTY` for a possible match (lower: stronger)."""
    return (
        EVIDENCE_RANK[e.evidence_level]
        + PENALTY.get(e.relation, 0)
        + (POSSIBLE_PENALTY if e.match == "possible" else 0)
    )


def _item_rank(e: EvidenceItem) -> tuple[int, int, int, int, str]:
    return (item_strength(e), BREADTH[e.pattern], EVIDENCE_RANK[e.evidence_level], _DB_ORDER.get(e.database, 9),
            e.fact_id)  # fmt: skip


def _origin(origins: set[str]) -> str:
    if len(origins) == 1:
        return next(iter(origins))
    return "both"


def build_finding(
    facts: Sequence[Fact],
    matches: Sequence[Match],
    scope: TumorScope,
    tumor: str | None,
    breadths: Sequence[str] | None = None,
) -> Finding:
    """One finding from facts sharing (alterations, drugs, effect, mechanism)."""
    bs = list(breadths) if breadths is not None else ["exact"] * len(facts)
    items = sorted(
        ((evidence_item(f, m, scope, tumor, b), f) for f, m, b in zip(facts, matches, bs, strict=True)),
        key=lambda t: _item_rank(t[0]),
    )
    best_item, best_fact = items[0]
    m0 = matches[0]
    sources = list(dict.fromkeys(s for e, _f in items for s in e.sources))
    quality = "exact" if any(m.match == "exact" for m in matches) else "possible"
    warnings = tuple(dict.fromkeys(w for m in matches for w in m.warnings))
    rel = best_item.relation
    return Finding(
        alteration=" + ".join(m0.observed),
        gene=m0.gene,
        effect=best_fact.effect,
        drugs=list(m0.drugs),
        mechanism=None if best_fact.effect == "sensitivity" else (m0.mechanism or best_fact.mechanism),
        origin=_origin({f.origin for _e, f in items}),
        evidence_level=best_item.evidence_level,
        sources=sources,
        summary=best_fact.summary,
        fact_id=best_fact.id,
        fact_ids=tuple(e.fact_id for e, _f in items),
        tumors=list(dict.fromkeys(t for e, _f in items for t in e.tumors)),
        observed=m0.observed,
        evidence=tuple(e for e, _f in items),
        tumor_relation=rel,
        standing="applies" if rel in FULL or rel == "descendant" else "lower",
        regimen=any(e.regimen for e, _f in items),
        match=quality,
        warnings=warnings,
        core=tuple(dict.fromkeys(n for m in matches for n in (m.core or m.observed))),
    )


#: databases whose mechanism classes are inferred by the importers (CIViC and CGI record none)
INFERRED_DATABASES = frozenset({"civic", "cgi"})


def adopt_curated_mechanisms(findings: Sequence[Finding]) -> list[Finding]:
    """Merge a finding whose evidence is all imported (its mechanism class inferred by an importer) into the
    finding on the same alterations, drugs and effect whose mechanism a curated fact states: the curated
    class governs ("unless the fact says otherwise"; ``ESR1 mutation`` on exemestane is on target, not the
    importer's downstream guess). Findings without such a curated twin are kept as they are."""
    fs = list(findings)
    curated: dict[tuple[object, ...], int] = {}
    for i, f in enumerate(fs):
        if f.mechanism is not None and any(e.database not in INFERRED_DATABASES for e in f.evidence):
            curated.setdefault((f.observed, tuple(f.drugs), f.effect), i)
    if not curated:
        return fs
    absorbed: dict[int, list[Finding]] = {}
    out_idx: list[int] = []
    for i, f in enumerate(fs):
        key = (f.observed, tuple(f.drugs), f.effect)
        j = curated.get(key)
        if (j is not None and j != i and f.mechanism != fs[j].mechanism and f.evidence
                and all(e.database in INFERRED_DATABASES for e in f.evidence)):  # fmt: skip
            absorbed.setdefault(j, []).append(f)
        else:
            out_idx.append(i)
    out: list[Finding] = []
    for i in out_idx:
        f = fs[i]
        extra = absorbed.get(i)
        if extra:
            items = sorted((*f.evidence, *(e for g in extra for e in g.evidence)), key=_item_rank)
            best = items[0]
            f = replace(
                f,
                evidence=tuple(items),
                fact_ids=tuple(e.fact_id for e in items),
                sources=list(dict.fromkeys([*f.sources, *(s for g in extra for s in g.sources)])),
                tumors=list(dict.fromkeys([*f.tumors, *(t for g in extra for t in g.tumors)])),
                evidence_level=best.evidence_level,
                tumor_relation=best.relation,
                standing="applies" if best.relation in FULL or best.relation == "descendant" else "lower",
            )
        out.append(f)
    return out
