"""Exceptions shared by every part of oncoresist.

Every error a user can cause is an :class:`OncoresistError`; the CLI turns it into
one line on stderr and exit code 2, without a traceback. Library messages name the
*parameter* (``t_end``, ``seed``, ``out_dir``); the CLI boundary translates parameter
names into its flags (``--t-end``) before printing.

Hierarchy::

    OncoresistError (ValueError)
      InvalidArgument        a function argument is out of range or of the wrong kind
      InputFileError         an input file is missing, unreadable or malformed
        ImportFormatError    an external table (CIViC, CGI, MAF, VCF) is malformed or truncated
      OutputError            an output path cannot be written (missing folder, no permission,
                             an existing file where a directory is needed, an unknown format)
      KnowledgeError         the curated or imported knowledge is invalid
      UnknownNameError       a gene, drug, tumour or mechanism name the knowledge does not know
      AlterationSyntaxError  an alteration string that cannot be parsed
      ScenarioError          a scenario file is invalid
      PopulationCeilingError a simulated population would exceed the engine's ceiling
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import ValidationError


class OncoresistError(ValueError):
    """Base class for errors caused by bad input (a file, an argument, a name).

    ``param`` optionally names the argument at fault, so that a front end (the CLI)
    can refer to it by its own name (``--t-end`` for ``t_end``).
    """

    exit_code: int = 2

    def __init__(self, message: str = "", *, param: str | None = None) -> None:
        super().__init__(message)
        self.param = param


class InvalidArgument(OncoresistError):  # noqa: N818 (the name the issue gives)
    """A function argument is out of range or of the wrong kind (the parameter is named)."""


class InputFileError(OncoresistError):
    """An input file is missing, unreadable or malformed (the path is named)."""


class OutputError(OncoresistError):
    """An output path cannot be written; nothing was written."""


class KnowledgeError(OncoresistError):
    """The curated or imported knowledge is invalid (file, entry and field are named)."""


class UnknownNameError(OncoresistError):
    """A gene, drug, tumour type or mechanism name that the knowledge does not know."""

    def __init__(self, kind: str, name: str, suggestions: list[str] | None = None) -> None:
        self.kind = kind
        self.name = name
        self.suggestions = list(suggestions or [])
        hint = f"; did you mean {', '.join(self.suggestions)}?" if self.suggestions else ""
        super().__init__(f"unknown {kind} {name!r}{hint}")


NAME_HINTS = {
    "tumor type": "give an OncoTree code or name, e.g. NSCLC, LUAD, AML or 'Non-Small Cell Lung Cancer'",
    "drug": "give a generic or brand name, e.g. osimertinib or Tagrisso",
    "drug or regimen": "give a generic or brand name, e.g. osimertinib or Tagrisso, or a regimen such as FOLFOX",
    "gene": "give an HGNC symbol or alias, e.g. EGFR",
}
"""What to give instead of an unknown name of each kind, when the knowledge has no close name to suggest
(the CLI and the web service both add it to the one-line message)."""


def name_hint(exc: UnknownNameError) -> str | None:
    """The fix to show with ``exc``: ``None`` when it already suggests names or its kind has no hint."""
    return None if exc.suggestions else NAME_HINTS.get(exc.kind)


class AlterationSyntaxError(OncoresistError):
    """An alteration string that cannot be parsed."""


class ScenarioError(OncoresistError):
    """A scenario file is invalid (the field path is named)."""


class ImportFormatError(InputFileError):
    """An external table (CIViC, CGI, MAF, VCF) is malformed or truncated."""


class PopulationCeilingError(InvalidArgument):
    """A simulated population would exceed the engine's documented ceiling."""


MAX_MESSAGE_CHARS = 400
"""One-line messages are cut to this many characters (a 20 MB bad field is never echoed whole)."""


def one_line(message: object, *, limit: int = MAX_MESSAGE_CHARS) -> str:
    """``message`` on one line (whitespace collapsed), cut to ``limit`` characters."""
    text = " ".join(str(message).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def validation_message(exc: ValidationError, *, source: str | None = None,
                       loc: Callable[[tuple[Any, ...]], str] | None = None) -> str:
    """The one-line message of a pydantic ``ValidationError``: ``source: field.path: reason (and N more)``.

    The single formatter every reader uses. ``loc`` turns the first error's location tuple into
    the field text (default: the parts joined with ``.``), so a reader can name entries its own way.
    """
    errors = exc.errors()
    first = errors[0]
    where = loc(tuple(first["loc"])) if loc is not None else ".".join(str(p) for p in first["loc"])
    msg = str(first["msg"]).removeprefix("Value error, ")
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    parts = [p for p in (source, where) if p]
    return one_line(": ".join([*parts, msg]) + more)
