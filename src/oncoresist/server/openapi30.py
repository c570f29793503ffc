"""An OpenAPI 3.0 view of the app's 3.1 schema, for the packaged Swagger UI at /docs.

FastAPI writes OpenAPI 3.1. The Swagger UI that ``swagger-ui-bundle`` packages (4.x) renders only
``swagger: 2.0`` and ``openapi: 3.0.n`` documents: given 3.1 it shows "Unable to render this
definition" and no endpoint. ``/openapi.json`` stays 3.1 for API clients; the docs page reads this
view, which rewrites the few 3.1 constructs the app's schema uses into their 3.0 spelling:

* ``anyOf: [X, {type: null}]`` → ``X`` with ``nullable: true`` (``type: [X, "null"]`` likewise);
* ``const: v`` → ``enum: [v]``;
* numeric ``exclusiveMinimum``/``exclusiveMaximum`` → ``minimum``/``maximum`` with the boolean flag;
* a list of schema ``examples`` → one ``example``; ``contentMediaType`` on a string → ``format: binary``.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

OPENAPI_30 = "3.0.3"


def swagger_ui_major(path: str | Path) -> int | None:
    """The major version of a Swagger UI distribution folder named ``swagger-ui-X.Y.Z`` (None if unnamed)."""
    m = re.search(r"swagger-ui-(\d+)\.", Path(path).name + ".")
    return int(m.group(1)) if m else None


def _is_null(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("type") == "null" and len(schema) == 1


def _schema(node: dict[str, Any]) -> dict[str, Any]:
    out = {k: _walk(v) for k, v in node.items()}
    for key in ("anyOf", "oneOf"):
        alts = out.get(key)
        if isinstance(alts, list) and any(_is_null(a) for a in alts):
            rest = [a for a in alts if not _is_null(a)]
            del out[key]
            if len(rest) == 1 and isinstance(rest[0], dict) and "$ref" not in rest[0]:
                out = {**rest[0], **out}
            elif rest:
                out[key] = rest
            out["nullable"] = True
    types = out.get("type")
    if isinstance(types, list):
        kept = [t for t in types if t != "null"]
        if len(kept) < len(types):
            out["nullable"] = True
        out["type"] = kept[0] if len(kept) == 1 else kept
    if "const" in out:
        out["enum"] = [out.pop("const")]
    for bound, flag in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        value = out.get(bound)
        if isinstance(value, int | float) and not isinstance(value, bool):
            out[flag] = value
            out[bound] = True
    if isinstance(out.get("examples"), list):
        examples = out.pop("examples")
        if examples:
            out["example"] = examples[0]
    if out.get("type") == "string" and "contentMediaType" in out:
        out.pop("contentMediaType")
        out["format"] = "binary"
    return out


def _walk(node: Any) -> Any:
    if isinstance(node, list):
        return [_walk(x) for x in node]
    if not isinstance(node, dict):
        return node
    if any(k in node for k in ("type", "anyOf", "oneOf", "const", "$ref", "properties", "items")):
        return _schema(node)
    return {k: _walk(v) for k, v in node.items()}


def downgrade(schema: dict[str, Any]) -> dict[str, Any]:
    """A copy of the OpenAPI 3.1 ``schema`` written as OpenAPI 3.0 (see the module docstring)."""
    out = _walk(copy.deepcopy(schema))
    out["openapi"] = OPENAPI_30
    return dict(out)


__all__ = ["OPENAPI_30", "downgrade", "swagger_ui_major"]
