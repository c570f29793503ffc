"""Batch output: one row per sample, written atomically as TSV or Parquet."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from oncoresist._io import atomic_path
from oncoresist.annotate.result import AnnotationResult, Finding
from oncoresist.errors import OncoresistError

#: Columns of the batch table, in order.
COLUMNS = (
    "sample", "tumor", "drug", "verdict", "resistance", "mechanisms", "sensitivity", "options",
    "n_findings", "unrecognised", "findings_json", "knowledge_version", "oncoresist_version",
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


def result_row(res: AnnotationResult) -> dict[str, Any]:
    """One flat row for a batch table (lists joined with ``;``, combinations with ``+``)."""
    resist = [f for f in res.findings if f.effect in ("resistance", "reduced_sensitivity")]
    sens = [f for f in res.findings if f.effect == "sensitivity"]
    return {
        "sample": res.sample or "",
        "tumor": res.tumor or "",
        "drug": "+".join(res.drug),
        "verdict": res.verdict,
        "resistance": ";".join(dict.fromkeys(f.alteration for f in resist)),
        "mechanisms": ";".join(dict.fromkeys(f.mechanism for f in resist)),
        "sensitivity": ";".join(dict.fromkeys(f.alteration for f in sens)),
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
        raise OncoresistError(f"--out {out}: use a .tsv or .parquet file name")
    if not out.parent.exists():
        raise OncoresistError(f"--out {out}: folder {out.parent} does not exist")
    df = pd.DataFrame([result_row(r) for r in results], columns=list(COLUMNS))
    with atomic_path(out) as tmp:
        if suffix == ".parquet":
            df.to_parquet(tmp, index=False)
        else:
            df.to_csv(tmp, sep="\t", index=False)
    return len(df)
