"""oncoresist: cancer drug resistance, from evidence to evolutionary simulation.

Research software, not a medical device.

The public API is re-exported here; heavy parts load on first use so that
``import oncoresist`` (and the CLI's ``--help``) stays fast.

``oncoresist.annotate`` is always the plain function :func:`oncoresist.annotate.api.annotate`
(its real signature and docstring), also after the subpackage ``oncoresist.annotate`` has been
imported: the subpackage is reached with ``from oncoresist.annotate import …`` or
``sys.modules["oncoresist.annotate"]``, never through the attribute.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from oncoresist._version import __version__

if TYPE_CHECKING:
    from oncoresist.annotate.result import AnnotationResult
    from oncoresist.knowledge.index import Knowledge
    from oncoresist.knowledge.loader import load_knowledge as load_knowledge

__all__ = [
    "__version__",
    "annotate",
    "load_knowledge",
]


def annotate(
    profile: Any,
    *,
    drug: str | Sequence[str] | None = None,
    tumor: str | None = None,
    knowledge: Knowledge | None = None,
) -> AnnotationResult:
    """Annotate a tumour profile for the drug(s) given (see :func:`oncoresist.annotate.api.annotate`).

    Parameters
    ----------
    profile
        A ``Profile``, a ``SampleProfile``, one alteration string or a list of them
        (``["EGFR L858R", "EGFR T790M"]``), or parsed alterations.
    drug
        Drug name(s) given together (generic, brand or code); several as a list or joined with ``+``.
    tumor
        OncoTree code or common name (``NSCLC``); default: the profile's.
    knowledge
        The knowledge to use; default :func:`oncoresist.load_knowledge`.

    Returns
    -------
    AnnotationResult
        ``result.to_dict()`` is the JSON contract of ``oncoresist annotate --json``.
    """
    from oncoresist.annotate.api import annotate as _annotate

    return _annotate(profile, drug=drug, tumor=tumor, knowledge=knowledge)


def __getattr__(name: str) -> Any:
    if name == "load_knowledge":  # lazy: the knowledge package is heavy to import
        from oncoresist.knowledge import load_knowledge

        return load_knowledge
    raise AttributeError(f"module 'oncoresist' has no attribute {name!r}")


class _Package(types.ModuleType):
    """Keeps the public function ``annotate`` when the import system binds the subpackage of that name."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "annotate" and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
