"""The ``oncoresist`` command line: a thin Typer layer over the Python API.

Each sub-command lives in its own module and imports its heavy dependencies
inside the command function, so ``oncoresist --help`` stays fast.
"""

from __future__ import annotations

import importlib

import typer

from oncoresist._version import __version__
from oncoresist.cli._common import OneLineErrorGroup

app = typer.Typer(
    name="oncoresist",
    cls=OneLineErrorGroup,
    help="Cancer drug resistance: knowledge base, annotator, evolution engine and virtual trials. "
    "Research software, not a medical device.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"oncoresist {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version_callback, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """oncoresist command line."""


# Command modules register themselves on ``app`` (or add a sub-app) when imported.
# A module missing here (a part not built yet) is skipped.
_COMMAND_MODULES = [
    "oncoresist.cli.kb",
    "oncoresist.cli.annotate",
    "oncoresist.cli.simulate",
    "oncoresist.cli.trial",
    "oncoresist.cli.twin",
    "oncoresist.cli.schema",
    "oncoresist.cli.serve",
    "oncoresist.cli.fit",
]

for _name in _COMMAND_MODULES:
    try:
        importlib.import_module(_name)
    except ModuleNotFoundError as _exc:
        if _exc.name != _name:
            raise


def main() -> None:
    app()
