"""Gene names that reports write in brackets beside an alteration (helper annot10p).

Reports name a gene twice, its alias in brackets, or name a fusion by the gene the assay targets with its partner in
brackets::

    HER2 (ERBB2) amplification    ERBB2 (HER2) L755S    BCMA (TNFRSF17) loss    ERBB2 L755S (HER2)
    ALK fusion (EML4)             ROS1 rearrangement (CD74)
    NRG1 fusion (CD74-NRG1)       RET rearrangement (KIF5B-RET)     FGFR2 fusion (FGFR2::BICC1)

:func:`bracketed_names` rewrites such a text to the one the grammar reads (``HER2 amplification``,
``CD74::NRG1 fusion``). A bracketed alias must resolve to the same gene as the name before it; a bracketed pair must
hold the gene named before it (else the text is left as written, and the grammar says what it cannot read). A lone
partner (``ALK fusion (EML4)``) says nothing of which gene is 5': the text is read as the gene's fusion
(``ALK fusion``, any partner), never given an orientation by a guess.

The other brackets a report writes after a change (allele fraction, copy number, specimen, assay, allelic state,
clonality, origin) are read by :func:`oncoresist.alteration.measures.split_measures`, before this.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from oncoresist.alteration.vocabulary import ALLELIC_CHANGE_WORDS, WORDS, WORDS_EXTRA, change_word_key

_SYMBOL = r"[A-Za-z][A-Za-z0-9.\-]*"
#: "HER2 (ERBB2) amplification": a gene, its alias in brackets, the change
#: (an alias may start with a digit: "TP53BP1 (53BP1) loss"; it must resolve to the same gene)
_LEAD_ALIAS_RE = re.compile(rf"^(?P<g>{_SYMBOL})\s*\(\s*(?P<a>[A-Za-z0-9][A-Za-z0-9.\-]*)\s*\)\s+(?P<rest>\S.*)$")
#: "ALK fusion (EML4)", "NRG1 fusion (CD74-NRG1)", "ERBB2 L755S (HER2)": a gene, a change, a bracket of names
_TAIL_RE = re.compile(rf"^(?P<g>{_SYMBOL})\s+(?P<rest>[^()]+?)\s*\(\s*(?P<inner>{_SYMBOL}(?:\s*::\s*{_SYMBOL})?)\s*\)$")
#: a gene symbol as a report prints it (upper case, digits): a partner, not a word such as "(positive)"
_PRINTED_SYMBOL_RE = re.compile(r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]{1,2})?$")
_FUSION_WORDS = frozenset(w for w, (kind, _) in WORDS.items() if kind == "fusion")


def _pair(inner: str, resolve: Callable[[str], str | None]) -> tuple[str, str] | None:
    """The two genes of ``"CD74-NRG1"`` / ``"FGFR2::BICC1"`` / ``"KIF5B/RET"``, else ``None``."""
    for sep in ("::", "--", "-", "/"):
        parts = [p.strip() for p in inner.split(sep)]
        if len(parts) == 2 and all(parts):
            a, b = resolve(parts[0]), resolve(parts[1])
            if a and b:
                return a, b
    return None


def bracketed_names(body: str, resolve: Callable[[str], str | None] | None) -> str:
    """``body`` with a bracketed alias or fusion partner read (see the module text); unchanged otherwise."""
    if resolve is None:
        return body
    m = _LEAD_ALIAS_RE.match(body)
    if m:
        gene, alias = resolve(m["g"]), resolve(m["a"])
        if m["a"].lower() in ("germline", "somatic"):  # "BRCA2 (germline) c.5946delT"
            body = f"{m['a'].lower()} {m['g']} {m['rest']}"
        elif gene is not None and gene == alias:
            body = f"{m['g']} {m['rest']}"
    m = _TAIL_RE.match(body)
    if not m:
        return body
    gene = resolve(m["g"])
    rest, inner = m["rest"].strip(), m["inner"].strip()
    if gene is None or "::" in gene:
        return body
    if resolve(inner) == gene:  # "ERBB2 L755S (HER2)": the alias again
        return f"{m['g']} {rest}"
    if rest.lower() not in _FUSION_WORDS:
        return body
    pair = _pair(inner, resolve)
    if pair is not None:  # the gene, or its family written as a prefix ("NTRK fusion (ETV6-NTRK3)")
        family = any(p.startswith(m["g"].upper()) and len(p) <= len(m["g"]) + 2 for p in pair)
        return f"{pair[0]}::{pair[1]} fusion" if gene in pair or family else body
    partner = resolve(inner)
    if partner is not None and partner != gene and _PRINTED_SYMBOL_RE.match(inner):
        return f"{m['g']} {rest}"  # the gene's fusion: a lone partner gives no orientation
    return body


#: the histology a lineage change ends in, as reports write it, and the phenotype each is
_LINEAGE_TARGETS: dict[str, str] = {
    "small cell": "small cell transformation", "small-cell": "small cell transformation",
    "sclc": "small cell transformation", "small cell lung cancer": "small cell transformation",
    "small-cell lung cancer": "small cell transformation", "small cell carcinoma": "small cell transformation",
    "small-cell carcinoma": "small cell transformation", "small cell lung carcinoma": "small cell transformation",
    "small cell histology": "small cell transformation",
    "neuroendocrine": "neuroendocrine transformation", "neuroendocrine carcinoma": "neuroendocrine transformation",
    "neuroendocrine prostate cancer": "neuroendocrine transformation", "nepc": "neuroendocrine transformation",
    "neuroendocrine histology": "neuroendocrine transformation",
    "squamous": "squamous transformation", "squamous cell": "squamous transformation",
    "squamous cell carcinoma": "squamous transformation", "scc": "squamous transformation",
    "squamous histology": "squamous transformation",
}  # fmt: skip
_TARGETS = "|".join(re.escape(t) for t in sorted(_LINEAGE_TARGETS, key=len, reverse=True))
_LINEAGE_RES = (
    # "transformed to SCLC", "histologic transformation to small cell", "transformation into squamous cell carcinoma"
    re.compile(
        rf"^(?:(?:histolog(?:ic|ical)|lineage|phenotypic)\s+)?(?:transformation|transformed|conversion|converted|"
        rf"switch)\s+(?:in)?to\s+(?:an?\s+)?(?P<t>{_TARGETS})(?:\s+(?:histology|phenotype|lineage))?$"
    ),
    # "small cell histologic transformation", "SCLC histological transformation", "squamous cell lineage transformation"
    re.compile(
        rf"^(?P<t>{_TARGETS})\s+(?:(?:histolog(?:ic|ical)|lineage|phenotypic)\s+)?(?:transformation|conversion)$"
    ),
    # "histologic transformation (small cell)", "histological transformation: SCLC"
    re.compile(
        rf"^(?:histolog(?:ic|ical)|lineage)\s+transformation\s*(?:\(\s*(?P<t1>{_TARGETS})\s*\)|[:,-]\s*(?P<t2>{_TARGETS}))$"
    ),
)


#: "neuroendocrine features (synaptophysin+)": a pathology report's neuroendocrine differentiation, with the markers
#: that show it (synaptophysin, chromogranin A, CD56, INSM1) (helper annot10r)
_NE_MARKER = r"(?:synaptophysin|syn|chromogranin(?:\s+a)?|cga|cd56|insm1)\s*(?:\+|positive|pos)?"
_NE_FEATURES_RE = re.compile(
    rf"^neuroendocrine\s+(?:features|differentiation|phenotype|morphology)(?:\s*\(\s*{_NE_MARKER}"
    rf"(?:\s*(?:,|/|and|;)\s*{_NE_MARKER})*\s*\))?$"
)


def lineage_phenotype(low: str) -> str | None:
    """The lineage phenotype a wording names (``transformed to SCLC`` → ``small cell transformation``), else
    ``None``. A transformation that names no histology (``histologic transformation``) is not read."""
    t = " ".join(low.split()).rstrip(".")
    if _NE_FEATURES_RE.match(t):
        return "neuroendocrine transformation"
    for rx in _LINEAGE_RES:
        m = rx.match(t)
        if m:
            target = next(v for k, v in m.groupdict().items() if v)
            return _LINEAGE_TARGETS[target]
    return None


#: "loss of B2M expression", "loss of PTEN protein expression", "loss of CD19", "absence of MLH1 staining"
_LOSS_OF_RE = re.compile(
    rf"^(?:loss|absence|lack)\s+of\s+(?P<g>{_SYMBOL})(?:\s+(?:protein\s+|surface\s+|antigen\s+)?"
    r"(?P<what>expression|staining))?(?:\s+(?:by|on)\s+(?:ihc|immunohistochemistry|flow(?:\s+cytometry)?))?$",
    re.IGNORECASE,
)


#: "<change word> of <gene>": "amplification of ERBB2", "copy number gain of MET", "homozygous deletion of CDKN2A"
_WORD_OF_RE = re.compile(rf"^(?P<w>[A-Za-z][A-Za-z -]*?)\s+of\s+(?:the\s+)?(?P<g>{_SYMBOL})(?:\s+gene)?$", re.I)


def loss_of_gene(body: str, resolve: Callable[[str], str | None] | None) -> str | None:
    """``"B2M loss"`` for ``"loss of B2M expression"`` (the gene's expression lost, as the grammar reads
    ``"B2M loss"``), ``"ERBB2 amplification"`` for ``"amplification of ERBB2"``, else ``None``; the gene must
    resolve and the words before "of" must be a change word of the grammar."""
    text = " ".join(body.split())
    m = _LOSS_OF_RE.match(text)
    if m is not None and resolve is not None and resolve(m["g"]) is not None:
        return f"{m['g']} loss"
    m = _WORD_OF_RE.match(text)
    if m is None or resolve is None or resolve(m["g"]) is None:
        return None
    word = change_word_key(m["w"].lower())
    if word in WORDS or word in WORDS_EXTRA or word in ALLELIC_CHANGE_WORDS:
        return f"{m['g']} {m['w']}"
    return None


#: "del(17p) (TP53 deletion)", "HER2 IHC 1+ (HER2-low)", "KMT2A::AFF1 (t(4;11))": an alteration, then in brackets
_RESTATED_BRACKET_RE = re.compile(r"^(?P<a>.+?\S)\s*\(\s*(?P<b>[^()]*(?:\([^()]*\)[^()]*)*)\s*\)$")
#: "t(4;11) KMT2A::AFF1", "t(4;11)(q21;q23) KMT2A-AFF1", "inv(16) CBFB::MYH11": a karyotype, then the fusion it makes
_KARYOTYPE_FIRST_RE = re.compile(r"^(?P<a>(?:t|inv|ins|der)\([^()]+\)(?:\([^()]+\))?)\s*[,:;-]?\s+(?P<b>\S.*)$", re.I)


def restated_parts(raw: str) -> tuple[str, str] | None:
    """The two notations of an alteration written twice (see ``grammar._restated``), else ``None``."""
    m = _KARYOTYPE_FIRST_RE.match(raw)
    if m:
        return m["a"], m["b"].strip(" ()")
    m = _RESTATED_BRACKET_RE.match(raw)
    if m and m["b"].strip():
        return m["a"], m["b"].strip()
    return None
