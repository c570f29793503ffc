"""The specimen or assay a report names beside a change: one wording list for every reader that drops it.

Reports write where and how a change was found next to it: ``KRAS G12C (ctDNA, VAF 3.1%)``, ``AR-V7 positive (CTC)``,
``MSI-H (by PCR)``, ``TMB-H (FoundationOne CDx)``, ``PTEN loss (IHC)``. Neither changes which alteration it is.
:func:`is_specimen_or_assay` is the one test both the measure reader (``measures.py``: brackets after a change) and
the biomarker reader (``report_wordings.py``: brackets after MSI/TMB/MMR) use.
"""

from __future__ import annotations

import re

#: specimens: blood and its fractions, tissue, marrow, circulating tumour cells, CSF
_SPECIMENS = (
    r"ctdna|cfdna|cell-free dna|(?:plasma|tumou?r|circulating(?:\s+tumou?r)?)\s+(?:cell-free\s+)?dna"
    r"|plasma|liquid biopsy|blood|peripheral blood|bone marrow|(?:tumou?r\s+)?tissue|tumou?r"
    r"|biopsy|ctcs?|circulating tumou?r cells?|csf|pleural (?:fluid|effusion)"
)
#: assays: sequencing, PCR forms, immunohistochemistry, FISH and the named panels and MSI callers reports cite
_ASSAYS = (
    r"ngs|(?:plasma|tissue|blood)\s+ngs|ddpcr|pcr|rt-pcr|ihc|immunohistochemistry|fish|msisensor|fmi"
    r"|flow(?:\s+cytometry)?|foundationone(?:\s*(?:cdx|liquid(?:\s*cdx)?))?"
    r"|(?:ihc\s+)?(?:22c3|28-8|sp263|sp142|73-10)(?:\s+(?:assay|pharmdx|ihc))?"  # PD-L1 antibody clones
    r"|(?:rna|dna)(?:[\s-]*(?:ngs|seq|sequencing|panel|based))?|rna-seq|targeted rna|wes|wgs|sanger(?:\s+sequencing)?"
)
_SPECIMEN_OR_ASSAY_RE = re.compile(
    # "CTC assay", "Epic Sciences CTC assay", "plasma NGS panel": a vendor's words before the assay are allowed
    rf"^(?:(?:by|in|on|from|via)\s+)?(?:(?:[A-Za-z]+\s+){{0,3}}(?:{_SPECIMENS}|{_ASSAYS})\s+(?:assay|test|panel|analysis)"
    rf"|{_SPECIMENS}|{_ASSAYS})$",
    re.IGNORECASE,
)


def is_specimen_or_assay(text: str) -> bool:
    """Whether ``text`` names only a specimen or an assay (``ctDNA``, ``in tissue``, ``by PCR``, ``IHC``)."""
    return bool(_SPECIMEN_OR_ASSAY_RE.match(" ".join(text.split())))
