"""A report's statement that a named isoform or a specific variant was looked for and not found.

Reports of circulating-tumour-cell assays write the result either way: ``AR-V7 positive (CTC)`` names an isoform that
is present (the grammar reads it as the isoform), ``AR-V7 negative``, ``AR-V7 not detected (CTC)`` or
``AR-V7: absent`` state that it is absent. Targeted tests write a specific variant the same way (helper tail7):
``KIT D816V negative``, ``EGFR T790M not detected (ctDNA)``, ``BRAF V600E: negative``, ``EGFR exon 19 deletion not
detected``, ``EGFR T790M wild-type``. An absence is no alteration: :func:`stated_absence` recognises the statement so
that readers leave it out of the profile (never read as the variant present), where the grammar alone refuses it.

A gene alone before the words is not this statement: ``HER2-negative``, ``ALK negative``, ``PD-L1 negative`` are
biomarker statuses and keep their own reading; so are a gene-level ``mutation``, a fusion or a copy-number state.
"""

from __future__ import annotations

import re

from oncoresist.alteration.grammar import GeneResolver, parse_alteration
from oncoresist.alteration.model import Alteration
from oncoresist.alteration.specimen import is_specimen_or_assay
from oncoresist.alteration.vocabulary import ISOFORM_ABSENT, NOT_ALTERATIONS
from oncoresist.errors import AlterationSyntaxError

#: "wild-type" (and its spellings) states the absence of a specific variant only, never of an isoform
_WILD_TYPE = tuple(sorted(w for w in NOT_ALTERATIONS if w.startswith("wild")))
#: the kinds of a specific variant: a protein change, a codon, an exon wording
VARIANT_KINDS = frozenset({"protein", "codon", "exon"})


def _absent_re(words: tuple[str, ...]) -> re.Pattern[str]:
    """The thing, then (after ':' or ',' or '-' or a space) one of ``words``, at the end."""
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(r"^(?P<core>.+?)\s*(?:[:,]\s*|[\s-]+)(?:" + alternatives + r")\.?$", re.IGNORECASE)


_ABSENT_RE = _absent_re(ISOFORM_ABSENT)
_WILD_TYPE_RE = _absent_re(_WILD_TYPE)
_TRAILING_BRACKET_RE = re.compile(r"\s*\((?P<inner>[^()]*)\)\s*$")


def _core(text: str) -> tuple[str, bool] | None:
    """(the words before the absence, whether they were "wild-type"), or ``None`` when no absence closes the text."""
    t = " ".join(text.split())
    m = _TRAILING_BRACKET_RE.search(t)
    if m and m.start() > 0 and is_specimen_or_assay(m["inner"]):
        t = t[: m.start()].rstrip()
    hit = _ABSENT_RE.match(t)
    if hit is not None:
        return hit["core"], False
    hit = _WILD_TYPE_RE.match(t)
    return (hit["core"], True) if hit is not None else None


def stated_absence(text: str, resolve_gene: GeneResolver | None = None) -> Alteration | None:
    """The isoform or specific variant ``text`` states is absent, else ``None``.

    ``"AR-V7 not detected (CTC)"`` → the isoform AR-V7; ``"EGFR T790M not detected (ctDNA)"`` → EGFR T790M. A
    trailing bracket naming only the specimen or assay is ignored. The words before the absence must read, on their
    own, as a named isoform (AR-V7, p95HER2, EGFRvIII) or a specific variant (a protein change, a codon, an exon
    wording); ``EGFR negative``, ``HER2-negative`` or ``ESR1 mutation negative`` are not this statement.
    """
    found = _core(text)
    if found is None:
        return None
    core, wild_type = found
    try:
        alt = parse_alteration(core, resolve_gene)
    except AlterationSyntaxError:
        return None
    if alt.kind in VARIANT_KINDS or (alt.kind == "isoform" and not wild_type):
        return alt
    return None


def stated_absent_isoform(text: str, resolve_gene: GeneResolver | None = None) -> str | None:
    """The isoform ``text`` states is absent (``"AR-V7 not detected (CTC)"`` → ``"AR-V7 expression"``), else ``None``.

    Only a named isoform: ``KRAS G12C negative`` is :func:`stated_absence` of a variant, not of an isoform.
    """
    alt = stated_absence(text, resolve_gene)
    return alt.name if alt is not None and alt.kind == "isoform" else None


ABSENCE_REASON = "a stated absence (negative / not detected): no alteration present, not weighed"
"""Why a stated absence is listed among a result's uncovered inputs (read, accounted for, not an alteration)."""
