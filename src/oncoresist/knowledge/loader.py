"""Reading the layers of a knowledge version into one :class:`Knowledge` object.

The curated layer is the OncoTree (:mod:`.oncotree`) plus the YAML files in
``oncoresist/knowledge/data/`` (any ``*.yaml`` below it, read in sorted order). On top
come the layers of the selected version (:mod:`.selection`): by default the CIViC and
CGI snapshots compiled into ``knowledge/bundled/``. Loading validates every curated
model (pydantic) and every cross-reference (:mod:`.validate`); the first error is raised
as a :class:`~oncoresist.errors.KnowledgeError` naming file, entry and field.

Pinned layers (the bundle, versions written by ``kb import``) were validated in full
when they were written; their files are checked against the sha256 their manifest
records and then built without repeating pydantic validation, and the cross-reference
check is skipped when the curated layer is the one they were checked against (its
digest is recorded as ``validated_with``). Anything else is validated in full.
"""

from __future__ import annotations

import gc
import gzip
import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any, get_args

import yaml
from pydantic import ValidationError

from oncoresist.errors import KnowledgeError
from oncoresist.knowledge._construct import fast_constructor
from oncoresist.knowledge._yaml import YAML_LOADER
from oncoresist.knowledge.derive import add_derived_facts
from oncoresist.knowledge.index import Knowledge
from oncoresist.knowledge.oncotree import BUNDLE_DIR, ONCOTREE_FILE, read_oncotree
from oncoresist.knowledge.oncotree import LABEL as ONCOTREE_LABEL
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
from oncoresist.knowledge.selection import DATA_ENV, Layer, Selection, data_root, folder_selection, resolve_selection

DATA_DIR = Path(__file__).parent / "data"
#: kept for callers of the old name: the per-user data folder's environment variable
IMPORT_ENV = DATA_ENV

def import_dir() -> Path:
    """The per-user data folder (``$ONCORESIST_DATA_DIR`` or the platformdirs user data dir).

    Loading never reads import files from here by itself: named versions live in its
    ``versions/`` folder and are loaded only when selected (:mod:`.selection`).
    """
    return data_root()


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
        raw = yaml.load(text, Loader=YAML_LOADER)
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
        if f.get("measure"):  # a score cut-off: validated fully (importers write none)
            return None
        out.append(_construct_fact(f))
    return out


_construct_fact = fast_constructor(Fact)


def _construct_file(payload: dict[str, Any]) -> KnowledgeFile:
    """A :class:`KnowledgeFile` of an already validated document, built without validation."""
    sections: dict[str, Any] = {"facts": [_construct_fact(f) for f in payload.get("facts", [])]}
    for name, construct in _ENTITY_CONSTRUCTORS.items():  # mechanisms and options: curated snapshot only
        sections[name] = [construct(item) for item in payload.get(name, [])]
    kf: KnowledgeFile = _construct_knowledge_file({"schema_version": "1", **sections})
    return kf


def _nested(model: Any) -> bool:
    """Whether a model has a field holding other models (the fast constructor would leave those as dicts)."""
    from pydantic import BaseModel

    def has_model(tp: Any) -> bool:
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            return True
        return any(has_model(a) for a in getattr(tp, "__args__", ()) or ())

    return any(has_model(f.annotation) for f in model.model_fields.values())


def _entity_constructor(model: Any) -> Any:
    """The fast constructor for flat models; full validation where fields hold models (e.g. drug approvals)."""
    return model.model_validate if _nested(model) else fast_constructor(model)


_ENTITY_CONSTRUCTORS: dict[str, Any] = {
    name: _entity_constructor(KnowledgeFile.model_fields[name].annotation.__args__[0])  # type: ignore[union-attr]
    for name in ("mechanisms", "genes", "drug_classes", "drugs", "tumors", "sources", "options")
}
_construct_knowledge_file = fast_constructor(KnowledgeFile)


def read_import_file(path: Path) -> tuple[KnowledgeFile, dict[str, Any]]:
    """Read an import written by the importers: a :class:`KnowledgeFile` as JSON plus ``meta``.

    Files the importers wrote (``meta.writer``; validated in full when they were
    written) have their facts built directly after cheap checks of every field, which
    is several times faster than pydantic validation; a file failing those checks is
    validated in full, so its error names file, entry and field. Entities are always
    validated in full, and cross-references are checked afterwards by :mod:`.validate`.
    """
    try:
        data = path.read_bytes()
        payload = json.loads(gzip.decompress(data) if path.suffix == ".gz" else data)
    except (OSError, EOFError, gzip.BadGzipFile, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise KnowledgeError(f"{path}: unreadable import ({exc}); re-run 'oncoresist kb import'") from None
    return import_payload(payload, path)


def import_payload(payload: Any, path: Path, *, trusted: bool = False) -> tuple[KnowledgeFile, dict[str, Any]]:
    """An import document as a :class:`KnowledgeFile` plus its ``meta``.

    ``trusted``: the document's hash matched the one recorded when it was validated in
    full; its facts and entities are built without any check.
    """
    if not isinstance(payload, dict):
        raise KnowledgeError(f"{path}: an import must be a JSON object; re-run 'oncoresist kb import'")
    payload = dict(payload)
    meta = dict(payload.pop("meta", {}) or {})
    if trusted:
        return _construct_file(payload), meta
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


#: the curated layer compiled into the bundle (used only while its digest matches the YAML's)
CURATED_SNAPSHOT = BUNDLE_DIR / "curated.json.gz"


def curated_snapshot(data_dir: Path | None = None) -> dict[str, Any]:
    """The curated files as validated documents, for the bundle: ``{"digest", "files": [{"label", "doc"}]}``."""
    root = data_dir or DATA_DIR
    files = []
    for path in curated_files(root):
        label = str(path.relative_to(root.parent))
        kf = read_knowledge_file(path, label)
        files.append({"label": label, "doc": kf.model_dump(mode="json", exclude_defaults=True)})
    return {"digest": curated_digest(root), "files": files}


def _curated_parts(root: Path, digest: str) -> list[tuple[str, KnowledgeFile]]:
    """The curated files: from the compiled snapshot when its digest is this layer's, else parsed from YAML."""
    if root == DATA_DIR and CURATED_SNAPSHOT.is_file():
        try:
            snap = json.loads(gzip.decompress(CURATED_SNAPSHOT.read_bytes()))
        except (OSError, EOFError, json.JSONDecodeError, UnicodeDecodeError):
            snap = None
        if isinstance(snap, dict) and snap.get("digest") == digest:
            return [(f["label"], _construct_file(f["doc"])) for f in snap["files"]]
    parts: list[tuple[str, KnowledgeFile]] = []
    for path in curated_files(root):
        label = str(path.relative_to(root.parent)) if root in path.parents else str(path)
        parts.append((label, read_knowledge_file(path, label)))
    return parts


def curated_digest(data_dir: Path | None = None, oncotree: Path = ONCOTREE_FILE) -> str:
    """The digest that names the curated layer: its YAML files and the OncoTree release (12 hex digits)."""
    return _digest([*curated_files(data_dir), oncotree])


def load_knowledge(
    selection: str | Path | None = None,
    *,
    data_dir: Path | None = None,
    include_imports: bool | None = None,
    imports: Path | None = None,
    validate: bool = True,
) -> Knowledge:
    """Load a knowledge version: the curated layer plus the selected version's layers.

    Parameters
    ----------
    selection
        ``"default"`` (curated + the bundled CIViC and CGI snapshots), ``"curated"``, the
        name of a version made by ``kb import`` / ``kb update``, or a folder path. None:
        ``$ONCORESIST_KNOWLEDGE``, else the config file, else ``"default"``
        (:func:`oncoresist.knowledge.selection.resolve_selection`).
    data_dir
        Folder of curated YAML (default: the packaged data).
    include_imports
        ``False``: the curated layer alone (same as ``selection="curated"``).
    imports
        A folder of import JSON files to load on top of the curated layer (same as
        passing the folder as ``selection``).
    validate
        Check every cross-reference; raise :class:`KnowledgeError` on the first problem.

    The result's ``version`` names the selection and every layer:
    ``default:curated-<digest>+oncotree-2025-10-03+civic-2026-05-26.6228a090.imp2.<sha8>+cgi.6c1a86c7.imp2.<sha8>``
    (each layer: source table, importer version, compiled file; :func:`~.selection.layer_label`).
    """
    if imports is not None:
        sel = folder_selection(Path(imports), f"path:{imports}", "argument")
    elif include_imports is False:
        sel = Selection(name="curated", how="argument")
    else:
        sel = resolve_selection(selection)
    root = data_dir or DATA_DIR
    return _load_cached(str(root), sel, validate, _stamp(root, sel))


def _stamp(data_dir: Path, sel: Selection) -> tuple[int, ...]:
    """Modification times that invalidate the in-process cache."""
    stamps = [p.stat().st_mtime_ns for p in curated_files(data_dir)]
    for layer in sel.layers:
        stamps.append(layer.path.stat().st_mtime_ns if layer.path.exists() else -1)
    return tuple(stamps)


def _read_layer(layer: Layer) -> tuple[KnowledgeFile, dict[str, Any], str]:
    """One layer's file, its meta and its version label; a pinned layer must have its recorded sha256."""
    try:
        data = layer.path.read_bytes()
    except OSError as exc:
        raise KnowledgeError(f"{layer.path}: cannot read this knowledge layer ({exc.strerror})") from None
    if layer.sha256 is not None:
        actual = hashlib.sha256(data).hexdigest()
        if actual != layer.sha256:
            raise KnowledgeError(
                f"{layer.path}: sha256 {actual[:12]}... differs from the {layer.sha256[:12]}... its manifest records; "
                "the file was changed after it was written (rebuild it, or select another --knowledge)"
            )
    try:
        payload = json.loads(gzip.decompress(data) if layer.path.suffix == ".gz" else data)
    except (OSError, EOFError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise KnowledgeError(f"{layer.path}: unreadable import ({exc}); re-run 'oncoresist kb import'") from None
    kf, meta = import_payload(payload, layer.path, trusted=layer.sha256 is not None)
    if layer.label:
        label = layer.label
    else:  # a plain folder of import files: the file's own digest, and the importer that wrote it
        imp = meta.get("importer_version")
        label = f"{layer.source}{f'.imp{imp}' if imp else ''}.{hashlib.sha256(data).hexdigest()[:8]}"
    return kf, meta, label


@lru_cache(maxsize=4)
def _load_cached(data_dir: str, sel: Selection, validate: bool, _stamp: tuple[int, ...]) -> Knowledge:
    # tens of thousands of new objects and no garbage cycles: the cyclic collector's passes over the
    # growing heap cost a third of the load, so it is paused while loading (and restored after)
    paused = gc.isenabled()
    gc.disable()
    try:
        return _load(data_dir, sel, validate)
    finally:
        if paused:
            gc.enable()


def _load(data_dir: str, sel: Selection, validate: bool) -> Knowledge:
    root = Path(data_dir)
    digest = curated_digest(root)
    parts = _curated_parts(root, digest)
    oncotree = read_oncotree()
    labels = [f"curated-{digest}", ONCOTREE_LABEL]
    imported: list[tuple[str, KnowledgeFile, dict[str, Any]]] = []
    for layer in sel.layers:
        kf, meta, label = _read_layer(layer)
        imported.append((str(layer.path), kf, {**meta, "layer": label, "bundled": layer.bundled}))
        labels.append(label)
    kb = Knowledge.build(parts, imported, version=f"{sel.name}:{'+'.join(labels)}", oncotree=oncotree)
    kb.selection = sel
    add_derived_facts(kb)  # inferred pharmacology facts (knowledge.derive)
    if validate and not (sel.validated_with == digest and sel.layers):
        from oncoresist.knowledge.validate import check  # deferred: a pinned load does not need it

        problems = check(kb)
        if problems:
            raise KnowledgeError(str(problems[0]))
    elif validate and kb.tumor_conflicts:
        file, code, msg = kb.tumor_conflicts[0]
        raise KnowledgeError(f"{file}: tumor {code}: {msg}")
    return kb
