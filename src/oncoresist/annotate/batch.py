"""Batch output: one row per sample, written atomically as TSV or Parquet."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from oncoresist._io import atomic_path
from oncoresist.annotate.result import AnnotationResult, Finding
from oncoresist.errors import InvalidArgument

#: Columns of the batch table, in order.
COLUMNS = (
    "sample", "status", "tumor", "drug", "verdict", "evidence_level", "verdict_reason", "resistance", "mechanisms",
    "sensitivity", "databases", "conflicts", "options", "n_findings", "unrecognised", "findings_json",
    "knowledge_version", "oncoresist_version",
)  # fmt: skip


_JSON_CACHE: dict[tuple[int, ...], tuple[tuple[Finding, ...], str]] = {}


def _findings_json(findings: list[Finding]) -> str:
    # findings are shared, immutable objects: samples with the same findings reuse one string
    key = tuple(id(f) for f in findings)
    hit = _JSON_CACHE.get(key)
    if hit is None or hit[0] != tuple(findings):
        if len(_JSON_CACHE) > 100_000:
            _JSON_CACHE.clear()
        hit = _JSON_CACHE[key] = (tuple(findings), json.dumps([f.to_dict() for f in findings], separators=(",", ":")))
    return hit[1]


def _deciding_level(res: AnnotationResult) -> str:
    """Best evidence level among the findings that decided the verdict ('' when none did)."""
    want = {"resistant": ("resistance",), "sensitive": ("sensitivity",)}.get(res.verdict, ())
    levels = [f.evidence_level for f in res.findings if f.status == "decisive" and f.effect in want]
    return min(levels) if levels else ""


def result_row(res: AnnotationResult) -> dict[str, Any]:
    """One flat row for a batch table (lists joined with ``;``, combinations with ``+``).

    ``databases`` names the knowledge databases behind the decisive findings (curated,
    civic, cgi, ...); ``conflicts`` lists contrary evidence as ``side:alteration:level:resolution``.
    """
    live = [f for f in res.findings if f.status == "decisive"]
    resist = [f for f in live if f.effect in ("resistance", "reduced_sensitivity")]
    sens = [f for f in live if f.effect == "sensitivity"]
    dbs = dict.fromkeys(e.database for f in live for e in f.evidence)
    return {
        "sample": res.sample or "",
        "status": res.status,
        "tumor": res.tumor or "",
        "drug": "+".join(res.drug),
        "verdict": res.verdict,
        "evidence_level": _deciding_level(res),
        "verdict_reason": res.verdict_reason,
        "resistance": ";".join(dict.fromkeys(f.alteration for f in resist)),
        "mechanisms": ";".join(dict.fromkeys(f.mechanism or "" for f in resist)),
        "sensitivity": ";".join(dict.fromkeys(f.alteration for f in sens)),
        "databases": ";".join(dbs),
        "conflicts": ";".join(f"{c.side}:{c.alteration}:{c.evidence_level}:{c.resolution}" for c in res.conflicts),
        "options": ";".join("+".join(o.therapy) for o in res.options),
        "n_findings": len(res.findings),
        "unrecognised": ";".join(res.unrecognised),
        "findings_json": _findings_json(res.findings),
        "knowledge_version": res.knowledge_version,
        "oncoresist_version": res.oncoresist_version,
    }


def write_results(results: Iterable[AnnotationResult], path: str | Path) -> int:
    """Write a batch table to ``path`` (``.tsv``/``.txt`` or ``.parquet``) atomically.

    The table is written to a temporary file in the same folder and moved into place
    with :func:`os.replace`, so a failed or interrupted run leaves nothing half-written.
    Returns the number of rows.
    """
    import pandas as pd

    out = Path(path)
    suffix = out.suffix.lower()
    if suffix not in (".tsv", ".txt", ".parquet"):
        raise InvalidArgument(f"out: {out}: use a .tsv or .parquet file name", param="out")
    if not out.parent.exists():
        raise InvalidArgument(f"out: {out}: folder {out.parent} does not exist", param="out")
    df = pd.DataFrame([result_row(r) for r in results], columns=list(COLUMNS))
    with atomic_path(out) as tmp:
        if suffix == ".parquet":
            df.to_parquet(tmp, index=False)
        else:
            df.to_csv(tmp, sep="\t", index=False)
    return len(df)
