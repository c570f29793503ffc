"""One place that turns user seeds into NumPy random streams.

Every stochastic function in oncoresist accepts ``seed`` as :data:`SeedLike` — ``None``,
an ``int``, a :class:`numpy.random.SeedSequence` or a :class:`numpy.random.Generator` —
and calls :func:`as_seed_sequence`. ``None`` draws OS entropy, which is logged and
recorded in provenance so the run can be repeated.

Child streams come from :func:`child_seed` / :func:`child_seeds` only: the child at
path ``(k, j, ...)`` of ``root`` is ``SeedSequence(root.entropy, spawn_key=(*root.spawn_key,
k, j, ...))`` — identical to ``root.spawn(k + 1)[k].spawn(j + 1)[j]`` on a fresh ``root``,
but pure (``root``'s spawn counter is never touched, so the same call always gives the same
stream). Never ``seed + i``.

A seed is stored as :func:`seed_record` (entropy as a decimal string, or a list of decimal
strings for list entropy, plus the spawn key and pool size) and read back with
:func:`seed_from_record`; the pair round-trips exactly for every :data:`SeedLike`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from oncoresist.errors import InvalidArgument

SeedLike = None | int | np.random.SeedSequence | np.random.Generator
"""What every stochastic function accepts as ``seed``."""

log = logging.getLogger(__name__)


def as_seed_sequence(seed: SeedLike, *, param: str = "seed") -> np.random.SeedSequence:
    """Normalise ``seed`` to a :class:`~numpy.random.SeedSequence`.

    A ``Generator`` contributes a seed sequence drawn from its own stream (four 64-bit
    words), so the caller's generator advances and results stay reproducible from the
    generator's own seed. ``None`` draws OS entropy (logged at INFO).

    Raises
    ------
    InvalidArgument
        ``seed`` is negative or of another type (the message names ``param``).
    """
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, np.random.Generator):
        words = seed.integers(0, 2**63, size=4, dtype=np.uint64)
        return np.random.SeedSequence([int(w) for w in words])
    if seed is None:
        ss = np.random.SeedSequence()
        log.info("no seed given; using OS entropy %d", ss.entropy)
        return ss
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise InvalidArgument(
            f"{param}: must be None, a non-negative int, a SeedSequence or a Generator, not {type(seed).__name__}",
            param=param)
    if seed < 0:
        raise InvalidArgument(f"{param}: must be a non-negative integer, got {int(seed)}", param=param)
    return np.random.SeedSequence(int(seed))


def as_generator(seed: SeedLike, *, param: str = "seed") -> np.random.Generator:
    """A PCG64 generator for ``seed`` (a Generator passes through unchanged)."""
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.Generator(np.random.PCG64(as_seed_sequence(seed, param=param)))


def child_seed(root: np.random.SeedSequence, *path: int) -> np.random.SeedSequence:
    """The child of ``root`` at spawn path ``path`` (pure: ``root`` is not modified).

    ``child_seed(root, k)`` equals ``root.spawn(k + 1)[k]`` for a fresh ``root``;
    ``child_seed(root, k, j)`` equals ``child_seed(child_seed(root, k), j)``.
    """
    for p in path:
        if isinstance(p, bool) or not isinstance(p, int | np.integer) or p < 0:
            raise InvalidArgument(f"path: spawn-key elements must be non-negative ints, got {p!r}", param="path")
    return np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, *(int(p) for p in path)),
                                  pool_size=root.pool_size)


def child_seeds(root: np.random.SeedSequence, n: int, *, prefix: Sequence[int] = (),
                start: int = 0) -> list[np.random.SeedSequence]:
    """Children ``(*prefix, start) … (*prefix, start + n - 1)`` of ``root`` (pure)."""
    if n < 0:
        raise InvalidArgument(f"n: must be >= 0, got {n}", param="n")
    return [child_seed(root, *prefix, k) for k in range(start, start + n)]


def generator(seq: np.random.SeedSequence) -> np.random.Generator:
    """The PCG64 generator of a seed sequence (the only bit generator oncoresist uses)."""
    return np.random.Generator(np.random.PCG64(seq))


def _entropy_out(entropy: Any) -> str | list[str] | None:
    if entropy is None:
        return None
    if isinstance(entropy, int | np.integer):
        return str(int(entropy))
    return [str(int(e)) for e in entropy]


def seed_record(ss: np.random.SeedSequence) -> dict[str, Any]:
    """What provenance stores to regenerate a stream (JSON-safe; exact for 128-bit entropy).

    ``{"entropy": "123…" | ["1", "2", …], "spawn_key": [..], "pool_size": 4}``; read back with
    :func:`seed_from_record`.
    """
    return {"entropy": _entropy_out(ss.entropy), "spawn_key": [int(k) for k in ss.spawn_key],
            "pool_size": int(ss.pool_size)}


def seed_from_record(record: Mapping[str, Any]) -> np.random.SeedSequence:
    """Inverse of :func:`seed_record` (also reads older records with an int entropy and no pool size)."""
    try:
        raw = record["entropy"]
        if isinstance(raw, list | tuple):
            entropy: int | list[int] = [int(e) for e in raw]
        else:
            entropy = int(raw)
        spawn_key = tuple(int(k) for k in record.get("spawn_key", ()))
        pool_size = int(record.get("pool_size", 4))
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidArgument(f"seed record: not a seed record ({exc})", param="seed") from None
    return np.random.SeedSequence(entropy, spawn_key=spawn_key, pool_size=pool_size)


def same_seed(a: np.random.SeedSequence, b: np.random.SeedSequence) -> bool:
    """Whether two seed sequences give the same streams (entropy, spawn key and pool size)."""
    return seed_record(a) == seed_record(b)


def seed_text(record: Mapping[str, Any] | object) -> str:
    """A recorded seed as ``--seed`` takes it (its entropy), for reports and CLI lines.

    The spawn key and a pool size other than 4 are added only when the record has them, since
    ``--seed`` alone would not repeat such a stream.
    """
    if not isinstance(record, Mapping):
        return str(record)
    entropy = record.get("entropy")
    text = ", ".join(entropy) if isinstance(entropy, list) else str(entropy)
    extra = []
    if record.get("spawn_key"):
        extra.append(f"spawn key {list(record['spawn_key'])}")
    if record.get("pool_size", 4) != 4:
        extra.append(f"pool size {record['pool_size']}")
    return text + (f" ({'; '.join(extra)})" if extra else "")


def describe_seed(ss: np.random.SeedSequence) -> str:
    """One human line: how to repeat this stream from the CLI (``--seed N``) or the API."""
    rec = seed_record(ss)
    if isinstance(rec["entropy"], str) and not rec["spawn_key"]:
        return f"seed entropy {rec['entropy']} (pass --seed {rec['entropy']} to repeat)"
    return f"seed {rec} (pass oncoresist.random.seed_from_record(...) of it to repeat)"
