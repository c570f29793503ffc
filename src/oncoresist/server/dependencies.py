"""What every route shares, built once at start-up and injected with ``Depends``: the knowledge
(read-only), the settings, the twin job manager and the store of recent annotation results."""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from fastapi import Request

if TYPE_CHECKING:
    from oncoresist.annotate.result import AnnotationResult
    from oncoresist.knowledge.index import Knowledge
    from oncoresist.server.jobs import JobManager
    from oncoresist.server.settings import ServerSettings


@dataclass
class StoredResult:
    """Annotation results kept in memory for the page's JSON/HTML downloads (never on disk)."""

    results: list[AnnotationResult]
    batch: bool
    meta: dict[str, Any] = field(default_factory=dict)


class ResultStore:
    """A small LRU of recent results, keyed by an unguessable id."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._items: OrderedDict[str, StoredResult] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, item: StoredResult) -> str:
        key = secrets.token_urlsafe(16)
        with self._lock:
            self._items[key] = item
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return key

    def get(self, key: str) -> StoredResult | None:
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
            return item


@dataclass
class AppState:
    settings: ServerSettings
    knowledge: Knowledge
    jobs: JobManager
    results: ResultStore
    alteration_names: list[str] | None = None


def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.oncoresist
    return state
