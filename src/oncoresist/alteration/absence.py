"""A report's statement that a named isoform or a specific variant was looked for and not found.

Reports of circulating-tumour-cell assays write the result either way: ``AR-V7 positive (CTC)`` names an isoform that
is present (the grammar reads it as the isoform), ``AR-V7 negative``, ``AR-V7 not detected (CTC)`` or
``AR-V7: absent`` state that it is absent. Targeted tests write a specific variant the same way (helper tail7):
``KIT D816V negative``, ``EGFR T790M not detected (ctDNA)``, ``BRAF V600E: negative``, ``EGFR exon 19 deletion not
detected``, ``EGFR T790M wild-type``. An absence is no alteration: :func:`stated_absence` recognises the statement so
that readers leave it out of the profile (never read as the variant present), where the grammar alone refuses it.

A gene-level statement is an absence too (helper annot10p): ``KRAS wild-type``, ``BRAF WT``, ``EGFR negative``,
``ALK-negative by IHC``, ``HER2-negative``, ``EGFR mutation negative``, ``ALK rearrangement (negative)``, ``MET not
amplified``, ``KRAS/NRAS wild-type``, ``RAS wild-type``, and the forms that put the words first: ``no T790M
detected``, ``no KRAS mutation detected``, ``negative for EGFR T790M``. Such a statement never raises a finding; the
annotator lists it among the inputs it accounted for. Two readings stay the grammar's: "negative" for the surface
antigen of an antigen-directed therapy (``CD19-negative relapse``: the antigen's loss, report_context.ANTIGEN_GENES),
and "negative" by an assay of protein expression for a tumour suppressor (``PTEN negative by IHC``: PTEN loss) when
the caller says which genes are tumour suppressors.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from oncoresist.alteration.grammar import GeneResolver, parse_alteration
from oncoresist.alteration.model import Alteration
from oncoresist.alteration.protein import parse_protein_change
from oncoresist.alteration.report_context import ANTIGEN_GENES
from oncoresist.alteration.specimen import is_specimen_or_assay
from oncoresist.alteration.vocabulary import ISOFORM_ABSENT, NOT_ALTERATIONS
from oncoresist.errors import AlterationSyntaxError

#: "wild-type" (and its spellings) states the absence of a specific variant only, never of an isoform
_WILD_TYPE = tuple(
    sorted(
        {
            *(w for w in NOT_ALTERATIONS if w.startswith("wild")),
            "wt",
            "unmutated",
            "not mutated",
            "non-mutated",
            "nonmutated",
        }
    )
)
#: the kinds of a specific variant: a protein change, a codon, an exon wording
VARIANT_KINDS = frozenset({"protein", "codon", "exon"})


def _absent_re(words: tuple[str, ...]) -> re.Pattern[str]:
    """The thing, then (after ':' or ',' or '-' or a space) one of ``words``, at the end."""
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(r"^(?P<core>.+?)\s*(?:[:,]\s*|[\s-]+)(?:" + alternatives + r")\.?$", re.IGNORECASE)


#: words that state a gene-level copy-number or fusion state absent: "MET not amplified", "ALK not rearranged"
_GENE_ABSENT = ("not amplified", "non-amplified", "nonamplified", "no amplification", "not rearranged",
                "non-rearranged", "not identified", "not found", "none detected", "not seen")  # fmt: skip
_ABSENT_RE = _absent_re(ISOFORM_ABSENT)
_WILD_TYPE_RE = _absent_re(_WILD_TYPE)
_GENE_ABSENT_RE = _absent_re(_GENE_ABSENT)
#: an expression score that states a negative result: "TPS <1%", "CPS 0", "IHC 0", "H-score 0"
_SCORE_RE = re.compile(r"^(?:ihc\s*)?(?:tps|cps|tc|ic|h-score|ihc)\s*[:=]?\s*(?:<\s*1\s*%?|0\s*%?)$", re.IGNORECASE)
_TRAILING_BRACKET_RE = re.compile(r"\s*\((?P<inner>[^()]*)\)\s*$")
_TRAILING_ASSAY_RE = re.compile(r"^(?P<t>.+?)\s+(?P<a>(?:by|on|in|via)\s+\S+(?:\s+\S+)?)$", re.IGNORECASE)
#: the words first: "no T790M detected", "no KRAS mutation identified", "no evidence of MET amplification",
#: "negative for EGFR T790M", "absence of ALK rearrangement"
_WORDS_FIRST_RES = (
    re.compile(
        r"^no\s+(?:evidence\s+of\s+|detectable\s+)?(?P<core>.+?)(?:\s+(?:was|were|is))?"
        r"(?:\s+(?:detected|identified|found|seen|present))?\.?$",
        re.IGNORECASE,
    ),
    re.compile(r"^(?:negative|wild[\s-]?type)\s+for\s+(?P<core>.+?)\.?$", re.IGNORECASE),
)
#: several genes before the words: "KRAS/NRAS wild-type", "KRAS, NRAS and BRAF wild-type"
_GENE_LIST_SPLIT_RE = re.compile(r"\s*(?:/|,|\band\b|\bor\b|&|\+)\s*", re.IGNORECASE)
#: the RAS genes as reports name them together (no HGNC symbol): "RAS wild-type", "all-RAS wild-type"
_RAS_GROUP = frozenset({"ras", "all-ras", "all ras", "pan-ras", "extended ras", "expanded ras", "ras/raf"})
#: a gene family written as one name in an absence (helper annot10r): "IDH wild-type" (the glioma classification's
#: "IDH-wildtype" status; the review table read, PMC11540532 Table 1 of the WHO CNS5 criteria, names "IDH" without
#: its genes: the pair IDH1, IDH2 (isocitrate dehydrogenase 1 and 2) is ours, as the HGNC symbols the name covers)
_FAMILIES: dict[str, list[str]] = {"idh": ["IDH1", "IDH2"], "idh1/2": ["IDH1", "IDH2"]}
#: the gene-level change words a statement of absence may name: "EGFR mutation negative", "ALK fusion not detected"
_GENE_LEVEL_KINDS = frozenset({"mutation", "fusion", "amplification", "loss", "expression", "overexpression"})
#: an assay named between the gene and the words: "ALK IHC negative", "ALK FISH negative", "KRAS NGS wild-type"
_ASSAY_BEFORE_RE = re.compile(r"(?<=\S)\s+(?:by\s+)?[A-Za-z-]+$")
#: several genes, then one gene-level change word: "BRCA1/2 mutation", "KRAS, NRAS or BRAF mutations"
_CHANGE_TAIL_RE = re.compile(
    r"^(?P<genes>.+?)\s+(?:mutations?|variants?|alterations?|fusions?|rearrangements?|amplifications?)$", re.I
)
#: what "no ..." may deny without naming a gene: "no actionable mutations", "no pathogenic variants detected"
_NOTHING_RE = re.compile(
    r"^(?:(?:actionable|pathogenic|likely\s+pathogenic|reportable|clinically\s+significant|targetable|somatic|"
    r"genomic|oncogenic|driver)\s+)*(?:mutations?|alterations?|variants?|aberrations?)$",
    re.IGNORECASE,
)
#: words before a gene in a statement of absence: "no secondary KIT mutation", "no additional ABL1 mutations"
_MODIFIER_RE = re.compile(r"^(?:(?:secondary|additional|acquired|new|further|other|resistance|any)\s+)+", re.I)
#: assays of protein expression: "negative" by one of these is a loss of expression for a tumour suppressor
_EXPRESSION_ASSAY_RE = re.compile(r"\b(?:ihc|immunohistochemistry|flow)\b", re.IGNORECASE)


def _core(text: str) -> tuple[str, str, bool] | None:
    """(the words before the absence, the kind of words: ``"absent"``, ``"wild"`` or ``"gene"`` (a gene-level
    state), whether an assay of protein expression was named), or ``None`` when no absence closes the text."""
    t = " ".join(text.split())
    expression_assay = bool(_EXPRESSION_ASSAY_RE.search(t))
    m = _TRAILING_BRACKET_RE.search(t)
    if m and m.start() > 0 and (is_specimen_or_assay(m["inner"]) or _SCORE_RE.match(m["inner"].strip())):
        t = t[: m.start()].rstrip()  # "PD-L1 negative (TPS <1%)": the score that says it is negative
    m = _TRAILING_BRACKET_RE.search(t)  # "EGFR T790M (not detected)", "ALK rearrangement (negative)"
    if m and m.start() > 0:
        inner = m["inner"].strip()
        where = _TRAILING_ASSAY_RE.match(inner)  # "(not detected in tissue)"
        if where and is_specimen_or_assay(where["a"]):
            inner = where["t"]
        if _ABSENT_RE.match(f"x {inner}") or _WILD_TYPE_RE.match(f"x {inner}") or _GENE_ABSENT_RE.match(f"x {inner}"):
            t = f"{t[: m.start()].rstrip()} {inner}"
    tail = _TRAILING_ASSAY_RE.match(t)  # "ALK-negative by IHC", "KRAS wild-type by NGS"
    if tail and is_specimen_or_assay(tail["a"]):
        t = tail["t"]
    for kind, rx in (("absent", _ABSENT_RE), ("wild", _WILD_TYPE_RE), ("gene", _GENE_ABSENT_RE)):
        hit = rx.match(t)
        if hit is not None:
            core = _ASSAY_BEFORE_RE.sub("", hit["core"])  # "ALK IHC negative", "ALK FISH negative"
            if _ASSAY_BEFORE_RE.search(hit["core"]) and not is_specimen_or_assay(hit["core"][len(core) :].strip()):
                core = hit["core"]
            return core, kind, expression_assay
    for rx in _WORDS_FIRST_RES:
        hit = rx.match(t)
        if hit is not None:
            return hit["core"], "first", expression_assay
    return None


def _genes(core: str, resolve_gene: GeneResolver | None) -> list[str] | None:
    """The genes ``core`` names (one, several joined by "/", ",", "and", or the RAS group), else ``None``."""
    words = core.strip(" :,-").lower()
    words = re.sub(r"[\s-]*(?:genes?|status|testing)$", "", words)
    if words in _RAS_GROUP:
        return ["KRAS", "NRAS"]
    if words in _FAMILIES:
        return list(_FAMILIES[words])
    parts = [p for p in _GENE_LIST_SPLIT_RE.split(core.strip(" :,-")) if p]
    genes: list[str] = []
    last = ""
    for p in parts:
        if p.lower() in _RAS_GROUP:
            genes += ["KRAS", "NRAS"]
            continue
        if p.isdigit() and re.search(r"\d$", last):  # "BRCA1/2", "NTRK1/2/3": the same stem, another number
            p = re.sub(r"\d+$", p, last)
        last = p
        g = _resolve_one(p, resolve_gene)
        if g is None:
            return None
        genes.append(g)
    return genes or None


def _resolve_one(token: str, resolve_gene: GeneResolver | None) -> str | None:
    t = re.sub(r"[\s-]*(?:genes?|status)$", "", token.strip(), flags=re.IGNORECASE)
    if not t or " " in t:
        return None
    if resolve_gene is None:
        return t.upper() if re.fullmatch(r"[A-Za-z][A-Za-z0-9.\-]*", t) else None
    return resolve_gene(t)


def _gene_level(
    core: str, kind: str, expression_assay: bool, resolve_gene: GeneResolver | None,
    is_suppressor: Callable[[str], bool] | None, known_gene: Callable[[str], bool] | None = None,
) -> Alteration | None:  # fmt: skip
    """The gene-level state ``core`` states absent (``KRAS`` → KRAS mutation, ``EGFR mutation``, ``ALK fusion``)."""
    core = _MODIFIER_RE.sub("", core.strip())  # "no secondary KIT mutation": the gene-level state
    if kind == "first" and _NOTHING_RE.match(core):  # "no actionable mutations": nothing found, no gene named
        return Alteration(kind="mutation")
    genes = _genes(core, resolve_gene)
    worded = _CHANGE_TAIL_RE.match(core)
    if genes is None and worded is not None and re.search(r"[/,&]|\band\b", worded["genes"]):
        genes = _genes(worded["genes"], resolve_gene)  # "no BRCA1/2 mutation detected", "NTRK1/2/3 fusion negative"
    if genes is not None and known_gene is not None and not all(known_gene(g) for g in genes):
        return None  # "KRSA wild-type": a misspelt gene is not silently accounted for
    state: Alteration | None = None
    if genes is None:
        try:
            state = parse_alteration(core, resolve_gene)
        except AlterationSyntaxError:
            return None
        if state.kind not in _GENE_LEVEL_KINDS or state.gene is None:
            return None
        if state.kind == "loss" and expression_assay:  # "PTEN loss (IHC negative)": the unstained protein is the loss
            return None
        genes = [state.gene]
    if kind in ("absent", "first") and len(genes) == 1 and state is None:
        gene = genes[0]
        if gene in ANTIGEN_GENES:  # "CD19 negative": the antigen's loss (the grammar's reading)
            return None
        if expression_assay and is_suppressor is not None and is_suppressor(gene):  # "PTEN negative by IHC": loss
            return None
    return state or Alteration(kind="mutation", gene=genes[0])


def stated_absence(
    text: str,
    resolve_gene: GeneResolver | None = None,
    is_suppressor: Callable[[str], bool] | None = None,
    known_gene: Callable[[str], bool] | None = None,
) -> Alteration | None:
    """The isoform or specific variant ``text`` states is absent, else ``None``.

    ``"AR-V7 not detected (CTC)"`` → the isoform AR-V7; ``"EGFR T790M not detected (ctDNA)"`` → EGFR T790M. A
    trailing bracket naming only the specimen or assay is ignored. The words before the absence must read, on their
    own, as a named isoform (AR-V7, p95HER2, EGFRvIII) or a specific variant (a protein change, a codon, an exon
    wording); ``EGFR negative``, ``HER2-negative`` or ``ESR1 mutation negative`` are not this statement.
    """
    found = _core(text)
    if found is None:
        return None
    try:  # a biomarker whose name holds the words ("IGHV unmutated") is that biomarker, not an absence
        if parse_alteration(text, resolve_gene).kind == "biomarker":
            return None
    except AlterationSyntaxError:
        pass
    core, kind, expression_assay = found
    try:
        alt: Alteration | None = parse_alteration(core, resolve_gene)
    except AlterationSyntaxError:
        alt = None
    if alt is not None and alt.kind in VARIANT_KINDS and kind != "gene":
        return alt
    if alt is not None and alt.kind == "isoform" and kind in ("absent", "first"):
        return alt
    if kind == "first" and alt is None:
        bare = parse_protein_change(core.strip())  # "no T790M detected": a change without its gene
        if bare is not None:
            return Alteration(kind="protein", protein=bare)
    return _gene_level(core, kind, expression_assay, resolve_gene, is_suppressor, known_gene)


def stated_absent_isoform(text: str, resolve_gene: GeneResolver | None = None) -> str | None:
    """The isoform ``text`` states is absent (``"AR-V7 not detected (CTC)"`` → ``"AR-V7 expression"``), else ``None``.

    Only a named isoform: ``KRAS G12C negative`` is :func:`stated_absence` of a variant, not of an isoform.
    """
    alt = stated_absence(text, resolve_gene)
    return alt.name if alt is not None and alt.kind == "isoform" else None


ABSENCE_REASON = "a stated absence (negative / not detected): no alteration present, not weighed"
"""Why a stated absence is listed among a result's uncovered inputs (read, accounted for, not an alteration)."""
