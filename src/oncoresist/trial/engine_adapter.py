"""Drive the evolution engine's steppable :class:`~oncoresist.engine.Simulator` for a batch of
virtual patients, each with its own parameters.

Only the engine's public API is used: each patient's cohort factors become a row of
:class:`~oncoresist.engine.ReplicateParameters` (growth → ``birth``, kill → ``drug_emax``, sensitivity →
``drug_ec50``, mutation → ``transitions``, clearance → ``clearance``) and its initial burden and resistant fractions the
``initial`` counts (resistant_growth → each resistant type's ``birth`` and ``death``); ctDNA reads
:meth:`~oncoresist.engine.Simulator.death_flux` and dead patients are
stopped with :meth:`~oncoresist.engine.Simulator.stop_replicates`.

Seeds: replicate ``k`` of the engine uses stream ``(k,)`` of the root it is given; the trial passes
a per-arm engine root and the patient ids as replicate ids, so a patient's trajectory does not
depend on its batch.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np

from oncoresist.engine import ReplicateParameters, Simulator
from oncoresist.errors import InvalidArgument
from oncoresist.model import compile_scenario, load_scenario


def engine_threads() -> int:
    """Threads for one batch's engine: 1 inside a Dask worker (the cluster already spreads batches
    over the cores), else every core of this machine. A replicate's trajectory does not depend on
    the thread count (the engine's guarantee), so this changes speed, never results."""
    dist = sys.modules.get("distributed")
    if dist is not None:
        try:
            dist.get_worker()
            return 1
        except ValueError:
            pass
    return os.cpu_count() or 1


def resistant_types(data: dict[str, Any]) -> list[int]:
    """Cell types with a resistance mechanism or modifier (their initial counts vary by patient)."""
    return [i for i, c in enumerate(data["cell_types"]) if c.get("modifiers") or c.get("mechanisms")]


def reference_doses(data: dict[str, Any]) -> dict[str, tuple[float, float | None]]:
    """Dose (and interval) that ``1.0`` means for each drug: the scenario's first scheduled dose,
    else 1.0 (for ``constant`` PK: exposure 1.0)."""
    ref: dict[str, tuple[float, float | None]] = {}
    for d in data.get("treatment", []):
        if d["drug"] not in ref and d["dose"] > 0:
            ref[d["drug"]] = (float(d["dose"]), d.get("interval"))
    return {drug["name"]: ref.get(drug["name"], (1.0, None)) for drug in data.get("drugs", [])}


class EngineModel:
    """A batch of patients of an engine scenario, with per-patient cohort factors.

    Parameters
    ----------
    handle : ScenarioHandle
        The arm's scenario (already validated).
    n : int
        Patients in the batch.
    factors : dict
        Cohort factors (see :func:`oncoresist.trial.cohort.sample_cohort`).
    engine_root : SeedSequence
        The arm's engine root; replicate ``patient_ids[q]`` gets its own stream.
    patient_ids : sequence of int
        Patient ids (replicate ids of the engine).
    method : {"auto", "tau", "ssa", "ode"}
        Engine.
    threads : int, optional
        Engine threads over the batch's patients (default :func:`engine_threads`); results do not
        depend on it.
    """

    def __init__(self, handle: Any, n: int, factors: dict[str, np.ndarray], engine_root: np.random.SeedSequence,
                 patient_ids: Sequence[int] | np.ndarray, method: str = "auto", threads: int | None = None) -> None:
        data = dict(handle.data)
        if data.get("triggers"):
            raise InvalidArgument(
                "scenario triggers: a trial's strategies decide the treatment, so the scenario's triggers would be "
                "ignored; remove them from the trial's scenario (they run with `oncoresist simulate`)",
                param="triggers")  # fmt: skip
        self._ref = reference_doses(data)
        data["treatment"] = []  # the strategy is the schedule
        scenario = load_scenario(data)
        model = compile_scenario(scenario)
        self.cell_types = list(model.cell_types)
        self.drugs = list(model.drugs)
        # initial counts: total from the cohort, resistant types scaled independently
        init = model.initial.astype(float)
        res = resistant_types(data)
        self.resistant_types = [self.cell_types[i] for i in res]
        total0 = init.sum()
        total = factors.get("initial_cells")
        scale = np.ones(n) if total is None else np.where(np.isnan(total), 1.0, np.asarray(total) / total0)
        counts = scale[:, None] * init[None, :]
        rf = factors.get("resistant_fraction")
        if rf is not None and len(res):
            rf = np.asarray(rf, float)
            rf = rf[:, None] * np.ones((1, len(res))) if rf.ndim == 1 else rf[:, : len(res)]
            counts[:, res] *= rf
        birth, death = _factor(factors, "growth", n), None
        rg = factors.get("resistant_growth")
        if rg is not None and len(res) and np.any(np.asarray(rg)[:, : len(res)] != 1.0):
            # each resistant type's own factor on its intrinsic birth and death (its drug-free net growth
            # scales by it), on top of the growth factor every type shares
            own = np.ones((n, len(self.cell_types)))
            own[:, res] = np.asarray(rg, float)[:, : len(res)]
            shared = np.ones(n) if birth is None else np.asarray(birth, float)
            cap = factors.get("resistant_growth_max_net")
            if cap is not None:  # lower the factor where the type's drug-free net growth would pass the cap
                b0 = np.array([float(c["birth"]) for c in data["cell_types"]])
                d0 = np.array([float(c.get("death", 0.0)) for c in data["cell_types"]])
                net = shared[:, None] * b0[None, :] - d0[None, :]
                limit = np.where(net > 0, np.asarray(cap, float)[:, None] / np.where(net > 0, net, 1.0), np.inf)
                own[:, res] = np.minimum(own[:, res], np.maximum(limit[:, res], 1.0))
            birth, death = shared[:, None] * own, own
        params = ReplicateParameters(
            birth=birth,
            death=death,
            drug_emax=_factor(factors, "kill", n),
            drug_ec50=_factor(factors, "sensitivity", n),
            transitions=_factor(factors, "mutation", n),
            clearance=_factor(factors, "clearance", n),
        )
        self.sim = Simulator(scenario, engine=method, seed=engine_root,  # type: ignore[arg-type]
                             replicate_ids=[int(i) for i in patient_ids],
                             n_threads=engine_threads() if threads is None else threads, times=[0.0],
                             initial=counts if method == "ode" else np.rint(counts), replicate_params=params,
                             on_ceiling="stop")  # past 1e15 cells a patient died long before (lethal_cells)

    # --- the surface the trial runner uses ---------------------------------------------------
    def advance(self, t: float) -> None:
        if t > self.sim.t:
            self.sim.advance(float(t))

    def set_dose(self, drug: str, dose: np.ndarray) -> None:
        """Dose as a fraction of the reference dose, per patient."""
        ref, interval = self._ref[drug]
        dose = np.asarray(dose, float)
        for v in np.unique(dose):
            self.sim.set_dose(drug, float(v) * ref, dose == v, interval=interval if v > 0 else None)

    @property
    def state(self) -> np.ndarray:
        return self.sim.state.astype(float)

    def remove(self, mask: np.ndarray) -> None:
        """Stop simulating the patients in ``mask`` (dead): their cells are set to 0 and they are no
        longer advanced."""
        self.sim.stop_replicates(np.asarray(mask, bool), remove_cells=True)

    def death_flux(self) -> np.ndarray:
        """Cell deaths per day per type now (drug kill at the current exposure and competition included)."""
        return np.asarray(self.sim.death_flux(), dtype=float)


def _factor(factors: dict[str, np.ndarray], name: str, n: int) -> np.ndarray | None:
    """A cohort factor as one multiplier per patient (``None`` when the cohort does not vary it)."""
    value = factors.get(name)
    return None if value is None else np.broadcast_to(np.asarray(value, float), (n,))
