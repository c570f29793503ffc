"""Exon boundaries in protein coordinates, for recognising exon-level classes.

The table lives in ``profile/data/exons.yaml`` with its source and transcripts;
only boundaries confirmed from a public source are included.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from oncoresist.knowledge._yaml import sourced_document

EXON_FILE = Path(__file__).parent / "data" / "exons.yaml"


@lru_cache(maxsize=1)
def _document() -> dict[str, Any]:
    return sourced_document(EXON_FILE, "the exon table", required=("genes",))


@lru_cache(maxsize=1)
def exon_table() -> dict[str, dict[int, tuple[int, int]]]:
    """``{gene: {exon: (first codon, last codon)}}`` from ``exons.yaml``."""
    raw = _document()
    out: dict[str, dict[int, tuple[int, int]]] = {}
    for gene, entry in raw["genes"].items():
        out[gene] = {int(n): (int(r[0]), int(r[1])) for n, r in entry["exons"].items()}
    return out


def exon_range(gene: str | None, exon: int | None) -> tuple[int, int] | None:
    """The codon range of ``exon`` of ``gene``, or ``None`` when not in the table."""
    if gene is None or exon is None:
        return None
    return exon_table().get(gene, {}).get(exon)


def exon_source() -> str:
    """The citation of the exon table."""
    return str(_document()["source"])
