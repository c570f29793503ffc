"""Batch output: one row per sample, written atomically as TSV or Parquet."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from oncoresist._io import atomic_path
from oncoresist.annotate.result import DISCLAIMER, AnnotationResult, Finding
from oncoresist.errors import InvalidArgument

#: Columns of the batch table, in order.
COLUMNS = (
    "sample", "status", "tumor", "drug", "verdict", "evidence_level", "verdict_reason", "resistance", "mechanisms",
    "sensitivity", "databases", "conflicts", "options", "n_findings", "unrecognised", "unrecognised_detail",
    "findings_json", "knowledge_version", "oncoresist_version",
)  # fmt: skip

#: First line of a batch TSV, before the header row. Read the table back with ``skiprows=1``
#: (``pandas.read_csv(path, sep="\t", skiprows=1, keep_default_na=False)``); ``comment="#"`` also skips it
#: but would cut any field that holds a ``#``.
TSV_COMMENT = f"# {DISCLAIMER}"


_JSON_CACHE: dict[tuple[int, ...], tuple[tuple[Finding, ...], str, str]] = {}
#: characters that may make the csv module quote a TSV field (which of them do is its decision)
_SPECIAL = re.compile('[\t"\r\n]')


def _tsv_field(value: object) -> str:
    """One field exactly as pandas ``to_csv(sep="\\t")`` writes it (the :mod:`csv` module with
    ``QUOTE_MINIMAL`` and ``os.linesep`` line ends): fields without a tab, quote or line break
    as they are, others formatted by the csv module itself."""
    s = value if isinstance(value, str) else "" if value is None else str(value)
    if not _SPECIAL.search(s):
        return s
    buf = io.StringIO()
    csv.writer(buf, delimiter="\t", lineterminator=os.linesep, quoting=csv.QUOTE_MINIMAL).writerow([s])
    return buf.getvalue()[: -len(os.linesep)]


def _findings_entry(findings: list[Finding]) -> tuple[tuple[Finding, ...], str, str]:
    # findings are shared, immutable objects: samples with the same findings reuse one string (and its TSV form)
    key = tuple(id(f) for f in findings)
    hit = _JSON_CACHE.get(key)
    if hit is None or hit[0] != tuple(findings):
        if len(_JSON_CACHE) > 100_000:
            _JSON_CACHE.clear()
        text = json.dumps([f.to_dict() for f in findings], separators=(",", ":"))
        hit = _JSON_CACHE[key] = (tuple(findings), text, _tsv_field(text))
    return hit


def _findings_json(findings: list[Finding]) -> str:
    return _findings_entry(findings)[1]


def _deciding_level(res: AnnotationResult) -> str:
    """Best evidence level among the findings that decided the verdict ('' when none did)."""
    want = {"resistant": ("resistance",), "sensitive": ("sensitivity",)}.get(res.verdict, ())
    levels = [f.evidence_level for f in res.findings if f.status == "decisive" and f.effect in want]
    return min(levels) if levels else ""


def result_row(res: AnnotationResult) -> dict[str, Any]:
    """One flat row for a batch table (lists joined with ``;``, combinations with ``+``).

    ``databases`` names the knowledge databases behind the decisive findings (curated,
    civic, cgi, ...); ``conflicts`` lists contrary evidence as ``side:alteration:level:resolution``;
    ``unrecognised_detail`` is the JSON list ``[{input, kind, reason}]`` of the API and ``--json``
    (why each uncovered input gave no finding: a stated absence, a skipped file row, no fact).
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
        "unrecognised_detail": json.dumps([u.to_dict() for u in res.unrecognised_detail], separators=(",", ":")),
        "findings_json": _findings_json(res.findings),
        "knowledge_version": res.knowledge_version,
        "oncoresist_version": res.oncoresist_version,
    }


#: the file names :func:`write_results` writes
BATCH_SUFFIXES = (".tsv", ".txt", ".parquet")


def write_results(results: Iterable[AnnotationResult], path: str | Path) -> int:
    """Write a batch table to ``path`` (``.tsv``/``.txt`` or ``.parquet``) atomically.

    The table is written to a temporary file in the same folder and moved into place
    with :func:`os.replace`, so a failed or interrupted run leaves nothing half-written.
    Returns the number of rows.
    """
    out = Path(path)
    suffix = out.suffix.lower()
    if suffix not in BATCH_SUFFIXES:
        raise InvalidArgument(f"out: {out}: use a .tsv or .parquet file name", param="out")
    if not out.parent.exists():
        raise InvalidArgument(f"out: {out}: folder {out.parent} does not exist", param="out")
    if suffix != ".parquet":
        return _write_tsv(results, out)
    import pandas as pd  # only for Parquet: a TSV needs no data frame

    df = pd.DataFrame([result_row(r) for r in results], columns=list(COLUMNS))
    with atomic_path(out) as tmp:
        df.to_parquet(tmp, index=False)
    return len(df)


def _write_tsv(results: Iterable[AnnotationResult], out: Path) -> int:
    """:data:`TSV_COMMENT`, then the table byte for byte as ``DataFrame.to_csv(sep="\\t", index=False)`` writes
    it (tested), without building the frame, and quoting each distinct findings JSON once (a cohort shares few
    of them)."""
    n = 0
    with atomic_path(out) as tmp, open(tmp, "w", encoding="utf-8", newline="") as fh:
        fh.write(TSV_COMMENT + os.linesep)
        fh.write("\t".join(_tsv_field(c) for c in COLUMNS) + os.linesep)
        lines: list[str] = []
        for res in results:
            row = result_row(res)
            row["findings_json"] = _findings_entry(res.findings)[2]
            lines.append("\t".join(row[c] if c == "findings_json" else _tsv_field(row[c]) for c in COLUMNS))
            n += 1
            if len(lines) >= 1000:
                fh.write(os.linesep.join(lines) + os.linesep)
                lines.clear()
        if lines:
            fh.write(os.linesep.join(lines) + os.linesep)
    return n
