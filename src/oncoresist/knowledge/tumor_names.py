"""Tumour names as a clinician types them: abbreviations, and the qualifiers around the tumour type.

Two pieces, both data-driven and used by :meth:`oncoresist.knowledge.index.Knowledge.tumor_candidates`:

* the abbreviation table (``data_vocabulary/tumor_abbreviations.yaml``): ``iCCA``, ``BTC``, ``mBC``, ``CRPC``,
  ``acute leukemia`` ... each with the OncoTree node(s) it names, what it says beyond the type (``TNBC``:
  ER-, PR- and HER2-negative) and its source;
* :func:`split_tumor_name`, which takes off the qualifiers that say how far a tumour has spread, which phase,
  stage or line it is in, or which receptor or biomarker subset it is (``ER+/HER2- breast cancer``,
  ``CML, chronic phase``, ``CML-BP``, ``MSI-H CRC``, ``2L NSCLC``, ``mCRC``) and returns the tumour words with
  the qualifiers named, so that a result can keep them: OncoTree has no node for a phase or a receptor status,
  but a reader of the result needs to see that the query was about one. Qualifiers that do name a node
  (``Ph+ ALL``: B-lymphoblastic leukaemia with BCR::ABL1) are in the abbreviation table.

Short words reports use for the histology are read as the full word (``lung adeno`` -> lung adenocarcinoma,
``breast ca`` -> breast carcinoma).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from oncoresist.errors import KnowledgeError
from oncoresist.knowledge._yaml import read_yaml_mapping, sourced_rows

ABBREVIATIONS_FILE = Path(__file__).parent / "data_vocabulary" / "tumor_abbreviations.yaml"


@dataclass(frozen=True)
class TumorAbbreviation:
    """An abbreviation, the OncoTree node(s) it names, the qualifiers it carries, and its source."""

    abbr: str
    codes: tuple[str, ...]
    source: str
    qualifiers: tuple[str, ...] = ()
    exact_case: bool = False


@lru_cache(maxsize=4)
def tumor_abbreviations(path: Path = ABBREVIATIONS_FILE) -> tuple[TumorAbbreviation, ...]:
    """The abbreviation table, read once.

    Raises
    ------
    KnowledgeError
        When the file cannot be read or an entry lacks ``abbr``, ``codes`` or ``source``.
    """
    what = "the tumour abbreviations"
    doc = read_yaml_mapping(path, what)
    rows = sourced_rows(path, doc, "abbreviations", required=("abbr", "codes"), what=what, label="abbr")
    out = []
    for i, e in enumerate(rows):
        codes = e["codes"]
        if not isinstance(codes, list):
            raise KnowledgeError(f"{path}: {what} row {i + 1} ({e['abbr']!r}): field 'codes' must be a list of codes")
        out.append(
            TumorAbbreviation(
                abbr=str(e["abbr"]), codes=tuple(str(c) for c in codes), source=str(e["source"]),
                qualifiers=tuple(str(q) for q in e.get("qualifiers") or ()), exact_case=bool(e.get("exact_case")),
            )
        )  # fmt: skip
    return tuple(out)


def abbreviation_key(text: str) -> str:
    """An abbreviation as looked up without regard to case: lower case, white space folded, unicode dashes as '-'."""
    return " ".join(_dashes(text).lower().split())


def _dashes(text: str) -> str:
    return text.replace("\u2212", "-").replace("\u2013", "-").replace("\u2011", "-").replace("\u2010", "-")


@dataclass(frozen=True)
class TumorName:
    """A tumour name split into the words that name the type and the qualifiers around them."""

    core: str
    qualifiers: tuple[str, ...] = ()


_SIGN = r"(?P<sign>\+|-|positive|negative|pos|neg|low|ultralow|high)"
_STATUS = {"+": "positive", "pos": "positive", "-": "negative", "neg": "negative"}
#: receptor groups as reports write them: ER+/PR+, ER/PR+, HR+/HER2-, HER2-low, ER-positive
_RECEPTOR_RE = re.compile(
    rf"(?<![\w-])(?P<names>(?:ER|PR|PgR|HR|HER2|ERBB2)(?:\s*/\s*(?:ER|PR|PgR|HR))?)\s*-?\s*{_SIGN}(?=[\s,/;)]|$)",
    re.IGNORECASE,
)
_TRIPLE_NEG_RE = re.compile(r"\btriple[\s-]*negative\b", re.IGNORECASE)
#: CML phases, written out or abbreviated next to CML
_PHASE_RE = re.compile(
    r"(?:,\s*|\s+)?\b(?:in\s+)?(?:(?:myeloid|lymphoid)\s+)?(?P<p>chronic|accelerated|blast(?:ic)?)\s+(?:phase|crisis)\b",
    re.IGNORECASE,
)
_PHASE_ABBR_RE = re.compile(
    r"(?:(?<=CML)[\s-]+(?P<a>CP|AP|BP|BC)\b|\b(?P<b>CP|AP|BP|BC)[\s-]+(?=CML\b))", re.IGNORECASE
)
_PHASES = {"chronic": "chronic phase", "accelerated": "accelerated phase", "blast": "blast phase",
           "blastic": "blast phase", "cp": "chronic phase", "ap": "accelerated phase", "bp": "blast phase",
           "bc": "blast phase"}  # fmt: skip
#: Philadelphia chromosome / BCR::ABL1 status
_PH_RE = re.compile(
    r"(?<![\w-])(?:ph(?:iladelphia)?(?:\s+chromosome)?|bcr[-:]*abl1?)(?:\s*|-)(?P<s>\+|-|positive|negative|like)(?=[\s,]|$)",
    re.IGNORECASE,
)
#: genome-level biomarker subsets: MSI-H CRC, dMMR endometrial cancer, TMB-high
_BIOMARKER_RE = re.compile(
    r"(?<![\w-])(?P<b>msi[\s-]*(?:h|high)|msi[\s-]*(?:l|low)|mss|dmmr|pmmr|tmb[\s-]*(?:h|high)|hrd[\s-]*(?:positive|\+)?"
    r"|mmr[\s-]*(?:deficient|proficient))(?=[\s,/]|$)",
    re.IGNORECASE,
)
_BIOMARKERS = {"msih": "MSI-H", "msihigh": "MSI-H", "msil": "MSI-L", "msilow": "MSI-L", "mss": "MSS",
               "dmmr": "dMMR", "pmmr": "pMMR", "tmbh": "TMB-H", "tmbhigh": "TMB-H", "hrd": "HRD-positive",
               "hrdpositive": "HRD-positive", "hrd+": "HRD-positive", "mmrdeficient": "dMMR",
               "mmrproficient": "pMMR"}  # fmt: skip
#: a gene-defined subset: "EGFR-mutant", "KRAS G12C-mutated", "ALK-rearranged", "NTRK fusion-positive"
#: (the words in any letter case, "EGFR-MUTANT NSCLC", "FGFR2 FUSION-POSITIVE CHOLANGIOCARCINOMA"; the gene in capitals)
_GENE_WORD_RE = re.compile(
    r"(?<![\w-])(?P<g>[A-Z][A-Z0-9]{1,9}(?:::[A-Z][A-Z0-9]{1,9}|(?:/[A-Z][A-Z0-9]{1,9})+)?)"  # KIT/PDGFRA wild-type
    r"(?P<v>\s+(?:p\.)?[A-Z]\d{1,4}[A-Z*]|\s+(?i:exon)\s+\d{1,2}\s+\w+)?"
    r"(?P<f>\s+(?i:fusion))?[\s-]+(?P<w>(?i:mutant|mutated|mutation|positive|rearranged|altered|amplified|deficient"
    r"|expressing|wild[\s-]*type))(?=[\s,]|$)"
)
#: a gene-defined subset written after the type and a comma: "melanoma, BRAF V600E", "GIST, KIT exon 11",
#: "iCCA, FGFR2 fusion"
_TRAILING_GENE_RE = re.compile(
    r",\s*(?P<g>[A-Z][A-Z0-9]{1,9}(?:::[A-Z][A-Z0-9]{1,9})?)(?P<v>\s+(?:p\.)?[A-Z]\d{1,4}[A-Z*]"
    r"|\s+(?i:exon)\s+\d{1,2}(?:\s+(?i:deletion|insertion|skipping|mutation))?"
    r"|\s+(?i:fusion|rearrangement|amplification|mutation)(?:[\s-]+(?i:positive))?)\s*$"
)
_SUBSET_WORDS_RE = re.compile(
    r"\b(?:exon|fusion|rearrangement|amplification|mutation|positive|deletion|insertion|skipping|mutant|mutated"
    r"|rearranged|altered|amplified|deficient|expressing|wild[\s-]*type)\b",
    re.IGNORECASE,
)
#: a variant named before the type without a word: "KRAS G12C NSCLC", "EGFR exon 19 deletion NSCLC"
_GENE_VARIANT_RE = re.compile(
    r"(?<![\w-])(?P<g>[A-Z][A-Z0-9]{1,9})(?P<v>\s+(?:p\.)?[A-Z]\d{1,4}[A-Z*]|\s+exon\s+\d{1,2}\s+(?:deletion|insertion|skipping))"
    r"(?=\s)"
)
#: cytogenetic subsets: del(17p), 17p deletion, del(5q), t(9;22)
_CYTO_RE = re.compile(
    r"(?:\bwith\s+)?(?<![\w-])(?P<c>del\s*\(?\s*(?:17p|5q|7q|11q|13q)\s*\)?|(?:17p|5q|11q|13q)\s*(?:deletion|del|-)"
    r"|deletion\s+(?:of\s+)?(?:17p|5q|11q|13q)|t\(\d{1,2};\d{1,2}\))(?=[\s,]|$)",
    re.IGNORECASE,
)
#: line of therapy: 2L, second-line, 1st line, later-line
_LINE_RE = re.compile(
    r"(?<![\w-])(?P<l>[1-5](?:st|nd|rd|th)?\s*L|(?:first|second|third|fourth|later|[1-5](?:st|nd|rd|th))[\s-]*line)"
    r"(?:\s+(?:setting|therapy|treatment))?(?=[\s,]|$)",
    re.IGNORECASE,
)
_LINE_WORDS = {"first": "1", "second": "2", "third": "3", "fourth": "4"}
#: stage and spread words (:func:`oncoresist.knowledge.oncotree.strip_clinical_qualifiers` strips the rest)
_SPREAD_RE = re.compile(
    r"(?<![\w-])(?P<s>locally\s+advanced\s+or\s+metastatic|locally\s+advanced|advanced\s+or\s+metastatic|metastatic"
    r"|advanced|unresectable|non[\s-]*metastatic|relapsed\s*(?:or|/)\s*refractory|r/r|relapsed|refractory|recurrent"
    r"|newly[\s-]+diagnosed|castration[\s-]+(?:resistant|sensitive)|hormone[\s-]+sensitive|platinum[\s-]+(?:resistant|sensitive)"
    r"|early[\s-]+stage|extensive[\s-]+stage|limited[\s-]+stage|stage\s+(?:iv|iii|ii|i|[1-4])[abc]?"
    r"|(?:radioactive[\s-]+iodine|radio[\s-]*iodine|rai)[\s-]+(?:refractory|resistant)"
    r"|(?:very[\s-]+)?(?:low|lower|high|higher|intermediate)[\s-]+risk)(?=[\s,]|$)",
    re.IGNORECASE,
)
#: a metastatic "m" (or non-metastatic "nm", locally advanced or metastatic "la/m") before an upper-case abbreviation
_M_PREFIX_RE = re.compile(r"^(?P<p>la/m|nm|m)(?P<rest>[A-Z][A-Za-z]*[A-Z][A-Za-z]*)$")
_M_PREFIXES = {"m": "metastatic", "nm": "non-metastatic", "la/m": "locally advanced or metastatic"}
#: short histology words: "lung adeno", "breast ca", "NSCLC adeno"
_SHORT_WORDS = {"adeno": "adenocarcinoma", "adenoca": "adenocarcinoma", "ca": "carcinoma", "ca.": "carcinoma",
                "scc": "squamous cell carcinoma", "sq": "squamous", "ac": "adenocarcinoma"}  # fmt: skip


def _receptors(m: re.Match[str]) -> list[str]:
    sign = m["sign"].lower()
    status = _STATUS.get(sign, sign)
    out = []
    for name in re.split(r"\s*/\s*", m["names"]):
        up = name.upper()
        up = {"PGR": "PR", "ERBB2": "HER2"}.get(up, up)
        out.append(f"{up}-{status}")
    return out


def split_tumor_name(text: str) -> TumorName:
    """The tumour words of ``text`` and its qualifiers, in a fixed spelling.

    ``"ER+/HER2- metastatic breast cancer"`` -> core ``"breast cancer"``, qualifiers
    ``("ER-positive", "HER2-negative", "metastatic")``; ``"CML, chronic phase"`` -> ``"CML"``,
    ``("chronic phase",)``; ``"lung adeno"`` -> ``"lung adenocarcinoma"``. A name without qualifiers comes
    back as it is. A metastatic prefix on an abbreviation is :func:`metastatic_prefix`'s.
    """
    t = " ".join(_dashes(text).split())
    quals: list[str] = []

    def take(rx: re.Pattern[str], name: Callable[[re.Match[str]], str | list[str]] | list[str]) -> None:
        nonlocal t
        out: list[str] = []
        for m in rx.finditer(t):
            got = name(m) if callable(name) else name
            out.extend(got if isinstance(got, list) else [got])
        if out:
            quals.extend(q for q in out if q not in quals)
            t = " ".join(rx.sub(" ", t).split())

    take(_TRIPLE_NEG_RE, ["ER-negative", "PR-negative", "HER2-negative"])
    take(_RECEPTOR_RE, _receptors)
    take(_PH_RE, lambda m: "Ph-" + {"+": "positive", "-": "negative"}.get(m["s"].lower(), m["s"].lower()))
    take(_PHASE_RE, lambda m: _PHASES[m["p"].lower()])
    take(_PHASE_ABBR_RE, lambda m: _PHASES[(m["a"] or m["b"]).lower()])
    take(_CYTO_RE, lambda m: _cyto(m["c"]))
    take(_GENE_WORD_RE, lambda m: _subset(f"{m['g']}{m['v'] or ''}{m['f'] or ''}") + f"-{_subset(m['w'])}")
    take(_GENE_VARIANT_RE, lambda m: " ".join(f"{m['g']}{m['v']}".split()))
    take(_TRAILING_GENE_RE, lambda m: _subset(f"{m['g']}{m['v']}"))
    take(_BIOMARKER_RE, lambda m: _BIOMARKERS.get(re.sub(r"[\s-]", "", m["b"].lower()), m["b"]))
    take(_LINE_RE, lambda m: _line(m["l"]))
    take(_SPREAD_RE, lambda m: " ".join(m["s"].lower().replace("r/r", "relapsed or refractory").split()))
    t = t.strip(" ,;/-")  # "CML - chronic phase": the dash left before a phase taken off
    words = t.split()
    if len(words) > 1 and any(w.lower() in _SHORT_WORDS for w in words):
        t = " ".join(_SHORT_WORDS.get(w.lower(), w) for w in words)
    return TumorName(core=t, qualifiers=tuple(quals))


def _subset(text: str) -> str:
    """A gene-defined subset in one spelling: white space folded, its words (exon, fusion, mutated ...) in lower
    case, so that ``FGFR2 FUSION-POSITIVE`` and ``FGFR2 fusion-positive`` are kept as the same qualifier."""
    return _SUBSET_WORDS_RE.sub(lambda m: m[0].lower(), " ".join(text.split()))


def metastatic_prefix(core: str) -> tuple[str, str] | None:
    """``("CRC", "metastatic")`` for ``"mCRC"``, ``("CRPC", "non-metastatic")`` for ``"nmCRPC"``, else ``None``.

    Only a lower-case prefix before an abbreviation with at least two capitals is read (``mUC``, ``la/mUC``).
    """
    m = _M_PREFIX_RE.match(core)
    return (m["rest"], _M_PREFIXES[m["p"]]) if m else None


#: qualifiers that name a more specific OncoTree node than the tumour words alone: (qualifier, node) -> node.
#: The Philadelphia chromosome is t(9;22)(q34.1;q11.2), BCR::ABL1 (OncoTree: BLLBCRABL1, CMLBCRABL1 names).
REFINEMENTS: dict[tuple[str, str], str] = {
    ("Ph-positive", "BLL"): "BLLBCRABL1",
    ("Ph-positive", "CML"): "CMLBCRABL1",
    ("Ph-like", "BLL"): "BLLBCRABL1L",
}


def _cyto(text: str) -> str:
    arm = re.search(r"\d{1,2}[pq]", text)
    return f"del({arm[0]})" if arm and not text.lower().startswith("t(") else text


def _line(text: str) -> str:
    low = text.lower().replace(" ", "").replace("-", "")
    for word, n in _LINE_WORDS.items():
        if low.startswith(word):
            return f"line {n}"
    if low.startswith("later"):
        return "later line"
    digit = re.match(r"\d", low)
    return f"line {digit[0]}" if digit else text
