"""Pydantic models of the knowledge base (schema version 1).

The curated YAML under ``knowledge/data/`` and the CIViC/CGI imports are both
read into these models. Cross-references (a fact's genes, drugs, drug classes,
tumour types, mechanism class and sources) are checked by
:mod:`oncoresist.knowledge.validate`, which names file, entry and field.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

SCHEMA_VERSION = "1"

MechanismId = Literal[
    "on_target_mutation",
    "target_amplification",
    "target_alteration",
    "bypass_pathway",
    "downstream_pathway",
    "lineage_plasticity",
    "epigenetic",
    "drug_tolerant_persister",
    "cancer_stem_cell",
    "drug_efflux",
    "drug_metabolism",
    "dna_repair",
    "apoptosis_evasion",
    "autophagy",
    "microenvironment",
    "immune_evasion",
    "tumor_heterogeneity",
]
MECHANISM_IDS: tuple[str, ...] = MechanismId.__args__  # type: ignore[attr-defined]

Effect = Literal["resistance", "reduced_sensitivity", "sensitivity"]
Origin = Literal["primary", "acquired", "both"]
EvidenceLevel = Literal["A", "B", "C", "D", "E"]
EVIDENCE_RANK: dict[str, int] = {"A": 0, "B": 1, "C": 2, "D": 3, "E": 4}
TherapyMode = Literal["each", "combination"]

# PMID:123 | DOI:10.x/y | label:<drug> (<agency> <year>) | guideline:<body> <name> <year>
SOURCE_RE = re.compile(r"^(PMID:\d{1,9}|DOI:10\.\d{4,9}/\S+|label:.+|guideline:.+|ASCO:\d+)$")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9_.:\-]*$")
#: the source-id forms ``SOURCE_RE`` accepts, as error messages name them
SOURCE_FORMS = "PMID:<n>, DOI:10.<...>, label:<...> or guideline:<...>"


def check_source_id(
    v: str, *, pattern: re.Pattern[str] = SOURCE_RE, forms: str = SOURCE_FORMS, subject: str | None = None
) -> str:
    """Return ``v`` if ``pattern`` matches it.

    Raises
    ------
    ValueError
        ``"<subject> must be <forms>"``; the subject defaults to ``source '<v>'``.
    """
    if not pattern.match(v):
        raise ValueError(f"{subject or f'source {v!r}'} must be {forms}")
    return v


def check_id(v: str, *, subject: str = "id") -> str:
    """Return ``v`` if it is an entry id (``ID_RE``); else raise ``ValueError`` naming ``subject``."""
    if not ID_RE.match(v):
        raise ValueError(f"{subject} must be lower-case letters, digits, '_', '-', '.', ':'")
    return v


def _check_source_ids(v: list[str]) -> list[str]:
    for s in v:
        check_source_id(s)
    return v


#: a list of source ids, each checked by :func:`check_source_id` (errors name the list, not the item)
SourceIds = Annotated[list[str], AfterValidator(_check_source_ids)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Mechanism(_Model):
    """One of the controlled mechanism classes of DESIGN.md."""

    id: MechanismId
    name: str
    description: str
    examples: list[str] = Field(default_factory=list)


GeneRole = Literal["oncogene", "tumor_suppressor", "both"]


class Gene(_Model):
    """A gene by its HGNC symbol, with the aliases that resolve to it and its role in cancer."""

    symbol: str = Field(pattern=r"^[A-Z0-9][A-Za-z0-9\-:.]*$")
    name: str = ""
    aliases: list[str] = Field(default_factory=list)
    pathways: list[str] = Field(
        default_factory=list,
        description="Pathway memberships used to infer mechanism classes of imported facts, "
        "e.g. MAPK, PI3K_AKT, RTK, DNA_repair, apoptosis, drug_transport, drug_metabolism.",
    )
    role: GeneRole | None = Field(
        default=None,
        description="Role in cancer: oncogene, tumor_suppressor or both; truncating changes in a "
        "tumour suppressor (or 'both') match loss-of-function facts. None: no role recorded.",
    )
    role_source: str | None = Field(
        default=None, min_length=3, description="Where the role comes from (required when role is set)."
    )

    @model_validator(mode="after")
    def _role_has_source(self) -> Gene:
        if self.role is not None and not self.role_source:
            raise ValueError(f"gene {self.symbol}: 'role' needs a 'role_source'")
        return self


class DrugClass(_Model):
    """A class or generation of drugs that a fact or option may name instead of drugs."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str
    parent: str | None = None
    description: str = ""


class Drug(_Model):
    """A drug by generic name, with synonyms (brand names, codes) and pharmacology."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9\- ]*$", description="Generic name, lower case.")
    synonyms: list[str] = Field(default_factory=list, description="Brand names, codes, other names.")
    classes: list[str] = Field(min_length=1, description="Drug class ids, most specific first.")
    targets: list[str] = Field(default_factory=list, description="HGNC symbols of the targets.")
    generation: int | None = Field(default=None, ge=1, le=4)
    dna_damaging: bool = False
    abcb1_substrate: bool | None = None
    abcg2_substrate: bool | None = None
    cyp_route: str | None = Field(default=None, description="Main CYP enzyme, e.g. CYP3A4.")
    sources: list[str] = Field(default_factory=list, description="Sources for the pharmacology.")


class TumorType(_Model):
    """A tumour type by OncoTree code."""

    code: str = Field(pattern=r"^[A-Z0-9_]+$")
    name: str
    parent: str | None = None
    synonyms: list[str] = Field(default_factory=list)


class Source(_Model):
    """A citation and how its link to the facts was confirmed."""

    id: Annotated[str, AfterValidator(partial(check_source_id, subject="source id"))]
    citation: str = Field(description="Authors, year, journal (as the record gives it).")
    confirmed_by: str = Field(
        description="How the citation was checked against the claim, e.g. 'civic:EID2996 evidence "
        "statement', 'cgi row', 'FDA label section 12.1'."
    )
    url: str | None = None


class Fact(_Model):
    """Alteration(s) + drug(s) in a tumour context → effect, by a mechanism class."""

    id: Annotated[str, AfterValidator(partial(check_id, subject="fact id"))]
    alterations: list[str] = Field(
        min_length=1, description="All required together (AND), e.g. ['EML4::ALK', 'ALK G1202R']."
    )
    drugs: list[str] = Field(default_factory=list, description="Generic drug names.")
    drug_classes: list[str] = Field(default_factory=list, description="Drug class ids.")
    therapy_mode: TherapyMode = Field(
        default="each",
        description="'each': applies to each drug on its own; 'combination': to the drugs given together.",
    )
    tumors: list[str] = Field(
        default_factory=list, description="OncoTree codes; the fact holds in these and their descendants. Empty: any."
    )
    effect: Effect
    mechanism: MechanismId
    mechanism_inferred: bool = Field(
        default=False, description="True when the mechanism class was assigned by rules (imports)."
    )
    origin: Origin
    evidence_level: EvidenceLevel
    sources: SourceIds = Field(min_length=1)
    summary: str = Field(min_length=10)
    record: str | None = Field(default=None, description="Import origin, e.g. civic:EID1234, cgi:row12.")


class Option(_Model):
    """Next-line knowledge: a therapy (one drug or a combination) that overcomes a mechanism."""

    id: str
    therapy: list[str] = Field(min_length=1, description="Drugs given together.")
    addresses: list[str] = Field(
        default_factory=list, description="Alteration patterns whose resistance this therapy overcomes."
    )
    mechanism: MechanismId | None = Field(default=None, description="Mechanism class addressed.")
    after_drugs: list[str] = Field(default_factory=list, description="Applies after failure of these drugs.")
    after_drug_classes: list[str] = Field(default_factory=list)
    tumors: list[str] = Field(default_factory=list)
    evidence_level: EvidenceLevel
    sources: SourceIds = Field(min_length=1)
    rationale: str = Field(min_length=10)


class KnowledgeFile(_Model):
    """One curated YAML file: any subset of the sections below."""

    schema_version: Literal["1"] = "1"
    mechanisms: list[Mechanism] = Field(default_factory=list)
    genes: list[Gene] = Field(default_factory=list)
    drug_classes: list[DrugClass] = Field(default_factory=list)
    drugs: list[Drug] = Field(default_factory=list)
    tumors: list[TumorType] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)
    facts: list[Fact] = Field(default_factory=list)
    options: list[Option] = Field(default_factory=list)
