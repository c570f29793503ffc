"""The FastAPI application: routers, middleware, templates, and the shared state built at start-up."""

from __future__ import annotations

import math
import secrets
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import jinja2
from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from oncoresist import __version__
from oncoresist.profile.schema import Profile
from oncoresist.server import errors
from oncoresist.server.dependencies import AppState, ResultStore
from oncoresist.server.jobs import JobManager
from oncoresist.server.middleware import BodyLimitMiddleware, HeadersAndLogMiddleware, TokenMiddleware
from oncoresist.server.render import source_links
from oncoresist.server.routers import annotate as annotate_routes
from oncoresist.server.routers import knowledge as knowledge_routes
from oncoresist.server.routers import twin as twin_routes
from oncoresist.server.routers import ui as ui_routes
from oncoresist.server.settings import ServerSettings

HERE = Path(__file__).parent
DESCRIPTION = (
    "REST API of oncoresist: annotate tumour profiles against a source-cited resistance knowledge base, "
    "browse the knowledge, and run patient-twin strategy comparisons as jobs. "
    "**Research software, not a medical device.**"
)


def _fmtcell(v: Any) -> str:
    if isinstance(v, float):
        return "–" if not math.isfinite(v) else f"{v:.4g}"
    if isinstance(v, list | tuple):
        return ", ".join(_fmtcell(x) for x in v)
    if isinstance(v, dict):
        return "; ".join(f"{k}: {_fmtcell(x)}" for k, x in v.items())
    return "–" if v is None else str(v)


def _months(v: Any) -> str:
    return "NR" if v is None or (isinstance(v, float) and not math.isfinite(v)) else f"{float(v):.1f}"


def make_templates(knowledge_version: str) -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True, trim_blocks=True, lstrip_blocks=True,
        undefined=jinja2.ChainableUndefined,
    )  # fmt: skip
    env.filters["fmtcell"] = _fmtcell
    env.filters["months"] = _months
    env.filters["links"] = source_links
    env.globals["versions"] = {"oncoresist": __version__, "knowledge": knowledge_version}
    return Jinja2Templates(env=env)


DOCS_OPENAPI_30 = "/docs/openapi-3.0.json"


def _docs(app: FastAPI) -> None:
    """Interactive docs at /docs from the packaged Swagger UI (swagger-ui-bundle): no network needed.

    The packaged UI (4.x) cannot render OpenAPI 3.1, which FastAPI writes: it is given the 3.0 view
    at ``/docs/openapi-3.0.json`` (:mod:`oncoresist.server.openapi30`); ``/openapi.json`` stays 3.1.
    """
    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.responses import HTMLResponse, JSONResponse

    from oncoresist.server.openapi30 import downgrade, swagger_ui_major

    kwargs: dict[str, Any] = {}
    openapi_url = "/openapi.json"
    try:
        import swagger_ui_bundle
    except ImportError:  # pragma: no cover - the dependency is declared; fall back to FastAPI's CDN page
        pass
    else:
        app.mount("/docs-static", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="docs-static")
        kwargs = {"swagger_js_url": "/docs-static/swagger-ui-bundle.js",
                  "swagger_css_url": "/docs-static/swagger-ui.css",
                  "swagger_favicon_url": "/docs-static/favicon-32x32.png"}  # fmt: skip
        major = swagger_ui_major(swagger_ui_bundle.swagger_ui_path)
        if major is None or major < 5:
            openapi_url = DOCS_OPENAPI_30

    @app.get(DOCS_OPENAPI_30, include_in_schema=False)
    def openapi_30() -> JSONResponse:
        return JSONResponse(downgrade(app.openapi()))

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url=openapi_url, title="oncoresist API", **kwargs)


def create_app(settings: ServerSettings | None = None, *, knowledge: Any = None) -> FastAPI:
    """The app. The knowledge is loaded here, once (or passed in), and shared read-only by every request.

    Parameters
    ----------
    settings
        Host, token and limits (default :class:`ServerSettings`).
    knowledge
        A loaded :class:`~oncoresist.knowledge.index.Knowledge` (default :func:`load_knowledge`).
    """
    from oncoresist.knowledge.loader import load_knowledge
    from oncoresist.trial.run import DEFAULT_BATCH_SIZE

    s = settings or ServerSettings()
    kb = knowledge if knowledge is not None else load_knowledge()
    # created at the first job, removed at shutdown
    job_root = Path(s.job_dir or tempfile.gettempdir()) / f"oncoresist-jobs-{secrets.token_hex(6)}"
    jobs = JobManager(job_root, max_jobs=s.max_jobs, max_queued=s.max_queued, max_finished=s.max_finished,
                      batch_size=DEFAULT_BATCH_SIZE)  # fmt: skip
    state = AppState(settings=s, knowledge=kb, jobs=jobs, results=ResultStore())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            jobs.shutdown()

    app = FastAPI(title="oncoresist", version=__version__, description=DESCRIPTION, lifespan=lifespan,
                  docs_url=None, redoc_url=None)  # fmt: skip
    app.state.oncoresist = state
    app.state.templates = make_templates(kb.version)
    errors.install(app)
    for r in (annotate_routes.router, knowledge_routes.router, twin_routes.router, ui_routes.router):
        app.include_router(r)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _docs(app)
    # outermost first: headers + log, then the token, then the body limit
    app.add_middleware(BodyLimitMiddleware, max_bytes=s.max_upload_bytes)
    app.add_middleware(TokenMiddleware, token=s.token)
    app.add_middleware(HeadersAndLogMiddleware)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            profile = Profile.model_json_schema(ref_template="#/components/schemas/{model}")
            comps = schema.setdefault("components", {}).setdefault("schemas", {})
            comps.update(profile.pop("$defs", {}))
            comps["Profile"] = profile
            if s.token is not None:
                schema["components"]["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
                schema["security"] = [{"bearer": []}]
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app
