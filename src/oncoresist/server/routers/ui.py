"""The browser UI: server-rendered pages over the same services as the API."""

from __future__ import annotations

import io
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from oncoresist.errors import OncoresistError
from oncoresist.profile.schema import Profile
from oncoresist.server import service
from oncoresist.server.dependencies import AppState, StoredResult, get_state
from oncoresist.server.errors import error_body, status_of, validation_body
from oncoresist.server.render import annotation_view, batch_query
from oncoresist.server.routers.twin import JobId
from oncoresist.server.uploads import Upload

router = APIRouter(include_in_schema=False)
State = Annotated[AppState, Depends(get_state)]
Text = Annotated[str, Form(max_length=20_000)]
Short = Annotated[str, Form(max_length=500)]


def page(request: Request, name: str, ctx: dict[str, Any], status: int = 200) -> Response:
    templates = request.app.state.templates
    return templates.TemplateResponse(request, name, ctx, status_code=status)


def _limits(state: AppState) -> dict[str, Any]:
    return {"bytes_mb": round(state.settings.max_upload_bytes / 2**20, 1), "rows": state.settings.max_rows}


@router.get("/", response_class=HTMLResponse)
def index(request: Request, state: State) -> Response:
    form = {"alterations": "", "drug": "", "tumor": "", "format": ""}
    return page(request, "index.html", {"nav": "annotate", "form": form, "limits": _limits(state)})


@router.get("/healthz", response_class=PlainTextResponse)
def healthz() -> str:
    return "ok"


@router.post("/annotate", response_class=HTMLResponse)
async def annotate_form(
    request: Request, state: State, alterations: Text = "", drug: Short = "", tumor: Short = "", format: Short = "",
) -> Response:  # fmt: skip
    form = {"alterations": alterations, "drug": drug, "tumor": tumor, "format": format}
    ctx: dict[str, Any] = {"nav": "annotate", "form": form, "limits": _limits(state)}
    try:
        data = await request.form()
        file = data.get("file")
        has_file = isinstance(file, UploadFile) and bool(file.filename)
        if has_file:
            assert isinstance(file, UploadFile)
            upload = Upload(file.filename or "upload", await file.read())
            batch = await run_in_threadpool(
                service.annotate_upload, state, upload, fmt=format, drug=drug, tumor=tumor, sample=None
            )
            rid = state.results.put(StoredResult(batch.results, batch=True, meta=batch.to_dict()))
            views = [annotation_view(r, state.knowledge) for r in batch.results]
            d = batch.to_dict()
            return page(request, "batch.html", {**ctx, "rid": rid, "views": views, "filename": upload.safe_name,
                                                "rows": d["rows"], "bad_rows": d["bad_rows"],
                                                "bad_total": d["bad_rows_total"], "notes": d["notes"],
                                                "query": batch_query(batch.results)})  # fmt: skip
        alts = [a.strip() for a in alterations.splitlines() if a.strip()]
        if not alts:
            raise service.FieldError("alterations", "give alterations (one per line) or choose a file")
        try:
            profile = Profile(alterations=list(alts), drugs=service.split_names(drug), tumor=tumor.strip() or None)
        except ValidationError as exc:
            raise service.FieldError("profile", validation_body([dict(e) for e in exc.errors()])["error"]) from None
        result = await run_in_threadpool(service.annotate_profile, state, profile)
    except OncoresistError as exc:
        return page(request, "index.html", {**ctx, "error": error_body(exc)["error"], "status": status_of(exc)},
                    status=status_of(exc))  # fmt: skip
    rid = state.results.put(StoredResult([result], batch=False))
    return page(request, "result.html", {**ctx, "rid": rid, "view": annotation_view(result, state.knowledge)})


def _stored(state: AppState, rid: str) -> StoredResult:
    item = state.results.get(rid)
    if item is None:
        raise service.UnknownResultError("this result is not (or no longer) kept by the server; annotate again")
    return item


@router.get("/results/{rid}.json")
def result_json(rid: str, state: State) -> Response:
    item = _stored(state, rid)
    body = item.meta if item.batch else item.results[0].to_dict()
    return Response(json.dumps(body, indent=2), media_type="application/json",
                    headers={"Content-Disposition": 'attachment; filename="oncoresist-annotation.json"'})  # fmt: skip


@router.get("/results/{rid}.html")
def result_html(rid: str, state: State) -> Response:
    return result_sample_html(rid, 0, state)


@router.get("/results/{rid}/{index}.html")
def result_sample_html(rid: str, index: int, state: State) -> Response:
    from oncoresist.report.annotation import to_html

    item = _stored(state, rid)
    if not 0 <= index < len(item.results):
        raise service.UnknownResultError(f"no sample {index} in this result")
    return Response(to_html(item.results[index], state.knowledge), media_type="text/html",
                    headers={"Content-Disposition": 'attachment; filename="oncoresist-annotation.html"'})  # fmt: skip


@router.get("/results/{rid}.tsv")
def result_tsv(rid: str, state: State) -> Response:
    import pandas as pd

    from oncoresist.annotate.batch import COLUMNS, TSV_COMMENT, result_row

    item = _stored(state, rid)
    buf = io.StringIO()
    buf.write(TSV_COMMENT + "\n")  # the CLI's TSV header line: research software, not a medical device
    pd.DataFrame([result_row(r) for r in item.results], columns=list(COLUMNS)).to_csv(buf, sep="\t", index=False)
    return Response(buf.getvalue(), media_type="text/tab-separated-values",
                    headers={"Content-Disposition": 'attachment; filename="oncoresist-annotation.tsv"'})  # fmt: skip


def _twin_ctx(state: AppState, form: dict[str, Any]) -> dict[str, Any]:
    from oncoresist.twin.compare import STRATEGIES

    return {"nav": "twin", "form": form, "strategies": STRATEGIES, "max_patients": state.settings.max_patients}


@router.get("/twin", response_class=HTMLResponse)
def twin_form(request: Request, state: State) -> Response:
    form = {"alterations": "", "drugs": "", "tumor": "", "strategies": ["continuous"], "patients": 50, "seed": ""}
    return page(request, "twin.html", _twin_ctx(state, form))


@router.post("/twin", response_class=HTMLResponse)
async def twin_submit(
    request: Request, state: State, alterations: Text = "", drugs: Short = "", tumor: Short = "",
    patients: Short = "50", seed: Short = "",
) -> Response:  # fmt: skip
    from oncoresist.server.models import TwinRequest

    data = await request.form()
    strategies = [str(s) for s in data.getlist("strategies")] or ["continuous"]
    form = {"alterations": alterations, "drugs": drugs, "tumor": tumor, "strategies": strategies,
            "patients": patients, "seed": seed}  # fmt: skip
    try:
        try:
            req = TwinRequest(
                alterations=[a.strip() for a in alterations.splitlines() if a.strip()],
                drugs=service.split_names(drugs), tumor=tumor.strip() or None, strategies=strategies,
                patients=_form_int("patients", patients), seed=_form_int("seed", seed, empty_ok=True),
            )  # fmt: skip
        except ValidationError as exc:
            body = validation_body([dict(e) for e in exc.errors()])
            raise service.FieldError(body["field"], body["error"].split(": ", 1)[-1]) from None
        job = await run_in_threadpool(service.submit_twin, state, req)
    except OncoresistError as exc:
        ctx = _twin_ctx(state, form) | {"error": error_body(exc)["error"], "status": status_of(exc)}
        return page(request, "twin.html", ctx, status=status_of(exc))
    return RedirectResponse(f"/twin/jobs/{job.id}", status_code=303)


def _form_int(name: str, text: str, *, empty_ok: bool = False) -> int | None:
    """A whole-number form field; a value that is not one is refused (before: a bad seed became a random one)."""
    t = text.strip()
    if not t and empty_ok:
        return None
    try:
        return int(t)
    except ValueError:
        empty = " or leave it empty (drawn and shown)" if empty_ok else ""
        raise service.FieldError(name, f"give a whole number{empty}, not {t[:20]!r}") from None


@router.get("/twin/jobs/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, job_id: JobId, state: State) -> Response:
    job = state.jobs.get(job_id)
    result = None
    if job.state == "done" and (job.dir / "result.json").is_file():
        result = json.loads((job.dir / "result.json").read_text(encoding="utf-8"))
    return page(request, "job.html", {"nav": "twin", "job": job.status(), "result": result})


@router.post("/twin/jobs/{job_id}/cancel")
def job_cancel(job_id: JobId, state: State) -> Response:
    state.jobs.cancel(job_id)
    return RedirectResponse(f"/twin/jobs/{job_id}", status_code=303)


@router.get("/explain", response_class=HTMLResponse)
def explain_page(request: Request, state: State, q: str = "") -> Response:
    from oncoresist.annotate.explain import browse

    ctx: dict[str, Any] = {"nav": "explain", "q": q, "out": None}
    if q.strip():
        try:
            ctx["out"] = browse(state.knowledge, q[:200], limit=25)
        except OncoresistError as exc:
            return page(request, "explain.html", {**ctx, "error": error_body(exc)["error"], "status": 404}, status=404)
    return page(request, "explain.html", ctx)
