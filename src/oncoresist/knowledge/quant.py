"""Quantitative knowledge: potency per variant, mutation rates, codon routes, frequencies, phenotype defaults,
published outcomes and drug exposures.

The numbers that turn the curated knowledge into an evolutionary scenario live in
``knowledge/data_quant/*.yaml`` (outside ``knowledge/data/`` so the curated loader does not
read them as :class:`~oncoresist.knowledge.schema.KnowledgeFile`). Every number carries a
registered source (PMID, DOI, guideline, label, ClinVar record or HGVS expression, each with
``confirmed_by``) or is flagged ``assumption: true`` with a rationale.

Loading validates each file (pydantic, ``extra="forbid"``) and every cross-reference against the
curated knowledge: drugs are generic names the knowledge defines, genes and tumour types exist,
alterations parse with :func:`~oncoresist.profile.alteration.parse_alteration`, sources are
registered. The first problem is raised as a :class:`~oncoresist.errors.KnowledgeError` naming
file, entry and field, on one line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial
from itertools import product
from pathlib import Path
from typing import Annotated, Any, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from oncoresist.alteration import Alteration, parse_alteration
from oncoresist.errors import AlterationSyntaxError, KnowledgeError
from oncoresist.knowledge.index import Knowledge
from oncoresist.knowledge.loader import read_yaml_sections
from oncoresist.knowledge.pooling import Pooled, pool
from oncoresist.knowledge.schema import SOURCE_RE, MechanismId, check_id, check_source_id
from oncoresist.suggest import closest

QUANT_DIR = Path(__file__).parent / "data_quant"

#: Sources of quantitative knowledge: the curated forms plus ClinVar records and HGVS expressions
#: (the reference for a codon).
QUANT_SOURCE_RE = re.compile(
    rf"(?:{SOURCE_RE.pattern})|^clinvar:(?:RCV|VCV)\d+$|^hgvs:\S+$|^cgi:[\w.-]+$|^url:https?://\S+$")

#: Mechanism classes without a sequence change, for which phenotype-rate defaults are given.
NON_GENETIC_MECHANISMS: frozenset[str] = frozenset(
    {"drug_tolerant_persister", "lineage_plasticity", "cancer_stem_cell", "epigenetic", "microenvironment"}
)

# ------------------------------------------------------------------ genetic code
_BASES = "TCAG"
_AMINO = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"
#: The standard genetic code (NCBI translation table 1), codon -> one-letter amino acid ('*' stop).
GENETIC_CODE: dict[str, str] = {"".join(c): _AMINO[i] for i, c in enumerate(product(_BASES, repeat=3))}
_HGVS_C_RE = re.compile(r"^c\.(?P<pos>\d+)(?P<ref>[ACGT])>(?P<alt>[ACGT])$")


def single_nucleotide_routes(ref_codon: str, alt_aa: str) -> int:
    """Number of distinct single-nucleotide substitutions that turn ``ref_codon`` into ``alt_aa``.

    Parameters
    ----------
    ref_codon
        Reference codon (DNA, coding strand), e.g. ``"ACG"``.
    alt_aa
        One-letter code of the resulting amino acid, e.g. ``"M"``.

    Returns
    -------
    int
        How many of the nine one-base neighbours of the codon encode ``alt_aa``.
    """
    ref_codon = ref_codon.upper()
    if ref_codon not in GENETIC_CODE:
        raise ValueError(f"{ref_codon!r} is not a codon of A, C, G, T")
    n = 0
    for pos in range(3):
        for base in "ACGT":
            if base != ref_codon[pos]:
                mutant = ref_codon[:pos] + base + ref_codon[pos + 1 :]
                n += GENETIC_CODE[mutant] == alt_aa
    return n


def codons_consistent_with(ref_aa: str, alt_aa: str, codon_position: int, ref_base: str, alt_base: str) -> list[str]:
    """Reference codons that encode ``ref_aa`` and become ``alt_aa`` by the given base change.

    ``codon_position`` is 0, 1 or 2 (the base of the codon that the HGVS c. change hits).
    """
    out = []
    for codon, aa in GENETIC_CODE.items():
        if aa != ref_aa or codon[codon_position] != ref_base:
            continue
        mutant = codon[:codon_position] + alt_base + codon[codon_position + 1 :]
        if GENETIC_CODE[mutant] == alt_aa:
            out.append(codon)
    return sorted(out)


def cpg_transition(codon: str, codon_position: int, ref_base: str, alt_base: str) -> bool | None:
    """Whether a coding-strand change is a C>T (or, on the other strand, G>A) transition at a CpG.

    ``True`` or ``False`` when the codon decides it, ``None`` when the neighbouring base that would
    complete the CpG lies in the next (for C>T at the third base) or the previous codon (for G>A at
    the first base).
    """
    if (ref_base, alt_base) == ("C", "T"):
        return None if codon_position == 2 else codon[codon_position + 1] == "G"
    if (ref_base, alt_base) == ("G", "A"):
        return None if codon_position == 0 else codon[codon_position - 1] == "C"
    return False


# ------------------------------------------------------------------ models
class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


#: the source-id forms ``QUANT_SOURCE_RE`` accepts, as error messages name them
QUANT_SOURCE_FORMS = ("PMID:<n>, DOI:10.<...>, label:<...>, guideline:<...>, clinvar:RCV<n>, hgvs:<...>, "
                      "cgi:<table> or url:<https address> (a study with neither PMID nor DOI seen)")

EntryId = Annotated[str, AfterValidator(check_id)]
SourceId = Annotated[
    str, AfterValidator(partial(check_source_id, pattern=QUANT_SOURCE_RE, forms=QUANT_SOURCE_FORMS))
]


class QuantSource(_Model):
    """A citation for quantitative knowledge and where exactly its numbers were read."""

    id: SourceId
    citation: str = Field(min_length=5)
    confirmed_by: str = Field(min_length=10, description="Where the number was read: host + table/section.")
    url: str | None = None


class PotencyEntry(_Model):
    """Potency of one drug on one variant in a cell-line panel, as one table reports it.

    ``ic50_nM`` is the variant's IC50; ``reference_ic50_nM`` the comparator's IC50 measured in
    the same experiment (when the source pairs them); ``fold_change`` a ratio the source itself
    states. Where a number was read from a public transcription of the table (a CIViC evidence
    statement) rather than the table itself, ``transcribed_by`` names that record.
    """

    id: EntryId
    gene: str = Field(description="HGNC symbol of the drug's target that carries the variant.")
    alterations: list[str] = Field(min_length=1, description="The variant, all alterations together (AND).")
    reference: list[str] = Field(
        min_length=1, description="The comparator the table reports (sensitive driver or native kinase)."
    )
    drug: str = Field(description="Generic name, as the curated knowledge spells it.")
    ic50_nM: float | None = Field(default=None, gt=0, description="IC50 in nmol/L.")  # noqa: N815
    ic50_qualifier: Literal["=", ">", "<"] = Field(default="=", description="'>' for values above the top dose.")
    reference_ic50_nM: float | None = Field(  # noqa: N815
        default=None, gt=0, description="IC50 of the comparator in the same experiment, nmol/L."
    )
    fold_change: float | None = Field(default=None, gt=0, description="IC50(variant) / IC50(reference), as reported.")
    fold_change_qualifier: Literal["=", ">", "<"] = "="
    assay: str = Field(min_length=3, description="e.g. 'Ba/F3 proliferation'.")
    source: SourceId
    table: str = Field(min_length=3, description="e.g. 'Table 1', or 'not named by the transcription'.")
    transcribed_by: str | None = Field(
        default=None, pattern=r"^civic:EID\d+$", description="Public transcription the number was read from."
    )
    log10_fold_replicates: list[float] = Field(
        default_factory=list, description="Per-replicate log10(IC50 variant / IC50 reference), as the table gives them."
    )
    replicate_qualifiers: list[Literal["=", ">", "<"]] = Field(
        default_factory=list,
        description="Per replicate: '>' no response at the top dose (censored), '<' below the lowest dose."
    )
    log10_fold_sd: float | None = Field(default=None, ge=0, description="Spread of the replicates (SD of log10).")
    ddg_exp_kcal_mol: float | None = Field(default=None, description="Experimental ddG the table states, kcal/mol.")
    note: str = ""

    @property
    def primary(self) -> bool:
        """True when the number was read from the paper's own table (not a CIViC transcription)."""
        return self.transcribed_by is None

    @model_validator(mode="after")
    def _value(self) -> PotencyEntry:
        if self.replicate_qualifiers and len(self.replicate_qualifiers) != len(self.log10_fold_replicates):
            raise ValueError("replicate_qualifiers needs one qualifier per value of log10_fold_replicates")
        if self.ic50_nM is None and self.fold_change is None:
            raise ValueError("give ic50_nM or fold_change (or both)")
        if self.ic50_nM is None and (self.ic50_qualifier != "=" or self.reference_ic50_nM is not None):
            raise ValueError("ic50_qualifier and reference_ic50_nM need ic50_nM")
        if self.fold_change is None and self.fold_change_qualifier != "=":
            raise ValueError("fold_change_qualifier needs fold_change")
        return self

    def fold(self) -> tuple[float, str] | None:
        """The fold change against ``reference`` this entry states or pairs, with its qualifier."""
        if self.fold_change is not None:
            return self.fold_change, self.fold_change_qualifier
        if self.ic50_nM is not None and self.reference_ic50_nM is not None:
            return self.ic50_nM / self.reference_ic50_nM, self.ic50_qualifier
        return None


class _Provenanced(_Model):
    """An entry with ``source``, or ``assumption: true`` and a ``rationale`` (the subclass declares the fields)."""

    @model_validator(mode="after")
    def _provenance(self) -> Self:
        if self.assumption:  # type: ignore[attr-defined]
            if len(self.rationale) < 20:  # type: ignore[attr-defined]
                raise ValueError("an assumption needs a rationale (at least 20 characters)")
        elif self.source is None:  # type: ignore[attr-defined]
            raise ValueError("give a source, or set assumption: true with a rationale")
        return self


class MutationRate(_Provenanced):
    """A point-mutation rate per base pair per cell division."""

    id: EntryId
    value: float = Field(gt=0, le=1)
    unit: Literal["per_bp_per_division"] = "per_bp_per_division"
    context: str = Field(default="", description="Where the rate applies, as the source says.")
    source: SourceId | None = None
    assumption: bool = False
    rationale: str = ""


class SubstitutionFactor(_Model):
    """How much faster one class of single-base substitution occurs than the per-bp average.

    ``cpg_transition``: a C>T change whose C is followed by G (G>A preceded by C on the coding
    strand), the deamination of methylated cytosine.
    """

    id: EntryId
    context: Literal["cpg_transition"]
    factor: float = Field(gt=0)
    compared_with: str = Field(min_length=5, description="What the factor is relative to, as the source says.")
    source: SourceId
    note: str = ""


class VariantNucleotideChanges(_Model):
    """How many single-nucleotide changes produce a protein variant from its reference codon.

    The reference codon comes from the HGVS coding change on a named transcript: the codons that
    encode the reference residue, carry the reference base at the changed position and encode the
    variant residue after the change. ``reference_codon`` may pin one of them; the number of
    routes is derived from the genetic code and must be the same for every consistent codon.
    """

    id: EntryId
    alteration: str = Field(description="A protein missense change, e.g. 'EGFR T790M'.")
    transcript: str = Field(min_length=3, description="e.g. NM_005228.5")
    hgvs_c: str = Field(description="Coding change on that transcript, e.g. 'c.2369C>T'.")
    reference_codon: str | None = Field(default=None, pattern=r"^[ACGT]{3}$")
    single_nucleotide_changes: int | None = Field(
        default=None, ge=0, le=9, description="If given, must equal the number derived from the genetic code."
    )
    source: SourceId

    @field_validator("hgvs_c")
    @classmethod
    def _hgvs(cls, v: str) -> str:
        if not _HGVS_C_RE.match(v):
            raise ValueError("hgvs_c must be a single-base coding substitution such as 'c.2369C>T'")
        return v


class ProgressionFrequency(_Model):
    """How often a mechanism is found at progression on a drug, in a published series."""

    id: EntryId
    mechanism: MechanismId
    alteration: str | None = Field(default=None, description="The alteration or phenotype found, if one.")
    drugs: list[str] = Field(default_factory=list)
    drug_classes: list[str] = Field(default_factory=list)
    tumors: list[str] = Field(min_length=1, description="OncoTree codes of the series.")
    fraction: float | None = Field(default=None, ge=0, le=1)
    ci95: tuple[float, float] | None = Field(default=None, description="95% confidence interval, as reported.")
    range: tuple[float, float] | None = Field(default=None, description="A reported range across series.")
    n_positive: int | None = Field(default=None, ge=0)
    n: int | None = Field(default=None, gt=0)
    denominator: str = Field(min_length=5, description="What n counts, e.g. 'rebiopsies with adequate tissue'.")
    source: SourceId
    where: str = Field(min_length=3, description="Where in the source, e.g. 'abstract', 'Table 2'.")
    note: str = ""
    quote: str = Field(default="", description="The source's sentence with the numbers, verbatim (where read).")

    @field_validator("ci95", "range")
    @classmethod
    def _interval(cls, v: tuple[float, float] | None) -> tuple[float, float] | None:
        if v is not None and not (0 <= v[0] <= v[1] <= 1):
            raise ValueError("interval must be [low, high] with 0 <= low <= high <= 1")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> ProgressionFrequency:
        if not self.drugs and not self.drug_classes:
            raise ValueError("name the drugs or drug_classes the series was treated with")
        if self.fraction is None and self.range is None and (self.n_positive is None or self.n is None):
            raise ValueError("give fraction, range, or n_positive and n")
        if (self.n_positive is None) != (self.n is None):
            raise ValueError("give n_positive and n together")
        if self.n_positive is not None and self.n is not None:
            if self.n_positive > self.n:
                raise ValueError("n_positive exceeds n")
            # a reported percentage is rounded to a whole percent at most
            if self.fraction is not None and abs(self.fraction - self.n_positive / self.n) > 0.0051:
                raise ValueError(f"fraction {self.fraction} does not match {self.n_positive}/{self.n}")
        if self.ci95 is not None and self.fraction is not None and not self.ci95[0] <= self.fraction <= self.ci95[1]:
            raise ValueError("fraction lies outside ci95")
        return self

    @property
    def value(self) -> float:
        """The point estimate: ``fraction``, else ``n_positive / n``, else the middle of ``range``."""
        if self.fraction is not None:
            return self.fraction
        if self.n_positive is not None and self.n:
            return self.n_positive / self.n
        assert self.range is not None
        return (self.range[0] + self.range[1]) / 2


class PretreatmentPrevalence(_Model):
    """How many patients carry a resistance variant *before* treatment above an assay's detection threshold.

    A measured pre-treatment clone size, read as one quantile of the between-patient distribution of the
    variant's fraction: ``n_positive`` of ``n`` pre-treatment specimens had the variant at an allele fraction of
    at least ``threshold`` (the assay's detection limit, or a reported quantile such as the positives' median
    allele fraction, ``threshold_kind``). :mod:`oncoresist.twin.pretreatment` fits a lognormal to the entries of
    one variant and tumour type.
    """

    id: EntryId
    alteration: str = Field(description="The resistance variant measured, e.g. 'EGFR T790M'.")
    background: list[str] = Field(default_factory=list,
                                  description="What the patients carried, e.g. ['EGFR exon 19 deletion or L858R'].")
    tumors: list[str] = Field(min_length=1, description="OncoTree codes of the series.")
    threshold: float = Field(gt=0, lt=1, description="Variant allele fraction the count refers to.")
    threshold_kind: Literal["detection_limit", "median_of_positives"]
    n_positive: int = Field(ge=0)
    n: int = Field(gt=0)
    assay: str = Field(min_length=3)
    specimen: str = Field(min_length=3, description="e.g. 'resected tumour tissue, FFPE'.")
    denominator: str = Field(min_length=5)
    source: SourceId
    where: str = Field(min_length=3)
    evidence: str = Field(min_length=5, description="What was read and how strong it is.")
    quote: str = Field(default="", description="The source's sentence with the numbers, verbatim (where read).")
    derived: str = Field(default="", description="How n_positive follows from the quote, where it is not stated.")
    caveat: str = ""

    @model_validator(mode="after")
    def _counts(self) -> PretreatmentPrevalence:
        if self.n_positive > self.n:
            raise ValueError("n_positive exceeds n")
        return self

    @property
    def share(self) -> float:
        return self.n_positive / self.n


class PooledFrequencySpec(_Model):
    """Series of one mechanism at progression to pool (:mod:`oncoresist.knowledge.pooling` picks the method).

    The pooled share is computed when the knowledge is loaded, from the members' ``n_positive`` and ``n``;
    it applies to a drug and tumour type only where every member does (:meth:`QuantKnowledge.pooled_for`).
    """

    id: EntryId
    members: list[EntryId] = Field(min_length=2, description="Ids of 'frequencies' entries defined before this one.")
    note: str = ""


@dataclass(frozen=True)
class PooledShare:
    """A pooled share at progression: what a calibration target needs, plus the members and the method."""

    id: str
    mechanism: str
    alteration: str | None
    members: tuple[str, ...]
    sources: tuple[str, ...]
    pooled: Pooled
    note: str = ""

    @property
    def source(self) -> str:
        return " + ".join(self.sources)

    @property
    def value(self) -> float:
        return self.pooled.estimate

    @property
    def fraction(self) -> float:
        return self.pooled.estimate

    @property
    def ci95(self) -> tuple[float, float]:
        return self.pooled.ci95

    @property
    def range(self) -> None:
        return None

    @property
    def n(self) -> int:
        return self.pooled.total


class DriverShare(_Model):
    """The share of one arm's patients whose tumour carries one sensitising driver."""

    alteration: str = Field(min_length=3, description="The driver, as the curated knowledge spells it.")
    fraction: float = Field(ge=0, le=1, description="Share of the arm's randomised patients.")


class DriverMix(_Model):
    """How an arm's patients split between sensitising drivers, as the trial's baseline table reports it.

    ``unknown`` is the share of the arm the table gives no driver for (e.g. no central test result); the
    drivers' shares among the typed patients are ``fraction / (1 - unknown)`` (:meth:`typed_share`).
    ``transcribed_by`` names the public transcription the numbers were read from when the table itself was not.
    """

    shares: list[DriverShare] = Field(min_length=2)
    unknown: float = Field(default=0.0, ge=0, le=1)
    source: SourceId
    where: str = Field(min_length=3, description="e.g. 'Table 1 (EGFR mutation type)'.")
    transcribed_by: str | None = Field(default=None, min_length=10)
    read: str = Field(min_length=10, description="What was read, and where.")
    evidence: str = Field(min_length=5, description="Evidence level and kind (e.g. a trial's baseline table).")

    @model_validator(mode="after")
    def _total(self) -> DriverMix:
        names = [s.alteration for s in self.shares]
        if len(set(names)) != len(names):
            raise ValueError(f"shares: each driver once, got {', '.join(names)}")
        total = sum(s.fraction for s in self.shares) + self.unknown
        if abs(total - 1.0) > 0.02:  # whole-percent rounding of up to three numbers
            raise ValueError(f"shares plus unknown must add up to 1 (rounded percentages), got {total:.3f}")
        if self.unknown >= 1:
            raise ValueError("unknown: no typed patient is left to split")
        return self

    def typed_share(self, alteration: str) -> float:
        """The driver's share among the arm's typed patients (those the table gives a driver for)."""
        typed = sum(s.fraction for s in self.shares)
        for s in self.shares:
            if s.alteration == alteration:
                return s.fraction / typed
        raise KeyError(alteration)


class PublishedOutcome(_Model):
    """A published trial outcome of one arm (median progression-free survival), for calibration and checks."""

    id: EntryId
    endpoint: Literal["median_pfs"]
    months: float = Field(gt=0)
    ci95_months: tuple[float, float] | None = None
    drugs: list[str] = Field(min_length=1, description="The arm's drugs (any one of them was given).")
    tumors: list[str] = Field(min_length=1)
    population: str = Field(min_length=10)
    n: int | None = Field(default=None, gt=0)
    line: int = Field(default=1, ge=1, le=10, description=(
        "Line of therapy the arm's drug was given in (1: first line; 2: after progression on the first, e.g. "
        "AURA3); only first-line arms are time targets of a twin's calibration."))
    hazard_ratio: float | None = Field(default=None, gt=0)
    hazard_ratio_ci95: tuple[float, float] | None = None
    hazard_ratio_vs: str | None = Field(default=None, description="Id of the comparator arm's outcome.")
    objective_response: float | None = Field(default=None, ge=0, le=1, description="Objective response rate.")
    scan_schedule: list[dict[str, float]] | None = Field(
        default=None,
        description="Tumour assessments: phases {every_days, until_days}, as the trial's imaging ScanPhase list.",
    )
    scan_schedule_source: str = Field(default="", description="Where the schedule was read, or that it was not.")
    drivers: DriverMix | None = Field(default=None, description="The arm's split between sensitising drivers.")
    source: SourceId
    where: str = Field(min_length=3)
    note: str = ""

    @model_validator(mode="after")
    def _hr(self) -> PublishedOutcome:
        if self.scan_schedule is not None and len(self.scan_schedule_source) < 10:
            raise ValueError("scan_schedule needs scan_schedule_source (where it was read, or that it was not)")
        if (self.hazard_ratio is None) != (self.hazard_ratio_vs is None):
            raise ValueError("give hazard_ratio and hazard_ratio_vs together")
        if self.hazard_ratio_ci95 is not None and self.hazard_ratio is None:
            raise ValueError("hazard_ratio_ci95 needs hazard_ratio")
        return self


class PhenotypeRateDefault(_Provenanced):
    """A default rate for a non-genetic mechanism (state switching, transformation)."""

    id: EntryId
    mechanism: MechanismId
    parameter: str = Field(min_length=3, description="e.g. 'entry_rate_on_drug'.")
    value: float = Field(gt=0)
    unit: str = Field(min_length=3, description="e.g. 'per cell per day'.")
    source: SourceId | None = None
    assumption: bool = False
    rationale: str = ""

    @field_validator("mechanism")
    @classmethod
    def _non_genetic(cls, v: str) -> str:
        if v not in NON_GENETIC_MECHANISMS:
            raise ValueError(
                f"phenotype defaults are for non-genetic mechanisms: {', '.join(sorted(NON_GENETIC_MECHANISMS))}"
            )
        return v


#: How a clinical concentration maps to a potency table's IC50 (the twin's ``exposure_basis``): the total plasma
#: concentration as measured, or its unbound part (times ``unbound_fraction``).
EXPOSURE_BASES: tuple[str, ...] = ("total", "unbound")


class DrugExposure(_Model):
    """A published steady-state plasma concentration of one drug at its standard dose, with what it needs to be
    compared with a potency table's IC50 in nmol/L (molar mass; the unbound fraction, where the source states it)."""

    id: EntryId
    drug: str = Field(description="Generic name, as the curated knowledge spells it.")
    tumors: list[str] = Field(min_length=1, description="Where the concentration was measured (OncoTree codes).")
    regimen: str = Field(min_length=5, description="Dose and schedule, e.g. '400 mg once daily'.")
    measure: Literal["steady_state_trough_total_plasma"] = Field(
        description="What was measured: the total (bound + unbound) plasma concentration before the next dose."
    )
    ng_per_mL: float = Field(gt=0, description="The concentration, ng/mL (mean unless 'note' says otherwise).")  # noqa: N815
    sd_ng_per_mL: float | None = Field(default=None, gt=0, description="Its between-patient SD, ng/mL.")  # noqa: N815
    molar_mass_g_per_mol: float = Field(gt=0, description="Of the measured (free base) form, to convert to nmol/L.")
    molar_mass_source: str = Field(min_length=10, description="Where the molar mass (or ng/mL-to-nmol/L) was read.")
    unbound_fraction: float | None = Field(default=None, gt=0, le=1, description="1 - plasma protein binding.")
    unbound_fraction_source: str = ""
    population: str = Field(min_length=10)
    source: SourceId
    where: str = Field(min_length=3)
    note: str = ""

    @model_validator(mode="after")
    def _binding(self) -> DrugExposure:
        if self.unbound_fraction is not None and len(self.unbound_fraction_source) < 10:
            raise ValueError("unbound_fraction needs unbound_fraction_source (where the binding was read)")
        return self

    def nanomolar(self, basis: str = "total") -> float:
        """The concentration in nmol/L, total or unbound (``basis`` one of :data:`EXPOSURE_BASES`)."""
        total = self.ng_per_mL / self.molar_mass_g_per_mol * 1000.0
        if basis == "total":
            return total
        if basis == "unbound":
            if self.unbound_fraction is None:
                raise KnowledgeError(f"{self.id}: no unbound_fraction to give the unbound concentration")
            return total * self.unbound_fraction
        raise KnowledgeError(f"exposure basis {basis!r} is not one of {', '.join(EXPOSURE_BASES)}")


class QuantFile(_Model):
    """One YAML file of quantitative knowledge: any subset of the sections below."""

    schema_version: Literal["1"] = "1"
    sources: list[QuantSource] = Field(default_factory=list)
    potency: list[PotencyEntry] = Field(default_factory=list)
    mutation_rates: list[MutationRate] = Field(default_factory=list)
    substitution_factors: list[SubstitutionFactor] = Field(default_factory=list)
    nucleotide_changes: list[VariantNucleotideChanges] = Field(default_factory=list)
    frequencies: list[ProgressionFrequency] = Field(default_factory=list)
    pooled_frequencies: list[PooledFrequencySpec] = Field(default_factory=list)
    phenotype_defaults: list[PhenotypeRateDefault] = Field(default_factory=list)
    outcomes: list[PublishedOutcome] = Field(default_factory=list)
    exposures: list[DrugExposure] = Field(default_factory=list)
    pretreatment_prevalence: list[PretreatmentPrevalence] = Field(default_factory=list)


_SECTIONS = ("potency", "mutation_rates", "substitution_factors", "nucleotide_changes", "frequencies",
             "pooled_frequencies", "phenotype_defaults", "outcomes", "exposures", "pretreatment_prevalence")


# ------------------------------------------------------------------ index
AltKey = frozenset[str]


@dataclass(frozen=True)
class VariantRate:
    """Probability per cell division that a variant arises, and where each factor comes from."""

    alteration: str
    value: float
    per_bp_rate: float
    routes: int
    rate_id: str
    codon_entry: str
    assumptions: tuple[str, ...]
    cpg: bool | None = None
    """Whether the named change is a CpG transition (``None``: the codon does not decide)."""
    context_factor: float = 1.0
    factor_id: str | None = None



WILD_TYPE = "wild-type"


def _wild_type(text: str, resolve_gene: Callable[[str], str | None]) -> str | None:
    """``'<GENE> wild-type'`` (a potency table's native-kinase comparator) -> canonical key, else ``None``."""
    gene, _, rest = text.strip().partition(" ")
    if rest.strip().lower() != WILD_TYPE:
        return None
    return f"{resolve_gene(gene) or gene.upper()} {WILD_TYPE}"


def _ratio(e: PotencyEntry, r: PotencyEntry, common_reference: bool) -> tuple[float, str] | None:
    """IC50(e) / IC50(r) from two entries of one experiment, with the combined qualifier."""
    ef, rf = e.fold(), r.fold()
    num: float
    den: float
    nq: str
    dq: str
    if e.ic50_nM is not None and r.ic50_nM is not None:
        num, nq, den, dq = e.ic50_nM, e.ic50_qualifier, r.ic50_nM, r.ic50_qualifier
    elif common_reference and ef is not None and rf is not None:
        (num, nq), (den, dq) = ef, rf
    else:
        return None
    if dq == "=":
        return num / den, nq
    if nq == "=":
        return num / den, {">": "<", "<": ">"}[dq]
    return None

@dataclass
class QuantKnowledge:
    """Quantitative knowledge, indexed; built by :func:`load_quant`."""

    sources: dict[str, QuantSource] = field(default_factory=dict)
    potency_entries: list[PotencyEntry] = field(default_factory=list)
    mutation_rates: dict[str, MutationRate] = field(default_factory=dict)
    substitution_factors: dict[str, SubstitutionFactor] = field(default_factory=dict)
    nucleotide_changes: dict[str, VariantNucleotideChanges] = field(default_factory=dict)
    frequencies: list[ProgressionFrequency] = field(default_factory=list)
    pooled: dict[str, PooledShare] = field(default_factory=dict)
    phenotype_defaults: list[PhenotypeRateDefault] = field(default_factory=list)
    outcomes: dict[str, PublishedOutcome] = field(default_factory=dict)
    exposures: dict[str, DrugExposure] = field(default_factory=dict)
    pretreatment: list[PretreatmentPrevalence] = field(default_factory=list)
    #: (section, id) -> file label
    defined_in: dict[tuple[str, str], str] = field(default_factory=dict)
    #: derived single-nucleotide routes per canonical alteration name
    routes: dict[str, int] = field(default_factory=dict)
    _resolve_gene: Callable[[str], str | None] = field(default=lambda _t: None, repr=False)
    _resolve_drug: Callable[[str], str | None] = field(default=lambda _t: None, repr=False)
    _classes_of: Callable[[str], set[str]] = field(default=lambda _d: set(), repr=False)
    _tumor_ancestors: Callable[[str], list[str]] = field(default=lambda t: [t], repr=False)
    _potency: dict[tuple[str, AltKey], list[PotencyEntry]] = field(default_factory=dict, repr=False)
    _codon_by_alt: dict[str, VariantNucleotideChanges] = field(default_factory=dict, repr=False)

    # ---------------------------------------------------------- keys
    def _alt_key(self, alterations: str | Sequence[str]) -> AltKey:
        items = [alterations] if isinstance(alterations, str) else list(alterations)
        resolve = self._resolve_gene
        return frozenset(_wild_type(a, resolve) or parse_alteration(a, resolve).name for a in items)

    def _drug(self, drug: str) -> str:
        return self._resolve_drug(drug) or drug.strip().lower()

    # ---------------------------------------------------------- potency
    def potency_all(self, drug: str, alterations: str | Sequence[str]) -> list[PotencyEntry]:
        """Every potency entry for ``drug`` on exactly these alterations (any source)."""
        return list(self._potency.get((self._drug(drug), self._alt_key(alterations)), []))

    def potency(self, drug: str, alterations: str | Sequence[str], *, source: str | None = None) -> PotencyEntry | None:
        """The potency entry for ``drug`` on exactly these alterations, or ``None``.

        With several sources, the first in file order is returned unless ``source`` is given.
        """
        for entry in self.potency_all(drug, alterations):
            if source is None or entry.source == source:
                return entry
        return None

    def fold_shift_detail(
        self, drug: str, variant: str | Sequence[str], reference: str | Sequence[str]
    ) -> tuple[float, str, tuple[str, ...]] | None:
        """IC50(variant) / IC50(reference) for ``drug`` with its qualifier and the entry ids used.

        Candidates, each from one source, table and assay: a fold change an entry states against
        the same reference; an entry's paired reference IC50; two entries' IC50s; or two entries'
        fold changes against a common comparator (e.g. L858R/T790M and L858R, both against
        wild-type EGFR in Robichaux et al. 2021's panel). Qualifiers combine: a censored variant
        gives a lower bound (``>``), a censored reference an upper bound (``<``, dropped), both
        censored nothing. Choice: the first exact value read from a paper's own table (file
        order); else the first exact value of a transcription (CIViC) that no primary-table
        bound contradicts; else the largest lower bound. ``None`` when nothing fits.
        """
        ref_key = self._alt_key(reference)
        entries = self.potency_all(drug, variant)
        refs = self.potency_all(drug, reference)
        candidates: list[tuple[float, str, tuple[str, ...], bool]] = []
        for e in entries:
            folded = e.fold()
            if folded is not None and self._alt_key(e.reference) == ref_key:
                candidates.append((folded[0], folded[1], (e.id,), e.primary))
                continue
            for r in refs:
                if (r.source, r.table, r.assay) != (e.source, e.table, e.assay):
                    continue
                pair = _ratio(e, r, self._alt_key(e.reference) == self._alt_key(r.reference))
                if pair is not None:
                    candidates.append((pair[0], pair[1], (e.id, r.id), e.primary and r.primary))
                    break
        candidates = [c for c in candidates if c[1] != "<"]
        bounds = [c[0] for c in candidates if c[1] == ">" and c[3]]
        for c in candidates:
            if c[1] == "=" and c[3]:
                return c[0], c[1], c[2]
        for c in candidates:
            if c[1] == "=" and all(c[0] >= b for b in bounds):
                return c[0], c[1], c[2]
        lower = [c for c in candidates if c[1] == ">"]
        if lower:
            best = max(lower, key=lambda c: c[0])
            return best[0], best[1], best[2]
        return None

    def fold_shift(self, drug: str, variant: str | Sequence[str], reference: str | Sequence[str]) -> float | None:
        """IC50(variant) / IC50(reference) for ``drug`` from one source, or ``None``.

        A lower bound where the variant's IC50 was censored; see :meth:`fold_shift_detail`.
        """
        detail = self.fold_shift_detail(drug, variant, reference)
        return None if detail is None else detail[0]

    # ---------------------------------------------------------- rates
    def nucleotide_routes(self, alteration: str) -> int | None:
        """Single-nucleotide changes that produce ``alteration`` (e.g. 'EGFR T790M'), or ``None``."""
        return self.routes.get(parse_alteration(alteration, self._resolve_gene).name)

    def variant_rate(self, alteration: str, rate_id: str) -> VariantRate | None:
        """Probability per division that ``alteration`` arises: rate × routes / 3.

        Each single-nucleotide route is one specific substitution of one base, taken as a third of
        that base's per-bp mutation rate (uniform substitution spectrum, stated in ``assumptions``).
        """
        name = parse_alteration(alteration, self._resolve_gene).name
        entry = self._codon_by_alt.get(name)
        rate = self.mutation_rates.get(rate_id)
        if entry is None or rate is None:
            return None
        routes = self.routes[name]
        assumptions = ["each base mutates to each of the three other bases equally often"]
        if rate.assumption:
            assumptions.append(f"mutation rate {rate.id} is an assumption: {rate.rationale}")
        cpg = self.cpg_context(entry)
        factor, fid = 1.0, None
        cpg_factor = next((f for f in self.substitution_factors.values() if f.context == "cpg_transition"), None)
        if cpg and cpg_factor is not None:
            factor, fid = cpg_factor.factor, cpg_factor.id
            others = routes - 1
            value = rate.value * (factor + others) / 3
            assumptions.append(
                f"{entry.hgvs_c} is a C>T transition at a CpG: x{factor:g} ({cpg_factor.id}, {cpg_factor.source}; "
                f"relative to {cpg_factor.compared_with})"
                + (f"; the other {others} route(s) at the base rate" if others else "")
            )
        else:
            value = rate.value * routes / 3
            if cpg is None:
                assumptions.append(
                    f"whether {entry.hgvs_c} lies at a CpG depends on the neighbouring codon: taken as not at a CpG"
                )
        return VariantRate(name, value, rate.value, routes, rate.id, entry.id, tuple(assumptions), cpg, factor, fid)

    def cpg_context(self, entry: VariantNucleotideChanges) -> bool | None:
        """Whether the entry's HGVS change is a CpG transition on every codon consistent with it."""
        m = _HGVS_C_RE.match(entry.hgvs_c)
        assert m is not None
        alt = parse_alteration(entry.alteration, self._resolve_gene)
        p = alt.protein
        assert p is not None
        pos = (int(m["pos"]) - 1) % 3
        codons = [entry.reference_codon] if entry.reference_codon else codons_consistent_with(
            p.ref, p.alt, pos, m["ref"], m["alt"]
        )
        verdicts = {cpg_transition(c, pos, m["ref"], m["alt"]) for c in codons}
        return verdicts.pop() if len(verdicts) == 1 else None

    # ---------------------------------------------------------- frequencies, defaults
    def frequencies_for(
        self,
        *,
        alteration: str | None = None,
        mechanism: str | None = None,
        drug: str | None = None,
        tumor: str | None = None,
    ) -> list[ProgressionFrequency]:
        """Published frequencies at progression matching every given filter.

        ``drug`` matches a series that names the drug or one of its classes; ``tumor`` matches a
        series in that tumour type, an ancestor or a descendant (OncoTree).
        """
        alt = parse_alteration(alteration, self._resolve_gene).name if alteration else None
        drug_name = self._drug(drug) if drug else None
        out = []
        for f in self.frequencies:
            if mechanism and f.mechanism != mechanism:
                continue
            if alt and (f.alteration is None or parse_alteration(f.alteration, self._resolve_gene).name != alt):
                continue
            if drug_name and drug_name not in f.drugs and not (set(f.drug_classes) & self._drug_class_set(drug_name)):
                continue
            if tumor and not any(self._related_tumors(tumor, t) for t in f.tumors):
                continue
            out.append(f)
        return out

    def pretreatment_for(self, alteration: str, tumor: str | None) -> list[PretreatmentPrevalence]:
        """The measured pre-treatment prevalences of ``alteration`` (canonical name) in ``tumor`` (OncoTree-related;
        ``None``: any), in file order."""
        alt = parse_alteration(alteration, self._resolve_gene).name
        return [e for e in self.pretreatment
                if parse_alteration(e.alteration, self._resolve_gene).name == alt
                and (tumor is None or any(self._related_tumors(tumor, t) for t in e.tumors))]

    def pooled_for(self, *, alteration: str, drug: str | None = None, tumor: str | None = None) -> PooledShare | None:
        """The pooled share of ``alteration`` whose every member series matches ``drug`` and ``tumor``
        (:meth:`frequencies_for`); the one pooling the most patients when several do; ``None`` when none does."""
        ids = {f.id for f in self.frequencies_for(alteration=alteration, drug=drug, tumor=tumor)}
        found = [p for p in self.pooled.values() if set(p.members) <= ids]
        return max(found, key=lambda p: p.n) if found else None

    def outcomes_for(self, *, drug: str, tumor: str | None = None, endpoint: str = "median_pfs",
                     line: int = 1) -> list[PublishedOutcome]:
        """Published outcomes of arms that gave ``drug`` as line ``line`` (default the first), in ``tumor``
        (OncoTree-related), largest arm first."""
        drug_name = self._drug(drug)
        found = [
            o
            for o in self.outcomes.values()
            if o.endpoint == endpoint
            and o.line == line
            and drug_name in o.drugs
            and (tumor is None or any(self._related_tumors(tumor, t) for t in o.tumors))
        ]
        return sorted(found, key=lambda o: -(o.n or 0))

    def exposure_for(self, drug: str, tumor: str | None) -> DrugExposure | None:
        """The published exposure of ``drug`` at its standard dose measured in ``tumor`` (OncoTree-related), the
        first in file order, else ``None`` (no tumour type: no exposure, the measurement is disease-specific)."""
        if tumor is None:
            return None
        drug_name = self._drug(drug)
        for e in self.exposures.values():
            if e.drug == drug_name and any(self._related_tumors(tumor, t) for t in e.tumors):
                return e
        return None

    def reference_ic50(self, drug: str, alterations: Sequence[str]) -> tuple[float, PotencyEntry] | None:
        """The IC50 (nmol/L) of ``drug`` on exactly ``alterations`` (a sensitive driver): an entry measured on it
        (exact value), else the paired comparator IC50 an entry states against it; primary tables first, then
        file order. ``None`` when no table has it."""
        drug_name, key = self._drug(drug), self._alt_key(alterations)
        own = [e for e in self.potency_all(drug, alterations) if e.ic50_nM is not None and e.ic50_qualifier == "="]
        paired = [e for e in self.potency_entries if e.drug == drug_name and e.reference_ic50_nM is not None
                  and self._alt_key([str(r) for r in e.reference]) == key]
        for group in (own, paired):
            for e in sorted(group, key=lambda e: not e.primary):
                value = e.ic50_nM if group is own else e.reference_ic50_nM
                assert value is not None
                return value, e
        return None

    def _drug_class_set(self, drug: str) -> set[str]:
        try:
            return set(self._classes_of(drug))
        except KeyError:
            return set()

    def _related_tumors(self, a: str, b: str) -> bool:
        return b in self._tumor_ancestors(a) or a in self._tumor_ancestors(b)

    def phenotype_default(self, mechanism: str, parameter: str | None = None) -> list[PhenotypeRateDefault]:
        """Defaults for a non-genetic mechanism (optionally one parameter)."""
        return [
            d
            for d in self.phenotype_defaults
            if d.mechanism == mechanism and (parameter is None or d.parameter == parameter)
        ]


# ------------------------------------------------------------------ loading
def _label(section: str, item: Any, index: int) -> str:
    key = item.get("id") if isinstance(item, dict) else None
    return f"{section}[{index}] ({key})" if key else f"{section}[{index}]"


def read_quant_file(path: Path, label: str | None = None) -> tuple[QuantFile, dict[str, Any]]:
    """Parse and validate one YAML file; return the model and the raw mapping (for messages)."""
    label = label or str(path)
    raw = read_yaml_sections(path, label, "potency:, sources:")
    try:
        return QuantFile.model_validate(raw), raw
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = list(err["loc"])
        where = label
        if len(loc) >= 2 and isinstance(loc[0], str) and isinstance(loc[1], int):
            items = raw.get(loc[0]) or []
            item = items[loc[1]] if loc[1] < len(items) else None
            where += f": {_label(loc[0], item, loc[1])}"
            fld = ".".join(str(p) for p in loc[2:]) or "(entry)"
        else:
            fld = ".".join(str(p) for p in loc) or "(file)"
        msg = str(err["msg"]).removeprefix("Value error, ")
        raise KnowledgeError(f"{where}: field {fld!r}: {msg}") from None


class _Checker:
    """Cross-reference checks against the curated knowledge; raises on the first problem."""

    def __init__(self, kb: Knowledge, sources: dict[str, QuantSource]) -> None:
        self.kb = kb
        self.sources = sources

    def fail(self, where: str, fld: str, msg: str) -> None:
        raise KnowledgeError(f"{where}: field {fld!r}: {msg}")

    def drug(self, where: str, fld: str, name: str) -> None:
        canonical = self.kb.resolve_drug(name)
        if canonical is None:
            hint = closest(name, self.kb.drugs, n=3)
            self.fail(where, fld, f"unknown drug {name!r}" + (f"; did you mean {', '.join(hint)}?" if hint else ""))
        elif canonical != name:
            self.fail(where, fld, f"write the generic name {canonical!r}, not {name!r}")

    def drug_class(self, where: str, fld: str, name: str) -> None:
        if name not in self.kb.drug_classes:
            self.fail(where, fld, f"unknown drug class {name!r}")

    def gene(self, where: str, fld: str, name: str) -> None:
        if name not in self.kb.genes:
            sym = self.kb.resolve_gene(name)
            self.fail(where, fld, f"write the HGNC symbol {sym!r}" if sym else f"unknown gene {name!r}")

    def tumor(self, where: str, fld: str, code: str) -> None:
        if code not in self.kb.tumors:
            self.fail(where, fld, f"unknown tumour type {code!r} (use an OncoTree code the knowledge defines)")

    def source(self, where: str, fld: str, sid: str | None) -> None:
        if sid is not None and sid not in self.sources:
            self.fail(where, fld, f"source {sid!r} is not registered in a 'sources:' section of data_quant")

    def alteration(self, where: str, fld: str, text: str) -> Alteration:
        try:
            return parse_alteration(text, self.kb.resolve_gene)
        except AlterationSyntaxError as exc:
            self.fail(where, fld, str(exc))
            raise  # pragma: no cover - fail() raises


def _derive_routes(chk: _Checker, where: str, e: VariantNucleotideChanges) -> tuple[str, int]:
    alt = chk.alteration(where, "alteration", e.alteration)
    p = alt.protein
    if alt.kind != "protein" or p is None or p.kind != "missense" or not p.ref or len(p.alt) != 1:
        chk.fail(where, "alteration", f"{e.alteration!r} is not a single-residue missense change")
        raise AssertionError  # pragma: no cover
    m = _HGVS_C_RE.match(e.hgvs_c)
    assert m is not None
    pos = int(m["pos"])
    if (pos - 1) // 3 + 1 != p.start:
        chk.fail(where, "hgvs_c", f"{e.hgvs_c} lies in codon {(pos - 1) // 3 + 1}, not codon {p.start}")
    candidates = codons_consistent_with(p.ref, p.alt, (pos - 1) % 3, m["ref"], m["alt"])
    if not candidates:
        chk.fail(where, "hgvs_c", f"no codon for {p.ref} becomes {p.alt} by {e.hgvs_c}")
    if e.reference_codon is not None:
        if e.reference_codon not in candidates:
            chk.fail(where, "reference_codon", f"{e.reference_codon} is not consistent with {e.hgvs_c} ({p.hgvs})")
        candidates = [e.reference_codon]
    counts = {single_nucleotide_routes(c, p.alt) for c in candidates}
    if len(counts) != 1:
        chk.fail(
            where, "reference_codon", f"codons {', '.join(candidates)} give different counts; pin the reference codon"
        )
    routes = counts.pop()
    if e.single_nucleotide_changes is not None and e.single_nucleotide_changes != routes:
        chk.fail(
            where,
            "single_nucleotide_changes",
            f"{e.single_nucleotide_changes} given, but the genetic code gives {routes} from {'/'.join(candidates)}",
        )
    return alt.name, routes


def build_quant(parts: Iterable[tuple[str, QuantFile, dict[str, Any]]], kb: Knowledge) -> QuantKnowledge:
    """Merge parsed files into one :class:`QuantKnowledge`, checking every cross-reference."""
    parts = list(parts)
    q = QuantKnowledge(
        _resolve_gene=kb.resolve_gene,
        _resolve_drug=kb.resolve_drug,
        _classes_of=kb.classes_of,
        _tumor_ancestors=kb.tumor_ancestors,
    )
    for label, qf, raw in parts:
        for i, s in enumerate(qf.sources):
            if s.id in q.sources:
                continue  # one citation may be registered by several files
            q.sources[s.id] = s
            q.defined_in[("source", s.id)] = f"{label}: {_label('sources', raw['sources'][i], i)}"
    chk = _Checker(kb, q.sources)
    for label, qf, raw in parts:
        for section in _SECTIONS:
            for i, entry in enumerate(getattr(qf, section)):
                where = f"{label}: {_label(section, raw[section][i], i)}"
                if (section, entry.id) in q.defined_in:
                    chk.fail(where, "id", f"duplicate id, first defined in {q.defined_in[(section, entry.id)]}")
                q.defined_in[(section, entry.id)] = where
                _check_entry(chk, q, section, where, entry)
    return q


def _check_entry(chk: _Checker, q: QuantKnowledge, section: str, where: str, entry: Any) -> None:
    if section == "potency":
        e: PotencyEntry = entry
        chk.gene(where, "gene", e.gene)
        chk.drug(where, "drug", e.drug)
        chk.source(where, "source", e.source)
        genes: set[str] = set()
        names = []
        for j, text in enumerate(e.alterations):
            alt = chk.alteration(where, f"alterations.{j}", text)
            genes |= {g for g in (alt.gene, alt.partner5, alt.partner3) if g}
            names.append(alt.name)
        for j, text in enumerate(e.reference):
            wt = _wild_type(text, chk.kb.resolve_gene)
            if wt is None:
                chk.alteration(where, f"reference.{j}", text)
            elif wt.split(" ")[0] != e.gene:
                chk.fail(where, f"reference.{j}", f"{text!r} is not the wild type of {e.gene}")
        if e.gene not in genes:
            chk.fail(where, "gene", f"{e.gene} is not among the genes of {e.alterations}")
        q.potency_entries.append(e)
        q._potency.setdefault((e.drug, frozenset(names)), []).append(e)
    elif section == "mutation_rates":
        chk.source(where, "source", entry.source)
        q.mutation_rates[entry.id] = entry
    elif section == "substitution_factors":
        chk.source(where, "source", entry.source)
        if any(f.context == entry.context for f in q.substitution_factors.values()):
            chk.fail(where, "context", f"a factor for {entry.context} is already defined")
        q.substitution_factors[entry.id] = entry
    elif section == "nucleotide_changes":
        chk.source(where, "source", entry.source)
        name, routes = _derive_routes(chk, where, entry)
        if name in q._codon_by_alt:
            chk.fail(where, "alteration", f"{name} already has an entry ({q._codon_by_alt[name].id})")
        q._codon_by_alt[name] = entry
        q.routes[name] = routes
        q.nucleotide_changes[entry.id] = entry
    elif section == "frequencies":
        f: ProgressionFrequency = entry
        chk.source(where, "source", f.source)
        if f.alteration is not None:
            chk.alteration(where, "alteration", f.alteration)
        for j, d in enumerate(f.drugs):
            chk.drug(where, f"drugs.{j}", d)
        for j, c in enumerate(f.drug_classes):
            chk.drug_class(where, f"drug_classes.{j}", c)
        for j, t in enumerate(f.tumors):
            chk.tumor(where, f"tumors.{j}", t)
        q.frequencies.append(f)
    elif section == "pooled_frequencies":
        _pool_entry(chk, q, where, entry)
    elif section == "outcomes":
        o: PublishedOutcome = entry
        chk.source(where, "source", o.source)
        for j, d in enumerate(o.drugs):
            chk.drug(where, f"drugs.{j}", d)
        for j, t in enumerate(o.tumors):
            chk.tumor(where, f"tumors.{j}", t)
        if o.hazard_ratio_vs is not None and o.hazard_ratio_vs not in q.outcomes:
            chk.fail(where, "hazard_ratio_vs", f"no outcome {o.hazard_ratio_vs!r} defined before this one")
        q.outcomes[o.id] = o
    elif section == "phenotype_defaults":
        chk.source(where, "source", entry.source)
        q.phenotype_defaults.append(entry)
    elif section == "exposures":
        x: DrugExposure = entry
        chk.source(where, "source", x.source)
        chk.drug(where, "drug", x.drug)
        for j, t in enumerate(x.tumors):
            chk.tumor(where, f"tumors.{j}", t)
        q.exposures[x.id] = x
    elif section == "pretreatment_prevalence":
        pt: PretreatmentPrevalence = entry
        chk.source(where, "source", pt.source)
        chk.alteration(where, "alteration", pt.alteration)
        for j, t in enumerate(pt.tumors):
            chk.tumor(where, f"tumors.{j}", t)
        q.pretreatment.append(pt)


def _pool_entry(chk: _Checker, q: QuantKnowledge, where: str, spec: PooledFrequencySpec) -> None:
    by_id = {f.id: f for f in q.frequencies}
    members: list[ProgressionFrequency] = []
    for j, m in enumerate(spec.members):
        f = by_id.get(m)
        if f is None:
            chk.fail(where, f"members.{j}", f"no frequency {m!r} defined before this entry")
            raise AssertionError  # pragma: no cover - fail() raises
        if f.n_positive is None or f.n is None:
            chk.fail(where, f"members.{j}", f"{m} has no n_positive and n to pool")
        members.append(f)
    if len(set(spec.members)) != len(spec.members):
        chk.fail(where, "members", "a series is listed twice")
    alts = {None if f.alteration is None else parse_alteration(f.alteration, q._resolve_gene).name for f in members}
    if len(alts) != 1 or len({f.mechanism for f in members}) != 1:
        chk.fail(where, "members", "pool series of one mechanism and one alteration only")
    counts = [(f.n_positive or 0, f.n or 0) for f in members]
    q.pooled[spec.id] = PooledShare(spec.id, members[0].mechanism, members[0].alteration, tuple(spec.members),
                                    tuple(dict.fromkeys(f.source for f in members)), pool(counts), spec.note)


def quant_files(data_dir: Path | None = None) -> list[Path]:
    """The YAML files of quantitative knowledge, sorted."""
    root = data_dir or QUANT_DIR
    return sorted(p for p in root.rglob("*.yaml") if p.is_file())


def load_quant(*, data_dir: Path | None = None, kb: Knowledge | None = None) -> QuantKnowledge:
    """Load and check the quantitative knowledge.

    Parameters
    ----------
    data_dir
        Folder of quantitative YAML (default: the packaged ``data_quant``).
    kb
        Curated knowledge to check names against (default: ``load_knowledge(include_imports=False)``).

    Raises
    ------
    KnowledgeError
        On the first invalid file, entry or field (named on one line).
    """
    root = data_dir or QUANT_DIR
    if kb is not None:
        return _load(root, kb)
    from oncoresist.knowledge.loader import curated_files

    stamp = tuple(p.stat().st_mtime_ns for p in [*quant_files(root), *curated_files()])
    return _load_default(str(root), stamp)


@lru_cache(maxsize=4)
def _load_default(root: str, _stamp: tuple[int, ...]) -> QuantKnowledge:
    from oncoresist.knowledge.loader import load_knowledge

    return _load(Path(root), load_knowledge(include_imports=False))


def _load(root: Path, kb: Knowledge) -> QuantKnowledge:
    parts = []
    for path in quant_files(root):
        label = str(path.relative_to(root.parent)) if root in path.parents else str(path)
        qf, raw = read_quant_file(path, label)
        parts.append((label, qf, raw))
    return build_quant(parts, kb)
