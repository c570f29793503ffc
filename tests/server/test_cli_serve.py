"""``oncoresist serve``: defaults, the token rule off loopback, what it prints; /docs without network."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from oncoresist.cli import app
from oncoresist.server import is_loopback


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    import uvicorn

    calls: list[dict[str, Any]] = []

    def fake_run(web: Any, **kwargs: Any) -> None:
        calls.append({"app": web, **kwargs})

    monkeypatch.setattr(uvicorn, "run", fake_run)
    monkeypatch.delenv("ONCORESIST_TOKEN", raising=False)
    return calls


def test_loopback_default_needs_no_token(runs: list[dict[str, Any]]) -> None:
    r = CliRunner().invoke(app, ["serve"])
    assert r.exit_code == 0, r.output
    assert runs[0]["host"] == "127.0.0.1" and runs[0]["port"] == 8000 and runs[0]["access_log"] is False
    assert "not a medical device" in r.output and "token" not in r.output
    assert runs[0]["app"].state.oncoresist.settings.token is None


def test_off_loopback_a_token_is_generated_and_printed(runs: list[dict[str, Any]]) -> None:
    r = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "--port", "9001"])
    assert r.exit_code == 0, r.output
    token = runs[0]["app"].state.oncoresist.settings.token
    assert token and len(token) >= 24 and token in r.output and "generated" in r.output
    with TestClient(runs[0]["app"]) as c:
        assert c.get("/api/v1/knowledge/version").status_code == 401


def test_token_from_the_environment(runs: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONCORESIST_TOKEN", "from-env-123")
    r = CliRunner().invoke(app, ["serve", "--host", "10.0.0.5"])
    assert r.exit_code == 0 and "$ONCORESIST_TOKEN" in r.output
    assert runs[0]["app"].state.oncoresist.settings.token == "from-env-123"


def test_bad_port_is_a_usage_error(runs: list[dict[str, Any]]) -> None:
    r = CliRunner().invoke(app, ["serve", "--port", "70000"])
    assert r.exit_code == 2 and not runs


@pytest.mark.parametrize(("host", "loop"), [("127.0.0.1", True), ("127.3.4.5", True), ("::1", True),
                                            ("localhost", True), ("0.0.0.0", False), ("192.168.1.2", False),
                                            ("::", False), ("example.org", False)])  # fmt: skip
def test_is_loopback(host: str, loop: bool) -> None:
    assert is_loopback(host) is loop


def test_docs_are_served_without_network(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200 and "/docs-static/swagger-ui-bundle.js" in page.text and "cdn." not in page.text
    assert client.get("/docs-static/swagger-ui-bundle.js").status_code == 200
    assert client.get("/openapi.json").json()["info"]["title"] == "oncoresist"


def _all_nodes(node: Any) -> Iterator[Any]:
    yield node
    if isinstance(node, dict):
        for v in node.values():
            yield from _all_nodes(v)
    elif isinstance(node, list):
        for v in node:
            yield from _all_nodes(v)


def test_docs_page_reads_a_schema_the_packaged_swagger_ui_can_render(client: TestClient) -> None:
    """Swagger UI 4 (swagger-ui-bundle) shows "Unable to render this definition" for OpenAPI 3.1."""
    import swagger_ui_bundle

    from oncoresist.server.openapi30 import swagger_ui_major

    page = client.get("/docs").text
    url = re.search(r"url: '([^']+)'", page)
    assert url is not None
    doc = client.get(url.group(1)).json()
    full = client.get("/openapi.json").json()
    assert full["openapi"].startswith("3.1")  # API clients keep the 3.1 document
    major = swagger_ui_major(swagger_ui_bundle.swagger_ui_path)
    if major is not None and major < 5:
        assert doc["openapi"].startswith("3.0."), doc["openapi"]
        nodes = list(_all_nodes(doc))
        assert not any(isinstance(n, dict) and n.get("type") == "null" for n in nodes)
        assert not any(isinstance(n, dict) and "const" in n and "type" in n for n in nodes)
    assert set(doc["paths"]) == set(full["paths"]) and len(doc["paths"]) >= 10
    assert set(doc["components"]["schemas"]) == set(full["components"]["schemas"])


def test_downgrade_rewrites_31_constructs() -> None:
    from oncoresist.server.openapi30 import downgrade, swagger_ui_major

    doc = {"openapi": "3.1.0", "paths": {}, "components": {"schemas": {"X": {"type": "object", "properties": {
        "seed": {"anyOf": [{"type": "integer", "exclusiveMinimum": 0}, {"type": "null"}], "title": "Seed"},
        "ref": {"anyOf": [{"$ref": "#/components/schemas/Y"}, {"type": "null"}]},
        "kind": {"const": "maf", "type": "string"},
        "many": {"type": ["string", "null"], "examples": ["a", "b"]},
        "file": {"type": "string", "contentMediaType": "application/octet-stream"}}}}}}
    out = downgrade(doc)["components"]["schemas"]["X"]["properties"]
    assert out["seed"] == {"type": "integer", "minimum": 0, "exclusiveMinimum": True, "title": "Seed",
                           "nullable": True}
    assert out["ref"] == {"anyOf": [{"$ref": "#/components/schemas/Y"}], "nullable": True}
    assert out["kind"] == {"enum": ["maf"], "type": "string"}
    assert out["many"] == {"type": "string", "nullable": True, "example": "a"}
    assert out["file"] == {"type": "string", "format": "binary"}
    assert doc["openapi"] == "3.1.0"  # the input is not changed
    assert swagger_ui_major("/x/vendor/swagger-ui-4.15.5") == 4 and swagger_ui_major("/x/vendor") is None


def test_a_port_in_use_is_one_line_before_anything_is_announced(runs: list[dict[str, Any]]) -> None:
    """Before: 'serving http://...' was printed, then uvicorn logged five lines and exited 3."""
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        r = CliRunner().invoke(app, ["serve", "--port", str(port)])
    assert r.exit_code == 2 and not runs
    assert "serving" not in r.stdout
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"error: --port: 127.0.0.1:{port} cannot be used"), r.stderr
