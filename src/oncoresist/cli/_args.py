"""Shared option types for CLI commands (no logic here)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

SeedOpt = Annotated[
    int | None,
    typer.Option("--seed", help="Random seed; omitted: OS entropy, printed so the run can be repeated."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
OutOpt = Annotated[Path | None, typer.Option("--out", "-o", help="Output file.")]
KnowledgeOpt = Annotated[
    str | None,
    typer.Option(
        "--knowledge",
        "-k",
        help="Knowledge version: default (curated + bundled CIViC/CGI), curated, a name from 'kb versions', "
        "or a folder. Omitted: $ONCORESIST_KNOWLEDGE, else the config file, else default.",
    ),
]
