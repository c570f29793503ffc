"""Shared machinery of the importers: TSV reading, entity creation, results.

The importers translate rows of an external table into facts. Every row either
becomes one or more facts or is *skipped with a reason*; nothing is dropped
silently. Names in the source are resolved against the curated knowledge first
(genes by symbol or alias, drugs by generic name or synonym, tumours by name or
synonym); what the curated knowledge does not know becomes a minimal entity of
the import, which the loader never lets override a curated one.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from oncoresist.alteration import Alteration, parse_alteration
from oncoresist.errors import AlterationSyntaxError, ImportFormatError
from oncoresist.knowledge.importers.diseases import NOT_MAPPABLE, DiseaseMap, disease_map
from oncoresist.knowledge.importers.infer import MechanismRules
from oncoresist.knowledge.importers.result import WILD_TYPE, ImportResult, Skip
from oncoresist.knowledge.index import Knowledge, no_inner_tumor_search, normalize_name
from oncoresist.knowledge.loader import load_knowledge
from oncoresist.knowledge.schema import Drug, DrugClass, Fact, Gene, Source, TumorType

#: drug class given to drugs the curated knowledge does not know (and no family tells more)
UNCLASSIFIED = "imported_unclassified"
_NEW_GENE_RE = re.compile(r"^[A-Z0-9]+(?:orf[0-9]+)?[A-Z0-9]*(?:-[A-Z0-9]+)*$")
_DRUG_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9\- ]*$")
#: salt and hydrate words dropped from drug names before look-up ("Imatinib Mesylate" -> imatinib)
_SALTS = {
    "mesylate", "dimesylate", "bismesylate", "hydrochloride", "dihydrochloride", "monohydrochloride",
    "anhydrous", "monohydrate", "hydrate", "sodium", "potassium", "ditosylate", "tosylate", "maleate",
    "dimaleate", "malate", "s-malate", "citrate", "phosphate", "sulfate", "besylate", "acetate", "tartrate",
    "fumarate", "succinate", "camsylate", "calcium", "hcl",
}  # fmt: skip

#: words that mark a therapy token as a class of drugs rather than one drug
_CLASS_WORDS = ("inhibitor", "inhibitors", "chemotherapy", "agent", "agents", "therapy", "antibody", "analog")


def plan_names(plans: list[DrugPlan], kind: str) -> list[str]:
    """The names of the ``kind`` (``"drug"`` or ``"class"``) plans, first occurrence first, without repeats."""
    return list(dict.fromkeys(p.name for p in plans if p.kind == kind))


def partial_fusion(five: str, three: str, unnamed: set[str], detail: str) -> str | None:
    """``GENE fusion`` for a fusion with one partner in ``unnamed``; None when both partners are named.

    Raises
    ------
    Skip
        When neither partner is named.
    """
    any5, any3 = five in unnamed, three in unnamed
    if any5 and any3:
        raise Skip("fusion with no named gene", detail)
    if any5:
        return f"{three} fusion"
    if any3:
        return f"{five} fusion"
    return None


def inferred_fact(
    rules: MechanismRules,
    builder: EntityBuilder,
    alterations: list[Alteration],
    *,
    drugs: list[str],
    drug_classes: list[str],
    **fields: Any,
) -> Fact:
    """A fact of the import whose mechanism class ``rules`` infer; the rule used is counted in the report."""
    mechanism, rule = rules.infer(alterations, drugs, drug_classes)
    fact = Fact(
        alterations=[builder.canonical(a) for a in alterations],
        drugs=drugs,
        drug_classes=drug_classes,
        mechanism=mechanism,
        mechanism_inferred=True,
        **fields,
    )
    builder.result.mechanism_rules[rule] += 1
    return fact


#: translates one row (its number from 1, the row, the builder, the rules) into facts, or raises :class:`Skip`
RowTranslator = Callable[[int, dict[str, str], "EntityBuilder", MechanismRules], list[Fact]]

__all__ = ["WILD_TYPE", "DrugPlan", "EntityBuilder", "ImportResult", "Skip", "run_import"]


def run_import(
    path: Path | str,
    kb: Knowledge | None,
    *,
    source: str,
    columns: list[str],
    what: str,
    translate: RowTranslator,
    skip_detail: Callable[[int, dict[str, str]], str],
    class_map: dict[str, str] | None = None,
    release_date: Callable[[list[dict[str, str]]], str | None] | None = None,
) -> ImportResult:
    """Read a ``what`` TSV and translate each row; every row is imported or counted as skipped with its reason.

    Parameters
    ----------
    path
        The TSV file.
    kb
        The curated knowledge to resolve names against (None: curated only).
    source
        The importer's name (``civic``, ``cgi``).
    columns
        The header columns the file must have.
    what
        The table's name in error messages (``CIViC evidence``).
    translate
        Row → facts; raises :class:`Skip`.
    skip_detail
        The example recorded for a skipped row when the :class:`Skip` gives none.
    class_map
        Drug-class labels of the source → curated class ids.
    release_date
        Rows → the table's release date (``YYYY-MM-DD``), when the table says it.

    Raises
    ------
    ImportFormatError
        The file is not such a TSV, or is truncated (file and line named).
    """
    path = Path(path)
    kb = kb or load_knowledge("curated")
    rows = list(read_tsv(path, columns, what=what))
    result = ImportResult(source=source, path=str(path), sha256=file_sha256(path))
    if release_date is not None:
        result.release_date = release_date([row for _n, row in rows])
    builder = EntityBuilder(kb, result, class_map=class_map, diseases=disease_map())
    rules = MechanismRules(kb, result)
    for n, (_lineno, row) in enumerate(rows, start=1):
        result.rows += 1
        try:
            facts = translate(n, row, builder, rules)
        except Skip as s:
            result.skip(s.reason, s.detail or skip_detail(n, row))
            continue
        result.facts.extend(facts)
        result.rows_imported += 1
    return result


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_tsv(path: Path, required: list[str], *, what: str) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(line number, row)`` for each data line of a tab-separated file.

    Raises
    ------
    ImportFormatError
        Naming the file (and line): missing header columns, a row with the wrong
        number of fields, a last line without its line end (a truncated file),
        or bytes that are not UTF-8.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ImportFormatError(f"{path}: no such file") from None
    except OSError as exc:
        raise ImportFormatError(f"{path}: cannot read: {exc.strerror}") from None
    if not data.strip():
        raise ImportFormatError(f"{path}: empty file; expected a {what} TSV with a header line")
    lines = data.split(b"\n")
    complete_end = data.endswith(b"\n")
    if complete_end:
        lines.pop()
    header = _decode(lines[0], path, 1).rstrip("\r").split("\t")
    missing = [c for c in required if c not in header]
    if missing:
        raise ImportFormatError(
            f"{path}: line 1: not a {what} TSV: missing column(s) {', '.join(missing)} "
            f"(found {', '.join(header[:6])}{', ...' if len(header) > 6 else ''})"
        )
    n = len(header)
    last = len(lines)
    for i in range(1, last):
        lineno = i + 1
        raw = lines[i]
        if not raw.strip():
            continue
        fields = _decode(raw, path, lineno).rstrip("\r").split("\t")
        if len(fields) != n:
            raise ImportFormatError(
                f"{path}: line {lineno}: {len(fields)} of {n} columns; the file is truncated or corrupt"
            )
        if lineno == last and not complete_end:
            raise ImportFormatError(f"{path}: line {lineno}: last line has no line end; the file is truncated")
        yield lineno, dict(zip(header, fields, strict=True))


def _decode(raw: bytes, path: Path, lineno: int) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ImportFormatError(f"{path}: line {lineno}: not UTF-8 text ({exc.reason})") from None


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


@dataclass
class DrugPlan:
    """A therapy token resolved to a drug (existing or to be created) or a drug class."""

    kind: str  # "drug" | "class"
    name: str
    new: Drug | None = None
    new_class: DrugClass | None = None


class EntityBuilder:
    """Resolve source names against the curated knowledge; plan minimal entities for the rest.

    Nothing is registered until :meth:`commit` is called for an accepted fact, so a
    skipped row leaves no orphan entity behind.
    """

    def __init__(
        self,
        kb: Knowledge,
        result: ImportResult,
        class_map: dict[str, str] | None = None,
        diseases: DiseaseMap | None = None,
    ) -> None:
        self.kb = kb
        self.result = result
        self.diseases = diseases or DiseaseMap({})
        self.class_map = {normalize_name(k): v for k, v in (class_map or {}).items()}
        self._class_names = {normalize_name(dc.name): cid for cid, dc in kb.drug_classes.items()}
        self._parse_cache: dict[str, Alteration | AlterationSyntaxError] = {}

    # ------------------------------------------------------------------ genes
    def resolve_gene(self, token: str) -> str | None:
        """Curated symbol or alias; else a plausible new HGNC-style symbol (upper case, no spaces)."""
        sym = self.kb.resolve_gene(token)
        if sym is not None:
            return sym
        t = token.strip()
        if t.upper() in self.result.genes:
            return t.upper()
        if _NEW_GENE_RE.match(t) and any(c.isalpha() for c in t) and len(t) >= 2 and not re.search(r"-V\d+$", t):
            return t
        return None

    def alteration(self, text: str) -> Alteration:
        """Parse ``text`` with the project grammar (cached); raise :class:`AlterationSyntaxError`."""
        hit = self._parse_cache.get(text)
        if hit is None:
            try:
                hit = parse_alteration(text, self.resolve_gene)
            except AlterationSyntaxError as exc:
                hit = exc
            self._parse_cache[text] = hit
        if isinstance(hit, AlterationSyntaxError):
            raise hit
        return hit

    def canonical(self, alt: Alteration) -> str:
        """The name to store: the canonical ``alt.name`` when it parses back to ``alt``, else the source text.

        (A codon without its residue, ``ESR1 codon 537``, has the name ``ESR1 537``, which does not parse.)
        """
        name = alt.name
        try:
            again = self.alteration(name)
        except AlterationSyntaxError:
            return alt.text
        return name if again == alt else alt.text

    # ------------------------------------------------------------------ drugs
    def drug_class(self, label: str) -> tuple[str, DrugClass | None]:
        """A curated class id for a class label, else a new imported class (id ``imported_<slug>``)."""
        norm = normalize_name(re.sub(r"\(.*?\)", "", label))
        mapped = self.class_map.get(norm)
        if mapped and mapped in self.kb.drug_classes:
            return mapped, None
        s = slug(norm)
        if s in self.kb.drug_classes:
            return s, None
        if norm in self._class_names:
            return self._class_names[norm], None
        cid = f"imported_{s}"
        if cid in self.result.drug_classes:
            return cid, None
        return cid, DrugClass(id=cid, name=label.strip(), description=f"drug class named by {self.result.source}")

    @staticmethod
    def looks_like_class(token: str) -> bool:
        low = normalize_name(token)
        return any(low.endswith(w) for w in _CLASS_WORDS) or low in {"platinum", "chemo"}

    def therapy(self, token: str, family_classes: list[str] | None = None) -> DrugPlan:
        """Resolve one therapy token to a drug or a drug class; plan a new drug if unknown."""
        raw = " ".join(token.split())
        if not raw:
            raise Skip("empty drug name", token)
        name = self.kb.resolve_drug(raw)
        if name is not None:
            return DrugPlan("drug", name)
        words = raw.lower().split()
        base = " ".join(w for w in words if w not in _SALTS) or raw.lower()
        name = self.kb.resolve_drug(base)
        if name is not None:
            return DrugPlan("drug", name)
        if self.looks_like_class(raw) or self.class_map.get(normalize_name(raw)) or slug(raw) in self.kb.drug_classes:
            cid, new_class = self.drug_class(raw)
            return DrugPlan("class", cid, new_class=new_class)
        generic = re.sub(r"[^a-z0-9\- ]+", "-", base).strip("- ")
        generic = re.sub(r"-{2,}", "-", generic)
        if not generic or not _DRUG_NAME_RE.match(generic):
            raise Skip("drug name cannot be a generic name", raw)
        if generic in self.result.drugs:
            return DrugPlan("drug", generic)
        synonyms = [raw] if raw.lower() != generic else []
        new = Drug(name=generic, synonyms=synonyms, classes=list(family_classes or []) or [UNCLASSIFIED])
        return DrugPlan("drug", generic, new=new)

    # ----------------------------------------------------------------- tumours
    def resolve_tumor_name(self, name: str) -> str | None:
        """Curated OncoTree code for a disease name, trying a few spellings."""
        n = normalize_name(name)
        candidates = [n, f"{n} cancer", f"{n} carcinoma", f"{n} tumor", f"{n} tumour"]
        if "adenocarcinoma" in n:
            candidates += [n.replace("adenocarcinoma", "cancer"), n.replace("adenocarcinoma", "carcinoma")]
        if n.endswith(" cancer"):
            candidates.append(n[: -len(" cancer")])
        with no_inner_tumor_search():  # the spellings above, each read whole
            for c in candidates:
                code = self.kb.resolve_tumor(c)
                if code is not None:
                    return code
        return None

    def tumor(self, name: str, code: str, key: str | None = None) -> tuple[str, TumorType | None]:
        """The OncoTree code of a source disease, and a new tumour entity when it maps onto none.

        In order: the curated mapping table (``data/disease_oncotree.tsv``; by ``key``, default
        ``name``; its code ``-`` marks a disease that maps onto no node), then the disease name
        through the OncoTree names and curated synonyms (:meth:`resolve_tumor_name`). A disease
        neither finds keeps a minimal entity of its own (``code``, made unique against known
        codes) with no parent, and is counted as unmapped.
        """
        key = (key or name).strip()
        mapped = self.diseases.lookup(self.result.source, key)
        if mapped is not None and mapped in self.kb.tumors:
            self.result.note_disease(key, mapped, "table")
            return mapped, None
        hit = None if mapped == NOT_MAPPABLE else self.resolve_tumor_name(name)
        if hit is not None:
            self.result.note_disease(key, hit, "name")
            return hit, None
        code = re.sub(r"[^A-Z0-9_]+", "_", code.upper()).strip("_") or "UNKNOWN"
        if code in self.kb.tumors:  # a known code with another meaning: keep the import apart
            code = f"{self.result.source.upper()}_{code}"
        self.result.note_disease(key, code, "unmapped")
        if code in self.result.tumors:
            return code, None
        return code, TumorType(code=code, name=name.strip() or code)

    # ------------------------------------------------------------------ commit
    def commit(
        self,
        alterations: list[Alteration],
        plans: list[DrugPlan],
        tumors: list[TumorType | None],
        sources: list[Source] = (),  # type: ignore[assignment]
    ) -> None:
        """Register the new entities an accepted fact needs."""
        for alt in alterations:
            context = alt.fusion_context.split("::") if alt.fusion_context else []
            for g in (alt.gene, alt.partner5, alt.partner3, *context):
                if g and self.kb.resolve_gene(g) is None and g not in self.result.genes:
                    self.result.genes[g] = Gene(symbol=g, name="", aliases=[], pathways=[])
        for p in plans:
            if p.new is not None and p.new.name not in self.result.drugs:
                self.result.drugs[p.new.name] = p.new
                for c in p.new.classes:
                    self._ensure_class(c)
            if p.new_class is not None and p.new_class.id not in self.result.drug_classes:
                self.result.drug_classes[p.new_class.id] = p.new_class
        for t in tumors:
            if t is not None and t.code not in self.result.tumors:
                self.result.tumors[t.code] = t
        for s in sources:
            if s.id not in self.kb.sources and s.id not in self.result.sources:
                self.result.sources[s.id] = s

    def _ensure_class(self, cid: str) -> None:
        if cid in self.kb.drug_classes or cid in self.result.drug_classes:
            return
        if cid == UNCLASSIFIED:
            self.result.drug_classes[cid] = DrugClass(
                id=cid,
                name="imported, not yet classified",
                description="Drugs named by an imported source that the curated knowledge does not describe.",
            )
