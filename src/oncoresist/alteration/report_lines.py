"""Report lines that name a group of genes, or that are context and no alteration (helper annot10r).

A report line may name several alterations at once, by a group name with no HGNC symbol::

    loss of HLA class I expression      HLA class I loss      loss of HLA-I      (HLA-A, HLA-B, HLA-C: one loss each)
    ABCB1 fusion (SLC25A40-ABCB1) with high P-gp expression      (the fusion, and the overexpression it states)

:func:`group_parts` returns the texts of the single alterations such a line names (the profile reader,
``profile.observed.parse_observed_many``, reads each), else ``None``. HLA class I is the classical class I genes
HLA-A, HLA-B and HLA-C, as the knowledge's facts on HLA class I loss name them (Chowell et al., Science 2018,
DOI:10.1126/science.aao4572: loss of heterozygosity "at one or more HLA class I loci (HLA-A, -B, -C)"), so the line
is read as one loss per gene, each meeting that gene's facts.

A profile list may hold lines that are the report's context, not an alteration: an origin written alone
(``somatic``, ``germline``), the side or site of the primary (``left-sided primary``), the sample's tumour content
(``tumour content 40%``). :func:`context_reason` says why such a line is no alteration; the readers list it among the
uncovered inputs with that reason instead of failing the whole profile. A line with a gene and a change that does
not read stays an error.
"""

from __future__ import annotations

import re

#: the classical HLA class I genes (module text)
HLA_CLASS_I = ("HLA-A", "HLA-B", "HLA-C")
_HLA_I = r"(?:hla\s+class\s+(?:i|1)|hla-i|hla\s+i|mhc\s+class\s+(?:i|1)|mhc-i)"
_HLA_LOSS_RES = (
    re.compile(
        rf"^(?:loss|absence|lack|downregulation)\s+of\s+{_HLA_I}(?:\s+(?:expression|antigen\s+expression|"
        r"molecules|alleles?|genes?))?(?:\s+(?:by|on)\s+ihc)?$",
        re.IGNORECASE,
    ),
    re.compile(rf"^{_HLA_I}\s+(?:loss|deletion|loss\s+of\s+heterozygosity|loh|downregulation|negative)$", re.I),
)
#: "<alteration> with high <gene> expression": the alteration, and the gene's overexpression it states
_WITH_EXPRESSION_RE = re.compile(
    r"^(?P<a>.+?\S)\s+with\s+(?:high|increased|elevated|strong)\s+(?P<g>[A-Za-z0-9][A-Za-z0-9.\-]*)\s+"
    r"(?:protein\s+)?(?:expression|levels?)$",
    re.IGNORECASE,
)

_CONTEXT_RES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"^(?:somatic|germline|constitutional)(?:\s+(?:origin|findings?|variants?|only))?$", re.I),
        "an origin with no alteration: write it with the change it qualifies (e.g. 'BRCA2 c.5946delT (germline)')",
    ),
    (
        re.compile(
            r"^(?:(?:left|right)[\s-]sided|(?:left|right)\s+side)(?:\s+(?:primary|tumou?r|colon|colorectal|disease)"
            r"(?:\s+(?:tumou?r|cancer))?)?$|^(?:primary(?:\s+tumou?r)?|tumou?r)\s+(?:side|sidedness|location|site)\s*[:=]?\s*\S.{0,40}$",
            re.I,
        ),
        "clinical context (the side or site of the primary tumour), not an alteration",
    ),
    (
        re.compile(
            r"^(?:(?:estimated\s+)?(?:tumou?r|neoplastic(?:\s+cell)?)\s+(?:content|purity|cellularity|fraction|"
            r"percentage)|ctdna\s+(?:tumou?r\s+)?fraction)\s*[:=]?\s*(?:of\s+)?(?:[<>~≈]|approximately\s+)?\s*"
            r"\d{1,3}(?:\.\d{1,2})?\s*%?$",
            re.I,
        ),
        "a sample measure (tumour content), not an alteration",
    ),
)


def context_reason(text: str) -> str | None:
    """Why ``text`` is report context and no alteration (module text), else ``None``."""
    t = " ".join(str(text).split()).strip(" .;,")
    for rx, reason in _CONTEXT_RES:
        if rx.match(t):
            return reason
    return None


def group_parts(text: str) -> list[str] | None:
    """The single alterations a group wording names (module text), else ``None``."""
    t = " ".join(str(text).split()).strip(" .")
    if any(rx.match(t) for rx in _HLA_LOSS_RES):
        return [f"{gene} loss" for gene in HLA_CLASS_I]
    m = _WITH_EXPRESSION_RE.match(t)
    if m:
        return [m["a"], f"{m['g']} overexpression"]
    return None
