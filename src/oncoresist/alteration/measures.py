"""Measurements that reports write after an alteration: allele fraction and copy number.

A molecular report or a tumour-board slide often annotates the change it names::

    KRAS p.G12C (VAF 23%)     KRAS G12C, VAF: 0.23     KRAS G12C AF=12%     KRAS G12C (12% VAF)
    EGFR T790M (allele frequency 4.1%)   EGFR T790M at a VAF of 2%   EGFR L858R (35%)
    ERBB2 amplification (CN 12)          MET amp, CN=8               MET amplification (12 copies)
    KRAS G12C (VAF 23%, CN 4)

:func:`split_measures` takes such annotations off the end of the text and returns their values, so the
grammar reads the alteration itself; the values travel on the :class:`~oncoresist.alteration.model.Alteration`
as metadata (``vaf`` as a fraction 0..1, ``copy_number`` in copies) that does not change which alteration it
is. A percentage is read as a percentage; a bare number is a fraction when it is at most 1 and a percentage
when it lies above 1 and at most 100 (``VAF 23`` is 23 %), the way reports print either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from oncoresist.alteration.specimen import is_specimen_or_assay
from oncoresist.errors import AlterationSyntaxError

_NUM = r"(?P<v>\d{1,4}(?:\.\d+)?|\.\d+)"
_VAF_LABEL = (
    r"(?:t?vaf|af|maf|(?:(?:variant|mutant|mutated)\s+)?allele\s+(?:fraction|frequency|freq)"
    r"|allelic\s+(?:fraction|frequency)"
    r"|(?:(?:variant|mutant|mutated)\s+)?allel(?:e|ic)\s+burden)"  # KIT D816V "allele burden" (helper fixg)
)
_CN_LABEL = r"(?:cn|cnv|copy[\s-]*number|copies|ploidy)"
_ITEM_RES: tuple[tuple[str, re.Pattern[str]], ...] = (
    # a FISH/ISH probe ratio (helper annot10r): "ISH ratio 5.8", "FISH MET/CEP7 ratio 4.2", "HER2/CEP17 ratio 2.4"
    (
        "ratio",
        re.compile(
            r"^(?:(?:fish|ish|cish|sish|ddish)\s*[:,]?\s+)?(?:[A-Za-z0-9]+\s*/\s*CEP\s*\d{1,2}\s+)?(?:fish\s+|ish\s+)?"
            r"ratio\s*(?:[:=]|of)?\s*(?P<v>\d{1,3}(?:\.\d{1,2})?)$",
            re.I,
        ),
    ),
    ("vaf", re.compile(rf"^(?:at\s+)?(?:an?\s+)?{_VAF_LABEL}\s*(?:[:=]|of|~|≈)?\s*{_NUM}\s*(?P<pct>%)?$", re.I)),
    ("vaf", re.compile(rf"^(?:at\s+)?{_NUM}\s*(?P<pct>%)\s*{_VAF_LABEL}$", re.I)),
    ("cn", re.compile(rf"^{_CN_LABEL}\s*(?:[:=]|of|~|≈)?\s*{_NUM}(?:\s*(?:copies|x))?$", re.I)),
    ("cn", re.compile(rf"^{_NUM}\s*(?:copies|copy\s+number|x\s+copies)$", re.I)),
)
#: report annotations that are no measure but are kept on the alteration (helper annot10p): the allelic state, what
#: the report says of the clone, the origin. Each maps an annotation as written (lower case) to its one spelling.
ALLELIC_WORDS: dict[str, str] = {
    "biallelic": "biallelic", "bi-allelic": "biallelic", "biallelic loss": "biallelic", "two-hit": "biallelic",
    "two hit": "biallelic", "second hit": "biallelic", "with second hit": "biallelic",
    "second allele": "biallelic", "on the second allele": "biallelic",  # helper annot10r: the other allele hit
    "loh": "biallelic", "with loh": "biallelic", "loss of heterozygosity": "biallelic",
    "with loss of heterozygosity": "biallelic", "loss of the wild-type allele": "biallelic",
    "loss of wild-type allele": "biallelic", "with loss of the wild-type allele": "biallelic",
    "loss of the wild type allele": "biallelic", "loss of the other allele": "biallelic",
    "homozygous": "homozygous", "hom": "homozygous", "heterozygous": "heterozygous", "het": "heterozygous",
    "hemizygous": "hemizygous", "monoallelic": "monoallelic", "mono-allelic": "monoallelic",
}  # fmt: skip
CLONALITY_WORDS: dict[str, str] = {
    "clonal": "clonal", "truncal": "clonal", "subclonal": "subclonal", "sub-clonal": "subclonal",
    "minor clone": "subclonal", "minor subclone": "subclonal", "in a subclone": "subclonal",
    "acquired": "acquired", "newly acquired": "acquired", "emergent": "acquired", "emerging": "acquired",
    "treatment-emergent": "acquired", "new": "acquired", "newly detected": "acquired", "at progression": "acquired",
    "acquired at progression": "acquired", "at relapse": "acquired", "acquired at relapse": "acquired",
    "on progression": "acquired", "post-progression": "acquired",
}  # fmt: skip
ORIGIN_WORDS: dict[str, str] = {"germline": "germline", "somatic": "somatic", "constitutional": "germline"}
#: an assay of protein expression: "PTEN negative (IHC)" is the loss of PTEN expression (Measures.expression_assay)
_EXPRESSION_ASSAY_RE = re.compile(r"^(?:by\s+|on\s+)?(?:ihc|immunohistochemistry|flow(?:\s+cytometry)?)$", re.I)
#: a share of cells an assay scored: "80% of blasts", "FISH 40% of nuclei" (dropped: it says how many cells carry
#: it, not which alteration it is; it is no allele fraction)
_CELL_FRACTION_RE = re.compile(
    r"^(?:(?:fish|ihc|flow(?:\s+cytometry)?|by\s+\S+)\s*[:,]?\s*)?(?:in\s+)?\d{1,3}(?:\.\d+)?\s*%\s*(?:of\s+)?(?:the\s+)?"
    r"(?:nuclei|cells|blasts|tumou?r\s+cells|plasma\s+cells|interphase\s+nuclei|cd138\+\s+cells|lymphocytes|"
    r"leukemic\s+cells|leukaemic\s+cells)(?:\s+(?:positive|examined|scored))?$",
    re.I,
)
#: a bracket that only confirms what the words before it state: "MGMT promoter methylation (positive)"
_CONFIRMED = frozenset({"positive", "detected", "present", "confirmed", "pos", "+", "hotspot", "known hotspot"})
#: a chromosome band written after a gene-level change: "TP53 deletion (17p)", "CDKN2A loss (9p21.3)"
_BAND_RE = re.compile(r"^(?:chr(?:omosome)?\s*)?(?:\d{1,2}|x|y)[pq](?:\d{1,2}(?:\.\d{1,2})?)?$", re.I)
#: a variant classification after a change: "TP53 p.R175H (pathogenic)"; a VUS is no such word (it is left unread)
CLASSIFICATION_WORDS: dict[str, str] = {
    "pathogenic": "pathogenic", "likely pathogenic": "pathogenic", "deleterious": "pathogenic",
    "oncogenic": "pathogenic", "likely oncogenic": "pathogenic",
    "tier 1": "pathogenic", "tier i": "pathogenic", "tier 2": "pathogenic", "tier ii": "pathogenic",
}  # fmt: skip
_KEPT = (
    ("allelic", ALLELIC_WORDS),
    ("clonality", CLONALITY_WORDS),
    ("origin", ORIGIN_WORDS),
    ("classification", CLASSIFICATION_WORDS),
)
#: a bare percentage, read as an allele fraction: "EGFR L858R (35%)", "EGFR T790M 12%"
_BARE_PCT_RE = re.compile(rf"^(?:at\s+)?{_NUM}\s*(?P<pct>%)$")
_PAREN_TAIL_RE = re.compile(r"\s*\((?P<inner>[^()]*)\)\s*$")
_MAX_TAIL = 40  # characters of an unbracketed annotation


@dataclass(frozen=True)
class Measures:
    """What :func:`split_measures` found: the variant allele fraction (0..1) and the copy number."""

    vaf: float | None = None
    copy_number: float | None = None
    allelic: str | None = None  # ALLELIC_WORDS' spelling
    clonality: str | None = None  # CLONALITY_WORDS' spelling
    origin: str | None = None  # germline / somatic
    expression_assay: bool = False  # a bracket named an assay of protein expression (IHC, flow cytometry)
    classification: str | None = None  # "pathogenic" when a bracket classified the change (CLASSIFICATION_WORDS)
    ratio: float | None = None  # a FISH/ISH probe ratio (kept, not judged: no sourced cut-off is held for every gene)


def _item(text: str, raw: str) -> tuple[str, float | str] | None:
    t = " ".join(text.split())
    for what, words in _KEPT:
        word = words.get(t.lower())
        if word is not None:
            return what, word
    for what, rx in _ITEM_RES:
        m = rx.match(t)
        if m:
            return what, _value(what, m, raw)
    if _CELL_FRACTION_RE.match(t) or _BAND_RE.match(t) or t.lower() in _CONFIRMED:
        return "specimen", 0.0  # dropped like a specimen, from a bracket only
    m = _BARE_PCT_RE.match(t)
    if m:
        return "vaf", _value("vaf", m, raw)
    if is_specimen_or_assay(t):  # dropped like a measure (helper fixf): "(ctDNA, VAF 3.1%)", "AR-V7 positive (CTC)"
        return ("expression_assay", "ihc") if _EXPRESSION_ASSAY_RE.match(t) else ("specimen", 0.0)
    return None


def read_item(text: str, raw: str) -> tuple[str, float | str] | None:
    """One bracket item as a measure or a kept annotation (``("vaf", 0.23)``, ``("allelic", "biallelic")``,
    ``("specimen", 0.0)`` for a specimen or assay), else ``None``: for the confirming-bracket reader
    (report_confirming.py)."""
    return _item(text, raw)


def _value(what: str, m: re.Match[str], raw: str) -> float:
    v = float(m["v"])
    if what in ("cn", "ratio"):
        return v
    pct = m.groupdict().get("pct")
    if pct or v > 1:
        if v > 100:
            raise AlterationSyntaxError(
                f"cannot read {raw[:60]!r}: an allele fraction of {m['v']}{pct or ''} is above 100%; "
                "write it as a fraction (VAF 0.23) or a percentage (VAF 23%)"
            )
        return round(v / 100, 9)
    return v


def _plain_tail(body: str, raw: str) -> tuple[int | None, list[tuple[str, float | str]] | None]:
    """The longest unbracketed annotation at the end of ``body`` (after a space, comma or semicolon).

    A specimen is dropped unbracketed only after its preposition (``MET amplification in cfDNA``); an allelic,
    clonal or origin word only where a gene and a change stand before it (``BRCA2 LOH`` is the change itself)."""
    for m in re.finditer(r"[\s,;]+", body):
        tail = body[m.end() :]
        if m.start() == 0 or len(tail) > _MAX_TAIL:
            continue
        one = _item(tail, raw)
        if one is None:
            continue
        if one[0] == "expression_assay" and not tail.lower().startswith(("by ", "on ")):
            continue  # "CD20 positive by flow cytometry": the assay after its preposition (kept as the flag)
        if one[0] == "specimen" and not _PREPOSITION_RE.match(tail):
            continue
        if one[0] == "ratio" and not body[m.start() : m.end()].strip():
            continue  # "FLT3-ITD, allelic ratio 0.7": a probe ratio only after a comma or in brackets
        if one[0] == "classification":
            continue  # "BRCA1 likely pathogenic variant": a classification is read from a bracket only
        if one[0] in ("allelic", "clonality", "origin") and " " not in body[: m.start()].strip():
            continue
        return m.start(), [one]
    return None, None


_PREPOSITION_RE = re.compile(r"^(?:in|from)\s", re.IGNORECASE)  # "by FISH" is left to the state readers


def strip_assay_brackets(text: str) -> str:
    """``text`` without trailing brackets that name only a specimen or an assay (``PD-L1 TPS 60% (SP263)``): for a
    text whose own value is a score, where :func:`split_measures` is not used."""
    body = text
    while (m := _PAREN_TAIL_RE.search(body)) and m.start() > 0:
        parts = [p for p in re.split(r"\s*[,;]\s*", m["inner"].strip()) if p]
        if not parts or not all(is_specimen_or_assay(p) for p in parts):
            break
        body = body[: m.start()].rstrip(" ,;")
    return body


def split_measures(text: str) -> tuple[str, Measures]:
    """``text`` without its trailing allele-fraction and copy-number annotations, and their values.

    Text without such an annotation comes back unchanged with empty :class:`Measures`.

    Raises
    ------
    AlterationSyntaxError
        An annotation states the same measure twice with different values, or an allele fraction above 100 %.
    """
    body = text
    found: dict[str, float | str] = {}
    while True:
        m = _PAREN_TAIL_RE.search(body)
        items: list[tuple[str, float | str]] | None = None
        left = ""  # the items of the bracket this reader does not know, kept for the others (helper annot10p)
        if m and m.start() > 0:
            parts = [p for p in re.split(r"\s*[,;]\s*", m["inner"].strip()) if p]
            parsed = [_item(p, text) for p in parts]
            if parts and any(p is not None for p in parsed):  # "(CD74-ROS1; RNA NGS)" -> "(CD74-ROS1)"
                items = [p for p in parsed if p is not None]
                left = ", ".join(part for part, p in zip(parts, parsed, strict=True) if p is None)
        cut = m.start() if items is not None and m is not None else None
        if items is None:
            cut, items = _plain_tail(body, text)
        if items is None or cut is None:
            break
        for what, value in items:
            if what == "specimen":
                continue
            if what in found and found[what] != value:
                shown = what.upper() if what in ("vaf", "cn") else what
                raise AlterationSyntaxError(f"cannot read {text[:60]!r}: two different values for the {shown}")
            found[what] = value
        body = body[:cut].rstrip(" ,;") + (f" ({left})" if left else "")
        if left:
            break  # the rest of the bracket is another reader's
    vaf, cn, ratio = found.get("vaf"), found.get("cn"), found.get("ratio")
    kept = {k: v for k, v in found.items() if isinstance(v, str)}
    return body, Measures(
        vaf=vaf if isinstance(vaf, float) else None,
        copy_number=cn if isinstance(cn, float) else None,
        allelic=kept.get("allelic"),
        clonality=kept.get("clonality"),
        origin=kept.get("origin"),
        expression_assay="expression_assay" in found,
        classification=kept.get("classification"),
        ratio=ratio if isinstance(ratio, float) else None,
    )
