"""Page data for an annotation: the JSON contract grouped per alteration, sources as links.

Built from ``result.to_dict()`` so that keys added to the contract later (``conflicts``,
aggregated sources) are shown generically instead of being dropped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from oncoresist.report.annotation import DISCLAIMER, source_url

if TYPE_CHECKING:
    from oncoresist.annotate.result import AnnotationResult
    from oncoresist.knowledge.index import Knowledge

__all__ = ["DISCLAIMER", "annotation_view", "source_links"]

_FINDING_KEYS = ("alteration", "gene", "effect", "drugs", "mechanism", "origin", "evidence_level", "sources", "summary")
_OPTION_KEYS = ("therapy", "rationale", "addresses", "evidence_level", "sources")
_TOP_KEYS = ("tumor", "drug", "verdict", "findings", "options", "unrecognised", "knowledge_version",
             "oncoresist_version", "sample", "conflicts")  # fmt: skip


def source_links(ids: Any, kb: Knowledge | None = None) -> list[dict[str, Any]]:
    """``[{id, url, citation}]`` for source ids; a non-list is shown as one text item."""
    items = ids if isinstance(ids, list | tuple) else [ids]
    out = []
    for s in items:
        if isinstance(s, dict):  # an aggregated source record: keep its fields, link its id
            sid = str(s.get("id") or s.get("source") or "")
            cite = ", ".join(f"{k}: {v}" for k, v in s.items() if k not in ("id", "source"))
            out.append({"id": sid or str(s), "url": source_url(sid) if sid else None, "citation": cite})
            continue
        text = str(s)
        src = kb.sources.get(text) if kb is not None else None
        out.append({"id": text, "url": source_url(text), "citation": src.citation if src else ""})
    return out


def _extras(d: dict[str, Any], known: tuple[str, ...]) -> list[tuple[str, Any]]:
    return [(k, v) for k, v in d.items() if k not in known and v not in (None, [], {}, "")]


def _rows(items: list[Any]) -> tuple[list[str], list[list[Any]]]:
    """A list of dicts as a table (union of keys in order); other items as one column."""
    if all(isinstance(x, dict) for x in items):
        cols: list[str] = []
        for x in items:
            cols += [k for k in x if k not in cols]
        return cols, [[x.get(c) for c in cols] for x in items]
    return ["value"], [[x] for x in items]


def annotation_view(result: AnnotationResult, kb: Knowledge | None = None) -> dict[str, Any]:
    """Template data: findings grouped per alteration (input order first), options, the rest generically."""
    d = result.to_dict()
    groups: dict[str, list[dict[str, Any]]] = {a: [] for a in result.alterations}
    for f in d.get("findings", []):
        fv = {**f, "source_links": source_links(f.get("sources", []), kb), "extras": _extras(f, _FINDING_KEYS)}
        m = kb.mechanisms.get(str(f.get("mechanism"))) if kb is not None else None
        fv["mechanism_name"] = m.name if m else str(f.get("mechanism", "")).replace("_", " ")
        groups.setdefault(str(f.get("alteration")), []).append(fv)
    unrec = set(d.get("unrecognised", []))
    options = []
    for i, o in enumerate(d.get("options", [])):
        extra_sources = list(result.options[i].sources) if i < len(result.options) else []
        srcs = o.get("sources", extra_sources)
        options.append({**o, "source_links": source_links(srcs, kb), "extras": _extras(o, _OPTION_KEYS)})
    generic = []
    for k, v in _extras(d, _TOP_KEYS):
        generic.append((k, _rows(v) if isinstance(v, list) else None, v))
    conflicts = d.get("conflicts") or []
    return {
        "r": d,
        "sample": result.sample or d.get("sample"),
        "tumor_name": kb.tumors[result.tumor].name if kb is not None and result.tumor in kb.tumors else None,
        "groups": [{"alteration": a, "findings": fs, "unrecognised": a in unrec} for a, fs in groups.items()],
        "options": options,
        "conflicts": _rows(conflicts) if conflicts else None,
        "generic": generic,
    }
