"""The parsed forms: :class:`ProteinChange` (HGVS protein level) and :class:`Alteration`.

Every :class:`Alteration` has a canonical ``name`` that parses back to an equal
alteration (the grammar's round-trip property, tested with Hypothesis).
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field, fields
from functools import cached_property
from typing import Literal

Kind = Literal[
    "protein",  # a concrete protein change: T790M, E746_A750del, D770_N771insSVD, R776fs, Q61*, M1?
    "codon",  # any change at a codon or codon range: KRAS G12, KIT codons 557-561
    "exon",  # exon-level class: exon 19 deletion, exon 20 insertion, exon 14 skipping
    "mutation",  # any mutation of the gene, optionally qualified (activating, nonsense, splice, ITD, ...)
    "fusion",  # 5'::3' or a fusion of the gene with any partner
    "amplification",
    "loss",
    "overexpression",
    "expression",
    "underexpression",
    "isoform",  # a named isoform or truncated form: AR-V7, p95HER2
    "methylation",  # promoter methylated / unmethylated
    "phenotype",  # small cell transformation, EMT, persister ... (no gene)
    "biomarker",  # genome-level biomarker (no gene): MSI-H, MSS, dMMR, pMMR, TMB-H, TMB-L, HRD-positive, LOH-high
    "cytogenetic",  # a karyotype finding with no standard gene-level reading (no gene): del(5q), +8, -7/del(7q)
    "pharmacogenomic",  # a germline star allele / diplotype or CPIC phenotype: DPYD *2A, UGT1A1 *28/*28
]

ProteinKind = Literal[
    "missense", "nonsense", "synonymous", "del", "ins", "delins", "dup", "fs", "ext", "start_loss"
]  # fmt: skip
Origin = Literal["germline", "somatic"]
Phase = Literal["cis", "trans"]

#: qualifiers of ``kind="mutation"`` and how the canonical name spells them
MUTATION_QUALIFIERS: dict[str | None, str] = {
    None: "mutation",
    "activating": "activating mutation",
    "inactivating": "inactivating mutation",
    "pathogenic": "pathogenic variant",
    "nonsense": "nonsense mutation",
    "frameshift": "frameshift mutation",
    "splice": "splice site mutation",
    "splice_region": "splice region variant",
    "reversion": "reversion mutation",
    "secondary": "secondary mutation",
    "kinase_domain": "kinase domain mutation",
    "ligand_binding_domain": "ligand-binding domain mutation",
    "dna_binding_domain": "DNA-binding domain mutation",
    "itd": "internal tandem duplication",
    "promoter": "promoter mutation",
}


@dataclass(frozen=True)
class ProteinChange:
    """A protein-level change in HGVS terms (1-letter amino acids; ``ref`` is '' when not stated)."""

    ref: str  # reference residue at start ('' if not stated)
    start: int
    end: int  # == start for single-residue changes
    end_ref: str  # reference residue at end (ranges)
    kind: ProteinKind
    alt: str = ""  # substituted / inserted residues

    @property
    def hgvs(self) -> str:
        """The change in 1-letter HGVS form without ``p.`` (``T790M``, ``E746_A750del``, ``M1?``)."""
        first = self.ref
        rng = f"{first}{self.start}"
        if self.end != self.start:
            rng += f"_{self.end_ref}{self.end}"
        match self.kind:
            case "missense" | "nonsense" | "synonymous":
                return f"{first}{self.start}{self.alt}"
            case "del" | "dup":
                return f"{rng}{self.kind}"
            case "ins" | "delins":
                return f"{rng}{self.kind}{self.alt}"
            case "fs":
                return f"{first}{self.start}fs"
            case "start_loss":
                return f"{first}{self.start}?"
            case _:
                return f"{first}{self.start}ext"

    @property
    def length_change(self) -> int:
        """Residues gained (positive) or lost (negative) by an in-frame change; 0 otherwise."""
        span = self.end - self.start + 1
        match self.kind:
            case "ins":
                return len(self.alt)
            case "dup":
                return span
            case "del":
                return -span
            case "delins":
                return len(self.alt) - span
            case _:
                return 0


@dataclass(frozen=True)
class Alteration:
    """A parsed, normalised alteration (a knowledge pattern or an observed variant)."""

    kind: Kind
    gene: str | None = None
    protein: ProteinChange | None = None
    codon_start: int | None = None
    codon_end: int | None = None
    codon_ref: str = ""
    exon: int | None = None
    exon_change: str | None = None
    partner5: str | None = None  # fusions: 5' partner, None when "any partner"
    partner3: str | None = None
    qualifier: str | None = None  # activating / nonsense / splice / V7 isoform / methylated / phenotype
    fusion_context: str | None = None  # BCR::ABL1 for "BCR-ABL1 T315I"
    origin: Origin | None = None  # germline / somatic when stated
    phase: Phase | None = None  # in cis / in trans (with another change of the gene) when stated
    hgvs_c: str | None = None  # a cDNA splice notation as given: c.2573-1G>A
    value: float | None = None  # a biomarker's measured value: TMB in mut/Mb, genomic LOH in percent
    #: the exon a report wrote with a protein change (``EGFR exon 21 L858R``, named ``EGFR L858R (exon 21)``);
    #: the annotator checks it against the exon table where the table knows the exon (annotate/exon_check.py)
    stated_exon: int | None = None
    #: measurements a report wrote after the change (``KRAS G12C (VAF 23%)``, ``MET amp, CN=8``): metadata that
    #: does not change which alteration this is (not compared, not hashed, not part of ``name``)
    vaf: float | None = field(default=None, compare=False)  # variant allele fraction, 0..1
    copy_number: float | None = field(default=None, compare=False)  # copies, as the report gave them
    #: the allelic state a report wrote (``TP53 R273H (biallelic)``, ``BRCA2 LOH``, ``PTEN deletion (heterozygous)``):
    #: ``"biallelic"``, ``"homozygous"``, ``"heterozygous"``, ``"hemizygous"``, ``"monoallelic"`` or ``"LOH"``;
    #: metadata like the measures (the alteration is the same; report_annotations.py)
    allelic: str | None = field(default=None, compare=False)
    #: what a report wrote of the clone carrying it: ``"clonal"``, ``"subclonal"``, ``"acquired"`` (at progression)
    clonality: str | None = field(default=None, compare=False)
    #: a FISH/ISH ratio and an IHC score a report wrote in a bracket that confirms the change (``ERBB2 amplification
    #: (IHC 3+, ISH ratio 5.8)``: ratio 5.8, ihc_score ``"3+"``; report_confirming.py): metadata like the measures
    ratio: float | None = field(default=None, compare=False)
    ihc_score: str | None = field(default=None, compare=False)
    text: str = field(default="", compare=False)

    def __hash__(self) -> int:
        # cached: alterations are dictionary keys in every annotation look-up
        h = self.__dict__.get("_hash")
        if h is None:
            h = hash(_alt_key(self))  # the same tuple as the compared fields, built in C
            object.__setattr__(self, "_hash", h)
        return h

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state.pop("_hash", None)  # string hashes differ between processes
        return state

    @cached_property
    def name(self) -> str:
        """Canonical text; parses back to an equal alteration, except that a fusion context
        (``BCR-ABL1 T315I`` → ``ABL1 T315I``) is not part of the name."""
        base = self._core_name()
        if self.stated_exon is not None and self.kind in ("protein", "codon"):
            base += f" (exon {self.stated_exon})"
        if self.phase:
            base += f" in {self.phase}"
        if self.origin:
            base += f" ({self.origin})"
        return base

    def _core_name(self) -> str:
        g = self.gene or ""
        match self.kind:
            case "protein":
                assert self.protein is not None
                return f"{g} {self.protein.hgvs}"
            case "codon":
                if self.codon_end is not None and self.codon_end != self.codon_start:
                    return f"{g} codons {self.codon_start}-{self.codon_end}"
                if not self.codon_ref:
                    return f"{g} codon {self.codon_start}"
                # a stop codon is written Ter: "PDGFRA *8" would read back as a star allele (pharmacogenomic)
                ref = "Ter" if self.codon_ref == "*" else self.codon_ref
                return f"{g} {ref}{self.codon_start}"
            case "exon":
                return f"{g} exon {self.exon} {self.exon_change}"
            case "fusion":
                if self.partner5 and self.partner3:
                    return f"{self.partner5}::{self.partner3}"
                return f"{g} fusion"
            case "mutation":
                if self.hgvs_c:
                    return f"{g} {self.hgvs_c}"
                if self.qualifier == "splice" and self.codon_start is not None:
                    return f"{g} X{self.codon_start}_splice"
                return f"{g} {MUTATION_QUALIFIERS.get(self.qualifier, f'{self.qualifier} mutation')}"
            case "isoform":
                return f"{self.qualifier} expression"
            case "expression" if self.qualifier is not None:
                if self.value is None:  # HER2-low, HER2-ultralow, HER2-null, HER2 IHC 2+
                    return str(self.qualifier)
                unit = "" if self.qualifier == "CPS" else "%"
                return f"{g} {self.qualifier} {self.value:g}{unit}"
            case "cytogenetic":
                return str(self.qualifier)
            case "pharmacogenomic":
                return f"{g} {self.qualifier}"
            case "methylation":
                return f"{g} promoter {self.qualifier}"
            case "phenotype":
                return str(self.qualifier)
            case "biomarker":
                return _biomarker_name(str(self.qualifier), self.value)
            case _:
                return f"{g} {self.kind}"

    def __str__(self) -> str:
        return self.name


#: how a measured biomarker value is written in the canonical name (parses back: TMB 12 mut/Mb, genomic LOH 21%)
BIOMARKER_VALUE_NAMES: dict[str, str] = {"TMB": "TMB {v} mut/Mb", "LOH": "genomic LOH {v}%", "HRD": "HRD score {v}"}


def _biomarker_name(qualifier: str, value: float | None) -> str:
    if value is None:
        return qualifier
    stem = qualifier.split("-", 1)[0]
    return BIOMARKER_VALUE_NAMES.get(stem, qualifier + " {v}").format(v=f"{value:g}")


_ALT_KEY_FIELDS = tuple(f.name for f in fields(Alteration) if f.compare)
_alt_key = operator.attrgetter(*_ALT_KEY_FIELDS)
