"""The annotator's result objects and their JSON form (the DESIGN.md contract)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

Verdict = Literal["resistant", "sensitive", "unknown"]


@dataclass(frozen=True)
class Finding:
    """One knowledge fact that applies to the profile and the drug(s) given.

    The contract fields come first; ``fact_id``, ``tumors`` and ``observed`` are
    for reports and are not part of the JSON contract.
    """

    alteration: str
    gene: str | None
    effect: str
    drugs: list[str]
    mechanism: str
    origin: str
    evidence_level: str
    sources: list[str]
    summary: str
    fact_id: str = ""
    tumors: list[str] = field(default_factory=list)
    observed: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "alteration": self.alteration,
            "gene": self.gene,
            "effect": self.effect,
            "drugs": list(self.drugs),
            "mechanism": self.mechanism,
            "origin": self.origin,
            "evidence_level": self.evidence_level,
            "sources": list(self.sources),
            "summary": self.summary,
        }


@dataclass(frozen=True)
class TherapyOption:
    """A therapy (one drug or several given together) that overcomes a mechanism found."""

    therapy: list[str]
    rationale: str
    addresses: list[str]
    evidence_level: str
    option_ids: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "therapy": list(self.therapy),
            "rationale": self.rationale,
            "addresses": list(self.addresses),
            "evidence_level": self.evidence_level,
        }


@dataclass(frozen=True)
class AnnotationResult:
    """Everything the annotator says about one profile and the drug(s) given.

    Attributes
    ----------
    tumor
        OncoTree code of the tumour type, or ``None``.
    drug
        Generic names of the drug(s) given (together).
    verdict
        ``resistant`` when a resistance finding applies, ``sensitive`` when only
        sensitivity findings apply, ``unknown`` otherwise (no finding, or only
        ``reduced_sensitivity`` findings, which are reported as such).
    findings
        Applicable facts, best evidence first.
    options
        Therapies that overcome the resistance found, best evidence first.
    unrecognised
        Input alterations that parsed but match no knowledge pattern.
    """

    tumor: str | None
    drug: list[str]
    verdict: Verdict
    findings: list[Finding]
    options: list[TherapyOption]
    unrecognised: list[str]
    knowledge_version: str
    oncoresist_version: str
    sample: str | None = None
    alterations: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of ``oncoresist annotate --json`` (field names and order)."""
        return {
            "tumor": self.tumor,
            "drug": list(self.drug),
            "verdict": self.verdict,
            "findings": [f.to_dict() for f in self.findings],
            "options": [o.to_dict() for o in self.options],
            "unrecognised": list(self.unrecognised),
            "knowledge_version": self.knowledge_version,
            "oncoresist_version": self.oncoresist_version,
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent)

    @property
    def resistance_findings(self) -> list[Finding]:
        return [f for f in self.findings if f.effect in ("resistance", "reduced_sensitivity")]
