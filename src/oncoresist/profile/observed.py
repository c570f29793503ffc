"""Observed profiles: parsed alterations per sample, and how to parse what users write.

Free text and profile files are parsed *strictly*: the gene must be one the
knowledge knows (an unknown gene is an :class:`~oncoresist.errors.UnknownNameError`
with the closest names), except the partner of a fusion. Sequencing outputs (MAF,
VCF, copy-number/fusion tables) are parsed *leniently*: any HGNC-like symbol is
accepted, and alterations in genes the knowledge does not know end up as
``unrecognised`` rather than errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from oncoresist.alteration import Alteration, GeneResolver, parse_alteration

if TYPE_CHECKING:
    from oncoresist.knowledge.index import Knowledge

_SYMBOL_RE = re.compile(r"^[A-Za-z][A-Za-z0-9.]*$")


@dataclass
class SampleProfile:
    """One sample's parsed alterations (plus tumour type and drugs when a file gives them)."""

    sample: str
    alterations: list[Alteration] = field(default_factory=list)
    tumor: str | None = None
    drugs: list[str] = field(default_factory=list)

    def add(self, alt: Alteration) -> None:
        if alt not in self.alterations:
            self.alterations.append(alt)


@dataclass(frozen=True)
class BadRow:
    """A row of an input file that was skipped, with where and why."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: field {self.field!r}: {self.message}"


@dataclass
class ReadResult:
    """Samples read from one or more files, and the rows skipped."""

    samples: dict[str, SampleProfile] = field(default_factory=dict)
    bad_rows: list[BadRow] = field(default_factory=list)
    rows: int = 0

    def sample(self, name: str) -> SampleProfile:
        sp = self.samples.get(name)
        if sp is None:
            sp = self.samples[name] = SampleProfile(name)
        return sp

    def merge(self, other: ReadResult) -> ReadResult:
        for name, sp in other.samples.items():
            mine = self.sample(name)
            for a in sp.alterations:
                mine.add(a)
            mine.tumor = mine.tumor or sp.tumor
            mine.drugs = mine.drugs or sp.drugs
        self.bad_rows += other.bad_rows
        self.rows += other.rows
        return self


def lenient_resolver(kb: Knowledge | None, extra: dict[str, str] | None = None) -> GeneResolver:
    """Resolve through the knowledge, else accept an HGNC-like symbol as written (upper case)."""

    def resolve(token: str) -> str | None:
        t = token.strip()
        if extra and t.upper() in extra:
            return extra[t.upper()]
        hit = kb.resolve_gene(t) if kb is not None else None
        if hit is not None:
            return hit
        return t.upper() if _SYMBOL_RE.match(t) and len(t) > 1 else None

    return resolve


def parse_observed(text: str, kb: Knowledge, *, strict: bool = True) -> Alteration:
    """Parse one observed alteration.

    Parameters
    ----------
    text
        As written: ``"EGFR p.Thr790Met"``, ``"EML4-ALK fusion"``, ``"small cell transformation"``.
    kb
        The knowledge (gene aliases).
    strict
        Require a gene the knowledge knows (fusions: at least one known partner).

    Raises
    ------
    AlterationSyntaxError
        The text cannot be read.
    UnknownNameError
        ``strict`` and the gene is unknown (with the closest known names).
    """
    alt = parse_alteration(text, lenient_resolver(kb))
    if strict:
        _check_known(alt, kb)
    return alt


def _check_known(alt: Alteration, kb: Knowledge) -> None:
    if alt.kind == "phenotype":
        return
    if alt.kind == "fusion" and alt.partner5 and alt.partner3:
        if alt.partner5 in kb.genes or alt.partner3 in kb.genes or f"{alt.partner5}::{alt.partner3}" in kb.genes:
            return
        kb.gene(alt.partner3)  # raises with suggestions
    if alt.gene is not None and alt.gene not in kb.genes:
        kb.gene(alt.gene)  # raises UnknownNameError with the closest names
