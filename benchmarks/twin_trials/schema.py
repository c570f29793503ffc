"""Schema of the held-out trials files (``benchmarks/twin_trials/trials.yaml``, ``trials_b.yaml``): every figure
with its source and quote.

:func:`load_trials` reads and validates the file; a bad entry raises :class:`oncoresist.errors.InputFileError`
naming the trial and the field. Besides the shape, it checks that every figure cites an entry of its
trial's ``citations`` and that the number (or, for a text figure such as a dose, the text) appears in that
citation's verbatim quote, so that a transcription error or a recalled number without a source fails.

The second set (``trials_b.yaml``) needs a few optional fields the first did not (all additive; the first file
validates unchanged): a figure may have ``value: null`` with a quoted ``ci95`` (a hazard ratio whose interval is
printed but not its point estimate), and an arm's ``dose`` and ``n``, a trial's ``endpoint_assessment`` and
``hazard_ratio`` may be left out when the stored pages do not give them, each with a ``..._note`` saying so;
``caveats`` lists how a trial's population differs from what the twin models (e.g. previously treated patients).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from oncoresist.errors import InputFileError

TRIALS_FILE = Path(__file__).resolve().parent / "trials.yaml"
TRIALS_B_FILE = Path(__file__).resolve().parent / "trials_b.yaml"
"""The second, blind set (helper trials4): trials not run before the twin changes of session 5 were merged."""
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
    """One published number (or text) with its citation; ``value: null`` only with a quoted ``ci95``."""

    value: float | str | None
    ci95: tuple[float, float] | None = None
    cite: str = Field(min_length=2)
    note: str = ""

    @model_validator(mode="after")
    def _ci(self) -> Figure:
        if self.value is None:
            if self.ci95 is None:
                raise ValueError("value: null is allowed only with a quoted ci95 (a point estimate not printed)")
            if len(self.note) < 10:
                raise ValueError("note: say why the value is null")
            if not self.ci95[0] < self.ci95[1]:
                raise ValueError(f"ci95 {list(self.ci95)}: the lower bound first")
        elif self.ci95 is not None:
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
    dose: Figure | None = None
    dose_note: str = ""
    n: Figure | None = None
    n_note: str = ""
    median_pfs_months: Figure
    objective_response: Figure | None = None
    objective_response_note: str = ""

    @model_validator(mode="after")
    def _numbers(self) -> Arm:
        if self.dose is None and len(self.dose_note) < 10:
            raise ValueError("dose_note: say why the dose is missing")
        if self.n is None:
            if len(self.n_note) < 10:
                raise ValueError("n_note: say why the number of patients is missing")
        elif not isinstance(self.n.value, (int, float)) or self.n.value <= 0 or self.n.value != int(self.n.value):
            raise ValueError("n.value: a positive whole number of patients")
        if not isinstance(self.median_pfs_months.value, (int, float)) or self.median_pfs_months.value <= 0:
            raise ValueError("median_pfs_months.value: a positive number of months")
        orr = self.objective_response
        if orr is not None and (not isinstance(orr.value, (int, float)) or not 0 < orr.value < 1):
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
    endpoint_assessment: Figure | None = None
    endpoint_assessment_note: str = ""
    scan_schedule: list[dict[str, float]] | None = None
    scan_schedule_note: str = Field(min_length=10)
    arms: list[Arm] = Field(min_length=2, max_length=2)
    hazard_ratio: Figure | None = None
    hazard_ratio_note: str = ""
    citations: dict[str, Citation] = Field(min_length=1)
    caveats: list[str] = Field(default_factory=list, description="How the trial differs from what the twin models.")

    @model_validator(mode="after")
    def _consistent(self) -> Trial:
        roles = sorted(a.role for a in self.arms)
        if roles != ["comparator", "experimental"]:
            raise ValueError(f"arms: one comparator and one experimental arm, got {roles}")
        if self.driver_mix is None and len(self.driver_mix_note) < 10:
            raise ValueError("driver_mix_note: say why the driver mix is missing")
        if self.endpoint_assessment is None and len(self.endpoint_assessment_note) < 10:
            raise ValueError("endpoint_assessment_note: say why the assessment is missing")
        hr = self.hazard_ratio
        if hr is None:
            if len(self.hazard_ratio_note) < 10:
                raise ValueError("hazard_ratio_note: say why the hazard ratio is missing")
        else:
            if isinstance(hr.value, str) or (hr.value is not None and not hr.value > 0):
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
        out = [(k, f) for k, f in (("endpoint_assessment", self.endpoint_assessment),
                                   ("hazard_ratio", self.hazard_ratio)) if f is not None]
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
    if fig.value is not None and not _in(quote, _forms(fig.value, share)):
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
