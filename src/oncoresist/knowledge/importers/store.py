"""Writing imports: a folder of import files, or a new named knowledge version.

An import is a :class:`~oncoresist.knowledge.schema.KnowledgeFile` as JSON plus a
``meta`` object (source, file digest, counts, skip reasons, disease mapping, date).

:func:`create_version` writes a *new* version folder ``<data dir>/versions/<name>/``
(``version.json`` + one gzipped import file per new layer); layers of the base version
that the new imports do not replace are kept (bundled ones by reference, with their
sha256). The folder is written under a temporary name, loaded with every
cross-reference checked, and only then renamed into place; an existing version is never
changed, and nothing else is touched, so no later result changes unless the user selects
the new version (``--knowledge NAME``).
"""

from __future__ import annotations

import datetime as _dt
import gzip
import hashlib
import io
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from oncoresist._io import atomic_path
from oncoresist._version import __version__
from oncoresist.errors import ImportFormatError, InvalidArgument, KnowledgeError
from oncoresist.knowledge.importer_version import IMPORTER_VERSION
from oncoresist.knowledge.importers.result import ImportResult
from oncoresist.knowledge.loader import IMPORT_WRITER, curated_digest, load_knowledge
from oncoresist.knowledge.oncotree import BUNDLE_DIR
from oncoresist.knowledge.selection import VERSION_FILE, check_version_name, resolve_selection, versions_root


def payload(result: ImportResult, *, stamp: bool = True) -> dict[str, Any]:
    """The JSON document for ``result`` (entities sorted for stable output).

    ``stamp``: add the import time and the oncoresist version to ``meta`` (off for the
    reproducible bundle, whose manifest records the version instead).
    """

    def dump(items: dict[str, Any]) -> list[dict[str, Any]]:
        return [items[k].model_dump(mode="json", exclude_defaults=True) for k in sorted(items)]

    meta = result.summary()
    if stamp:
        meta["imported_at"] = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        meta["oncoresist_version"] = __version__
    meta["writer"] = IMPORT_WRITER
    meta["importer_version"] = IMPORTER_VERSION
    return {
        "schema_version": "1",
        "meta": meta,
        "genes": dump(result.genes),
        "drug_classes": dump(result.drug_classes),
        "drugs": dump(result.drugs),
        "tumors": dump(result.tumors),
        "sources": dump(result.sources),
        # every field, in field order: the loader then builds each fact with a plain dict copy
        "facts": [f.model_dump(mode="json") for f in result.facts],
    }


def gzip_json(doc: dict[str, Any]) -> bytes:
    """``doc`` as compact JSON, gzipped reproducibly (no file name, time 0)."""
    raw = json.dumps(doc, ensure_ascii=False, separators=(",", ":"), sort_keys=False).encode("utf-8")
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as gz:
        gz.write(raw)
    return buf.getvalue()


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file, fsync and :func:`os.replace`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp, tmp.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def write_json_atomic(path: Path, doc: dict[str, Any]) -> None:
    """Write ``doc`` to ``path`` via a temporary file and :func:`os.replace`."""
    write_bytes_atomic(path, json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def write_import(result: ImportResult, directory: Path, *, verify: bool = True) -> Path:
    """Write ``result`` as ``<directory>/<source>.json``; return the path.

    The folder can then be loaded with ``load_knowledge(imports=directory)`` (or given as
    ``--knowledge PATH``). With ``verify`` the new file is first written into a private
    folder and loaded together with the curated knowledge, with every cross-reference
    checked; only a file that loads cleanly replaces the old one (atomically).

    Raises
    ------
    ImportFormatError
        The import would make the knowledge invalid; the old file is kept.
    """
    target = directory / f"{result.source}.json"
    doc = payload(result)
    if not verify:
        write_json_atomic(target, doc)
        return target
    directory.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=directory))
    try:
        staged = staging / target.name
        write_json_atomic(staged, doc)
        _verify(staging, result, {staged.name: target.name})
        os.replace(staged, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _verify(folder: Path, result: ImportResult | None, names: dict[str, str]) -> None:
    try:
        load_knowledge(folder)
    except KnowledgeError as exc:
        msg = str(exc)
        for tmp_name, final in names.items():
            msg = msg.replace(str(folder / tmp_name), final)
        what = result.path if result is not None else "the import"
        raise ImportFormatError(
            f"{what}: the import would make the knowledge invalid ({msg}); nothing written"
        ) from None


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_result(folder: Path, r: ImportResult) -> dict[str, Any]:
    """Write one import as ``<source>.json.gz`` into ``folder``; its manifest entry."""
    data = gzip_json(payload(r))
    fname = f"{r.source}.json.gz"
    (folder / fname).write_bytes(data)
    return {
        "source": r.source,
        "file": fname,
        "sha256": _sha256(data),
        "source_sha256": r.sha256,
        "release_date": r.release_date,
        "importer_version": IMPORTER_VERSION,
        "source_path": r.path,
        "rows": r.rows,
        "facts": len(r.facts),
    }


def default_version_name(result: ImportResult) -> str:
    """``<source>-<release date or today>-<sha8 of the source table>``, e.g. ``civic-2026-05-26-6228a090``."""
    day = result.release_date or _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d")
    return f"{result.source}-{day}-{result.sha256[:8]}"


def check_new_version(name: str | None, *, base: str = "default", root: Path | None = None) -> None:
    """Refuse, before any work, what :func:`create_version` would refuse after it: a bad or taken ``name``, a ``base``
    that is empty or unknown. ``name=None`` (the default name, known only after the import) checks the base alone.

    Raises
    ------
    InvalidArgument
        ``name`` cannot name a version, is reserved or already exists; ``base`` is empty.
    UnknownNameError
        ``base`` is no known version.
    """
    if name is not None:
        check_version_name(name)
        target = (root or versions_root()) / name
        if target.exists():
            raise InvalidArgument(
                f"name: knowledge version {name!r} already exists ({target}); versions are never changed: "
                "choose another name", param="name"
            )
    if not base.strip():
        raise InvalidArgument("base: empty; give default, curated or a knowledge version name", param="base")
    resolve_selection(base)


def create_version(
    name: str,
    results: list[ImportResult],
    *,
    base: str = "default",
    root: Path | None = None,
) -> Path:
    """Write a new knowledge version ``name``: the layers of ``base`` with ``results`` replacing theirs.

    Parameters
    ----------
    name
        The new version's name (:func:`~oncoresist.knowledge.selection.check_version_name`).
    results
        Imports, one per source (``civic``, ``cgi``); each replaces the base's layer of that source.
    base
        The version whose other layers are kept: ``default`` (the bundled snapshots),
        ``curated`` (none), or another version's name or folder.
    root
        Where versions live (default :func:`~oncoresist.knowledge.selection.versions_root`).

    Returns
    -------
    Path
        The new version folder.

    Raises
    ------
    InvalidArgument, UnknownNameError
        The name is invalid or already taken, or the base unknown (:func:`check_new_version`).
    ImportFormatError
        The new version would be invalid knowledge; nothing is written.
    """
    root = root or versions_root()
    check_new_version(name, base=base, root=root)
    target = root / name
    base_sel = resolve_selection(base)
    if len({r.source for r in results}) != len(results):
        raise KnowledgeError("create_version: give at most one import per source")
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".staging-{name}-", dir=root))
    try:
        by_source = {r.source: r for r in results}
        layers: list[dict[str, Any]] = []
        for layer in base_sel.layers:  # the base's order; a replaced layer keeps its place
            if layer.source in by_source:
                layers.append(_write_result(staging, by_source.pop(layer.source)))
                continue
            data = layer.path.read_bytes()
            entry: dict[str, Any] = {
                "source": layer.source,
                "sha256": _sha256(data),
                "source_sha256": layer.source_sha256,
                "release_date": layer.release_date,
            }
            if layer.importer_version:
                entry["importer_version"] = layer.importer_version
            if layer.bundled and layer.path.parent == BUNDLE_DIR:
                entry.update(file=layer.path.name, bundled=True)
            else:  # copied, so that the version does not depend on another folder
                (staging / layer.path.name).write_bytes(data)
                entry["file"] = layer.path.name
            layers.append(entry)
        layers += [_write_result(staging, r) for r in by_source.values()]
        manifest = {
            "name": name,
            "created_at": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "oncoresist_version": __version__,
            "base": base_sel.name,
            "layers": layers,
        }
        write_json_atomic(staging / VERSION_FILE, manifest)
        _verify(staging, results[0] if len(results) == 1 else None, {})
        manifest["validated_with"] = curated_digest()
        write_json_atomic(staging / VERSION_FILE, manifest)
        staging.chmod(0o755)
        os.rename(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target
