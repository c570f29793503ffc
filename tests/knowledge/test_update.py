"""``kb update`` against a local HTTP server on 127.0.0.1 serving the CIViC snapshot.

The server also serves broken variants: a body shorter than its Content-Length
(connection closed mid-stream), a body cut mid-row without a length, a wrong
header, too few rows, and a 404. Each failure must leave the previous import
byte-for-byte intact, with no temporary file left behind.
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


@pytest.fixture
def previous(server: str, import_dir: Path) -> bytes:
    """A first, successful update; returns the bytes of the import it wrote."""
    result, path = update_civic(f"{server}/good.tsv", directory=import_dir, timeout=30)
    assert path == import_dir / "civic.json"
    assert len(result.facts) > 2000
    return path.read_bytes()


def test_update_writes_the_import(server: str, import_dir: Path, previous: bytes) -> None:
    import json

    doc = json.loads(previous)
    assert doc["meta"]["path"] == f"{server}/good.tsv"
    assert doc["meta"]["rows"] == 4854
    assert any(f["id"] == "civic-eid238" for f in doc["facts"])
    assert sorted(p.name for p in import_dir.iterdir()) == ["civic.json"]


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
def test_failed_update_keeps_previous_import(
    server: str, import_dir: Path, previous: bytes, path: str, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match) as exc:
        update_civic(f"{server}{path}", directory=import_dir, timeout=30)
    assert "previous import kept" in str(exc.value)
    assert (import_dir / "civic.json").read_bytes() == previous
    assert sorted(p.name for p in import_dir.iterdir()) == ["civic.json"]


def test_connection_refused_keeps_previous_import(import_dir: Path, previous: bytes) -> None:
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    with pytest.raises(DownloadError, match="cannot connect"):
        update_civic(f"http://127.0.0.1:{port}/x.tsv", directory=import_dir, timeout=5)
    assert (import_dir / "civic.json").read_bytes() == previous


def test_cli_update(server: str, import_dir: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["kb", "update", "--url", f"{server}/good.tsv", "--json"])
    assert res.exit_code == 0, res.output
    assert (import_dir / "civic.json").is_file()
    before = (import_dir / "civic.json").read_bytes()
    res = runner.invoke(app, ["kb", "update", "--url", f"{server}/interrupted.tsv"])
    assert res.exit_code == 2
    assert res.stderr.startswith("error: ") and res.stderr.count("\n") == 1
    assert "previous import kept" in res.stderr
    assert (import_dir / "civic.json").read_bytes() == before
