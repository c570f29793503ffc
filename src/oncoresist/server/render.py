"""Page data for an annotation: the JSON contract grouped per alteration, sources as links.

Built from ``result.to_dict()`` so that keys added to the contract later (``conflicts``,
aggregated sources) are shown generically instead of being dropped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from oncoresist.report.annotation import (
    DISCLAIMER,
    TUMOR_RELATION_TEXT,
    databases_text,
    source_url,
    status_text,
    tumor_name,
)

if TYPE_CHECKING:
    from oncoresist.annotate.result import AnnotationResult
    from oncoresist.knowledge.index import Knowledge

__all__ = ["DISCLAIMER", "annotation_view", "source_links"]

_FINDING_KEYS = ("alteration", "gene", "effect", "drugs", "mechanism", "origin", "evidence_level", "sources", "summary",
                 "status", "tumor_relation", "note", "warnings", "n_evidence", "databases", "evidence", "regimen",
                 "standing", "match")  # shown in their own places (see _finding_meta); any other key generically
_EVIDENCE_COLUMNS = (("database", "database"), ("record", "record"), ("evidence_level", "level"),
                     ("tumors", "tumours"), ("tumor_relation", "tumour relation"), ("match", "match"),
                     ("preclinical", "preclinical"), ("sources", "sources"))  # fmt: skip
_OPTION_KEYS = ("therapy", "rationale", "addresses", "evidence_level", "sources", "basis", "tumor_relation",
                "warnings", "records")  # the records are option ids (in the JSON download), the rest in columns
_TOP_KEYS = ("tumor", "drug", "verdict", "findings", "options", "unrecognised", "knowledge_version",
             "oncoresist_version", "sample", "conflicts", "verdict_reason", "tumor_scope", "unrecognised_detail",
             "disclaimer", "status")  # fmt: skip


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


def _finding_meta(f: dict[str, Any]) -> list[str]:
    """The short facts about a finding, as phrases: status, tumour relation, and departures from the usual."""
    out = []
    if f.get("status"):
        out.append(status_text(str(f["status"]), str(f.get("note") or "")))
    if f.get("tumor_relation"):
        rel = str(f["tumor_relation"])
        out.append(TUMOR_RELATION_TEXT.get(rel, f"tumour: {rel.replace('_', ' ')}"))
    if f.get("regimen"):
        out.append("regimen-level evidence")
    if f.get("standing") not in (None, "", "applies"):
        out.append(f"standing: {f['standing']}")
    if f.get("match") not in (None, "", "exact"):
        out.append(f"match: {f['match']}")
    return out


def _evidence_rows(evidence: Any) -> list[list[Any]]:
    """One row per evidence record behind a finding (the columns of ``_EVIDENCE_COLUMNS``)."""
    rows = []
    for e in evidence if isinstance(evidence, list) else []:
        if isinstance(e, dict):
            rows.append([e.get(k) for k, _ in _EVIDENCE_COLUMNS])
    return rows


def batch_query(results: Sequence[AnnotationResult]) -> str:
    """What a file's annotation was asked and answered, for the batch page's head: the drug(s), the tumour
    type(s) and the verdict counts (before polish10 the page named neither the drug nor the tumour)."""
    drugs = list(dict.fromkeys(" + ".join(r.drug) or "none given" for r in results))
    tumors = list(dict.fromkeys(r.tumor or "not given" for r in results))
    counts: Counter[str] = Counter(r.verdict for r in results)
    shown = ", ".join(tumors[:5]) + (f" and {len(tumors) - 5} more" if len(tumors) > 5 else "")
    verdicts = ", ".join(f"{v} {counts[v]}" for v in ("resistant", "sensitive", "unknown") if counts[v])
    return f"Drug(s): {'; '.join(drugs)} · tumour: {shown} · {verdicts or 'no samples'}"


def annotation_view(result: AnnotationResult, kb: Knowledge | None = None) -> dict[str, Any]:
    """Template data: findings grouped per alteration (input order first), options, the rest generically."""
    d = result.to_dict()
    groups: dict[str, list[dict[str, Any]]] = {a: [] for a in result.alterations}
    for f in d.get("findings", []):
        fv = {**f, "source_links": source_links(f.get("sources", []), kb), "extras": _extras(f, _FINDING_KEYS),
              "meta": _finding_meta(f), "evidence_rows": _evidence_rows(f.get("evidence")),
              "databases_text": databases_text(f) if isinstance(f.get("databases"), dict) else ""}
        mech = f.get("mechanism")
        m = kb.mechanisms.get(str(mech)) if kb is not None and mech else None
        fv["mechanism_name"] = m.name if m else ("" if not mech else str(mech).replace("_", " "))
        groups.setdefault(str(f.get("alteration")), []).append(fv)
    unrec = set(d.get("unrecognised", []))
    options = []
    for i, o in enumerate(d.get("options", [])):
        extra_sources = list(result.options[i].sources) if i < len(result.options) else []
        srcs = o.get("sources", extra_sources)
        rel = str(o.get("tumor_relation") or "")
        rel_text = "" if rel in ("", "same") else TUMOR_RELATION_TEXT.get(rel, rel.replace("_", " "))
        options.append({**o, "source_links": source_links(srcs, kb), "extras": _extras(o, _OPTION_KEYS),
                        "basis_text": str(o.get("basis") or "").replace("_", " "), "relation_text": rel_text})
    generic = []
    for k, v in _extras(d, _TOP_KEYS):
        generic.append((k, _rows(v) if isinstance(v, list) else None, v))
    conflicts = d.get("conflicts") or []
    return {
        "r": d,
        "sample": result.sample or d.get("sample"),
        "status": "" if result.status in (None, "", "annotated") else str(result.status),
        "tumor_name": tumor_name(result.tumor, kb),
        "groups": [{"alteration": a, "findings": fs, "unrecognised": a in unrec} for a, fs in groups.items()],
        "options": options,
        "conflicts": _rows(conflicts) if conflicts else None,
        "generic": generic,
        "evidence_columns": [label for _, label in _EVIDENCE_COLUMNS],
    }
