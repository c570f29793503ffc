"""Drive the evolution engine's steppable :class:`~oncoresist.engine.Simulator` for a batch of
virtual patients, each with its own parameters.

The engine's ``Simulator`` holds one parameter set for all replicates (only PK varies between
replicates). A trial needs per-patient growth, kill, mutation rates, initial burden and resistant
fractions, so this adapter subclasses ``Simulator`` and gives each replicate its own packed
parameter arrays. That touches engine internals (``_packed``, ``_counts``, ``_pkp``, the kernels);
it is isolated here, and a public per-replicate parameter hook in the engine would replace it
(reported as a gap).

Seeds: replicate ``k`` of the engine uses stream ``(k,)`` of the root it is given; the trial passes
a per-arm engine root and the patient ids as replicate ids, so a patient's trajectory does not
depend on its batch.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np

from oncoresist.engine import Simulator
from oncoresist.engine import _kernels as kern
from oncoresist.engine.ode import ode_run


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


class _CohortSimulator(Simulator):
    """A ``Simulator`` whose replicates each have their own packed parameters."""

    _per: list[Any]

    def _run_one(self, q: int, t1: float, a: int, b: int) -> None:
        packed = self._per[q]
        rec = self.times[a:b]
        args: tuple[Any, ...] = (
            self.t, t1, self._counts[q], self._depot[q], self._conc[q], self._dose[q], self._interval[q],
            self._next[q], self._pkp[q],
        )  # fmt: skip
        if self.engine == "ode":
            ode: Any = ode_run
            ode(packed, *args, rec, self._out_counts[q, a:b], self._out_conc[q, a:b])
            return
        outs = (rec, self._out_counts[q, a:b], self._out_conc[q, a:b])
        if self.engine == "ssa":
            kern.ssa_run(self._rngs[q], *args, *packed.args(), *outs, self.thinning_step)
        else:
            kern.tau_run(self._rngs[q], *args, *packed.args(), *outs, self.dt, self.threshold)


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
    """

    def __init__(self, handle: Any, n: int, factors: dict[str, np.ndarray], engine_root: np.random.SeedSequence,
                 patient_ids: Sequence[int] | np.ndarray, method: str = "auto") -> None:
        data = dict(handle.data)
        self._ref = reference_doses(data)
        data["treatment"] = []  # the strategy is the schedule
        sim = _CohortSimulator(data, engine=method, seed=engine_root,  # type: ignore[arg-type]
                               replicate_ids=[int(i) for i in patient_ids], n_threads=1, times=[0.0])
        self.sim = sim
        self.cell_types = list(sim.model.cell_types)
        self.drugs = list(sim.model.drugs)
        base = sim._packed
        g = factors.get("growth", np.ones(n))
        kill = factors.get("kill", np.ones(n))
        mut = factors.get("mutation", np.ones(n))
        clr = factors.get("clearance", np.ones(n))
        per = []
        for q in range(n):
            tp = base.tp.copy()
            tp[:, 0] *= g[q]
            tp[:, 3] = np.maximum(tp[:, 0] - tp[:, 1], 0.0)
            pdp = base.pdp.copy()
            pdp[:, :, 3] *= kill[q]
            pdp[:, :, 0] = np.minimum(pdp[:, :, 0] * kill[q], 1.0)
            div_p = np.minimum(base.div_p * mut[q], 1.0)
            per.append(dataclasses.replace(base, tp=np.ascontiguousarray(tp), pdp=np.ascontiguousarray(pdp),
                                           div_p=np.ascontiguousarray(div_p)))
        sim._per = per
        sim._pkp[:, :, 2] *= np.asarray(clr, float)[:, None]
        # initial counts: total from the cohort, resistant types scaled independently
        init = sim.model.initial.astype(float)
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
        dtype = sim._counts.dtype
        sim._counts[:] = np.rint(counts).astype(dtype) if dtype.kind == "i" else counts
        self._work = (np.empty(len(self.cell_types)), np.empty(len(self.cell_types)),
                      np.empty(sim._packed.sws.shape[0]), np.empty(len(self.drugs)), np.empty(len(self.cell_types)))

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
        """Stop simulating the patients in ``mask`` (dead): their cells are set to 0, which also keeps
        counts far from int64 overflow during the rest of follow-up."""
        self.sim._counts[np.asarray(mask, bool)] = 0

    def death_flux(self) -> np.ndarray:
        """Cell deaths per day per type now (drug kill at the current exposure and competition included)."""
        sim = self.sim
        b, d, sw, work, comp = self._work
        counts = sim.state.astype(float)
        conc = sim.concentrations
        out = np.empty_like(counts)
        for q, packed in enumerate(sim._per):
            kern.rates_at(conc[q], packed.tp, packed.pdp, packed.comb, packed.sws, packed.swp, b, d, sw, work)
            if packed.has_comp:
                kern.competition_death(counts[q], packed.tp, packed.comp, comp)
                d = d + comp
            out[q] = d * counts[q]
        return out
