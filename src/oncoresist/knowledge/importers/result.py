"""What an import produces: facts, new entities, skipped rows with reasons, disease mapping."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from oncoresist.knowledge.schema import Drug, DrugClass, Fact, Gene, Source, TumorType

#: at most this many examples are kept per skip reason
MAX_EXAMPLES = 3
#: skip reason of a profile that states the absence of an alteration
WILD_TYPE = "wild-type profile (absence of an alteration)"


class Skip(Exception):  # noqa: N818 - a control-flow signal, not an error
    """Raised while translating a row: the row is skipped for ``reason``."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


@dataclass
class ImportResult:
    """What one import produced: facts, the entities they need, and every skipped row with its reason."""

    source: str
    path: str
    sha256: str
    rows: int = 0
    rows_imported: int = 0
    facts: list[Fact] = field(default_factory=list)
    genes: dict[str, Gene] = field(default_factory=dict)
    drugs: dict[str, Drug] = field(default_factory=dict)
    drug_classes: dict[str, DrugClass] = field(default_factory=dict)
    tumors: dict[str, TumorType] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    skipped: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)
    mechanism_rules: Counter[str] = field(default_factory=Counter)
    #: the table's release date (``YYYY-MM-DD``) where the table states it (CIViC: latest review date)
    release_date: str | None = None
    #: source disease (CIViC disease, CGI tumour acronym) -> (tumour code, how it was mapped)
    diseases: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: translated rows per source disease
    disease_rows: Counter[str] = field(default_factory=Counter)

    def note_disease(self, key: str, code: str, how: str) -> None:
        """Record how a source disease was mapped: ``table``, ``name`` or ``unmapped`` (``agnostic`` for TISSUE)."""
        self.diseases[key] = (code, "agnostic" if code == "TISSUE" else how)
        self.disease_rows[key] += 1

    def disease_summary(self) -> dict[str, Any]:
        """How the source's diseases map onto the OncoTree: counts by route, and every unmapped disease."""
        by_how = Counter(how for _code, how in self.diseases.values())
        unmapped = sorted(k for k, (_c, how) in self.diseases.items() if how == "unmapped")
        return {
            "distinct": len(self.diseases),
            "by_table": by_how.get("table", 0),
            "by_name": by_how.get("name", 0),
            "tumor_agnostic": by_how.get("agnostic", 0),
            "unmapped": len(unmapped),
            "rows_unmapped": sum(self.disease_rows[k] for k in unmapped),
            "unmapped_diseases": unmapped,
        }

    def skip(self, reason: str, example: str) -> None:
        """Count a skipped row under ``reason`` and keep a few examples."""
        self.skipped[reason] += 1
        ex = self.examples.setdefault(reason, [])
        if len(ex) < MAX_EXAMPLES:
            ex.append(example)

    def summary(self) -> dict[str, Any]:
        """Counts for the import report (also stored as the import file's ``meta``)."""
        by_effect = Counter(f.effect for f in self.facts)
        return {
            "source": self.source,
            "path": self.path,
            "sha256": self.sha256,
            "rows": self.rows,
            "rows_imported": self.rows_imported,
            "rows_skipped": sum(self.skipped.values()),
            "facts": len(self.facts),
            "facts_by_effect": dict(sorted(by_effect.items())),
            "new_entities": {
                "genes": len(self.genes),
                "drugs": len(self.drugs),
                "drug_classes": len(self.drug_classes),
                "tumors": len(self.tumors),
            },
            "skipped": [
                {"reason": r, "rows": n, "examples": self.examples.get(r, [])} for r, n in self.skipped.most_common()
            ],
            "mechanism_rules": dict(self.mechanism_rules.most_common()),
            "release_date": self.release_date,
            "diseases": self.disease_summary(),
        }


