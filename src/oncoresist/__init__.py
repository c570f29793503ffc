"""oncoresist: cancer drug resistance, from evidence to evolutionary simulation.

Research software, not a medical device.

The public API is re-exported here lazily so that ``import oncoresist`` (and the
CLI's ``--help``) stays fast.
"""

from __future__ import annotations

from typing import Any

from oncoresist._version import __version__

__all__ = [
    "__version__",
    "annotate",
    "load_knowledge",
]

_LAZY = {
    "annotate": ("oncoresist.annotate", "annotate"),
    "load_knowledge": ("oncoresist.knowledge", "load_knowledge"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'oncoresist' has no attribute {name!r}")
