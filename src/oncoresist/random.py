"""One place that turns user seeds into NumPy random streams.

Every stochastic function in oncoresist accepts ``seed`` as ``None``, an ``int``,
a :class:`numpy.random.SeedSequence` or a :class:`numpy.random.Generator` and calls
:func:`as_seed_sequence`. ``None`` draws OS entropy, which is logged and recorded
in provenance so the run can be repeated. Child streams are spawned with
``SeedSequence.spawn`` (never ``seed + i``).
"""

from __future__ import annotations

import logging

import numpy as np

SeedLike = None | int | np.random.SeedSequence | np.random.Generator

log = logging.getLogger(__name__)


def as_seed_sequence(seed: SeedLike) -> np.random.SeedSequence:
    """Normalise ``seed`` to a :class:`~numpy.random.SeedSequence`.

    A ``Generator`` contributes a seed sequence drawn from its own stream, so the
    caller's generator advances and results stay reproducible from the generator's
    own seed.
    """
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, np.random.Generator):
        return np.random.SeedSequence(seed.integers(0, 2**63, size=4, dtype=np.uint64).tolist())
    if seed is None:
        ss = np.random.SeedSequence()
        log.info("no seed given; using OS entropy %d", ss.entropy)
        return ss
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise TypeError(f"seed must be None, an int, a SeedSequence or a Generator, not {type(seed)}")
    if seed < 0:
        raise ValueError("seed must be a non-negative integer")
    return np.random.SeedSequence(int(seed))


def as_generator(seed: SeedLike) -> np.random.Generator:
    """A PCG64 generator for ``seed`` (a Generator passes through unchanged)."""
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.Generator(np.random.PCG64(as_seed_sequence(seed)))


def seed_record(ss: np.random.SeedSequence) -> dict[str, object]:
    """What provenance stores to regenerate a stream: root entropy and spawn key."""
    entropy = ss.entropy
    return {
        "entropy": str(entropy) if entropy is not None else None,
        "spawn_key": list(ss.spawn_key),
    }
