"""Brackets and trailing words after a change that confirm or describe it (helper annot10r).

A report often restates the change it names in other words, or describes it without naming another change::

    RB1 loss (homozygous deletion)        CDKN2A loss (deep deletion)       PTEN loss (IHC null)
    PTEN loss (no staining)
    ERBB2 amplification (HER2 IHC 3+)     ERBB2 amplification (IHC 3+, ISH ratio 5.8)
    MET amplification (FISH MET/CEP7 ratio 4.2, 11 copies)               AR amplification (copy-number gain in plasma)
    EGFR A767_V769dup (exon 20 insertion) KRAS G12C (codon 12)              FLT3 D835Y (TKD)
    ALK G1202R (solvent front)  EGFR T790M (gatekeeper)  BRAF D594G (xDFG)  AR F876L (legacy numbering)
    EGFR C797S (compound, same allele)    ALK fusion (partner unknown)      FLT3-ITD positive    KIT D816V detected
    BRCA1 c.5266dupC (p.Gln1756Profs*74), pathogenic germline              TP53 R175H (biallelic, with 17p loss)

:func:`read_annotated` reads the change before the bracket (or the comma, or the trailing words) and then each item of
the bracket: a measure (``measures.read_item``: VAF, copies, allelic state, clonality, origin, classification,
specimen), a ratio or an IHC score (kept as ``Alteration.ratio`` / ``Alteration.ihc_score``), a phase (``same
allele`` = in cis), a description that names no change (:data:`DESCRIPTIVE_RES`, read and dropped), or a restatement
of the change (the item read with the change's gene before it: it must be the same alteration or one that the
change implies, see :func:`confirms`). A restatement that names a *different* change (``ERBB2 amplification (IHC
0)``, ``KRAS G12C (codon 13)``) is an error naming both; an item nothing reads leaves the text unread (the grammar's
own error stands).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

from oncoresist.alteration.measures import read_item
from oncoresist.alteration.model import Alteration
from oncoresist.errors import AlterationSyntaxError

Parse = Callable[[str], Alteration]
Resolve = Callable[[str], str | None] | None

#: bracket items that describe a change without naming another one: its structural place (xDFG, gatekeeper, solvent
#: front, P-loop, hinge, kinase domain), the numbering used, that it is one of a compound, that a fusion's partner is
#: unknown, and when it was found (treatment history). Read and dropped: the knowledge names the change itself.
DESCRIPTIVE_RES: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^x?dfg(?:[\s-]+(?:motif|residue|mutation))?$",
        r"^gatekeeper(?:\s+(?:mutation|residue|position))?$",
        r"^solvent[\s-]front(?:\s+(?:mutation|residue))?$",
        r"^(?:p-loop|hinge(?:\s+region)?|activation\s+loop|a-loop|c-helix|αc-helix|alphac-helix)$",
        r"^(?:tkd|tkd1|tkd2|kinase\s+domain|tyrosine\s+kinase\s+domain|juxtamembrane(?:\s+domain)?|jm\s+domain|lbd|"
        r"ligand[\s-]binding\s+domain)$",
        r"^(?:legacy|old|historical|traditional|hgvs)\s+numbering$",
        r"^compound(?:\s+(?:mutation|mutant|heterozygous))?$",
        r"^(?:partner\s+(?:unknown|not\s+identified|not\s+known|unidentified)|unknown\s+partner)$",
        r"^(?:after|following)\s+\S.{0,50}$",  # "after 9 months' response", "after osimertinib"
    )
)
#: the phase a bracket states: "same allele" is in cis (on one allele), "different alleles" in trans
_PHASE_ITEMS: dict[str, str] = {
    "same allele": "cis", "on the same allele": "cis", "in cis": "cis", "cis": "cis",
    "different alleles": "trans", "on different alleles": "trans", "opposite alleles": "trans", "in trans": "trans",
    "trans": "trans",
}  # fmt: skip
#: an IHC score written inside a bracket: "IHC 3+", "HER2 IHC 3+", "PS2+ in >=75% of cells" (membrane staining
#: intensity and the share of tumour cells, as the FOLR1 (FRalpha) assay of the Elahere label scores it)
_IHC_SCORE_RE = re.compile(r"\bihc\s*(?P<s>[0-3]\+?)(?=$|[\s,;])", re.IGNORECASE)
_STAINED_CELLS_RE = re.compile(
    r"^(?P<s>(?:ps\s*)?[1-3]\+(?:\s*(?:/|and/or|or)\s*[1-3]\+)?)\s*(?:staining\s+)?(?:in\s+)?(?:[≥>]=?|at\s+least)\s*"
    r"(?P<pct>\d{1,3})\s*%\s*(?:of\s+)?(?:(?:viable|tumou?r|viable\s+tumou?r)\s+)?cells$",
    re.IGNORECASE,
)
#: a bracket saying the protein is not expressed: "IHC null", "no staining", "IHC negative", "loss of staining"
_NOT_EXPRESSED_RE = re.compile(
    r"^(?:(?:ihc|immunohistochemistry)\s+(?:null|negative|0|absent)|(?:null|negative|absent)\s+(?:by\s+)?ihc|"
    r"no\s+(?:\w+\s+)?(?:staining|expression)|(?:loss|absence)\s+of\s+(?:\w+\s+)?(?:staining|expression)|"
    r"complete\s+loss(?:\s+of\s+staining)?)$",
    re.IGNORECASE,
)
#: a reversion's bracket that says what it restores: "(in-frame deletion restoring the reading frame)"
_RESTORES_RE = re.compile(r"\brestor(?:es|ing|ed)?\s+(?:the\s+)?(?:open\s+)?reading\s+frame\b", re.IGNORECASE)
#: "truncated HER2" after p95HER2 (the truncated HER2 isoform itself)
_TRUNCATED_RE = re.compile(r"^(?:c-terminal\s+|n-terminal\s+)?truncated\s+(?:form\s+of\s+)?(?P<g>\S+)$", re.I)
#: "with 17p loss", "with del(17p)": the other allele of the gene lost too (a biallelic change)
_WITH_RE = re.compile(r"^with\s+(?P<what>\S.*)$", re.IGNORECASE)

#: the change, then one bracket at the end
_TAIL_BRACKET_RE = re.compile(r"^(?P<core>.+?\S)\s*\((?P<inner>[^()]*(?:\([^()]*\)[^()]*)*)\)$")
#: the change, then items after a comma: "BRCA1 c.5266dupC (p.Gln1756Profs*74), pathogenic germline"
_TAIL_COMMA_RE = re.compile(r"^(?P<core>.+?\S)\s*[,;]\s*(?P<inner>[^()]+)$")
#: words after a change that only say it was found, or where: "FLT3-ITD positive", "KIT D816V detected",
#: "ESR1 p.Tyr537Ser in plasma DNA"
_TAIL_WORDS_RE = re.compile(
    r"^(?P<core>.+?\S)\s+(?P<inner>positive|detected|present|identified|found|"
    r"(?:in|from)\s+(?:plasma|tumou?r|circulating|cell-free|blood)(?:\s+(?:cell-free|tumou?r))?\s+dna)$",
    re.IGNORECASE,
)
#: a rearrangement, then what it truncates: "AR rearrangement truncating the ligand-binding domain" (the consequence
#: is read, not weighed: the knowledge has no fact on it; the rearrangement is the alteration). Only the
#: ligand-binding domain or C-terminus: a rearrangement truncating a kinase domain is no activating fusion
_TAIL_TRUNCATING_RE = re.compile(
    r"^(?P<core>.+?\S)\s+(?P<inner>(?:truncating|disrupting|removing|deleting)\s+(?:the\s+)?"
    r"(?:ligand[\s-]binding\s+domain|lbd|c-terminus|c-terminal\s+(?:domain|region)))$",
    re.IGNORECASE,
)
_INSERTING = frozenset({"ins", "dup"})
_KINDS_EXPRESSED = frozenset({"amplification", "overexpression", "expression"})


@dataclasses.dataclass
class _Reading:
    """What the items of a bracket added to the change."""

    alt: Alteration
    changes: dict[str, object] = dataclasses.field(default_factory=dict)

    def set(self, what: str, value: object, raw: str) -> None:
        if what in self.changes and self.changes[what] != value:
            raise AlterationSyntaxError(f"cannot read {raw[:60]!r}: two different values for the {what}")
        self.changes[what] = value


def confirms(change: Alteration, other: Alteration) -> Alteration | None:
    """``change`` as ``other`` confirms it, or ``None`` when ``other`` is a different change.

    Confirming: the same alteration; copy number and protein overexpression of one gene (``ERBB2 amplification (HER2
    IHC 3+)``: IHC 3+ is HER2-positive, ASCO/CAP 2018); a loss restated as a deletion; a protein change and the exon
    class it belongs to by its type (an insertion or duplication for *insertion*, a deletion for *deletion*; the exon
    is kept as ``stated_exon`` and checked against the exon table by the annotator, as for ``EGFR exon 20
    A767_V769dup``); a protein change and its own codon; a null-change class and an exon number (the exon read, not
    kept); a change and a domain mutation of its gene (the domain is not checked)."""
    if other == change:
        return change
    if other.gene != change.gene or change.gene is None:
        return None
    if change.kind in ("amplification", "overexpression") and other.kind in ("amplification", "overexpression"):
        return change
    if change.kind == "amplification" and (other.kind, other.qualifier) == ("expression", "HER2 IHC 2+"):
        return change  # IHC 2+ is equivocal; the amplification (by ISH) decides it (ASCO/CAP 2018)
    if change.kind == "loss" and other.kind in ("loss", "underexpression"):
        return change
    pc = change.protein
    if change.kind == "protein" and pc is not None:
        if other.kind == "exon" and other.exon is not None and change.stated_exon in (None, other.exon):
            fits = {
                "insertion": pc.kind in _INSERTING or (pc.kind == "delins" and pc.length_change > 0),
                "deletion": pc.kind == "del" or (pc.kind == "delins" and pc.length_change < 0),
                "mutation": pc.kind not in ("synonymous",),
            }.get(str(other.exon_change), False)
            return dataclasses.replace(change, stated_exon=other.exon) if fits else None
        if other.kind == "codon" and other.codon_start == other.codon_end == pc.start:
            return change if other.codon_ref in ("", pc.ref) else None
        if other.kind == "mutation" and other.qualifier in ("kinase_domain", None):
            return change
    if change.kind == "mutation" and other.kind == "exon" and other.exon_change == "mutation":
        return change  # "CD22 frameshift mutation (exon 3)"
    return None


def _item(reading: _Reading, item: str, raw: str, parse: Parse, resolve: Resolve) -> bool:
    """Read one bracket item into ``reading``; ``False`` when nothing reads it. Raises on a contrary change."""
    t = " ".join(item.split()).strip(" .")
    low = t.lower()
    alt = reading.alt
    if not t:
        return True
    measure = read_item(t, raw)
    if measure is not None:
        what, value = measure
        if what not in ("specimen", "expression_assay"):
            reading.set(what, value, raw)
        return True
    words = t.split()
    if len(words) > 1 and all(read_item(w, raw) is not None for w in words):  # "pathogenic germline"
        return all(_item(reading, w, raw, parse, resolve) for w in words)
    if low in _PHASE_ITEMS:
        reading.set("phase", _PHASE_ITEMS[low], raw)
        return True
    if any(rx.match(t) for rx in DESCRIPTIVE_RES):
        return True
    if alt.qualifier == "reversion" and _RESTORES_RE.search(t):
        return True
    stained = _STAINED_CELLS_RE.match(t)
    if stained is not None and alt.kind in _KINDS_EXPRESSED:
        reading.set("ihc_score", f"{stained['s'].upper().replace(' ', '')} in >={stained['pct']}% of cells", raw)
        return True
    truncated = _TRUNCATED_RE.match(t)
    if truncated is not None and alt.kind == "isoform" and resolve is not None and resolve(truncated["g"]) == alt.gene:
        return True
    if _NOT_EXPRESSED_RE.match(t):
        if alt.kind in ("loss", "underexpression"):
            return True
        if alt.kind in _KINDS_EXPRESSED:
            raise AlterationSyntaxError(
                f"cannot read {raw[:60]!r}: {alt.name} but {t!r} says it is not expressed; give one"
            )
        return False
    with_ = _WITH_RE.match(t)
    if with_ is not None and alt.kind in ("protein", "mutation", "codon"):
        other = _try(parse, with_["what"])
        if other is not None and other.kind == "loss" and other.gene == alt.gene:  # "TP53 R175H (with 17p loss)"
            reading.set("allelic", "biallelic", raw)
            return True
        return False
    other = _restatement(alt, t, parse)
    if other is None:
        return False
    merged = confirms(alt, other)
    if merged is None:
        raise AlterationSyntaxError(
            f"cannot read {raw[:60]!r}: {alt.name} but {t!r} reads as {other.name}; give one"
        )
    reading.alt = merged
    score = _IHC_SCORE_RE.search(t)
    if score is not None:
        reading.set("ihc_score", score["s"], raw)
    if other.allelic is not None:
        reading.set("allelic", other.allelic, raw)
    return True


def _try(parse: Parse, text: str) -> Alteration | None:
    try:
        return parse(text)
    except AlterationSyntaxError:
        return None


def _restatement(alt: Alteration, item: str, parse: Parse) -> Alteration | None:
    """The alteration ``item`` names, read with the change's gene before it (``homozygous deletion`` → ``RB1
    homozygous deletion``), else as written (``HER2 IHC 3+``, ``codon 12`` needs the gene)."""
    if alt.gene is not None:
        with_gene = _try(parse, f"{alt.gene} {item}")
        if with_gene is not None:
            return with_gene
    alone = _try(parse, item)
    if alone is not None and alone.gene is not None and alone.gene != alt.gene and alt.gene is not None:
        # "HER2 IHC 3+" after ERBB2 resolves to ERBB2; a word read as a gene ("homozygous") is no restatement
        first = item.split()[0]
        if first.upper() == alone.gene:
            return None
    return alone


def read_annotated(raw: str, parse: Parse, resolve: Resolve) -> Alteration | None:
    """The change ``raw`` names with its confirming or descriptive bracket, comma items or trailing words read (see
    the module text), else ``None`` (the text is not of this form, or an item does not read)."""
    for rx in (_TAIL_BRACKET_RE, _TAIL_COMMA_RE, _TAIL_WORDS_RE, _TAIL_TRUNCATING_RE):
        m = rx.match(raw)
        if m is None:
            continue
        core_text, inner = m["core"].strip(" ,;"), m["inner"]
        core = _try(parse, core_text) or read_annotated(core_text, parse, resolve)
        if core is None:
            continue
        if core.kind == "phenotype" or (rx is _TAIL_TRUNCATING_RE and core.kind != "fusion"):
            return None
        reading = _Reading(core)
        words = rx in (_TAIL_WORDS_RE, _TAIL_TRUNCATING_RE)  # "detected", "in plasma DNA": only that it was found
        items = re.split(r"\s*[,;]\s*", inner)
        if not words and not all(_item(reading, part, raw, parse, resolve) for part in items):
            continue
        return _apply(reading, raw)
    return None


def _apply(reading: _Reading, raw: str) -> Alteration:
    alt = reading.alt
    c = reading.changes
    keep = {k: c[k] for k in ("vaf", "allelic", "clonality", "ratio", "ihc_score") if k in c}
    if "cn" in c:
        keep["copy_number"] = c["cn"]
    if "origin" in c:
        keep["origin"] = c["origin"]
    if "phase" in c:
        keep["phase"] = c["phase"]
    if c.get("classification") is not None and alt.kind == "mutation" and alt.qualifier is None:
        keep["qualifier"] = "pathogenic"
    for k, v in list(keep.items()):
        old = getattr(alt, k)
        if old is not None and old != v and k not in ("allelic",):
            raise AlterationSyntaxError(f"cannot read {raw[:60]!r}: two different values for the {k}")
    return dataclasses.replace(alt, **keep, text=raw)  # type: ignore[arg-type]
