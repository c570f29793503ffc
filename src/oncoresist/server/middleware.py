"""Pure ASGI middleware: request size limit, access token, security headers, structured logs.

Logs carry the route template (``/api/v1/knowledge/gene/{name}``), never the URL, query or body,
so no alteration, sample name or file content reaches them.
"""

from __future__ import annotations

import hmac
import json
import logging
import time
import uuid
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("oncoresist.server")

COOKIE = "oncoresist_token"
_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'self'; form-action 'self'"
)
# /docs (Swagger UI, served from the swagger-ui-bundle package) starts with one inline script
_DOCS_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
             "script-src 'self' 'unsafe-inline'")


def _json_response(status: int, body: dict[str, Any], extra: list[tuple[bytes, bytes]] | None = None) -> list[Message]:
    raw = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(raw)).encode()), *(extra or [])]
    return [{"type": "http.response.start", "status": status, "headers": headers},
            {"type": "http.response.body", "body": raw}]  # fmt: skip


class _TooLargeError(Exception):
    pass


class BodyLimitMiddleware:
    """413 for a body over ``max_bytes``: at once by Content-Length, else while it streams in."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_bytes
        message = (f"the request body is over this server's limit of {limit} bytes; "
                   "upload a smaller file or split it")  # fmt: skip
        for k, v in scope.get("headers", []):
            if k == b"content-length" and v.isdigit() and int(v) > limit:
                for m in _json_response(413, {"error": message, "field": "body"}):
                    await send(m)
                return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > limit:
                    raise _TooLargeError
            return msg

        async def tracking_send(msg: Message) -> None:
            nonlocal started
            if msg["type"] == "http.response.start":
                started = True
            await send(msg)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLargeError:
            if not started:
                for m in _json_response(413, {"error": message, "field": "body"}):
                    await send(m)


class TokenMiddleware:
    """Require ``Authorization: Bearer TOKEN`` (API) or the token cookie (browser).

    A browser opens ``/?token=TOKEN`` once: the token is checked, set as an HttpOnly, SameSite=Strict
    cookie, and the browser is redirected to the same path without it.
    """

    def __init__(self, app: ASGIApp, token: str | None) -> None:
        self.app = app
        self.token = token

    def _ok(self, candidate: str | None) -> bool:
        return candidate is not None and self.token is not None and hmac.compare_digest(candidate, self.token)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.token is None or scope["path"] in ("/healthz", "/static/app.css"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        auth = headers.get(b"authorization", b"").decode("latin-1")
        if auth.lower().startswith("bearer ") and self._ok(auth[7:].strip()):
            await self.app(scope, receive, send)
            return
        cookie = SimpleCookie(headers.get(b"cookie", b"").decode("latin-1"))
        if COOKIE in cookie and self._ok(cookie[COOKIE].value):
            await self.app(scope, receive, send)
            return
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        if self._ok((query.get("token") or [None])[0]) and scope["method"] == "GET":
            value = f"{COOKIE}={self.token}; HttpOnly; SameSite=Strict; Path=/"
            await send({"type": "http.response.start", "status": 303,
                        "headers": [(b"location", scope["path"].encode()), (b"set-cookie", value.encode()),
                                    (b"content-length", b"0")]})  # fmt: skip
            await send({"type": "http.response.body", "body": b""})
            return
        for m in _json_response(
            401,
            {"error": "this server needs its access token: send 'Authorization: Bearer TOKEN', or open "
                      "/?token=TOKEN once in the browser (the token was printed when the server started)",
             "field": "authorization"},
            [(b"www-authenticate", b"Bearer")],
        ):  # fmt: skip
            await send(m)


class HeadersAndLogMiddleware:
    """Security headers on every response; one JSON log line per request without patient data."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        t0 = time.perf_counter()
        rid = uuid.uuid4().hex[:12]
        status = 500
        docs = scope["path"] in ("/docs", "/redoc")

        async def wrapped(msg: Message) -> None:
            nonlocal status
            if msg["type"] == "http.response.start":
                status = msg["status"]
                headers = list(msg.get("headers", []))
                names = {k.lower() for k, _ in headers}
                extra = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
                         (b"x-request-id", rid.encode())]  # fmt: skip
                if b"content-security-policy" not in names:
                    extra.append((b"content-security-policy", (_DOCS_CSP if docs else _CSP).encode()))
                msg = {**msg, "headers": headers + extra}
            await send(msg)

        try:
            await self.app(scope, receive, wrapped)
        finally:
            route = scope.get("route")
            path = getattr(route, "path", None) or ("(static)" if scope["path"].startswith("/static/") else "(none)")
            log.info(json.dumps({"event": "request", "id": rid, "method": scope["method"], "route": path,
                                 "status": status, "ms": round(1000 * (time.perf_counter() - t0), 1)}))  # fmt: skip
