"""The twin's strategy comparison as a trial file: one path from the twin to an example trial.

The trial file names the exported scenario (:func:`oncoresist.twin.export.scenario_without_schedule_yaml`)
and carries the same mapping the twin's comparison runs, so ``oncoresist trial`` on it with the same seed
gives the twin's virtual patients (no second calibration by hand).
"""

from __future__ import annotations

from typing import Any

import yaml

from oncoresist.errors import InvalidArgument
from oncoresist.twin.builder import TwinBuild
from oncoresist.twin.compare import trial_mapping


def trial_yaml(
    build: TwinBuild,
    strategies: list[str],
    *,
    cohort: dict[str, Any] | None,
    scenario_file: str,
    patients: int = 300,
    follow_up_days: float = 1095.0,
    arm_names: list[str] | None = None,
    name: str | None = None,
    comment: str = "",
) -> str:
    """The trial file that runs the twin's scenario (written to ``scenario_file``, relative to the trial
    file) under ``strategies`` with ``cohort``: the same mapping the twin's own comparison runs
    (:func:`oncoresist.twin.compare.trial_mapping`), so ``oncoresist trial`` on it with the same seed gives
    the twin's patients. ``arm_names`` rename the arms (the first is the reference arm)."""
    mapping = trial_mapping(build, strategies, patients=patients, follow_up_days=follow_up_days,
                            scenario=scenario_file, cohort=cohort)
    if arm_names is not None:
        if len(arm_names) != len(mapping["arms"]) or len(set(arm_names)) != len(arm_names):
            raise InvalidArgument(f"arm_names: need {len(mapping['arms'])} distinct names, got {arm_names}",
                                  param="arm_names")
        for arm, new in zip(mapping["arms"], arm_names, strict=True):
            arm["name"] = new
    mapping = {"name": name or mapping["name"], **{k: v for k, v in mapping.items() if k != "name"},
               "reference_arm": mapping["arms"][0]["name"]}
    lines = [line for line in comment.splitlines()] + [
        f"Exported by oncoresist.twin.trial_export.trial_yaml from the twin {build.scenario.name!r};",
        f"scenario: {scenario_file}.",
        "Research use only.",
    ]
    return "".join(f"# {line}\n".replace("# \n", "#\n") for line in lines) + yaml.safe_dump(mapping, sort_keys=False,
                                                                                          width=120)
