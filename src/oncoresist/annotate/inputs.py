"""Gathering the samples to annotate from free text and files (what the CLI is given)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from oncoresist.errors import ImportFormatError, InvalidArgument, OncoresistError
from oncoresist.profile.observed import BadRow, ReadResult, SampleProfile, parse_observed_many, skip_reason

if TYPE_CHECKING:
    from oncoresist.knowledge.index import Knowledge


@dataclass
class Inputs:
    """Samples to annotate and the rows skipped while reading them."""

    samples: list[SampleProfile] = field(default_factory=list)
    bad_rows: list[BadRow] = field(default_factory=list)
    rows: int = 0
    notes: list[str] = field(default_factory=list)  # reader notes: columns used, calls not counted
    tumor_note: str | None = None  # a file named no tumour type: what to do (shown when no --tumor is given)

    def bad_summary(self, first: int = 5) -> str | None:
        """``"3 bad rows skipped; first: file:line: field ...: reason; ..."`` or ``None``."""
        if not self.bad_rows:
            return None
        shown = "; ".join(str(b) for b in self.bad_rows[:first])
        more = f" (and {len(self.bad_rows) - first} more)" if len(self.bad_rows) > first else ""
        return f"{len(self.bad_rows)} bad row(s) skipped of {self.rows}: {shown}{more}"


def collect_inputs(
    kb: Knowledge,
    *,
    alterations: Sequence[str] = (),
    profile: Path | None = None,
    maf: Path | None = None,
    vcf: Path | None = None,
    table: Path | None = None,
    sample: str | None = None,
) -> Inputs:
    """Read every input into samples.

    Free-text alterations and a JSON/YAML profile make one sample (free text is
    parsed strictly). MAF, VCF and table files may hold many samples, merged by
    sample name. ``sample`` keeps only that sample.
    """
    from oncoresist.profile import readers

    merged = ReadResult()
    single: SampleProfile | None = None
    if profile is not None:
        single = readers.read_profile_file(profile, kb)
    if alterations:
        single = single or SampleProfile("")
        for text in alterations:
            if (reason := skip_reason(text, kb)) is not None:
                single.skip(text, reason)  # accounted for in the result, not weighed
                continue
            for alt in parse_observed_many(text, kb):
                single.add(alt)
    for path, reader in ((maf, readers.read_maf), (vcf, readers.read_vcf), (table, readers.read_alteration_table)):
        if path is not None:
            if not Path(path).is_file():
                raise OncoresistError(f"file not found: {path}")
            merged.merge(reader(path, kb))
    if merged.rows and merged.bad_rows and not any(sp.alterations for sp in merged.samples.values()):
        raise ImportFormatError(
            f"every row of the input was rejected ({len(merged.bad_rows)} of {merged.rows}); "
            f"first: {merged.bad_rows[0]}"
        )
    if single is not None:
        if merged.samples and len(merged.samples) == 1 and not single.sample:
            single.sample = next(iter(merged.samples))
        merged.merge(ReadResult(samples={single.sample: single}))
    if not merged.samples:
        raise OncoresistError(
            'nothing to annotate: give alterations (e.g. "EGFR T790M") or --profile/--maf/--vcf/--table FILE'
        )
    samples = list(merged.samples.values())
    if sample is not None:
        samples = [s for s in samples if s.sample == sample]
        if not samples:
            names = ", ".join(list(merged.samples)[:5])
            raise InvalidArgument(f"sample: {sample!r} not found; samples include {names}", param="sample")
    tumor_note = merged.tumor_note if not any(s.tumor for s in samples) else None
    return Inputs(
        samples=samples, bad_rows=merged.bad_rows, rows=merged.rows, notes=merged.notes, tumor_note=tumor_note
    )
