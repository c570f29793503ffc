"""``/api/v1/explain`` and ``/api/v1/knowledge/...``: what the knowledge says, and its version."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query

from oncoresist import __version__
from oncoresist.annotate.explain import browse
from oncoresist.errors import UnknownNameError
from oncoresist.server import service
from oncoresist.server.dependencies import AppState, get_state
from oncoresist.server.models import ErrorOut, Suggestion, VersionOut

router = APIRouter(prefix="/api/v1", tags=["knowledge"])
State = Annotated[AppState, Depends(get_state)]
Limit = Annotated[int, Query(ge=1, le=500, description="Facts per effect group.")]
Name = Annotated[str, Path(min_length=1, max_length=200)]
_404: dict[int | str, dict[str, Any]] = {404: {"model": ErrorOut}, 422: {"model": ErrorOut}}


def _lookup(fn: Any, *args: Any, field: str = "name", **kwargs: Any) -> dict[str, Any]:
    """``fn``'s answer; an unknown name is 404 naming the request's ``field`` (``q`` or the path's ``name``)."""
    try:
        out: dict[str, Any] = fn(*args, **kwargs)
    except UnknownNameError as exc:
        err = service.NotFoundNameError(exc.kind, exc.name, exc.suggestions)
        err.field = field  # type: ignore[attr-defined]
        raise err from None
    return out


@router.get("/explain", summary="Mechanisms, sources and options for an alteration, gene, drug or mechanism",
            responses=_404)
def explain(
    state: State, q: Annotated[str, Query(min_length=1, max_length=200, description='e.g. "EGFR T790M"')],
    limit: Limit = 20,
) -> dict[str, Any]:  # fmt: skip
    return _lookup(browse, state.knowledge, q, field="q", limit=limit)


@router.get("/knowledge/version", response_model=VersionOut, summary="The knowledge version every result names")
def version(state: State) -> VersionOut:
    kb = state.knowledge
    return VersionOut(
        knowledge_version=kb.version, oncoresist_version=__version__, facts=len(kb.facts), options=len(kb.options),
        genes=len(kb.genes), drugs=len(kb.drugs), tumors=len(kb.tumors), imports=sorted(kb.imports),
    )  # fmt: skip


@router.get("/knowledge/suggest", response_model=list[Suggestion], summary="Names for autocompletion")
def suggest(
    state: State,
    kind: Annotated[Literal["gene", "drug", "tumor", "alteration"], Query()],
    q: Annotated[str, Query(max_length=100)] = "",
    limit: Annotated[int, Query(ge=1, le=50)] = 12,
) -> list[dict[str, str]]:
    return service.suggest(state, kind, q, limit)


@router.get("/knowledge/gene/{name}", summary="A gene (aliases resolve) and its facts", responses=_404)
def gene(state: State, name: Name, limit: Limit = 20) -> dict[str, Any]:
    return _lookup(service.knowledge_entry, state, "gene", name, limit)


@router.get("/knowledge/drug/{name}", summary="A drug (brand names resolve) and its facts", responses=_404)
def drug(state: State, name: Name, limit: Limit = 20) -> dict[str, Any]:
    return _lookup(service.knowledge_entry, state, "drug", name, limit)


@router.get("/knowledge/tumor/{name}", summary="A tumour type (OncoTree code or name) and its facts", responses=_404)
def tumor(state: State, name: Name, limit: Limit = 20) -> dict[str, Any]:
    return _lookup(service.knowledge_entry, state, "tumor", name, limit)
