"""Scenario files → steppable models for a batch of patients.

A trial arm names a scenario file. Two kinds are understood:

- an engine scenario (:class:`oncoresist.model.scenario.Scenario`), simulated by the evolution
  engine's steppable simulator through :class:`EngineModel`;
- ``model: zhang2017_lv``: the deterministic Lotka–Volterra model of Zhang et al. 2017
  (:mod:`oncoresist.trial.zhang`).

Every model offers the same small surface the trial runner needs:
``cell_types``, ``drugs``, ``advance(t)``, ``set_dose(drug, fraction)`` (fraction of the
scenario's reference dose, per patient), ``state`` (cells, shape ``(n, types)``),
``death_flux()`` (deaths per day, ``(n, types)``), ``remove(mask)`` (stop simulating dead
patients) and optionally ``marker()``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from oncoresist.errors import ScenarioError


class SteppableModel(Protocol):
    @property
    def cell_types(self) -> Sequence[str]: ...

    @property
    def drugs(self) -> Sequence[str]: ...

    def advance(self, t: float) -> None: ...

    def set_dose(self, drug: str, dose: np.ndarray) -> None: ...

    @property
    def state(self) -> np.ndarray: ...

    def death_flux(self) -> np.ndarray: ...

    def remove(self, mask: np.ndarray) -> None: ...


@dataclass(frozen=True)
class ScenarioHandle:
    """A scenario read once on the client and shipped to workers as plain data."""

    path: str
    kind: str
    data: dict[str, Any]

    def cell_types(self) -> list[str]:
        if self.kind == "zhang2017_lv":
            from oncoresist.trial.zhang import CELL_TYPES

            return list(CELL_TYPES)
        return [c["name"] for c in self.data["cell_types"]]

    def n_resistant(self) -> int:
        """Cell types whose initial counts vary by patient (``resistant_fraction`` factors needed)."""
        if self.kind == "zhang2017_lv":
            return 0
        from oncoresist.trial.engine_adapter import resistant_types

        return len(resistant_types(self.data))

    def drugs(self) -> list[str]:
        if self.kind == "zhang2017_lv":
            from oncoresist.trial.zhang import DRUG

            return [DRUG]
        return [d["name"] for d in self.data.get("drugs", [])]

    def build(
        self,
        n: int,
        factors: dict[str, np.ndarray],
        engine_root: np.random.SeedSequence,
        patient_ids: Sequence[int] | np.ndarray,
        method: str = "auto",
    ) -> SteppableModel:
        """A model of ``n`` patients with cohort ``factors``; patient ``i`` uses engine stream ``i`` of
        ``engine_root`` (so its trajectory does not depend on the batch)."""
        if self.kind == "zhang2017_lv":
            from oncoresist.trial.zhang import ZhangParams, build_zhang

            f = dict(factors)
            init = factors.get("initial_cells")
            if init is not None and not np.all(np.isnan(init)):
                p = ZhangParams()
                default = float(np.sum(self.data.get("x0", p.x0))) * float(
                    self.data.get("cells_per_unit", p.cells_per_unit)
                )
                f["initial_scale"] = init / default
            return build_zhang(self.data, n, f)
        from oncoresist.trial.engine_adapter import EngineModel

        return EngineModel(self, n, factors, engine_root, patient_ids, method=method)


def open_scenario(path: str | Path) -> ScenarioHandle:
    """Read and validate a scenario file for a trial arm."""
    import yaml

    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text())
    except yaml.YAMLError as exc:
        raise ScenarioError(f"invalid scenario {p}: not valid YAML ({' '.join(str(exc).split())})") from None
    if not isinstance(data, dict):
        raise ScenarioError(f"invalid scenario {p}: expected a mapping at the top level")
    if data.get("model") == "zhang2017_lv":
        from oncoresist.trial.zhang import build_zhang

        build_zhang(data, 1, {})  # validates the fields
        return ScenarioHandle(str(p), "zhang2017_lv", data)
    from oncoresist.model.load import load_scenario

    scen = load_scenario(p)
    return ScenarioHandle(str(p), "engine", scen.model_dump(mode="json"))
