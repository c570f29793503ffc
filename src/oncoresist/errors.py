"""Exceptions shared by every part of oncoresist.

Every error a user can cause is an :class:`OncoresistError`; the CLI turns it into
one line on stderr and exit code 2, without a traceback.
"""

from __future__ import annotations


class OncoresistError(ValueError):
    """Base class for errors caused by bad input (a file, an argument, a name)."""

    exit_code: int = 2


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


class AlterationSyntaxError(OncoresistError):
    """An alteration string that cannot be parsed."""


class ScenarioError(OncoresistError):
    """A scenario file is invalid (the field path is named)."""


class ImportFormatError(OncoresistError):
    """An external table (CIViC, CGI, MAF, VCF) is malformed or truncated."""
