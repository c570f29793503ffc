"""``POST /api/v1/annotate``: a JSON profile (the DESIGN contract out), or an uploaded file (per sample)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from oncoresist.profile.schema import Profile
from oncoresist.server import service
from oncoresist.server.dependencies import AppState, get_state
from oncoresist.server.models import AnnotationOut, BatchOut, ErrorOut
from oncoresist.server.uploads import FORMATS, BadUploadError, Upload

router = APIRouter(prefix="/api/v1", tags=["annotate"])

JSON_TYPES = ("application/json",)
FORM_TYPES = ("multipart/form-data",)

UPLOAD_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["file", "drug"],
    "properties": {
        "file": {"type": "string", "format": "binary",
                 "description": "MAF, VCF (VEP/SnpEff) or sample/gene/alteration TSV."},
        "format": {"type": "string", "enum": list(FORMATS), "description": "Default: from the file name."},
        "drug": {"type": "string", "description": "Drug(s), comma-separated; '+' joins drugs given together."},
        "tumor": {"type": "string", "description": "OncoTree code or name."},
        "sample": {"type": "string", "description": "Only this sample."},
    },
}  # fmt: skip


def _openapi_extra() -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Profile"}},
                "multipart/form-data": {"schema": UPLOAD_SCHEMA},
            },
        }
    }


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def read_profile(request: Request) -> Profile:
    raw = await request.body()
    try:
        return Profile.model_validate_json(raw)
    except ValidationError as exc:
        errors = [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_input=False, include_url=False)]
        raise RequestValidationError(errors) from None


async def read_form_upload(request: Request) -> tuple[Upload, dict[str, str]]:
    """The single file and the text fields of a multipart form (limits: one file, ten fields)."""
    try:
        form = await request.form(max_files=1, max_fields=10)
    except Exception as exc:  # multipart parser errors, over-limit counts
        raise BadUploadError(f"the form could not be read: {getattr(exc, 'detail', None) or type(exc).__name__}",
                             field="body") from None  # fmt: skip
    try:
        file = form.get("file")
        if not isinstance(file, UploadFile):
            raise BadUploadError("upload a file in the form field 'file' (MAF, VCF or TSV)", field="file")
        data = await file.read()
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
        return Upload(file.filename or "upload", data), fields
    finally:
        await form.close()


@router.post(
    "/annotate",
    summary="Annotate a profile (JSON) or an uploaded MAF/VCF/CNA table (multipart)",
    response_model=AnnotationOut | BatchOut,
    responses={413: {"model": ErrorOut}, 415: {"model": ErrorOut}, 422: {"model": ErrorOut}},
    openapi_extra=_openapi_extra(),
)
async def annotate(request: Request, state: Annotated[AppState, Depends(get_state)]) -> JSONResponse:
    """JSON in: the profile format (``oncoresist schema profile``), with ``drugs`` and ``tumor``; out:
    the DESIGN.md contract of ``oncoresist annotate --json``. Multipart in: ``file`` with ``drug``
    (and optionally ``tumor``, ``format``, ``sample``); out: one result per sample."""
    kind = media_type(request)
    if kind in JSON_TYPES:
        profile = await read_profile(request)
        result = await run_in_threadpool(service.annotate_profile, state, profile)
        return JSONResponse(result.to_dict())
    if kind in FORM_TYPES:
        upload, f = await read_form_upload(request)
        batch = await run_in_threadpool(
            service.annotate_upload, state, upload, fmt=f.get("format"), drug=f.get("drug"), tumor=f.get("tumor"),
            sample=f.get("sample"),
        )  # fmt: skip
        return JSONResponse(batch.to_dict())
    return JSONResponse(
        {"error": f"content type {kind or '(none)'!r} is not accepted; send application/json (a profile) "
                  "or multipart/form-data (a file)", "field": "content-type"},
        status_code=415,
    )  # fmt: skip
