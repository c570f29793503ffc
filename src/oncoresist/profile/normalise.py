"""Turning concrete variants into the classes the knowledge names (FLT3-ITD, NPM1 exon 11 mutation).

The rules and their sources are data (``profile/data/variant_classes.yaml``);
every reader and free-text profile applies :func:`normalise` to what it parsed.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from oncoresist.alteration import Alteration, parse_alteration
from oncoresist.errors import KnowledgeError, OncoresistError
from oncoresist.knowledge._yaml import read_yaml_mapping, sourced_rows

CLASSES_FILE = Path(__file__).parent / "data" / "variant_classes.yaml"


@dataclass(frozen=True)
class VariantClass:
    """A class of concrete variants: gene, codon window, rule, the alteration it becomes, and its source."""

    id: str
    gene: str
    becomes: Alteration
    rule: str
    first_codon: int
    last_codon: int
    source: str

    def covers(self, alt: Alteration) -> bool:
        """True when ``alt`` is a concrete change of this class."""
        pc = alt.protein
        if alt.kind != "protein" or pc is None or alt.gene != self.gene:
            return False
        if not self.first_codon <= pc.start <= self.last_codon:
            return False
        if self.rule == "in_frame_gain":
            return pc.kind in ("ins", "dup", "delins") and pc.length_change > 0
        if self.rule == "frameshift":
            return pc.kind == "fs"
        return False


_WHAT = "the variant classes"
#: what each rule accepts (:meth:`VariantClass.covers`)
RULES = ("in_frame_gain", "frameshift")


@lru_cache(maxsize=1)
def _table() -> dict[str, Any]:
    return read_yaml_mapping(CLASSES_FILE, _WHAT)


@lru_cache(maxsize=1)
def variant_classes() -> tuple[VariantClass, ...]:
    """The classes of ``variant_classes.yaml`` (each sourced; a bad row is a one-line :class:`KnowledgeError`)."""
    rows = sourced_rows(CLASSES_FILE, _table(), "classes", what=_WHAT, label="id",
                        required=("id", "gene", "becomes", "rule", "first_codon", "last_codon"))  # fmt: skip
    out = []
    for i, c in enumerate(rows):
        where = f"{CLASSES_FILE}: {_WHAT} row {i + 1} ({c['id']!r})"
        if c["rule"] not in RULES:
            raise KnowledgeError(f"{where}: field 'rule' is {c['rule']!r}; use one of {', '.join(RULES)}")
        try:
            becomes = parse_alteration(c["becomes"])
            first, last = int(c["first_codon"]), int(c["last_codon"])
        except (OncoresistError, TypeError, ValueError) as exc:
            raise KnowledgeError(f"{where}: field 'becomes' or the codons cannot be read ({exc})") from None
        out.append(VariantClass(id=c["id"], gene=c["gene"], becomes=becomes, rule=c["rule"], first_codon=first,
                                last_codon=last, source=" ".join(c["source"].split())))  # fmt: skip
    return tuple(out)


@lru_cache(maxsize=1)
def _class_genes() -> frozenset[str]:
    return frozenset(vc.gene for vc in variant_classes())


@lru_cache(maxsize=1)
def _exon_aliases() -> dict[tuple[str, int], int]:
    table = _table()
    if not table.get("exon_aliases"):
        return {}
    rows = sourced_rows(CLASSES_FILE, table, "exon_aliases", required=("gene", "legacy", "knowledge"), what=_WHAT,
                        label="gene")  # fmt: skip
    return {(a["gene"], int(a["legacy"])): int(a["knowledge"]) for a in rows}


def normalise(alt: Alteration) -> Alteration:
    """``alt`` as the class the knowledge names, or unchanged (origin, phase, text and the measures a report
    wrote after it, VAF and copy number, are kept)."""
    if alt.kind == "protein":
        if alt.gene not in _class_genes():  # most changes: no class of their gene (one set look-up, not a scan)
            return alt
        for vc in variant_classes():
            if vc.covers(alt):
                return dataclasses.replace(
                    vc.becomes, origin=alt.origin, phase=alt.phase, fusion_context=alt.fusion_context, text=alt.text,
                    vaf=alt.vaf, copy_number=alt.copy_number, allelic=alt.allelic, clonality=alt.clonality,
                    ratio=alt.ratio, ihc_score=alt.ihc_score,
                )
        return alt
    if alt.kind == "exon" and alt.gene is not None and alt.exon is not None:
        exon = _exon_aliases().get((alt.gene, alt.exon))
        if exon is not None:
            return dataclasses.replace(alt, exon=exon)
    return alt
