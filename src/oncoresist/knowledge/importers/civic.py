"""Import CIViC clinical evidence summaries (the nightly ``ClinicalEvidenceSummaries`` TSV).

Only *predictive* evidence that *supports* a drug-response effect becomes a fact:

=======================  =======================
CIViC significance       fact ``effect``
=======================  =======================
Resistance               ``resistance``
Reduced Sensitivity      ``reduced_sensitivity``
Sensitivity/Response     ``sensitivity``
=======================  =======================

Items whose direction is "Does Not Support" are skipped with that reason (they
are evidence *against* the effect, not facts). Boolean molecular profiles joined
by AND become several required alterations; OR and NOT are skipped. Therapies of a
"Combination" item are given together (``therapy_mode: combination``); Sequential,
Substitutes and single therapies apply each on its own. The fact id is
``civic-eid<N>`` and its ``record`` ``civic:EID<N>``.
"""

from __future__ import annotations

import re
from pathlib import Path

from oncoresist.alteration import Alteration
from oncoresist.errors import AlterationSyntaxError
from oncoresist.knowledge.importers._common import (
    WILD_TYPE,
    DrugPlan,
    EntityBuilder,
    ImportResult,
    Skip,
    inferred_fact,
    partial_fusion,
    plan_names,
    run_import,
)
from oncoresist.knowledge.importers.infer import MechanismRules
from oncoresist.knowledge.index import Knowledge
from oncoresist.knowledge.schema import Fact, Source

COLUMNS = [
    "molecular_profile", "disease", "doid", "therapies", "therapy_interaction_type", "evidence_type",
    "evidence_direction", "evidence_level", "significance", "evidence_statement", "citation_id",
    "source_type", "citation", "evidence_id", "variant_origin",
]  # fmt: skip

EFFECTS = {
    "Resistance": "resistance",
    "Reduced Sensitivity": "reduced_sensitivity",
    "Sensitivity/Response": "sensitivity",
}

#: CIViC variant words the grammar spells differently (lower case, after the gene)
_VARIANT_SYNONYMS = {
    "gain-of-function": "activating mutation",
    "tkd mutation": "kinase domain mutation",
    "deleterious mutation": "inactivating mutation",
    "biallelic inactivation": "loss",
    "exon 19 del": "exon 19 deletion",
    "promoter hypermethylation": "promoter methylation",
    "methylation": "promoter methylation",
}


#: CIViC's genome-wide biomarker "variants" (gene TMB / MSI) in the grammar's biomarker names
_BIOMARKERS = {("MSI", "high"): "MSI-H", ("MSI", "low"): "MSS", ("TMB", "high"): "TMB-H", ("TMB", "low"): "TMB-L"}


def _dna_level(rest: str) -> bool:
    return bool(re.search(r"\brs\d+|\*\d|c\.[\d*-]|homozygosity|genotype|polymorphism", rest, re.IGNORECASE))


def civic_variant_text(part: str) -> str:
    """One CIViC variant (``GENE Variant``) written in the alteration grammar.

    Raises
    ------
    Skip
        For variants the grammar cannot express (wild type, fusion exon junctions, ...).
    """
    gene, _, rest = part.strip().partition(" ")
    rest = re.sub(r"\s*\(c\.[^)]*\)\s*$", "", rest).strip()
    if "::" in gene:
        five, _, three = gene.partition("::")
        low = rest.lower()
        if re.fullmatch(r"e\d+::e\d+", low):
            raise Skip("fusion exon-junction variant (eN::eM) not in the alteration grammar", part)
        if low in {"", "fusion", "translocation", "rearrangement"}:
            return partial_fusion(five, three, {"v", "?"}, part) or f"{five}::{three}"
        raise Skip("variant not in the alteration grammar", part)
    low = rest.lower()
    if low in {"wildtype", "wild type", "wt", "wild-type"}:
        raise Skip(WILD_TYPE, part)
    if not rest:
        raise Skip("variant not in the alteration grammar", part)
    if re.fullmatch(rf"{re.escape(gene)}-V\d+", rest, re.IGNORECASE):  # AR AR-V7
        return rest
    if low in _VARIANT_SYNONYMS:
        return f"{gene} {_VARIANT_SYNONYMS[low]}"
    if re.match(r"^[A-Z*]\d", rest) or re.match(r"^p\.", rest):  # a protein change keeps its case
        return f"{gene} {_protein(rest)}"
    if gene.upper() in {"TMB", "MSI"}:
        biomarker = _BIOMARKERS.get((gene.upper(), low))
        if biomarker is None:
            raise Skip("genome-wide biomarker measured another way (bTMB, mTMB, on-treatment) not in the grammar", part)
        return biomarker
    return f"{gene} {low}"


_PROT_SUFFIX = re.compile(r"^([A-Z]\d+(?:_[A-Z]\d+)?)(delins|del|dup|ins|fs|>)(.*)$", re.IGNORECASE)


def _protein(rest: str) -> str:
    """Normalise CIViC's upper-case HGVS words: ``I843DEL`` → ``I843del``, ``E746_T751>I`` → ``E746_T751delinsI``."""
    m = _PROT_SUFFIX.match(rest)
    if not m:
        return rest
    word = m[2].lower()
    tail = m[3].upper()
    if word == ">":
        return f"{m[1].upper()}delins{tail}"
    if word in {"dup", "fs", "del"}:
        return f"{m[1].upper()}{word}"  # trailing residues after dup/del/fs are redundant
    return f"{m[1].upper()}{word}{tail}"


def _grammar_reason(part: str, text: str, builder: EntityBuilder) -> str:
    rest = part.partition(" ")[2]
    if _dna_level(rest):
        return "DNA-level variant (rsID, c. notation, star allele) not in the alteration grammar"
    if re.search(r"\bITD\b", rest, re.IGNORECASE):
        return "internal tandem duplication (ITD) not in the alteration grammar"
    if builder.resolve_gene(text.partition(" ")[0]) is None:
        return "gene symbol not usable"
    return "variant not in the alteration grammar"


def parse_profile(profile: str, builder: EntityBuilder) -> list[Alteration]:
    """A CIViC molecular profile as required alterations (AND); OR and NOT are skipped."""
    tokens = profile.split()
    if "OR" in tokens:
        raise Skip("Boolean OR in molecular profile", profile)
    if "NOT" in tokens:
        raise Skip("Boolean NOT in molecular profile", profile)
    parts = [p.strip(" ()") for p in re.split(r"\s+AND\s+", profile.strip())]
    out: list[Alteration] = []
    for part in parts:
        text = civic_variant_text(part)
        try:
            alt = builder.alteration(text)
        except AlterationSyntaxError:
            raise Skip(_grammar_reason(part, text, builder), part) from None
        if alt.name not in {a.name for a in out}:
            out.append(alt)
    return out


def _source(row: dict[str, str], eid: str) -> Source:
    cid = row["citation_id"].strip()
    kind = row["source_type"].strip()
    if kind == "PubMed" and cid.isdigit():
        sid = f"PMID:{cid}"
    elif kind == "ASCO" and cid.isdigit():
        sid = f"ASCO:{cid}"
    elif cid.startswith("10."):
        sid = f"DOI:{cid}"
    else:
        raise Skip("no citable source (PMID, DOI or ASCO abstract)", f"EID{eid} {kind} {cid}")
    return Source(
        id=sid,
        citation=row["citation"].strip() or sid,
        confirmed_by=f"civic:EID{eid} (imported from CIViC; not re-checked by a curator)",
        url=f"https://civicdb.org/links/evidence_items/{eid}",
    )


def import_civic(path: Path | str, kb: Knowledge | None = None) -> ImportResult:
    """Translate a CIViC evidence TSV into facts.

    Parameters
    ----------
    path
        ``AcceptedClinicalEvidenceSummaries.tsv`` (or the nightly download).
    kb
        The curated knowledge to resolve names against (default: curated only).

    Raises
    ------
    ImportFormatError
        The file is not a CIViC evidence TSV, or is truncated (file and line named).
    """
    return run_import(
        path,
        kb,
        source="civic",
        columns=COLUMNS,
        what="CIViC evidence",
        translate=_facts,
        skip_detail=lambda _n, row: f"EID{row['evidence_id'].strip()}",
        release_date=release_date,
    )


def release_date(rows: list[dict[str, str]]) -> str | None:
    """The snapshot's date: the latest ``last_review_date`` of its items (``YYYY-MM-DD``), if any."""
    dates = [r.get("last_review_date", "").strip()[:10] for r in rows]
    dates = [d for d in dates if re.fullmatch(r"\d{4}-\d{2}-\d{2}", d)]
    return max(dates) if dates else None


def _facts(_n: int, row: dict[str, str], builder: EntityBuilder, rules: MechanismRules) -> list[Fact]:
    return [_fact(row, row["evidence_id"].strip(), builder, rules)]


def _fact(row: dict[str, str], eid: str, builder: EntityBuilder, rules: MechanismRules) -> Fact:
    etype = row["evidence_type"].strip()
    if etype != "Predictive":
        raise Skip(f"evidence type {etype or '(none)'} (not predictive)", f"EID{eid}")
    direction = row["evidence_direction"].strip()
    if direction == "Does Not Support":
        raise Skip("evidence direction 'Does Not Support' (evidence against the effect)", f"EID{eid}")
    if direction != "Supports":
        raise Skip(f"evidence direction {direction or '(none)'!r}", f"EID{eid}")
    sig = row["significance"].strip()
    effect = EFFECTS.get(sig)
    if effect is None:
        raise Skip(f"significance {sig or '(none)'!r} is not a drug-response effect", f"EID{eid}")
    level = row["evidence_level"].strip()
    if level not in {"A", "B", "C", "D", "E"}:
        raise Skip("evidence level missing or not A-E", f"EID{eid} {level!r}")
    therapies = [t.strip() for t in row["therapies"].split(",") if t.strip()]
    if not therapies:
        raise Skip("no therapy named", f"EID{eid}")
    alterations = parse_profile(row["molecular_profile"], builder)
    plans: list[DrugPlan] = [builder.therapy(t) for t in therapies]
    drugs = plan_names(plans, "drug")
    classes = plan_names(plans, "class")
    interaction = row["therapy_interaction_type"].strip()
    mode = "combination" if interaction == "Combination" and len(drugs) + len(classes) > 1 else "each"
    source = _source(row, eid)
    disease = row["disease"].strip()
    tumors: list[str] = []
    new_tumors = []
    if disease:  # "Cancer", "Solid Tumor": the table maps them to TISSUE (any tumour type)
        doid = row["doid"].strip()
        code, new = builder.tumor(disease, f"DOID_{doid}" if doid.isdigit() else f"CIVIC_{disease}")
        tumors.append(code)
        new_tumors.append(new)
    builder.commit(alterations, plans, new_tumors, [source])
    origin_raw = row["variant_origin"].strip().lower()
    # CIViC does not say whether a resistance alteration was present before treatment: "both"
    origin = "primary" if effect == "sensitivity" or "germline" in origin_raw else "both"
    statement = " ".join(row["evidence_statement"].split())
    if len(statement) < 10:
        verb = {"resistance": "resistance to", "reduced_sensitivity": "reduced sensitivity to"}.get(
            effect, "sensitivity to"
        )
        statement = f"{row['molecular_profile'].strip()}: {verb} {', '.join(therapies)} (CIViC EID{eid})."
    return inferred_fact(
        rules,
        builder,
        alterations,
        id=f"civic-eid{eid}",
        drugs=drugs,
        drug_classes=classes,
        therapy_mode=mode,
        tumors=tumors,
        effect=effect,
        origin=origin,
        evidence_level=level,
        sources=[source.id],
        summary=statement,
        record=f"civic:EID{eid}",
    )
