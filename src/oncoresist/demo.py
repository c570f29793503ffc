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
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


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


def annotation_tour(con: Console) -> Path:
    from oncoresist.annotate import annotate
    from oncoresist.report.annotation import write_html

    con.rule("[bold]2. Annotating a profile")
    profile = ["EGFR L858R", "EGFR T790M", "MET amplification"]
    con.print(f"NSCLC with {', '.join(profile)}, on erlotinib:")
    result = annotate(profile, drug="erlotinib", tumor="NSCLC")
    doc = result.to_dict()
    con.print(f"  verdict: [bold]{doc['verdict']}[/bold]")
    for f in doc["findings"]:
        con.print(f"  - {f['alteration']}: {f['effect']} ({f['mechanism']}, level {f['evidence_level']})")
    for o in doc["options"]:
        con.print(f"  option: {' + '.join(o['therapy'])} (addresses {', '.join(o['addresses'])})")
    return write_html(result, OUT / "annotation.html")


def simulation_tour(con: Console) -> Path:
    from oncoresist._io import atomic_path
    from oncoresist.engine import simulate
    from oncoresist.engine.plotting import summary_figure
    from oncoresist.model import load_scenario

    con.rule("[bold]3. Simulating resistance under therapy")
    scenario = load_scenario(EXAMPLES / "scenarios" / "cml_imatinib.yaml")
    run = simulate(scenario, t_end=730, n_replicates=50, seed=2026)
    final = run.to_dataframe()
    con.print(f"CML under imatinib, 50 replicates over 2 years (engine {run.engine}, seed 2026).")
    last = final[final["time"] == final["time"].max()]
    means = last.groupby("cell_type", observed=True)["count"].mean().sort_values(ascending=False)
    for name, mean in means.items():
        con.print(f"  mean cells at 2 years, {name}: {mean:,.0f}")
    fig = summary_figure(run)
    out = OUT / "simulation.png"
    with atomic_path(out, suffix=".png") as tmp:
        fig.savefig(tmp, dpi=110)
    return out


def main() -> int:
    con = Console()
    OUT.mkdir(exist_ok=True)
    con.print("[bold]oncoresist demo[/bold] — research software, not a medical device.\n")
    knowledge_tour(con)
    written = [annotation_tour(con), simulation_tour(con)]
    con.rule("[bold]Outputs")
    for path in written:
        con.print(f"wrote {path.resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
