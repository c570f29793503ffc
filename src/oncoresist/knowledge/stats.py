"""Coverage figures of the knowledge (``oncoresist kb stats``)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from oncoresist.knowledge.index import Knowledge
from oncoresist.knowledge.oncotree import LABEL as ONCOTREE_LABEL
from oncoresist.knowledge.oncotree import ROOT
from oncoresist.knowledge.schema import MECHANISM_IDS, Fact


def coverage(kb: Knowledge, *, curated_only: bool = False) -> dict[str, Any]:
    """Counts per mechanism class, effect, evidence level; genes, drugs, facts and sources.

    ``tumors`` says how the tumour scope of the facts sits on the OncoTree: facts by
    scope (``tumor_agnostic``: recorded for ``TISSUE``, the OncoTree root; ``unspecified``:
    no tumour given; ``oncotree``: an OncoTree type; ``unmapped``: a type an import could
    not map, kept under its own code without a parent), each import layer's disease
    mapping (by table, by name, tumour-agnostic, unmapped) and the unmapped types.

    ``resistance_facts`` counts facts whose effect is ``resistance`` or
    ``reduced_sensitivity``; ``genes_in_facts`` and ``drugs_in_facts`` count the
    distinct genes and drugs (drug classes expanded) that those facts involve.
    """
    from oncoresist.alteration import parse_alteration

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
        "tumors": tumor_scope(kb, facts),
        "entities": {
            "genes": len(kb.genes),
            "drugs": len(kb.drugs),
            "drug_classes": len(kb.drug_classes),
            "tumors": len(kb.tumors),
            "mechanisms": len(kb.mechanisms),
        },
    }


def tumor_scope(kb: Knowledge, facts: list[Fact]) -> dict[str, Any]:
    """Facts by tumour scope, the imports' disease mapping, and the tumour types outside the OncoTree."""
    in_tree = {c for c in kb.tumors if kb.tumor_ancestors(c)[-1] == ROOT}
    scope: Counter[str] = Counter()
    for f in facts:
        if not f.tumors:
            scope["unspecified"] += 1
        elif ROOT in f.tumors:
            scope["tumor_agnostic"] += 1
        elif all(t in in_tree for t in f.tumors):
            scope["oncotree"] += 1
        else:
            scope["unmapped"] += 1
    outside = sorted(c for c in kb.tumors if c not in in_tree)
    return {
        "types": len(kb.tumors),
        "oncotree": sum(1 for c in kb.tumors if kb.defined_in.get(("tumor", c)) == ONCOTREE_LABEL),
        "oncotree_release": kb.oncotree_release,
        "facts_by_scope": {k: scope.get(k, 0) for k in ("oncotree", "tumor_agnostic", "unspecified", "unmapped")},
        "imported_diseases": {
            str(meta.get("source", label)): meta["diseases"] for label, meta in kb.imports.items() if "diseases" in meta
        },
        "unmapped": [f"{c} ({kb.tumors[c].name})" for c in outside],
    }
