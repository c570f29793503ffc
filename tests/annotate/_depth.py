"""Shared checks of the depth tables (tests/annotate/test_depth_*.py): one row = a profile as a report words it,
the tumour, the drug(s), the verdict its source states and the next lines the source names.

A row's expected verdict and next options come from the label, guideline or paper cited beside the row, never
from the annotator's output. ``next`` lists drugs any of which is an acceptable next line; the row passes when one
of the first five options names one of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from oncoresist.annotate import annotate
from oncoresist.annotate.result import AnnotationResult
from oncoresist.knowledge import load_knowledge

KB = load_knowledge()


@dataclass(frozen=True)
class Row:
    """One table row; ``source`` names the label/guideline/paper section the expectation comes from."""

    profile: tuple[str, ...]
    tumor: str | None
    drug: str | tuple[str, ...]
    verdict: str
    source: str
    next: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        drug = self.drug if isinstance(self.drug, str) else "+".join(self.drug)
        return f"{'+'.join(self.profile)}|{drug}|{self.tumor}"


def run(row: Row) -> AnnotationResult:
    drug = row.drug if isinstance(row.drug, str) else list(row.drug)
    return annotate(list(row.profile), drug=drug, tumor=row.tumor, knowledge=KB)


def check(row: Row) -> None:
    """The row's verdict, and (for a resistant row with next lines) a next line among the first five options."""
    res = run(row)
    assert res.verdict == row.verdict, f"{row.id}: {res.verdict} ({res.verdict_reason}); expected per {row.source}"
    if row.next:
        named = {d for o in res.options[:5] for d in o.therapy}
        shown = [" + ".join(o.therapy) for o in res.options[:5]]
        assert named & set(row.next), f"{row.id}: options {shown} name none of {row.next} ({row.source})"
