"""The trial file: arms (strategy + scenario), a cohort, visits, monitoring, follow-up, endpoints.

Loaded with :func:`load_trial`; every problem is reported as one line naming the field path
(``arms.1.strategy.stop_fraction: ...``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator

from oncoresist.errors import OncoresistError, one_line, validation_message
from oncoresist.model.scenario import Scenario
from oncoresist.strategy.policies import POLICIES
from oncoresist.units import POPULATION_CEILING


class TrialError(OncoresistError):
    """A trial file is invalid (the field path is named)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- strategies --------------------------------------------------------------------------
class ContinuousSpec(_Strict):
    """Continuous dosing at a fixed fraction of the MTD."""

    kind: Literal["continuous"]
    drugs: list[str] = Field(min_length=1)
    dose: float = Field(1.0, gt=0, le=1.0)
    stop_at_progression: bool = False
    progression: Literal["recist", "marker"] = "recist"
    progression_fraction: float = Field(1.2, gt=1)


class CombinationSpec(_Strict):
    """Upfront combination of several drugs."""

    kind: Literal["combination"]
    drugs: list[str] = Field(min_length=2)
    dose: float = Field(1.0, gt=0, le=1.0)
    stop_at_progression: bool = False
    progression: Literal["recist", "marker"] = "recist"
    progression_fraction: float = Field(1.2, gt=1)


class IntermittentSpec(_Strict):
    """A fixed on/off schedule."""

    kind: Literal["intermittent"]
    drugs: list[str] = Field(min_length=1)
    on_days: float = Field(gt=0)
    off_days: float = Field(gt=0)
    dose: float = Field(1.0, gt=0, le=1.0)


class AdaptiveSpec(_Strict):
    """Adaptive therapy (Zhang et al. 2017): off below ``stop_fraction`` of baseline, on again at
    ``restart_fraction``."""

    kind: Literal["adaptive"]
    drugs: list[str] = Field(min_length=1)
    stop_fraction: float = Field(0.5, gt=0, lt=1)
    restart_fraction: float = Field(1.0, gt=0)
    marker: Literal["sod", "marker", "tumour_fraction"] = "sod"
    progression_fraction: float = Field(1.2, gt=1)
    dose: float = Field(1.0, gt=0, le=1.0)

    @model_validator(mode="after")
    def _order(self) -> AdaptiveSpec:
        if self.restart_fraction <= self.stop_fraction:
            raise ValueError(
                f"restart_fraction ({self.restart_fraction}) must be larger than stop_fraction ({self.stop_fraction})"
            )
        if self.progression_fraction <= self.restart_fraction:
            raise ValueError("progression_fraction must be larger than restart_fraction")
        return self


class SequentialSpec(_Strict):
    """Lines in order, switching at RECIST progression."""

    kind: Literal["sequential"]
    lines: list[list[str]] = Field(min_length=1)
    dose: float = Field(1.0, gt=0, le=1.0)


class CtdnaGuidedSpec(_Strict):
    """Lines in order, switching at RECIST progression or when plasma shows a resistance mutation."""

    kind: Literal["ctdna_guided"]
    lines: list[list[str]] = Field(min_length=2)
    switch_on: dict[int, list[str]]
    dose: float = Field(1.0, gt=0, le=1.0)

    @model_validator(mode="after")
    def _lines(self) -> CtdnaGuidedSpec:
        for k in self.switch_on:
            if not 0 <= k < len(self.lines) - 1:
                raise ValueError(f"switch_on line {k} has no next line (lines 0..{len(self.lines) - 1})")
        return self


class DoseReductionSpec(_Strict):
    """Full dose until response, then a reduced dose."""

    kind: Literal["dose_reduction"]
    drugs: list[str] = Field(min_length=1)
    dose: float = Field(1.0, gt=0, le=1.0)
    reduced_dose: float = Field(0.5, gt=0, lt=1.0)

    @model_validator(mode="after")
    def _lower(self) -> DoseReductionSpec:
        if self.reduced_dose >= self.dose:
            raise ValueError("reduced_dose must be below dose")
        return self


class ModelGuidedSpec(_Strict):
    """Lines in order, switching at RECIST progression or when the fitted forecast makes progression by the
    next visit likely (:class:`oncoresist.strategy.model_guided.ModelGuided`)."""

    kind: Literal["model_guided"]
    lines: list[list[str]] = Field(min_length=1)
    threshold: float = Field(0.5, gt=0, lt=1)
    horizon_days: float = Field(56.0, gt=0)
    window: int = Field(4, ge=2)
    min_scans: int = Field(3, ge=2)
    noise_cv: float = Field(0.1, gt=0)
    dose: float = Field(1.0, gt=0, le=1.0)

    @model_validator(mode="after")
    def _scans(self) -> ModelGuidedSpec:
        if self.min_scans > self.window:
            raise ValueError(f"min_scans ({self.min_scans}) must not exceed window ({self.window})")
        return self


StrategySpec = Annotated[
    ContinuousSpec | CombinationSpec | IntermittentSpec | AdaptiveSpec | SequentialSpec | CtdnaGuidedSpec
    | DoseReductionSpec | ModelGuidedSpec,
    Field(discriminator="kind"),
]


def build_policy(spec: Any) -> Any:
    """The :mod:`oncoresist.strategy` policy object for a strategy spec."""
    from oncoresist.strategy import policies as p

    data = spec.model_dump()
    kind = data.pop("kind")
    cls = p.POLICIES[kind]
    return cls(**data)


# --- cohort -----------------------------------------------------------------------------
class Distribution(_Strict):
    """A between-patient distribution.

    ``lognormal``: median and sigma (of log; optionally capped at ``low``/``high``); ``normal``: mean and sd
    (truncated at ``low``/``high``);
    ``uniform``: low and high; ``fixed``: value.

    ``luria_delbruck`` (``resistant_fraction`` only): each pre-existing resistant type's count at the start
    of treatment drawn from the Luria–Delbrück distribution of mutants accumulated while its source grew from
    one cell to ``cells`` (Luria & Delbrück 1943; the Poisson-of-clones construction of Iwasa, Nowak & Michor
    2006, Genetics): ``clones`` surviving mutant clones on average (mutation probability per division x
    ``cells``), one entry per resistant cell type in the scenario's order; the factor is the draw over its
    mean, so the scenario's initial count is the cohort's mean. See :func:`oncoresist.trial.cohort.luria_delbruck`.
    """

    dist: Literal["lognormal", "normal", "uniform", "fixed", "luria_delbruck"] = "lognormal"
    median: float | None = Field(None, gt=0)
    sigma: float | None = Field(None, ge=0)
    mean: float | None = None
    sd: float | None = Field(None, ge=0)
    low: float | None = None
    high: float | None = None
    value: float | None = None
    clones: list[Annotated[float, Field(ge=0)]] | None = Field(
        None, description="luria_delbruck: mean number of surviving mutant clones per resistant type (scenario order)")
    cells: list[Annotated[float, Field(ge=1)]] | None = Field(
        None, description="luria_delbruck: cells of each type's source at the start of treatment (same order)")
    measured_sigma: list[Annotated[float, Field(gt=0, le=10)] | None] | None = Field(
        None, description="luria_delbruck: per type (same order), the log-spread of a lognormal factor of mean 1 that "
                          "replaces the type's Luria-Delbruck draw (a measured pre-treatment prevalence); null: none")
    measured_max: list[Annotated[float, Field(ge=1)] | None] | None = Field(
        None, description="luria_delbruck: per type, the largest measured factor (the whole burden); null: no cap")

    @model_validator(mode="after")
    def _complete(self) -> Distribution:
        need = {"lognormal": ("median", "sigma"), "normal": ("mean", "sd"), "uniform": ("low", "high"),
                "fixed": ("value",), "luria_delbruck": ("clones", "cells")}[self.dist]
        missing = [k for k in need if getattr(self, k) is None]
        if missing:
            raise ValueError(f"{self.dist} distribution needs {', '.join(missing)}")
        if self.dist == "uniform" and self.low is not None and self.high is not None and self.high < self.low:
            raise ValueError("high must be at least low")
        if self.dist == "luria_delbruck" and len(self.clones or []) != len(self.cells or []):
            raise ValueError(f"luria_delbruck: clones ({len(self.clones or [])}) and cells ({len(self.cells or [])}) "
                             "need one entry each per resistant cell type")
        for name in ("measured_sigma", "measured_max"):
            extra = getattr(self, name)
            if extra is not None and (self.dist != "luria_delbruck" or len(extra) != len(self.clones or [])):
                raise ValueError(f"{name}: a luria_delbruck list with one entry (or null) per resistant cell type")
        return self


class CohortSpec(_Strict):
    """Between-patient variation. Each entry multiplies the scenario's value (a factor, median 1),
    except ``initial_cells`` and ``resistant_fraction``, which replace it when given.

    Attributes
    ----------
    growth : factor on birth rates of every cell type.
    kill : factor on every drug's maximal effect.
    mutation : factor on every mutation probability.
    clearance : factor on every drug's clearance (PK variability).
    initial_cells : total tumour cells at the start of treatment.
    sensitivity : factor on every drug's EC50 (every cell type): the tumour's own sensitivity, the same for
        every drug, so each drug's kill follows its own EC50 (> 1: less sensitive).
    resistant_fraction : factor on the initial count of every pre-existing resistant type (one per type; a
        ``luria_delbruck`` distribution draws each type's count from its own Luria–Delbrück distribution).
    resistant_growth : factor on the intrinsic birth AND death rates of each resistant type, drawn independently
        per type and patient (on top of ``growth``, which every type shares): the route's own drug-free net
        growth then varies by exactly this factor between patients (drug kill is not scaled; turnover is).
    resistant_growth_shared : one ``resistant_growth`` draw per patient for all its resistant types (a factor of the
        patient's resistant clones, apart from its sensitive clone) instead of one per type.
    resistant_growth_max_net : cap of each resistant type's drug-free net growth (per day, the patient's ``growth``
        factor included) under its ``resistant_growth`` factor.
    resistant_growth_correlation : ρ in [0, 1], the correlation between a patient's routes of the log
        ``resistant_growth`` factor (lognormal only): log factor = σ·(√ρ·Z_patient + √(1 − ρ)·Z_route), Z_patient
        the draw ``resistant_growth_shared`` uses, Z_route one per type from its own stream. ρ = 1 is
        ``resistant_growth_shared`` draw for draw; ρ = 0 independent routes (``resistant_growth_shared`` false has
        the same distribution from another stream). None: as ``resistant_growth_shared`` says.
    """

    growth: Distribution = Distribution(dist="fixed", value=1.0)
    kill: Distribution = Distribution(dist="fixed", value=1.0)
    mutation: Distribution = Distribution(dist="fixed", value=1.0)
    clearance: Distribution = Distribution(dist="fixed", value=1.0)
    initial_cells: Distribution | None = None
    sensitivity: Distribution = Distribution(dist="fixed", value=1.0)
    resistant_fraction: Distribution = Distribution(dist="fixed", value=1.0)
    resistant_growth: Distribution = Distribution(dist="fixed", value=1.0)
    resistant_growth_shared: bool = False
    resistant_growth_max_net: float | None = Field(
        None, gt=0, description="cap (per day) of a resistant type's drug-free net growth under its resistant_growth "
                                "factor (the factor is lowered where it would pass it; None: no cap)")
    resistant_growth_correlation: float | None = Field(
        None, ge=0, le=1, description="correlation rho between a patient's routes of the log resistant_growth factor "
                                      "(1: one factor per patient, as resistant_growth_shared; 0: independent routes; "
                                      "None: as resistant_growth_shared says)")

    @model_validator(mode="after")
    def _luria_delbruck_only_for_counts(self) -> CohortSpec:
        for name in ("growth", "kill", "mutation", "clearance", "initial_cells", "sensitivity", "resistant_growth"):
            dist = getattr(self, name)
            if dist is not None and dist.dist == "luria_delbruck":
                raise ValueError(f"{name}: luria_delbruck draws pre-existing mutant counts; use it for "
                                 "resistant_fraction only")
        rho = self.resistant_growth_correlation
        if rho is not None:
            if self.resistant_growth_shared and rho != 1:
                raise ValueError(f"resistant_growth_correlation: {rho:g} contradicts resistant_growth_shared (one "
                                 "factor per patient, i.e. 1); drop resistant_growth_shared")
            if 0 < rho < 1 and self.resistant_growth.dist not in ("lognormal", "fixed"):
                raise ValueError(f"resistant_growth_correlation: a correlation between 0 and 1 needs a lognormal "
                                 f"resistant_growth, got {self.resistant_growth.dist!r}")
        return self


# --- monitoring ---------------------------------------------------------------------------
class ScanPhase(_Strict):
    """One phase of a tumour-assessment schedule: scans every ``every_days`` until ``until_days``."""

    every_days: float = Field(gt=0)
    until_days: float | None = Field(None, gt=0, description="End of this phase (None: to the end of follow-up).")
    window_days: float = Field(0.0, ge=0, description=(
        "Protocol visit window: each scan of this phase happens on its nominal day + U(-window, +window) days, "
        "drawn per patient and visit (0: on the day). The event is dated on the visit's day; the tumour is "
        "measured at the nominal day (an approximation: within a week the burden moves little against the "
        "20% RECIST margin)."))

    @model_validator(mode="after")
    def _window_inside(self) -> ScanPhase:
        if self.window_days >= self.every_days / 2:
            raise ValueError(f"window_days ({self.window_days:g}) must be less than half of every_days "
                             f"({self.every_days:g}) so that visits keep their order")
        return self


class ImagingSpec(_Strict):
    """Scans: every ``every_days``, or a trial's published schedule in phases (``schedule``)."""

    every_days: float = Field(56.0, gt=0)
    schedule: list[ScanPhase] | None = Field(
        None, min_length=1,
        description="phases in order, e.g. every 42 days until day 546, then every 84 days; replaces every_days",
    )
    schedule_source: str | None = Field(None, description="Where the schedule was published (or that it was not "
                                                          "confirmed).")
    noise_cv: float = Field(0.05, ge=0)
    noise_sd_mm: float = Field(1.0, ge=0)
    detection_limit_mm: float = Field(5.0, ge=0)
    visible_mm: float | None = Field(
        3.0, ge=0,
        description=("per-lesion diameter below which a lesion is gone (0 mm); a lesion seen but under "
                     "detection_limit_mm is recorded at detection_limit_mm (RECIST 1.1: 'too small to measure', 5 mm). "
                     "3 mm is a stated assumption (CT records nodules below 5 mm); null: below detection_limit_mm "
                     "reads 0 mm (the rule before session 6)"))
    n_lesions: int = Field(1, ge=1)
    cells_per_cm3: float = Field(1e9, gt=0)


    @model_validator(mode="after")
    def _visible(self) -> ImagingSpec:
        if self.visible_mm is not None and self.visible_mm > self.detection_limit_mm:
            raise ValueError(f"visible_mm ({self.visible_mm:g}) must not exceed detection_limit_mm "
                             f"({self.detection_limit_mm:g}): set visible_mm at or below it, or null")
        return self

    @model_validator(mode="after")
    def _phases(self) -> ImagingSpec:
        if self.schedule:
            ends = [ph.until_days for ph in self.schedule]
            if any(e is None for e in ends[:-1]):
                raise ValueError("schedule: only the last phase may omit until_days")
            done = [e for e in ends if e is not None]
            if done != sorted(done) or len(set(done)) != len(done):
                raise ValueError("schedule: until_days must increase from phase to phase")
        return self

    def scan_times(self, t_end: float) -> list[float]:
        """Scan days from day 0 (the baseline scan) to ``t_end``."""
        import numpy as np

        if not self.schedule:
            return list(np.arange(0.0, t_end + 1e-9, self.every_days))
        times = [0.0]
        for ph in self.schedule:
            stop = min(ph.until_days if ph.until_days is not None else t_end, t_end)
            t = times[-1] + ph.every_days
            while t <= stop + 1e-9:
                times.append(t)
                t += ph.every_days
        return times

    def scan_windows(self, t_end: float) -> list[float]:
        """The visit window (days, +/-) of each scan of :meth:`scan_times` (0 for the baseline scan)."""
        if not self.schedule:
            return [0.0] * len(self.scan_times(t_end))
        out = [0.0]
        last = 0.0
        for ph in self.schedule:
            stop = min(ph.until_days if ph.until_days is not None else t_end, t_end)
            t = last + ph.every_days
            while t <= stop + 1e-9:
                out.append(ph.window_days)
                last = t
                t += ph.every_days
        return out


class CtdnaSpec(_Strict):
    every_days: float | None = Field(28.0, gt=0)
    tube_ml: float = Field(15.0, gt=0)
    depth: int = Field(10_000, gt=0)
    error_rate: float = Field(1e-5, gt=0, lt=0.5)
    false_positive_rate: float = Field(0.01, gt=0, lt=1)
    confirm_draws: int = Field(
        1, ge=1, le=12,
        description="consecutive positive draws that make a detection (1: every positive call counts; 2: a call "
        "is confirmed by the next draw, the detection dated at the confirming draw)",
    )
    seq_efficiency: float = Field(0.5, gt=0, le=1)
    shedding_per_death: float = Field(
        1.4e-4, gt=0, le=1,
        description="genome equivalents shed into blood per tumour-cell death (Avanzini et al. 2020: 1.4e-4)",
    )
    track: dict[str, list[str]] = Field(
        default_factory=dict,
        description="mutation name -> cell types (of the scenario) that carry it",
    )


class MarkerSpec(_Strict):
    """A serum marker proportional to burden (PSA in the Zhang model); only models that have one."""

    every_days: float | None = Field(None, gt=0)


class MonitorSpec(_Strict):
    imaging: ImagingSpec = ImagingSpec()
    ctdna: CtdnaSpec = CtdnaSpec()
    marker: MarkerSpec = MarkerSpec()


Endpoint = Literal["pfs", "os", "response", "ctdna_lead_time", "cumulative_dose"]
ENDPOINTS: tuple[Endpoint, ...] = ("pfs", "os", "response", "ctdna_lead_time", "cumulative_dose")


class ArmSpec(_Strict):
    """One arm: a name, a strategy and its scenario (a file path, or a :class:`Scenario` object in memory)."""

    name: str = Field(min_length=1)
    scenario: Path | Scenario
    strategy: StrategySpec


class TrialSpec(_Strict):
    """A virtual trial.

    Attributes
    ----------
    name : str
    arms : list of ArmSpec
        Each arm: a strategy and the scenario it runs on (path relative to the trial file).
    patients_per_arm : int
        N per arm (``--patients`` overrides it).
    follow_up_days : float
        Follow-up from the start of treatment.
    cohort : CohortSpec
        Between-patient distributions.
    monitor : MonitorSpec
        Imaging and ctDNA schedules and assays.
    lethal_cells : float
        Death when the tumour reaches this many cells (OS endpoint); an assumption. At most the engines'
        population ceiling (1e15): a patient whose tumour passes it between visits is stopped there and
        counted dead at the next visit.
    endpoints : list of str
        Endpoints to analyse.
    reference_arm : str | None
        Comparator for hazard ratios (default: the first arm).
    engine : {"auto", "tau", "leap", "ssa", "ode"}
        The evolution engine for every patient (``auto``: the engine's choice, the hybrid ``tau`` for
        tumour-sized populations; ``leap``: exact per-type birth-death leaps, see docs/engine.md);
        ``run_trial(method=...)`` and ``oncoresist trial --method`` override it.
    """

    name: str
    arms: list[ArmSpec] = Field(min_length=1)
    patients_per_arm: int = Field(100, gt=0)
    follow_up_days: float = Field(1095.0, gt=0)
    cohort: CohortSpec = CohortSpec()
    monitor: MonitorSpec = MonitorSpec()
    lethal_cells: float = Field(1e12, gt=0, le=POPULATION_CEILING)
    endpoints: list[Endpoint] = Field(default_factory=lambda: list(ENDPOINTS))
    reference_arm: str | None = None
    engine: Literal["auto", "tau", "leap", "ssa", "ode"] = "auto"
    _base_dir: Path | None = PrivateAttr(None)

    @field_validator("arms")
    @classmethod
    def _unique(cls, arms: list[ArmSpec]) -> list[ArmSpec]:
        names = [a.name for a in arms]
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            raise ValueError(f"arm names must be unique; repeated: {', '.join(sorted(dup))}")
        return arms

    @model_validator(mode="after")
    def _reference(self) -> TrialSpec:
        if self.reference_arm is not None and self.reference_arm not in {a.name for a in self.arms}:
            raise ValueError(f"reference_arm {self.reference_arm!r} is not an arm")
        return self

    def scenario_source(self, arm: ArmSpec) -> Path | Scenario:
        """The arm's scenario: a :class:`Scenario` object as given, or its file path resolved."""
        return arm.scenario if isinstance(arm.scenario, Scenario) else self.scenario_path(arm)

    def scenario_path(self, arm: ArmSpec) -> Path:
        if isinstance(arm.scenario, Scenario):
            raise TrialError(f"arms: arm {arm.name!r} holds a Scenario object, not a file path")
        p = Path(arm.scenario)
        return p if p.is_absolute() or self._base_dir is None else self._base_dir / p


_KINDS = {"continuous", "combination", "intermittent", "adaptive", "sequential", "ctdna_guided", "dose_reduction",
          "model_guided"}


def _format(exc: ValidationError, source: str) -> str:
    err = exc.errors()[0]
    parts = list(err["loc"])
    # drop the discriminator tag pydantic inserts after "strategy" (arms.0.strategy.adaptive.stop_fraction)
    parts = [x for i, x in enumerate(parts) if not (i > 0 and parts[i - 1] == "strategy" and x in _KINDS)]
    loc = ".".join(str(x) for x in parts)
    if err["type"] == "union_tag_invalid" and isinstance(err.get("input"), dict):
        loc = loc + ".kind" if not loc.endswith("kind") else loc
        msg = f"unknown strategy {err['input'].get('kind')!r}; expected one of {', '.join(POLICIES)}"
        extra = f" (and {len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
        return one_line(f"{source}: {loc}: {msg}{extra}")
    return validation_message(exc, source=source, loc=lambda _: loc)


def parse_trial(data: dict[str, Any], *, source: str = "trial", base_dir: Path | None = None,
                check_files: bool = True) -> TrialSpec:
    """Validate a trial mapping; raise :class:`TrialError` naming the field path."""
    if not isinstance(data, dict):
        raise TrialError(f"{source}: the file must hold a mapping (name, arms, ...)")
    try:
        spec = TrialSpec.model_validate(data)
    except ValidationError as exc:
        raise TrialError(_format(exc, source)) from None
    spec._base_dir = base_dir
    if check_files:
        for i, arm in enumerate(spec.arms):
            if isinstance(arm.scenario, Scenario):
                continue
            path = spec.scenario_path(arm)
            if not path.is_file():
                raise TrialError(f"{source}: arms.{i}.scenario: scenario file {str(path)!r} does not exist")
    return spec


def load_trial(path: str | Path, *, check_files: bool = True) -> TrialSpec:
    """Read and validate a trial YAML file."""
    import yaml

    p = Path(path)
    if not p.is_file():
        raise TrialError(f"trial file {str(p)!r} does not exist")
    try:
        data = yaml.safe_load(p.read_text())
    except yaml.YAMLError as exc:
        raise TrialError(f"{p}: not valid YAML: {' '.join(str(exc).split())}") from None
    return parse_trial(data, source=str(p), base_dir=p.parent, check_files=check_files)
