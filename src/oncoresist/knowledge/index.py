"""The in-memory knowledge: entities by name, alias indexes, facts and options.

Built once by :func:`oncoresist.knowledge.load_knowledge`; read-only afterwards.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from oncoresist.errors import UnknownNameError
from oncoresist.knowledge.schema import (
    Drug,
    DrugClass,
    Fact,
    Gene,
    KnowledgeFile,
    Mechanism,
    Option,
    Source,
    TumorType,
)
from oncoresist.suggest import closest


def normalize_name(name: str) -> str:
    """A name as looked up: lower case, ``_`` read as a space, white space folded.

    ``"Non_Small  Cell"`` -> ``"non small cell"``.
    """
    return " ".join(name.strip().lower().replace("_", " ").split())


@dataclass
class Knowledge:
    """Everything the curated data and the imports say, indexed for look-up."""

    version: str
    mechanisms: dict[str, Mechanism] = field(default_factory=dict)
    genes: dict[str, Gene] = field(default_factory=dict)
    drug_classes: dict[str, DrugClass] = field(default_factory=dict)
    drugs: dict[str, Drug] = field(default_factory=dict)
    tumors: dict[str, TumorType] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    facts: list[Fact] = field(default_factory=list)
    options: list[Option] = field(default_factory=list)
    #: where each entity / fact / option was defined: (kind, key) -> file label
    defined_in: dict[tuple[str, str], str] = field(default_factory=dict)
    #: (kind, key, first file, second file) for every duplicate definition
    duplicates: list[tuple[str, str, str, str]] = field(default_factory=list)
    #: import metadata per import file
    imports: dict[str, dict[str, Any]] = field(default_factory=dict)
    _gene_alias: dict[str, str] = field(default_factory=dict, repr=False)
    _drug_alias: dict[str, str] = field(default_factory=dict, repr=False)
    _tumor_alias: dict[str, str] = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------------ build
    @classmethod
    def build(
        cls,
        curated: Iterable[tuple[str, KnowledgeFile]],
        imported: Iterable[tuple[str, KnowledgeFile, dict[str, Any]]] = (),
        *,
        version: str = "unversioned",
    ) -> Knowledge:
        kb = cls(version=version)
        for label, kf in curated:
            kb._add_file(label, kf, curated=True)
        for label, kf, meta in imported:
            kb.imports[label] = meta
            kb._add_file(label, kf, curated=False)
        kb._index()
        return kb

    def _add_file(self, label: str, kf: KnowledgeFile, *, curated: bool) -> None:
        sections: list[tuple[str, dict[str, Any], Iterable[Any], str]] = [
            ("mechanism", self.mechanisms, kf.mechanisms, "id"),
            ("gene", self.genes, kf.genes, "symbol"),
            ("drug class", self.drug_classes, kf.drug_classes, "id"),
            ("drug", self.drugs, kf.drugs, "name"),
            ("tumor", self.tumors, kf.tumors, "code"),
            ("source", self.sources, kf.sources, "id"),
        ]
        for kind, table, items, key_attr in sections:
            for item in items:
                key = getattr(item, key_attr)
                if key in table:
                    if curated and kind != "source":  # one citation may be listed by several files
                        self.duplicates.append((kind, key, self.defined_in[(kind, key)], label))
                    continue  # imports never override curated entities
                table[key] = item
                self.defined_in[(kind, key)] = label
        seen_facts = {f.id for f in self.facts}
        for fact in kf.facts:
            if fact.id in seen_facts:
                self.duplicates.append(("fact", fact.id, self.defined_in[("fact", fact.id)], label))
                continue
            seen_facts.add(fact.id)
            self.facts.append(fact)
            self.defined_in[("fact", fact.id)] = label
        seen_opts = {o.id for o in self.options}
        for opt in kf.options:
            if opt.id in seen_opts:
                self.duplicates.append(("option", opt.id, self.defined_in[("option", opt.id)], label))
                continue
            seen_opts.add(opt.id)
            self.options.append(opt)
            self.defined_in[("option", opt.id)] = label

    def _index(self) -> None:
        for sym in self.genes:
            self._gene_alias.setdefault(sym.upper(), sym)
        for sym, gene in self.genes.items():
            for alias in gene.aliases:
                self._gene_alias.setdefault(alias.upper(), sym)
        for name in self.drugs:
            self._drug_alias.setdefault(normalize_name(name), name)
        for name, drug in self.drugs.items():
            for syn in drug.synonyms:
                self._drug_alias.setdefault(normalize_name(syn), name)
        for code, tumor in self.tumors.items():
            self._tumor_alias.setdefault(code.lower(), code)
            self._tumor_alias.setdefault(normalize_name(code), code)  # DOID_7474 is looked up as "doid 7474"
            self._tumor_alias.setdefault(normalize_name(tumor.name), code)
        for code, tumor in self.tumors.items():
            for syn in tumor.synonyms:
                self._tumor_alias.setdefault(normalize_name(syn), code)

    # ------------------------------------------------------------ resolution
    def resolve_gene(self, token: str) -> str | None:
        """HGNC symbol for a symbol or alias (case-insensitive), or ``None``."""
        return self._gene_alias.get(token.strip().upper())

    def resolve_drug(self, token: str) -> str | None:
        """Generic name for a generic name, brand name or code, or ``None``."""
        return self._drug_alias.get(normalize_name(token))

    def resolve_tumor(self, token: str) -> str | None:
        """OncoTree code for a code or a common name, or ``None``."""
        return self._tumor_alias.get(normalize_name(token))

    @staticmethod
    def _suggest(token: str, names: Iterable[str], n: int = 3) -> list[str]:
        return closest(token, names, n=n)

    def gene(self, token: str) -> str:
        """Resolve a gene or raise :class:`UnknownNameError` with the closest names."""
        sym = self.resolve_gene(token)
        if sym is None:
            names = list(self.genes) + [a for g in self.genes.values() for a in g.aliases]
            raise UnknownNameError("gene", token, self._suggest(token, names))
        return sym

    def drug(self, token: str) -> str:
        """Resolve a drug or raise :class:`UnknownNameError` with the closest names."""
        name = self.resolve_drug(token)
        if name is None:
            names = list(self.drugs) + [s for d in self.drugs.values() for s in d.synonyms]
            raise UnknownNameError("drug", token, self._suggest(token, names))
        return name

    def tumor(self, token: str) -> str:
        """Resolve a tumour type or raise :class:`UnknownNameError` with the closest names."""
        code = self.resolve_tumor(token)
        if code is None:
            names = list(self.tumors) + [t.name for t in self.tumors.values()]
            names += [s for t in self.tumors.values() for s in t.synonyms]
            raise UnknownNameError("tumor type", token, self._suggest(token, names))
        return code

    def mechanism(self, token: str) -> str:
        key = token.strip().lower().replace(" ", "_").replace("-", "_")
        if key not in self.mechanisms:
            raise UnknownNameError("mechanism class", token, self._suggest(key, self.mechanisms))
        return key

    # -------------------------------------------------------------- queries
    def class_ancestors(self, class_id: str) -> list[str]:
        """The class and its parents, most specific first."""
        out: list[str] = []
        cur: str | None = class_id
        while cur and cur not in out:
            out.append(cur)
            parent = self.drug_classes.get(cur)
            cur = parent.parent if parent else None
        return out

    def classes_of(self, drug: str) -> set[str]:
        """Every class the drug belongs to, including parent classes."""
        d = self.drugs[drug]
        return {a for c in d.classes for a in self.class_ancestors(c)}

    def drugs_in_class(self, class_id: str) -> list[str]:
        return sorted(n for n in self.drugs if class_id in self.classes_of(n))

    def tumor_ancestors(self, code: str) -> list[str]:
        """The tumour type and its parents up the OncoTree, most specific first."""
        out: list[str] = []
        cur: str | None = code
        while cur and cur not in out:
            out.append(cur)
            t = self.tumors.get(cur)
            cur = t.parent if t else None
        return out

    def fact_drugs(self, fact: Fact | Option) -> set[str]:
        """Drugs a fact applies to: named drugs plus every member of its drug classes."""
        if isinstance(fact, Option):
            return set(fact.therapy)
        out = set(fact.drugs)
        for c in fact.drug_classes:
            out.update(self.drugs_in_class(c))
        return out

    def facts_by_gene(self) -> dict[str, list[Fact]]:
        from oncoresist.profile.alteration import parse_alteration

        out: dict[str, list[Fact]] = defaultdict(list)
        for f in self.facts:
            for a in f.alterations:
                alt = parse_alteration(a, self.resolve_gene)
                out[alt.gene or alt.name].append(f)
        return out

    @property
    def curated_facts(self) -> list[Fact]:
        return [f for f in self.facts if f.record is None]
