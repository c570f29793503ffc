"""``oncoresist schema NAME``: print the JSON Schema of an input file format."""

from __future__ import annotations

import importlib
import json
from enum import Enum

import typer

from oncoresist.cli import app
from oncoresist.cli._common import error_boundary

# name -> "module:Model"; each part adds its input formats here.
SCHEMAS: dict[str, str] = {
    "knowledge-fact": "oncoresist.knowledge.schema:Fact",
    "knowledge-drug": "oncoresist.knowledge.schema:Drug",
    "profile": "oncoresist.profile.schema:Profile",
    "scenario": "oncoresist.model.scenario:Scenario",
    "trial": "oncoresist.trial.spec:TrialSpec",
    "series": "oncoresist.fit.series:Series",
}

SchemaName = Enum("SchemaName", {k.replace("-", "_"): k for k in SCHEMAS}, type=str)  # type: ignore[misc]


@app.command("schema")
@error_boundary
def schema(name: SchemaName = typer.Argument(..., help="Which input format.")) -> None:
    """Print the JSON Schema of an input format (profile, scenario, trial, knowledge)."""
    module, attr = SCHEMAS[name.value].split(":")
    model = getattr(importlib.import_module(module), attr)
    typer.echo(json.dumps(model.model_json_schema(), indent=2))
