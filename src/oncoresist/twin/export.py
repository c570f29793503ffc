"""Writing a built scenario: YAML with a header comment, and the origin table as JSON-ready data."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Any

from oncoresist.twin.builder import TwinBuild


def header(build: TwinBuild) -> str:
    """The comment block written above the scenario YAML."""
    counts = Counter(o.kind for o in build.origins)
    ann = build.annotation
    lines = [
        f"Scenario built by `oncoresist twin` from: {', '.join(ann.alterations)}"
        f" | drugs: {', '.join(ann.drug)} | tumour: {ann.tumor or 'any'}",
        f"Knowledge version {ann.knowledge_version}, oncoresist {ann.oncoresist_version}. Research use only.",
        f"Numbers: {counts['knowledge fact']} from knowledge facts, {counts['published table']} from published"
        f" tables, {counts['default assumption']} DEFAULT ASSUMPTIONS"
        + (f", {counts['calibrated']} calibrated to published shares" if counts["calibrated"] else "")
        + " (list: oncoresist twin ... --json).",
        "Cell types (one per resistance route the knowledge lists for these drugs in this tumour):",
    ]
    for r in build.routes:
        lines.append(f"  {r.name}: {r.mechanism}; {r.fact_source()}")
    if build.skipped:
        lines.append("Facts not turned into cell types:")
        lines += [f"  {s}" for s in build.skipped]
    lines.append("Origins of the numbers below:")
    for o in build.origins:
        lines.append(f"  {o.path} = {_short(o.value)} [{o.kind}] {o.source}")
    return "".join(f"# {line}\n" for line in lines)


def _short(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def scenario_yaml(build: TwinBuild) -> str:
    """The scenario as YAML (header comment first); :func:`oncoresist.model.load_scenario` reads it back."""
    import yaml

    data = build.scenario.model_dump(mode="json", exclude_defaults=True)
    data = {"schema_version": build.scenario.schema_version, **data}
    return header(build) + yaml.safe_dump(data, sort_keys=False, width=120)


def write_scenario(build: TwinBuild, path: str | os.PathLike[str]) -> Path:
    """Write the scenario YAML atomically (nothing half-written); return the path."""
    from oncoresist._io import write_text_atomic

    return write_text_atomic(path, scenario_yaml(build))


def build_to_dict(build: TwinBuild) -> dict[str, Any]:
    """JSON-ready: the scenario, every origin, the routes, what was skipped, and the annotation."""
    return {
        "scenario": build.scenario.model_dump(mode="json"),
        "origins": [o.to_dict() for o in build.origins],
        "routes": [
            {"cell_type": r.name, "mechanism": r.mechanism, "facts": [f.id for f in r.facts]} for r in build.routes
        ],
        "skipped": list(build.skipped),
        "annotation": build.annotation.to_dict(),
    }


def scenario_without_schedule_yaml(build: TwinBuild) -> str:
    """:func:`scenario_yaml` with the fixed treatment schedule removed (a trial's strategy is the schedule)."""
    from dataclasses import replace

    return scenario_yaml(replace(build, scenario=build.scenario.model_copy(update={"treatment": []})))
