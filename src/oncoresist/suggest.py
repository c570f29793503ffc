"""Closest known names for a misspelt one (base layer: used by every "did you mean" message)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def edit_distance(a: str, b: str) -> int:
    """Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent transpositions."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[len(b)]


CUTOFF = 0.75
"""Least :class:`difflib.SequenceMatcher` ratio for a suggestion: ``EFGR`` -> ``EGFR`` (0.75) is offered,
``notadrug`` -> ``Mylotarg`` (0.625) or ``NDRG1`` (0.615) is not."""


def closest(token: str, names: Iterable[str], n: int = 3, cutoff: float = CUTOFF) -> list[str]:
    """Up to ``n`` names closest to ``token`` (case-insensitive), fewest edits first.

    Candidates are those :func:`difflib.get_close_matches` finds at or above ``cutoff``;
    they are ordered by edit distance (a swapped pair of letters counts as one
    edit, so ``EFGR`` suggests ``EGFR`` first), then by similarity.
    """
    pool = {k.lower(): k for k in names}
    low = token.lower()
    hits = difflib.get_close_matches(low, list(pool), n=max(4 * n, 12), cutoff=cutoff)
    ranked = sorted(hits, key=lambda h: (edit_distance(low, h), -difflib.SequenceMatcher(None, low, h).ratio(), h))
    return [pool[h] for h in ranked[:n]]
