"""Observed profiles: parsed alterations per sample, and how to parse what users write.

Free text and profile files are parsed *strictly*: the gene must be one the
knowledge knows (an unknown gene is an :class:`~oncoresist.errors.UnknownNameError`
with the closest names), except the partner of a fusion. Sequencing outputs (MAF,
VCF, copy-number/fusion tables) are parsed *leniently*: any HGNC-like symbol is
accepted, and alterations in genes the knowledge does not know end up as
``unrecognised`` rather than errors.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from oncoresist.alteration import Alteration, GeneResolver, parse_alteration
from oncoresist.alteration.absence import ABSENCE_REASON, stated_absence
from oncoresist.alteration.report_lines import context_reason, group_parts
from oncoresist.errors import AlterationSyntaxError
from oncoresist.profile.normalise import normalise

if TYPE_CHECKING:
    from oncoresist.knowledge.index import Knowledge

_SYMBOL_RE = re.compile(r"^[A-Za-z][A-Za-z0-9.]*$")


def clip(text: object, limit: int = 60) -> str:
    """``text`` quoted for a message, cut to about ``limit`` characters (a bad field may be megabytes)."""
    t = str(text)
    return repr(t if len(t) <= limit else t[: limit - 3] + "...")


@dataclass
class SampleProfile:
    """One sample's parsed alterations (plus tumour type and drugs when a file gives them).

    ``status`` says what reading left: ``ok``, ``no protein-altering rows`` (only silent,
    intronic ... rows) or ``all rows rejected`` (see the reader's bad rows).
    """

    sample: str
    alterations: list[Alteration] = field(default_factory=list)
    tumor: str | None = None
    drugs: list[str] = field(default_factory=list)
    status: str = "ok"
    skipped: list[str] = field(default_factory=list)
    """Rows read but not annotated, once each: ``"RUNX1 Splice_Region row"`` (a MAF class without a protein
    effect), ``"KRAS G12V"`` (a VCF call that did not pass its filter); the annotator lists them as uncovered
    inputs with their reason."""
    skip_reasons: dict[str, str] = field(default_factory=dict)
    """Why each entry of ``skipped`` was not annotated, where the reader said (``"FILTER LowQual: ..."``)."""

    def add(self, alt: Alteration) -> None:
        if alt not in self.alterations:
            self.alterations.append(alt)

    def skip(self, what: str, reason: str | None = None) -> None:
        """Record a row read but not annotated (once), with the reason when the reader knows it."""
        if what not in self.skipped:
            self.skipped.append(what)
        if reason is not None:
            self.skip_reasons.setdefault(what, reason)


@dataclass
class SampleStatus:
    """Row counts of one sample in the files read."""

    rows: int = 0
    parsed: int = 0
    skipped: int = 0  # rows without a protein effect (Silent, Intron, UTR, genotype 0/0 ...)
    rejected: int = 0  # bad rows (see ReadResult.bad_rows)

    @property
    def label(self) -> str:
        if self.parsed == 0 and self.rejected > 0:
            return "all rows rejected"
        if self.parsed == 0 and self.rows > 0:
            return "no protein-altering rows"
        return "ok"


@dataclass(frozen=True)
class BadRow:
    """A row of an input file that was skipped, with where and why."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        msg = self.message if len(self.message) <= 300 else self.message[:297] + "..."
        return f"{where}: field {clip(self.field, 40)}: {msg}"


@dataclass
class ReadResult:
    """Samples read from one or more files, the rows skipped, per-sample status and notes.

    ``columns`` names the columns a reader chose (e.g. ``{"protein": "Protein_Change"}``);
    ``notes`` are one-line facts worth telling the user (calls not counted, columns used);
    ``tumor_note`` says that a file named no tumour type (and how to give one), for a caller
    that was not given a tumour either.
    """

    samples: dict[str, SampleProfile] = field(default_factory=dict)
    bad_rows: list[BadRow] = field(default_factory=list)
    rows: int = 0
    status: dict[str, SampleStatus] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    tumor_note: str | None = None

    def sample(self, name: str) -> SampleProfile:
        sp = self.samples.get(name)
        if sp is None:
            sp = self.samples[name] = SampleProfile(name)
        return sp

    def count(self, name: str, outcome: str) -> None:
        """Count one row of sample ``name``: ``parsed``, ``skipped`` or ``rejected``."""
        st = self.status.get(name)
        if st is None:
            st = self.status[name] = SampleStatus()
            self.sample(name)
        st.rows += 1
        setattr(st, outcome, getattr(st, outcome) + 1)

    def finish(self) -> ReadResult:
        """Set each sample's ``status`` label from the counts."""
        for name, st in self.status.items():
            self.sample(name).status = st.label
        return self

    def merge(self, other: ReadResult) -> ReadResult:
        for name, sp in other.samples.items():
            mine = self.sample(name)
            for a in sp.alterations:
                mine.add(a)
            for what in sp.skipped:
                mine.skip(what, sp.skip_reasons.get(what))
            mine.tumor = mine.tumor or sp.tumor
            mine.drugs = mine.drugs or sp.drugs
        for name, st in other.status.items():
            mst = self.status.setdefault(name, SampleStatus())
            mst.rows += st.rows
            mst.parsed += st.parsed
            mst.skipped += st.skipped
            mst.rejected += st.rejected
        self.bad_rows += other.bad_rows
        self.rows += other.rows
        self.notes += other.notes
        self.columns.update(other.columns)
        self.tumor_note = self.tumor_note or other.tumor_note
        for name in other.samples:
            if name in self.status:
                self.samples[name].status = self.status[name].label
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
    alt = _legacy_stop(normalise(parse_alteration(text, lenient_resolver(kb))), kb)
    if strict:
        _check_known(alt, kb)
    return alt


def _legacy_stop(alt: Alteration, kb: Knowledge) -> Alteration:
    """``X`` after a codon in a tumour suppressor is the legacy stop sign (``TP53 R213X`` = ``TP53 R213*``, as
    COSMIC and older reports write nonsense changes); in an oncogene it stays "any substitution" (``EGFR G719X``).
    A gene with no role, or both roles, is left as written."""
    pc = alt.protein
    if alt.kind != "protein" or pc is None or pc.kind != "missense" or pc.alt != "X" or pc.start != pc.end:
        return alt
    gene = kb.genes.get(alt.gene or "")
    if gene is None or gene.role != "tumor_suppressor":
        return alt
    return dataclasses.replace(alt, protein=dataclasses.replace(pc, kind="nonsense", alt="*"))


#: two protein changes of one gene joined by a slash, as reports write a compound genotype: "ALK G1202R/L1196M",
#: "EGFR T790M/C797S cis", "EGFR T790M and C797S in cis", "EGFR T790M + C797S (cis)" (the phase, when given, is
#: the second change's relation to the first). "KRAS G12C/D" and
#: "BRAF V600E/K" (alternatives at one codon) are not this form: each side must be a whole change.
_COMPOUND_RE = re.compile(
    r"^(?P<gene>[A-Za-z][A-Za-z0-9-]*)\s+(?:p\.)?(?P<a>[A-Z]\d{1,5}[A-Z*])(?:\s*[/+&]\s*|\s+and\s+)"
    r"(?:p\.)?(?P<b>[A-Z]\d{1,5}[A-Z*])(?:\s*,?\s*\(?\s*(?:in\s+)?(?P<phase>cis|trans)\s*\)?)?$",
    re.IGNORECASE,
)


#: an alteration, then a negated finding after a comma or semicolon (helper annot10p): "BCR::ABL1 p210, no ABL1 kinase
#: domain mutation", "EGFR L858R; T790M not detected"
_PRESENT_THEN_ABSENT_RE = re.compile(
    r"^(?P<a>[^,;]+?)\s*[,;]\s*(?P<b>(?:no|without|negative\s+for)\s+[^,;]+|[^,;]+?\s+(?:not\s+detected|negative))$",
    re.IGNORECASE,
)


def is_stated_absence(text: str, kb: Knowledge) -> bool:
    """Whether ``text`` states a named isoform or a specific variant absent (``"EGFR T790M not detected (ctDNA)"``):
    :func:`parse_observed_many` reads it as no alteration, and a reader lists it among the uncovered inputs."""
    known = lenient_resolver(kb)
    return stated_absence(text, known, lambda g: _is_suppressor(g, kb), lambda g: g in kb.genes) is not None


def skip_reason(text: str, kb: Knowledge) -> str | None:
    """Why a profile line is read and not weighed: a stated absence (:data:`ABSENCE_REASON`) or report context
    (``"somatic"``, ``"tumour content 40%"``: :func:`~oncoresist.alteration.report_lines.context_reason`), else
    ``None`` (the line names alterations, or is an error)."""
    if is_stated_absence(text, kb):
        return ABSENCE_REASON
    return context_reason(text)


def _is_suppressor(gene: str, kb: Knowledge) -> bool:
    """Whether the knowledge records ``gene`` as a tumour suppressor (its "negative by IHC" is a loss)."""
    record = kb.genes.get(gene)
    return record is not None and record.role == "tumor_suppressor"


def parse_observed_many(text: str, kb: Knowledge, *, strict: bool = True) -> list[Alteration]:
    """Parse one observation that may name a compound genotype in one string.

    ``"ALK G1202R/L1196M"`` is two alterations (ALK G1202R and ALK L1196M); ``"EGFR T790M/C797S cis"`` is EGFR T790M
    and EGFR C797S in cis. Two changes at the same codon (``"KRAS G12C/G12D"``) are not a compound and stay an error
    of :func:`parse_observed`. A statement that a named isoform or a specific variant is absent (``"AR-V7 negative"``,
    ``"AR-V7 not detected (CTC)"``, ``"EGFR T790M not detected (ctDNA)"``, ``"KIT D816V negative"``) is no alteration:
    ``[]`` (:func:`~oncoresist.alteration.absence.stated_absence`). Anything else is :func:`parse_observed`'s one
    alteration.
    """
    if is_stated_absence(text, kb):
        return []
    unknown = stated_absence(text, lenient_resolver(kb), lambda g: _is_suppressor(g, kb))
    if strict and unknown is not None and unknown.gene is not None and unknown.gene not in kb.genes:
        kb.gene(unknown.gene)  # "KRSA wild-type": unknown gene 'KRSA'; did you mean KRAS ...
    present = _PRESENT_THEN_ABSENT_RE.match(" ".join(text.split()))
    if present is not None:  # "BCR::ABL1 p190, no kinase-domain mutation": the fusion; the absence adds nothing
        found = parse_observed_many(present["a"], kb, strict=strict)
        absent = stated_absence(present["b"], lenient_resolver(kb))
        mutated = [a for a in found if a.kind in ("protein", "codon", "exon", "mutation")]
        if absent is not None and (absent.kind, absent.qualifier) == ("mutation", None) and any(
            a.gene == absent.gene for a in mutated
        ):  # "KRAS G12C, no KRAS mutation detected" says both
            raise AlterationSyntaxError(
                f"cannot read {clip(text)}: it states {absent.gene} altered and no {absent.gene} mutation; give one"
            )
        return found
    m = _COMPOUND_RE.match(" ".join(text.split()))
    if m and m["a"][1:-1] != m["b"][1:-1]:
        second = f"{m['gene']} {m['b']}" + (f" in {m['phase'].lower()}" if m["phase"] else "")
        return [parse_observed(f"{m['gene']} {m['a']}", kb, strict=strict), parse_observed(second, kb, strict=strict)]
    if context_reason(text) is not None:  # "somatic", "tumour content 40%": context, no alteration (skip_reason)
        return []
    try:
        return [parse_observed(text, kb, strict=strict)]
    except AlterationSyntaxError:
        parts = group_parts(text)  # "loss of HLA class I expression": one loss per gene (report_lines.py)
        if parts is None:
            raise
        return [alt for part in parts for alt in parse_observed_many(part, kb, strict=strict)]


def _check_known(alt: Alteration, kb: Knowledge) -> None:
    if alt.kind == "phenotype":
        return
    if alt.kind == "fusion" and alt.partner5 and alt.partner3:
        if alt.partner5 in kb.genes or alt.partner3 in kb.genes or f"{alt.partner5}::{alt.partner3}" in kb.genes:
            return
        kb.gene(alt.partner3)  # raises with suggestions
    if alt.gene is not None and alt.gene not in kb.genes:
        kb.gene(alt.gene)  # raises UnknownNameError with the closest names
