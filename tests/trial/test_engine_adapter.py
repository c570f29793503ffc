"""The trial's engine adapter uses the engine's public API only, and each patient gets its own parameters."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import yaml

from oncoresist.engine import ReplicateParameters, Simulator
from oncoresist.trial.engine_adapter import EngineModel
from oncoresist.trial.models import open_scenario

ADAPTER = Path(__file__).resolve().parents[2] / "src" / "oncoresist" / "trial" / "engine_adapter.py"
SCENARIO = Path(__file__).resolve().parents[2] / "examples" / "trials" / "scenarios" / "egfr_nsclc.yaml"


def test_adapter_touches_no_private_name_of_another_module() -> None:
    tree = ast.parse(ADAPTER.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            assert not any(p.startswith("_") and p != "__future__" for p in (node.module or "").split(".")), node.module
            assert not any(a.name.startswith("_") for a in node.names)
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            assert isinstance(node.value, ast.Name) and node.value.id == "self", ast.unparse(node)


def _model(factors: dict[str, np.ndarray], ids: list[int]) -> EngineModel:
    handle = open_scenario(SCENARIO)
    return EngineModel(handle, len(ids), factors, np.random.SeedSequence(3), ids, method="tau")


def test_each_patient_runs_as_a_simulator_with_its_own_parameters() -> None:
    factors = {"growth": np.array([1.0, 1.01]), "kill": np.array([0.5, 2.0]),
               "initial_cells": np.array([1e10, 4e10]), "resistant_fraction": np.array([1.0, 0.5])}
    model = _model(factors, [4, 9])
    model.set_dose("erlotinib", np.array([1.0, 1.0]))
    model.advance(60.0)
    # patient 9 alone, built directly on the public engine API
    data = yaml.safe_load(SCENARIO.read_text())
    data["treatment"] = []
    init = Simulator(data).model.initial.astype(float)
    init = 4e10 / init.sum() * init
    init[[1, 2, 3]] *= 0.5  # resistant types
    alone = Simulator(data, engine="tau", seed=np.random.SeedSequence(3), replicate_ids=[9], times=[0.0],
                      initial=np.rint(init), replicate_params=ReplicateParameters(birth=[1.01], drug_emax=[2.0]))
    alone.set_dose("erlotinib", 1.0)
    alone.advance(60.0)
    np.testing.assert_array_equal(model.state[1], alone.state[0].astype(float))
    np.testing.assert_array_equal(model.death_flux()[1], alone.death_flux()[0])
    assert model.state[1].sum() < model.state[0].sum()  # stronger kill, same growth


def test_dead_patients_are_removed_and_stop() -> None:
    model = _model({}, [0, 1])
    model.advance(10.0)
    model.remove(np.array([True, False]))
    model.advance(20.0)
    assert model.state[0].sum() == 0 and model.state[1].sum() > 0
    assert np.all(model.death_flux()[0] == 0.0)
    assert model.sim.stopped.tolist() == [True, False]
