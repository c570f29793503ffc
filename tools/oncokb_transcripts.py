"""Write ``alteration/data/transcripts.tsv`` from a transcription of the OncoKB Cancer Gene List (helper tail7).

The input is one line a gene, in the list's own order, five fields separated by blanks: ``Hugo Symbol``,
``GRCh37 Isoform``, ``GRCh37 RefSeq``, ``GRCh38 Isoform``, ``GRCh38 RefSeq`` of
raphael-group/dialect ``data/references/OncoKB_Cancer_Gene_List.tsv`` (commit
fc39d8143e63e7c3728e163e514c2ffd0e999f60), ``-`` for an empty cell. A cell that is not an accession (the list
writes ``null`` for BAALC and H3P6) is written empty. Usage::

    PYTHONPATH=src python tools/oncokb_transcripts.py EXTRACT.txt src/oncoresist/alteration/data/transcripts.tsv
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from oncoresist._io import write_text_atomic

_ACC = re.compile(r"^(?:ENST\d{11}|(?:NM|NR|XM|XR)_\d{4,9}(?:\.\d{1,3})?)$")

HEADER = """\
# Transcript accessions of cancer genes, so that a report's "NM_005228.5:c.2369C>T p.(Thr790Met)" names its gene.
# Columns GRCh37 Isoform, GRCh37 RefSeq, GRCh38 Isoform, GRCh38 RefSeq of every gene ({n} rows) of the OncoKB
# Cancer Gene List, release of 2024-12-19 (Chakravarty et al. 2017, DOI:10.1200/PO.17.00011), as copied in the
# raphael-group/dialect repository (data/references/OncoKB_Cancer_Gene_List.tsv, commit
# fc39d8143e63e7c3728e163e514c2ffd0e999f60); symbols as the list writes them, rows in alphabetical order, an empty
# cell where the list has none (or writes "null"). Written by tools/oncokb_transcripts.py (helper tail7).
# An accession the list gives to two genes (NM_003518: H2BC4 and H2BC8) names neither (transcripts.py).
# The reader also takes the Ensembl transcripts of the pinned CGI snapshot (CC0) and ignores accession versions.
gene\tgrch37_isoform\tgrch37_refseq\tgrch38_isoform\tgrch38_refseq
"""


def rows(text: str) -> list[list[str]]:
    """The gene rows of an extract; raises ``ValueError`` on a line that is not five fields or a repeated gene."""
    out: list[list[str]] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        fields = line.split()
        if len(fields) != 5:
            raise ValueError(f"line {number}: {len(fields)} fields, expected 5: {line!r}")
        gene, *cells = fields
        out.append([gene] + [cell if _ACC.match(cell) else "" for cell in cells])
    genes = [row[0] for row in out]
    if len(set(genes)) != len(genes):
        raise ValueError("a gene is repeated in the extract")
    return sorted(out, key=lambda row: row[0])


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: oncokb_transcripts.py EXTRACT.txt OUT.tsv", file=sys.stderr)
        return 2
    table = rows(Path(argv[0]).read_text(encoding="utf-8"))
    body = "".join("\t".join(row) + "\n" for row in table)
    write_text_atomic(argv[1], HEADER.format(n=len(table)) + body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
