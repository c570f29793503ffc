"""Settings of the web service: where it listens, the token, and the limits on what it accepts."""

from __future__ import annotations

import ipaddress
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

#: Environment variable holding the access token (``oncoresist serve --token`` overrides it).
TOKEN_ENV = "ONCORESIST_TOKEN"


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``; False for anything else (0.0.0.0 included)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class ServerSettings(BaseModel):
    """Everything :func:`oncoresist.server.create_app` needs; defaults suit one analyst on a laptop."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str = Field(default="127.0.0.1", description="Interface to bind.")
    port: int = Field(default=8000, ge=0, le=65535)
    token: str | None = Field(default=None, description="Bearer token; required when host is not loopback.")
    max_upload_bytes: int = Field(default=20 * 1024 * 1024, gt=0, description="Largest request body accepted (413).")
    max_rows: int = Field(default=200_000, gt=0, description="Most data rows in one uploaded file (413).")
    max_alterations: int = Field(default=500, gt=0, description="Most alterations in one JSON profile (422).")
    max_jobs: int = Field(default=2, gt=0, description="Twin jobs running at once.")
    max_queued: int = Field(default=4, ge=0, description="Twin jobs waiting beyond the running ones (429 beyond).")
    max_patients: int = Field(default=2000, gt=0, description="Most virtual patients per strategy in one job.")
    max_finished: int = Field(default=32, gt=0, description="Finished jobs kept (oldest removed first).")
    job_dir: Path | None = Field(default=None, description="Folder for job outputs (default: a temporary folder).")
    upload_dir: Path | None = Field(default=None, description="Folder for uploads while they are read.")

    def needs_token(self) -> bool:
        return not is_loopback(self.host)
