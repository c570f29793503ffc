"""Errors as HTTP responses: JSON ``{"error": ..., "field": ...}`` under ``/api``, an HTML page elsewhere.

No traceback and no input value reaches a response or the log; an unexpected exception is
logged by type with the request id and answered 500 with a generic line.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from oncoresist.errors import ImportFormatError, OncoresistError, UnknownNameError, name_hint
from oncoresist.server.jobs import JobLimitError, UnknownJobError
from oncoresist.server.service import NotFoundNameError, UnknownResultError
from oncoresist.server.uploads import BadUploadError, UploadTooLargeError

log = logging.getLogger("oncoresist.server")


def status_of(exc: OncoresistError) -> int:
    if isinstance(exc, UploadTooLargeError):
        return 413
    if isinstance(exc, JobLimitError):
        return 429
    if isinstance(exc, UnknownJobError | NotFoundNameError | UnknownResultError):
        return 404
    return 422


def error_body(exc: OncoresistError) -> dict[str, Any]:
    body: dict[str, Any] = {"error": " ".join(str(exc).split()), "field": getattr(exc, "field", None)}
    if isinstance(exc, UnknownNameError):
        body["suggestions"] = exc.suggestions
        body["field"] = body["field"] or exc.kind
        hint = name_hint(exc)
        if hint is not None:
            body["error"] = f"{body['error']}; {hint}"
    if isinstance(exc, BadUploadError):
        body["field"] = exc.field
    if isinstance(exc, ImportFormatError) and body["field"] is None:
        body["field"] = "file"
    return body


def _field(loc: Any) -> str:
    parts = [str(x) for x in loc if x not in ("body", "query", "path", "header")]
    return ".".join(parts) or ".".join(str(x) for x in loc) or "body"


def validation_body(errors: list[dict[str, Any]]) -> dict[str, Any]:
    """The first error as one line naming the field, plus FastAPI's usual ``detail`` list (values dropped)."""
    detail = [{"loc": list(e.get("loc", [])), "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
              for e in errors]  # fmt: skip
    first = detail[0] if detail else {"loc": ["body"], "msg": "invalid request"}
    name = _field(first["loc"])
    more = f" (and {len(detail) - 1} more)" if len(detail) > 1 else ""
    return {"error": f"field {name!r}: {first['msg']}{more}", "field": name, "detail": detail}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _html(request: Request, status: int, message: str) -> Response:
    templates = request.app.state.templates
    return templates.TemplateResponse(request, "error.html", {"status": status, "message": message},
                                      status_code=status)  # fmt: skip


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        body = validation_body(list(exc.errors()))
        if _is_api(request):
            return JSONResponse(body, status_code=422)
        return _html(request, 422, body["error"])

    @app.exception_handler(OncoresistError)
    async def _oncoresist(request: Request, exc: OncoresistError) -> Response:
        status = status_of(exc)
        body = error_body(exc)
        headers = {"Retry-After": "30"} if status == 429 else None
        if _is_api(request):
            return JSONResponse(body, status_code=status, headers=headers)
        return _html(request, status, body["error"])

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        message = str(exc.detail) if exc.detail else "error"
        if exc.status_code == 404 and message == "Not Found":
            message = f"no such page: {request.url.path}" if not _is_api(request) else "no such endpoint"
        if _is_api(request) or request.url.path in ("/openapi.json",):
            return JSONResponse({"error": message, "field": None}, status_code=exc.status_code,
                                headers=getattr(exc, "headers", None))  # fmt: skip
        return _html(request, exc.status_code, message)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.error('{"event": "error", "type": "%s"}', type(exc).__name__)
        message = "internal error; the server log has the request id"
        if _is_api(request):
            return JSONResponse({"error": message, "field": None}, status_code=500)
        return HTMLResponse(f"<!doctype html><title>error</title><p>{message}</p>", status_code=500)
