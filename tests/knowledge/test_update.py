"""``kb update`` against a local HTTP server on 127.0.0.1 serving the CIViC snapshot.

The server also serves broken variants: a body shorter than its Content-Length
(connection closed mid-stream), a body cut mid-row without a length, a wrong
header, too few rows, and a 404. A good download becomes a new named knowledge
version (the bundled CGI layer kept, the new CIViC layer added); each failure must
write no version, leave the earlier ones byte-for-byte intact, and leave no
temporary file behind.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from oncoresist.cli import app
from oncoresist.errors import OncoresistError
from oncoresist.knowledge.importer_version import IMPORTER_VERSION
from oncoresist.knowledge.update import DownloadError, update_civic

pytestmark = pytest.mark.network


def _make_handler(body: bytes):  # type: ignore[no-untyped-def]
    half = len(body) // 2
    header, _, rest = body.partition(b"\n")
    few = b"\n".join(body.split(b"\n")[:4]) + b"\n"

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:  # keep test output clean
            pass

        def _send(self, data: bytes, length: int | None = None, close: bool = False) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/tab-separated-values")
            if length is not None:
                self.send_header("Content-Length", str(length))
            if close:
                self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(data)
            self.wfile.flush()
            if close:
                self.close_connection = True

        def do_GET(self) -> None:
            match self.path:
                case "/good.tsv":
                    self._send(body, len(body))
                case "/interrupted.tsv":  # announces the full length, closes after half
                    self._send(body[:half], len(body), close=True)
                case "/cut.tsv":  # no length, close-delimited, cut in the middle of a row
                    self._send(body[:half], None, close=True)
                case "/badheader.tsv":
                    bad = header.replace(b"evidence_direction", b"direction") + b"\n" + rest
                    self._send(bad, len(bad))
                case "/few.tsv":
                    self._send(few, len(few))
                case _:
                    self.send_error(404, "not here")

    return Handler


@pytest.fixture(scope="module")
def server(civic_tsv: Path) -> Iterator[str]:
    body = civic_tsv.read_bytes()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(body))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def _entries(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir()) if root.is_dir() else []


@pytest.fixture
def previous(server: str, import_dir: Path) -> bytes:
    """A first, successful update; returns the bytes of the version manifest it wrote."""
    result, path = update_civic(f"{server}/good.tsv", name="first", timeout=30)
    assert path == import_dir / "versions" / "first"
    assert len(result.facts) > 2000
    return (path / "version.json").read_bytes()


def test_update_writes_a_new_version(server: str, import_dir: Path, previous: bytes) -> None:
    import gzip
    import json

    from oncoresist.knowledge import load_knowledge

    manifest = json.loads(previous)
    layers = {layer["source"]: layer for layer in manifest["layers"]}
    assert layers["cgi"].get("bundled") is True  # the base's other layer, by reference
    assert layers["civic"]["release_date"] == "2026-05-26" and layers["civic"]["rows"] == 4854
    doc = json.loads(gzip.decompress((import_dir / "versions" / "first" / "civic.json.gz").read_bytes()))
    assert doc["meta"]["path"] == f"{server}/good.tsv"
    assert any(f["id"] == "civic-eid238" for f in doc["facts"])
    assert _entries(import_dir / "versions") == ["first"]
    kb = load_knowledge("first")
    assert kb.version.startswith("first:curated-")
    assert f"+civic-2026-05-26.6228a090.imp{IMPORTER_VERSION}." in kb.version
    assert load_knowledge().version.startswith("default:")  # the default is untouched


@pytest.mark.parametrize(
    ("path", "error", "match"),
    [
        ("/interrupted.tsv", DownloadError, "connection closed|bytes"),
        ("/cut.tsv", OncoresistError, "line .*: .* columns|no line end"),
        ("/badheader.tsv", OncoresistError, "missing column.*evidence_direction"),
        ("/few.tsv", OncoresistError, "fewer than --min-facts"),
        ("/missing.tsv", DownloadError, "HTTP 404"),
    ],
)
def test_failed_update_writes_nothing(
    server: str, import_dir: Path, previous: bytes, path: str, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match) as exc:
        update_civic(f"{server}{path}", name="second", timeout=30)
    assert "nothing written" in str(exc.value)
    assert (import_dir / "versions" / "first" / "version.json").read_bytes() == previous
    assert _entries(import_dir / "versions") == ["first"]


def test_connection_refused_writes_nothing(import_dir: Path, previous: bytes) -> None:
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    with pytest.raises(DownloadError, match="cannot connect"):
        update_civic(f"http://127.0.0.1:{port}/x.tsv", name="second", timeout=5)
    assert _entries(import_dir / "versions") == ["first"]
    assert (import_dir / "versions" / "first" / "version.json").read_bytes() == previous


def test_cli_update(server: str, import_dir: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["kb", "update", "--url", f"{server}/good.tsv", "--json"])
    assert res.exit_code == 0, res.output
    [name] = _entries(import_dir / "versions")
    assert name == "civic-2026-05-26-6228a090"  # default name: source, release date, sha256 of the table
    res = runner.invoke(app, ["kb", "update", "--url", f"{server}/interrupted.tsv", "--name", "other"])
    assert res.exit_code == 2
    assert res.stderr.startswith("error: ") and res.stderr.count("\n") == 1
    assert "nothing written" in res.stderr
    assert _entries(import_dir / "versions") == [name]
