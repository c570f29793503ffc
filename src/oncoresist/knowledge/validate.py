"""Cross-reference checks over a built :class:`Knowledge`.

Each problem names the file, the entry and the field, e.g.
``facts/egfr.yaml: fact egfr-t790m: field 'drugs[0]': unknown drug 'erlotinb'; did you mean erlotinib?``
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from oncoresist.alteration import parse_alteration
from oncoresist.errors import AlterationSyntaxError, UnknownNameError
from oncoresist.knowledge.index import Knowledge
from oncoresist.knowledge.schema import MECHANISM_IDS, Fact, Option


@dataclass(frozen=True)
class Problem:
    file: str
    entry: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.entry}: field {self.field!r}: {self.message}"


def _unknown(kind: str, token: str, kb: Knowledge) -> str:
    try:
        {"gene": kb.gene, "drug": kb.drug, "tumor": kb.tumor}[kind](token)
    except UnknownNameError as exc:
        return str(exc)
    return ""


def check(kb: Knowledge) -> list[Problem]:
    """Every problem in the knowledge, in file order (empty when valid)."""
    out: list[Problem] = []

    def where(kind: str, key: str) -> str:
        return kb.defined_in.get((kind, key), "?")

    for kind, key, first, second in kb.duplicates:
        out.append(Problem(second, f"{kind} {key}", "id", f"duplicate id, first defined in {first}"))

    missing = [m for m in MECHANISM_IDS if m not in kb.mechanisms]
    if missing:
        out.append(Problem("knowledge/data", "mechanisms", "id", f"mechanism classes not described: {missing}"))

    for sym, gene in kb.genes.items():
        for i, alias in enumerate(gene.aliases):
            owner = kb.resolve_gene(alias)
            if alias.upper() in {g.upper() for g in kb.genes} and alias.upper() != sym.upper():
                out.append(
                    Problem(
                        where("gene", sym), f"gene {sym}", f"aliases[{i}]", f"alias {alias!r} is itself a gene symbol"
                    )
                )
            elif owner not in (sym, None):
                out.append(
                    Problem(
                        where("gene", sym),
                        f"gene {sym}",
                        f"aliases[{i}]",
                        f"alias {alias!r} already resolves to {owner}",
                    )
                )

    for cid, dc in kb.drug_classes.items():
        if dc.parent and dc.parent not in kb.drug_classes:
            out.append(
                Problem(where("drug class", cid), f"drug class {cid}", "parent", f"unknown drug class {dc.parent!r}")
            )

    curated_sources = set(kb.sources)
    for name, drug in kb.drugs.items():
        w, e = where("drug", name), f"drug {name}"
        for i, c in enumerate(drug.classes):
            if c not in kb.drug_classes:
                out.append(Problem(w, e, f"classes[{i}]", f"unknown drug class {c!r}"))
        for i, t in enumerate(drug.targets):
            if kb.resolve_gene(t) is None:
                out.append(Problem(w, e, f"targets[{i}]", _unknown("gene", t, kb)))
        for i, s in enumerate(drug.sources):
            if s not in curated_sources:
                out.append(Problem(w, e, f"sources[{i}]", f"source {s!r} is not in any sources: section"))
        for i, s in enumerate(drug.target_sources):
            if s not in curated_sources:
                out.append(Problem(w, e, f"target_sources[{i}]", f"source {s!r} is not in any sources: section"))

    for code, tumor in kb.tumors.items():
        if tumor.parent and tumor.parent not in kb.tumors:
            out.append(Problem(where("tumor", code), f"tumor {code}", "parent", f"unknown tumor type {tumor.parent!r}"))
    for file, code, message in kb.tumor_conflicts:
        out.append(Problem(file, f"tumor {code}", "parent" if message.startswith("parent") else "synonyms", message))

    # many facts share alterations (imports repeat them thousands of times): parse each text once
    parsed: dict[str, AlterationSyntaxError | None] = {}

    def parse_once(text: str, resolve: Resolver) -> None:
        if text not in parsed:
            try:
                parse_alteration(text, resolve)
                parsed[text] = None
            except AlterationSyntaxError as exc:
                parsed[text] = exc
        err = parsed[text]
        if err is not None:
            raise err

    for fact in kb.facts:
        out.extend(_check_item(kb, fact, where("fact", fact.id), curated_sources, parse_once))
    for opt in kb.options:
        out.extend(_check_item(kb, opt, where("option", opt.id), curated_sources, parse_once))
    return out


Resolver = Callable[[str], str | None]


def _check_item(
    kb: Knowledge, item: Fact | Option, w: str, sources: set[str], parse: Callable[[str, Resolver], None]
) -> list[Problem]:
    out: list[Problem] = []
    kind = "fact" if isinstance(item, Fact) else "option"
    e = f"{kind} {item.id}"
    alts = item.alterations if isinstance(item, Fact) else item.addresses
    alt_field = "alterations" if isinstance(item, Fact) else "addresses"
    for i, a in enumerate(alts):
        try:
            parse(a, kb.resolve_gene)
        except AlterationSyntaxError as exc:
            out.append(Problem(w, e, f"{alt_field}[{i}]", str(exc)))
    drugs = item.drugs if isinstance(item, Fact) else item.therapy
    drug_field = "drugs" if isinstance(item, Fact) else "therapy"
    for i, d in enumerate(drugs):
        if d not in kb.drugs:
            out.append(
                Problem(w, e, f"{drug_field}[{i}]", _unknown("drug", d, kb) or f"use the generic name for {d!r}")
            )
    classes = item.drug_classes if isinstance(item, Fact) else item.after_drug_classes
    class_field = "drug_classes" if isinstance(item, Fact) else "after_drug_classes"
    for i, c in enumerate(classes):
        if c not in kb.drug_classes:
            out.append(Problem(w, e, f"{class_field}[{i}]", f"unknown drug class {c!r}"))
    if isinstance(item, Option):
        for i, d in enumerate(item.after_drugs):
            if d not in kb.drugs:
                out.append(
                    Problem(w, e, f"after_drugs[{i}]", _unknown("drug", d, kb) or f"use the generic name for {d!r}")
                )
    if isinstance(item, Fact) and not item.drugs and not item.drug_classes:
        out.append(Problem(w, e, "drugs", "a fact needs drugs or drug_classes"))
    for i, t in enumerate(item.tumors):
        if t not in kb.tumors:
            current = kb.resolve_tumor(t)
            hint = f"{t!r} is not a current OncoTree code; use {current!r}" if current else ""
            out.append(Problem(w, e, f"tumors[{i}]", _unknown("tumor", t, kb) or hint))
    is_import = isinstance(item, Fact) and item.record is not None
    if not is_import:
        for i, s in enumerate(item.sources):
            if s not in sources:
                out.append(
                    Problem(
                        w, e, f"sources[{i}]", f"source {s!r} is not in any sources: section (add it with its citation)"
                    )
                )
    return out
