"""Report wordings that qualify a change the grammar reads (set G miss classes, helper fixg).

Each reader is one small function; it takes the words the grammar holds and returns what the grammar should read
instead, or ``None`` when the words are none of its wordings::

    MET amplified (MET/CEP7 ratio 3.1)    MET amplification (FISH, MET/CEP7 2.4)    ERBB2 amplified, ratio 3.4
    ALK rearrangement (FISH positive)     ERBB2 amplification (HER2/CEP17 ratio 2.5; ISH)
    HER2 mutation Y772_A775dup            EGFR mutation: L858R          KRAS mutation p.G12C
    BRCA2 reversion (restores reading frame)     PALB2 reversion mutation (frame-restoring)
    loss of BRCA1 promoter methylation    BRCA1 promoter methylation lost    BRCA1 promoter demethylated
    HER2-low (IHC 1+)    HER2-positive (IHC 2+/ISH+)    HER2 positive (IHC 3+)
    EGFR C797S cis to T790M    EGFR C797S (cis configuration)    EGFR C797S, in cis    EGFR C797S on the same allele

An assay's ratio or copy signal (``MET/CEP7 ratio 3.1``) is read and dropped: the alteration is the state the
report names (amplified), and no ratio decides a verdict here, since the knowledge holds no sourced cut-off that
this reader could apply. A bracket that states another state than the words before it is left unread (the
grammar's error), never resolved by a guess.
"""

from __future__ import annotations

import re

#: one assay item in a bracket or after a comma: the method, its result, a probe ratio, a gene copy count
_ASSAY_ITEM_RES = (
    re.compile(
        r"^(?:by\s+)?(?:fish|ish|cish|sish|dish|ddish|ngs|ihc|pcr|rt-pcr|nanostring|break[\s-]?apart(?:\s+fish)?)"
        r"(?:\s+(?:positive|pos|\+|confirmed|detected))?$",
        re.I,
    ),
    re.compile(r"^(?:positive|detected|confirmed)(?:\s+(?:by|on)\s+(?:fish|ish|ngs|ihc|pcr))?$", re.I),
    re.compile(
        r"^(?:[a-z0-9]{2,8}\s*/\s*(?:cep|chr|d7z1)\s*\d{1,2}|gene\s*/\s*centromere|(?:fish|ish)\s+)?"
        r"(?:\s*ratio)?\s*(?:[:=]|of)?\s*\d{1,3}(?:\.\d{1,3})?$",
        re.I,
    ),
    re.compile(
        r"^(?:ratio|gcn|mean\s+(?:gene\s+)?copy\s+number|gene\s+copy\s+number|signals?\s+per\s+cell)"
        r"\s*(?:[:=]|of)?\s*[≥>]?\s*\d{1,3}(?:\.\d{1,3})?$",
        re.I,
    ),
    re.compile(r"^(?:high|low)[\s-]level$", re.I),
    re.compile(r"^(?:focal|polysomy|clustered)$", re.I),
)
#: the state words these assays report, and the kind each names
_ASSAY_STATES: dict[str, str] = {
    "amplified": "amplification",
    "amplification": "amplification",
    "gene amplification": "amplification",
    "amp": "amplification",
    "rearrangement": "fusion",
    "rearranged": "fusion",
    "fusion": "fusion",
    "gene rearrangement": "fusion",
    "translocation": "fusion",
    "overexpression": "overexpression",
    "overexpressed": "overexpression",
}
_STATE_DETAIL_RE = re.compile(
    r"^(?P<state>[a-z][a-z ]*?)\s*(?:\(\s*(?P<d1>[^()]+?)\s*\)|[,;]\s*(?P<d2>[^()]+?))$", re.I
)


def _assay_items(detail: str) -> bool:
    parts = [p for p in re.split(r"\s*[,;]\s*", detail.strip()) if p]
    return bool(parts) and all(any(rx.match(p) for rx in _ASSAY_ITEM_RES) for p in parts)


def assay_qualified_state(rest: str) -> str | None:
    """The alteration kind of a state written with its assay: ``amplified (MET/CEP7 ratio 3.1)`` →
    ``"amplification"``, ``rearrangement (FISH positive)`` → ``"fusion"``; ``None`` for other words."""
    m = _STATE_DETAIL_RE.match(" ".join(rest.split()))
    if not m:
        return None
    kind = _ASSAY_STATES.get(m["state"].lower())
    return kind if kind is not None and _assay_items(m["d1"] or m["d2"] or "") else None


_MUTATION_FIRST_RE = re.compile(
    r"^(?:activating\s+|somatic\s+|point\s+)?(?:mutation|mutations|mutated|mutant|variant|mut)\s*[:,]?\s*"
    r"(?:\(\s*(?P<p1>[^()\s]+)\s*\)|(?P<p2>(?:p\.)?[A-Za-z*]{0,3}\d\S*))$",
    re.I,
)


def mutation_then_change(rest: str) -> str | None:
    """The change after the word "mutation": ``mutation Y772_A775dup`` → ``Y772_A775dup``; else ``None``."""
    m = _MUTATION_FIRST_RE.match(rest.strip())
    return (m["p1"] or m["p2"]) if m else None


#: what a report writes about a reversion: that it restores the reading frame or the protein
_REVERSION_RE = re.compile(
    r"^(?:secondary\s+)?revers(?:ion|ant|ion\s+mutation|ion\s+variant|ion\s+event)s?\s*[,;:]?\s*\(?\s*"
    r"(?:restor(?:es|ing|ed)\s+(?:the\s+)?(?:open\s+)?(?:reading\s+frame|orf|frame|function|protein|expression)"
    r"|(?:reading[\s-])?frame[\s-]restoring|in[\s-]frame|detected|confirmed)?\s*\)?$",
    re.I,
)


def is_reversion(rest: str) -> bool:
    """Whether ``rest`` names a reversion of the gene, with or without what it restores
    (``reversion (restores reading frame)``, ``reversion mutation, frame-restoring``)."""
    return bool(_REVERSION_RE.match(" ".join(rest.split())))


#: loss of a promoter's methylation (a gene silenced by methylation expressed again): BRCA1, RAD51C
_DEMETHYLATION_RES = (
    re.compile(r"^(?:loss|lost)\s+of\s+(?P<gene>[A-Za-z0-9-]{2,12})\s+(?:promoter\s+)?(?:hyper)?methylation$", re.I),
    re.compile(
        r"^(?P<gene>[A-Za-z0-9-]{2,12})\s+(?:promoter\s+)?(?:(?:hyper)?methylation\s+(?:loss|lost)|demethylation"
        r"|demethylated|loss\s+of\s+(?:promoter\s+)?methylation)$",
        re.I,
    ),
)


def demethylated_gene(text: str) -> str | None:
    """The gene token of a lost promoter methylation (``loss of BRCA1 promoter methylation`` → ``BRCA1``)."""
    t = " ".join(text.split())
    for rx in _DEMETHYLATION_RES:
        m = rx.match(t)
        if m:
            return m["gene"]
    return None


_HER2_DETAIL_RE = re.compile(
    r"^(?P<name>(?:her2|erbb2|her-2)[\s-]*(?:low|ultralow|ultra-low|positive|null|0|zero|overexpressing|"
    r"amplified|enriched))\s*\(\s*(?P<detail>(?:ihc\s*)?[0-3]\+?(?:\s*/\s*(?:ish|fish|cish|sish)\s*[+-])?"
    r"|(?:ish|fish)\s*[+-]|ihc\s+0)\s*\)$",
    re.I,
)


def her2_status_detail(low: str) -> tuple[str, str] | None:
    """A HER2 status with its score in brackets: ``her2-low (ihc 1+)`` → (``her2-low``, ``her2 ihc 1+``)."""
    m = _HER2_DETAIL_RE.match(" ".join(low.split()))
    if not m:
        return None
    detail = m["detail"].lower().replace(" ", "")
    if not detail.startswith(("ihc", "ish", "fish")):
        detail = "ihc" + detail
    return m["name"].lower(), "her2 " + detail.replace("ihc", "ihc ", 1).replace("  ", " ")


#: a phase written after a change in words the plain "in cis" / "(trans)" reader does not take
_PHASE_TAIL_RE = re.compile(
    r"^(?P<core>.+?)\s*[,;]?\s*\(?\s*(?:in\s+)?(?P<p>cis|trans)(?:\s+(?:configuration|orientation|position|"
    r"conformation))?(?:\s*(?:to|with|relative\s+to|and)\s+(?P<other>[^()]+?))?(?:\s*\(\s*[^()]*allele[^()]*\))?"
    r"\s*\)?$",
    re.I,
)
_ALLELE_TAIL_RE = re.compile(
    r"^(?P<core>.+?)\s*[,;]?\s*\(?\s*on\s+(?P<which>the\s+same|one|a\s+different|different|the\s+other|opposite)"
    r"\s+alleles?(?:\s+(?:as|from|to)\s+[^()]+?)?\s*\)?$",
    re.I,
)


def phase_tail(body: str) -> tuple[str, str] | None:
    """``(change, "cis" | "trans")`` for a change with its phase in a wording such as ``C797S cis to T790M``,
    ``C797S (cis configuration)``, ``C797S, in cis``, ``C797S on the same allele``; ``None`` otherwise."""
    t = " ".join(body.split())
    m = _PHASE_TAIL_RE.match(t)
    if m and " " in m["core"].strip():
        return m["core"].strip(" ,;"), m["p"].lower()
    m = _ALLELE_TAIL_RE.match(t)
    if m and " " in m["core"].strip():
        same = m["which"].lower() in ("the same", "one")
        return m["core"].strip(" ,;"), "cis" if same else "trans"
    return None


#: genes whose clinical FISH test is a break-apart rearrangement assay, so that "FISH positive" means rearranged, not
#: amplified: ALK (the Vysis ALK Break Apart FISH Probe Kit, FDA-approved in 2011 as the companion diagnostic for ALK
#: rearrangement in lung cancer; Int J Mol Sci 2019, DOI:10.3390/ijms20163939, abstract seen). ROS1 and RET are tested
#: the same way in practice, but no source saying so was seen, so they keep the generic reading.
BREAK_APART_GENES = frozenset({"ALK"})
_BREAK_APART_RE = re.compile(
    r"^(?:(?:by\s+)?(?:fish|ish)\s*[:=]?\s*(?:positive|pos|\+)|(?:fish|ish)[\s-]*positive|positive\s+by\s+(?:fish|ish)"
    r"|break[\s-]?apart(?:\s+fish)?\s+positive)$",
    re.I,
)


def break_apart_positive(gene: str, rest: str) -> bool:
    """Whether ``rest`` is a positive FISH result for a gene tested by break-apart FISH (``ALK FISH positive``)."""
    return gene in BREAK_APART_GENES and bool(_BREAK_APART_RE.match(" ".join(rest.split())))
