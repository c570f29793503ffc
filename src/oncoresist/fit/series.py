"""The longitudinal record of one patient: measurements over time and treatment periods.

A :class:`Series` is what ``oncoresist fit`` reads. It holds

- ``measurements``: one :class:`Measurement` per observation, with its time in days, its
  :class:`MeasurementKind` (lesion diameter or volume, sum of diameters, ctDNA variant allele
  fraction per mutation with read depth, tumour fraction, a serum marker), the value in the
  kind's unit, and a ``target`` (the lesion id, the mutation, or nothing);
- ``treatments``: :class:`TreatmentPeriod` rows (drug, dose, start and stop day).

Times are days relative to any fixed origin (negative times, e.g. a baseline scan before the first
dose, are allowed). Within one (kind, target) track, times must not decrease. The formats on disk
(long CSV, JSON, YAML) are described in ``docs/fit.md`` and their JSON Schema is printed by
``oncoresist schema series``.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from oncoresist.errors import OncoresistError

SCHEMA_VERSION = "1"


class SeriesError(OncoresistError):
    """A longitudinal series (file, row, field) is invalid."""


class MeasurementKind(StrEnum):
    """What a measurement measures; the unit is fixed per kind (see :data:`UNITS`)."""

    lesion_diameter = "lesion_diameter"
    lesion_volume = "lesion_volume"
    sum_of_diameters = "sum_of_diameters"
    ctdna_vaf = "ctdna_vaf"
    tumour_fraction = "tumour_fraction"
    psa = "psa"
    ca125 = "ca125"
    bcr_abl1_ratio = "bcr_abl1_ratio"


UNITS: dict[MeasurementKind, str] = {
    MeasurementKind.lesion_diameter: "mm",
    MeasurementKind.lesion_volume: "mm3",
    MeasurementKind.sum_of_diameters: "mm",
    MeasurementKind.ctdna_vaf: "fraction",
    MeasurementKind.tumour_fraction: "fraction",
    MeasurementKind.psa: "ng/mL",
    MeasurementKind.ca125: "U/mL",
    MeasurementKind.bcr_abl1_ratio: "percent IS",
}
"""The unit each kind's ``value`` is given in (BCR::ABL1 as % on the International Scale)."""

IMAGING_KINDS = frozenset(
    {MeasurementKind.lesion_diameter, MeasurementKind.lesion_volume, MeasurementKind.sum_of_diameters}
)
FRACTION_KINDS = frozenset({MeasurementKind.ctdna_vaf, MeasurementKind.tumour_fraction})


class Measurement(BaseModel):
    """One observation of one kind at one time."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    time_days: float = Field(description="Days from the series origin (may be negative).")
    kind: MeasurementKind
    value: float = Field(ge=0.0, description="In the kind's unit (see UNITS); fractions in [0, 1].")
    target: str | None = Field(
        default=None,
        description="Lesion id (imaging), mutation (ctDNA VAF, e.g. 'EGFR T790M'); empty for whole-tumour kinds.",
    )
    depth: int | None = Field(default=None, ge=1, description="Reads covering the locus (ctDNA VAF only).")
    below_detection: bool = Field(default=False, description="Reported as below the assay's detection limit.")

    @field_validator("value")
    @classmethod
    def _fraction(cls, value: float, info: ValidationInfo) -> float:
        kind = info.data.get("kind")
        if kind in FRACTION_KINDS and value > 1.0:
            raise ValueError(f"value {value} of kind {kind.value} must be a fraction in [0, 1]")
        return value

    @field_validator("depth")
    @classmethod
    def _depth(cls, depth: int | None, info: ValidationInfo) -> int | None:
        kind = info.data.get("kind")
        if depth is not None and kind is not None and kind is not MeasurementKind.ctdna_vaf:
            raise ValueError(f"depth is only meaningful for ctdna_vaf, not {kind.value}")
        return depth

    @property
    def track(self) -> tuple[MeasurementKind, str | None]:
        return (self.kind, self.target)


class TreatmentPeriod(BaseModel):
    """A drug (or a combination, drugs joined by '+') given from ``start_days`` to ``stop_days``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    drug: str = Field(min_length=1, description="Generic name(s); a combination as 'drugA+drugB'.")
    start_days: float
    stop_days: float | None = Field(default=None, description="Last day on drug; empty = still on it.")
    dose: float | None = Field(default=None, ge=0.0)
    dose_unit: str | None = None

    @field_validator("stop_days")
    @classmethod
    def _stop(cls, stop: float | None, info: ValidationInfo) -> float | None:
        start = info.data.get("start_days")
        if stop is not None and start is not None and stop < start:
            raise ValueError(f"stop_days {stop} is before start_days {start}")
        return stop

    def covers(self, t: float) -> bool:
        return self.start_days <= t and (self.stop_days is None or t <= self.stop_days)


class Series(BaseModel):
    """One patient's longitudinal record (measurements and treatment periods)."""

    model_config = ConfigDict(extra="forbid")

    schema_version: str = SCHEMA_VERSION
    patient_id: str = Field(min_length=1)
    arm: str | None = Field(default=None, description="Trial arm or cohort, where known.")
    source: str | None = Field(default=None, description="Where the data come from (paper, DOI, file).")
    measurements: list[Measurement] = Field(min_length=1)
    treatments: list[TreatmentPeriod] = Field(default_factory=list)

    @model_validator(mode="after")
    def _sorted(self) -> Series:
        last: dict[tuple[MeasurementKind, str | None], float] = {}
        for i, m in enumerate(self.measurements):
            prev = last.get(m.track)
            if prev is not None and m.time_days < prev:
                raise ValueError(
                    f"measurements[{i}].time_days {m.time_days} is before {prev} for {m.kind.value}"
                    f"{' ' + m.target if m.target else ''}: sort the rows by time"
                )
            last[m.track] = m.time_days
        return self

    def tracks(self) -> list[tuple[MeasurementKind, str | None]]:
        """The distinct (kind, target) tracks, in order of first appearance."""
        seen: dict[tuple[MeasurementKind, str | None], None] = {}
        for m in self.measurements:
            seen.setdefault(m.track, None)
        return list(seen)

    def track(self, kind: MeasurementKind, target: str | None = None) -> list[Measurement]:
        return [m for m in self.measurements if m.kind is kind and m.target == target]
