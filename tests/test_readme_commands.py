"""Every command in README.md's "Using it" block parses: the sub-commands and options it shows exist.

A user follows the README literally; a renamed flag or command must fail here, not in their terminal.
Only the command line is parsed (Click's own parsing and value checks), nothing is run.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import typer

from oncoresist.cli import app
from oncoresist.cli._common import click

README = Path(__file__).resolve().parents[1] / "README.md"


def _commands() -> list[str]:
    text = README.read_text(encoding="utf-8")
    block = text.split("## Using it", 1)[1].split("```", 2)[1]
    joined = re.sub(r"\\\n\s*", " ", block)
    return [ln.strip() for ln in joined.splitlines()
            if ln.strip().startswith("oncoresist ") and " | " not in ln]  # fmt: skip


def _parse(line: str) -> None:
    """Resolve the sub-commands, then let Click parse and check the rest as it would at run time."""
    args = shlex.split(line, comments=True)[1:]
    cmd = typer.main.get_command(app)
    ctx = cmd.make_context("oncoresist", [], resilient_parsing=True)
    while hasattr(cmd, "commands"):
        if not args or args[0] not in cmd.commands:
            raise click.UsageError(f"no such command {args[:1]} under {cmd.name!r}")
        cmd, args = cmd.commands[args[0]], args[1:]
        ctx = type(ctx)(cmd, info_name=cmd.name, parent=ctx)
    cmd.make_context(cmd.name, list(args), parent=ctx.parent)


def test_the_readme_block_lists_every_command() -> None:
    names = {shlex.split(c)[1] for c in _commands()}
    assert names >= {"kb", "explain", "annotate", "simulate", "plot", "trial", "report", "twin", "fit", "serve"}


@pytest.mark.parametrize("line", _commands())
def test_readme_command_parses(line: str) -> None:
    try:
        _parse(line)
    except click.UsageError as exc:  # an unknown option or command, or a value Click rejects
        pytest.fail(f"{line!r}: {exc.format_message()}")
