"""Listing knowledge versions (``oncoresist kb versions``)."""

from __future__ import annotations

import json
from typing import Any

from oncoresist.knowledge.selection import (
    RESERVED,
    VERSION_FILE,
    Selection,
    bundle_manifest,
    default_selection,
    resolve_selection,
    version_names,
    versions_root,
)


def _describe(sel: Selection) -> list[str]:
    return ["curated", *(layer.label or layer.path.name for layer in sel.layers)]


def list_versions(selection: str | None = None) -> list[dict[str, Any]]:
    """``default``, ``curated`` and every version under the versions folder, the selected one marked.

    Each row: ``name``, ``layers`` (their labels), ``created_at``, ``base``, ``path``,
    ``selected`` and, for the selected row, ``selected_by`` (argument, environment variable,
    config file or default).
    """
    chosen = resolve_selection(selection)
    rows: list[dict[str, Any]] = []
    manifest = bundle_manifest()
    default = default_selection()
    rows.append(
        {
            "name": "default",
            "layers": _describe(default),
            "created_at": None,
            "base": None,
            "path": str(default.path),
            "compiled_by": manifest.get("compiled_by"),
        }
    )
    rows.append({"name": "curated", "layers": ["curated"], "created_at": None, "base": None, "path": None})
    for name in version_names():
        folder = versions_root() / name
        doc = json.loads((folder / VERSION_FILE).read_text(encoding="utf-8"))
        sel = resolve_selection(str(folder))
        rows.append(
            {
                "name": name,
                "layers": _describe(sel),
                "created_at": doc.get("created_at"),
                "base": doc.get("base"),
                "path": str(folder),
            }
        )
    if chosen.name not in {r["name"] for r in rows}:
        rows.append(
            {
                "name": chosen.name,
                "layers": _describe(chosen),
                "created_at": None,
                "base": None,
                "path": str(chosen.path),
            }
        )
    for r in rows:
        same = r["name"] == chosen.name or (
            chosen.path is not None and r["path"] == str(chosen.path) and r["name"] not in RESERVED
        )
        r["selected"] = same
        if same:
            r["selected_by"] = chosen.how
    return rows
