"""The scenario file format: cell types, transitions, drugs, treatment.

A scenario is plain data, validated by pydantic (``extra="forbid"``). Names of
genes, drugs and states are labels only: :func:`oncoresist.model.compile_scenario`
turns them into numeric arrays before any engine sees them.

Units: time in days, rates per day, populations in cells, doses in the drug's
own amount unit (e.g. mg), volumes in litres, concentrations in amount per litre
(or, for ``constant`` exposure, any unit shared with the drug's EC50 values).
"""

from __future__ import annotations

from typing import Annotated, Final, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from oncoresist.model._checks import check_references
from oncoresist.units import MAX_INITIAL_POPULATION

SCHEMA_VERSION: Final = 1
MAX_POPULATION: Final = MAX_INITIAL_POPULATION
"""Largest total initial population accepted (cells); see :mod:`oncoresist.units`."""

NonNeg = Annotated[float, Field(ge=0.0)]
Pos = Annotated[float, Field(gt=0.0)]
Prob = Annotated[float, Field(ge=0.0, le=1.0)]
Fraction = Annotated[float, Field(ge=0.0, le=1.0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Effect(_Strict):
    """A pharmacodynamic response: an Emax/Hill curve acting on birth or death.

    ``acts_on="birth"`` (cytostatic): birth is multiplied by ``1 - emax·H(c)`` and
    ``emax`` is a fraction in [0, 1]. ``acts_on="death"`` (cytotoxic): ``emax·H(c)``
    is added to death and ``emax`` is a rate per day. ``H(c) = c^h/(EC50^h + c^h)``.
    """

    acts_on: Literal["birth", "death"] = "death"
    emax: NonNeg
    ec50: Pos = 1.0
    hill: Pos = 1.0

    @model_validator(mode="after")
    def _birth_fraction(self) -> Effect:
        if self.acts_on == "birth" and self.emax > 1.0:
            raise ValueError("emax of an effect on birth is a fraction and must be at most 1")
        return self


class EffectOverride(_Strict):
    """Per-cell-type changes to a drug's default effect (unset fields are inherited)."""

    acts_on: Literal["birth", "death"] | None = None
    emax: NonNeg | None = None
    ec50: Pos | None = None
    hill: Pos | None = None


class PK(_Strict):
    """Pharmacokinetics of one drug.

    ``model="oral"``: one compartment, first-order absorption (``ka``) and
    elimination (``k = CL/V``); ``"iv_bolus"``: one compartment, instantaneous
    input; ``"constant"``: the dose *is* the exposure (concentration) while given.
    ``cv_clearance`` and ``cv_volume`` are between-patient coefficients of
    variation of a log-normal distribution whose median is the typical value.
    ``clearance_factor`` multiplies clearance (drug metabolism modifier).
    """

    model: Literal["oral", "iv_bolus", "constant"] = "constant"
    ka: Pos = 24.0
    clearance: Pos = 1.0
    volume: Pos = 1.0
    bioavailability: Fraction = 1.0
    cv_clearance: NonNeg = 0.0
    cv_volume: NonNeg = 0.0
    clearance_factor: Pos = 1.0


class Drug(_Strict):
    """A drug: its PK, its default effect on every cell type, and its class flags."""

    name: str = Field(min_length=1)
    pk: PK = PK()
    effect: Effect
    dna_damaging: bool = False
    interval: Pos = 1.0
    """Default dosing interval (days) when dosing is started with ``set_dose``."""


class ECFold(_Strict):
    """On-target resistance: EC50 is multiplied by ``fold`` for ``drugs``."""

    kind: Literal["ec50_fold"]
    drugs: list[str] = Field(min_length=1)
    fold: Pos


class EmaxReduction(_Strict):
    """Bypass, downstream activation or apoptosis evasion: Emax × (1 − reduction)."""

    kind: Literal["emax_reduction"]
    drugs: list[str] | None = None
    reduction: Fraction
    acts_on: Literal["birth", "death", "both"] = "both"


class Efflux(_Strict):
    """Efflux transporters: intracellular concentration of substrates × factor."""

    kind: Literal["efflux"]
    drugs: list[str] = Field(min_length=1)
    intracellular_factor: Fraction


class DNARepair(_Strict):
    """DNA repair: drug-induced death by DNA-damaging drugs × (1 − reduction)."""

    kind: Literal["dna_repair"]
    reduction: Fraction


class Autophagy(_Strict):
    """Survival under stress: drug-induced death by every drug × (1 − survival)."""

    kind: Literal["autophagy"]
    survival: Fraction


class Sanctuary(_Strict):
    """A sanctuary compartment: the cells see ``exposure_factor`` × the concentration."""

    kind: Literal["sanctuary"]
    exposure_factor: Fraction
    drugs: list[str] | None = None


class ImmuneEvasion(_Strict):
    """Immune evasion: this fraction of the scenario's immune kill is lost."""

    kind: Literal["immune_evasion"]
    fraction: Fraction


Modifier = Annotated[
    ECFold | EmaxReduction | Efflux | DNARepair | Autophagy | Sanctuary | ImmuneEvasion,
    Field(discriminator="kind"),
]


class CellType(_Strict):
    """A genotype in a phenotypic state, with its rates and responses."""

    name: str = Field(min_length=1)
    genotype: list[str] = Field(default_factory=list)
    state: str = "proliferating"
    mechanisms: list[str] = Field(default_factory=list)
    """Labels from the knowledge vocabulary (documentation only)."""
    initial: NonNeg = 0.0
    birth: NonNeg
    death: NonNeg
    pd: dict[str, EffectOverride] = Field(default_factory=dict)
    modifiers: list[Modifier] = Field(default_factory=list)

    @field_validator("initial")
    @classmethod
    def _whole_cells(cls, v: float) -> float:
        if v != int(v):
            raise ValueError("initial count must be a whole number of cells")
        if v > MAX_POPULATION:
            raise ValueError(f"initial count {v:g} exceeds the supported maximum {MAX_POPULATION:g} cells")
        return v


class Mutation(_Strict):
    """At each division of ``source``, one daughter becomes ``target`` with ``probability``.

    ``kind="division"`` is the same process read as asymmetric division (a stem-like
    cell giving one stem-like and one differentiated daughter).
    """

    kind: Literal["mutation", "division"]
    source: str
    target: str
    probability: Prob


class Switch(_Strict):
    """Phenotype switching ``source → target`` at a rate per day.

    Without ``drug`` the rate is ``rate``. With ``drug`` it is
    ``rate + (rate_on_drug − rate)·H(c)``, ``H`` a Hill function of the source
    cell's exposure: drug-induced persisters (``rate_on_drug > rate``) or
    reversion on drug holidays (``rate_on_drug < rate``).
    """

    kind: Literal["switch"]
    source: str
    target: str
    rate: NonNeg
    drug: str | None = None
    rate_on_drug: NonNeg | None = None
    ec50: Pos = 1.0
    hill: Pos = 1.0


Transition = Annotated[Mutation | Switch, Field(discriminator="kind")]


class Dosing(_Strict):
    """One phase of a fixed schedule: ``dose`` every ``interval`` days from ``start`` to ``stop``.

    For ``constant`` PK the dose is the exposure level held from ``start`` to ``stop``.
    Later phases of the same drug override earlier ones from their start.
    """

    drug: str
    start: NonNeg = 0.0
    stop: NonNeg | None = None
    dose: NonNeg
    interval: Pos | None = None

    @model_validator(mode="after")
    def _order(self) -> Dosing:
        if self.stop is not None and self.stop <= self.start:
            raise ValueError("stop must be after start")
        return self


def _cell_selection(v: object) -> object:
    if isinstance(v, str) and v != "total":
        return [v]
    if isinstance(v, list) and not v:
        raise ValueError("give 'total' or at least one cell type name")
    if not isinstance(v, str | list) or (isinstance(v, list) and not all(isinstance(x, str) for x in v)):
        raise ValueError("must be 'total', a cell type name or a list of cell type names")
    return v


CellSelection = Annotated[Literal["total"] | list[str], BeforeValidator(_cell_selection)]
"""What a trigger watches: ``"total"`` (every cell type), one type's name, or a list of names (summed)."""


class Crossing(_Strict):
    """The watched count passes ``threshold`` between two checks.

    ``direction="up"`` fires at the first check with count ≥ ``threshold`` whose previous
    check (since the trigger was armed) had count < ``threshold``; ``"down"`` at the first
    check with count ≤ ``threshold`` after one with count > ``threshold``. A count already
    beyond the threshold when the trigger is armed must come back across it first.
    """

    kind: Literal["crossing"]
    cells: CellSelection = "total"
    direction: Literal["up", "down"]
    threshold: Pos


class Relapse(_Strict):
    """Regrowth after a response, judged at each check since the trigger was armed.

    With ``size``: the count is ≥ ``size`` again after having been < ``size`` at an earlier
    check (relapse *to* a size; from one cell, the first time it reaches the size). With
    ``fold_from_nadir``: the count is > 0 and ≥ ``fold_from_nadir`` × its lowest value at the
    checks so far (e.g. 1.2: a 20% rise above the nadir). Both given: both must hold.
    """

    kind: Literal["relapse"]
    cells: CellSelection = "total"
    size: Pos | None = None
    fold_from_nadir: Annotated[float, Field(gt=1.0)] | None = None

    @model_validator(mode="after")
    def _some_rule(self) -> Relapse:
        if self.size is None and self.fold_from_nadir is None:
            raise ValueError("give size, fold_from_nadir or both")
        return self


Condition = Annotated[Crossing | Relapse, Field(discriminator="kind")]


class DoseChange(_Strict):
    """Set ``drug`` to ``dose`` from the check at which the trigger fires (0 stops it).

    A drug not being given starts then, every ``interval`` days (default: the drug's);
    for ``constant`` PK the dose is the exposure. Later fixed ``treatment`` phases of the
    same drug still apply from their start.
    """

    drug: str
    dose: NonNeg
    interval: Pos | None = None


class Trigger(_Strict):
    """A treatment change that follows the tumour: when ``when`` holds, apply ``then``.

    Checked at every ``trigger_check_interval`` days, per replicate. ``after``: armed only
    from the check at which the named trigger first fires (default: armed from day 0).
    Fires once unless ``repeat``; ``stop`` ends the replicate's simulation when it fires
    (its state is kept; e.g. treatment failure when nothing after it matters).
    """

    name: str = Field(min_length=1)
    when: Condition
    then: list[DoseChange] = Field(default_factory=list)
    after: str | None = None
    repeat: bool = False
    stop: bool = False


class Competition(_Strict):
    """Lotka–Volterra competition (logistic with one type).

    Death of type i gains ``max(b_i − d_i, 0)·Σ_j a_ij·n_j / K_i``, so the mean field
    is ``dn_i/dt = r_i·n_i·(1 − Σ_j a_ij n_j / K_i)`` without drug (Zhang et al. 2017).
    ``interaction`` lists non-default ``a_ij`` (default 1) as ``{i: {j: a_ij}}``.
    """

    carrying_capacity: Pos | dict[str, Pos]
    interaction: dict[str, dict[str, NonNeg]] = Field(default_factory=dict)


class Scenario(_Strict):
    """A tumour, its resistance mechanisms, the drugs and the treatment schedule."""

    schema_version: Literal[1] = SCHEMA_VERSION
    name: str = "scenario"
    description: str = ""
    cell_types: list[CellType] = Field(min_length=1)
    transitions: list[Transition] = Field(default_factory=list)
    drugs: list[Drug] = Field(default_factory=list)
    treatment: list[Dosing] = Field(default_factory=list)
    combination: Literal["bliss", "loewe"] = "bliss"
    immune_kill: NonNeg = 0.0
    """Immune kill (per day) added to the death of every type, less its evasion."""
    competition: Competition | None = None
    triggers: list[Trigger] = Field(default_factory=list)
    """Treatment changes on the tumour's own course (run by :mod:`oncoresist.engine.triggers`)."""
    trigger_check_interval: Pos = 1.0
    """Days between trigger checks: a crossing is acted on at the first check at or after it."""

    @model_validator(mode="after")
    def _references(self) -> Scenario:
        check_references(self)
        return self
