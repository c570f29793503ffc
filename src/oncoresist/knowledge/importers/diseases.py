"""The curated table that maps source disease names onto OncoTree codes.

``knowledge/data/disease_oncotree.tsv`` has one row per source disease string, with the
columns ``source`` (``civic`` or ``cgi``), ``disease`` (CIViC's ``disease``; CGI's
``Primary Tumor acronym``), ``code`` (an OncoTree code; ``TISSUE`` for "any tumour type")
and ``note`` (why, where the mapping is not a plain name match). The code ``-`` marks a
disease that maps onto no node (a site not given, a syndrome, a group spanning tissues);
it keeps its own code and is reported as unmapped. The table is consulted
before the automatic name match, so it also corrects names that would match the wrong node.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from oncoresist.errors import KnowledgeError

DISEASE_TABLE = Path(__file__).resolve().parents[1] / "data" / "disease_oncotree.tsv"
COLUMNS = ("source", "disease", "code", "note")
#: the code of a disease that maps onto no OncoTree node (kept under its own code, reported as unmapped)
NOT_MAPPABLE = "-"


@dataclass(frozen=True)
class DiseaseMap:
    """(source, disease) -> OncoTree code."""

    table: dict[tuple[str, str], str]

    def lookup(self, source: str, disease: str) -> str | None:
        """The code for a disease of ``source``, exact text first, then ignoring case and spacing."""
        hit = self.table.get((source, disease))
        if hit is None:
            hit = self.table.get((source, _fold(disease)))
        return hit


def _fold(text: str) -> str:
    return " ".join(text.lower().split())


def read_disease_map(path: Path = DISEASE_TABLE) -> DiseaseMap:
    """Read the mapping table.

    Raises
    ------
    KnowledgeError
        Missing columns, an empty code, or one disease mapped twice (file and line named).
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise KnowledgeError(f"{path}: cannot read the disease mapping table ({exc.strerror})") from None
    rows = csv.DictReader(text.splitlines(), delimiter="\t")
    if rows.fieldnames is None or any(c not in rows.fieldnames for c in COLUMNS):
        raise KnowledgeError(f"{path}: the header must have the columns {', '.join(COLUMNS)}")
    table: dict[tuple[str, str], str] = {}
    for i, row in enumerate(rows, start=2):
        source, disease, code = ((row.get(c) or "").strip() for c in COLUMNS[:3])
        if not source or not disease or not code:
            raise KnowledgeError(f"{path}: row {i}: source, disease and code are required")
        for key in ((source, disease), (source, _fold(disease))):
            if key in table and table[key] != code:
                raise KnowledgeError(f"{path}: row {i}: {source} disease {disease!r} is mapped twice")
            table[key] = code
    return DiseaseMap(table)


@lru_cache(maxsize=1)
def disease_map() -> DiseaseMap:
    """The packaged mapping table (read once)."""
    return read_disease_map()
