"""Cross-reference checks on a scenario (names used before they are defined)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from oncoresist.units import MAX_INITIAL_POPULATION as MAX_POPULATION
from oncoresist.units import POPULATION_CEILING

if TYPE_CHECKING:
    from oncoresist.model.scenario import Scenario


def _unique(names: list[str], where: str) -> None:
    seen: set[str] = set()
    for k, name in enumerate(names):
        if name in seen:
            raise ValueError(f"{where}.{k}.name: duplicate name {name!r}")
        seen.add(name)


def check_references(sc: Scenario) -> None:
    """Raise ``ValueError("path: reason")`` for the first bad reference in ``sc``."""
    types = [c.name for c in sc.cell_types]
    drugs = [d.name for d in sc.drugs]
    _unique(types, "cell_types")
    _unique(drugs, "drugs")
    tset, dset = set(types), set(drugs)

    def need_type(name: str, path: str) -> None:
        if name not in tset:
            raise ValueError(f"{path}: unknown cell type {name!r} (defined: {', '.join(types)})")

    def need_drug(name: str, path: str) -> None:
        if name not in dset:
            known = ", ".join(drugs) or "none"
            raise ValueError(f"{path}: unknown drug {name!r} (defined: {known})")

    total = sum(c.initial for c in sc.cell_types)
    if total > MAX_POPULATION:
        raise ValueError(f"cell_types: total initial population {total:g} exceeds {MAX_POPULATION:g} cells")
    if total <= 0:
        raise ValueError("cell_types: total initial population is zero")

    for i, c in enumerate(sc.cell_types):
        for drug, over in c.pd.items():
            need_drug(drug, f"cell_types.{i}.pd.{drug}")
            base = sc.drugs[drugs.index(drug)].effect
            on = over.acts_on or base.acts_on
            emax = over.emax if over.emax is not None else base.emax
            if on == "birth" and emax > 1.0:
                raise ValueError(f"cell_types.{i}.pd.{drug}.emax: an effect on birth is a fraction, at most 1")
        for m, mod in enumerate(c.modifiers):
            for drug in getattr(mod, "drugs", None) or []:
                need_drug(drug, f"cell_types.{i}.modifiers.{m}.drugs")

    division_p: dict[str, float] = {}
    for k, tr in enumerate(sc.transitions):
        need_type(tr.source, f"transitions.{k}.source")
        need_type(tr.target, f"transitions.{k}.target")
        if tr.source == tr.target:
            raise ValueError(f"transitions.{k}.target: a transition must change the cell type")
        if tr.kind == "switch":
            if tr.drug is not None:
                need_drug(tr.drug, f"transitions.{k}.drug")
            elif tr.rate_on_drug is not None:
                raise ValueError(f"transitions.{k}.rate_on_drug: needs a drug")
        else:
            division_p[tr.source] = division_p.get(tr.source, 0.0) + tr.probability
            if division_p[tr.source] > 1.0:
                raise ValueError(
                    f"transitions.{k}.probability: division probabilities of {tr.source!r} sum to more than 1"
                )

    for k, dose in enumerate(sc.treatment):
        need_drug(dose.drug, f"treatment.{k}.drug")

    _check_triggers(sc, need_type, need_drug)

    if sc.competition is not None:
        cap = sc.competition.carrying_capacity
        caps = cap.values() if isinstance(cap, dict) else [cap]
        if any(c > POPULATION_CEILING for c in caps):
            raise ValueError(f"competition.carrying_capacity: at most the engines' population ceiling "
                             f"{POPULATION_CEILING:g} cells")
        if isinstance(cap, dict):
            for name in cap:
                need_type(name, f"competition.carrying_capacity.{name}")
            for name in types:
                if name not in cap:
                    raise ValueError(f"competition.carrying_capacity: missing cell type {name!r}")
        for a, row in sc.competition.interaction.items():
            need_type(a, f"competition.interaction.{a}")
            for b in row:
                need_type(b, f"competition.interaction.{a}.{b}")


def _check_triggers(sc: Scenario, need_type: Callable[[str, str], None],
                    need_drug: Callable[[str, str], None]) -> None:
    names = [t.name for t in sc.triggers]
    _unique(names, "triggers")
    for k, trig in enumerate(sc.triggers):
        if isinstance(trig.when.cells, list):
            for c, name in enumerate(trig.when.cells):
                need_type(name, f"triggers.{k}.when.cells.{c}")
        for a, change in enumerate(trig.then):
            need_drug(change.drug, f"triggers.{k}.then.{a}.drug")
        if trig.after is not None:
            if trig.after not in names:
                raise ValueError(f"triggers.{k}.after: unknown trigger {trig.after!r} "
                                 f"(defined: {', '.join(names)})")
            chain = [trig.name]
            parent: str | None = trig.after
            while parent is not None:  # a chain of `after` must end at a trigger armed from day 0
                chain.append(parent)
                if parent == trig.name:
                    raise ValueError(f"triggers.{k}.after: {trig.name!r} waits for itself "
                                     f"({' after '.join(chain)}); one trigger of the chain needs no `after`")
                if len(chain) > len(names) + 1:
                    break  # a cycle further up the chain is reported at its own trigger
                parent = sc.triggers[names.index(parent)].after
