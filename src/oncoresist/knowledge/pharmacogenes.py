"""Germline pharmacogenes of anticancer drugs (data_vocabulary/pharmacogenes.yaml), read once.

A variant of one of these genes changes a drug's exposure and toxicity (its starting dose), not the tumour's
sensitivity; the annotator says so for a profile that names one instead of "the knowledge has nothing on it".
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from oncoresist.errors import KnowledgeError
from oncoresist.knowledge._yaml import read_yaml_mapping, sourced_rows

PHARMACOGENES_FILE = Path(__file__).parent / "data_vocabulary" / "pharmacogenes.yaml"


@dataclass(frozen=True)
class PharmacogeneNote:
    """What a germline variant of ``gene`` means for ``drugs``, with its source and evidence level."""

    gene: str
    drugs: tuple[str, ...]
    statement: str
    evidence_level: str
    source: str


@cache
def pharmacogene_notes(path: Path = PHARMACOGENES_FILE) -> dict[str, PharmacogeneNote]:
    """Gene symbol -> its note; a bad table raises :class:`KnowledgeError` naming the file, row and field."""
    what = "the pharmacogene table"
    doc = read_yaml_mapping(path, what)
    rows = sourced_rows(
        path, doc, "pharmacogenes", required=("gene", "drugs", "statement", "evidence_level"), what=what, label="gene"
    )
    out: dict[str, PharmacogeneNote] = {}
    for row in rows:
        if row["evidence_level"] not in ("A", "B", "C", "D", "E"):
            raise KnowledgeError(f"{path}: {what} row {row['gene']!r}: field 'evidence_level' must be A-E; fix the row")
        out[str(row["gene"])] = PharmacogeneNote(
            gene=str(row["gene"]),
            drugs=tuple(str(d) for d in row["drugs"]),
            statement=" ".join(str(row["statement"]).split()),
            evidence_level=str(row["evidence_level"]),
            source=str(row["source"]),
        )
    return out


def pharmacogene_reason(gene: str | None, drugs: tuple[str, ...]) -> str | None:
    """Why a germline variant of ``gene`` is no tumour-sensitivity evidence for ``drugs``, or ``None``.

    The reason names the drugs of the query the gene concerns (or, when it concerns none of them, the drugs it
    does concern), the statement, the source and the evidence level.
    """
    note = pharmacogene_notes().get(gene or "")
    if note is None:
        return None
    hit = [d for d in drugs if d in note.drugs]
    if hit:
        head = f"{gene} is a germline pharmacogene of {', '.join(hit)}"
    else:
        head = f"{gene} is a germline pharmacogene of {', '.join(note.drugs)} (not of the drug(s) given)"
    return (
        f"{head}: {note.statement} ({note.source}, level {note.evidence_level}); it changes dosing and toxicity, "
        "not the tumour's sensitivity"
    )
