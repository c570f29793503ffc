"""Building already validated pydantic models quickly (loading pinned knowledge)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_setattr = object.__setattr__


def _list_default() -> list[str]:
    return []


def fast_constructor(model: Any) -> Callable[[dict[str, Any]], Any]:
    """What ``model.model_construct(**data)`` does for these flat models, without its per-call overhead.

    (``model_construct`` inspects each default factory's signature on every call, which
    made a load of the bundle take seconds.)
    """
    defaults: dict[str, Any] = {
        name: (_list_default if f.default_factory is not None else (lambda d=f.default: d))
        for name, f in model.model_fields.items()
        if not f.is_required()
    }
    names = tuple(model.model_fields)
    new = model.__new__

    def construct(data: dict[str, Any]) -> Any:
        if tuple(data) == names:  # every field, in order (the bundle writes facts so): a plain copy
            values = dict(data)
        else:  # keep the field order, which model_dump follows
            values = {name: data[name] if name in data else defaults[name]() for name in names}
        obj = new(model)
        _setattr(obj, "__dict__", values)
        _setattr(obj, "__pydantic_fields_set__", set(data))
        _setattr(obj, "__pydantic_extra__", None)
        _setattr(obj, "__pydantic_private__", None)
        return obj

    return construct
