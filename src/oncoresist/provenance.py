"""Provenance recorded with every result: version, parameters, seed, environment."""

from __future__ import annotations

import datetime as _dt
import platform
import sys
from typing import Any

from oncoresist._version import __version__


def environment() -> dict[str, str]:
    import numpy

    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "numpy": numpy.__version__,
    }


def provenance(command: str, parameters: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A JSON-serialisable provenance record in the style of msprime's."""
    record: dict[str, Any] = {
        "software": {"name": "oncoresist", "version": __version__},
        "command": command,
        "parameters": parameters,
        "environment": environment(),
        "timestamp": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
    }
    record.update(extra)
    return record
