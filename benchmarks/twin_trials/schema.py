"""Schema of ``benchmarks/twin_trials/trials.yaml``: held-out trials, every figure with its source and quote.

:func:`load_trials` reads and validates the file; a bad entry raises :class:`oncoresist.errors.InputFileError`
naming the trial and the field. Besides the shape, it checks that every figure cites an entry of its
trial's ``citations`` and that the number (or, for a text figure such as a dose, the text) appears in that
citation's verbatim quote, so that a transcription error or a recalled number without a source fails.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from oncoresist.errors import InputFileError

TRIALS_FILE = Path(__file__).resolve().parent / "trials.yaml"
SOURCE_RE = re.compile(r"^(PMID:\d+|DOI:10\.\S+)$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Citation(_Model):
    """Where a trial's figures were read: source, page and a verbatim quote that contains them."""

    source: str = Field(min_length=10, description="PMID:<n>, DOI:10.<...>, or the paper by name where no "
                                                   "identifier was confirmed")
    citation: str = Field(min_length=10)
    where: str = Field(min_length=10, description="The page (URL) and the part of it that was read.")
    quote: str = Field(min_length=20, description="Verbatim; '[...]' joins passages of the same page.")

    @property
    def identified(self) -> bool:
        """Whether ``source`` is a PMID or DOI (else the paper is named only)."""
        return bool(SOURCE_RE.match(self.source))


class Figure(_Model):
    """One published number (or text) with its citation."""

    value: float | str
    ci95: tuple[float, float] | None = None
    cite: str = Field(min_length=2)
    note: str = ""

    @model_validator(mode="after")
    def _ci(self) -> Figure:
        if self.ci95 is not None:
            if isinstance(self.value, str):
                raise ValueError("ci95 needs a numeric value")
            lo, hi = self.ci95
            if not lo <= self.value <= hi:
                raise ValueError(f"value {self.value} lies outside its ci95 {list(self.ci95)}")
        return self


class Arm(_Model):
    """One arm: its drug (generic name, continuous monotherapy) and published outcomes."""

    role: Literal["comparator", "experimental"]
    drug: str = Field(min_length=3)
    dose: Figure
    n: Figure
    median_pfs_months: Figure
    objective_response: Figure | None = None

    @model_validator(mode="after")
    def _numbers(self) -> Arm:
        if isinstance(self.n.value, str) or self.n.value <= 0 or self.n.value != int(self.n.value):
            raise ValueError("n.value: a positive whole number of patients")
        if isinstance(self.median_pfs_months.value, str) or self.median_pfs_months.value <= 0:
            raise ValueError("median_pfs_months.value: a positive number of months")
        orr = self.objective_response
        if orr is not None and (isinstance(orr.value, str) or not 0 < orr.value < 1):
            raise ValueError("objective_response.value: a share in (0, 1)")
        return self


class Trial(_Model):
    """A randomised two-arm trial the twin should predict: comparator calibrated, experimental predicted."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    design: str = Field(min_length=10)
    setting: str = Field(min_length=20)
    tumor: str = Field(min_length=2)
    drivers: list[str] = Field(min_length=1)
    driver_mix: dict[str, Figure] | None = None
    driver_mix_note: str = ""
    endpoint: Literal["median_pfs"]
    endpoint_assessment: Figure
    scan_schedule: list[dict[str, float]] | None = None
    scan_schedule_note: str = Field(min_length=10)
    arms: list[Arm] = Field(min_length=2, max_length=2)
    hazard_ratio: Figure
    citations: dict[str, Citation] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Trial:
        roles = sorted(a.role for a in self.arms)
        if roles != ["comparator", "experimental"]:
            raise ValueError(f"arms: one comparator and one experimental arm, got {roles}")
        if self.driver_mix is None and len(self.driver_mix_note) < 10:
            raise ValueError("driver_mix_note: say why the driver mix is missing")
        hr = self.hazard_ratio
        if isinstance(hr.value, str) or not hr.value > 0:
            raise ValueError("hazard_ratio.value: a positive number")
        if hr.ci95 is None and len(hr.note) < 10:
            raise ValueError("hazard_ratio.note: say why the CI is missing")
        for path, fig in self.figures():
            if fig.cite not in self.citations:
                raise ValueError(f"{path}.cite: {fig.cite!r} is not one of citations {sorted(self.citations)}")
            missing = missing_from_quote(fig, self.citations[fig.cite].quote, share=path.endswith("objective_response"))
            if missing:
                raise ValueError(f"{path}: {missing} does not appear in the quote of citation {fig.cite!r}")
        return self

    def figures(self) -> list[tuple[str, Figure]]:
        """Every figure with its path in the trial entry."""
        out = [("endpoint_assessment", self.endpoint_assessment), ("hazard_ratio", self.hazard_ratio)]
        for a in self.arms:
            out += [(f"arms[{a.role}].{k}", f) for k in ("dose", "n", "median_pfs_months", "objective_response")
                    if (f := getattr(a, k)) is not None]
        out += [(f"driver_mix.{k}", f) for k, f in (self.driver_mix or {}).items()]
        return out

    def arm(self, role: str) -> Arm:
        """The comparator or experimental arm."""
        return next(a for a in self.arms if a.role == role)


class TrialsFile(_Model):
    schema_version: Literal["1"]
    trials: list[Trial] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> TrialsFile:
        ids = [t.id for t in self.trials]
        if len(set(ids)) != len(ids):
            raise ValueError(f"trials: duplicate ids in {ids}")
        return self


def _forms(x: float, share: bool) -> list[str]:
    """How a number can be printed in a quote: 9.2, 9·2, 9,2; a share 0.72 as 72 (per cent)."""
    if share:
        x = round(x * 100, 1)
    forms = {f"{x:g}", f"{x:.1f}", f"{x:.2f}", f"{x:.3f}"}
    if float(x).is_integer():
        forms.add(str(int(x)))
    return sorted(forms | {f.replace(".", "·") for f in forms} | {f.replace(".", ",") for f in forms})


def _in(text: str, forms: list[str]) -> bool:
    return any(re.search(rf"(?<![\d.·,]){re.escape(f)}(?![\d])", text) for f in forms)


def missing_from_quote(fig: Figure, quote: str, *, share: bool = False) -> str | None:
    """The first part of ``fig`` (value or a CI bound) that ``quote`` does not contain, else ``None``."""
    if isinstance(fig.value, str):
        return None if fig.value.lower() in quote.lower() else f"value {fig.value!r}"
    if not _in(quote, _forms(fig.value, share)):
        return f"value {fig.value:g}"
    for bound in fig.ci95 or ():
        if not _in(quote, _forms(bound, share)):
            return f"ci95 bound {bound:g}"
    return None


def parse_trials(data: object, *, label: str = "trials") -> TrialsFile:
    """Validate already-parsed YAML; errors name the field (``trials.0.arms.1.n``) and raise InputFileError."""
    try:
        return TrialsFile.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"])
        raise InputFileError(f"{label}: {loc}: {err['msg']}") from None


def load_trials(path: Path = TRIALS_FILE) -> TrialsFile:
    """Read and validate the trials file."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputFileError(f"{path}: cannot read the trials file ({exc})") from None
    return parse_trials(data, label=str(path))
