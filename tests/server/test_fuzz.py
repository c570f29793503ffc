"""Schema fuzzing: Schemathesis generates requests from the app's own OpenAPI schema for every
operation; none may answer with a server error (5xx). Examples per operation are kept small."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed")
from schemathesis.checks import not_a_server_error  # noqa: E402

from oncoresist.knowledge.loader import load_knowledge  # noqa: E402
from oncoresist.server import ServerSettings, create_app  # noqa: E402

_TMP = Path(tempfile.mkdtemp(prefix="oncoresist-fuzz-"))
APP = create_app(
    ServerSettings(max_jobs=1, max_queued=0, max_patients=2, max_upload_bytes=32 * 1024, max_rows=20, job_dir=_TMP,
                   upload_dir=_TMP),
    knowledge=load_knowledge(),
)  # fmt: skip
SCHEMA = schemathesis.openapi.from_asgi("/openapi.json", APP)


def teardown_module() -> None:
    APP.state.oncoresist.jobs.shutdown()


def test_every_operation_is_in_the_schema() -> None:
    paths = set(SCHEMA.raw_schema["paths"])
    assert {"/api/v1/annotate", "/api/v1/explain", "/api/v1/twin", "/api/v1/jobs/{job_id}",
            "/api/v1/knowledge/version", "/api/v1/knowledge/gene/{name}"} <= paths  # fmt: skip


@SCHEMA.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_no_server_errors(case) -> None:  # type: ignore[no-untyped-def]
    case.call_and_validate(checks=[not_a_server_error])
