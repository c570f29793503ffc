"""Coverage figures of the knowledge (``oncoresist kb stats``)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from oncoresist.knowledge.index import Knowledge
from oncoresist.knowledge.schema import MECHANISM_IDS


def coverage(kb: Knowledge, *, curated_only: bool = False) -> dict[str, Any]:
    """Counts per mechanism class, effect, evidence level; genes, drugs, facts and sources.

    ``resistance_facts`` counts facts whose effect is ``resistance`` or
    ``reduced_sensitivity``; ``genes_in_facts`` and ``drugs_in_facts`` count the
    distinct genes and drugs (drug classes expanded) that those facts involve.
    """
    from oncoresist.profile.alteration import parse_alteration

    facts = kb.curated_facts if curated_only else kb.facts
    resist = [f for f in facts if f.effect in ("resistance", "reduced_sensitivity")]
    per_mech: Counter[str] = Counter(f.mechanism for f in resist)
    genes: set[str] = set()
    drugs: set[str] = set()
    for f in resist:
        for a in f.alterations:
            alt = parse_alteration(a, kb.resolve_gene)
            if alt.gene:
                genes.add(alt.gene)
            for p in (alt.partner5, alt.partner3):
                if p:
                    genes.add(p)
        drugs |= kb.fact_drugs(f)
    sources = {s for f in facts for s in f.sources} | {s for o in kb.options for s in o.sources}
    return {
        "knowledge_version": kb.version,
        "facts": len(facts),
        "resistance_facts": len(resist),
        "by_effect": dict(sorted(Counter(f.effect for f in facts).items())),
        "by_mechanism": {m: per_mech.get(m, 0) for m in MECHANISM_IDS},
        "by_evidence_level": dict(sorted(Counter(f.evidence_level for f in facts).items())),
        "by_origin": dict(sorted(Counter(f.record.split(":")[0] if f.record else "curated" for f in facts).items())),
        "genes_in_facts": len(genes),
        "drugs_in_facts": len(drugs),
        "options": len(kb.options),
        "sources": len(sources),
        "entities": {
            "genes": len(kb.genes),
            "drugs": len(kb.drugs),
            "drug_classes": len(kb.drug_classes),
            "tumors": len(kb.tumors),
            "mechanisms": len(kb.mechanisms),
        },
    }
