"""The in-memory knowledge: entities by name, alias indexes, facts and options.

Built once by :func:`oncoresist.knowledge.load_knowledge`; read-only afterwards.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from oncoresist.alteration import parse_alteration
from oncoresist.errors import UnknownNameError
from oncoresist.knowledge.oncotree import LABEL as ONCOTREE_LABEL
from oncoresist.knowledge.oncotree import ROOT as TUMOR_ROOT
from oncoresist.knowledge.oncotree import OncoTree
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

if TYPE_CHECKING:
    from oncoresist.knowledge.selection import Selection


#: how :meth:`Knowledge.tumor_relation` places a fact's tumour type relative to the query's
TumorRelation = Literal["same", "ancestor", "descendant", "sibling", "unrelated"]


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
    #: how this knowledge was selected (name, how, layers); set by the loader
    selection: Selection | None = field(default=None, repr=False)
    #: the OncoTree release of the tumour vocabulary ("" when built without one)
    oncotree_release: str = ""
    #: curated tumour entries that disagree with the OncoTree: (file, code, message)
    tumor_conflicts: list[tuple[str, str, str]] = field(default_factory=list)
    _gene_alias: dict[str, str] = field(default_factory=dict, repr=False)
    _drug_alias: dict[str, str] = field(default_factory=dict, repr=False)
    _tumor_alias: dict[str, str] = field(default_factory=dict, repr=False)
    _tumor_code_alias: dict[str, str] = field(default_factory=dict, repr=False)
    _tumor_children: dict[str, list[str]] = field(default_factory=dict, repr=False)
    _tumor_tissue: dict[str, str | None] = field(default_factory=dict, repr=False)
    _tumor_overlay_parents: list[tuple[str, str, str]] = field(default_factory=list, repr=False)
    _oncotree_codes: frozenset[str] = field(default_factory=frozenset, repr=False)

    def __repr__(self) -> str:
        return (
            f"Knowledge(version={self.version!r}, facts={len(self.facts)}, options={len(self.options)}, "
            f"genes={len(self.genes)}, drugs={len(self.drugs)}, tumors={len(self.tumors)})"
        )

    # ------------------------------------------------------------------ build
    @classmethod
    def build(
        cls,
        curated: Iterable[tuple[str, KnowledgeFile]],
        imported: Iterable[tuple[str, KnowledgeFile, dict[str, Any]]] = (),
        *,
        version: str = "unversioned",
        oncotree: OncoTree | None = None,
    ) -> Knowledge:
        """Merge the layers: the OncoTree nodes, then curated files, then imports (first definition wins).

        A curated tumour entry whose code is an OncoTree code adds its synonyms (and its
        name, when it differs) to the OncoTree node; the OncoTree's name and parent stay.
        """
        kb = cls(version=version)
        if oncotree is not None:
            kb.oncotree_release = oncotree.release
            for t in oncotree.nodes:
                kb.tumors[t.code] = t
                kb.defined_in[("tumor", t.code)] = ONCOTREE_LABEL
            kb._oncotree_codes = frozenset(kb.tumors)
            kb._tumor_code_alias = dict(oncotree.code_aliases)
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
                if kind == "tumor" and curated and key in self._oncotree_codes:
                    self._overlay_tumor(label, item)
                    continue
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

    def _overlay_tumor(self, label: str, item: TumorType) -> None:
        """Add a curated entry's synonyms (and a differing name) to the OncoTree node of its code."""
        node = self.tumors[item.code]
        extra = [s for s in item.synonyms if s not in node.synonyms]
        if normalize_name(item.name) != normalize_name(node.name) and item.name not in node.synonyms:
            extra.append(item.name)
        if extra:
            self.tumors[item.code] = node.model_copy(update={"synonyms": [*node.synonyms, *extra]})
            self.defined_in.setdefault(("tumor synonyms", item.code), label)
        if item.parent:
            self._tumor_overlay_parents.append((label, item.code, item.parent))

    def _index_tumors(self) -> None:
        children: dict[str, list[str]] = defaultdict(list)
        for code, t in self.tumors.items():
            if t.parent:
                children[t.parent].append(code)
        self._tumor_children = {k: sorted(v) for k, v in children.items()}
        for label, code, parent in self._tumor_overlay_parents:  # ancestry must agree with the OncoTree
            if parent not in self.tumor_ancestors(code)[1:]:
                chain = " > ".join(reversed(self.tumor_ancestors(code)))
                msg = f"parent {parent!r} is not an OncoTree ancestor of {code} ({chain})"
                self.tumor_conflicts.append((label, code, msg))
        names: dict[str, set[str]] = defaultdict(set)
        for code, tumor in self.tumors.items():
            names[normalize_name(tumor.name)].add(code)
        for code in self.tumors:
            self._tumor_alias.setdefault(code.lower(), code)
            self._tumor_alias.setdefault(normalize_name(code), code)  # DOID_7474 is looked up as "doid 7474"
        for name, codes in names.items():
            if len(codes) == 1:  # a name two OncoTree nodes share (germ cell tumours of ovary and testis) is ambiguous
                self._tumor_alias.setdefault(name, next(iter(codes)))
        for code, tumor in self.tumors.items():
            for syn in tumor.synonyms:
                key = normalize_name(syn)
                owner = self._tumor_alias.setdefault(key, code)
                if owner != code:
                    self.tumor_conflicts.append(
                        (
                            self.defined_in.get(("tumor synonyms", code)) or self.defined_in.get(("tumor", code), "?"),
                            code,
                            f"synonym {syn!r} already names {owner} ({self.tumors[owner].name})",
                        )
                    )
        for old, code in self._tumor_code_alias.items():
            self._tumor_alias.setdefault(old.lower(), code)

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
        self._index_tumors()

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
            names = list(self.tumors) + [t.name for t in self.tumors.values()] + list(self._tumor_code_alias)
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
        """The tumour type and its parents up the OncoTree, most specific first (ending at ``TISSUE``).

        An old OncoTree code (``GBM``) is read as its current code (``GB``); a code the
        knowledge does not know is its own only ancestor.
        """
        out: list[str] = []
        cur: str | None = code if code in self.tumors else self._tumor_code_alias.get(code, code)
        while cur and cur not in out:
            out.append(cur)
            t = self.tumors.get(cur)
            cur = t.parent if t else None
        return out

    def tumor_descendants(self, code: str) -> list[str]:
        """The tumour type and every type below it in the OncoTree (the code first, then breadth first)."""
        start = code if code in self.tumors else self._tumor_code_alias.get(code, code)
        out = [start]
        seen = {start}
        i = 0
        while i < len(out):
            for child in self._tumor_children.get(out[i], ()):
                if child not in seen:
                    seen.add(child)
                    out.append(child)
            i += 1
        return out

    def tumor_tissue(self, code: str) -> str | None:
        """The OncoTree tissue (the level-1 node below ``TISSUE``, e.g. ``LUNG``) of a type; None above or outside."""
        hit = self._tumor_tissue.get(code)
        if hit is None and code not in self._tumor_tissue:
            chain = self.tumor_ancestors(code)
            hit = chain[-2] if len(chain) >= 2 and chain[-1] == TUMOR_ROOT else None
            self._tumor_tissue[code] = hit
        return hit

    def tumor_relation(self, query: str, fact_code: str) -> TumorRelation:
        """Where a fact recorded in ``fact_code`` stands for a query about ``query`` (both OncoTree codes).

        - ``"same"``: the same type (old codes read as current ones);
        - ``"ancestor"``: the fact's type is above the query's (``NSCLC`` or ``TISSUE`` for a
          ``LUAD`` query): the fact applies;
        - ``"descendant"``: the fact's type is below the query's (``SKCM`` for a ``MEL`` query):
          it may apply, with a lower standing;
        - ``"sibling"``: neither is above the other but both lie in the same OncoTree tissue
          (``LUSC`` or ``SCLC`` for a ``LUAD`` query, both in ``LUNG``): lower standing;
        - ``"unrelated"``: different tissues, or a type outside the tree (an unmapped import).
        """
        q = self.tumor_ancestors(query)
        f = self.tumor_ancestors(fact_code)
        if q[0] == f[0]:
            return "same"
        if f[0] in q:
            return "ancestor"
        if q[0] in f:
            return "descendant"
        tq, tf = self.tumor_tissue(q[0]), self.tumor_tissue(f[0])
        if tq is not None and tq == tf:
            return "sibling"
        return "unrelated"

    def is_tumor_agnostic(self, codes: Iterable[str]) -> bool:
        """Whether a fact's tumour list means "any tumour type": empty, or the OncoTree root ``TISSUE``."""
        codes = list(codes)
        return not codes or TUMOR_ROOT in codes

    def fact_drugs(self, fact: Fact | Option) -> set[str]:
        """Drugs a fact applies to: named drugs plus every member of its drug classes."""
        if isinstance(fact, Option):
            return set(fact.therapy)
        out = set(fact.drugs)
        for c in fact.drug_classes:
            out.update(self.drugs_in_class(c))
        return out

    def facts_by_gene(self) -> dict[str, list[Fact]]:
        out: dict[str, list[Fact]] = defaultdict(list)
        for f in self.facts:
            for a in f.alterations:
                alt = parse_alteration(a, self.resolve_gene)
                out[alt.gene or alt.name].append(f)
        return out

    @property
    def curated_facts(self) -> list[Fact]:
        return [f for f in self.facts if f.record is None]
