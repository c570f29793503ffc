"""The web service: a REST API (``/api/v1``) and a browser UI over the same Python API.

Research software, not a medical device.

>>> from oncoresist.server import ServerSettings, create_app
>>> app = create_app(ServerSettings())  # doctest: +SKIP

``oncoresist serve`` runs it with uvicorn.
"""

from __future__ import annotations

from oncoresist.server.app import create_app
from oncoresist.server.settings import TOKEN_ENV, ServerSettings, is_loopback

__all__ = ["TOKEN_ENV", "ServerSettings", "create_app", "is_loopback"]
