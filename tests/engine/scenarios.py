"""Shared scenarios for engine tests (small, fast, seeded)."""

from __future__ import annotations

from typing import Any


def birth_death(n0: int, b: float, d: float) -> dict[str, Any]:
    return {"cell_types": [{"name": "A", "initial": n0, "birth": b, "death": d}]}


def rich_scenario(combination: str = "bliss", competition: bool = False) -> dict[str, Any]:
    """Every kind of rate: oral PK, a drug-induced switch, divisions, two drugs."""
    sc: dict[str, Any] = {
        "combination": combination,
        "immune_kill": 0.01,
        "cell_types": [
            {"name": "S", "initial": 300, "birth": 0.5, "death": 0.1},
            {"name": "P", "initial": 0, "birth": 0.05, "death": 0.02},
            {"name": "R", "initial": 5, "birth": 0.45, "death": 0.1,
             "modifiers": [{"kind": "ec50_fold", "drugs": ["x"], "fold": 20}]},
        ],
        "transitions": [
            {"kind": "mutation", "source": "S", "target": "R", "probability": 0.01},
            {"kind": "switch", "source": "S", "target": "P", "rate": 0.001, "drug": "x", "rate_on_drug": 0.2},
            {"kind": "switch", "source": "P", "target": "S", "rate": 0.1, "drug": "x", "rate_on_drug": 0.0},
        ],
        "drugs": [
            {"name": "x", "pk": {"model": "oral", "ka": 5.0, "clearance": 2.0, "volume": 1.0,
                                 "cv_clearance": 0.3}, "effect": {"acts_on": "death", "emax": 0.8, "ec50": 1.0}},
            {"name": "y", "pk": {"model": "iv_bolus", "clearance": 1.0, "volume": 2.0},
             "effect": {"acts_on": "birth", "emax": 0.6, "ec50": 0.5, "hill": 2}},
        ],
        "treatment": [
            {"drug": "x", "start": 0, "dose": 3.0, "interval": 1.0},
            {"drug": "y", "start": 0, "dose": 2.0, "interval": 2.0},
        ],
    }  # fmt: skip
    if competition:
        sc["competition"] = {"carrying_capacity": 2000}
    return sc
