"""Published lead times of ctDNA detection over progression, to set beside a trial's model figures.

The figures live in ``monitor/data/lead_times.yaml`` (each with its source, where it was read and
the verbatim quote); :func:`published_lead_times` reads and validates them.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from oncoresist.errors import KnowledgeError, validation_message
from oncoresist.units import DAYS_PER_MONTH

LEAD_TIMES = Path(__file__).parent / "data" / "lead_times.yaml"


class PublishedLeadTime(BaseModel):
    """One published lead time of plasma detection of a resistance mutation over progression."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    setting: str = Field(min_length=5)
    mutation: str = Field(min_length=2)
    statistic: Literal["median", "mean", "maximum"]
    months: float = Field(gt=0)
    ci95_months: tuple[float | None, float | None] | None = None
    n: int | None = Field(default=None, gt=0)
    denominator: str = Field(min_length=5)
    endpoint: str = Field(min_length=5, description="What the lead is measured to, e.g. 'clinical progression'.")
    sampling: str = Field(min_length=5)
    source: str = Field(pattern=r"^(PMID:\d+|DOI:10\.\S+)$")
    citation: str = Field(min_length=10)
    where: str = Field(min_length=5)
    quote: str = Field(min_length=10)

    @property
    def days(self) -> float:
        """The figure in days (30.4375 days per month, as the trial analysis converts)."""
        return self.months * DAYS_PER_MONTH


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")

    schema_version: Literal["1"]
    lead_times: list[PublishedLeadTime]


def published_lead_times(path: str | Path | None = None) -> list[PublishedLeadTime]:
    """The published lead times (default: the packaged file); a bad file raises one line."""
    return list(_read(str(path or LEAD_TIMES)))


@lru_cache(maxsize=4)
def _read(path: str) -> tuple[PublishedLeadTime, ...]:
    import yaml
    from pydantic import ValidationError

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        return tuple(_File.model_validate(data).lead_times)
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeError(f"{path}: cannot read published lead times ({' '.join(str(exc).split())})") from None
    except ValidationError as exc:
        raise KnowledgeError(validation_message(exc, source=path)) from None
