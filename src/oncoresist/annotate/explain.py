"""Browsing the knowledge: ``oncoresist kb show NAME`` and ``oncoresist explain QUERY``.

A query is resolved, in order, as a mechanism class (``drug_efflux``), a drug
(generic name, brand or code), a drug class, a gene (symbol or alias), a tumour
type, or an alteration in the project grammar (``EGFR T790M``). Both commands
answer from the data only: the facts that involve the name, the mechanism
classes they fall in, the options that overcome them, and their sources.
Curated facts come first, then imports (CIViC, CGI), each by evidence level.

Which facts involve a drug, a drug class, a gene or an alteration is read from the
annotator's own index (:func:`~oncoresist.annotate.api.annotator_for`): the facts as the
annotator applies them (an imported regimen pseudo-drug, ``folfox regimen``, as the
regimen's drugs), their drug sets with class members, and their parsed patterns, so that
browsing and annotating never disagree on what a fact is about. Each fact is shown as
recorded.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from oncoresist.alteration import Alteration, parse_alteration
from oncoresist.annotate.api import annotator_for
from oncoresist.annotate.engine import Annotator
from oncoresist.annotate.matching import matches
from oncoresist.errors import AlterationSyntaxError, UnknownNameError
from oncoresist.knowledge.index import Knowledge
from oncoresist.knowledge.schema import EVIDENCE_RANK, Fact, Option

RESISTANCE = ("resistance", "reduced_sensitivity")


@dataclass(frozen=True)
class Subject:
    """What a query resolved to."""

    kind: str  # mechanism | drug | drug_class | gene | tumor | alteration
    key: str
    alteration: Alteration | None = None


def resolve(kb: Knowledge, query: str) -> Subject:
    """Resolve ``query`` to a mechanism, drug, drug class, gene, tumour type or alteration.

    Raises
    ------
    UnknownNameError
        Nothing matches; the closest names are suggested.
    """
    q = " ".join(query.split())
    if not q:
        raise UnknownNameError("name", query, [])
    mech = q.lower().replace(" ", "_").replace("-", "_")
    if mech in kb.mechanisms:
        return Subject("mechanism", mech)
    drug = kb.resolve_drug(q)
    if drug is not None:
        return Subject("drug", drug)
    cls = q.lower().replace(" ", "_")
    if cls in kb.drug_classes:
        return Subject("drug_class", cls)
    for cid, dc in kb.drug_classes.items():
        if dc.name.lower() == q.lower():
            return Subject("drug_class", cid)
    gene = kb.resolve_gene(q)
    if gene is not None and "::" not in gene:
        return Subject("gene", gene)
    tumor = kb.resolve_tumor(q)
    if tumor is not None:
        return Subject("tumor", tumor)
    try:
        alt = parse_alteration(q, kb.resolve_gene)
    except AlterationSyntaxError:
        alt = None
    if alt is not None:
        return Subject("alteration", alt.name, alt)
    pool = [*kb.mechanisms, *kb.drugs, *kb.genes, *kb.drug_classes]
    raise UnknownNameError("gene, drug, mechanism class or alteration", q, Knowledge._suggest(q, pool))


class _Views:
    """Per-knowledge look-up tables (parsed fact alterations, class members), built once."""

    def __init__(self, kb: Knowledge) -> None:
        self.kb = kb
        self._parsed: dict[str, Alteration | None] = {}
        self._members: dict[str, set[str]] = {}

    def parsed(self, text: str) -> Alteration | None:
        if text not in self._parsed:
            try:
                self._parsed[text] = parse_alteration(text, self.kb.resolve_gene)
            except AlterationSyntaxError:
                self._parsed[text] = None
        return self._parsed[text]

    def members(self, class_id: str) -> set[str]:
        if not self._members:
            table: dict[str, set[str]] = defaultdict(set)
            for name in self.kb.drugs:
                for c in self.kb.classes_of(name):
                    table[c].add(name)
            self._members = dict(table)
        return self._members.get(class_id, set())

    def genes_of(self, opt: Option) -> set[str]:
        return _genes([p for a in opt.addresses if (p := self.parsed(a)) is not None])


_VIEWS: dict[int, _Views] = {}


def _views(kb: Knowledge) -> _Views:
    v = _VIEWS.get(id(kb))
    if v is None or v.kb is not kb:
        _VIEWS.clear()
        v = _VIEWS[id(kb)] = _Views(kb)
    return v


def _matches(pattern: Alteration, observed: Alteration) -> bool:
    return matches(pattern, observed) or pattern.name == observed.name


def _involves(v: _Views, subject: Subject, ann: Annotator, i: int) -> bool:
    """Whether the knowledge's fact ``i`` involves ``subject``, as the annotator reads the fact."""
    kb = v.kb
    fact = ann.facts[i]  # the fact as the annotator applies it (regimen pseudo-drugs as the regimen's drugs)
    match subject.kind:
        case "mechanism":
            return fact.mechanism == subject.key
        case "drug":
            return subject.key in ann.fact_drugs(i)
        case "drug_class":
            return subject.key in fact.drug_classes or any(
                subject.key in kb.classes_of(d) for d in fact.drugs if d in kb.drugs
            )
        case "gene":
            return subject.key in _genes(ann.fact_patterns(i))
        case "tumor":  # a tumour set (ALL: BLL or TLL) involves what any of its members involves
            keys = kb.tumor_set(subject.key) or (subject.key,)
            return any(k in kb.tumor_ancestors(t) or t in kb.tumor_ancestors(k) for t in fact.tumors for k in keys)
        case _:
            assert subject.alteration is not None
            return any(_matches(p, subject.alteration) for p in ann.fact_patterns(i))


def _genes(patterns: Sequence[Alteration]) -> set[str]:
    out: set[str] = set()
    for p in patterns:
        out.update(g for g in (p.gene, p.partner5, p.partner3) if g)
        if p.fusion_context:
            out.update(p.fusion_context.split("::"))
    return out


def _option_involves(v: _Views, subject: Subject, opt: Option, facts: list[Fact]) -> bool:
    match subject.kind:
        case "mechanism":
            return opt.mechanism == subject.key
        case "drug":
            return (
                subject.key in opt.therapy
                or subject.key in opt.after_drugs
                or any(subject.key in v.members(c) for c in opt.after_drug_classes)
            )
        case "drug_class":
            return subject.key in opt.after_drug_classes
        case "gene":
            return subject.key in v.genes_of(opt)
        case "tumor":
            return bool({subject.key, *(v.kb.tumor_set(subject.key) or ())} & set(opt.tumors))
        case _:
            return _names_match(v, subject, opt.addresses)


def _names_match(v: _Views, subject: Subject, names: list[str]) -> bool:
    """True when one of the alteration ``names`` parses and matches the subject's alteration."""
    assert subject.alteration is not None
    for a in names:
        p = v.parsed(a)
        if p is not None and _matches(p, subject.alteration):
            return True
    return False


def _tumors_compatible(kb: Knowledge, a: list[str], b: list[str]) -> bool:
    """True when either list is empty (any tumour) or one tumour lies within the other's OncoTree branch."""
    if not a or not b:
        return True
    return any(x in kb.tumor_ancestors(y) or y in kb.tumor_ancestors(x) for x in a for y in b)


def _order(f: Fact) -> tuple[int, int, str]:
    return (0 if f.record is None else 1, EVIDENCE_RANK[f.evidence_level], f.id)


def fact_row(kb: Knowledge, f: Fact) -> dict[str, Any]:
    """A fact as a JSON-friendly dict for the browsing commands."""
    return {
        "id": f.id,
        "alterations": list(f.alterations),
        "drugs": list(f.drugs),
        "drug_classes": list(f.drug_classes),
        "therapy_mode": f.therapy_mode,
        "tumors": list(f.tumors),
        "effect": f.effect,
        "mechanism": f.mechanism,
        "mechanism_inferred": f.mechanism_inferred,
        "origin": f.origin,
        "evidence_level": f.evidence_level,
        "sources": list(f.sources),
        "summary": f.summary,
        "origin_of_record": f.record or "curated",
        "defined_in": kb.defined_in.get(("fact", f.id), "?"),
    }


def option_row(o: Option) -> dict[str, Any]:
    return {
        "id": o.id,
        "therapy": list(o.therapy),
        "addresses": list(o.addresses),
        "mechanism": o.mechanism,
        "after_drugs": list(o.after_drugs),
        "after_drug_classes": list(o.after_drug_classes),
        "tumors": list(o.tumors),
        "evidence_level": o.evidence_level,
        "sources": list(o.sources),
        "rationale": o.rationale,
    }


def entity(kb: Knowledge, subject: Subject) -> dict[str, Any]:
    """Details of the entity a query resolved to."""
    k = subject.key
    match subject.kind:
        case "mechanism":
            m = kb.mechanisms[k]
            return {"id": m.id, "name": m.name, "description": m.description, "examples": list(m.examples)}
        case "drug":
            d = kb.drugs[k]
            out = d.model_dump(mode="json")
            out["class_names"] = [kb.drug_classes[c].name for c in d.classes if c in kb.drug_classes]
            out["defined_in"] = kb.defined_in.get(("drug", k), "?")
            return out
        case "drug_class":
            dc = kb.drug_classes[k]
            out = dc.model_dump(mode="json")
            out["drugs"] = kb.drugs_in_class(k)
            return out
        case "gene":
            g = kb.genes[k]
            out = g.model_dump(mode="json")
            out["targeted_by"] = sorted(n for n, d in kb.drugs.items() if k in d.targets)
            out["defined_in"] = kb.defined_in.get(("gene", k), "?")
            return out
        case "tumor":
            members = kb.tumor_set(k)
            if members is not None:  # a set of nodes (ALL): its members, under their closest common ancestor
                return {"code": k, "name": kb.tumor_label(k), "members": list(members),
                        "ancestors": kb.tumor_ancestors(k)[1:]}  # fmt: skip
            t = kb.tumors[k]
            return {**t.model_dump(mode="json"), "ancestors": kb.tumor_ancestors(k)[1:]}
        case _:
            a = subject.alteration
            assert a is not None
            return {"name": a.name, "kind": a.kind, "gene": a.gene}


def _first(items: Sequence[str], n: int) -> str:
    items = list(dict.fromkeys(items))
    more = f" and {len(items) - n} more" if len(items) > n else ""
    return ", ".join(items[:n]) + more


def headline(kb: Knowledge, subject: Subject, resist: list[Fact], options: list[Option]) -> str:
    """One sentence, from the data only: what resists what, by which mechanisms, what overcomes it."""
    if not resist:
        return f"The knowledge holds no resistance facts for {subject.key}."
    ordered = sorted(resist, key=_order)
    if subject.kind == "alteration":  # "X confers resistance to D" only from facts that need X alone
        alone = [f for f in ordered if len(f.alterations) == 1]
        ordered = alone or ordered
    drugs = [d for f in ordered for d in f.drugs] + [
        kb.drug_classes[c].name if c in kb.drug_classes else c for f in ordered for c in f.drug_classes
    ]
    alts = [" + ".join(f.alterations) for f in ordered]
    mechs = [m for m, _ in Counter(f.mechanism for f in ordered).most_common()]
    curated = sum(1 for f in resist if f.record is None)
    counts = f"{curated} curated and {len(resist) - curated} imported fact(s)"
    opts = f" Overcome by: {_first([' + '.join(o.therapy) for o in options], 3)}." if options else ""
    if subject.kind == "drug":
        text = f"Resistance to {subject.key} arises through {_first(mechs, 4)}, e.g. {_first(alts, 4)} ({counts})."
    elif subject.kind == "mechanism":
        text = (
            f"{kb.mechanisms[subject.key].name}: {_first(alts, 4)} cause resistance to {_first(drugs, 5)} ({counts})."
        )
    elif subject.kind == "drug_class":
        name = kb.drug_classes[subject.key].name
        text = f"Resistance to {name} arises through {_first(mechs, 4)}, e.g. {_first(alts, 4)} ({counts})."
    else:
        text = f"{subject.key}: resistance to {_first(drugs, 5)} through {_first(mechs, 3)} ({counts})."
    return text + opts


def browse(kb: Knowledge, query: str, *, limit: int | None = 20) -> dict[str, Any]:
    """Everything the knowledge says about ``query``: entity, facts by effect, options, mechanisms, sources.

    Parameters
    ----------
    limit
        At most this many facts per effect group (``None``: all); totals are always given.
    """
    subject = resolve(kb, query)
    v = _views(kb)
    ann = annotator_for(kb)
    if len(ann.facts) != len(kb.facts):  # pragma: no cover - the annotator keeps one entry per fact, in order
        raise AssertionError("the annotator's facts are not the knowledge's")
    facts = sorted((f for i, f in enumerate(kb.facts) if _involves(v, subject, ann, i)), key=_order)
    options = [o for o in kb.options if _option_involves(v, subject, o, facts)]
    resist = [f for f in facts if f.effect in RESISTANCE]
    sens = [f for f in facts if f.effect == "sensitivity"]
    # options that overcome the resistance facts found (by alteration or mechanism), for alterations/genes/drugs
    if subject.kind != "mechanism" and resist:
        seen = {o.id for o in options}
        for o in kb.options:
            if o.id in seen:
                continue
            for f in resist:
                same = bool(set(o.addresses) & set(f.alterations)) or (
                    not o.addresses and f.record is None and o.mechanism == f.mechanism
                )
                if same and _tumors_compatible(kb, o.tumors, f.tumors):
                    options.append(o)
                    seen.add(o.id)
                    break
    options.sort(key=lambda o: (EVIDENCE_RANK[o.evidence_level], o.id))
    per_mech = Counter(f.mechanism for f in resist)
    cut = (lambda xs: xs) if limit is None else (lambda xs: xs[:limit])
    shown = cut(resist) + cut(sens)
    source_ids = list(dict.fromkeys([s for f in shown for s in f.sources] + [s for o in options for s in o.sources]))
    return {
        "query": query,
        "kind": subject.kind,
        "headline": headline(kb, subject, resist, options),
        "name": subject.key,
        "entity": entity(kb, subject),
        "totals": {
            "facts": len(facts),
            "resistance": len(resist),
            "sensitivity": len(sens),
            "curated": sum(1 for f in facts if f.record is None),
            "imported": sum(1 for f in facts if f.record is not None),
            "resistance_curated": sum(1 for f in resist if f.record is None),
            "resistance_imported": sum(1 for f in resist if f.record is not None),
            "options": len(options),
        },
        "mechanisms": [
            {
                "id": m,
                "name": kb.mechanisms[m].name if m in kb.mechanisms else m,
                "description": kb.mechanisms[m].description if m in kb.mechanisms else "",
                "resistance_facts": n,
                "inferred_only": all(f.mechanism_inferred for f in resist if f.mechanism == m),
            }
            for m, n in per_mech.most_common()
        ],
        "resistance": [fact_row(kb, f) for f in cut(resist)],
        "sensitivity": [fact_row(kb, f) for f in cut(sens)],
        "options": [option_row(o) for o in options],
        "sources": {s: (kb.sources[s].citation if s in kb.sources else None) for s in source_ids},
        "knowledge_version": kb.version,
    }
