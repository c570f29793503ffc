"""Report wordings that wrap a change in context: an exon before a protein change, an exon after a splice site,
the assay (ISH, FISH, IHC) before a state, an antigen's loss of expression. (Set E miss classes, helper fixe.)

Each reader takes the words after the gene and returns what the grammar should read instead, or ``None``::

    EGFR exon 21 L858R      KIT exon 17 D816V      PDGFRA exon 18 p.(Asp842Val)    KIT exon 11 p.W557_K558del
    EGFR exon 20 ins (A767_V769dup)    EGFR exon 20 insertion p.A767_V769dup    EGFR L858R (exon 21)
    MET c.3028+1G>T (exon 14 splice site)    MET c.3028+1G>T, exon 14 skipping    MET exon 14 splice site mutation
    HER2 ISH positive    ERBB2 FISH amplified    HER2 amplified by FISH    MET IHC 3+    MET IHC high
    CD19 expression loss    CD19-negative relapse    BCMA antigen loss    SLFN11 low

The exon a report writes before a protein change is kept on the alteration (``stated_exon``, metadata); the
annotator compares it with the exon table where the table knows the exon (``annotate/matching.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from oncoresist.alteration.vocabulary import EXON_TOKENS

#: "exon 21 L858R", "exon 20 ins (A767_V769dup)", "ex11 p.W557_K558del", "exon 20 insertion: p.S768dup"
_EXON_PREFIX_RE = re.compile(
    r"^(?:exon|ex)\s*(?P<n>\d{1,3})\s*[:,]?\s*"
    r"(?:(?:in-?frame\s+)?(?:ins|del|dup|delins|insertion|deletion|duplication|indel|mutation|variant|missense)"
    r"(?:\s+mutation|\s+variant)?\s*[:,]?\s*)?"
    r"(?:\(\s*(?P<p1>[^()\s]+(?:\([^()\s]*\))?)\s*\)|(?P<p2>\S+))$",
    re.IGNORECASE,
)
#: any exon label before a change, as reports write it: "EGFR exon 21 L858R mutation", "KIT exon 11 W557_K558del
#: (c.1669_1674del)": the change after the label is read by the whole grammar
_EXON_LABEL_RE = re.compile(r"^(?:exon|ex)\s*(?P<n>\d{1,3})\s*[:,]?\s+(?P<change>\S.*)$", re.IGNORECASE)
#: "L858R (exon 21)", "p.D816V, exon 17", "D816V in exon 17"
_EXON_SUFFIX_RE = re.compile(
    r"^(?P<p>\S+?)\s*(?:\(\s*(?:exon|ex)\s*(?P<n1>\d{1,3})\s*\)|,\s*(?:exon|ex)\s*(?P<n2>\d{1,3})"
    r"|\s+in\s+exon\s+(?P<n3>\d{1,3}))$",
    re.IGNORECASE,
)
#: "c.3028+1G>T (exon 14 splice site)", "c.3028+1G>T, exon 14 skipping", "c.3082+2T>C (intron 14 splice donor)"
_SPLICE_CONTEXT_RE = re.compile(
    r"^(?P<c>c\.[^\s(),;]+)\s*(?:[,;:]\s*|\(\s*)(?P<where>exon|intron|ex)\s*(?P<n>\d{1,3})\s*"
    r"(?P<what>skipping|skip|splice[\s-]*(?:site|donor|acceptor|region)?|donor|acceptor)?"
    r"(?:\s+(?:site|variant|mutation|alteration))?\s*\)?$",
    re.IGNORECASE,
)
#: "exon 14 splice site mutation", "exon 14 splice donor variant"
_EXON_SPLICE_RE = re.compile(
    r"^(?:exon|ex)\s*(?P<n>\d{1,3})\s+splice[\s-]*(?:site|donor|acceptor|region)?(?:\s+(?:mutation|variant|alteration))?$",
    re.IGNORECASE,
)
#: the assay before or after an amplification state: "ISH positive", "FISH amplified", "amplified by FISH"
_ISH = r"(?:fish|ish|sish|cish|ddish|dish|ngs)"
_ISH_RES = (
    re.compile(rf"^(?:by\s+)?{_ISH}\s*[:=]?\s*(?:positive|amplified|amplification|\+|pos)$"),
    re.compile(rf"^(?:amplified|amplification|positive|gene amplification)\s+(?:by|on|per)\s+{_ISH}$"),
    re.compile(rf"^{_ISH}[\s-]*(?:positive|amplified|\+)$"),
)
#: protein overexpression by immunohistochemistry: "IHC 3+", "IHC high", "IHC positive", "overexpression by IHC"
_IHC_HIGH_RES = (
    re.compile(
        r"^(?:by\s+)?ihc\s*[:=]?\s*(?:3\+|high|strong|strongly positive|overexpression|overexpressed|positive|\+)$"
    ),
    re.compile(r"^(?:3\+|high|overexpression|overexpressed|positive|high expression)\s+(?:by|on)\s+ihc$"),
    re.compile(r"^(?:protein\s+)?overexpression\s*\(\s*ihc\s*(?:3\+)?\s*\)$"),
)
#: loss of an antigen's expression, as relapse reports write it after antigen-directed therapy
_EXPRESSION_LOSS = frozenset({
    "expression loss", "antigen loss", "loss of antigen", "loss of antigen expression", "negative relapse",
    "negative", "-negative", "antigen-negative", "antigen negative", "negative escape", "antigen escape",
    "loss by ihc", "loss by flow cytometry", "loss by flow", "negative by flow cytometry", "negative by flow",
    "negative by ihc", "ihc negative", "ihc loss", "dim/negative", "expression lost", "absent",
})  # fmt: skip
#: low expression by an assay: "SLFN11 low", "IHC low", "low by IHC"
_LOW = frozenset({"low", "ihc low", "low by ihc", "low expression by ihc", "low (ihc)", "dim"})
#: words that mean *no alteration* for most genes ("ALK negative") but loss of the antigen for the surface
#: targets of antigen-directed therapy (CAR-T cells, T-cell engagers, antibody-drug conjugates): CD19 (Kymriah,
#: Yescarta, Blincyto labels), CD20/MS4A1 (Lunsumio, Columvi, Epkinly), CD22 (Besponsa), CD33 (Mylotarg),
#: BCMA/TNFRSF17 (Abecma, Carvykti, Tecvayli, Elrexfio), GPRC5D (Talvey), CLDN18 (Vyloy), FOLR1 (Elahere),
#: TACSTD2/TROP2 (Trodelvy, Datroway), CD38 (Darzalex), FCRL5, DLL3 (Imdelltra), CD79B (Polivy), TNFRSF8/CD30
#: (Adcetris), NECTIN4 (Padcev): the US prescribing information of each, 1 Indications / 12.1 Mechanism of Action
ANTIGEN_GENES = frozenset({
    "CD19", "MS4A1", "CD22", "CD33", "TNFRSF17", "GPRC5D", "CLDN18", "FOLR1", "TACSTD2", "CD38", "FCRL5", "DLL3",
    "CD79B", "TNFRSF8", "NECTIN4",
})  # fmt: skip
_ANTIGEN_ONLY = frozenset({"negative", "-negative", "negative relapse", "negative escape", "dim/negative"})
#: 1p/19q codeletion (WHO CNS5: the defining whole-arm codeletion of oligodendroglioma, IDH-mutant and
#: 1p/19q-codeleted; Louis et al., Neuro Oncol 2021, WHO classification of tumours of the CNS, 5th edition)
_CODEL_RE = re.compile(
    r"^(?:(?:chromosome\s+|chr\s*)?1p\s*(?:/|and|&|,)?\s*19q\s*[-\s]?(?:co-?deletion|co-?deleted|codel|co-?loss|"
    r"deletion|deleted|loss)(?:\s+(?:positive|present|detected))?|(?:co-?deletion|codeletion|co-?loss)\s+(?:of\s+)?"
    r"(?:chromosomes?\s+)?1p\s*(?:/|and|&)\s*19q)$"
)
CODELETION_1P19Q = "1p/19q codeletion"


def is_1p19q_codeletion(low: str) -> bool:
    """Whether ``low`` (lower case) names the 1p/19q codeletion in one of the ways reports write it."""
    return bool(_CODEL_RE.match(" ".join(low.split())))


@dataclass(frozen=True)
class ExonPrefixed:
    """A protein change a report wrote with its exon: ``exon`` as stated, ``change`` the protein change text."""

    exon: int
    change: str


def exon_prefixed(rest: str) -> ExonPrefixed | None:
    """``exon 21 L858R`` → (21, ``L858R``); ``L858R (exon 21)`` → (21, ``L858R``); ``exon 21 L858R mutation``
    → (21, ``L858R mutation``); else ``None``. The one reader of an exon written beside a change: the grammar
    asks nothing else.

    Only the split is done here; the caller parses ``change`` and keeps the result only when it is a protein
    change or a codon (``exon 19 deletion`` stays an exon class: the change word alone is no protein change).
    """
    m = _EXON_PREFIX_RE.match(rest)
    if m:
        return ExonPrefixed(int(m["n"]), m["p1"] or m["p2"])
    m = _EXON_SUFFIX_RE.match(rest)
    if m:
        return ExonPrefixed(int(m["n1"] or m["n2"] or m["n3"]), m["p"])
    m = _EXON_LABEL_RE.match(rest)
    if m:
        return ExonPrefixed(int(m["n"]), m["change"].strip())
    return None


@dataclass(frozen=True)
class SpliceContext:
    """A splice-site cDNA change with the exon a report named beside it."""

    cdna: str
    exon: int
    skipping: bool  # the report says the exon is skipped (or names a splice site of an exon whose skipping is known)


def splice_context(gene: str, rest: str) -> SpliceContext | None:
    """``c.3028+1G>T (exon 14 splice site)`` → the cDNA, exon 14, and whether this reads as exon 14 skipping.

    A splice site named at an exon whose skipping is a known class (``MET exon 14``, :data:`EXON_TOKENS`) reads
    as that skipping; elsewhere the cDNA change stays a splice-site mutation of the gene (a null change).
    """
    m = _SPLICE_CONTEXT_RE.match(rest)
    if not m:
        return None
    n = int(m["n"])
    what = (m["what"] or "").lower()
    return SpliceContext(m["c"], n, what.startswith("skip") or (bool(what or m["where"]) and known_skipping(gene, n)))


def exon_splice(gene: str, rest: str) -> tuple[int, bool] | None:
    """``exon 14 splice site mutation`` → (14, True when that exon's skipping is a known class), else ``None``."""
    m = _EXON_SPLICE_RE.match(rest)
    return (int(m["n"]), known_skipping(gene, int(m["n"]))) if m else None


def known_skipping(gene: str, exon: int) -> bool:
    """Whether ``gene`` exon ``exon`` skipping is a named class of the grammar (METex14)."""
    return any(g == gene and n == exon and c == "skipping" for g, n, c in EXON_TOKENS.values())


def assay_state(gene: str, rest: str) -> str | None:
    """The alteration kind an assay wording reports: ``"amplification"`` (ISH/FISH positive), ``"overexpression"``
    (IHC 3+ / high), ``"loss"`` (expression loss; for an antigen of :data:`ANTIGEN_GENES` also "negative"),
    ``"underexpression"`` (low), else ``None``."""
    r = " ".join(rest.lower().split())
    if r in _ANTIGEN_ONLY:
        return "loss" if gene in ANTIGEN_GENES else None
    if r in _LOW:
        return "underexpression"
    if any(rx.match(r) for rx in _ISH_RES):
        return "amplification"
    if any(rx.match(r) for rx in _IHC_HIGH_RES):
        return "overexpression"
    if r in _EXPRESSION_LOSS or r.removeprefix("antigen ") in _EXPRESSION_LOSS:
        return "loss"
    return None
