"""HGVS protein changes, as databases, callers and reports write them.

A precise grammar (regular expressions over a closed alphabet) rather than the
``hgvs`` package's parser: that parser needs a transcript data provider for most
of its work, pulls in a database driver, and is about a thousand times slower
than this module on MAF-sized inputs; the protein core is small enough to be
written out exactly. Accepted (1- or 3-letter amino acids, any letter case,
optional ``p.`` and parentheses)::

    T790M  p.Thr790Met  p.(Thr790Met)  Q61*  Q61Ter  G12=          substitutions
    E746_A750del  L747_P753delinsS  D770_N771insSVD  A767_V769dup  in-frame changes
    R776fs  R776Gfs*12  Arg776GlyfsTer12  L287fs*?                   frameshifts
    M1?  p.Met1?  p.M1_?                                            start loss
    *394Qext*?  p.Ter394GlnextTer?                                   stop loss
    599_600insDFREYEY  604_604E>EYDLKWE  594_600FREYEYD>Y  WQ288fs  -287fs  SG140del   (Oncotator / TCGA MAFs)
"""

from __future__ import annotations

import re
from typing import Literal

from oncoresist.alteration.model import ProteinChange

AA3 = {
    "Ala": "A", "Arg": "R", "Asn": "N", "Asp": "D", "Cys": "C", "Gln": "Q", "Glu": "E",
    "Gly": "G", "His": "H", "Ile": "I", "Leu": "L", "Lys": "K", "Met": "M", "Phe": "F",
    "Pro": "P", "Ser": "S", "Thr": "T", "Trp": "W", "Tyr": "Y", "Val": "V", "Ter": "*",
    "Sec": "U", "Xaa": "X",
}  # fmt: skip
AA1 = set("ACDEFGHIKLMNPQRSTVWYU*X")

_AA1_RE = r"[ACDEFGHIKLMNPQRSTVWYU*X]"
_AA3_RE = "(?:" + "|".join(AA3) + ")"
_AA_RE = rf"(?:{_AA3_RE}|{_AA1_RE})"
_AAS_RE = rf"(?:{_AA3_RE}|{_AA1_RE})+"
_POS = r"[1-9]\d{0,5}"  # residue numbers: 1..999999 (no leading zeros)

_PROT_RE = re.compile(
    rf"""^(?:p\.)?\(?
    (?P<ref>{_AA_RE})(?P<start>{_POS})
    (?:_(?P<eref>{_AA_RE})(?P<end>{_POS}))?
    (?P<rest>
        (?:delins|ins)(?P<ins>{_AAS_RE}|\d+)?
      | del(?:{_AAS_RE})?
      | dup
      | fs(?:\*?\d+|Ter\d+|\*\?|X\d*)?
      | (?:{_AA_RE})fs(?:\*?\d+|Ter\d+|X\d*|\*\?)?
      | ext(?:\*|Ter)?(?:\d+|\?)?
      | (?:{_AA_RE})ext(?:\*|Ter)?(?:\d+|\?)?
      | _?\?
      | {_AA_RE}
      | =
    )?\)?$""",
    re.VERBOSE,
)
# Oncotator / TCGA forms without reference residues on ranges
_ONC_INS_RE = re.compile(rf"^(?:p\.)?(?P<start>{_POS})_(?P<end>{_POS})ins(?P<ins>{_AA1_RE}+)$")
_ONC_DELINS_RE = re.compile(rf"^(?:p\.)?(?P<start>{_POS})_(?P<end>{_POS})(?P<ref>{_AA1_RE}+)>(?P<alt>{_AA1_RE}*)$")
_ONC_MULTIDEL_RE = re.compile(rf"^(?:p\.)?(?P<ref>{_AA1_RE}{{2,}})(?P<start>{_POS})del$")
_ONC_FS_RE = re.compile(rf"^(?:p\.)?(?:-|{_AA1_RE}{{2,}})?(?P<start>{_POS})fs(?:\*?\d+|\*\?)?$")

_KEYWORDS_RE = re.compile(r"(DELINS|DEL|INS|DUP|FS|EXT)")
_AA3_ANYCASE_RE = re.compile("|".join(AA3), re.IGNORECASE)
_AA3_CANON = {k.lower(): k for k in AA3}


def _aa(token: str) -> str:
    if token in AA3:
        return AA3[token]
    return token.upper()


def aas(token: str) -> str:
    """A run of 1- or 3-letter amino acids as 1-letter codes."""
    out, i = [], 0
    while i < len(token):
        three = token[i : i + 3]
        if three in AA3:
            out.append(AA3[three])
            i += 3
        else:
            out.append(token[i].upper())
            i += 1
    return "".join(out)


def _case_variants(t: str) -> list[str]:
    """Case-normalised spellings of a protein change written in lower or upper case."""
    prefix = "p." if t[:2].lower() == "p." else ""
    body = t[len(prefix) :]
    one = _KEYWORDS_RE.sub(lambda m: m[1].lower(), body.upper())
    three = _AA3_ANYCASE_RE.sub(lambda m: _AA3_CANON[m[0].lower()], body.lower())
    three = _KEYWORDS_RE.sub(lambda m: m[1].lower(), three.replace("delins", "DELINS"))
    return [prefix + one, prefix + three]


def _oncotator(t: str) -> ProteinChange | None:
    m = _ONC_INS_RE.match(t)
    if m:
        return ProteinChange("", int(m["start"]), int(m["end"]), "", "ins", m["ins"])
    m = _ONC_DELINS_RE.match(t)
    if m:
        s, e, ref, alt = int(m["start"]), int(m["end"]), m["ref"], m["alt"]
        if e < s or len(ref) != e - s + 1:
            return None
        if not alt:
            return ProteinChange(ref[0], s, e, ref[-1], "del")
        return ProteinChange(ref[0], s, e, ref[-1], "delins", alt)
    m = _ONC_MULTIDEL_RE.match(t)
    if m:  # SG140del: the residues deleted, numbered from the first
        ref, s = m["ref"], int(m["start"])
        return ProteinChange(ref[0], s, s + len(ref) - 1, ref[-1], "del")
    m = _ONC_FS_RE.match(t)
    if m:
        return ProteinChange("", int(m["start"]), int(m["start"]), "", "fs")
    return None


def parse_protein_change(text: str) -> ProteinChange | None:
    """Parse an HGVS protein change (forms in the module docstring); ``None`` if it is not one."""
    t = text.strip()
    if not t or len(t) > 400:
        return None
    m = _PROT_RE.match(t)
    if not m:
        for variant in _case_variants(t):
            m = _PROT_RE.match(variant)
            if m:
                break
    if not m:
        return _oncotator(t.replace("p.", "", 1) if t.startswith("p.") else t)
    ref = _aa(m["ref"])
    start = int(m["start"])
    end = int(m["end"]) if m["end"] else start
    eref = _aa(m["eref"]) if m["eref"] else ref
    rest = m["rest"] or ""
    if not rest:
        return None  # a bare codon (G12) is not a concrete change
    if end < start or (m["end"] and end == start):
        return None  # a range runs from one residue to a later one
    if rest.startswith("delins"):
        return ProteinChange(ref, start, end, eref, "delins", aas(m["ins"] or ""))
    if rest.startswith("ins"):
        if not m["end"]:  # clinical shorthand A763insFQEA: inserted after residue 763
            return ProteinChange(ref, start, start, ref, "ins", aas(m["ins"] or ""))
        if end != start + 1:
            return None  # an insertion lies between two adjacent residues
        return ProteinChange(ref, start, end, eref, "ins", aas(m["ins"] or ""))
    if rest.startswith("del"):
        return ProteinChange(ref, start, end, eref, "del")
    if rest == "dup":
        return ProteinChange(ref, start, end, eref, "dup")
    if end != start:
        return None  # the remaining forms name one residue
    if "fs" in rest:
        return ProteinChange(ref, start, start, ref, "fs")
    if "ext" in rest:
        return ProteinChange(ref, start, start, ref, "ext")
    if rest.endswith("?"):
        if ref == "M" and start == 1:
            return ProteinChange("M", 1, 1, "M", "start_loss")
        return None  # an unknown consequence elsewhere is not a change we can match
    alt = _aa(rest)
    if alt == "=" or alt == ref:
        return ProteinChange(ref, start, start, ref, "synonymous", ref)
    kind: Literal["missense", "nonsense"] = "nonsense" if alt == "*" else "missense"
    return ProteinChange(ref, start, start, ref, kind, alt)


def bare_codon(text: str) -> tuple[str, int] | None:
    """``G12`` / ``p.Gly12`` → ``("G", 12)``; ``None`` otherwise."""
    m = re.fullmatch(rf"(?:p\.)?({_AA3_RE}|{_AA1_RE})({_POS})", text.strip())
    if not m:
        return None
    return _aa(m[1]), int(m[2])
