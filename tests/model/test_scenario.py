"""Scenario loading: the examples load; bad input is rejected with the field path."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from oncoresist.errors import ScenarioError
from oncoresist.model import Scenario, compile_scenario, load_scenario

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples" / "scenarios").glob("*.yaml"))

BASE: dict[str, Any] = {
    "cell_types": [
        {"name": "S", "initial": 1000, "birth": 0.14, "death": 0.13},
        {"name": "R", "initial": 0, "birth": 0.14, "death": 0.13},
    ],
    "transitions": [{"kind": "mutation", "source": "S", "target": "R", "probability": 1e-5}],
    "drugs": [{"name": "d1", "effect": {"acts_on": "death", "emax": 0.1}}],
    "treatment": [{"drug": "d1", "start": 0, "dose": 1.0}],
}


def test_examples_exist_and_compile() -> None:
    names = {p.stem for p in EXAMPLES}
    assert {"egfr_nsclc", "cml_imatinib", "chemo_efflux"} <= names
    for path in EXAMPLES:
        model = compile_scenario(path)
        assert model.n_types >= 3 and model.n_drugs >= 1
        text = path.read_text().lower()
        assert "illustrative" in text or "doi 10." in text  # made-up numbers say so; others cite their source


def test_schema_class_path_for_the_cli() -> None:
    import importlib

    cls = importlib.import_module("oncoresist.model.scenario").Scenario
    assert cls is Scenario
    assert "cell_types" in cls.model_json_schema()["properties"]


def _bad(path: list[Any], value: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    node: Any = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (["cell_types", 0, "birth"], -0.1, "cell_types.0.birth"),
        (["transitions", 0, "probability"], 1.5, "transitions.0.probability"),
        (["transitions", 0, "target"], "X", "transitions.0.target: unknown cell type 'X'"),
        (["treatment", 0, "drug"], "nodrug", "treatment.0.drug: unknown drug 'nodrug'"),
        (["cell_types", 0, "initial"], 2e13, "cell_types.0.initial"),
        (["cell_types", 0, "colour"], "red", "cell_types.0.colour"),
        (["cell_types", 1, "pd"], {"nodrug": {"emax": 0}}, "cell_types.1.pd.nodrug: unknown drug"),
    ],
)
def test_rejected_with_field_path(path: list[Any], value: Any, expected: str) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(_bad(path, value))
    msg = str(info.value)
    assert expected in msg and "\n" not in msg


def test_absurd_total_population() -> None:
    data = copy.deepcopy(BASE)
    data["cell_types"][0]["initial"] = 6e12
    data["cell_types"][1]["initial"] = 6e12
    with pytest.raises(ScenarioError, match="total initial population"):
        load_scenario(data)


def test_division_probabilities_must_sum_to_at_most_one() -> None:
    data = copy.deepcopy(BASE)
    data["transitions"].append({"kind": "mutation", "source": "S", "target": "R", "probability": 0.7})
    data["transitions"][0]["probability"] = 0.5
    with pytest.raises(ScenarioError, match="sum to more than 1"):
        load_scenario(data)


def test_yaml_file_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("cell_types: [\n")
    with pytest.raises(ScenarioError, match="not valid YAML"):
        load_scenario(bad)
    bad.write_text("- 1\n- 2\n")
    with pytest.raises(ScenarioError, match="mapping"):
        load_scenario(bad)


def test_schedule_compiles_to_sorted_changes() -> None:
    data = copy.deepcopy(BASE)
    data["drugs"].append({"name": "d2", "pk": {"model": "oral"}, "effect": {"emax": 0.1}, "interval": 2})
    data["treatment"] = [
        {"drug": "d2", "start": 10, "stop": 20, "dose": 5},
        {"drug": "d1", "start": 0, "stop": 10, "dose": 1},
        {"drug": "d1", "start": 10, "dose": 2},
    ]
    model = compile_scenario(data)
    assert model.schedule == (
        (0, 0, 1.0, 1.0), (10, 0, 0.0, 1.0), (10, 0, 2.0, 1.0), (10, 1, 5.0, 2.0), (20, 1, 0.0, 2.0),
    )
