"""Parsing and normalising alterations as clinicians, reports and databases write them.

One grammar serves the curated knowledge (fact alterations are *patterns*) and
tumour profiles (observed alterations). Examples that parse::

    EGFR T790M            EGFR p.Thr790Met       EGFR:p.T790M       BCR-ABL1 T315I
    EGFR E746_A750del     EGFR D770_N771insSVD   KRAS G12 (codon)   KIT codons 557-561
    EGFR exon 19 deletion EGFR ex20ins           MET exon 14 skipping
    EML4::ALK             EML4-ALK fusion        ALK fusion         ALK rearrangement
    MET amplification     PTEN loss              ABCB1 overexpression
    AR-V7 expression      p95HER2                MGMT promoter unmethylated  EGFRvIII
    KRAS G12/G13 (adjacent codons: a range)       FLT3 ITD
    BRCA1 reversion mutation  KRAS mutation      NRAS activating mutation
    small cell transformation  EMT

The result is an :class:`Alteration` with a canonical ``name`` (``EGFR T790M``,
``EGFR exon 19 deletion``, ``EML4::ALK``...). Gene symbols are resolved through an
optional resolver (the knowledge base's gene index: HER2 → ERBB2).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from functools import cached_property
from typing import Literal

from oncoresist.errors import AlterationSyntaxError

Kind = Literal[
    "protein",  # a concrete protein change: T790M, E746_A750del, D770_N771insSVD, R776fs, Q61*
    "codon",  # any change at a codon or codon range: KRAS G12, KIT codons 557-561
    "exon",  # exon-level class: exon 19 deletion, exon 20 insertion, exon 14 skipping
    "mutation",  # any mutation of the gene, optionally qualified (activating, reversion, ...)
    "fusion",  # 5'::3' or a fusion of the gene with any partner
    "amplification",
    "loss",
    "overexpression",
    "expression",
    "underexpression",
    "isoform",  # a named isoform or truncated form: AR-V7, p95HER2
    "methylation",  # promoter methylated / unmethylated
    "phenotype",  # small cell transformation, EMT, persister ... (no gene)
]

AA3 = {
    "Ala": "A", "Arg": "R", "Asn": "N", "Asp": "D", "Cys": "C", "Gln": "Q", "Glu": "E",
    "Gly": "G", "His": "H", "Ile": "I", "Leu": "L", "Lys": "K", "Met": "M", "Phe": "F",
    "Pro": "P", "Ser": "S", "Thr": "T", "Trp": "W", "Tyr": "Y", "Val": "V", "Ter": "*",
    "Sec": "U", "Xaa": "X",
}  # fmt: skip
AA1 = set("ACDEFGHIKLMNPQRSTVWYU*X")

PHENOTYPES: dict[str, tuple[str, ...]] = {
    "small cell transformation": (
        "small cell transformation", "small-cell transformation", "sclc transformation",
        "transformation to small cell lung cancer", "small cell lung cancer transformation",
        "small cell histologic transformation",
    ),
    "neuroendocrine transformation": (
        "neuroendocrine transformation", "neuroendocrine differentiation", "nepc transformation",
        "treatment-emergent neuroendocrine prostate cancer", "t-nepc",
    ),
    "squamous transformation": ("squamous transformation", "squamous cell transformation"),
    "epithelial-mesenchymal transition": (
        "emt", "epithelial-mesenchymal transition", "epithelial to mesenchymal transition",
        "epithelial mesenchymal transition",
    ),
    "drug-tolerant persister state": (
        "drug-tolerant persister state", "drug-tolerant persisters", "drug tolerant persister",
        "persister state", "dtp state",
    ),
    "cancer stem cell state": ("cancer stem cell state", "cancer stem cells", "stem-like state", "csc"),
    "tumor hypoxia": ("tumor hypoxia", "tumour hypoxia", "hypoxia"),
    "poor drug penetration": ("poor drug penetration", "sanctuary site", "pharmacological sanctuary"),
    "polyclonal resistance": ("polyclonal resistance", "multiple resistant subclones"),
}  # fmt: skip
_PHENOTYPE_LOOKUP = {syn: canon for canon, syns in PHENOTYPES.items() for syn in syns}

_WORDS: dict[str, tuple[Kind, str | None]] = {
    "amplification": ("amplification", None),
    "amplified": ("amplification", None),
    "amp": ("amplification", None),
    "copy number gain": ("amplification", None),
    "loss": ("loss", None),
    "deletion": ("loss", None),
    "deleted": ("loss", None),
    "homozygous deletion": ("loss", None),
    "deep deletion": ("loss", None),
    "loss of function": ("loss", None),
    "loss-of-function": ("loss", None),
    "inactivation": ("loss", None),
    "biallelic loss": ("loss", None),
    "overexpression": ("overexpression", None),
    "over-expression": ("overexpression", None),
    "overexpressed": ("overexpression", None),
    "high expression": ("overexpression", None),
    "upregulation": ("overexpression", None),
    "expression": ("expression", None),
    "expressed": ("expression", None),
    "positive": ("expression", None),
    "underexpression": ("underexpression", None),
    "low expression": ("underexpression", None),
    "downregulation": ("underexpression", None),
    "mutation": ("mutation", None),
    "mutations": ("mutation", None),
    "mutant": ("mutation", None),
    "mutated": ("mutation", None),
    "mut": ("mutation", None),
    "any mutation": ("mutation", None),
    "activating mutation": ("mutation", "activating"),
    "gain-of-function mutation": ("mutation", "activating"),
    "inactivating mutation": ("mutation", "inactivating"),
    "loss-of-function mutation": ("mutation", "inactivating"),
    "truncating mutation": ("mutation", "inactivating"),
    "reversion mutation": ("mutation", "reversion"),
    "reversion mutations": ("mutation", "reversion"),
    "reversion": ("mutation", "reversion"),
    "secondary mutation": ("mutation", "secondary"),
    "kinase domain mutation": ("mutation", "kinase_domain"),
    "kinase domain mutations": ("mutation", "kinase_domain"),
    "dna binding domain mutation": ("mutation", "dna_binding_domain"),
    "dna-binding domain mutation": ("mutation", "dna_binding_domain"),
    "itd": ("mutation", "itd"),
    "internal tandem duplication": ("mutation", "itd"),
    "itd mutation": ("mutation", "itd"),
    "ligand-binding domain mutation": ("mutation", "ligand_binding_domain"),
    "fusion": ("fusion", None),
    "fusions": ("fusion", None),
    "rearrangement": ("fusion", None),
    "rearranged": ("fusion", None),
    "translocation": ("fusion", None),
    "fusion positive": ("fusion", None),
    "promoter methylation": ("methylation", "methylated"),
    "promoter methylated": ("methylation", "methylated"),
    "promoter hypermethylation": ("methylation", "methylated"),
    "methylated": ("methylation", "methylated"),
    "methylation": ("methylation", "methylated"),
    "promoter unmethylated": ("methylation", "unmethylated"),
    "unmethylated": ("methylation", "unmethylated"),
    "promoter unmethylation": ("methylation", "unmethylated"),
}

# Named isoforms / truncated forms written as one token.
_ISOFORM_TOKENS: dict[str, tuple[str, str]] = {
    "P95HER2": ("ERBB2", "p95HER2"),
    "P95-HER2": ("ERBB2", "p95HER2"),
    "P95ERBB2": ("ERBB2", "p95HER2"),
    "EGFRVIII": ("EGFR", "EGFRvIII"),
    "EGFRV3": ("EGFR", "EGFRvIII"),
}
# Named isoforms written as gene + word: "EGFR vIII".
_ISOFORM_WORDS: dict[tuple[str, str], str] = {("EGFR", "viii"): "EGFRvIII", ("EGFR", "v3"): "EGFRvIII"}

_EXON_KIND = {
    "deletion": "deletion", "deletions": "deletion", "del": "deletion",
    "insertion": "insertion", "insertions": "insertion", "ins": "insertion",
    "mutation": "mutation", "mutations": "mutation", "mut": "mutation",
    "skipping": "skipping", "skip": "skipping", "skipping mutation": "skipping",
    "alteration": "mutation", "duplication": "insertion", "dup": "insertion",
}  # fmt: skip

GeneResolver = Callable[[str], str | None]


@dataclass(frozen=True)
class ProteinChange:
    """A protein-level change in HGVS terms (1-letter amino acids)."""

    ref: str  # reference residue at start ('' if not stated)
    start: int
    end: int  # == start for single-residue changes
    end_ref: str  # reference residue at end (ranges)
    kind: Literal["missense", "nonsense", "synonymous", "del", "ins", "delins", "dup", "fs", "ext"]
    alt: str = ""  # substituted / inserted residues

    @property
    def hgvs(self) -> str:
        rng = f"{self.ref}{self.start}"
        if self.end != self.start:
            rng += f"_{self.end_ref}{self.end}"
        match self.kind:
            case "missense" | "nonsense" | "synonymous":
                return f"{self.ref}{self.start}{self.alt}"
            case "del" | "dup":
                return f"{rng}{self.kind}"
            case "ins" | "delins":
                return f"{rng}{self.kind}{self.alt}"
            case "fs":
                return f"{self.ref}{self.start}fs"
            case _:
                return f"{self.ref}{self.start}ext"


@dataclass(frozen=True)
class Alteration:
    """A parsed, normalised alteration (a knowledge pattern or an observed variant)."""

    kind: Kind
    gene: str | None = None
    protein: ProteinChange | None = None
    codon_start: int | None = None
    codon_end: int | None = None
    codon_ref: str = ""
    exon: int | None = None
    exon_change: str | None = None
    partner5: str | None = None  # fusions: 5' partner, None when "any partner"
    partner3: str | None = None
    qualifier: str | None = None  # activating / reversion / V7 isoform / methylated / phenotype
    fusion_context: str | None = None  # BCR::ABL1 for "BCR-ABL1 T315I"
    text: str = field(default="", compare=False)

    def __hash__(self) -> int:
        # cached: alterations are dictionary keys in every annotation look-up
        h = self.__dict__.get("_hash")
        if h is None:
            h = hash(tuple(getattr(self, n) for n in _ALT_KEY_FIELDS))
            object.__setattr__(self, "_hash", h)
        return h

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state.pop("_hash", None)  # string hashes differ between processes
        return state

    @cached_property
    def name(self) -> str:
        g = self.gene or ""
        match self.kind:
            case "protein":
                assert self.protein is not None
                return f"{g} {self.protein.hgvs}"
            case "codon":
                if self.codon_end is not None and self.codon_end != self.codon_start:
                    return f"{g} codons {self.codon_start}-{self.codon_end}"
                return f"{g} {self.codon_ref}{self.codon_start}"
            case "exon":
                change = {"skipping": "skipping"}.get(self.exon_change or "", self.exon_change)
                return f"{g} exon {self.exon} {change}"
            case "fusion":
                if self.partner5 and self.partner3:
                    return f"{self.partner5}::{self.partner3}"
                return f"{g} fusion"
            case "mutation":
                q = {
                    None: "",
                    "activating": "activating ",
                    "inactivating": "inactivating ",
                    "reversion": "reversion ",
                    "secondary": "secondary ",
                    "kinase_domain": "kinase domain ",
                    "ligand_binding_domain": "ligand-binding domain ",
                    "dna_binding_domain": "DNA-binding domain ",
                }.get(self.qualifier, f"{self.qualifier} ")
                if self.qualifier == "itd":
                    return f"{g} internal tandem duplication"
                return f"{g} {q}mutation"
            case "isoform":
                return f"{self.qualifier} expression"
            case "methylation":
                return f"{g} promoter {self.qualifier}"
            case "phenotype":
                return str(self.qualifier)
            case _:
                return f"{g} {self.kind}"

    def __str__(self) -> str:
        return self.name


_ALT_KEY_FIELDS = tuple(f.name for f in fields(Alteration) if f.compare)


_GENE_TOKEN = r"[A-Za-z0-9][A-Za-z0-9\-.:/]*"
_AA1_RE = r"[ACDEFGHIKLMNPQRSTVWYU*X]"
_AA3_RE = "(?:" + "|".join(AA3) + ")"
_AA_RE = rf"(?:{_AA3_RE}|{_AA1_RE})"
_AAS_RE = rf"(?:{_AA3_RE}|{_AA1_RE})+"

_PROT_RE = re.compile(
    rf"""^(?:p\.)?\(?
    (?P<ref>{_AA_RE})(?P<start>\d+)
    (?:_(?P<eref>{_AA_RE})(?P<end>\d+))?
    (?P<rest>
        (?:delins|ins)(?P<ins>{_AAS_RE}|\d+)?
      | del(?:{_AAS_RE})?
      | dup
      | fs(?:\*?\d+|Ter\d+|\*\?|X\d*)?
      | (?:{_AA_RE})fs(?:\*?\d+|Ter\d+|X\d*)?
      | ext\S*
      | {_AA_RE}
      | =
    )?\)?$""",
    re.VERBOSE,
)
_CODON_PAIR_RE = re.compile(rf"(?:p\.)?{_AA_RE}(?P<a>\d+)\s*/\s*(?:p\.)?{_AA_RE}(?P<b>\d+)")
_CODON_RANGE_RE = re.compile(r"^codons?\s+(?P<start>\d+)\s*(?:[-_]|to)\s*(?P<end>\d+)$|^codon\s+(?P<one>\d+)$")
_EXON_RE = re.compile(r"^(?:exon|ex)\s*(?P<n>\d+)\s*(?P<kind>[a-z ]*?)(?:\s+variants?)?$", re.IGNORECASE)


def _aa(token: str) -> str:
    if token in AA3:
        return AA3[token]
    if token == "=":
        return token
    return token.upper()


def _aas(token: str) -> str:
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


_KEYWORDS_RE = re.compile(r"(DELINS|DEL|INS|DUP|FS|EXT)")
_AA3_ANYCASE_RE = re.compile("|".join(AA3), re.IGNORECASE)
_AA3_CANON = {k.lower(): k for k in AA3}


def _case_variants(t: str) -> list[str]:
    """Case-normalised spellings of a protein change written in lower or upper case."""
    prefix = "p." if t[:2].lower() == "p." else ""
    body = t[len(prefix) :]
    one = _KEYWORDS_RE.sub(lambda m: m[1].lower(), body.upper())
    three = _AA3_ANYCASE_RE.sub(lambda m: _AA3_CANON[m[0].lower()], body.lower())
    three = _KEYWORDS_RE.sub(lambda m: m[1].lower(), three.replace("delins", "DELINS"))
    return [prefix + one, prefix + three]


def parse_protein_change(text: str) -> ProteinChange | None:
    """Parse an HGVS protein change (1- or 3-letter, any letter case); ``None`` if it is not one."""
    t = text.strip()
    m = _PROT_RE.match(t)
    if not m and t:
        for variant in _case_variants(t):
            m = _PROT_RE.match(variant)
            if m:
                break
    if not m:
        return None
    ref = _aa(m["ref"])
    start = int(m["start"])
    end = int(m["end"]) if m["end"] else start
    eref = _aa(m["eref"]) if m["eref"] else ref
    rest = m["rest"] or ""
    if not rest:
        return None  # a bare codon (G12) is not a concrete change
    if rest.startswith("delins"):
        return ProteinChange(ref, start, end, eref, "delins", _aas(m["ins"] or ""))
    if rest.startswith("ins"):
        return ProteinChange(ref, start, end, eref, "ins", _aas(m["ins"] or ""))
    if rest.startswith("del"):
        return ProteinChange(ref, start, end, eref, "del")
    if rest == "dup":
        return ProteinChange(ref, start, end, eref, "dup")
    if "fs" in rest:
        return ProteinChange(ref, start, start, ref, "fs")
    if rest.startswith("ext"):
        return ProteinChange(ref, start, start, ref, "ext")
    alt = _aa(rest)
    if alt == "=" or alt == ref:
        return ProteinChange(ref, start, start, ref, "synonymous", ref)
    kind: Literal["missense", "nonsense"] = "nonsense" if alt == "*" else "missense"
    return ProteinChange(ref, start, start, ref, kind, alt)


def _bare_codon(text: str) -> tuple[str, int] | None:
    m = re.fullmatch(rf"(?:p\.)?({_AA3_RE}|{_AA1_RE})(\d+)", text.strip())
    if not m:
        return None
    return _aa(m[1]), int(m[2])


def _resolve(token: str, resolver: GeneResolver | None) -> str | None:
    if resolver is None:
        return token.upper() if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9.]*", token) else None
    return resolver(token)


def _split_fusion(token: str, resolver: GeneResolver | None) -> tuple[str, str] | None:
    for sep in ("::", "-", "/", "--"):
        if sep in token:
            parts = token.split(sep)
            if len(parts) == 2 and all(parts):
                a, b = _resolve(parts[0], resolver), _resolve(parts[1], resolver)
                if a and b and "::" not in a and "::" not in b:
                    return a, b
    return None


def parse_alteration(text: str, resolve_gene: GeneResolver | None = None) -> Alteration:
    """Parse one alteration string.

    Parameters
    ----------
    text
        The alteration as written, e.g. ``"EGFR p.Thr790Met"``.
    resolve_gene
        Maps a gene token (symbol or alias) to its HGNC symbol, or returns ``None``
        for an unknown gene. Without it, tokens are upper-cased and accepted.

    Raises
    ------
    AlterationSyntaxError
        When the text is empty, names an unknown gene, or the change cannot be read.
    """
    raw = " ".join(str(text).replace("\u2013", "-").split())
    if not raw:
        raise AlterationSyntaxError("empty alteration")
    low = raw.lower().rstrip(".")
    if low in _PHENOTYPE_LOOKUP:
        return Alteration(kind="phenotype", qualifier=_PHENOTYPE_LOOKUP[low], text=raw)

    # split the gene token from the change: "EGFR T790M", "EGFR:p.T790M", "EGFR:T790M"
    m = re.match(r"^(?P<gene>[^\s:]+(?:::[^\s:]+)?)(?:\s+|:(?!:))(?P<rest>.+)$", raw)
    gene_token, rest = (m["gene"], m["rest"].strip()) if m else (raw, "")

    upper = gene_token.upper()
    if upper in _ISOFORM_TOKENS:
        iso_gene, iso_name = _ISOFORM_TOKENS[upper]
        if rest and rest.lower() not in {"expression", "expressed", "positive", "overexpression"}:
            raise AlterationSyntaxError(f"cannot read {raw!r}: {iso_name} takes no change, only 'expression'")
        return Alteration(kind="isoform", gene=iso_gene, qualifier=iso_name, text=raw)

    # gene or fusion token
    fusion: tuple[str, str] | None = None
    gene = _resolve(gene_token, resolve_gene)
    isoform: str | None = None
    if gene is not None and "::" in gene:  # an alias such as BCR-ABL → BCR::ABL1
        p5, p3 = gene.split("::", 1)
        fusion = (p5, p3)
    elif gene is None or "::" in gene_token:
        iso_m = re.fullmatch(r"([A-Za-z0-9]+)-([Vv]\d+)", gene_token)
        if iso_m and _resolve(iso_m[1], resolve_gene):
            gene = _resolve(iso_m[1], resolve_gene)
            isoform = f"{gene}-{iso_m[2].upper()}"
        else:
            fusion = _split_fusion(gene_token, resolve_gene)
            if fusion is None:
                raise AlterationSyntaxError(f"unknown gene {gene_token!r} in alteration {raw!r}")

    rest_low = rest.lower()
    if isoform is not None:
        if rest_low and rest_low not in {"expression", "expressed", "positive", "overexpression"}:
            raise AlterationSyntaxError(f"cannot read {raw!r}: an isoform takes 'expression'")
        return Alteration(kind="isoform", gene=gene, qualifier=isoform, text=raw)

    if fusion is not None:
        p5, p3 = fusion
        if not rest_low or rest_low in {"fusion", "rearrangement", "translocation", "fusion positive"}:
            return Alteration(kind="fusion", gene=p3, partner5=p5, partner3=p3, text=raw)
        # a change inside a fusion: BCR-ABL1 T315I → ABL1 T315I in BCR::ABL1
        inner = parse_alteration(f"{p3} {rest}", resolve_gene)
        return Alteration(
            kind=inner.kind, gene=inner.gene, protein=inner.protein, codon_start=inner.codon_start,
            codon_end=inner.codon_end, codon_ref=inner.codon_ref, exon=inner.exon,
            exon_change=inner.exon_change, qualifier=inner.qualifier,
            fusion_context=f"{p5}::{p3}", text=raw,
        )  # fmt: skip

    assert gene is not None
    if not rest:
        raise AlterationSyntaxError(
            f"cannot read {raw!r}: give a change after the gene, e.g. '{gene} amplification' or a protein change"
        )
    if rest_low in _WORDS:
        kind, qual = _WORDS[rest_low]
        return Alteration(kind=kind, gene=gene, qualifier=qual, text=raw)
    iso_word = _ISOFORM_WORDS.get((gene, rest_low.removesuffix(" expression")))
    if iso_word is not None:
        return Alteration(kind="isoform", gene=gene, qualifier=iso_word, text=raw)
    pair = _CODON_PAIR_RE.fullmatch(rest)
    if pair and int(pair["b"]) == int(pair["a"]) + 1:  # "G12/G13": adjacent codons = a codon range
        return Alteration(kind="codon", gene=gene, codon_start=int(pair["a"]), codon_end=int(pair["b"]), text=raw)
    # "fusion" with a partner written after: "ALK fusion (EML4)" is not supported; keep simple
    pc = parse_protein_change(rest)
    if pc is not None:
        return Alteration(kind="protein", gene=gene, protein=pc, text=raw)
    bc = _bare_codon(rest)
    if bc is not None:
        return Alteration(kind="codon", gene=gene, codon_ref=bc[0], codon_start=bc[1], codon_end=bc[1], text=raw)
    cr = _CODON_RANGE_RE.match(rest_low)
    if cr:
        s = int(cr["start"] or cr["one"])
        e = int(cr["end"] or cr["one"])
        if e < s:
            raise AlterationSyntaxError(f"cannot read {raw!r}: codon range end before start")
        return Alteration(kind="codon", gene=gene, codon_start=s, codon_end=e, text=raw)
    ex = _EXON_RE.match(rest_low) or re.fullmatch(r"ex(?P<n>\d+)(?P<kind>del|ins|mut|skip)", rest_low)
    if ex:
        k = (ex["kind"] or "mutation").strip()
        if k not in _EXON_KIND:
            raise AlterationSyntaxError(
                f"cannot read {raw!r}: exon change must be deletion, insertion, mutation or skipping"
            )
        return Alteration(kind="exon", gene=gene, exon=int(ex["n"]), exon_change=_EXON_KIND[k], text=raw)
    raise AlterationSyntaxError(
        f"cannot read {raw!r}: expected a protein change (T790M, p.Thr790Met, E746_A750del), "
        "a codon (G12), 'exon N deletion|insertion|skipping', or a word such as amplification, "
        "loss, overexpression, fusion, mutation"
    )
