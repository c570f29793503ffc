"""The gene of a transcript accession, so that a report's transcript-prefixed HGVS names its gene (helper fixg)::

    NM_005228.5:c.2369C>T p.(Thr790Met)      NM_006218:c.1633G>A p.(Glu545Lys), VAF 12%
    ENST00000275493.7:c.2369C>T (p.T790M)    NM_004448.2 p.Y772_A775dup

The table (``data/transcripts.tsv``, every gene of the OncoKB Cancer Gene List, written by
``tools/oncokb_transcripts.py``; ``data/transcripts_cgi.tsv``,
the Ensembl transcripts of the pinned CGI snapshot; ``data/transcripts_tcga_laml.tsv``, RefSeq transcripts of a real
TCGA MAF for genes the knowledge holds) maps RefSeq ``NM_``/``NR_`` and Ensembl ``ENST`` accessions to
HGNC symbols; the version (``.5``) is ignored. An accession the table does not hold is an error naming it: the
gene is never guessed from the protein change.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

from oncoresist.errors import AlterationSyntaxError

#: an accession at the start of the text, then ':' or a space and the change
_PREFIX_RE = re.compile(
    r"^\(?(?P<acc>(?:NM|NR|XM|XR)_\d{4,9}|ENST\d{11})(?:\.\d{1,3})?\)?\s*(?::\s*|\s+)(?P<rest>\S.*)$", re.IGNORECASE
)


#: (gene, accession) tables beside the OncoKB transcription: the pinned CGI snapshot's Ensembl transcripts and
#: the RefSeq transcripts of the real TCGA AML MAF in ../shared/data (both re-read by tests/alteration)
_PAIR_TABLES = ("transcripts_cgi.tsv", "transcripts_tcga_laml.tsv")


def _rows(name: str) -> list[list[str]]:
    text = files("oncoresist.alteration").joinpath("data", name).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return [line.split("\t") for line in lines[1:]]  # the first line names the columns


def _bare(accession: str) -> str:
    return accession.split(".", 1)[0].upper()


@cache
def _oncokb_genes_of() -> dict[str, frozenset[str]]:
    """Every accession of the OncoKB transcription (bare) → the genes the list gives it (one, or more)."""
    genes_of: dict[str, set[str]] = {}
    for row in _rows("transcripts.tsv"):
        for acc in row[1:]:
            if acc:
                genes_of.setdefault(_bare(acc), set()).add(row[0])
    return {acc: frozenset(genes) for acc, genes in genes_of.items()}


def ambiguous_genes(accession: str) -> tuple[str, ...]:
    """The genes of an accession the OncoKB list gives to more than one gene (``NM_003518``), else ``()``."""
    genes = _oncokb_genes_of().get(_bare(accession), frozenset())
    return tuple(sorted(genes)) if len(genes) > 1 else ()


@cache
def transcript_genes() -> dict[str, str]:
    """Every accession of the tables (without version, upper case) → its HGNC symbol.

    An accession the OncoKB list gives to two genes (``NM_003518``: H2BC4, H2BC8) is left out: it names neither.
    """
    table: dict[str, str] = {}
    pairs = [(next(iter(genes)), acc) for acc, genes in _oncokb_genes_of().items() if len(genes) == 1]
    pairs += [(row[0], row[1]) for name in _PAIR_TABLES for row in _rows(name)]
    for gene, acc in pairs:
        key = _bare(acc)
        if table.setdefault(key, gene) != gene:
            raise ValueError(f"transcript table: {acc} names both {table[key]} and {gene}")
    return table


def transcript_gene(accession: str) -> str | None:
    """The gene of ``accession`` (``NM_005228.5``, ``nm_005228``, ``ENST00000275493.7``), or ``None``."""
    return transcript_genes().get(_bare(accession))


def split_transcript_prefix(text: str) -> tuple[str, str] | None:
    """``(gene, change)`` for a text that starts with a transcript accession, ``None`` for any other text.

    Raises
    ------
    AlterationSyntaxError
        The accession is not in the table (the message names it and the fix).
    """
    m = _PREFIX_RE.match(text)
    if m is None:
        return None
    gene = transcript_gene(m["acc"])
    if gene is None and ambiguous_genes(m["acc"]):
        raise AlterationSyntaxError(
            f"transcript {m['acc']!r} in {text[:60]!r} is given to {' and '.join(ambiguous_genes(m['acc']))} "
            f"by the OncoKB list: write the gene before the change ('GENE {m['rest'][:30]}')"
        )
    if gene is None:
        raise AlterationSyntaxError(
            f"unknown transcript {m['acc']!r} in {text[:60]!r}: write the gene before the change "
            f"('GENE {m['rest'][:30]}')"
        )
    return gene, m["rest"]


def check_transcript_gene(gene: str, accession: str, raw: str) -> None:
    """Refuse ``EGFR NM_006218.2:c.1633G>A``: a known transcript of another gene than the one written."""
    named = transcript_gene(accession)
    if named is not None and named != gene:
        raise AlterationSyntaxError(
            f"cannot read {raw[:60]!r}: {accession} is a transcript of {named}, not {gene}; give the right gene"
        )
