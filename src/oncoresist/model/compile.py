"""Compile a :class:`Scenario` into numeric arrays: the only thing engines see."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from oncoresist.model.load import ScenarioLike, load_scenario
from oncoresist.model.modifiers import PDArrays, apply_modifier
from oncoresist.model.pd import BLISS, LOEWE
from oncoresist.model.pk import PK_MODELS
from oncoresist.model.scenario import Mutation, Scenario, Switch


@dataclass(frozen=True)
class CompiledModel:
    """A scenario as arrays (indices follow ``cell_types`` and ``drugs``).

    Attributes
    ----------
    cell_types, drugs
        Labels, in index order.
    initial
        Initial counts, int64 ``[T]``.
    birth, death, immune
        Drug-free birth and death rates and immune kill (after evasion), per day, ``[T]``.
    b_emax, b_ec50, b_hill, d_emax, d_ec50, d_hill, exposure
        Effects on birth (fraction) and death (per day), and exposure factors, ``[T, D]``.
    combination
        ``BLISS`` (0) or ``LOEWE`` (1).
    div_src, div_tgt, div_p
        Division transitions: on a division of ``div_src``, one daughter becomes
        ``div_tgt`` with probability ``div_p``.
    sw_src, sw_tgt, sw_drug, sw_off, sw_on, sw_ec50, sw_hill
        Switches at ``sw_off + (sw_on − sw_off)·H(c_drug)`` per day (drug −1: none).
    comp
        ``a_ij / K_i`` ``[T, T]`` (zeros without competition); ``growth`` the
        drug-free ``max(b − d, 0)`` that competition scales.
    pk_model, ka, clearance, volume, bioavailability, cv_clearance, cv_volume, interval
        Per-drug PK, ``[D]`` (clearance includes the metabolism factor).
    schedule
        Sorted ``(time, drug, dose, interval)`` changes of the fixed schedule.
    """

    cell_types: tuple[str, ...]
    drugs: tuple[str, ...]
    initial: np.ndarray
    birth: np.ndarray
    death: np.ndarray
    immune: np.ndarray
    b_emax: np.ndarray
    b_ec50: np.ndarray
    b_hill: np.ndarray
    d_emax: np.ndarray
    d_ec50: np.ndarray
    d_hill: np.ndarray
    exposure: np.ndarray
    combination: int
    div_src: np.ndarray
    div_tgt: np.ndarray
    div_p: np.ndarray
    sw_src: np.ndarray
    sw_tgt: np.ndarray
    sw_drug: np.ndarray
    sw_off: np.ndarray
    sw_on: np.ndarray
    sw_ec50: np.ndarray
    sw_hill: np.ndarray
    comp: np.ndarray
    growth: np.ndarray
    pk_model: np.ndarray
    ka: np.ndarray
    clearance: np.ndarray
    volume: np.ndarray
    bioavailability: np.ndarray
    cv_clearance: np.ndarray
    cv_volume: np.ndarray
    interval: np.ndarray
    schedule: tuple[tuple[float, int, float, float], ...] = field(default=())

    @property
    def n_types(self) -> int:
        return len(self.cell_types)

    @property
    def n_drugs(self) -> int:
        return len(self.drugs)

    @property
    def has_competition(self) -> bool:
        return bool(np.any(self.comp > 0))

    def parents(self) -> list[int]:
        """A lineage tree for plots: the source of the first transition into each type
        (−1 for types nothing transitions into), skipping sources that would make a cycle."""
        parent = [-1] * self.n_types

        def descends(a: int, b: int) -> bool:
            while a != -1:
                if a == b:
                    return True
                a = parent[a]
            return False

        sources = list(self.div_src) + list(self.sw_src)
        targets = list(self.div_tgt) + list(self.sw_tgt)
        for s, t in zip(sources, targets, strict=True):
            if parent[int(t)] == -1 and not descends(int(s), int(t)):
                parent[int(t)] = int(s)
        return parent


def _pd_arrays(sc: Scenario, drug_index: dict[str, int]) -> PDArrays:
    nt, nd = len(sc.cell_types), len(sc.drugs)
    z = np.zeros((nt, nd))
    arr = PDArrays(z.copy(), z + 1.0, z + 1.0, z.copy(), z + 1.0, z + 1.0, z + 1.0, np.full(nt, sc.immune_kill))
    dna = np.array([d.dna_damaging for d in sc.drugs], dtype=bool)
    for i, ct in enumerate(sc.cell_types):
        for j, drug in enumerate(sc.drugs):
            eff = drug.effect.model_dump()
            over = ct.pd.get(drug.name)
            if over is not None:
                eff.update({k: v for k, v in over.model_dump().items() if v is not None})
            if eff["acts_on"] == "birth":
                arr.b_emax[i, j], arr.b_ec50[i, j], arr.b_hill[i, j] = eff["emax"], eff["ec50"], eff["hill"]
            else:
                arr.d_emax[i, j], arr.d_ec50[i, j], arr.d_hill[i, j] = eff["emax"], eff["ec50"], eff["hill"]
        for mod in ct.modifiers:
            apply_modifier(mod, i, arr, drug_index, dna)
    return arr


def _competition(sc: Scenario, type_index: dict[str, int]) -> np.ndarray:
    nt = len(sc.cell_types)
    comp = np.zeros((nt, nt))
    if sc.competition is None:
        return comp
    cap = sc.competition.carrying_capacity
    k = np.array([cap[c.name] for c in sc.cell_types]) if isinstance(cap, dict) else np.full(nt, float(cap))
    a = np.ones((nt, nt))
    for src, row in sc.competition.interaction.items():
        for dst, val in row.items():
            a[type_index[src], type_index[dst]] = val
    return a / k[:, None]


def _schedule(sc: Scenario, drug_index: dict[str, int]) -> tuple[tuple[float, int, float, float], ...]:
    events: list[tuple[float, int, int, float, float]] = []
    for dose in sc.treatment:
        j = drug_index[dose.drug]
        interval = dose.interval if dose.interval is not None else sc.drugs[j].interval
        events.append((dose.start, 1, j, dose.dose, interval))
        if dose.stop is not None:
            events.append((dose.stop, 0, j, 0.0, interval))  # stops sort before starts at the same time
    events.sort()
    return tuple((t, j, d, iv) for t, _, j, d, iv in events)


def compile_scenario(scenario: ScenarioLike) -> CompiledModel:
    """Compile a scenario (or anything :func:`load_scenario` accepts) to arrays."""
    sc = load_scenario(scenario)
    type_index = {c.name: i for i, c in enumerate(sc.cell_types)}
    drug_index = {d.name: j for j, d in enumerate(sc.drugs)}
    arr = _pd_arrays(sc, drug_index)
    divs = [t for t in sc.transitions if isinstance(t, Mutation)]
    sws = [t for t in sc.transitions if isinstance(t, Switch)]
    i64 = np.int64
    birth = np.array([c.birth for c in sc.cell_types], dtype=float)
    death = np.array([c.death for c in sc.cell_types], dtype=float)
    return CompiledModel(
        cell_types=tuple(type_index),
        drugs=tuple(drug_index),
        initial=np.array([int(c.initial) for c in sc.cell_types], dtype=i64),
        birth=birth,
        death=death,
        immune=arr.immune,
        b_emax=arr.b_emax,
        b_ec50=arr.b_ec50,
        b_hill=arr.b_hill,
        d_emax=arr.d_emax,
        d_ec50=arr.d_ec50,
        d_hill=arr.d_hill,
        exposure=arr.exposure,
        combination=LOEWE if sc.combination == "loewe" else BLISS,
        div_src=np.array([type_index[t.source] for t in divs], dtype=i64),
        div_tgt=np.array([type_index[t.target] for t in divs], dtype=i64),
        div_p=np.array([t.probability for t in divs], dtype=float),
        sw_src=np.array([type_index[t.source] for t in sws], dtype=i64),
        sw_tgt=np.array([type_index[t.target] for t in sws], dtype=i64),
        sw_drug=np.array([drug_index[t.drug] if t.drug else -1 for t in sws], dtype=i64),
        sw_off=np.array([t.rate for t in sws], dtype=float),
        sw_on=np.array([t.rate_on_drug if t.rate_on_drug is not None else t.rate for t in sws], dtype=float),
        sw_ec50=np.array([t.ec50 for t in sws], dtype=float),
        sw_hill=np.array([t.hill for t in sws], dtype=float),
        comp=_competition(sc, type_index),
        growth=np.maximum(birth - death, 0.0),
        pk_model=np.array([PK_MODELS[d.pk.model] for d in sc.drugs], dtype=i64),
        ka=np.array([d.pk.ka for d in sc.drugs], dtype=float),
        clearance=np.array([d.pk.clearance * d.pk.clearance_factor for d in sc.drugs], dtype=float),
        volume=np.array([d.pk.volume for d in sc.drugs], dtype=float),
        bioavailability=np.array([d.pk.bioavailability for d in sc.drugs], dtype=float),
        cv_clearance=np.array([d.pk.cv_clearance for d in sc.drugs], dtype=float),
        cv_volume=np.array([d.pk.cv_volume for d in sc.drugs], dtype=float),
        interval=np.array([d.interval for d in sc.drugs], dtype=float),
        schedule=_schedule(sc, drug_index),
    )
