"""Request and response bodies of the REST API (pydantic; the OpenAPI schema is built from them).

The annotation request body is the profile file format itself
(:class:`oncoresist.profile.schema.Profile`); the response is the JSON contract of
``oncoresist annotate --json`` (DESIGN.md), open to fields added later (``conflicts``).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from oncoresist.twin.compare import STRATEGIES


class FindingOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    alteration: str
    gene: str | None = None
    effect: str
    drugs: list[str]
    mechanism: str
    origin: str
    evidence_level: str
    sources: list[str]
    summary: str


class OptionOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    therapy: list[str]
    rationale: str
    addresses: list[str]
    evidence_level: str


class AnnotationOut(BaseModel):
    """The JSON contract of ``oncoresist annotate --json``."""

    model_config = ConfigDict(extra="allow")

    tumor: str | None = None
    drug: list[str]
    verdict: Literal["resistant", "sensitive", "unknown"]
    findings: list[FindingOut]
    options: list[OptionOut]
    unrecognised: list[str]
    conflicts: list[dict[str, Any]] = Field(default_factory=list)
    knowledge_version: str
    oncoresist_version: str
    sample: str | None = Field(default=None, description="Sample name (uploads); not part of the CLI contract.")


class BadRowOut(BaseModel):
    file: str
    line: int | None
    field: str
    message: str


class BatchOut(BaseModel):
    """The per-sample results of an uploaded MAF, VCF or copy-number/fusion table."""

    samples: list[AnnotationOut]
    rows: int = Field(description="Data rows read from the file.")
    bad_rows: list[BadRowOut] = Field(description="Rows skipped, with line, field and reason (first 100).")
    bad_rows_total: int


class ErrorOut(BaseModel):
    """Every 4xx from the API: one line naming the field or the limit, and the fix."""

    error: str
    field: str | None = None
    suggestions: list[str] = Field(default_factory=list)


class TwinRequest(BaseModel):
    """A twin job: the profile, the drugs on the table, strategies to compare, cohort size, seed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    alterations: list[str] = Field(min_length=1, max_length=50, description="e.g. ['EGFR L858R'].")
    drugs: list[str] = Field(min_length=1, max_length=5, description="Generic or brand names, first line first.")
    tumor: str | None = Field(default=None, max_length=200, description="OncoTree code or name, e.g. NSCLC.")
    strategies: list[str] = Field(
        default_factory=lambda: ["continuous"], min_length=1, max_length=len(STRATEGIES),
        description=f"Names from {', '.join(STRATEGIES)} (checked against the twin before the job is queued).",
    )
    patients: int = Field(default=50, ge=1, description="Virtual patients per strategy (server limit applies).")
    seed: int | None = Field(default=None, ge=0, lt=2**128, description="Root seed; omitted: OS entropy, reported.")
    follow_up_days: float = Field(default=1095.0, gt=0, le=3650.0)
    min_evidence: Literal["A", "B", "C", "D", "E"] = "C"


class JobOut(BaseModel):
    """A twin job's status."""

    id: str
    state: Literal["queued", "running", "done", "failed", "cancelled"]
    stage: str
    progress: float = Field(ge=0, le=1)
    batches_done: int
    batches_total: int
    error: str | None = None
    seed: int | None = None
    strategies: list[str]
    patients: int | None = None
    created: float
    started: float | None = None
    finished: float | None = None
    links: dict[str, str] = Field(default_factory=dict)


class VersionOut(BaseModel):
    knowledge_version: str
    oncoresist_version: str
    facts: int
    options: int
    genes: int
    drugs: int
    tumors: int
    imports: list[str]


class Suggestion(BaseModel):
    value: str
    label: str
