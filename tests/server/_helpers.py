"""Helpers shared by the server tests (``from server._helpers import ...``; ``tests/`` is on the path)."""

from __future__ import annotations

MAF_HEADER = "Hugo_Symbol\tHGVSp_Short\tVariant_Classification\tTumor_Sample_Barcode\n"


def maf_text(rows: list[tuple[str, str, str, str]]) -> str:
    """A minimal MAF with the four columns the reader needs."""
    return MAF_HEADER + "".join("\t".join(r) + "\n" for r in rows)
