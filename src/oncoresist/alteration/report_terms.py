"""Report wordings that are not a gene followed by a change: cytogenetics, pharmacogenomics, IHC scores.

Each reader takes the whole text (``low`` is it in lower case, ``raw`` as written) and returns an
:class:`Alteration`, or ``None`` when the text is not of its kind; the grammar tries them before the
gene/change split, so that ``del(17p)`` or ``HER2-low`` is never read as an unknown gene or a fusion::

    del(17p)  17p deletion  t(9;22)(q34;q11)  inv(16)  +8  trisomy 8  -7/del(7q)  del(5q)  1q gain  complex karyotype
    CYP2D6 poor metabolizer   DPYD *2A   UGT1A1*28 homozygous   CYP2C19 *2/*3
    HER2-low  HER2 IHC 1+  HER2 IHC 2+/ISH-negative  HER2-ultralow  HER2 IHC 3+  PD-L1 TPS 60%  PD-L1 CPS 10
    TERT promoter mutation    TERT c.-124C>T    TERT C228T    BRAF V600E splice variant    BRAF p61 splice variant

The tables (which finding stands for which gene-level alteration, which phenotype is a loss of function) are
data with their sources in :mod:`oncoresist.alteration.report_vocabulary`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

from oncoresist.alteration.model import Alteration
from oncoresist.alteration.report_vocabulary import (
    CYTOGENETIC_FINDINGS,
    CYTOGENETIC_TO_GENE,
    DEFICIENCY_WORDS,
    HER2_STATES,
    METABOLIZER_PHENOTYPES,
    NAMED_SPLICE_ISOFORMS,
    PDL1_SCORES,
    PROMOTER_HOTSPOTS,
)
from oncoresist.errors import AlterationSyntaxError

GeneResolver = Callable[[str], str | None]

_ARM = r"(?P<chr>[1-9]|1\d|2[0-2]|x|y)(?P<arm>[pq])(?P<band>\d{1,2}(?:\.\d{1,2})?)?"
_ARM_FORMS = (
    (re.compile(rf"^del\s*\(\s*{_ARM}\s*\)$"), "del"),
    (re.compile(r"^del\s*\(\s*(?P<chr>[1-9]|1\d|2[0-2]|x|y)\s*\)\s*\(\s*(?P<arm>[pq])[\d.]*\s*\)$"), "del"),
    (re.compile(rf"^(?:del(?:etion)?|loss(?: of)?)\s+{_ARM}$"), "del"),
    (re.compile(rf"^{_ARM}\s*(?:deletion|del|loss|-|deleted)$"), "del"),
    (re.compile(rf"^(?:gain|amp|dup|amplification)\s*\(\s*{_ARM}\s*\)$"), "gain"),
    (re.compile(rf"^(?:gain(?: of)?|amp(?:lification)?(?: of)?|\+)\s*{_ARM}$"), "gain"),
    (re.compile(rf"^{_ARM}\s*(?:gain|amplification|amp|\+|duplication)$"), "gain"),
    (re.compile(rf"^i\s*\(\s*{_ARM}\s*\)$"), "i"),
)
_CHR = r"(?:[1-9]|1\d|2[0-2]|x|y)"
_TRANSLOC_RE = re.compile(
    rf"^(?P<op>t|inv|ins|der)\s*\(\s*(?P<chrs>{_CHR}(?:\s*;\s*{_CHR})*)\s*\)(?:\s*\(\s*[pq\d.;\s]+\))?$"
)
_NUMERIC_RE = re.compile(rf"^(?P<sign>[+-])\s*(?P<chr>{_CHR})$|^(?P<word>trisomy|monosomy)\s+(?P<chr2>{_CHR})$")
_STAR_RE = re.compile(
    r"^(?P<a>\*\d{1,3}[a-z]?)(?:\s*/\s*(?P<b>\*\d{1,3}[a-z]?))?(?:\s+(?P<z>homozygous|heterozygous|hom|het))?$"
)
_PDL1_RE = re.compile(
    r"^(?:ihc\s+)?(?:22c3\s+|sp263\s+|sp142\s+|28-8\s+)?(?P<score>tps|cps|tc|ic|tap)\s*(?:score\s*)?(?:[:=]|of)?\s*"
    r"(?P<cmp>[<>≥≤]=?\s*)?(?P<v>\d{1,3}(?:\.\d{1,2})?)\s*%?$"
)
_HER2_IHC_RE = re.compile(
    r"^(?:ihc\s*)?(?P<score>0|1\+|2\+|3\+)(?:\s*(?:by\s+)?ihc)?(?:\s*[/,]?\s*(?:ish|fish|sish|cish)[\s-]*"
    r"(?P<ish>negative|positive|not amplified|non-amplified|amplified|[-+]))?$"
)
_PROMOTER_WORDS = (
    "promoter mutation",
    "promoter mutant",
    "promoter mutated",
    "promoter variant",
    "promoter hotspot mutation",
)
_CDNA_UPSTREAM_RE = re.compile(r"^c\.-(?P<pos>\d{1,6})(?P<ref>[acgt])>(?P<alt>[acgt])$")


def _show(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _cyto_one(part: str) -> str | None:
    """The canonical ISCN-style form of one cytogenetic finding, or ``None``."""
    p = " ".join(part.split())
    if p in CYTOGENETIC_FINDINGS:
        return CYTOGENETIC_FINDINGS[p]
    for rx, op in _ARM_FORMS:
        m = rx.match(p)
        if m:
            chrom, arm = m["chr"].upper(), m["arm"]
            return f"{op}({chrom}{arm})" if op != "gain" else f"gain({chrom}{arm})"
    m = _TRANSLOC_RE.match(p)
    if m:
        chrs = ";".join(c.strip().upper() for c in m["chrs"].split(";"))
        if m["op"] == "t" and ";" not in chrs:
            return None
        return f"{m['op']}({chrs})"
    m = _NUMERIC_RE.match(p)
    if m:
        sign = m["sign"] or ("+" if m["word"] == "trisomy" else "-")
        return f"{sign}{(m['chr'] or m['chr2']).upper()}"
    return None


def parse_cytogenetic(low: str, raw: str) -> Alteration | None:
    """A karyotype finding: mapped to its gene-level alteration where one is standard, else ``kind="cytogenetic"``.

    Alternatives written with ``/`` or ``or`` (``-7/del(7q)``, ``inv(16) or t(16;16)``) are one finding.
    """
    text = re.sub(r"^(?:karyotype|cytogenetics?|fish)\s*[:=]?\s*", "", low.strip())
    text = re.sub(r"\s+(?:by fish|on fish|by karyotype|positive|detected|present)$", "", text)
    if text in CYTOGENETIC_FINDINGS:
        canon: str | None = CYTOGENETIC_FINDINGS[text]
    else:
        parts = [x for x in re.split(r"\s*(?:/|\bor\b)\s*(?![^()]*\))", text) if x]
        found = [_cyto_one(x) for x in parts]
        if not parts or any(f is None for f in found):
            return None
        canon = "/".join(dict.fromkeys(f for f in found if f is not None))
    assert canon is not None
    gene_level = CYTOGENETIC_TO_GENE.get(canon)
    if gene_level is not None:
        kind, p5, p3 = gene_level
        if kind == "fusion":
            return Alteration(kind="fusion", gene=p3, partner5=p5, partner3=p3, text=raw)
        return Alteration(kind="loss", gene=p3, text=raw)
    return Alteration(kind="cytogenetic", qualifier=canon, text=raw)


def parse_gene_term(gene: str, rest: str, raw: str) -> Alteration | None:
    """A gene with a pharmacogenomic, IHC, promoter or named-splice wording after it, or ``None``."""
    r = " ".join(rest.lower().split())
    if not r:
        return None
    phenotype = METABOLIZER_PHENOTYPES.get(r.replace("metaboliser", "metabolizer").removesuffix(" phenotype"))
    if phenotype is not None:
        if phenotype == "poor metabolizer":  # no functional activity (CPIC): a loss of function of the gene
            return Alteration(kind="loss", gene=gene, origin="germline", text=raw)
        return Alteration(kind="pharmacogenomic", gene=gene, qualifier=phenotype, text=raw)
    if r in DEFICIENCY_WORDS:
        return Alteration(kind="loss", gene=gene, text=raw)
    star = _STAR_RE.match(r)
    if star:
        a, b, z = star["a"].upper(), star["b"], star["z"]
        if b is None and z in ("homozygous", "hom"):
            b = a
        qual = f"{a}/{b.upper()}" if b else a
        return Alteration(kind="pharmacogenomic", gene=gene, qualifier=qual, text=raw)
    if gene == "ERBB2" or r.startswith(("ihc", "her2")):
        her2 = _her2_state(r) if gene == "ERBB2" else None
        if her2 is not None:
            return dataclasses.replace(her2, text=raw)
    pd = _PDL1_RE.match(r)
    if pd and gene == "CD274":
        score, value = PDL1_SCORES[pd["score"]], float(pd["v"])
        if pd["cmp"] and pd["cmp"][0] in "<≤":
            if value > 1:
                raise AlterationSyntaxError(
                    f"cannot read {_show(raw)}: an upper bound above 1 does not say whether PD-L1 is expressed; "
                    f"give the measured {score}, e.g. 'PD-L1 {score} 20%'"
                )
            value = 0.0  # "TPS <1%": not expressed
        return Alteration(kind="expression", gene=gene, qualifier=score, value=value, text=raw)
    if r in _PROMOTER_WORDS or r.removesuffix("s") in _PROMOTER_WORDS:
        return Alteration(kind="mutation", gene=gene, qualifier="promoter", text=raw)
    hot = PROMOTER_HOTSPOTS.get((gene, r.removesuffix(" mutation")))
    cd = _CDNA_UPSTREAM_RE.match(r)
    if hot is None and cd:
        hot = f"c.-{cd['pos']}{cd['ref'].upper()}>{cd['alt'].upper()}"
    if hot is not None:
        return Alteration(kind="mutation", gene=gene, qualifier="promoter", hgvs_c=hot, text=raw)
    iso = NAMED_SPLICE_ISOFORMS.get((gene, r.removesuffix(" expression")))
    if iso is not None:
        return Alteration(kind="isoform", gene=gene, qualifier=iso, text=raw)
    if r.endswith(("splice variant", "splice isoform", "splice variant expression")):
        raise AlterationSyntaxError(
            f"cannot read {_show(raw)}: no named splice isoform of {gene} is known; for a splice-site change give "
            f"'{gene} splice site mutation' or the cDNA change (c.N+1G>A)"
        )
    return None


def _her2_state(r: str) -> Alteration | None:
    state = HER2_STATES.get(r.removeprefix("her2").strip(" -"))
    if state is not None:
        return _her2(state)
    m = _HER2_IHC_RE.match(r.removeprefix("her2").strip())
    if not m:
        return None
    score, ish = m["score"], m["ish"]
    amplified = ish in ("+", "positive", "amplified")
    if score == "3+" or (score == "2+" and amplified):
        return _her2("overexpression" if score == "3+" else "amplification")
    if score == "2+" and ish is None:
        return Alteration(kind="expression", gene="ERBB2", qualifier="HER2 IHC 2+")
    if score in ("1+", "2+"):
        return _her2("HER2-low")
    return _her2("HER2-null")


def _her2(state: str) -> Alteration:
    if state in ("overexpression", "amplification"):
        return Alteration(kind=state, gene="ERBB2")  # type: ignore[arg-type]
    return Alteration(kind="expression", gene="ERBB2", qualifier=state)


def parse_her2_whole(low: str, raw: str, resolve_gene: GeneResolver | None) -> Alteration | None:
    """``HER2-low``, ``HER2-ultralow``, ``HER2 IHC 1+``, ``HER2 2+/ISH-`` written as one term (never a fusion)."""
    m = re.match(r"^(?P<g>her2|erbb2|her-2|her2/neu)(?P<sep>[\s\-:]+)(?P<rest>.+)$", low)
    if not m:
        return None
    rest = m["rest"].strip()
    state = HER2_STATES.get(rest)
    alt = _her2(state) if state is not None else _her2_state(rest)
    if alt is None:
        return None
    gene = resolve_gene(m["g"]) if resolve_gene is not None else "ERBB2"
    if gene not in (None, "ERBB2"):
        return None
    return dataclasses.replace(alt, text=raw)
