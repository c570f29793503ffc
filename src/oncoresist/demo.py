"""``make demo``: a tour of oncoresist on its built-in data.

Runs the main job end to end without touching the network: the knowledge base's
coverage, an explanation of a resistance mechanism, and (where those parts are
installed) an annotation of a built-in profile, a simulation of a built-in
scenario, and the twin of an EGFR-mutant NSCLC (scenario from the knowledge,
calibrated, five strategies compared, one HTML report). Everything it writes
goes to ``demo-output/``; it prints the paths.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

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


def finding_line(finding: dict[str, Any]) -> str:
    """One demo line for a finding; the mechanism is left out when the finding has none."""
    detail = f"level {finding['evidence_level']}"
    if finding.get("mechanism"):
        detail = f"{finding['mechanism']}, {detail}"
    return f"  - {finding['alteration']}: {finding['effect']} ({detail})"


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
        con.print(finding_line(f))
    for o in doc["options"]:
        con.print(f"  option: {' + '.join(o['therapy'])} (addresses {', '.join(o['addresses'])})")
    return write_html(result, OUT / "annotation.html")


def simulation_tour(con: Console) -> Path:
    from oncoresist._io import atomic_path
    from oncoresist.engine import simulate
    from oncoresist.engine.plotting import median_mean_note, summary_figure
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
    note = median_mean_note(run)
    if note:
        con.print(f"  {note}")
    fig = summary_figure(run)
    out = OUT / "simulation.png"
    with atomic_path(out, suffix=".png") as tmp:
        fig.savefig(tmp, dpi=110)
    return out


def twin_tour(con: Console) -> Path:
    from oncoresist.twin import build_twin
    from oncoresist.twin.calibrate import calibrate_twin
    from oncoresist.twin.compare import STRATEGIES, compare_strategies
    from oncoresist.twin.report import write_html

    con.rule("[bold]4. From the profile to a simulated future (twin)")
    built = build_twin(["EGFR L858R"], drugs="erlotinib,osimertinib", tumor="NSCLC")
    kinds: dict[str, int] = {}
    for o in built.origins:
        kinds[o.kind] = kinds.get(o.kind, 0) + 1
    con.print(
        f"EGFR L858R NSCLC on erlotinib then osimertinib: {len(built.scenario.cell_types)} cell types; numbers: "
        + ", ".join(f"{n} {k}" for k, n in kinds.items())
    )
    con.print("Calibrating assumed rates to published shares at progression, and the time scale to a published "
              "median PFS (400 patients, seed 2026) ...")
    cal = calibrate_twin(built, patients=400, seed=2026, out_dir=OUT / "twin" / "calibration")
    if cal.time_target is not None:
        con.print(f"  time scale: median {cal.median_months:.1f} months on continuous {cal.drug} "
                  f"(published {cal.time_target.months:g}, {cal.time_target.source}); "
                  f"net growth x{cal.growth_factor:.2f}")
    for row in cal.table():
        con.print(
            f"  {row['cell_type']}: {row['role']}, published {row['published']:.0%}, simulated {row['simulated']:.0%}"
        )
    con.print(f"Comparing {', '.join(STRATEGIES)} (500 virtual patients each, seed 2026) ...")
    cmp = compare_strategies(cal.build, STRATEGIES, patients=500, seed=2026, out_dir=OUT / "twin" / "cohort")
    assert cmp.endpoints is not None
    con.print("  ranked by median time to strategy failure (RECIST PD on the last line, exhaustion or death; the "
              "same RECIST rule for every strategy):")
    for arm, r in cmp.endpoints.iterrows():
        con.print(f"  {arm}: strategy failure {_months(r['strategy_failure_median'])}, first RECIST PD "
                  f"{_months(r['recist_pfs_median'])} months; ctDNA first in {int(r['ctdna_onset_lead_n'])} of "
                  f"{int(r['ctdna_progressed_n'])} progressions")
    return write_html(cal.build, OUT / "twin_report.html", cmp, cal)


def _months(v: float) -> str:
    return "NR" if v != v or v == float("inf") else f"{v:.1f}"


def main() -> int:
    con = Console()
    OUT.mkdir(exist_ok=True)
    con.print("[bold]oncoresist demo[/bold] — research software, not a medical device.\n")
    knowledge_tour(con)
    written = [annotation_tour(con), simulation_tour(con), twin_tour(con)]
    con.rule("[bold]Outputs")
    for path in written:
        con.print(f"wrote {path.resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
