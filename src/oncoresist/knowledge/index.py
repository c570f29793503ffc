"""The in-memory knowledge: entities by name, alias indexes, facts and options.

Built once by :func:`oncoresist.knowledge.load_knowledge`; read-only afterwards.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from oncoresist.alteration import parse_alteration
from oncoresist.errors import UnknownNameError
from oncoresist.knowledge.oncotree import LABEL as ONCOTREE_LABEL
from oncoresist.knowledge.oncotree import ROOT as TUMOR_ROOT
from oncoresist.knowledge.oncotree import (
    OncoTree,
    clinical_tumor_synonyms,
    loose_key,
    name_forms,
    strip_clinical_qualifiers,
)
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
from oncoresist.knowledge.tumor_names import (
    REFINEMENTS,
    TumorAbbreviation,
    abbreviation_key,
    metastatic_prefix,
    split_tumor_name,
    tumor_abbreviations,
)
from oncoresist.knowledge.tumor_sites import number_forms, site_forms
from oncoresist.suggest import closest

#: "<histology> of (the) <site>" as reports write it
_OF_SITE_RE = re.compile(r"^(?P<hist>.+?)\s+(?:of|in)\s+(?:the\s+)?(?P<site>.+)$", re.IGNORECASE)
#: "<site> cancer" (after :func:`loose_key`, which reads "cancer" as "carcinoma")
_SITE_GENERIC_RE = re.compile(r"^(?P<site>.+?)\s+(?:carcinoma|tumor|neoplasm|malignancy)$")


class AmbiguousNameError(UnknownNameError):
    """A tumour name that several OncoTree nodes carry, none of them above all the others."""

    def __init__(self, kind: str, name: str, candidates: list[str]) -> None:
        super().__init__(kind, name, candidates)
        msg = f"ambiguous {kind} {name!r}: it names {', '.join(candidates)}; give one of these (name or code)"
        self.args = (msg,)


if TYPE_CHECKING:
    from oncoresist.knowledge.selection import Selection


#: how :meth:`Knowledge.tumor_relation` places a fact's tumour type relative to the query's
TumorRelation = Literal["same", "ancestor", "descendant", "sibling", "unrelated"]


#: British spellings a report may use, read in American spelling (the OncoTree's and the imports')
_BRITISH_SPELLINGS = (
    (re.compile(r"gastro-?o?esophag", re.IGNORECASE), "gastroesophag"),  # "gastro-oesophageal junction" (annot10r)
    (re.compile(r"leukaemi", re.IGNORECASE), "leukemi"),
    (re.compile(r"tumour", re.IGNORECASE), "tumor"),
    (re.compile(r"(?<!gastr)oesophag", re.IGNORECASE), "esophag"),
    (re.compile(r"\bhaem", re.IGNORECASE), "hem"),
    (re.compile(r"anaem", re.IGNORECASE), "anem"),
)
#: words that already name a tumour (a name holding one is not read as "<adjective> cancer")
_MAX_INNER_WORDS = 30  # a longer text is no tumour name with context
#: one-word histologies that name only a NOS node: never read alone out of a longer text
_GENERIC_HISTOLOGY = frozenset({
    "adenocarcinoma", "carcinoma", "cancer", "tumor", "tumour", "neoplasm", "malignancy", "neoplasia", "sarcoma",
    "lymphoma", "leukemia", "leukaemia",
})  # fmt: skip
#: whether :meth:`Knowledge.tumor_candidates` may search a free text for a tumour name inside it (an importer
#: resolving a database's disease name does not: it tries its own spellings)
_INNER_SEARCH: ContextVar[bool] = ContextVar("oncoresist_tumor_inner_search", default=True)


@contextmanager
def no_inner_tumor_search() -> Iterator[None]:
    """Within the block, tumour names are read whole (no search for a name inside a free text)."""
    mark = _INNER_SEARCH.set(False)
    try:
        yield
    finally:
        _INNER_SEARCH.reset(mark)


#: an abbreviation as written: AML, NSCLC, B-ALL, mCRC, mCRPC (two capitals at least, an optional lower-case prefix)
_CAPITALS_RE = re.compile(r"[a-z]{0,2}[A-Z][A-Za-z0-9-]{0,8}[A-Z][A-Za-z0-9-]{0,8}")
_TUMOR_WORDS = re.compile(
    r"cancer|carcinoma|tumou?r|neoplasm|leuka?emia|lymphoma|sarcoma|melanoma|myeloma|glioma|blastoma|oma\b",
    re.IGNORECASE,
)


#: a WHO grade written around a tumour type: "grade 2 astrocytoma", "astrocytoma, WHO grade II", "CNS WHO grade 3"
_GRADE_RE = re.compile(r",?\s*\b(?:CNS\s+)?(?:WHO\s+)?grade\s+(?P<g>[1-4]|IV|I{1,3})\b,?", re.IGNORECASE)
_ROMAN = {"I": "1", "II": "2", "III": "3", "IV": "4"}


#: re-entrancy guards of tumour-name reading, per thread (and per asyncio task): the server reads names from
#: several threads at once, so a guard held on the shared :class:`Knowledge` would let one request's reading
#: switch off another's fallbacks. ``_FALLBACK_DEPTH``: inside a fallback reading (no fallback within it);
#: ``_QUALIFYING``: the names whose qualifiers are being read (a re-entrant reading of the same name stops).
_FALLBACK_DEPTH: ContextVar[int] = ContextVar("oncoresist_tumor_fallback_depth", default=0)
#: inside a tumour reading: a name looked up as part of another is not searched for an inner name (annot10p)
_READING: ContextVar[bool] = ContextVar("oncoresist_tumor_reading", default=False)
_QUALIFYING: ContextVar[frozenset[str]] = ContextVar("oncoresist_tumor_qualifying", default=frozenset())


#: "colorectal liver metastases", "breast cancer with bone metastases": the primary, then the metastatic site
_METASTASIS_RE = re.compile(
    r"^(?P<primary>.+?)\s+(?:with\s+)?(?:liver|hepatic|lung|pulmonary|bone|brain|cerebral|peritoneal|nodal|lymph\s+node|"
    r"adrenal|skin|cutaneous|pleural|distant)\s+metastas[ie]s$",
    re.IGNORECASE,
)
#: "SCLC transformation of EGFR-mutant NSCLC": the tumour is the one transformed (the transformation is an
#: alteration of it, written in the profile), "small cell transformation from lung adenocarcinoma"
_TRANSFORMED_RE = re.compile(
    r"^(?:[\w-]+\s+){0,4}?(?:histolog(?:ic|ical)\s+)?(?:transformation|transformed|conversion)\s+(?:of|from)\s+"
    r"(?:an?\s+|the\s+)?(?P<tumor>\S.*)$",
    re.IGNORECASE,
)


def _tumor_fallback_forms(token: str) -> list[str]:
    """Other forms of a tumour name no direct reading found: American spelling; a WHO grade written as OncoTree
    writes it (``"<type>, Grade N"``), then the type without it; ``"<adjective> cancer"``."""
    text = " ".join(token.split())
    out: list[str] = []
    american = text
    for rx, repl in _BRITISH_SPELLINGS:
        american = rx.sub(repl, american)
    if american != text:
        out.append(american)
    transformed = _TRANSFORMED_RE.match(american)
    if transformed:  # the tumour transformed, not the histology it became (helper annot10r)
        out.append(transformed["tumor"])
    metastatic = _METASTASIS_RE.match(american)
    if metastatic:  # the primary; a site adjective alone is read as "<adjective> cancer" (helper annot10r)
        primary = metastatic["primary"]
        out += [primary] if _TUMOR_WORDS.search(primary) else [primary, f"{primary} cancer"]
    graded = _GRADE_RE.search(american)
    if graded:
        rest = " ".join(_GRADE_RE.sub(" ", american, count=1).replace(" ,", ",").split()).strip(" ,")
        if rest:
            grade = _ROMAN.get(graded["g"].upper(), graded["g"])
            out += [f"{rest}, Grade {grade}", rest]
    if text and len(text.split()) <= 2 and not _TUMOR_WORDS.search(american) and re.fullmatch(r"[A-Za-z -]+", text):
        out.append(f"{american} cancer")
    # an organ sub-site OncoTree has no node for, then the other number of the last word (tumor_sites.py)
    out += site_forms(american) + number_forms(american)
    return out


def tumor_set_key(codes: Iterable[str]) -> str:
    """The code of a tumour set: its members, sorted, joined by ``|`` (``"BLL|TLL"``: B- or T-lymphoblastic)."""
    return "|".join(sorted(set(codes)))


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
    #: tumour *sets*: an abbreviation that names several OncoTree nodes (``ALL``: B- or T-lymphoblastic) is a query
    #: about those nodes only (see :meth:`tumor_set`); key ``"BLL|TLL"`` -> (members, their closest common ancestor)
    _tumor_sets: dict[str, tuple[tuple[str, ...], str]] = field(default_factory=dict, repr=False)
    #: keys of the tumour sets whose members lie in different tissues (``acute leukemia``: AML, BLL, TLL, ALAL): a
    #: query about one holds only what holds for every member (:meth:`tumor_set_needs_every_member`)
    _cross_lineage_sets: set[str] = field(default_factory=set, repr=False)
    _oncotree_codes: frozenset[str] = field(default_factory=frozenset, repr=False)
    #: code -> OncoTree mainType
    _tumor_main_type: dict[str, str] = field(default_factory=dict, repr=False)
    #: :func:`loose_key` of every name form, synonym and main type -> the codes carrying it
    _tumor_loose: dict[str, set[str]] = field(default_factory=dict, repr=False)
    #: loose key of a clinical synonym -> code, and -> its source (data_vocabulary/tumor_synonyms.yaml)
    _clinical_names: dict[str, str] = field(default_factory=dict, repr=False)
    _clinical_sources: dict[str, str] = field(default_factory=dict, repr=False)
    #: how a name that is not an OncoTree name was read (see :meth:`tumor_reading`)
    _tumor_readings: dict[str, str] = field(default_factory=dict, repr=False)
    #: the qualifiers a tumour name carried beyond its type (see :meth:`tumor_qualifiers`)
    _tumor_qualifiers: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    #: abbreviations (data_vocabulary/tumor_abbreviations.yaml): exact-case rows by text, the others by key
    _abbr_exact: dict[str, TumorAbbreviation] = field(default_factory=dict, repr=False)
    _abbr_case_folded: dict[str, TumorAbbreviation] = field(default_factory=dict, repr=False)
    _abbr_loose: dict[str, TumorAbbreviation] = field(default_factory=dict, repr=False)
    #: memo of :meth:`drugs_in_class`, valid for the (drugs, classes) table sizes in ``_class_members_key``
    _class_members: dict[str, list[str]] = field(default_factory=dict, repr=False, compare=False)
    _class_members_key: tuple[int, int] = field(default=(-1, -1), repr=False, compare=False)

    def __repr__(self) -> str:
        return (f"<Knowledge {self.version!r}: {len(self.facts)} facts, {len(self.genes)} genes, "
                f"{len(self.drugs)} drugs, {len(self.sources)} sources, {len(self.imports)} imports>")

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
            kb._tumor_main_type = dict(oncotree.main_type)
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
        self._clinical_names = {}
        for clin in clinical_tumor_synonyms():  # clinical names OncoTree lacks (data_vocabulary/tumor_synonyms.yaml)
            if clin.code in self.tumors:
                self._tumor_alias.setdefault(normalize_name(clin.name), clin.code)
                self._clinical_names.setdefault(loose_key(clin.name), clin.code)
                self._clinical_sources.setdefault(loose_key(clin.name), clin.source)
        self._abbr_exact, self._abbr_loose, self._abbr_case_folded = {}, {}, {}
        for ab in tumor_abbreviations():  # abbreviations a clinician types (data_vocabulary/tumor_abbreviations.yaml)
            if all(c in self.tumors for c in ab.codes):
                if ab.exact_case:
                    self._abbr_exact.setdefault(" ".join(ab.abbr.split()), ab)
                    self._abbr_case_folded.setdefault(abbreviation_key(ab.abbr), ab)
                else:
                    self._abbr_loose.setdefault(abbreviation_key(ab.abbr), ab)
        self._tumor_sets, self._cross_lineage_sets = {}, set()
        for ab in (*self._abbr_exact.values(), *self._abbr_loose.values()):
            self._register_tumor_set(ab.codes)
        self._index_tumor_forms()

    def _index_tumor_forms(self) -> None:
        """The loose name table behind :meth:`resolve_tumor`'s fallbacks.

        Every name form (:func:`name_forms`) and synonym of a node, and every OncoTree main
        type: a main type names the node that carries it at the highest level, or, when
        several do, their closest common ancestor below ``TISSUE`` (the tissue node at most);
        main types spread over several tissues stay ambiguous.
        """
        loose: dict[str, set[str]] = defaultdict(set)
        in_tree = self._oncotree_codes or frozenset(self.tumors)
        for code, tumor in self.tumors.items():  # 1: names, their "/" alternatives, synonyms
            if self.defined_in.get(("tumor", code)) in self.imports:
                continue  # an imported disease never shadows an OncoTree node or a curated entry
            for form in [*name_forms(tumor.name, comma=False), *tumor.synonyms]:
                key = loose_key(form)
                if key:
                    loose[key].add(code)
        by_main: dict[str, list[str]] = defaultdict(list)
        for code, main in self._tumor_main_type.items():
            by_main[main].append(code)
        for main, codes in by_main.items():  # 2: main types
            depth = {c: len(self.tumor_ancestors(c)) for c in codes}
            top = min(depth.values())
            highest = sorted(c for c in codes if depth[c] == top)
            common = self._common_ancestor(highest)
            targets = {common} if common is not None else set(highest)
            for form in name_forms(main, comma=False):
                key = loose_key(form)
                if key and key not in loose:  # a node's own name wins over a main type
                    loose[key] |= targets
        heads: dict[str, set[str]] = defaultdict(set)
        for code, tumor in self.tumors.items():  # 3: the part before a comma ("Astrocytoma, IDH-Mutant")
            if code in in_tree and "," in tumor.name:
                for form in name_forms(tumor.name.split(",", 1)[0], comma=False):
                    key = loose_key(form)
                    if key and key not in loose:
                        heads[key].add(code)
        loose.update(heads)
        self._tumor_loose = dict(loose)

    def _common_ancestor(self, codes: list[str]) -> str | None:
        """The closest common ancestor of ``codes`` below ``TISSUE`` (None when only the root is common)."""
        if not codes:
            return None
        common = self.tumor_ancestors(codes[0])
        for c in codes[1:]:
            anc = set(self.tumor_ancestors(c))
            common = [a for a in common if a in anc]
        return next((a for a in common if a != TUMOR_ROOT), None)

    def _specific_ancestor(self, codes: set[str]) -> str | None:
        """The closest common ancestor of ``codes`` when it is a specific type: not the root, not a tissue."""
        common = self._common_ancestor(sorted(codes))
        if common is None or self.tumor_tissue(common) == common:
            return None
        return common

    def _collapse(self, codes: set[str]) -> str | None:
        """The one code of ``codes`` that lies above (or is) every other, else None."""
        for c in sorted(codes):
            if all(c in self.tumor_ancestors(o) for o in codes):
                return c
        return None

    def tumor_candidates(self, token: str) -> tuple[str | None, list[str]]:
        """(code, candidates) for a tumour name; see :meth:`_tumor_candidates_direct` for the forms read.

        A name none of those forms reads is tried once more as a report may mean it: in American
        spelling (``acute lymphoblastic leukaemia``) and, when it is a site adjective with no tumour
        word, as ``"<adjective> cancer"`` (``ovarian``, ``colorectal``); the reading is noted
        (:meth:`tumor_reading`). A free text none of these reads is searched for the longest run of words that
        reads as one type (:meth:`_inner_name`), at the outermost reading only.
        """
        outer = not _READING.get()
        mark = _READING.set(True)
        try:
            code, cands = self._tumor_candidates_once(token)
            if code is None and not cands and outer:
                code, cands = self._inner_name(token)
        finally:
            _READING.reset(mark)
        return code, cands

    def _tumor_candidates_once(self, token: str) -> tuple[str | None, list[str]]:
        code, cands = self._tumor_candidates_direct(token)
        if code is not None or cands or _FALLBACK_DEPTH.get():
            return code, cands
        depth = _FALLBACK_DEPTH.set(_FALLBACK_DEPTH.get() + 1)  # the direct reading looks up parts of a name
        try:
            for alt in _tumor_fallback_forms(token):
                code, cands = self._tumor_candidates_direct(alt)
                if code is not None or cands:
                    if code is not None:
                        self._tumor_readings[token] = f"read as {self.tumor_label(code)} ({code}), from {alt!r}"
                        if alt in self._tumor_qualifiers:  # the qualifiers the other form kept ("metastatic")
                            self._tumor_qualifiers[token] = self._tumor_qualifiers[alt]
                    return code, cands
        finally:
            _FALLBACK_DEPTH.reset(depth)
        return None, []

    def _inner_name(self, token: str) -> tuple[str | None, list[str]]:
        """The longest run of words inside a free text that reads as one tumour type (helper annot10p):
        ``"metastatic castration-resistant prostate cancer after abiraterone"`` -> the prostate cancer it names,
        ``"CLL after a BTK inhibitor"`` -> CLL; the rest (treatment history, stage, smoking) is ignored. Runs of
        the same length that read as different types are not chosen between: their codes are the candidates (an
        ambiguity error). One word must be a tumour word or an abbreviation written in capitals (``AML``)."""
        words = [w for w in re.split(r"\s+", " ".join(token.replace(",", ", ").split())) if w]
        if len(words) < 2 or len(words) > _MAX_INNER_WORDS or not _INNER_SEARCH.get():
            return None, []
        of_site = _OF_SITE_RE.match(" ".join(words))
        if of_site and self._tumor_candidates_direct(of_site["site"])[0] is not None:
            return None, []  # "cholangiocarcinoma of the liver": the "<histology> of <site>" reading has refused it
        for length in range(len(words) - 1, 0, -1):
            found: dict[str, str] = {}
            for i in range(len(words) - length + 1):
                span = " ".join(words[i : i + length]).strip(" ,;:.()")
                if not span or (length == 1 and not (_TUMOR_WORDS.search(span) or _CAPITALS_RE.fullmatch(span))):
                    continue
                if length == 1 and span.lower() in _GENERIC_HISTOLOGY:
                    continue  # "breast adenocarcinoma" is no adenocarcinoma, NOS
                code, _ = self._tumor_candidates_once(span)  # with its fallback forms (British spelling)
                if code is not None:
                    found.setdefault(code, span)
            if len(found) > 1:
                return None, sorted(found)
            if found:
                code, span = next(iter(found.items()))
                quals = self._tumor_qualifiers.get(span, ())
                self._note_reading(token, code, f"from {span!r} inside the text (the rest is not a tumour name)", quals)
                return code, [code]
        return None, []

    def _tumor_candidates_direct(self, token: str) -> tuple[str | None, list[str]]:
        """(code, candidates) for a tumour name: the code when it resolves unambiguously,
        else the codes it could name (empty when it names none).

        In order: an exact code; an abbreviation written in its own letter case (``mBC``, ``pNET``:
        their upper-case forms are other OncoTree codes); an abbreviation in any case (``ICCA``, ``TNBC``:
        the table's row carries its qualifiers); a code, name, synonym or old code; then the
        loose forms (see :func:`loose_key`, :func:`name_forms`, main types); then ``"<histology> of (the)
        <site>"`` read as ``"<site> <histology>"`` or as the type below ``<site>`` whose name holds every
        word of ``<histology>``; then ``"<site> cancer"`` for a site that is an OncoTree tissue; then the
        name without its qualifiers of phase, stage, line,
        receptor status or biomarker subset, with a metastatic ``m`` prefix read (``mUC``), short
        histology words read in full (``lung adeno``) and ``"<type> <histology>"`` read as the type below
        (``NSCLC adenocarcinoma``); the qualifiers are kept (:meth:`tumor_qualifiers`).
        """
        text = " ".join(token.split())
        if text in self.tumors or text in self._tumor_sets:
            return text, [text]
        exact = self._abbr_exact.get(text)
        if exact is not None:
            return self._abbreviation_hit(token, exact, ())
        loose = self._abbr_loose.get(abbreviation_key(text))
        if loose is not None:
            return self._abbreviation_hit(token, loose, ())
        prefixed = metastatic_prefix(text)
        if prefixed is not None:  # mCRPC, mUC: the abbreviation's row, with "metastatic" kept
            ab = self._abbr_exact.get(prefixed[0]) or self._abbr_loose.get(abbreviation_key(prefixed[0]))
            if ab is not None:
                return self._abbreviation_hit(token, ab, (prefixed[1],))
        exact_name = self._tumor_alias.get(normalize_name(token))
        if exact_name is not None:
            return exact_name, [exact_name]
        code, cands = None, list[str]()
        if split_tumor_name(token).qualifiers:  # qualifiers first, so that they are kept
            code, cands = self._qualified_candidates(token)
        if code is None and not cands:
            code, cands = self._tumor_candidates(token)
        if code is None and not cands:
            code, cands = self._qualified_candidates(token)
        if code is None and not cands:
            bare = strip_clinical_qualifiers(token)
            if bare and bare.lower() != " ".join(token.split()).lower():
                code, cands = self._tumor_candidates(bare)
                if code is not None:
                    self._tumor_readings[token] = (
                        f"read as {self.tumor_label(code)} ({code}), without the qualifiers of {token!r}"
                    )
        return code, cands

    def tumor_qualifiers(self, token: str) -> tuple[str, ...]:
        """What a tumour name says beyond its OncoTree type, in a fixed spelling: ``("ER-positive",
        "HER2-negative", "metastatic")`` for ``"ER+/HER2- mBC"``, ``("chronic phase",)`` for ``"CML-CP"``;
        ``()`` when it says nothing more (or does not resolve)."""
        code, _ = self.tumor_candidates(token)
        return self._tumor_qualifiers.get(token, ()) if code is not None else ()

    def _abbreviation_codes(self, ab: TumorAbbreviation) -> tuple[str | None, list[str]]:
        if len(ab.codes) == 1:
            return ab.codes[0], [ab.codes[0]]
        key = tumor_set_key(ab.codes)
        if key in self._tumor_sets:
            return key, [key]
        return None, sorted(ab.codes)

    def _register_tumor_set(self, codes: tuple[str, ...]) -> None:
        """Register the set of nodes an abbreviation names (:meth:`tumor_set`) when it reads as one query.

        It does when the nodes' closest common ancestor is a specific type (not a tissue, not the root), and, for
        an umbrella (a "..., NOS" main type), only when that umbrella is the parent of every node named: ``ALL``
        (B- or T-lymphoblastic) is the set {BLL, TLL} below the Lymphoid Neoplasm, not the Lymphoid Neoplasm with
        its other descendants (CLL, myeloma, lymphomas). Nodes of different tissues (``acute leukemia``: myeloid or
        lymphoid) make a *cross-lineage* set (session 7, annot8): evidence applies to it with full standing only where
        it holds for every member (:meth:`tumor_set_needs_every_member`; the annotator's ``TumorScope.best``).
        """
        if len(codes) < 2 or not all(c in self.tumors for c in codes):
            return
        common = self._common_ancestor(sorted(codes))
        if common is None or self.tumor_tissue(common) == common:
            tissues = {self.tumor_tissue(c) for c in codes}
            if common is None and len(tissues) > 1 and None not in tissues:
                key = tumor_set_key(codes)
                self._tumor_sets[key] = (tuple(sorted(set(codes))), TUMOR_ROOT)
                self._cross_lineage_sets.add(key)
            return  # only a tissue or the root is common: no set, unless the members lie in different tissues
        nos = self._tumor_main_type.get(common, "").endswith("NOS")
        if nos and not all(self.tumor_ancestors(c)[1:2] == [common] for c in codes):
            return
        self._tumor_sets[tumor_set_key(codes)] = (tuple(sorted(set(codes))), common)

    def tumor_set(self, code: str) -> tuple[str, ...] | None:
        """The OncoTree nodes a tumour *set* stands for (``"BLL|TLL"`` -> ``("BLL", "TLL")``), else ``None``.

        A set is what an abbreviation naming several nodes resolves to (``ALL``). A query about a set matches
        facts recorded in any member (``same``), an ancestor of one (``ancestor``) or a subtype of one
        (``descendant``); facts on the other descendants of the members' common ancestor are siblings.
        """
        hit = self._tumor_sets.get(code)
        return hit[0] if hit is not None else None

    def tumor_set_needs_every_member(self, code: str) -> bool:
        """Whether ``code`` is a tumour set whose members lie in different tissues (``acute leukemia``).

        A query about such a set names one of several lineages without saying which; evidence applies to it with
        full standing only where it holds for every member.
        """
        return code in self._cross_lineage_sets

    def tumor_label(self, code: str) -> str:
        """A tumour type's name; for a set, its members' names joined by "or"; an unknown code as given."""
        members = self.tumor_set(code)
        if members is not None:
            return " or ".join(self.tumors[c].name for c in members)
        t = self.tumors.get(code)
        return t.name if t is not None else code

    def _abbreviation_hit(
        self, token: str, ab: TumorAbbreviation, quals: tuple[str, ...], core: str | None = None
    ) -> tuple[str | None, list[str]]:
        code, cands = self._abbreviation_codes(ab)
        how = f"the abbreviation {ab.abbr!r} ({ab.source})"
        if code is not None and code not in ab.codes:
            how += (
                ", the set of the types it names (facts on their ancestors apply, not facts on their other relatives)"
                if code in self._tumor_sets
                else ", the closest common ancestor of " + ", ".join(ab.codes)
            )
        kept = tuple(dict.fromkeys((*quals, *ab.qualifiers)))
        refined, cands = self._refine(code, cands, kept, ab.codes)
        if refined is not None and refined != code:
            how += f", made specific by {', '.join(kept)}"
        code = refined
        if code is not None:
            self._note_reading(token, code, how, kept)
        return code, cands

    def _refine(
        self, code: str | None, cands: list[str], quals: tuple[str, ...], below: tuple[str, ...] = ()
    ) -> tuple[str | None, list[str]]:
        """A qualifier that names a more specific node (Ph-positive B-ALL -> BLLBCRABL1); ``below``: the nodes an
        abbreviation named when ``code`` is their common ancestor (Ph-positive ALL -> BLLBCRABL1, not LNM)."""
        for q in quals:
            for c in [*([code] if code is not None else cands), *below]:
                better = REFINEMENTS.get((q, c or ""))
                if better is not None and better in self.tumors:
                    return better, [better]
        return code, cands

    def _note_reading(self, token: str, code: str, how: str, quals: tuple[str, ...]) -> None:
        note = f"read as {self.tumor_label(code)} ({code}), {how}"
        if quals:
            note += "; qualifiers kept: " + ", ".join(quals)
        self._tumor_readings[token] = note
        self._tumor_qualifiers[token] = quals

    def _qualified_candidates(self, token: str) -> tuple[str | None, list[str]]:
        """A name with qualifiers around the type (:func:`split_tumor_name`), read by its tumour words."""
        key = " ".join(token.split()).lower()
        held = _QUALIFYING.get()
        if key in held:
            return None, []
        mark = _QUALIFYING.set(held | {key})
        try:
            return self._read_qualified(token)
        finally:
            _QUALIFYING.reset(mark)

    def _read_qualified(self, token: str) -> tuple[str | None, list[str]]:
        name = split_tumor_name(token)
        core, quals = name.core, name.qualifiers
        if not core:
            return None, []
        attempts: list[tuple[str, tuple[str, ...]]] = [(core, quals)]
        prefixed = metastatic_prefix(core)
        if prefixed is not None:
            attempts.append((prefixed[0], (*quals, prefixed[1])))
        with_m = re.match(r"^(?P<t>.+?)\s+with\s+(?P<q>.+)$", core, re.IGNORECASE)
        if with_m:  # "CLL with a complex karyotype": the type, with the rest kept as a qualifier
            attempts.append((with_m["t"], (*quals, f"with {with_m['q']}")))
        words = core.split()
        for i in range(1, len(words)):  # "NSCLC adenocarcinoma": the adenocarcinoma below NSCLC (a type, not a tissue)
            head = " ".join(words[:i]).rstrip(",;")
            ab = self._abbr_exact.get(head) or self._abbr_loose.get(abbreviation_key(head))
            head_code = self._tumor_alias.get(normalize_name(head))
            if head_code is None and ab is not None and len(ab.codes) == 1:
                head_code = ab.codes[0]
            if head_code is not None and self.tumor_tissue(head_code) != head_code:
                attempts.append((f"{' '.join(words[i:])} of {head}", quals))
        for text, kept in attempts:
            if text == " ".join(token.split()):
                continue
            ab = self._abbr_exact.get(text) or self._abbr_loose.get(abbreviation_key(text))
            if ab is None and kept:
                # with clinical qualifiers around it ("HR+/HER2- MBC", "ER+ MBC"), the core is a report's
                # abbreviation in any letter case, even where its upper-case form is another OncoTree code (MBC:
                # Metaplastic Breast Cancer): receptor status, spread and line are not written around a code
                ab = self._abbr_case_folded.get(abbreviation_key(text))
            if ab is not None:
                return self._abbreviation_hit(token, ab, kept)
            code, cands = self._tumor_candidates(text) if text not in self.tumors else (text, [text])
            code, cands = self._refine(code, cands, kept)
            if code is not None:
                self._note_reading(token, code, f"from {text!r}", kept)
                return code, cands
            if cands:
                return code, cands
        return None, []

    def tumor_reading(self, token: str) -> str | None:
        """How a tumour name that is not an OncoTree name was read (a clinical synonym, the closest common
        ancestor of the nodes it names, or the name without its clinical qualifiers), or ``None``."""
        code, _ = self.tumor_candidates(token)
        if code is None:
            return None
        clinical = self._clinical_names.get(loose_key(token))
        if clinical == code:
            source = self._clinical_sources[loose_key(token)]
            return f"read as {self.tumor_label(code)} ({code}), a clinical synonym ({source})"
        return self._tumor_readings.get(token)

    def _tumor_candidates(self, token: str) -> tuple[str | None, list[str]]:
        exact = self._tumor_alias.get(normalize_name(token))
        if exact is not None:
            return exact, [exact]
        key = loose_key(token)
        if not key:
            return None, []
        clinical = self._clinical_names.get(key)
        if clinical is not None:
            self._tumor_readings[token] = (
                f"read as {self.tumors[clinical].name} ({clinical}), a clinical synonym ({self._clinical_sources[key]})"
            )
            return clinical, [clinical]
        hit = self._tumor_loose.get(key)
        if hit:
            own = [c for c in hit if loose_key(self.tumors[c].name) == key]  # the node whose own full name it is
            one = self._collapse(hit) or (own[0] if len(own) == 1 else None) or self._specific_ancestor(hit)
            if one is not None and one not in hit:
                named = ", ".join(f"{self.tumors[c].name} ({c})" for c in sorted(hit))
                self._tumor_readings[token] = (
                    f"read as {self.tumors[one].name} ({one}), the closest common ancestor of the types it names: "
                    + named
                )
            return (one, [one]) if one else (None, sorted(hit))
        m = _OF_SITE_RE.match(" ".join(token.split()))
        if m:
            hist, site_name = m.group("hist"), m.group("site")
            code, cands = self.tumor_candidates(f"{site_name} {hist}")
            if code is not None or cands:
                return code, cands
            site, _ = self.tumor_candidates(site_name)
            if site is None:  # "salivary gland" is the main type "Salivary Gland Cancer"
                site, _ = self.tumor_candidates(f"{site_name} cancer")
            if site is not None:
                words = set(loose_key(hist).split())
                generic = {"carcinoma", "tumor", "neoplasm", "malignancy"}
                if words <= generic:
                    return (site, [site]) if self.tumor_tissue(site) == site else (None, [])
                below = set()
                for c in self.tumor_descendants(site):
                    forms = [set(loose_key(f).split()) for f in name_forms(self.tumors[c].name)]
                    # a combined tumour ("... plus ...", "mixed ... and ...") is only named in full
                    if any(words <= f and not f & {"plus", "and", "mixed"} for f in forms):
                        below.add(c)
                if below:
                    one = self._collapse(below)
                    return (one, [one]) if one else (None, sorted(below))
            return None, []
        g = _SITE_GENERIC_RE.match(key)
        if g:
            site, _ = self.tumor_candidates(g.group("site"))
            if site is not None and self.tumor_tissue(site) == site:
                return site, [site]
        return None, []

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
        """OncoTree code for a code or a name as reports write it, or ``None`` (also when ambiguous).

        See :meth:`tumor_candidates` for the forms read.
        """
        hit = self._tumor_alias.get(normalize_name(token))
        if hit is not None and " ".join(token.split()) not in self._abbr_exact:
            return hit
        return self.tumor_candidates(token)[0]

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
        code, candidates = self.tumor_candidates(token)
        if code is None and len(candidates) > 1:
            named = [f"{self.tumors[c].name} ({c})" for c in candidates if c in self.tumors]
            raise AmbiguousNameError("tumor type", token, named)
        if code is None:
            names = list(self.tumors) + [t.name for t in self.tumors.values()] + list(self._tumor_code_alias)
            names += [s for t in self.tumors.values() for s in t.synonyms]
            names += [ab.abbr for ab in (*self._abbr_exact.values(), *self._abbr_loose.values())]
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
        """The drugs in the class or in any class below it, sorted (a new list each call).

        Memoised per class: the twin's route building asks this millions of times; the memo is
        dropped whenever the number of drugs or classes changes (the tables are filled only while
        the knowledge is built).
        """
        key = (len(self.drugs), len(self.drug_classes))
        if self._class_members_key != key:
            self._class_members = {}
            self._class_members_key = key
        hit = self._class_members.get(class_id)
        if hit is None:
            hit = self._class_members[class_id] = sorted(n for n in self.drugs if class_id in self.classes_of(n))
        return list(hit)

    def tumor_ancestors(self, code: str) -> list[str]:
        """The tumour type and its parents up the OncoTree, most specific first (ending at ``TISSUE``).

        An old OncoTree code (``GBM``) is read as its current code (``GB``); a code the
        knowledge does not know is its own only ancestor.
        """
        out: list[str] = []
        cur: str | None = code if code in self.tumors else self._tumor_code_alias.get(code, code)
        tset = self._tumor_sets.get(code)
        if tset is not None:  # a set stands below its members' closest common ancestor
            out, cur = [code], tset[1]
        while cur and cur not in out:
            out.append(cur)
            t = self.tumors.get(cur)
            cur = t.parent if t else None
        return out

    def tumor_descendants(self, code: str) -> list[str]:
        """The tumour type and every type below it in the OncoTree (the code first, then breadth first)."""
        start = code if code in self.tumors else self._tumor_code_alias.get(code, code)
        out = [start, *(self.tumor_set(code) or ())]
        seen = set(out)
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
        members = self.tumor_set(query)
        if members is not None:  # a set: the best relation to any member; never to the members' other relatives
            rels = [self.tumor_relation(m, fact_code) for m in members]
            return next(r for r in ("same", "ancestor", "descendant", "sibling", "unrelated") if r in rels)
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
