"""Writing an import into the import directory, atomically.

The import is a :class:`~oncoresist.knowledge.schema.KnowledgeFile` as JSON plus a
``meta`` object (source, file digest, counts, skip reasons, date). It is written
to a temporary file in the same directory and moved into place with
:func:`os.replace`, so a reader sees either the old import or the new one, never
half a file; on any error the temporary file is removed and the old import stays.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from oncoresist._io import atomic_path
from oncoresist._version import __version__
from oncoresist.knowledge.importers._common import ImportResult
from oncoresist.knowledge.loader import IMPORT_WRITER


def payload(result: ImportResult) -> dict[str, Any]:
    """The JSON document for ``result`` (entities sorted for stable output)."""

    def dump(items: dict[str, Any]) -> list[dict[str, Any]]:
        return [items[k].model_dump(mode="json", exclude_defaults=True) for k in sorted(items)]

    meta = result.summary()
    meta["imported_at"] = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    meta["oncoresist_version"] = __version__
    meta["writer"] = IMPORT_WRITER
    return {
        "schema_version": "1",
        "meta": meta,
        "genes": dump(result.genes),
        "drug_classes": dump(result.drug_classes),
        "drugs": dump(result.drugs),
        "tumors": dump(result.tumors),
        "sources": dump(result.sources),
        "facts": [f.model_dump(mode="json", exclude_defaults=True) for f in result.facts],
    }


def write_json_atomic(path: Path, doc: dict[str, Any]) -> None:
    """Write ``doc`` to ``path`` via a temporary file and :func:`os.replace`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8") as fh:
        json.dump(doc, fh, ensure_ascii=False, separators=(",", ":"))
        fh.flush()
        os.fsync(fh.fileno())


def write_import(result: ImportResult, directory: Path | None = None, *, verify: bool = True) -> Path:
    """Write ``result`` as ``<directory>/<source>.json`` (default: the import dir); return the path.

    With ``verify`` the new file is first written into a private folder and loaded
    together with the curated knowledge, with every cross-reference checked; only a
    file that loads cleanly replaces the old import (atomically).

    Raises
    ------
    ImportFormatError
        The import would make the knowledge invalid; the old import is kept.
    """
    from oncoresist.knowledge.loader import import_dir

    target_dir = directory or import_dir()
    target = target_dir / f"{result.source}.json"
    doc = payload(result)
    if not verify:
        write_json_atomic(target, doc)
        return target
    target_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=target_dir))
    try:
        staged = staging / target.name
        write_json_atomic(staged, doc)
        _verify(staged, staging, result)
        os.replace(staged, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _verify(staged: Path, folder: Path, result: ImportResult) -> None:
    from oncoresist.errors import ImportFormatError, KnowledgeError
    from oncoresist.knowledge.loader import load_knowledge

    try:
        load_knowledge(imports=folder)
    except KnowledgeError as exc:
        msg = str(exc).replace(str(staged), f"{result.source}.json")
        raise ImportFormatError(
            f"{result.path}: the import would make the knowledge invalid ({msg}); previous import kept"
        ) from None
