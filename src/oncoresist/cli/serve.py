"""``oncoresist serve``: the web UI and the REST API (FastAPI on uvicorn)."""

from __future__ import annotations

import os
import secrets
from typing import Annotated

import typer

from oncoresist.cli import app
from oncoresist.cli._common import error_boundary


@app.command("serve")
@error_boundary
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind; anything but loopback needs a token.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port.")] = 8000,
    token: Annotated[
        str | None,
        typer.Option(
            help="Access token (default: $ONCORESIST_TOKEN; off loopback, one is generated if neither is set)."
        ),
    ] = None,
    max_jobs: Annotated[int, typer.Option("--max-jobs", min=1, help="Twin jobs running at once.")] = 2,
    max_upload_mb: Annotated[float, typer.Option("--max-upload-mb", min=0.001, help="Largest upload (MB).")] = 20.0,
    max_rows: Annotated[int, typer.Option("--max-rows", min=1, help="Most data rows per uploaded file.")] = 200_000,
    log_level: Annotated[str, typer.Option("--log-level", help="uvicorn log level.")] = "info",
) -> None:
    """Serve the browser UI at / and the REST API at /api/v1 (schema and interactive docs at /docs).

    Research software, not a medical device.
    """
    import logging

    import uvicorn

    from oncoresist.server import TOKEN_ENV, ServerSettings, create_app, is_loopback

    _check_port_free(host, port)  # before announcing the address (uvicorn would log 5 lines and exit 3)
    tok = token or os.environ.get(TOKEN_ENV) or None
    generated = False
    if tok is None and not is_loopback(host):
        tok, generated = secrets.token_urlsafe(24), True
    settings = ServerSettings(host=host, port=port, token=tok, max_jobs=max_jobs, max_rows=max_rows,
                              max_upload_bytes=int(max_upload_mb * 2**20))  # fmt: skip
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    web = create_app(settings)
    where = f"http://{'[' + host + ']' if ':' in host else host}:{port}"
    typer.echo(f"oncoresist {web.version}: serving {where}/ (UI) and {where}/api/v1 (API, docs at {where}/docs)")
    typer.echo("Research software, not a medical device.")
    if tok is not None:
        origin = "generated for this run" if generated else ("from --token" if token else f"from ${TOKEN_ENV}")
        typer.echo(f"access token required ({origin}): {tok}")
        typer.echo(f"  API: 'Authorization: Bearer {tok}'; browser: open {where}/?token={tok} once")
    uvicorn.run(web, host=host, port=port, log_level=log_level, access_log=False, server_header=False)


def _check_port_free(host: str, port: int) -> None:
    """Refuse, as a user error naming --port, an address another process already listens on."""
    import errno
    import socket

    from oncoresist.errors import InvalidArgument

    if port == 0:  # the system picks a free port
        return
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise InvalidArgument(f"--host: cannot resolve {host!r} ({exc.strerror or exc}); give an address such as "
                              "127.0.0.1 or 0.0.0.0", param="host") from None
    family, _, _, _, addr = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind(addr)
        except OSError as exc:
            if exc.errno not in (errno.EADDRINUSE, errno.EACCES):  # e.g. an address of another machine: uvicorn says
                return
            raise InvalidArgument(f"--port: {host}:{port} cannot be used ({exc.strerror or exc}); another server may "
                                  f"be running there: choose another port, e.g. --port {port + 1}",
                                  param="port") from None
