"""Reading curated YAML and imported JSON into one :class:`Knowledge` object.

Curated files live in ``oncoresist/knowledge/data/`` (any ``*.yaml`` below it,
read in sorted order). Imports (CIViC, CGI) live as JSON in the per-user data
directory (:func:`import_dir`) and are merged at load. Loading validates every
model (pydantic) and every cross-reference (:mod:`.validate`); the first error is
raised as a :class:`~oncoresist.errors.KnowledgeError` naming file, entry and field.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any, get_args

import yaml
from pydantic import ValidationError

from oncoresist.errors import KnowledgeError
from oncoresist.knowledge.derive import add_derived_facts
from oncoresist.knowledge.index import Knowledge
from oncoresist.knowledge.schema import (
    ID_RE,
    MECHANISM_IDS,
    SOURCE_RE,
    Effect,
    EvidenceLevel,
    Fact,
    KnowledgeFile,
    Origin,
    TherapyMode,
)

DATA_DIR = Path(__file__).parent / "data"
IMPORT_ENV = "ONCORESIST_DATA_DIR"

try:  # the C loader is ~10x faster
    _YamlLoader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _YamlLoader = yaml.SafeLoader


def import_dir() -> Path:
    """Where imported facts are kept: ``$ONCORESIST_DATA_DIR`` or the platformdirs user data dir."""
    env = os.environ.get(IMPORT_ENV)
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("oncoresist", appauthor=False))


def _entry_label(section: str, item: Any, index: int) -> str:
    if isinstance(item, dict):
        for key in ("id", "symbol", "name", "code"):
            if key in item:
                return f"{section}[{index}] ({item[key]})"
    return f"{section}[{index}]"


def format_validation_error(path: str, raw: dict[str, Any], exc: ValidationError) -> str:
    """One line: file, entry and field of the first pydantic error."""
    err = exc.errors()[0]
    loc = list(err["loc"])
    where = path
    if len(loc) >= 2 and isinstance(loc[0], str) and isinstance(loc[1], int):
        section, idx = loc[0], loc[1]
        items = raw.get(section) or []
        item = items[idx] if idx < len(items) else None
        where += f": {_entry_label(section, item, idx)}"
        field = ".".join(str(p) for p in loc[2:]) or "(entry)"
    else:
        field = ".".join(str(p) for p in loc) or "(file)"
    more = f" (and {len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
    return f"{where}: field {field!r}: {err['msg']}{more}"


def read_yaml_sections(path: Path, label: str, examples: str) -> dict[str, Any]:
    """Read a YAML file whose top level is a mapping of sections (an empty file is an empty mapping).

    Parameters
    ----------
    path
        The file.
    label
        How error messages name the file.
    examples
        Section names for the error message, e.g. ``"facts:, drugs:"``.

    Raises
    ------
    KnowledgeError
        One line: the file cannot be read, is not YAML (line and column named), or its top
        level is not a mapping.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise KnowledgeError(f"{label}: cannot read: {exc.strerror}") from None
    try:
        raw = yaml.load(text, Loader=_YamlLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        pos = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise KnowledgeError(f"{label}:{pos}: invalid YAML: {problem}") from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise KnowledgeError(f"{label}: top level must be a mapping of sections ({examples}, ...)")
    return raw


def read_knowledge_file(path: Path, label: str | None = None) -> KnowledgeFile:
    """Parse and validate one curated YAML file."""
    label = label or str(path)
    raw = read_yaml_sections(path, label, "facts:, drugs:")
    try:
        return KnowledgeFile.model_validate(raw)
    except ValidationError as exc:
        raise KnowledgeError(format_validation_error(label, raw, exc)) from None


def curated_files(data_dir: Path | None = None) -> list[Path]:
    root = data_dir or DATA_DIR
    return sorted(p for p in root.rglob("*.yaml") if p.is_file())


#: ``meta.writer`` of files written by :mod:`oncoresist.knowledge.importers.store`
IMPORT_WRITER = "oncoresist.knowledge.importers"
_FACT_FIELDS = frozenset(Fact.model_fields)
_FACT_REQUIRED = frozenset(k for k, f in Fact.model_fields.items() if f.is_required())
_ENUMS: dict[str, frozenset[str]] = {
    "effect": frozenset(get_args(Effect)),
    "mechanism": frozenset(MECHANISM_IDS),
    "origin": frozenset(get_args(Origin)),
    "evidence_level": frozenset(get_args(EvidenceLevel)),
    "therapy_mode": frozenset(get_args(TherapyMode)),
}


def _trusted_facts(items: Any) -> list[Fact] | None:
    """Facts of an importer-written file built without full pydantic validation (load speed).

    Every field's presence, type and controlled value is still checked here, cheaply;
    on any doubt ``None`` is returned and the caller validates fully (for the message).
    """
    if not isinstance(items, list):
        return None
    out: list[Fact] = []
    good_sources: set[str] = set()
    for f in items:
        if not isinstance(f, dict) or not f.keys() >= _FACT_REQUIRED or not f.keys() <= _FACT_FIELDS:
            return None
        for key, allowed in _ENUMS.items():
            if key in f and f[key] not in allowed:
                return None
        alts, srcs, summary = f["alterations"], f["sources"], f["summary"]
        if not (isinstance(alts, list) and alts and all(isinstance(a, str) and a for a in alts)):
            return None
        if not (isinstance(srcs, list) and srcs):
            return None
        for x in srcs:
            if x not in good_sources:
                if not (isinstance(x, str) and SOURCE_RE.match(x)):
                    return None
                good_sources.add(x)
        if not (isinstance(summary, str) and len(summary) >= 10 and isinstance(f["id"], str) and ID_RE.match(f["id"])):
            return None
        for key in ("drugs", "drug_classes", "tumors"):
            v = f.get(key, [])
            if not (isinstance(v, list) and all(isinstance(x, str) for x in v)):
                return None
        if not isinstance(f.get("mechanism_inferred", False), bool) or not isinstance(f.get("record") or "", str):
            return None
        out.append(_construct_fact(f))
    return out


def _list_default() -> list[str]:
    return []


#: per field: a factory of its default (``Fact.model_construct`` is slow: it inspects
#: each default factory's signature on every call)
_FACT_DEFAULTS: dict[str, Any] = {
    name: (_list_default if field.default_factory is not None else (lambda d=field.default: d))
    for name, field in Fact.model_fields.items()
    if not field.is_required()
}


def _construct_fact(data: dict[str, Any]) -> Fact:
    """What ``Fact.model_construct(**data)`` does for this model, without its per-call overhead."""
    values = {name: data[name] if name in data else _FACT_DEFAULTS[name]() for name in _FACT_NAMES}
    obj = _new_fact(Fact)
    _setattr(obj, "__dict__", values)
    _setattr(obj, "__pydantic_fields_set__", set(data))
    _setattr(obj, "__pydantic_extra__", None)
    _setattr(obj, "__pydantic_private__", None)
    return obj


_FACT_NAMES = tuple(Fact.model_fields)
_new_fact = Fact.__new__
_setattr = object.__setattr__


def read_import_file(path: Path) -> tuple[KnowledgeFile, dict[str, Any]]:
    """Read an import written by the importers: a :class:`KnowledgeFile` as JSON plus ``meta``.

    Files the importers wrote (``meta.writer``; validated in full when they were
    written) have their facts built directly after cheap checks of every field, which
    is several times faster than pydantic validation; a file failing those checks is
    validated in full, so its error names file, entry and field. Entities are always
    validated in full, and cross-references are checked afterwards by :mod:`.validate`.
    """
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise KnowledgeError(f"{path}: unreadable import ({exc}); re-run 'oncoresist kb import'") from None
    if not isinstance(payload, dict):
        raise KnowledgeError(f"{path}: an import must be a JSON object; re-run 'oncoresist kb import'")
    meta = dict(payload.pop("meta", {}) or {})
    try:
        if meta.get("writer") == IMPORT_WRITER:
            facts = _trusted_facts(payload.get("facts", []))
            if facts is not None:
                rest = KnowledgeFile.model_validate({**payload, "facts": []})
                return rest.model_copy(update={"facts": facts}), meta
        return KnowledgeFile.model_validate(payload), meta
    except ValidationError as exc:
        raise KnowledgeError(format_validation_error(str(path), payload, exc)) from None


def _digest(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:12]


def load_knowledge(
    *,
    data_dir: Path | None = None,
    include_imports: bool = True,
    imports: Path | None = None,
    validate: bool = True,
) -> Knowledge:
    """Load the curated knowledge, merged with any CIViC/CGI imports.

    Parameters
    ----------
    data_dir
        Folder of curated YAML (default: the packaged data).
    include_imports
        Merge imported facts from ``imports`` (default: :func:`import_dir`).
    validate
        Check every cross-reference; raise :class:`KnowledgeError` on the first problem.
    """
    return _load_cached(
        str(data_dir or DATA_DIR),
        include_imports,
        str(imports or import_dir()),
        validate,
        _stamp(data_dir or DATA_DIR, imports or import_dir()),
    )


def _stamp(data_dir: Path, imports: Path) -> tuple[float, ...]:
    """Modification times that invalidate the in-process cache."""
    stamps = [p.stat().st_mtime_ns for p in curated_files(data_dir)]
    if imports.is_dir():
        stamps += [p.stat().st_mtime_ns for p in sorted(imports.glob("*.json"))]
    return tuple(float(s) for s in stamps)


@lru_cache(maxsize=4)
def _load_cached(
    data_dir: str, include_imports: bool, imports: str, validate: bool, _stamp: tuple[float, ...]
) -> Knowledge:
    from oncoresist.knowledge.validate import check

    root = Path(data_dir)
    files = curated_files(root)
    parts: list[tuple[str, KnowledgeFile]] = []
    for path in files:
        label = str(path.relative_to(root.parent)) if root in path.parents else str(path)
        parts.append((label, read_knowledge_file(path, label)))
    imported: list[tuple[str, KnowledgeFile, dict[str, Any]]] = []
    import_paths: list[Path] = []
    if include_imports and Path(imports).is_dir():
        for path in sorted(Path(imports).glob("*.json")):
            kf, meta = read_import_file(path)
            imported.append((str(path), kf, meta))
            import_paths.append(path)
    version = f"curated-{_digest(files)}"
    if import_paths:
        version += f"+imports-{_digest(import_paths)}"
    kb = Knowledge.build(parts, imported, version=version)
    add_derived_facts(kb)  # inferred pharmacology facts (knowledge.derive)
    if validate:
        problems = check(kb)
        if problems:
            raise KnowledgeError(str(problems[0]))
    return kb
