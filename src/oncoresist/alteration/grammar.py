"""Parsing alterations as clinicians, reports and databases write them.

One grammar serves the curated knowledge (fact alterations are *patterns*) and
tumour profiles (observed alterations). Examples that parse::

    EGFR T790M            EGFR p.Thr790Met       EGFR:p.T790M       BCR-ABL1 T315I
    EGFR E746_A750del     EGFR D770_N771insSVD   KRAS G12 (codon)   KIT codons 557-561
    EGFR exon 19 deletion EGFR ex19del / del19   EGFR ex20ins       MET exon 14 skipping   METex14
    EML4::ALK             EML4-ALK fusion        ALK fusion         ALK-rearranged
    MET amplification     PTEN loss              ABCB1 overexpression
    AR-V7 expression      p95HER2                MGMT promoter unmethylated  EGFRvIII
    KRAS G12/G13 (adjacent codons: a range)       FLT3 ITD / FLT3-ITD (not a fusion)
    BRCA1 reversion mutation  KRAS mutation      EGFR-mutant        NRAS activating mutation
    TP53 nonsense mutation    RB1 frameshift     NF1 splice site mutation   MET c.3028+1G>A   MET X1010_splice
    BRCA2 pathogenic variant  germline BRCA1 mutation   BRCA1 mutation (germline)   gBRCA2 mutation
    EGFR C797S in cis     EGFR C797S in trans with T790M   PTEN p.M1? (start loss)
    NKX2-1 amplification  H3-3A K27M  HLA-A loss  (hyphenated HGNC symbols: the gene vocabulary decides)
    small cell transformation  EMT
    EGFR c.2369C>T (p.T790M)  KRAS c.34G>T p.(Gly12Cys)  NM_005228.5(EGFR):c.2369C>T (p.Thr790Met)
    KRAS G12C (p.Gly12Cys)
    KRAS p.G12C (VAF 23%)  KRAS G12C, VAF: 0.23  MET amp, CN=8  ERBB2 amplification (CN 12)   (measures: measures.py)
    NM_005228.5:c.2369C>T p.(Thr790Met)  MET amplified (MET/CEP7 ratio 3.1)  HER2 mutation Y772_A775dup
    BRCA2 reversion (restores reading frame)  loss of BRCA1 promoter methylation  HER2-low (IHC 1+)
    EGFR C797S cis to T790M   (transcripts.py, report_qualifiers.py)

A cDNA change alone (``EGFR c.2369C>T``) is refused with the fix: give the protein change; only a splice-site
cDNA change (``MET c.3028+1G>A``) is read without one.

The result is an :class:`Alteration` with a canonical ``name`` (``EGFR T790M``,
``EGFR exon 19 deletion``, ``EML4::ALK``...) that parses back to the same
alteration. Gene symbols are resolved through an optional resolver (the
knowledge base's gene index: HER2 → ERBB2); without one, HGNC-like tokens are
upper-cased and accepted.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

from oncoresist.alteration.measures import split_measures, strip_assay_brackets
from oncoresist.alteration.model import Alteration, Kind, Origin, Phase, ProteinChange
from oncoresist.alteration.protein import AA1, AA3, bare_codon, parse_protein_change
from oncoresist.alteration.report_annotations import (
    bracketed_names,
    lineage_phenotype,
    loss_of_gene,
    restated_parts,
)
from oncoresist.alteration.report_confirming import read_annotated
from oncoresist.alteration.report_context import (
    CODELETION_1P19Q,
    assay_state,
    exon_prefixed,
    exon_splice,
    is_1p19q_codeletion,
    splice_context,
)
from oncoresist.alteration.report_qualifiers import (
    assay_qualified_state,
    break_apart_positive,
    demethylated_gene,
    her2_status_detail,
    is_reversion,
    mutation_then_change,
    phase_tail,
)
from oncoresist.alteration.report_terms import parse_cytogenetic, parse_gene_term, parse_her2_whole
from oncoresist.alteration.report_vocabulary import LEGACY_RESIDUES
from oncoresist.alteration.report_wordings import (
    TRAILING_ORIGIN_RES,
    biomarker_detail,
    cdna_frameshift,
    domain_prefixed,
    exon_range_isoform,
    fusion_breakpoint,
    is_assay_detail,
    strip_breakpoint_prefix,
    strip_itd_annotation,
)
from oncoresist.alteration.transcripts import check_transcript_gene, split_transcript_prefix
from oncoresist.alteration.vocabulary import (
    ALLELIC_CHANGE_WORDS,
    BIOMARKER_CUTOFFS,
    BIOMARKER_LOOKUP,
    EXON_KIND,
    EXON_TOKENS,
    HYPHEN_SUFFIXES,
    ISOFORM_ABSENT,
    ISOFORM_STATES,
    ISOFORM_TOKENS,
    ISOFORM_WORDS,
    NOT_ALTERATIONS,
    PHENOTYPE_LOOKUP,
    PHENOTYPES,
    WORDS,
    WORDS_EXTRA,
    change_word_key,
)
from oncoresist.errors import AlterationSyntaxError

__all__ = [
    "AA1", "AA3", "PHENOTYPES", "Alteration", "GeneResolver", "Kind", "ProteinChange",
    "parse_alteration", "parse_protein_change",
]  # fmt: skip

GeneResolver = Callable[[str], str | None]

_MAX_TEXT = 500  # longer input is not an alteration
_SHOW = 60  # characters of bad input echoed in a message

_AA1_RE = r"[ACDEFGHIKLMNPQRSTVWYU*X]"
_AA3_RE = "(?:" + "|".join(AA3) + ")"
_AA_RE = rf"(?:{_AA3_RE}|{_AA1_RE})"
_CODON_PAIR_RE = re.compile(rf"(?:p\.)?{_AA_RE}(?P<a>\d+)\s*/\s*(?:p\.)?{_AA_RE}(?P<b>\d+)")
_CODON_RANGE_RE = re.compile(
    r"^codons?\s+(?P<start>\d{1,6})\s*(?:[-_]|to)\s*(?P<end>\d{1,6})$|^codon\s+(?P<one>\d{1,6})$"
)
_EXON_RE = re.compile(r"^(?:exon|ex)\s*(?P<n>\d{1,3})\s*(?P<kind>[a-z ]*?)(?:\s+variants?)?$")
_EXON_SHORT_RE = re.compile(r"^(?:(?P<k1>del|ins|dup)\s*(?P<n1>\d{1,3})|(?P<n2>\d{1,3})\s*(?P<k2>del|ins|dup))$")
_SPLICE_CODON_RE = re.compile(r"^(?:p\.)?[X*]?(?P<codon>[1-9]\d{0,5})_splice$", re.IGNORECASE)
_CDNA_RE = re.compile(
    r"^c\.(?P<pos>[-*]?\d{1,6})(?P<off>[+-]\d{1,6})?"
    r"(?:_[-*]?\d{1,6}(?:[+-]\d{1,6})?)?"
    r"(?P<change>[ACGTacgt]>[ACGTacgt]|del[ACGTacgt]*|dup[ACGTacgt]*|ins[ACGTacgt]+|delins[ACGTacgt]+)$"
)
_ORIGIN_RES = (
    re.compile(r"^(?P<o>germline|somatic)\s+(?P<rest>.+)$", re.IGNORECASE),
    re.compile(r"^(?P<rest>.+?)\s+\((?P<o>germline|somatic)\)$", re.IGNORECASE),
    re.compile(r"^(?P<rest>\S+)\s+(?P<o>germline|somatic)(?:\s+(?P<tail>.+))?$", re.IGNORECASE),
    # in the middle of the change words: "BRCA2 deleterious germline mutation" (helper annot10p)
    re.compile(r"^(?P<rest>\S+\s+[a-z-]+(?:\s+[a-z-]+)?)\s+(?P<o>germline|somatic)\s+(?P<tail>\S.*)$", re.IGNORECASE),
)
_PHASE_RE = re.compile(r"^(?P<rest>.+?)\s+\(?(?:in\s+)?(?P<p>cis|trans)(?:\s+with\s+[^()]+)?\)?$", re.IGNORECASE)
#: a zygosity word after a change: "DPYD c.1905+1G>A heterozygous", "NUDT15 p.R139C (homozygous)"
_ZYGOSITY_RE = re.compile(r"^(?P<core>.+?)\s*[,(]?\s*(?:heterozygous|homozygous|het|hom)\s*\)?$", re.IGNORECASE)
_TRAILING_WORD_RE = re.compile(r"^(?P<core>.+?)\s+(?:mutation|mutant|mutated|variant|substitution)s?$", re.IGNORECASE)
_PAREN_CDNA_RE = re.compile(r"\s*\((?:c\.|g\.)[^()]*\)$")
#: a protein change as HGVS writes a predicted consequence: p.T790M, p.(Thr790Met), p.?
_P_RE = r"p\.(?:\([^()\s]*\)|[^()\s,;]+)"
#: a transcript before the change: "EGFR NM_005228.5:c.2369C>T", "EGFR (NM_005228.5) p.T790M"
_TRANSCRIPT_RE = re.compile(r"^\(?(?:NM|NP|NR|XM|XP|ENST|ENSP)_?\d+(?:\.\d+)?\)?\s*:?\s*(?=\S)", re.IGNORECASE)
#: ClinVar's form: "NM_005228.5(EGFR):c.2369C>T (p.Thr790Met)"
_CLINVAR_RE = re.compile(r"^(?:NM|NR|XM|ENST)_?\d+(?:\.\d+)?\((?P<gene>[A-Za-z0-9.\-]+)\):(?P<rest>.+)$", re.IGNORECASE)
#: a cDNA change with its protein change: "c.2369C>T (p.T790M)", "c.34G>T p.Gly12Cys", "c.2369C>T:p.(Thr790Met)"
_CDNA_PROTEIN_RE = re.compile(rf"^(?P<c>c\.[^\s():;,]+)\s*[:;,/]?\s*(?:\(\s*(?P<p1>{_P_RE})\s*\)|(?P<p2>{_P_RE}))$")
#: the reverse order without brackets: "p.T790M c.2369C>T", "p.T790M; c.2369C>T"
_PROTEIN_CDNA_RE = re.compile(rf"^(?P<p>{_P_RE})\s*[:;,/]?\s*(?P<c>c\.[^\s():;,]+)$")
#: a protein change repeated in another spelling: "G12C (p.Gly12Cys)"
_PROTEIN_PAIR_RE = re.compile(rf"^(?P<a>[^\s()]+)\s*\(\s*(?P<b>{_P_RE})\s*\)$")
#: a predicted consequence that names no change (the cDNA then stands alone)
_P_UNKNOWN = frozenset({"p.?", "p.(?)", "p.=", "p.(=)", "p.0", "p.(0)"})
_IHC_SCORE_RE = re.compile(
    r"\b(?:tps|cps|tap)\b|\bihc\b.*%|%.*\bihc\b"
    r"|\b(?:pd-?l1|cd274)\b.*\b(?:tc|ic)\s*(?:score\s*)?[:=]?\s*[<>≥≤]?=?\s*\d"  # PD-L1 TC 50% / IC 10% (cutoff10)
)
#: a star allele glued to its gene: UGT1A1*28, CYP2D6*4/*4
_STAR_GLUED_RE = re.compile(r"^(?P<gene>[A-Za-z][A-Za-z0-9]*?)(?P<star>\*\d{1,3}[A-Za-z]?(?:/\*\d{1,3}[A-Za-z]?)?)$")
_NO_RESOLVER_SYMBOL_RE = re.compile(r"^[A-Za-z][A-Za-z0-9.]*(?:-[A-Za-z0-9]{1,2})?$")


#: words after a fusion that say it was found: "BCR::ABL1 positive", "EML4-ALK detected" (the fusion, not expression)
_FUSION_PRESENT = frozenset({"positive", "detected", "present", "identified", "transcript detected"})


def _show(text: str) -> str:
    """``text`` for an error message: quoted, at most ~60 characters."""
    return repr(text if len(text) <= _SHOW else text[: _SHOW - 3] + "...")


def _resolve(token: str, resolver: GeneResolver | None) -> str | None:
    if not token or len(token) > 40:
        return None
    if resolver is None:
        return token.upper() if _NO_RESOLVER_SYMBOL_RE.fullmatch(token) else None
    return resolver(token)


def _split_fusion(token: str, resolver: GeneResolver | None) -> tuple[str, str] | None:
    for sep in ("::", "--", "-", "/"):
        if sep in token:
            parts = token.split(sep)
            if len(parts) == 2 and all(len(x) >= 2 and x[0].isalpha() for x in parts):
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
        When the text is empty, names an unknown gene, or the change cannot be read
        (the message quotes at most ~60 characters of the input).
    """
    raw = " ".join(str(text).replace("\u2013", "-").replace("\u2011", "-").replace("\u2014", "-").split())
    if not raw:
        raise AlterationSyntaxError("empty alteration")
    if len(raw) > _MAX_TEXT:
        raise AlterationSyntaxError(f"cannot read {_show(raw)}: an alteration is at most {_MAX_TEXT} characters")
    raw = raw.replace("\u03b1", "alpha").replace("\u03b2", "beta")  # "FRα high" -> FRalpha (an alias of FOLR1)
    try:
        return _parse_text(raw, resolve_gene)
    except AlterationSyntaxError as err:
        restated = _restated(raw, resolve_gene)
        if isinstance(restated, Alteration):
            return restated
        if "give one" in str(err):  # the grammar itself found two contrary readings: its message stands
            raise
        # a bracket or trailing words that confirm or describe the change (report_confirming.py, helper annot10r)
        annotated = read_annotated(raw, lambda t: _parse_text(t, resolve_gene), resolve_gene)
        if annotated is not None:
            return annotated
        if isinstance(restated, AlterationSyntaxError):
            raise restated from err
        raise


#: a bracket after an alteration, or a karyotype before a fusion (report_annotations.restated_parts)
def _restated(raw: str, resolve_gene: GeneResolver | None) -> Alteration | AlterationSyntaxError | None:
    """An alteration written twice, the second time in brackets or in another notation (``del(17p) (TP53
    deletion)``, ``HER2 IHC 1+ (HER2-low)``, ``t(4;11) KMT2A::AFF1``): the one alteration when both read as it,
    an error when they read as different ones, ``None`` when the text is not of this form or a part does not
    read."""
    parts = restated_parts(raw)
    if parts is None:
        return None
    first_text, second_text = parts
    try:
        first, second = _parse_text(first_text, resolve_gene), _parse_text(second_text, resolve_gene)
    except AlterationSyntaxError:
        return None
    if first == second or (first.kind == "cytogenetic" and second.kind == "fusion" and first_text[:1] in "ti"):
        return dataclasses.replace(second if first.kind == "cytogenetic" else first, text=raw)
    return AlterationSyntaxError(
        f"cannot read {_show(raw)}: {first_text!r} reads as {first.name} but {second_text!r} as {second.name}; give one"
    )


def _parse_text(raw: str, resolve_gene: GeneResolver | None) -> Alteration:
    low = raw.lower().rstrip(".")
    if low in PHENOTYPE_LOOKUP:
        return Alteration(kind="phenotype", qualifier=PHENOTYPE_LOOKUP[low], text=raw)
    lineage = lineage_phenotype(low)  # "transformed to SCLC" (report_annotations.py)
    if lineage is not None:
        return Alteration(kind="phenotype", qualifier=lineage, text=raw)
    biomarker = _parse_biomarker(low, raw)
    if biomarker is not None:
        return biomarker
    if is_1p19q_codeletion(low):  # a whole-arm codeletion, not a gene (report_context.py)
        return Alteration(kind="cytogenetic", qualifier=CODELETION_1P19Q, text=raw)
    whole = (
        parse_cytogenetic(low, raw) or parse_her2_whole(low, raw, resolve_gene) or _her2_detail(low, raw, resolve_gene)
    )
    if whole is not None:
        return whole
    # an IHC score ends in a percentage that is no allele fraction: "PD-L1 TPS 60%"
    if _IHC_SCORE_RE.search(low):  # the score's own percentage is no allele fraction; an assay bracket is dropped
        body, measures = strip_assay_brackets(raw), split_measures("")[1]
    else:
        body, measures = split_measures(raw)
    if body != raw and (cyto := parse_cytogenetic(body.lower().rstrip("."), raw)) is not None:
        return cyto  # "17p deletion (FISH 40% of nuclei)": the karyotype finding without the assay's count
    if measures.expression_assay and re.search(r"[\s-]negative$", body, re.IGNORECASE):
        body += " by IHC"  # "PTEN negative (IHC)": the assay the bracket named says what "negative" means
    clinvar = _CLINVAR_RE.match(body)
    if clinvar:
        body = f"{clinvar['gene']} {clinvar['rest']}"
    transcript = split_transcript_prefix(body)  # "NM_005228.5:c.2369C>T p.(Thr790Met)": the gene of the transcript
    if transcript is not None:
        body = f"{transcript[0]} {transcript[1]}"
    body = _PAREN_CDNA_RE.sub("", body) if not body.lower().startswith("c.") else body
    body = strip_itd_annotation(body)  # "FLT3-ITD (allelic ratio 0.6)" (report_wordings.py)

    body = bracketed_names(body, resolve_gene)  # "HER2 (ERBB2) amplification", "ALK fusion (EML4)"
    body = loss_of_gene(body, resolve_gene) or body  # "loss of B2M expression (IHC)" (report_annotations.py)

    origin: Origin | None = "germline" if measures.origin == "germline" else None
    if measures.origin == "somatic":
        origin = "somatic"
    for rx in (*_ORIGIN_RES, *TRAILING_ORIGIN_RES):
        m = rx.match(body)
        if m:
            origin = "germline" if m["o"].lower() == "germline" else "somatic"
            tail = m.groupdict().get("tail")
            body = f"{m['rest']} {tail}" if tail else m["rest"]
            break
    phase: Phase | None = None
    m = _PHASE_RE.match(body)
    if m and " " in m["rest"]:
        phase = "cis" if m["p"].lower() == "cis" else "trans"
        body = m["rest"].rstrip(" ,;")  # "EGFR C797S, in cis"
    elif (worded_phase := phase_tail(body)) is not None:  # "C797S cis to T790M", "(cis configuration)"
        body, phase = worded_phase[0], "cis" if worded_phase[1] == "cis" else "trans"
    demethylated = demethylated_gene(body)
    if demethylated is not None and _resolve(demethylated, resolve_gene):  # "loss of BRCA1 promoter methylation"
        gene = _resolve(demethylated, resolve_gene)
        return Alteration(kind="methylation", gene=gene, qualifier="demethylated", origin=origin, text=raw)

    alt = _parse_core(body, raw, resolve_gene, origin)
    if alt.kind == "phenotype" and (origin or phase):
        raise AlterationSyntaxError(f"cannot read {_show(raw)}: a phenotype has no germline/somatic origin or phase")
    if measures.vaf is not None or measures.copy_number is not None or measures.ratio is not None:
        alt = dataclasses.replace(
            alt, vaf=measures.vaf, copy_number=measures.copy_number, ratio=measures.ratio or alt.ratio, text=raw
        )
    if measures.classification is not None and alt.kind == "mutation" and alt.qualifier is None:
        alt = dataclasses.replace(alt, qualifier="pathogenic", text=raw)  # "BRCA1 mutation (pathogenic)"
    if measures.allelic is not None or measures.clonality is not None:
        alt = dataclasses.replace(
            alt, allelic=measures.allelic or alt.allelic, clonality=measures.clonality or alt.clonality, text=raw
        )
    if origin is None and alt.origin is None and phase is None:
        return alt
    return dataclasses.replace(alt, origin=origin or alt.origin, phase=phase, text=raw)


_BIOMARKER_VALUE_RES = (
    (
        "TMB",
        re.compile(
            r"^(?:tmb|tumou?r mutation(?:al)? burden)(?:\s*\((?:tmb)\))?\s*(?:[:=]|of|≥|>=)?\s*"
            r"(?P<v>\d{1,4}(?:\.\d{1,3})?)\s*(?:mut(?:ation)?s?\s*(?:/|per)\s*(?:mb|megabase)|muts?/mb|/mb|mb)?$"
        ),
    ),
    (
        "HRD",
        re.compile(
            r"^(?:hrd|gis|genomic instability|genomic instability score|myriad gis|hrd)(?:\s+score)?\s*(?:[:=]|of)?\s*"
            r"(?P<v>\d{1,3})$"
        ),
    ),
    (
        "LOH",
        re.compile(
            r"^(?:genomic\s+)?(?:loh|loss of heterozygosity)(?:\s+score)?\s*(?:[:=]|of|≥|>=)?\s*"
            r"(?P<v>\d{1,3}(?:\.\d{1,3})?)\s*%$"
        ),
    ),
)
_BIOMARKER_TAIL_RE = re.compile(r"\s+(?:status|positive|tumou?r|phenotype)$")


def _parse_biomarker(low: str, raw: str) -> Alteration | None:
    """A genome-level biomarker: ``MSI-H``, ``dMMR``, ``TMB-H``, ``TMB 12 mut/Mb``, ``HRD-positive``, ``LOH 21%``."""
    text = low
    for candidate in (text, _BIOMARKER_TAIL_RE.sub("", text)):
        if candidate in BIOMARKER_LOOKUP:
            return Alteration(kind="biomarker", qualifier=BIOMARKER_LOOKUP[candidate], text=raw)
    for stem, rx in _BIOMARKER_VALUE_RES:
        m = rx.match(text)
        if m:
            high, low_name, cut = BIOMARKER_CUTOFFS[stem]
            value = float(m["v"])
            return Alteration(kind="biomarker", qualifier=high if value >= cut else low_name, value=value, text=raw)
    return _biomarker_with_detail(text, raw)


def _biomarker_with_detail(low: str, raw: str) -> Alteration | None:
    """``TMB-H (14 mut/Mb)``, ``MSI-H (by PCR)``, ``dMMR (MLH1/PMS2 loss)``: a biomarker name with its value or assay
    in brackets (report_wordings.py). A value that contradicts the name is an error."""
    parts = biomarker_detail(low)
    if parts is None:
        return None
    name, detail = parts
    named = _parse_biomarker(name, raw) if name != low else None
    if named is None or named.qualifier is None:
        return None
    if is_assay_detail(detail) or BIOMARKER_LOOKUP.get(detail) == named.qualifier:
        return named
    stem = named.qualifier.split("-")[0]
    valued = _parse_biomarker(f"{stem.lower()} {detail}", raw) if stem in BIOMARKER_CUTOFFS else None
    if valued is None:
        return None
    if valued.qualifier != named.qualifier:
        raise AlterationSyntaxError(
            f"cannot read {_show(raw)}: the name says {named.qualifier} but {detail!r} says "
            f"{valued.qualifier}; give one"
        )
    return valued if named.value is None else named


def _gene_and_rest(body: str) -> tuple[str, str]:
    # split the gene token from the change: "EGFR T790M", "EGFR:p.T790M", "EGFR:T790M"
    m = re.match(r"^(?P<gene>[^\s:]+(?:::[^\s:]+)?)(?:\s+|:(?!:))(?P<rest>.+)$", body)
    return (m["gene"], m["rest"].strip()) if m else (body, "")


def _isoform_rest_error(raw: str, rest: str, default: str) -> str:
    """The error for words after an isoform that are no state of it; an absence ("AR-V7 negative") says so."""
    if rest.lower().strip(" :-.") in ISOFORM_ABSENT:
        return f"cannot read {_show(raw)}: it states the isoform is absent, which is no alteration; leave it out"
    return f"cannot read {_show(raw)}: {default}"


def _parse_core(body: str, raw: str, resolve_gene: GeneResolver | None, origin: Origin | None) -> Alteration:
    gene_token, rest = _gene_and_rest(body)
    glued = _STAR_GLUED_RE.match(gene_token)
    if glued and _resolve(glued["gene"], resolve_gene):
        return _parse_core(f"{glued['gene']} {glued['star']} {rest}".strip(), raw, resolve_gene, origin)
    upper = gene_token.upper()
    if upper in ISOFORM_TOKENS:
        iso_gene, iso_name = ISOFORM_TOKENS[upper]
        if rest and rest.lower() not in ISOFORM_STATES:
            raise AlterationSyntaxError(
                _isoform_rest_error(raw, rest, f"{iso_name} takes no change, only 'expression'")
            )
        return Alteration(kind="isoform", gene=iso_gene, qualifier=iso_name, text=raw)
    if upper in EXON_TOKENS and not rest:
        g, n, change = EXON_TOKENS[upper]
        return Alteration(kind="exon", gene=_resolve(g, resolve_gene) or g, exon=n, exon_change=change, text=raw)
    if upper in EXON_TOKENS and rest.lower() in ("skipping", "skipping mutation", "alteration", "mutation"):
        g, n, change = EXON_TOKENS[upper]
        return Alteration(kind="exon", gene=_resolve(g, resolve_gene) or g, exon=n, exon_change=change, text=raw)

    # germline / somatic written as a one-letter prefix: gBRCA2, sBRCA1 (only where the token itself is no known gene)
    if origin is None and len(gene_token) > 2 and gene_token[0] in "gs" and gene_token[1].isupper():
        whole = resolve_gene(gene_token) if resolve_gene is not None else None
        if whole in (None, gene_token.upper()) and _resolve(gene_token[1:], resolve_gene) is not None:
            prefixed: Origin = "germline" if gene_token[0] == "g" else "somatic"
            alt = _parse_core(f"{gene_token[1:]} {rest}".strip(), raw, resolve_gene, prefixed)
            return dataclasses.replace(alt, origin=prefixed)

    fusion: tuple[str, str] | None = None
    gene: str | None = None
    iso_m = re.fullmatch(r"([A-Za-z0-9]+)-([Vv]\d{1,2})", gene_token)
    if iso_m and _resolve(iso_m[1], resolve_gene):
        gene = _resolve(iso_m[1], resolve_gene)
        if rest and rest.lower() not in ISOFORM_STATES:
            raise AlterationSyntaxError(_isoform_rest_error(raw, rest, "an isoform takes 'expression'"))
        return Alteration(kind="isoform", gene=gene, qualifier=f"{gene}-{iso_m[2].upper()}", text=raw)

    if "::" not in gene_token:
        gene = _resolve(gene_token, resolve_gene)
    if gene is None:
        suffix = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9.\-]*?)[-/]([A-Za-z]+)", gene_token)
        if suffix and suffix[2].lower() in HYPHEN_SUFFIXES and _resolve(suffix[1], resolve_gene):
            return _parse_core(f"{suffix[1]} {suffix[2].lower()} {rest}".strip(), raw, resolve_gene, origin)
    if gene is not None and "::" in gene:  # an alias such as BCR-ABL → BCR::ABL1
        p5, p3 = gene.split("::", 1)
        fusion = (p5, p3)
    elif gene is None:
        fusion = _split_fusion(gene_token, resolve_gene)
        if fusion is not None and "/" in gene_token and is_reversion(rest):  # "BRCA1/BRCA2 reversion": no fusion
            raise AlterationSyntaxError(
                f"cannot read {_show(raw)}: {gene_token!r} names two genes; write the reversion of each gene found "
                f"('{fusion[0]} reversion mutation', '{fusion[1]} reversion mutation')"
            )
        if fusion is None:
            if not rest and gene_token.lower() in WORDS:
                raise AlterationSyntaxError(f"cannot read {_show(raw)}: name the gene, e.g. 'MET {gene_token.lower()}'")
            raise AlterationSyntaxError(f"unknown gene {_show(gene_token)} in alteration {_show(raw)}")

    rest_low = rest.lower()
    if fusion is not None:
        p5, p3 = fusion
        fusion_word = (rest_low in WORDS and WORDS[rest_low][0] == "fusion") or rest_low in _FUSION_PRESENT
        # "BCR::ABL1 (p210) fusion" (report_wordings.py), "EML4-ALK fusion (FISH positive)" (report_qualifiers.py)
        if not rest_low or fusion_word or fusion_breakpoint(rest) or assay_qualified_state(rest) == "fusion":
            return Alteration(kind="fusion", gene=p3, partner5=p5, partner3=p3, text=raw)
        # a change inside a fusion: BCR-ABL1 T315I → ABL1 T315I in BCR::ABL1, BCR-ABL1 (p210) T315I
        inner = _parse_change(p3, strip_breakpoint_prefix(rest), raw, origin)
        return dataclasses.replace(inner, fusion_context=f"{p5}::{p3}", text=raw)
    assert gene is not None
    return _parse_change(gene, rest, raw, origin)


def _parse_change(gene: str, rest: str, raw: str, origin: Origin | None) -> Alteration:
    rest_low = rest.lower()
    if not rest:
        if origin is not None:  # "germline BRCA1": a germline mutation of the gene
            return Alteration(kind="mutation", gene=gene, text=raw)
        raise AlterationSyntaxError(
            f"cannot read {_show(raw)}: give a change after the gene, e.g. '{gene} amplification' or a protein change"
        )
    if rest_low.startswith("promoter ") and len(rest) > 9:  # "TERT promoter c.-146C>T", "TERT promoter C228T"
        try:
            promoter = _parse_change(gene, rest[9:].strip(), raw, origin)
        except AlterationSyntaxError:
            promoter = None
        if promoter is not None and promoter.kind == "mutation" and promoter.qualifier == "promoter":
            return promoter
    term = parse_gene_term(gene, rest, raw)
    if term is not None:  # pharmacogenomic, IHC, promoter and named-splice wordings (report_terms.py)
        return dataclasses.replace(term, origin=term.origin or origin)
    if break_apart_positive(gene, rest):  # "ALK FISH positive": a break-apart assay reports a rearrangement
        return Alteration(kind="fusion", gene=gene, text=raw)
    in_context = _parse_in_context(gene, rest, raw, origin)
    if in_context is not None:
        return in_context
    worded = _parse_worded(gene, rest, raw, origin) or _parse_qualified(gene, rest, raw, origin)
    if worded is not None:
        return worded
    transcript = _TRANSCRIPT_RE.match(rest)
    if transcript:  # the transcript says which numbering; the change is read as given
        check_transcript_gene(gene, transcript[0].strip("(): "), raw)
        return _parse_change(gene, rest[transcript.end() :], raw, origin)
    cp = _CDNA_PROTEIN_RE.match(rest) or _PROTEIN_CDNA_RE.match(rest)
    if cp:  # a report's "c.2369C>T (p.T790M)": the protein change is what the knowledge names
        found = cp.groupdict()
        protein = found.get("p1") or found.get("p2") or found.get("p") or ""
        if not _CDNA_RE.match(cp["c"]) and not re.match(r"^c\.[-*]?\d", cp["c"]):
            raise AlterationSyntaxError(f"cannot read {_show(raw)}: {cp['c']!r} is not a coding (c.) change")
        if protein.replace(" ", "") in _P_UNKNOWN:
            return _parse_change(gene, cp["c"], raw, origin)
        return _parse_change(gene, protein, raw, origin)
    twin = _PROTEIN_PAIR_RE.match(rest)
    if twin and parse_protein_change(twin["a"]) is not None:
        first, second = parse_protein_change(twin["a"]), parse_protein_change(twin["b"])
        if second is not None and second != first:
            raise AlterationSyntaxError(
                f"cannot read {_show(raw)}: {twin['a']} and {twin['b']} are different protein changes; give one"
            )
        if second is not None:
            return _parse_change(gene, twin["a"], raw, origin)
    if rest_low.startswith("gene ") and len(rest) > 5:  # label wording: "NTRK1 gene fusion", "MET gene amplification"
        return _parse_change(gene, rest[5:].strip(), raw, origin)
    if rest_low in NOT_ALTERATIONS:
        raise AlterationSyntaxError(f"cannot read {_show(raw)}: '{rest}' describes no alteration; leave it out")
    allelic_word = ALLELIC_CHANGE_WORDS.get(change_word_key(rest_low))
    if allelic_word is not None:  # "PTEN homozygous deletion", "BRCA2 LOH", "RB1 two-hit" (vocabulary.py)
        return Alteration(kind=allelic_word[0], gene=gene, allelic=allelic_word[1], text=raw)
    word = WORDS.get(rest_low) or WORDS_EXTRA.get(rest_low) or WORDS.get(change_word_key(rest_low))
    word = word or WORDS_EXTRA.get(change_word_key(rest_low))
    if word is not None:
        kind, qual = word
        return Alteration(kind=kind, gene=gene, qualifier=qual, text=raw)
    iso_word = ISOFORM_WORDS.get((gene, rest_low.removesuffix(" expression")))
    if iso_word is not None:
        return Alteration(kind="isoform", gene=gene, qualifier=iso_word, text=raw)
    sc = _SPLICE_CODON_RE.match(rest)
    if sc:
        return Alteration(kind="mutation", gene=gene, qualifier="splice", codon_start=int(sc["codon"]), text=raw)
    cd = _CDNA_RE.match(rest)
    if cd:
        off = cd["off"]
        frameshift = cdna_frameshift(rest) if off is None else None
        if frameshift is not None:  # "BRCA1 c.68_69delAG": an exonic indel of 2 nt shifts the frame
            return Alteration(kind="mutation", gene=gene, qualifier="frameshift", hgvs_c=frameshift, text=raw)
        if off is None:
            raise AlterationSyntaxError(
                f"cannot read {_show(raw)}: a coding (c.) change needs its transcript to be read; "
                "give the protein change (p.), e.g. 'EGFR p.T790M'"
            )
        canonical = abs(int(off)) <= 2 and not cd["pos"].startswith(("-", "*"))
        hgvs_c = "c." + rest[2:].replace("a", "A").replace("c", "C").replace("g", "G").replace("t", "T")
        hgvs_c = re.sub(r"(DELINS|DEL|DUP|INS)", lambda x: x[1].lower(), hgvs_c)
        return Alteration(
            kind="mutation", gene=gene, qualifier="splice" if canonical else "splice_region", hgvs_c=hgvs_c, text=raw
        )
    pair = _CODON_PAIR_RE.fullmatch(rest)
    if pair and int(pair["b"]) == int(pair["a"]) + 1:  # "G12/G13": adjacent codons = a codon range
        return Alteration(kind="codon", gene=gene, codon_start=int(pair["a"]), codon_end=int(pair["b"]), text=raw)
    pc = parse_protein_change(rest)
    legacy = LEGACY_RESIDUES.get(gene, {})
    if pc is not None:
        hgvs_pos = legacy.get((pc.ref, pc.start)) if pc.end == pc.start else None
        if hgvs_pos is not None:  # AR F876L (legacy numbering) is AR F877L (report_vocabulary.LEGACY_RESIDUES)
            pc = dataclasses.replace(pc, start=hgvs_pos, end=hgvs_pos)
        return Alteration(kind="protein", gene=gene, protein=pc, text=raw)
    bc = bare_codon(rest)
    if bc is not None:
        pos = legacy.get(bc, bc[1])
        return Alteration(kind="codon", gene=gene, codon_ref=bc[0], codon_start=pos, codon_end=pos, text=raw)
    cr = _CODON_RANGE_RE.match(rest_low)
    if cr:
        s = int(cr["start"] or cr["one"])
        e = int(cr["end"] or cr["one"])
        if e < s:
            raise AlterationSyntaxError(f"cannot read {_show(raw)}: codon range end before start")
        return Alteration(kind="codon", gene=gene, codon_start=s, codon_end=e, text=raw)
    ex = _EXON_RE.match(rest_low) or re.fullmatch(r"ex(?P<n>\d{1,3})(?P<kind>del|ins|mut|skip|dup)", rest_low)
    k = (ex["kind"] or "mutation").strip() if ex else ""
    if ex and k in EXON_KIND:
        return Alteration(kind="exon", gene=gene, exon=int(ex["n"]), exon_change=EXON_KIND[k], text=raw)
    short = _EXON_SHORT_RE.match(rest_low)
    if short:  # del19, 19del, ins20
        n = int(short["n1"] or short["n2"])
        return Alteration(kind="exon", gene=gene, exon=n, exon_change=EXON_KIND[short["k1"] or short["k2"]], text=raw)
    zyg = _ZYGOSITY_RE.match(rest)
    if zyg:  # "DPYD c.1905+1G>A heterozygous": the change; the zygosity is how many copies carry it
        try:
            inner = _parse_change(gene, zyg["core"], raw, origin)
        except AlterationSyntaxError:
            inner = None
        if inner is not None and inner.kind in ("protein", "mutation"):
            return inner
    tw = _TRAILING_WORD_RE.match(rest)
    if tw:  # "KRAS G12C mutation", "EGFR exon 19 deletion mutation"
        inner = _parse_change(gene, tw["core"], raw, origin)
        if inner.kind in ("protein", "codon", "exon"):
            return inner
    if ex:
        raise AlterationSyntaxError(
            f"cannot read {_show(raw)}: exon change must be deletion, insertion, mutation or skipping"
        )
    raise AlterationSyntaxError(
        f"cannot read {_show(raw)}: expected a protein change (T790M, p.Thr790Met, E746_A750del), "
        "a codon (G12), 'exon N deletion|insertion|skipping', or a word such as amplification, "
        "loss, overexpression, fusion, mutation"
    )


def _parse_in_context(gene: str, rest: str, raw: str, origin: Origin | None) -> Alteration | None:
    """A change written with its context (report_context.py): the exon before a protein change, the exon beside a
    splice site, the assay before a state. ``None`` when ``rest`` is none of these."""
    state = assay_state(gene, rest)
    if state is not None:
        return Alteration(kind=state, gene=gene, text=raw)  # type: ignore[arg-type]
    prefixed = exon_prefixed(rest)
    if prefixed is not None:
        try:
            inner = _parse_change(gene, prefixed.change, raw, origin)
        except AlterationSyntaxError:
            inner = None
        if inner is not None and inner.kind in ("protein", "codon"):
            return dataclasses.replace(inner, stated_exon=prefixed.exon, text=raw)
    splice = splice_context(gene, rest)
    if splice is not None:
        if splice.skipping:
            return Alteration(kind="exon", gene=gene, exon=splice.exon, exon_change="skipping", text=raw)
        return dataclasses.replace(_parse_change(gene, splice.cdna, raw, origin), text=raw)
    at_exon = exon_splice(gene, rest)
    if at_exon is not None:
        exon, skipping = at_exon
        if skipping:
            return Alteration(kind="exon", gene=gene, exon=exon, exon_change="skipping", text=raw)
        return Alteration(kind="mutation", gene=gene, qualifier="splice", text=raw)
    return None


def _parse_worded(gene: str, rest: str, raw: str, origin: Origin | None) -> Alteration | None:
    """A change in a set F report wording (report_wordings.py): a domain before the change (``FLT3 TKD D835Y``), a
    deleted exon range naming an isoform (``BRAF splice variant (exons 4-8 deleted)``). ``None`` when neither."""
    isoform = exon_range_isoform(gene, rest)
    if isoform is not None:
        return Alteration(kind="isoform", gene=gene, qualifier=isoform, text=raw)
    change = domain_prefixed(rest)
    if change is not None:
        try:
            inner = _parse_change(gene, change, raw, origin)
        except AlterationSyntaxError:
            return None
        return inner if inner.kind in ("protein", "codon") else None
    return None


def _parse_qualified(gene: str, rest: str, raw: str, origin: Origin | None) -> Alteration | None:
    """A change in a set G report wording (report_qualifiers.py): a state with its assay (``amplified (MET/CEP7 ratio
    3.1)``), a reversion with what it restores, the word "mutation" before the change. ``None`` when none."""
    state = assay_qualified_state(rest)
    if state is not None:
        return Alteration(kind=state, gene=gene, text=raw)  # type: ignore[arg-type]
    if is_reversion(rest) and rest.lower() not in WORDS:
        return Alteration(kind="mutation", gene=gene, qualifier="reversion", text=raw)
    change = mutation_then_change(rest)
    if change is not None:
        try:
            inner = _parse_change(gene, change, raw, origin)
        except AlterationSyntaxError:
            return None
        return inner if inner.kind in ("protein", "codon", "exon") else None
    return None


def _her2_detail(low: str, raw: str, resolve_gene: GeneResolver | None) -> Alteration | None:
    """``HER2-low (IHC 1+)``, ``HER2-positive (IHC 2+/ISH+)``: a HER2 status with its score. The score's reading is
    kept (ISH+ is amplification); a score that contradicts the status is an error."""
    parts = her2_status_detail(low)
    if parts is None:
        return None
    named, scored = parse_her2_whole(parts[0], raw, resolve_gene), parse_her2_whole(parts[1], raw, resolve_gene)
    if named is None or scored is None:
        return None
    positive = ("overexpression", "amplification")
    if (named.kind, named.qualifier) == (scored.kind, scored.qualifier) or (
        named.kind in positive and scored.kind in positive
    ):
        return scored
    raise AlterationSyntaxError(
        f"cannot read {_show(raw)}: the status says {named.name} but the score says {scored.name}; give one"
    )
