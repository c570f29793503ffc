"""Bounded memo tables for the annotator's caches.

Every table lives inside one :class:`~oncoresist.annotate.engine.Annotator`, which is
built for one loaded :class:`~oncoresist.knowledge.index.Knowledge` (and rebuilt when its
version changes, :func:`oncoresist.annotate.api.annotator_for`), so a memoised answer is
always keyed on the knowledge version. A table is emptied when it reaches its bound, so
memory stays bounded however many samples are annotated; a disabled table stores nothing,
so every answer is computed afresh (``Annotator(kb, cache=False)``: the reference path
against which the memoised one is tested, ``tests/annotate/test_annotate_cache.py``).

Reads are plain :meth:`dict.get` calls (C speed); only stores go through Python.
"""

from __future__ import annotations

from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Memo(dict[K, V]):
    """A dict that empties itself when it reaches ``maxsize`` entries; with ``enabled=False`` it stores nothing.

    Parameters
    ----------
    maxsize
        The most entries kept; storing one more first clears the table.
    enabled
        ``False``: every store is dropped (``get`` always misses).
    """

    __slots__ = ("enabled", "maxsize")

    def __init__(self, maxsize: int, *, enabled: bool = True) -> None:
        super().__init__()
        self.maxsize = maxsize
        self.enabled = enabled

    def __setitem__(self, key: K, value: V) -> None:
        if not self.enabled:
            return
        if len(self) >= self.maxsize:
            self.clear()
        super().__setitem__(key, value)

    def setdefault(self, key: K, default: V) -> V:
        hit = self.get(key)
        if hit is None:
            self[key] = default
            return default
        return hit
