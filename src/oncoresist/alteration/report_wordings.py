"""More report wordings around a change the grammar reads (set F miss classes, helper fixf).

Each reader is one small function; it takes the words the grammar holds and returns what the grammar should read
instead, or ``None`` / ``False`` when the words are none of its wordings::

    BCR::ABL1 (p210) fusion      BCR-ABL1 p190     BCR::ABL1 fusion (e14a2 transcript)    PML::RARA (bcr1) fusion
    FLT3-TKD D835Y    FLT3 TKD: p.D835Y    AR LBD T878A    FLT3-ITD (allelic ratio 0.6)    FLT3-ITD, 45 bp
    BRAF splice variant (exons 4-8 deleted)    BRAF V600E lacking exons 4-8    EGFR exons 2-7 deletion
    BRCA2 c.5946delT (p.S1982fs), germline     BRCA1 c.5266dupC germline    BRCA1 c.68_69delAG (frameshift)
    TMB-H (14 mut/Mb)    TMB high (12 mutations/Mb)    MSI-H (by PCR)    dMMR (MLH1/PMS2 loss)

The breakpoint of a fusion (p210, e13a2) and an ITD's length or allelic ratio are read and dropped: the knowledge
names the fusion and the ITD, not the transcript or the ratio. The specimen or assay in a report's bracket (``ctDNA``,
``tissue``, ``CTC``, ``by PCR``) is recognised by ``specimen.py`` for every reader.
"""

from __future__ import annotations

import re

from oncoresist.alteration.specimen import is_specimen_or_assay

#: how reports name a fusion's breakpoint or transcript: BCR::ABL1 p210 / p190 / p230 and its e13a2, e14a2 (b2a2,
#: b3a2), e1a2, e19a2 junctions; PML::RARA bcr1 / bcr2 / bcr3 (long, variant, short isoforms); EML4::ALK variant 1,
#: 2, 3a/3b (v1, v3). Only junctions into ABL1 exon a2 are dropped: the rare a3 junctions (e13a3, b3a3) lack ABL1
#: exon 2 (part of the SH3 domain) and confer asciminib resistance in cells (Leukemia 2024,
#: DOI:10.1038/s41375-024-02353-0, figure 1 seen), so they are not read as the plain fusion
_BREAKPOINT = r"(?:p\s?(?:190|210|230)|[eb]\d{1,2}a2|bcr[123]|v\d{1,2}[ab]?|variant\s+\d{1,2}[ab]?)"
_BREAKPOINT_RE = re.compile(
    rf"^(?:fusion\s+)?\(?\s*{_BREAKPOINT}(?:\s*(?:/|and|or|,)\s*{_BREAKPOINT})*"
    r"(?:\s+(?:transcript|isoform|breakpoint|type|variant))?\s*\)?"
    r"(?:\s+(?:fusion|transcript|rearrangement|fusion transcript|positive|detected))?$",
    re.IGNORECASE,
)

#: a protein domain named before the change: "TKD D835Y" (FLT3 tyrosine-kinase domain), "KD", "LBD" (ligand-binding
#: domain: AR, ESR1), "JM" (juxtamembrane)
_DOMAIN_PREFIX_RE = re.compile(
    r"^(?:tkd|kd|lbd|jm|jmd|tyrosine[\s-]kinase domain|kinase domain|ligand[\s-]binding domain|juxtamembrane)"
    r"(?:\s+(?:mutation|variant))?\s*[:,-]?\s*(?:\(\s*(?P<p1>[^()\s]+)\s*\)|(?P<p2>\S+))$",
    re.IGNORECASE,
)

#: what reports write about an ITD beside it: its length and its allelic (mutant : wild-type) ratio
_ITD_ITEM_RES = (
    re.compile(r"^(?:itd\s+)?(?:length|size|insertion length)?\s*[:=]?\s*\d{1,4}\s*-?\s*(?:bp|nt|base pairs?)$", re.I),
    re.compile(
        r"^(?:(?:itd\s+)?(?:allelic|allele|mutant(?:[\s:/]+wild[\s-]?type)?|signal)\s+ratio|ar)\s*[:=]?\s*"
        r"(?:of\s+)?\d{0,3}(?:\.\d+)?$",
        re.I,
    ),
    re.compile(r"^(?:high|low)(?:\s+(?:allelic|allele)\s+ratio)?$", re.I),
)
_ITD_TAIL_RE = re.compile(r"^(?P<core>.*?\bitd\b(?:\s+(?:mutation|positive))?)\s*(?:[,;]\s*|\(\s*|\s+)(?P<ann>.+?)\)?$",
                          re.I)  # fmt: skip

#: an exon range said deleted or skipped: "(exons 4-8 deleted)", "lacking exons 4-8", "exons 2-7 deletion", "Δ4-8"
_RANGE = r"(?P<a{i}>\d{{1,2}})\s*(?:-|to|_|–)\s*(?P<b{i}>\d{{1,2}})"
_EXON_RANGE_DELETED_RE = re.compile(
    r"^(?:(?:p\.)?v600e\s+)?(?:(?:aberrant(?:ly)?\s+)?splice(?:d)?\s+(?:variant|isoform|form)\s*)?[(,]?\s*(?:"
    rf"exons?\s*{_RANGE.format(i=1)}\s*(?:deleted|deletion|del|skipped|skipping|lacking|missing)"
    rf"|(?:lacking|deleting|deletion of|del|skipping of|skipping|without)\s+exons?\s*{_RANGE.format(i=2)}"
    rf"|(?:δ|delta|del)\s*(?:exons?\s*)?{_RANGE.format(i=3)}"
    r")\s*\)?(?:\s+(?:splice\s+)?(?:variant|isoform|transcript))?$",
    re.IGNORECASE,
)
#: named isoforms that lack an exon range: p61BRAF(V600E) lacks exons 4-8 (Poulikakos et al., Nature 2011,
#: DOI:10.1038/nature10662, as report_vocabulary.NAMED_SPLICE_ISOFORMS); EGFRvIII lacks exons 2-7 (the in-frame
#: deletion of exons 2-7, cited from memory, not seen in a stored page: the isoform is already in ISOFORM_TOKENS)
EXON_RANGE_ISOFORMS: dict[tuple[str, int, int], str] = {
    ("BRAF", 4, 8): "p61BRAF(V600E)",
    ("EGFR", 2, 7): "EGFRvIII",
}

#: an origin written after the change: "c.5946delT (p.S1982fs), germline", "c.5266dupC germline", "; somatic origin"
TRAILING_ORIGIN_RES = (
    re.compile(r"^(?P<rest>\S+\s+.+?)\s*[,;]\s*(?P<o>germline|somatic)(?:\s+(?:origin|variant|mutation))?$", re.I),
    re.compile(r"^(?P<rest>\S+\s+(?:c\.|p\.|[A-Z]\d).+?)\s+(?P<o>germline|somatic)(?:\s+origin)?$", re.I),
)

#: a coding-sequence indel without offset (so inside an exon): "c.68_69delAG", "c.5266dupC", "c.5946delT"
_CDNA_INDEL_RE = re.compile(
    r"^c\.(?P<s>\d{1,6})(?:_(?P<e>\d{1,6}))?(?P<op>delins|del|dup|ins)(?P<seq>[ACGTacgt]*|\d{1,4})$"
)


def fusion_breakpoint(rest: str) -> bool:
    """Whether the words after a fusion name only its breakpoint or transcript (``(p210) fusion``, ``e13a2``)."""
    return bool(_BREAKPOINT_RE.match(" ".join(rest.split())))


_BREAKPOINT_PREFIX_RE = re.compile(rf"^\(\s*{_BREAKPOINT}(?:\s*(?:/|,)\s*{_BREAKPOINT})*\s*\)\s+(?=\S)", re.I)


def strip_breakpoint_prefix(rest: str) -> str:
    """The change after a bracketed breakpoint: ``(p210) T315I`` → ``T315I``; ``rest`` when there is none."""
    return _BREAKPOINT_PREFIX_RE.sub("", rest.strip(), count=1)


def domain_prefixed(rest: str) -> str | None:
    """The change after a named protein domain: ``TKD D835Y`` → ``D835Y``; ``None`` for other words."""
    m = _DOMAIN_PREFIX_RE.match(rest.strip())
    return (m["p1"] or m["p2"]) if m else None


def strip_itd_annotation(body: str) -> str:
    """``body`` without the length / allelic ratio a report writes after an ITD (``FLT3-ITD (allelic ratio 0.6)``,
    ``FLT3-ITD, AR 0.7; 45 bp``); unchanged when there is none."""
    m = _ITD_TAIL_RE.match(body.strip())
    if not m:
        return body
    items = [p for p in re.split(r"\s*[,;]\s*", m["ann"].strip(" ()")) if p]
    if items and all(any(rx.match(p) for rx in _ITD_ITEM_RES) for p in items):
        return m["core"]
    return body


def exon_range_isoform(gene: str, rest: str) -> str | None:
    """The named isoform that a deleted / skipped exon range describes (``BRAF splice variant (exons 4-8 deleted)``
    → ``p61BRAF(V600E)``), ``None`` when the words name no exon range or the range names no known isoform."""
    m = _EXON_RANGE_DELETED_RE.match(" ".join(rest.split()))
    if not m:
        return None
    for i in (1, 2, 3):
        if m[f"a{i}"]:
            return EXON_RANGE_ISOFORMS.get((gene, int(m[f"a{i}"]), int(m[f"b{i}"])))
    return None


def cdna_frameshift(rest: str) -> str | None:
    """A coding indel whose length is no multiple of three, as its HGVS text (``c.68_69delAG``): a frameshift by the
    genetic code, read without the transcript. ``None`` for an in-frame, intronic, UTR or substitution change."""
    m = _CDNA_INDEL_RE.match(rest.strip())
    if not m:
        return None
    start, end = int(m["s"]), int(m["e"] or m["s"])
    if end < start:
        return None
    seq, op = m["seq"], m["op"]
    span = end - start + 1
    inserted = int(seq) if seq.isdigit() else len(seq)
    if op in ("del", "dup"):
        changed = span if (m["e"] or not seq) else max(span, inserted)
    elif op == "ins":
        if m["e"] is None or end != start + 1 or inserted == 0:
            return None
        changed = inserted
    else:  # delins: the net change in length
        if inserted == 0:
            return None
        changed = inserted - span
    if changed % 3 == 0:
        return None
    return "c." + rest.strip()[2:].upper().replace("DELINS", "delins").replace("DEL", "del").replace(
        "DUP", "dup"
    ).replace("INS", "ins")


#: what a report adds in brackets after a genome-level biomarker besides its specimen or assay
#: (``specimen.is_specimen_or_assay``): the MMR proteins lost
_MMR_LOSS_RE = re.compile(
    r"^(?:loss\s+of\s+)?(?:mlh1|msh2|msh6|pms2)(?:\s*(?:/|and|,)\s*(?:mlh1|msh2|msh6|pms2))*"
    r"(?:\s+(?:loss|lost|negative|deficient))?(?:\s+(?:by\s+)?ihc)?$",
    re.IGNORECASE,
)
_BIOMARKER_SPLIT_RE = re.compile(r"^(?P<name>[^(),;:]+?)\s*(?:\(\s*(?P<d1>[^()]+?)\s*\)|[,;:]\s*(?P<d2>.+))$")


def biomarker_detail(low: str) -> tuple[str, str] | None:
    """A biomarker name and what a report wrote beside it: ``tmb-h (14 mut/mb)`` → (``tmb-h``, ``14 mut/mb``)."""
    m = _BIOMARKER_SPLIT_RE.match(" ".join(low.split()))
    if not m:
        return None
    return m["name"].strip(), (m["d1"] or m["d2"] or "").strip()


def is_assay_detail(detail: str) -> bool:
    """Whether ``detail`` names only the assay or the MMR proteins lost (``by PCR``, ``MLH1/PMS2 loss``)."""
    return is_specimen_or_assay(detail) or bool(_MMR_LOSS_RE.match(detail.strip()))
