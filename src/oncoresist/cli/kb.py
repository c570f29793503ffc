"""``oncoresist kb ...``: validate, inspect and import the knowledge base."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from oncoresist.cli import app
from oncoresist.cli._common import console, error_boundary, fail

kb_app = typer.Typer(help="The resistance knowledge base: validate, stats, show, import, update.",
                     no_args_is_help=True)
app.add_typer(kb_app, name="kb")


@kb_app.command("validate")
@error_boundary
def validate(
    curated_only: Annotated[bool, typer.Option("--curated-only", help="Ignore imports.")] = False,
) -> None:
    """Check every knowledge file; name file, entry and field of each problem (exit 1 if any)."""
    from oncoresist.knowledge import load_knowledge
    from oncoresist.knowledge.validate import check

    kb = load_knowledge(include_imports=not curated_only, validate=False)
    problems = check(kb)
    for p in problems:
        typer.echo(f"error: {p}", err=True)
    if problems:
        fail(f"{len(problems)} problem(s) in the knowledge", 1)
    console().print(
        f"[green]knowledge is valid[/green]: {len(kb.facts)} facts, {len(kb.options)} options, "
        f"{len(kb.genes)} genes, {len(kb.drugs)} drugs (version {kb.version})"
    )


@kb_app.command("stats")
@error_boundary
def stats(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    curated_only: Annotated[bool, typer.Option("--curated-only", help="Count the curated layer only.")] = False,
) -> None:
    """Coverage: facts per mechanism class, genes, drugs, sources."""
    from oncoresist.knowledge import load_knowledge
    from oncoresist.knowledge.stats import coverage

    cov = coverage(load_knowledge(include_imports=not curated_only), curated_only=curated_only)
    if as_json:
        typer.echo(json.dumps(cov, indent=2))
        return
    from rich.table import Table

    table = Table(title=f"Knowledge {cov['knowledge_version']}")
    table.add_column("mechanism class")
    table.add_column("resistance facts", justify="right")
    for mech, n in cov["by_mechanism"].items():
        table.add_row(mech, str(n))
    con = console()
    con.print(table)
    con.print(
        f"facts {cov['facts']} (resistance {cov['resistance_facts']}), genes {cov['genes_in_facts']}, "
        f"drugs {cov['drugs_in_facts']}, options {cov['options']}, sources {cov['sources']}"
    )
