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
    ("vaf", re.compile(rf"^(?:at\s+)?(?:an?\s+)?{_VAF_LABEL}\s*(?:[:=]|of|~|≈)?\s*{_NUM}\s*(?P<pct>%)?$", re.I)),
    ("vaf", re.compile(rf"^(?:at\s+)?{_NUM}\s*(?P<pct>%)\s*{_VAF_LABEL}$", re.I)),
    ("cn", re.compile(rf"^{_CN_LABEL}\s*(?:[:=]|of|~|≈)?\s*{_NUM}(?:\s*(?:copies|x))?$", re.I)),
    ("cn", re.compile(rf"^{_NUM}\s*(?:copies|copy\s+number|x\s+copies)$", re.I)),
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


def _item(text: str, raw: str) -> tuple[str, float] | None:
    t = " ".join(text.split())
    for what, rx in _ITEM_RES:
        m = rx.match(t)
        if m:
            return what, _value(what, m, raw)
    m = _BARE_PCT_RE.match(t)
    if m:
        return "vaf", _value("vaf", m, raw)
    if is_specimen_or_assay(t):  # dropped like a measure (helper fixf): "(ctDNA, VAF 3.1%)", "AR-V7 positive (CTC)"
        return "specimen", 0.0
    return None


def _value(what: str, m: re.Match[str], raw: str) -> float:
    v = float(m["v"])
    if what == "cn":
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


def _plain_tail(body: str, raw: str) -> tuple[int | None, list[tuple[str, float]] | None]:
    """The longest unbracketed annotation at the end of ``body`` (after a space, comma or semicolon)."""
    for m in re.finditer(r"[\s,;]+", body):
        tail = body[m.end() :]
        if m.start() == 0 or len(tail) > _MAX_TAIL:
            continue
        one = _item(tail, raw)
        if one is not None and one[0] != "specimen":  # a specimen is dropped only from a bracket
            return m.start(), [one]
    return None, None


def split_measures(text: str) -> tuple[str, Measures]:
    """``text`` without its trailing allele-fraction and copy-number annotations, and their values.

    Text without such an annotation comes back unchanged with empty :class:`Measures`.

    Raises
    ------
    AlterationSyntaxError
        An annotation states the same measure twice with different values, or an allele fraction above 100 %.
    """
    body = text
    found: dict[str, float] = {}
    while True:
        m = _PAREN_TAIL_RE.search(body)
        items: list[tuple[str, float]] | None = None
        if m and m.start() > 0:
            parts = [p for p in re.split(r"\s*[,;]\s*", m["inner"].strip()) if p]
            parsed = [_item(p, text) for p in parts]
            if parts and all(p is not None for p in parsed):
                items = [p for p in parsed if p is not None]
        cut = m.start() if items is not None and m is not None else None
        if items is None:
            cut, items = _plain_tail(body, text)
        if items is None or cut is None:
            break
        for what, value in items:
            if what == "specimen":
                continue
            if what in found and found[what] != value:
                raise AlterationSyntaxError(f"cannot read {text[:60]!r}: two different values for the {what.upper()}")
            found[what] = value
        body = body[:cut].rstrip(" ,;")
    return body, Measures(vaf=found.get("vaf"), copy_number=found.get("cn"))
