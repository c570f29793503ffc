"""Load a scenario from YAML, JSON, a mapping or a :class:`Scenario`, with one-line errors."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from oncoresist.errors import ScenarioError, validation_message
from oncoresist.model.scenario import Scenario

ScenarioLike = Scenario | Mapping[str, Any] | str | os.PathLike[str]


def _path(loc: tuple[Any, ...], data: Any) -> str:
    """Dotted field path, without the union tags pydantic inserts (``transitions.0.mutation.x``)."""
    parts: list[str] = []
    node = data
    for key in loc:
        if isinstance(node, dict) and key not in node and node.get("kind") == key:
            continue  # a discriminated-union tag, not a field
        parts.append(str(key))
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            node = None
    return ".".join(parts)


def _format(exc: ValidationError, origin: str, data: Any) -> str:
    return validation_message(exc, source=f"invalid scenario {origin}", loc=lambda loc: _path(loc, data))


def load_scenario(source: ScenarioLike) -> Scenario:
    """Validate ``source`` into a :class:`Scenario`.

    Parameters
    ----------
    source
        A :class:`Scenario` (returned unchanged), a mapping, or the path of a
        YAML/JSON file.

    Raises
    ------
    ScenarioError
        With the field path and the reason, e.g.
        ``transitions.0.target: unknown cell type 'X'``.
    """
    if isinstance(source, Scenario):
        return source
    if isinstance(source, Mapping):
        data: Any = dict(source)
        origin = "(mapping)"
    else:
        import yaml

        path = Path(source)
        origin = str(path)
        with open(path, encoding="utf-8") as fh:
            try:
                data = yaml.safe_load(fh)
            except yaml.YAMLError as exc:
                reason = " ".join(str(exc).split())
                raise ScenarioError(f"invalid scenario {origin}: not valid YAML ({reason})") from None
        if not isinstance(data, dict):
            raise ScenarioError(f"invalid scenario {origin}: expected a mapping at the top level")
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(_format(exc, origin, data)) from None
