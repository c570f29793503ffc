"""The annotator's result objects and their JSON form (the DESIGN.md contract).

The contract fields of each object come first in its JSON form, in the order DESIGN.md
gives; the fields after them (evidence grouped by database, tumour relation, standing,
conflicts, ...) are additions for reports and for a reader who checks the reasoning.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

DISCLAIMER = (
    "Research software, not a medical device. The findings summarise published evidence for research use "
    "and must not be used on their own to make treatment decisions."
)
"""Carried by every annotation output: the JSON's ``disclaimer`` field, the batch TSV's comment line, the reports."""


#: evidence items detailed per finding in the JSON form (strongest first; ``databases`` lists every record)
EVIDENCE_SHOWN = 25

Verdict = Literal["resistant", "sensitive", "unknown"]
#: How a finding entered the verdict (see docs/annotate.md, "Verdict rule").
Status = Literal["decisive", "outweighed", "tied", "overcome", "outranked", "lower_standing"]
#: Relation of the tumour a piece of evidence was recorded in to the query tumour.
Relation = Literal["same", "ancestor", "descendant", "sibling", "unrelated", "any", "not_assessed"]


@dataclass(frozen=True)
class EvidenceItem:
    """One knowledge fact behind a finding: where it comes from and where it was recorded."""

    fact_id: str
    database: str  # curated | civic | cgi | derived
    record: str  # the database's own id: a curated fact id, "EID1234", "row12"
    evidence_level: str
    tumors: tuple[str, ...]
    relation: str
    sources: tuple[str, ...]
    preclinical: bool
    regimen: bool  # a combination-level fact about the drugs given together
    pattern: str = "exact"  # how broad the fact's broadest pattern is: exact | codon | class | gene
    match: str = "exact"  # exact | possible (the input is less specific than the fact, or its reference differs)

    def to_dict(self) -> dict[str, Any]:
        return {
            "fact_id": self.fact_id,
            "database": self.database,
            "record": self.record,
            "evidence_level": self.evidence_level,
            "tumors": list(self.tumors),
            "tumor_relation": self.relation,
            "preclinical": self.preclinical,
            "regimen": self.regimen,
            "pattern": self.pattern,
            "match": self.match,
            "sources": list(self.sources),
        }


@dataclass(frozen=True)
class Finding:
    """All evidence for one (alterations, drug or regimen, effect, mechanism).

    The contract fields come first. ``mechanism`` is ``None`` for sensitivity findings.
    ``evidence`` lists every fact behind the finding; ``status`` says how the finding
    entered the verdict (``decisive``, ``outweighed`` by contrary evidence of a higher
    tier, ``tied`` with it, ``overcome`` by another drug of the regimen, ``outranked`` by
    regimen-level evidence, or ``lower_standing``: recorded only in other tumour types).
    """

    alteration: str
    gene: str | None
    effect: str
    drugs: list[str]
    mechanism: str | None
    origin: str
    evidence_level: str
    sources: list[str]
    summary: str
    fact_id: str = ""
    fact_ids: tuple[str, ...] = ()
    tumors: list[str] = field(default_factory=list)
    observed: tuple[str, ...] = ()
    evidence: tuple[EvidenceItem, ...] = ()
    tumor_relation: str = "not_assessed"
    standing: str = "applies"  # applies | lower
    regimen: bool = False
    status: str = "decisive"
    note: str = ""
    match: str = "exact"
    warnings: tuple[str, ...] = ()
    core: tuple[str, ...] = ()  # the observations the evidence is about (see aggregate.Match.core)

    @property
    def databases(self) -> dict[str, list[str]]:
        """Record ids grouped by database (curated fact ids, CIViC EIDs, CGI rows)."""
        out: dict[str, list[str]] = {}
        for e in self.evidence:
            ids = out.setdefault(e.database, [])
            if e.record not in ids:
                ids.append(e.record)
        return out

    def to_dict(self) -> dict[str, Any]:
        by_db = self.databases
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
            "status": self.status,
            "note": self.note,
            "regimen": self.regimen,
            "tumor_relation": self.tumor_relation,
            "standing": self.standing,
            "match": self.match,
            "warnings": list(self.warnings),
            "n_evidence": len(self.evidence),
            "databases": {db: {"n": len(ids), "records": ids} for db, ids in by_db.items()},
            "evidence": [e.to_dict() for e in self.evidence[:EVIDENCE_SHOWN]],
        }


@dataclass(frozen=True)
class Conflict:
    """Evidence that disagrees with the verdict, or with the evidence that decided it."""

    side: str  # resistance | sensitivity
    alteration: str
    drugs: list[str]
    evidence_level: str
    sources: list[str]
    tumor_relation: str
    resolution: str  # outweighed | tied
    against: str  # the finding on the other side, as "EGFR T790M: resistance (A)"

    def to_dict(self) -> dict[str, Any]:
        return {
            "side": self.side,
            "alteration": self.alteration,
            "drugs": list(self.drugs),
            "evidence_level": self.evidence_level,
            "sources": list(self.sources),
            "tumor_relation": self.tumor_relation,
            "resolution": self.resolution,
            "against": self.against,
        }


@dataclass(frozen=True)
class TherapyOption:
    """A therapy (one drug or several given together) that overcomes a finding.

    ``basis`` says where it comes from: ``curated`` (a hand-curated option),
    ``sensitivity_evidence`` (a fact: this therapy works despite / against the alteration),
    ``combination`` (a combination-level fact), ``next_generation`` (a later-generation
    member of the failing drug's class with potency data or evidence against the variant),
    ``class_switch`` (a curated switch of drug class for a mechanism).
    """

    therapy: list[str]
    rationale: str
    addresses: list[str]
    evidence_level: str
    option_ids: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    basis: str = "curated"
    tumor_relation: str = "any"
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "therapy": list(self.therapy),
            "rationale": self.rationale,
            "addresses": list(self.addresses),
            "evidence_level": self.evidence_level,
            "basis": self.basis,
            "tumor_relation": self.tumor_relation,
            "sources": list(self.sources),
            "records": list(self.option_ids),
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class Unrecognised:
    """An input that is a valid name or alteration but that ended in no finding, with why: the knowledge has
    nothing on it, its facts concern other drugs, or (a file's row) it has no protein effect."""

    input: str
    kind: str  # alteration | drug
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"input": self.input, "kind": self.kind, "reason": self.reason}


@dataclass(frozen=True)
class AnnotationResult:
    """Everything the annotator says about one profile and the drug(s) given.

    Attributes
    ----------
    tumor
        OncoTree code of the tumour type, or ``None`` (tumour-agnostic query).
    drug
        Generic names of the drug(s) given (together).
    verdict
        ``resistant``, ``sensitive`` or ``unknown``, by the weighing rule of
        docs/annotate.md ("Verdict rule"); ``verdict_reason`` says why.
    findings
        Aggregated findings, best evidence first.
    options
        Therapies that overcome the resistance found, best evidence first.
    unrecognised
        Inputs that are valid but on which the knowledge has nothing
        (``unrecognised_detail`` gives the reason for each).
    conflicts
        Evidence that disagrees with the evidence that decided the verdict.
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
    conflicts: list[Conflict] = field(default_factory=list)
    verdict_reason: str = ""
    unrecognised_detail: list[Unrecognised] = field(default_factory=list)
    status: str = "annotated"

    @property
    def tumor_scope(self) -> str:
        """``tumor-specific`` when a tumour type was given, else ``tumor-agnostic``."""
        return "tumor-specific" if self.tumor else "tumor-agnostic"

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of ``oncoresist annotate --json`` (contract fields first, then additions)."""
        return {
            "tumor": self.tumor,
            "drug": list(self.drug),
            "verdict": self.verdict,
            "findings": [f.to_dict() for f in self.findings],
            "options": [o.to_dict() for o in self.options],
            "unrecognised": list(self.unrecognised),
            "conflicts": [c.to_dict() for c in self.conflicts],
            "knowledge_version": self.knowledge_version,
            "oncoresist_version": self.oncoresist_version,
            "verdict_reason": self.verdict_reason,
            "tumor_scope": self.tumor_scope,
            "unrecognised_detail": [u.to_dict() for u in self.unrecognised_detail],
            # a file's sample (MAF barcode, VCF column): without it `--maf x --sample S --json` did not say which
            **({"sample": self.sample} if self.sample else {}),
            "disclaimer": DISCLAIMER,
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent)

    @property
    def resistance_findings(self) -> list[Finding]:
        return [f for f in self.findings if f.effect in ("resistance", "reduced_sensitivity")]
