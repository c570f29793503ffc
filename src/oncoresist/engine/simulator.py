"""The steppable simulator: a batch of replicates that can be advanced, observed and dosed."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any, Literal

import numpy as np
from numba.typed import List as TypedList

from oncoresist.engine import _kernels as kern
from oncoresist.engine import _leap, _pcg
from oncoresist.engine._pack import Packed, pack, pk_draws, pk_params, scaled_stack
from oncoresist.engine.ode import ode_run
from oncoresist.engine.replicate import KINETIC, ReplicateParameters
from oncoresist.engine.result import SimulationResult
from oncoresist.errors import InvalidArgument, PopulationCeilingError, ScenarioError
from oncoresist.model.compile import CompiledModel, compile_scenario
from oncoresist.model.load import ScenarioLike, load_scenario
from oncoresist.model.pk import CONSTANT
from oncoresist.provenance import provenance
from oncoresist.random import SeedLike, as_seed_sequence, child_seed, generator, seed_record
from oncoresist.units import POPULATION_CEILING

EngineName = Literal["auto", "ssa", "tau", "leap", "ode"]
ENGINES = ("ssa", "tau", "leap", "ode")
AUTO_SSA_MAX = 1e5
"""``auto`` uses the exact SSA when the projected population stays below this many cells."""
DEFAULT_DT = 0.5
"""Largest tau-leap step (days)."""
DEFAULT_LEAP_DT = 1.0
"""Largest step of the ``leap`` engine (days); its own-count law is exact at any step, the step
bounds the error of the type-change arrivals, of the exposure quadrature and of frozen competition."""
LONG_LEAP_MAX = 7.0
"""With ``long_steps=True``, a ``leap`` step under constant rates without competition may last up to this many days
(beyond ``dt``), as long as no type has more than :data:`oncoresist.engine._leap.LONG_STEP_EVENTS` events per cell
in it (``docs/engine.md``, *Long steps*)."""
AUTO_LEAP_MAX_EVENTS = 3.0
"""``auto`` uses ``leap`` when no type can have more than this many events per cell in one leap step: the
fastest clocks at which ``tests/engine/test_leap.py`` compares ``leap`` with ``ssa`` and with closed forms
(2.7 and 3.1 events per cell-day at the 1-day step); above it ``auto`` uses the hybrid ``tau``."""
DEFAULT_THRESHOLD = 1000
"""Types below this many cells are simulated event by event in the hybrid tau engine."""
DEFAULT_THINNING_STEP = 0.25
"""Length (days) of the pieces over which the SSA bounds a time-varying exposure."""
MAX_STEP_GROWTH = math.log(1000.0)
"""A tau step never spans more than ``ln(1000)/birth`` days, so one step grows a type at most
about 1000-fold in expectation (int64 safety below :data:`~oncoresist.units.POPULATION_CEILING`)."""


def max_event_rate(model: CompiledModel) -> float:
    """The fastest per-cell event rate (per day) any type can reach: birth + intrinsic death + immune kill +
    every drug's kill Emax + competition death at carrying capacity (the growth rate) + its switches out at
    the larger of their two rates. The scenario's own parameters (not per-replicate multipliers)."""
    if model.n_types == 0:
        return 0.0
    rate = model.birth + model.death + model.immune + model.d_emax.sum(axis=1)
    if model.has_competition:
        rate = rate + model.growth
    for s in range(len(model.sw_src)):
        rate[model.sw_src[s]] += max(float(model.sw_off[s]), float(model.sw_on[s]))
    return float(np.max(rate))


def choose_engine(model: CompiledModel, t_end: float, dt: float | None = None, n0: float | None = None) -> str:
    """The ``auto`` rule: ``ssa`` if the drug-free projected population at ``t_end`` stays ≤ :data:`AUTO_SSA_MAX`;
    otherwise ``leap`` if :func:`max_event_rate` times the leap step (``dt``, default :data:`DEFAULT_LEAP_DT`) is at
    most :data:`AUTO_LEAP_MAX_EVENTS`; otherwise ``tau``.

    ``n0``: the initial total to project from (default the scenario's own; a simulator given ``initial=``
    passes the largest replicate's total)."""
    n0 = float(model.initial.sum()) if n0 is None else float(n0)
    r = float(max(np.max(model.birth - model.death - model.immune), 0.0))
    projected = n0 * math.exp(min(r * t_end, 700.0))
    if model.has_competition:
        projected = min(projected, float(1.0 / model.comp[model.comp > 0].min()))
    if max(projected, n0) <= AUTO_SSA_MAX:
        return "ssa"
    step = DEFAULT_LEAP_DT if dt is None else dt
    return "leap" if max_event_rate(model) * step <= AUTO_LEAP_MAX_EVENTS else "tau"


def replicate_seed(root: np.random.SeedSequence, k: int, stream: int) -> np.random.SeedSequence:
    """Child ``(k, stream)`` of ``root`` without touching ``root``'s spawn counter.

    Stream 0 draws the patient's PK parameters, stream 1 the dynamics. Equal to
    ``root.spawn(k + 1)[k].spawn(stream + 1)[stream]`` on a fresh ``root``.
    """
    return child_seed(root, k, stream)


class Simulator:
    """A batch of replicates (virtual patients) of one scenario, advanced in steps.

    Parameters
    ----------
    scenario
        A :class:`~oncoresist.model.Scenario`, a mapping or a YAML path.
    engine
        ``"ssa"`` (exact), ``"tau"`` (hybrid tau-leaping), ``"leap"`` (exact per-type
        birth-death leaps, type changes from the step's cell-days), ``"ode"`` (mean field)
        or ``"auto"`` (:func:`choose_engine` over ``max(times)``, or 365 days, and ``dt``: ``ssa`` for
        small populations, else ``leap`` unless a type's event rate is too fast for its step, then ``tau``).
    n_replicates
        Number of replicates; ignored when ``replicate_ids`` is given.
    seed
        ``None`` (OS entropy), an int, a ``SeedSequence`` or a ``Generator``.
        Replicate k uses the stream ``(k,)`` spawned from it, so it is the same
        whatever the batch.
    times
        Times (days) at which to record counts and concentrations.
    replicate_ids
        Which replicate streams to run (e.g. ``[17]`` regenerates replicate 17).
    replicate_seeds
        Instead of ``seed``: one ``SeedSequence`` per replicate (e.g. spawned by a
        trial for its patients); replicate q then uses the streams spawned from it.
    initial
        Initial counts overriding the scenario's, ``[cell type]`` or ``[replicate, cell type]``.
    replicate_params
        Per-replicate multipliers of rates, drug effects, transitions and PK (a
        :class:`~oncoresist.engine.ReplicateParameters` with ``R = n_replicates``
        rows, row q for the q-th replicate of the batch). A replicate's trajectory
        depends only on its own seed stream, row and initial counts, never on the
        other replicates' parameters.
    dt, threshold
        Tau engine: largest step (days, default :data:`DEFAULT_DT`) and the exact-simulation
        threshold (cells). ``leap`` engine: largest step (default :data:`DEFAULT_LEAP_DT`); no threshold.
    thinning_step
        SSA engine: bounding interval (days) for a time-varying exposure.
    n_threads
        Threads over replicates (default: all cores).
    long_steps
        ``leap`` engine: under constant rates without competition, steps longer than ``dt`` (up to
        :data:`LONG_LEAP_MAX` days) while no type has more than ``_leap.LONG_STEP_EVENTS`` = 1 event per cell
        in a step (other draws than the default; ``docs/engine.md``, *Long steps*). Other engines ignore it.

    Notes
    -----
    Results depend on the seed and on the sequence of ``advance`` / ``set_dose``
    calls, never on the batch size or the number of threads. ``state`` is an
    ``int64`` array for stochastic engines and ``float64`` for ``ode``.
    """

    def __init__(
        self,
        scenario: ScenarioLike,
        *,
        engine: EngineName = "auto",
        n_replicates: int = 1,
        seed: SeedLike = None,
        times: Sequence[float] | np.ndarray | None = None,
        replicate_ids: Sequence[int] | None = None,
        replicate_seeds: Sequence[np.random.SeedSequence] | None = None,
        initial: np.ndarray | Sequence[float] | None = None,
        replicate_params: ReplicateParameters | None = None,
        dt: float | None = None,
        threshold: int = DEFAULT_THRESHOLD,
        thinning_step: float = DEFAULT_THINNING_STEP,
        n_threads: int | None = None,
        on_ceiling: Literal["raise", "stop"] = "raise",
        long_steps: bool = False,
    ) -> None:
        if on_ceiling not in ("raise", "stop"):
            raise InvalidArgument(f"on_ceiling: {on_ceiling!r}; use 'raise' or 'stop'", param="on_ceiling")
        self.on_ceiling = on_ceiling
        self.scenario = load_scenario(scenario)
        self.model = compile_scenario(self.scenario)
        self.times = _parse_times(times)
        self.engine = _parse_engine(engine, self.model, float(self.times[-1]) if self.times.size else 365.0, dt,
                                    _initial_total(initial))
        if replicate_seeds is not None:
            self._own_seeds: list[np.random.SeedSequence] | None = list(replicate_seeds)
            ids = list(range(len(self._own_seeds)))
            if seed is not None or replicate_ids is not None:
                raise InvalidArgument("replicate_seeds: give either seed/replicate_ids or replicate_seeds, not both",
                                      param="replicate_seeds")
        else:
            self._own_seeds = None
            n = _positive_int(n_replicates, "n_replicates")
            ids = list(range(n)) if replicate_ids is None else list(replicate_ids)
        if not ids or any(int(k) < 0 for k in ids):
            raise InvalidArgument("replicate_ids: must be non-empty and non-negative", param="replicate_ids")
        self.replicate_ids = np.array(ids, dtype=np.int64)
        self.seed_sequence = as_seed_sequence(seed) if replicate_seeds is None else self._own_seeds[0]  # type: ignore[index]
        if not isinstance(long_steps, bool | np.bool_):
            raise InvalidArgument(f"long_steps: must be True or False, got {long_steps!r}", param="long_steps")
        self.long_step = LONG_LEAP_MAX if (long_steps and self.engine == "leap") else 0.0
        if dt is None:
            dt = DEFAULT_LEAP_DT if self.engine == "leap" else DEFAULT_DT
        self.dt = _positive(dt, "dt")
        b_max = float(np.max(self.model.birth, initial=0.0))
        if b_max * self.dt > MAX_STEP_GROWTH:  # only for birth rates above ~14/day
            self.dt = MAX_STEP_GROWTH / b_max
        self.threshold = _positive_int(threshold, "threshold")
        self.thinning_step = _positive(thinning_step, "thinning_step")
        self.n_threads = n_threads or os.cpu_count() or 1
        self._packed = pack(self.model)
        if replicate_params is not None and not isinstance(replicate_params, ReplicateParameters):
            raise InvalidArgument("replicate_params: must be a ReplicateParameters", param="replicate_params")
        self.replicate_params = replicate_params
        self._mult = {} if replicate_params is None else replicate_params.expand(self.model, len(self.replicate_ids))
        self._kinetic = any(k in self._mult for k in KINETIC)
        self._stack_kinetics()
        self._stopped = np.zeros(len(self.replicate_ids), bool)
        self._over_ceiling = np.zeros(len(self.replicate_ids), bool)
        self.t = 0.0
        self._init_state(initial)
        self._n_recorded = 0
        self._record_now()
        self._sched = 0
        self._apply_schedule(0.0)

    # -- state ----------------------------------------------------------------
    def _stream(self, q: int, stream: int) -> np.random.Generator:
        if self._own_seeds is not None:
            ss = child_seed(self._own_seeds[q], stream)
        else:
            ss = replicate_seed(self.seed_sequence, int(self.replicate_ids[q]), stream)
        return generator(ss)

    def _stream_states(self, stream: int) -> np.ndarray:
        """PCG64 state rows (``uint64[R, 4]``) of every replicate's stream ``stream`` (as :meth:`_stream`)."""
        if self._own_seeds is not None:
            return _pcg.child_states(self._own_seeds, stream)
        root = self.seed_sequence
        return _pcg.stream_states(root.entropy, int(root.pool_size),
                                  [(*root.spawn_key, int(k), stream) for k in self.replicate_ids])

    def _init_state(self, initial: np.ndarray | Sequence[float] | None) -> None:
        m, r = self.model, len(self.replicate_ids)
        nd = m.n_drugs
        dtype = np.float64 if self.engine == "ode" else np.int64
        init = m.initial if initial is None else np.asarray(initial, dtype=float)
        if init.shape not in ((m.n_types,), (r, m.n_types)) or np.any(init < 0) or not np.all(np.isfinite(init)):
            raise InvalidArgument(f"initial: must be non-negative with shape ({m.n_types},) or ({r}, {m.n_types})",
                                  param="initial")
        totals = init.sum(axis=-1)
        if np.any(totals > POPULATION_CEILING):
            raise PopulationCeilingError(
                f"initial: {float(np.max(totals)):.3g} initial cells exceed the engines' population ceiling "
                f"{POPULATION_CEILING:g} (in a trial: lower cohort.initial_cells)", param="initial")
        if dtype is np.int64 and np.any(init != np.round(init)):
            raise InvalidArgument("initial: counts must be whole numbers of cells for stochastic engines",
                                  param="initial")
        self._counts = np.array(np.broadcast_to(init.astype(dtype), (r, m.n_types)), order="C")
        self._depot = np.zeros((r, nd))
        self._conc = np.zeros((r, nd))
        self._dose = np.zeros((r, nd))
        self._interval = np.tile(m.interval, (r, 1))
        self._next = np.full((r, nd), np.inf)
        self._pkp = np.empty((r, nd, 5))
        # without between-patient variability the PK draws multiply by exp(0) = 1 exactly: the same
        # parameters for every replicate, so the PK stream is not built and the packing is done once
        varies = bool(np.any(m.cv_clearance > 0.0) or np.any(m.cv_volume > 0.0))
        if not varies:
            self._pkp[:] = pk_params(m, m.clearance.copy(), m.volume.copy())
            if "clearance" in self._mult:
                self._pkp[:, :, 2] *= self._mult["clearance"]
            if "volume" in self._mult:
                self._pkp[:, :, 2] /= self._mult["volume"]
                self._pkp[:, :, 3] *= self._mult["volume"]
        # the leap kernel takes each dynamics stream as a PCG64 state row (engine/_pcg.py: the same
        # stream as Generator(PCG64(seq)), without building and unboxing one Generator per replicate)
        leap = self.engine == "leap"
        if varies:  # each replicate's PK stream (stream 0) as sample_pk draws it, for all replicates at once
            w_cl = np.array([math.sqrt(math.log1p(m.cv_clearance[j] ** 2)) for j in range(nd)])
            w_v = np.array([math.sqrt(math.log1p(m.cv_volume[j] ** 2)) for j in range(nd)])
            cl, v = np.empty((r, nd)), np.empty((r, nd))
            pk_draws(self._stream_states(0), w_cl, w_v, m.clearance.astype(float), m.volume.astype(float), cl, v)
            self._pkp[:, :, 0] = m.pk_model.astype(float)
            self._pkp[:, :, 1] = m.ka
            self._pkp[:, :, 2] = cl / v
            self._pkp[:, :, 3] = v
            self._pkp[:, :, 4] = m.bioavailability
            if "clearance" in self._mult:
                self._pkp[:, :, 2] *= self._mult["clearance"]
            if "volume" in self._mult:
                self._pkp[:, :, 2] /= self._mult["volume"]
                self._pkp[:, :, 3] *= self._mult["volume"]
        self._rngs = [] if leap else [self._stream(q, 1) for q in range(r)]
        self._states = self._stream_states(1) if leap else np.zeros((r, 4), np.uint64)
        self._rng_list = _typed_list(self._rngs) if self.engine in ("ssa", "tau") else None
        shape = (r, self.times.size)
        self._out_counts = np.zeros((*shape, m.n_types), dtype=dtype)
        self._out_conc = np.zeros((*shape, nd))

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_rng_list"] = None  # a numba typed list does not pickle; rebuilt from the generators
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        if self.engine in ("ssa", "tau"):
            self._rng_list = _typed_list(self._rngs)

    def _stack_kinetics(self) -> None:
        """Kinetic arrays with a parameter-set axis first, and each replicate's set (for the batch kernels):
        one set shared by every replicate, or (``replicate_params`` scaling kinetics) one per replicate."""
        p = self._packed
        r = len(self.replicate_ids)
        if self._kinetic:
            tp, pdp, div_p, swp = scaled_stack(p, self.model, self._mult, r)
            self._k_pidx = np.arange(r, dtype=np.int64)
        else:
            tp, pdp, div_p, swp = p.tp[None], p.pdp[None], p.div_p[None], p.swp[None]
            self._k_pidx = np.zeros(r, np.int64)
        self._k_tp = np.ascontiguousarray(tp)
        self._k_pdp = np.ascontiguousarray(pdp)
        self._k_div_p = np.ascontiguousarray(div_p)
        self._k_swp = np.ascontiguousarray(swp)

    @property
    def n_replicates(self) -> int:
        return len(self.replicate_ids)

    @property
    def state(self) -> np.ndarray:
        """Counts now, ``[replicate, cell type]`` (a copy)."""
        return self._counts.copy()

    @property
    def concentrations(self) -> np.ndarray:
        """Central concentrations now, ``[replicate, drug]`` (before any dose due now)."""
        return self._conc.copy()

    @property
    def doses(self) -> np.ndarray:
        """Current dose of each drug, ``[replicate, drug]`` (0: not given)."""
        return self._dose.copy()

    @property
    def stopped(self) -> np.ndarray:
        """Which replicates :meth:`stop_replicates` (or ``on_ceiling='stop'``) has stopped, ``[replicate]`` (a copy)."""
        return self._stopped.copy()

    @property
    def over_ceiling(self) -> np.ndarray:
        """Which replicates passed the population ceiling and were stopped (``on_ceiling='stop'``), ``[replicate]``."""
        return self._over_ceiling.copy()

    def _packed_for(self, q: int) -> Packed:
        """Kernel arrays of the batch's ``q``-th replicate (its own when ``replicate_params`` scale kinetics)."""
        if not self._kinetic:
            return self._packed
        return replace(self._packed, tp=self._k_tp[q], pdp=self._k_pdp[q], div_p=self._k_div_p[q],
                       swp=self._k_swp[q])

    def rates(self) -> tuple[np.ndarray, np.ndarray]:
        """Per-cell birth and death rates now (per day), each ``[replicate, cell type]``.

        Death includes immune kill, drug kill and competition; drug effects use the
        current concentrations; each replicate uses its own ``replicate_params``.
        """
        m = self.model
        b = np.empty((self.n_replicates, m.n_types))
        d = np.empty_like(b)
        p = self._packed
        kern.rates_batch(self._conc, self._counts, self._k_pidx, self._k_tp, self._k_pdp, p.comb, p.sws, self._k_swp,
                         p.comp, p.has_comp, b, d)
        return b, d

    def death_flux(self) -> np.ndarray:
        """Expected deaths per day now, ``[replicate, cell type]`` (counts × death rate).

        The death rate includes drug kill at the current concentrations and
        competition; this is the source of circulating tumour DNA.
        """
        return self._counts * self.rates()[1]

    def stop_replicates(self, mask: np.ndarray | Sequence[bool], *, remove_cells: bool = False) -> None:
        """Stop simulating the replicates in ``mask`` from now on (e.g. patients who died).

        Stopped replicates are skipped by :meth:`advance` (no kernel time), their
        state and concentrations stay as they are now (recorded as such at later
        record times) and dose changes no longer apply to them. With
        ``remove_cells`` their cell counts are set to 0 first (no cells, no death
        flux). Stopping is permanent; other replicates are unaffected.
        """
        mask = np.asarray(mask, bool)
        if mask.shape != (self.n_replicates,):
            raise InvalidArgument(f"mask: must have shape ({self.n_replicates},)", param="mask")
        if remove_cells:
            self._counts[mask] = 0
        self._stopped |= mask
        self._dose[mask] = 0.0
        self._next[mask] = np.inf

    def drug_index(self, drug: str | int) -> int:
        """Index of ``drug`` (a name or an index)."""
        if isinstance(drug, str):
            try:
                return self.model.drugs.index(drug)
            except ValueError:
                raise ScenarioError(f"unknown drug {drug!r} (defined: {', '.join(self.model.drugs)})") from None
        if not 0 <= int(drug) < self.model.n_drugs:
            raise InvalidArgument(f"drug: index {drug} out of range (0..{self.model.n_drugs - 1})", param="drug")
        return int(drug)

    # -- control --------------------------------------------------------------
    def set_dose(
        self,
        drug: str | int,
        dose: float | np.ndarray,
        replicate_mask: np.ndarray | Sequence[bool] | None = None,
        *,
        interval: float | None = None,
    ) -> None:
        """Change the dose of ``drug`` from now on for the replicates in ``replicate_mask``.

        ``dose`` is one number or one per replicate (shape ``[replicate]``).

        A drug not being given starts now (first dose at the current time) and
        then every ``interval`` days (default: the drug's ``interval``); a dose of
        0 stops it. For ``constant`` exposure the dose is the concentration,
        effective at once. The fixed schedule's later changes still apply.
        """
        j = self.drug_index(drug)
        r = self.n_replicates
        doses = np.broadcast_to(np.asarray(dose, dtype=float), (r,)) if np.ndim(dose) == 0 else np.asarray(dose, float)
        if doses.shape != (r,) or not np.all(np.isfinite(doses)) or np.any(doses < 0):
            raise InvalidArgument(f"dose: must be finite and non-negative, one number or shape ({r},)", param="dose")
        mask = np.ones(r, bool) if replicate_mask is None else np.asarray(replicate_mask, bool)
        if mask.shape != (r,):
            raise InvalidArgument(f"replicate_mask: must have shape ({r},)", param="replicate_mask")
        if interval is not None:
            _positive(interval, "interval")
        self._set(j, doses, float(interval) if interval is not None else None, mask)

    def _set(self, j: int, doses: np.ndarray | float, interval: float | None, mask: np.ndarray) -> None:
        doses = np.broadcast_to(np.asarray(doses, dtype=float), (self.n_replicates,))
        mask = mask & ~self._stopped
        self._dose[mask, j] = doses[mask]
        if interval is not None:
            self._interval[mask, j] = interval
        if self.model.pk_model[j] == CONSTANT:
            self._conc[mask, j] = doses[mask]
            self._next[mask, j] = np.inf
            return
        start = mask & (doses > 0) & ~np.isfinite(self._next[:, j])
        self._next[start, j] = self.t
        self._next[mask & (doses <= 0), j] = np.inf

    def _apply_schedule(self, t: float) -> None:
        sched = self.model.schedule
        everyone = np.ones(self.n_replicates, bool)
        while self._sched < len(sched) and sched[self._sched][0] <= t:
            _, j, dose, interval = sched[self._sched]
            if self.model.pk_model[j] != CONSTANT and dose > 0:
                self._next[:, j] = np.inf  # a new phase restarts the dosing clock
            self._set(j, float(dose), interval, everyone)
            self._sched += 1

    def advance(self, t: float, *, progress: Callable[[int], None] | None = None) -> None:
        """Advance every replicate to time ``t`` (days), applying the fixed schedule on the way.

        ``progress`` is called with the number of replicates finished.
        """
        if not t >= self.t:
            raise InvalidArgument(f"t: cannot advance to t={t} before the current time {self.t}", param="t")
        sched = self.model.schedule
        while True:
            nxt = sched[self._sched][0] if self._sched < len(sched) else math.inf
            target = min(t, nxt)
            if target > self.t:
                self._run_to(target, progress if target == t else None)
            if nxt <= t:
                self._apply_schedule(nxt)
                continue
            break

    # -- running --------------------------------------------------------------
    def _record_now(self) -> None:
        while self._n_recorded < self.times.size and self.times[self._n_recorded] <= self.t:
            q = self._n_recorded
            self._out_counts[:, q] = self._counts
            self._out_conc[:, q] = self._conc
            self._n_recorded += 1

    def _run_one(self, q: int, t1: float, a: int, b: int) -> None:
        if self._stopped[q]:
            self._out_counts[q, a:b] = self._counts[q]
            self._out_conc[q, a:b] = self._conc[q]
            return
        packed = self._packed_for(q)
        rec = self.times[a:b]
        args: tuple[Any, ...] = (
            self.t, t1, self._counts[q], self._depot[q], self._conc[q], self._dose[q], self._interval[q],
            self._next[q], self._pkp[q],
        )  # fmt: skip
        outs = (rec, self._out_counts[q, a:b], self._out_conc[q, a:b])
        if self.engine == "ode":
            status = ode_run(packed, *args, *outs)  # type: ignore[call-arg]  # mypy miscounts *args
        elif self.engine == "ssa":
            status = kern.ssa_run(self._rngs[q], *args, *packed.args(), *outs, self.thinning_step)
        else:
            status = kern.tau_run(self._rngs[q], *args, *packed.args(), *outs, self.dt, self.threshold)
        if status < 0:
            self._passed_ceiling(np.array([q]), t1, a, b)

    def _ceiling_error(self, q: int, t1: float, a: int, b: int) -> None:
        """Replicate ``q`` passed the population ceiling before ``t1``: name the largest type."""
        m = self.model
        start = self._first_unwritten(q, a, b)
        last = float(self.times[start - 1]) if start > a else self.t
        later = self.times[start:b]
        nxt = float(later[0]) if later.size else t1
        counts = self._counts[q].astype(float)
        p = self._packed_for(q)
        birth, death = p.tp[:, 0], p.tp[:, 1] + p.tp[:, 2]
        i = int(np.argmax(counts))
        raise PopulationCeilingError(
            f"cell_types.{i}.birth: replicate {int(self.replicate_ids[q])} passed the engines' population ceiling "
            f"{POPULATION_CEILING:g} cells between day {last:g} and day {nxt:g} ({m.cell_types[i]!r}: "
            f"{counts[i]:.3g} cells, birth {birth[i]:g}/day, death {death[i]:g}/day); lower the birth rate, raise "
            "drug kill, shorten the horizon, or set competition.carrying_capacity so that growth saturates",
            param="birth")

    def _run_to(self, t1: float, progress: Callable[[int], None] | None) -> None:
        a = self._n_recorded
        b = int(np.searchsorted(self.times, t1, side="right"))
        if self.engine == "ode":
            self._run_each(t1, a, b, progress)
        else:
            self._run_batch(t1, a, b, progress)
        self.t = t1
        self._n_recorded = b

    def _run_each(self, t1: float, a: int, b: int, progress: Callable[[int], None] | None) -> None:
        for q in range(self.n_replicates):
            self._run_one(q, t1, a, b)
            if progress:
                progress(q + 1)

    def _run_batch(self, t1: float, a: int, b: int, progress: Callable[[int], None] | None) -> None:
        """All running replicates in one kernel call (or one per thread's share), each with its own stream."""
        r = self.n_replicates
        stopped = np.flatnonzero(self._stopped)
        self._out_counts[stopped, a:b] = self._counts[stopped, None]
        self._out_conc[stopped, a:b] = self._conc[stopped, None]
        running = np.flatnonzero(~self._stopped).astype(np.int64)
        status = np.zeros(r, np.int64)
        p = self._packed
        kernel = {"ssa": kern.ssa_batch, "tau": kern.tau_batch, "leap": _leap.leap_batch}[self.engine]
        last = self.thinning_step if self.engine == "ssa" else self.dt
        extra = (self.threshold,) if self.engine == "tau" else (self.long_step,) if self.engine == "leap" else ()
        rec = self.times[a:b]
        out_counts, out_conc = self._out_counts[:, a:b], self._out_conc[:, a:b]

        streams = self._states if self.engine == "leap" else self._rng_list

        def run(qs: np.ndarray) -> int:
            kernel(streams, qs, status, self.t, t1, self._counts, self._depot, self._conc, self._dose, self._interval,
                   self._next, self._pkp, self._k_pidx, self._k_tp, self._k_pdp, p.comb, p.div_off, p.div_tgt,
                   self._k_div_p, p.sws, self._k_swp, p.comp, p.has_comp,
                   rec, out_counts, out_conc, last, *extra)  # fmt: skip
            return int(qs.size)

        done = stopped.size
        first, rest = running[:1], running[1:]
        if first.size:
            done += run(first)  # outside the threads: compiles on first use
        threads = min(self.n_threads, rest.size)
        chunks = np.array_split(rest, 4 * threads) if threads > 1 else [rest]
        if threads > 1:
            for n in _pool(threads).map(run, chunks):
                done += n
                if progress:
                    progress(done)
        else:
            done += run(rest)
            if progress:
                progress(done)
        over = np.flatnonzero(status < 0)
        if over.size:
            self._passed_ceiling(over, t1, a, b)

    def _first_unwritten(self, q: int, a: int, b: int) -> int:
        """The first record index in ``[a, b)`` after the last one the kernel wrote for replicate ``q``."""
        written = np.flatnonzero(self._out_counts[q, a:b].sum(axis=1) > 0)
        return a + (int(written[-1]) + 1 if written.size else 0)

    def _passed_ceiling(self, over: np.ndarray, t1: float, a: int, b: int) -> None:
        """Replicates ``over`` passed the population ceiling before ``t1``: raise (the default), or with
        ``on_ceiling='stop'`` stop them where they are, as :meth:`stop_replicates` does (a virtual patient whose
        tumour passed 1e15 cells died long before; the caller reads the state), their later records their state."""
        if self.on_ceiling == "raise":
            self._ceiling_error(int(over[0]), t1, a, b)
        for q in over:
            start = self._first_unwritten(q, a, b)
            self._out_counts[q, start:b] = self._counts[q]
            self._out_conc[q, start:b] = self._conc[q]
        mask = np.zeros(self.n_replicates, bool)
        mask[over] = True
        self._over_ceiling |= mask
        self.stop_replicates(mask)

    def result(self) -> SimulationResult:
        """The recorded trajectories so far as a :class:`SimulationResult`."""
        n = self._n_recorded
        if self._own_seeds is not None:
            seed: dict[str, Any] = {"replicate_seeds": [seed_record(s) for s in self._own_seeds]}
        else:
            seed = {**seed_record(self.seed_sequence), "replicate_ids": self.replicate_ids.tolist()}
        params = {"engine": self.engine, "t": self.t, "n_replicates": self.n_replicates, "dt": self.dt,
                  "threshold": self.threshold, "thinning_step": self.thinning_step,
                  "long_step": self.long_step}  # fmt: skip
        if self.replicate_params is not None:
            params["replicate_params"] = self.replicate_params.to_record()
        if self._stopped.any():
            params["stopped"] = np.flatnonzero(self._stopped).tolist()
        if self._over_ceiling.any():
            params["over_ceiling"] = np.flatnonzero(self._over_ceiling).tolist()
        return SimulationResult(
            times=self.times[:n].copy(),
            counts=self._out_counts[:, :n].copy(),
            concentrations=self._out_conc[:, :n].copy(),
            final=self.state,
            cell_types=self.model.cell_types,
            drugs=self.model.drugs,
            engine=self.engine,
            seed=seed,
            scenario=self.scenario.model_dump(mode="json"),
            provenance=provenance("simulate", params, seed=seed),
        )


_POOLS: dict[tuple[int, int], ThreadPoolExecutor] = {}


def _pool(threads: int) -> ThreadPoolExecutor:
    """A thread pool of ``threads`` workers kept for the process (a trial advances its simulators
    dozens of times; starting threads each time cost milliseconds on a loaded machine). Keyed by the
    process id, so a forked child never uses its parent's (absent) threads."""
    key = (os.getpid(), threads)
    pool = _POOLS.get(key)
    if pool is None:
        pool = _POOLS[key] = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="oncoresist-engine")
    return pool


def _typed_list(rngs: list[np.random.Generator]) -> TypedList:
    """The generators as a numba typed list, filled by one compiled ``extend`` (a third cheaper than
    ``TypedList(rngs)``, which appends them one call at a time)."""
    out = TypedList()
    if rngs:
        out.extend(rngs)
    return out


def _parse_times(times: Sequence[float] | np.ndarray | None) -> np.ndarray:
    if times is None:
        return np.array([0.0])
    arr = np.unique(np.asarray(times, dtype=float))
    if arr.size and (not np.all(np.isfinite(arr)) or arr[0] < 0):
        raise InvalidArgument("times: must be finite and non-negative", param="times")
    return arr


def _initial_total(initial: np.ndarray | Sequence[float] | None) -> float | None:
    """The largest replicate's initial total of an ``initial=`` override, for the ``auto`` choice (``None``
    when not given or not numeric: then the scenario's own, and ``_init_state`` reports a bad argument)."""
    if initial is None:
        return None
    try:
        arr = np.asarray(initial, dtype=float)
    except (TypeError, ValueError):
        return None
    if arr.ndim not in (1, 2) or arr.size == 0 or not np.all(np.isfinite(arr)):
        return None
    return float(np.max(arr.sum(axis=-1)))


def _parse_engine(engine: str, model: CompiledModel, horizon: float, dt: float | None, n0: float | None) -> str:
    if engine == "auto":
        step = _positive(dt, "dt") if dt is not None else None
        return choose_engine(model, horizon, step, n0)
    if engine not in ENGINES:
        raise InvalidArgument(f"engine: must be one of auto, {', '.join(ENGINES)}; got {engine!r}", param="engine")
    return engine


def _positive(x: float, name: str) -> float:
    if isinstance(x, bool) or not isinstance(x, int | float | np.integer | np.floating) or not (
            x > 0 and math.isfinite(x)):
        raise InvalidArgument(f"{name}: must be a positive number, got {x!r}", param=name)
    return float(x)


def _positive_int(x: int, name: str) -> int:
    if isinstance(x, bool) or not isinstance(x, int | np.integer) or x < 1:
        raise InvalidArgument(f"{name}: must be a positive integer, got {x!r}", param=name)
    return int(x)
