"""A report's statement that a named isoform was looked for and not found: ``AR-V7 negative``.

Reports of circulating-tumour-cell assays write the result either way: ``AR-V7 positive (CTC)`` names an isoform that
is present (the grammar reads it as the isoform), ``AR-V7 negative``, ``AR-V7 not detected (CTC)`` or
``AR-V7: absent`` state that it is absent. An absence is no alteration: :func:`stated_absent_isoform` recognises the
statement so that readers leave it out of the profile (never read as the isoform present), where the grammar alone
refuses it.
"""

from __future__ import annotations

import re

from oncoresist.alteration.grammar import GeneResolver, parse_alteration
from oncoresist.alteration.specimen import is_specimen_or_assay
from oncoresist.alteration.vocabulary import ISOFORM_ABSENT
from oncoresist.errors import AlterationSyntaxError

#: the isoform, then (after ':' or '-' or a space) the words of an absence
_ABSENT_RE = re.compile(
    r"^(?P<core>.+?)\s*(?:[:,]\s*|[\s-]+)(?:" + "|".join(re.escape(w) for w in ISOFORM_ABSENT) + r")\.?$",
    re.IGNORECASE,
)
_TRAILING_BRACKET_RE = re.compile(r"\s*\((?P<inner>[^()]*)\)\s*$")


def stated_absent_isoform(text: str, resolve_gene: GeneResolver | None = None) -> str | None:
    """The isoform ``text`` states is absent (``"AR-V7 not detected (CTC)"`` → ``"AR-V7 expression"``), else ``None``.

    A trailing bracket naming only the specimen or assay is ignored. The words before the absence must read, on
    their own, as a named isoform (AR-V7, p95HER2, EGFRvIII): ``KRAS G12C negative`` or ``EGFR negative`` are not
    this statement.
    """
    t = " ".join(text.split())
    m = _TRAILING_BRACKET_RE.search(t)
    if m and m.start() > 0 and is_specimen_or_assay(m["inner"]):
        t = t[: m.start()].rstrip()
    hit = _ABSENT_RE.match(t)
    if hit is None:
        return None
    try:
        alt = parse_alteration(hit["core"], resolve_gene)
    except AlterationSyntaxError:
        return None
    return alt.name if alt.kind == "isoform" else None
