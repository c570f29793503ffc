"""What the routes do, without HTTP: annotate a profile or an upload, browse the knowledge,
check and queue a twin job. The API and the UI routes both call these."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from oncoresist.annotate import annotate, annotate_samples
from oncoresist.annotate.explain import Subject, browse, entity
from oncoresist.errors import AlterationSyntaxError, OncoresistError, UnknownNameError
from oncoresist.profile.observed import BadRow, clip
from oncoresist.profile.schema import Profile
from oncoresist.server.uploads import (
    BadUploadError,
    FileFormat,
    Upload,
    guess_format,
    read_upload,
    refuse_compressed,
)

if TYPE_CHECKING:
    from oncoresist.annotate.result import AnnotationResult
    from oncoresist.server.dependencies import AppState
    from oncoresist.server.jobs import Job
    from oncoresist.server.models import TwinRequest

MAX_BAD_ROWS_SHOWN = 100


class NotFoundNameError(UnknownNameError):
    """An unknown name in a knowledge look-up (HTTP 404 rather than 422)."""


class UnknownResultError(OncoresistError):
    """A result id the server does not hold (expired or never made): HTTP 404."""

    field = "result"


class FieldError(OncoresistError):
    """Bad input in one named request field (HTTP 422)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"field {field!r}: {message}")
        self.field = field


@contextmanager
def request_fields(*, drugs: str, tumor: str = "tumor", alterations: str = "alterations") -> Iterator[None]:
    """Name the request's own field in a name or alteration error the library raises without one.

    The library says *what* is unknown (``unknown tumor type 'X'``: kind ``tumor type``); a client needs the
    field it sent (``tumor``; ``drugs`` in JSON, ``drug`` in a form); an unreadable alteration names its item.
    """
    try:
        yield
    except UnknownNameError as exc:
        if getattr(exc, "field", None) is None:
            exc.field = tumor if "tumor" in exc.kind else drugs if "drug" in exc.kind else alterations  # type: ignore[attr-defined]
        raise
    except AlterationSyntaxError as exc:
        if getattr(exc, "field", None) is None:
            m = _ITEM_RE.search(str(exc))
            exc.field = f"{alterations}[{m[1]}]" if m else alterations  # type: ignore[attr-defined]
        raise


_ITEM_RE = re.compile(r"field 'alterations\[(\d+)\]'")


def split_names(text: str | None) -> list[str]:
    """``"erlotinib, osimertinib"`` → two names; ``None``/blank → []. ``+`` joins drugs given together."""
    return [x.strip() for x in (text or "").replace("\n", ",").split(",") if x.strip()]


def annotate_profile(state: AppState, profile: Profile) -> AnnotationResult:
    """Annotate one JSON profile (drugs and tumour from the profile)."""
    n = len(profile.alterations)
    if n == 0:
        raise FieldError("alterations", "give at least one alteration, e.g. \"EGFR T790M\"")
    if n > state.settings.max_alterations:
        limit = state.settings.max_alterations
        raise FieldError("alterations", f"{n} alterations; this server accepts at most {limit}")
    if not profile.drugs:
        raise FieldError("drugs", "give the drug(s), e.g. [\"erlotinib\"]")
    with request_fields(drugs="drugs"):
        return annotate(profile, knowledge=state.knowledge)


@dataclass
class BatchResult:
    results: list[AnnotationResult]
    rows: int
    bad_rows: list[BadRow]
    notes: list[str] = field(default_factory=list)
    """What the reader says (as ``oncoresist annotate`` prints as ``note:``): the columns used, calls not
    annotated per sample, where the tumour type came from or that the file names none."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "samples": [{**r.to_dict(), "sample": r.sample} for r in self.results],
            "rows": self.rows,
            "bad_rows": [{"file": b.file, "line": b.line, "field": b.field, "message": b.message}
                         for b in self.bad_rows[:MAX_BAD_ROWS_SHOWN]],
            "bad_rows_total": len(self.bad_rows),
            "notes": list(self.notes),
        }  # fmt: skip


def annotate_upload(
    state: AppState, upload: Upload, *, fmt: str | None, drug: str | None, tumor: str | None, sample: str | None
) -> BatchResult:
    """Annotate every sample of an uploaded MAF, VCF or copy-number/fusion table."""
    refuse_compressed(upload)  # before "cannot tell the format of 'x.maf.gz'"
    given = (fmt or "").strip().lower()
    if given and given not in ("maf", "vcf", "cna"):
        raise BadUploadError(f"format {clip(fmt, 20)} is not one of maf, vcf, cna; choose one (or leave it empty "
                             "to tell from the file name)", field="format")
    chosen = given or guess_format(upload.filename)
    if chosen not in ("maf", "vcf", "cna"):
        raise BadUploadError(
            f"cannot tell the format of {upload.safe_name!r}; choose format maf, vcf or cna", field="format"
        )
    drugs = split_names(drug)
    if not drugs:
        raise FieldError("drug", "give the drug(s) for the uploaded samples, e.g. osimertinib")
    read = read_upload(upload, _fmt(chosen), state.knowledge, max_rows=state.settings.max_rows,
                       tmp_root=state.settings.upload_dir)  # fmt: skip
    samples = list(read.samples.values())
    if sample:
        samples = [s for s in samples if s.sample == sample.strip()]
        if not samples:
            raise FieldError("sample", f"sample {sample!r} is not in {upload.safe_name}")
    if not samples:
        why = f"; {len(read.bad_rows)} row(s) skipped, first: {read.bad_rows[0]}" if read.bad_rows else ""
        raise BadUploadError(f"{upload.safe_name}: no sample with a readable alteration{why}")
    with request_fields(drugs="drug"):
        results = list(annotate_samples(samples, drug=drugs, tumor=tumor or None, knowledge=state.knowledge))
    notes = list(read.notes)
    if not tumor and read.tumor_note and not any(s.tumor for s in samples):
        notes.append(read.tumor_note.replace("give one with --tumor (e.g. --tumor NSCLC)",
                                             "give one in the tumour type field (API: tumor, e.g. NSCLC)"))
    return BatchResult(results, read.rows, read.bad_rows, notes)


def _fmt(name: str) -> FileFormat:
    return "maf" if name == "maf" else "vcf" if name == "vcf" else "cna"


def knowledge_entry(state: AppState, kind: str, name: str, limit: int = 20) -> dict[str, Any]:
    """A gene, drug or tumour type and the facts involving it (``UnknownNameError`` if unknown)."""
    kb = state.knowledge
    key = kb.gene(name) if kind == "gene" else kb.drug(name) if kind == "drug" else kb.tumor(name)
    try:
        out = browse(kb, key, limit=limit)
    except OncoresistError:
        out = None
    if out is None or out["kind"] != kind:
        return {"query": name, "kind": kind, "name": key, "entity": entity(kb, Subject(kind, key)),
                "knowledge_version": kb.version}  # fmt: skip
    return out


def suggest(state: AppState, kind: str, prefix: str, limit: int = 12) -> list[dict[str, str]]:
    """Names starting with ``prefix`` (then containing it), for autocompletion."""
    kb = state.knowledge
    p = prefix.strip().lower()
    if kind == "gene":
        pool = [(g, g) for g in kb.genes]
    elif kind == "drug":
        pool = [(d, d) for d in kb.drugs]
    elif kind == "tumor":
        pool = [(code, f"{code}: {t.name}") for code, t in kb.tumors.items()]
    else:  # gene symbols while the gene is typed, then the alterations the knowledge names
        pool = [(g, g) for g in kb.genes] if " " not in p else []
        pool += [(a, a) for a in _alteration_names(state)]
    starts = [(v, lab) for v, lab in pool if v.lower().startswith(p) or lab.lower().startswith(p)]
    inside = [(v, lab) for v, lab in pool if p in lab.lower() and (v, lab) not in starts] if p else []
    return [{"value": v, "label": lab} for v, lab in (sorted(starts) + sorted(inside))[:limit]]


def _alteration_names(state: AppState) -> list[str]:
    if state.alteration_names is None:  # built once, on first use (a benign race: same list either way)
        state.alteration_names = sorted(
            {a for f in state.knowledge.facts for a in f.alterations if " " in a and len(a) < 60}
        )
    return state.alteration_names


def submit_twin(state: AppState, req: TwinRequest) -> Job:
    """Check a twin request against the knowledge and the limits, then queue it."""
    from oncoresist.random import as_seed_sequence
    from oncoresist.twin import TwinDefaults, build_twin
    from oncoresist.twin.compare import strategy_specs

    if req.patients > state.settings.max_patients:
        raise FieldError("patients", f"{req.patients} patients; this server runs at most "
                                     f"{state.settings.max_patients} per strategy")  # fmt: skip
    drugs = [d for x in req.drugs for d in split_names(x)]
    with request_fields(drugs="drugs"):
        built = build_twin(req.alterations, drugs=drugs, tumor=req.tumor, knowledge=state.knowledge,
                           defaults=TwinDefaults(min_evidence=req.min_evidence))  # fmt: skip
    try:
        strategy_specs(built, req.strategies)
    except OncoresistError as exc:
        raise FieldError("strategies", str(exc).removeprefix("--strategies: ").removeprefix("strategies: ")) from None
    seed = req.seed if req.seed is not None else int(as_seed_sequence(None).entropy)  # type: ignore[arg-type]
    spec = req.model_dump() | {"drugs": drugs, "seed": seed, "knowledge_version": state.knowledge.version}
    return state.jobs.submit(spec)
