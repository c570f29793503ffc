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
from typing_extensions import TypedDict

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
    """A class or generation of drugs that a fact or option may name instead of drugs.

    Classes that are generations of one lineage share a ``parent`` and carry ``generation``
    (EGFR TKI 1st/2nd/3rd); :func:`oncoresist.knowledge.vocabulary.next_generation_classes`
    reads them to propose later-generation members.
    """

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str
    parent: str | None = None
    description: str = ""
    generation: int | None = Field(default=None, ge=1, le=4, description="Generation within the parent's lineage.")
    synonyms: list[str] = Field(
        default_factory=list, description="Other names of the class, as reports and databases write them."
    )


#: regulators whose approvals the vocabulary records
Agency = Literal["FDA", "EMA"]
#: ``approved``: an FDA or EMA oncology approval is recorded in ``approvals``; ``investigational``: in
#: clinical development, no FDA/EMA approval; ``preclinical``: a research (tool) compound;
#: ``non_oncology``: approved, but not for cancer (named by the databases in repurposing studies)
DevelopmentStatus = Literal["approved", "investigational", "preclinical", "non_oncology"]
MarketingStatus = Literal["marketed", "withdrawn"]
#: how a drug damages DNA (the key of the DNA-repair inference rule, :mod:`.derive`)
DnaDamage = Literal[
    "platinum",  # platinum adducts and cross-links
    "methylating_agent",  # monofunctional methylation (O6-methylguanine: MGMT-repaired, MMR-dependent kill)
    "chloroethylnitrosourea",  # O6-chloroethylguanine then interstrand cross-links (MGMT-repaired)
    "nitrogen_mustard",  # bifunctional alkylation, interstrand cross-links
    "alkylator_other",
    "topoisomerase_i",
    "topoisomerase_ii",
    "parp_inhibitor",  # PARP trapping; kills through homologous-recombination deficiency
]
DNA_DAMAGE_KINDS: tuple[str, ...] = DnaDamage.__args__  # type: ignore[attr-defined]
PharmacologyFlag = Literal["abcb1_substrate", "abcg2_substrate", "cyp_route", "dna_damage"]
PHARMACOLOGY_FLAGS: tuple[PharmacologyFlag, ...] = PharmacologyFlag.__args__  # type: ignore[attr-defined]


class Approval(_Model):
    """One regulatory approval: agency, year of the first approval of the drug, and the label's product name."""

    agency: Agency
    year: int | None = Field(
        ge=1940, le=2026, description="Year of the agency's first approval of the drug; None: not verified."
    )
    label: str = Field(min_length=2, description="Product name on the label, e.g. 'Voranigo'.")
    note: str = ""

    def source_id(self, drug: str) -> str:
        """The citation of this approval, e.g. ``label:Voranigo (vorasidenib), FDA 2024``."""
        year = "(year not recorded)" if self.year is None else str(self.year)
        return f"label:{self.label} ({drug}), {self.agency} {year}"


class Drug(_Model):
    """A drug by generic name, with synonyms (brand names, codes), approvals and pharmacology.

    Pharmacology flags (``abcb1_substrate``, ``abcg2_substrate``, ``cyp_route``, ``dna_damage``)
    stay ``None`` unless sourced: each set flag needs its source ids in ``flag_sources`` (or, for
    entries written before ``flag_sources`` existed, in ``sources``).
    """

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9\- ]*$", description="Generic name, lower case.")
    synonyms: list[str] = Field(default_factory=list, description="Brand names, codes, other names.")
    classes: list[str] = Field(min_length=1, description="Drug class ids, most specific first.")
    targets: list[str] = Field(default_factory=list, description="HGNC symbols of the targets.")
    target_sources: SourceIds = Field(
        default_factory=list, description="Source ids that name the targets (e.g. the label's mechanism of action)."
    )
    generation: int | None = Field(default=None, ge=1, le=4)
    dna_damaging: bool = False
    dna_damage: DnaDamage | None = Field(default=None, description="How the drug damages DNA (sourced).")
    abcb1_substrate: bool | None = None
    abcg2_substrate: bool | None = None
    cyp_route: str | None = Field(default=None, pattern=r"^CYP[0-9][A-Z][0-9]+$", description="Main CYP, e.g. CYP3A4.")
    sources: list[str] = Field(default_factory=list, description="Sources for the pharmacology.")
    flag_sources: dict[PharmacologyFlag, SourceIds] = Field(
        default_factory=dict, description="Per pharmacology flag, the source ids that state it."
    )
    status: DevelopmentStatus | None = Field(default=None, description="None: not recorded.")
    approvals: list[Approval] = Field(default_factory=list, description="FDA/EMA approvals (first per agency).")
    marketing_status: MarketingStatus | None = None
    marketing_source: str | None = Field(default=None, description="Source of a 'withdrawn' status.")

    @model_validator(mode="after")
    def _consistent(self) -> Drug:
        if self.approvals and self.status not in (None, "approved", "non_oncology"):
            raise ValueError(f"status {self.status!r} contradicts the approvals recorded; use 'approved'")
        if self.status == "approved" and not self.approvals:
            raise ValueError("status 'approved' needs at least one entry in approvals (agency, year, label)")
        if self.marketing_status == "withdrawn" and not self.marketing_source:
            raise ValueError("marketing_status 'withdrawn' needs marketing_source (the notice or label that says so)")
        if self.marketing_source is not None:
            check_source_id(self.marketing_source, subject="marketing_source")
        for flag in PHARMACOLOGY_FLAGS:
            if getattr(self, flag) is not None and not (self.flag_sources.get(flag) or self.sources):
                raise ValueError(f"{flag} is set without a source: add flag_sources.{flag} (label section or table)")
        if self.dna_damage not in (None, "parp_inhibitor") and not self.dna_damaging:
            raise ValueError(f"dna_damage {self.dna_damage!r} needs dna_damaging: true")
        if self.target_sources and not self.targets:
            raise ValueError("target_sources given but targets is empty: list the targets the sources name")
        for flag in self.flag_sources:
            if getattr(self, flag) is None:
                raise ValueError(f"flag_sources.{flag} given but {flag} is not set")
        return self

    @property
    def is_approved(self) -> bool:
        """True when an FDA or EMA approval is recorded."""
        return bool(self.approvals)

    @property
    def withdrawn(self) -> bool:
        return self.marketing_status == "withdrawn"

    def flag_source(self, flag: str) -> list[str]:
        """Source ids for one pharmacology flag (``flag_sources``, else the drug's general ``sources``)."""
        return list(self.flag_sources.get(flag, ())) or list(self.sources)  # type: ignore[call-overload]


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


#: the expression scores a fact's cut-off can name: PD-L1 tumour proportion score, combined positive score, tumour
#: cell and immune cell scores (the parser's ``Alteration.qualifier`` of a PD-L1 score, report_vocabulary.PDL1_SCORES)
MeasureKind = Literal["TPS", "CPS", "TC", "IC", "TAP"]
MEASURE_KINDS: tuple[str, ...] = MeasureKind.__args__  # type: ignore[attr-defined]


class Measure(TypedDict):
    """A labelled cut-off on an expression score (``{kind: TPS, at_least: 50}``): the score must be this or more.

    A plain mapping (no nested model), so that facts keep loading by the fast constructor."""

    kind: MeasureKind
    at_least: Annotated[float, Field(ge=0)]


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
    measure: list[Measure] = Field(
        default_factory=list,
        description="Cut-offs on the expression score of the fact's expression pattern; any one met suffices "
        "(docs/knowledge.md, 'Expression score cut-offs'). Empty: any expression meets it.",
    )


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
