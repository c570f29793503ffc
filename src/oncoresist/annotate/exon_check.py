"""The exon a report wrote before a protein change (``KIT exon 11 D816V``), checked against the exon table.

The grammar keeps the stated exon on the alteration (``Alteration.stated_exon``); where the exon table
(``profile/data/exons.yaml``, CGI's protein ranges) knows that exon of that gene, a change outside it is a
warning on every finding it supports: one of the two (the exon or the change) is likely a typo. Where the table
does not know the exon (EGFR exon 21, PDGFRA exon 18), nothing is said.
"""

from __future__ import annotations

from oncoresist.alteration import Alteration
from oncoresist.profile.exons import exon_range, exon_source


def stated_exon_warning(observed: Alteration) -> str | None:
    """A warning when ``observed`` states an exon its protein change does not lie in, else ``None``."""
    exon = observed.stated_exon
    if exon is None or observed.gene is None:
        return None
    if observed.kind == "protein" and observed.protein is not None:
        start, end = observed.protein.start, observed.protein.end
    elif observed.kind == "codon" and observed.codon_start is not None:
        start, end = observed.codon_start, observed.codon_end or observed.codon_start
    else:
        return None
    span = exon_range(observed.gene, exon)
    if span is None or (span[0] <= start and end <= span[1]):
        return None
    return (
        f"{observed.text or observed.name}: codon {start} lies outside {observed.gene} exon {exon} "
        f"(codons {span[0]}-{span[1]}, {exon_source()}); check the exon or the change"
    )
