"""The transcript table holds every gene of the OncoKB Cancer Gene List (helper tail7).

Values below are as read in raphael-group/dialect ``data/references/OncoKB_Cancer_Gene_List.tsv`` (commit
fc39d8143e63e7c3728e163e514c2ffd0e999f60, OncoKB release 2024-12-19); the table was written from a transcription of
that file by ``tools/oncokb_transcripts.py``. The example variant wordings are my own.
"""

from __future__ import annotations

import sys
from importlib.resources import files
from pathlib import Path

import pytest

from oncoresist.alteration import parse_alteration
from oncoresist.alteration.transcripts import ambiguous_genes, transcript_gene
from oncoresist.annotate.api import _knowledge
from oncoresist.errors import AlterationSyntaxError

KB = _knowledge(None)
COLUMNS = ["gene", "grch37_isoform", "grch37_refseq", "grch38_isoform", "grch38_refseq"]


def _table() -> dict[str, list[str]]:
    text = files("oncoresist.alteration").joinpath("data", "transcripts.tsv").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert lines[0].split("\t") == COLUMNS
    rows = [line.split("\t") for line in lines[1:]]
    assert all(len(row) == 5 for row in rows)
    return {row[0]: row[1:] for row in rows}


def test_every_gene_of_the_list_one_row_each() -> None:
    table = _table()
    assert len(table) == 1172  # the gene rows of the list (header line apart)
    assert list(table) == sorted(table)


@pytest.mark.parametrize(
    ("gene", "cells"),
    [
        ("ESR1", ["ENST00000206249", "NM_001122740.1", "ENST00000206249", "NM_001122740.1"]),
        ("ABL1", ["ENST00000318560", "NM_005157.4", "ENST00000318560", "NM_005157.4"]),
        ("TERT", ["ENST00000310581", "NM_198253.2", "ENST00000310581", "NM_198253.2"]),
        ("KMT5A", ["ENST00000330479", "NM_020382.3", "ENST00000402868", "NM_020382.7"]),
        ("NUP98", ["ENST00000359171", "XM_005252950.1", "ENST00000355260", "NM_139132.4"]),
        ("ABCB1", ["ENST00000265724", "NM_000927.4", "ENST00000622132", "NM_001348946.2"]),
        ("BCORL1", ["ENST00000218147", "", "ENST00000218147", "NM_021946.4"]),
        ("H2BC17", ["", "", "ENST00000616182", "NM_003527.4"]),
        ("BAALC", ["ENST00000297574", "", "ENST00000297574", ""]),  # the list writes "null"
        ("IGH", ["", "", "", ""]),
        ("ZNF750", ["ENST00000269394", "NM_024702.2", "ENST00000269394", "NM_024702.2"]),
    ],
)
def test_spot_checks_as_read(gene: str, cells: list[str]) -> None:
    assert _table()[gene] == cells


def test_a_gene_outside_the_old_selection_is_read() -> None:
    assert transcript_gene("NM_001122740.1") == "ESR1"
    assert parse_alteration("NM_001122740.1:c.1613A>G p.(Asp538Gly)", KB.resolve_gene) == parse_alteration(
        "ESR1 D538G", KB.resolve_gene
    )
    assert transcript_gene("ENST00000310581") == "TERT" and transcript_gene("NM_198253") == "TERT"


def test_an_accession_of_two_genes_names_neither() -> None:
    # the list gives NM_003518 to H2BC4 (GRCh37 and GRCh38) and to H2BC8 (GRCh37)
    assert ambiguous_genes("NM_003518.3") == ("H2BC4", "H2BC8")
    assert transcript_gene("NM_003518") is None
    with pytest.raises(AlterationSyntaxError, match="H2BC4 and H2BC8"):
        parse_alteration("NM_003518.3:c.1A>G p.(Met1Val)", KB.resolve_gene)
    assert ambiguous_genes("NM_001122740") == ()


def test_a_gene_the_knowledge_lacks_is_an_unknown_gene_error() -> None:
    assert KB.resolve_gene("H3C6") is None  # in the list, not in the knowledge
    with pytest.raises(AlterationSyntaxError, match="unknown gene 'H3C6'"):
        parse_alteration("NM_003532.2:c.83A>T p.(Lys28Met)", KB.resolve_gene)


def test_the_writer_refuses_a_short_line_and_a_repeated_gene(tmp_path: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
    try:
        import oncokb_transcripts as tool
    finally:
        sys.path.pop(0)
    assert tool.rows("B x - - -\nA ENST00000206249 null - NM_1234.1\n") == [
        ["A", "ENST00000206249", "", "", "NM_1234.1"],
        ["B", "", "", "", ""],
    ]
    with pytest.raises(ValueError, match="line 1: 4 fields"):
        tool.rows("A - - -\n")
    with pytest.raises(ValueError, match="repeated"):
        tool.rows("A - - - -\nA - - - -\n")
    out = tmp_path / "t.tsv"
    (tmp_path / "x.txt").write_text("A - NM_1234.1 - -\n", encoding="utf-8")
    assert tool.main([str(tmp_path / "x.txt"), str(out)]) == 0
    assert "of every gene (1 rows)" in out.read_text(encoding="utf-8")
