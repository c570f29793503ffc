"""Between-patient parameters and per-patient random streams.

Every patient owns a :class:`numpy.random.SeedSequence` spawned on the client from the trial's
root (``root.spawn(n_arms)`` then ``arm.spawn(N)``), so a patient's results do not depend on the
batch it falls in, the backend or the number of workers. Each patient stream has fixed
children: 0 cohort parameters, 1 monitoring noise, 2 resistant-fraction factors beyond the first
:data:`RESISTANT_SLOTS` types (so adding types never changes the draws of the first ones), 3 the tumour's
sensitivity, 4 Luria–Delbrück pre-existing counts (one child per resistant type), 5 each resistant type's own
growth factor (``resistant_growth``), 6 the scan visits' dates within their protocol window, 7 the route-own
part of a correlated ``resistant_growth`` (``resistant_growth_correlation`` in [0, 1), lognormal).
The engine's streams come from a per-arm engine root
(``SeedSequence(root.entropy, spawn_key=(n_arms + arm,))``) with the patient id as replicate id,
so they never collide with patient streams ``(arm, i, …)``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence

import numpy as np

from oncoresist.errors import InvalidArgument
from oncoresist.random import child_seed, child_seeds
from oncoresist.trial.spec import CohortSpec, Distribution

FACTORS = ("growth", "kill", "mutation", "clearance", "initial_cells", "sensitivity", "resistant_fraction",
           "resistant_growth")
"""Cohort factors (the per-type ones, ``resistant_fraction`` and ``resistant_growth``, last)."""
COHORT, MONITOR, EXTRA_RESISTANT, SENSITIVITY, LURIA_DELBRUCK, RESISTANT_GROWTH, VISITS = 0, 1, 2, 3, 4, 5, 6
ROUTE_GROWTH = 7
MEASURED = 8
"""Child of the patient's stream for measured pre-treatment fractions (``resistant_fraction.measured_sigma``)."""
_DRAWN = 5
"""Factors drawn from the cohort stream itself (the first five of :data:`FACTORS`); ``sensitivity`` draws
from child :data:`SENSITIVITY` of the patient's stream, so adding it changed none of the earlier draws."""


def patient_seeds(root: np.random.SeedSequence, n_arms: int, n_per_arm: int) -> list[list[np.random.SeedSequence]]:
    """Per-arm lists of per-patient seed sequences (spawned from ``root`` on the client)."""
    return [child_seeds(child_seed(root, a), n_per_arm) for a in range(n_arms)]


def child(seq: np.random.SeedSequence, k: int) -> np.random.SeedSequence:
    """The ``k``-th child of ``seq`` without touching ``seq``'s spawn counter."""
    return child_seed(seq, k)


def uniforms(seqs: Sequence[np.random.SeedSequence], k: int, shape: tuple[int, ...]) -> np.ndarray:
    """``(n, *shape)`` uniforms in (0, 1), patient ``i`` from child ``k`` of its own stream
    (``generator(child_seed(seqs[i], k)).random(shape)``, drawn through :func:`child_generators`)."""
    out = np.empty((len(seqs), *shape))
    for i, rng in child_generators(seqs, [(k,)]):
        out[i] = rng.random(shape)
    # keep strictly inside (0, 1) for inverse CDFs
    return np.clip(out, 1e-15, 1 - 1e-15)


def child_generators(seqs: Sequence[np.random.SeedSequence],
                     paths: Sequence[tuple[int, ...]]) -> Iterator[tuple[int, np.random.Generator]]:
    """For each patient ``i`` and then each path ``p``: ``(i, generator)`` where the generator draws exactly what
    ``generator(child_seed(seqs[i], *p))`` draws. One generator is yielded each time, reloaded with the next
    stream's state (draw from it before taking the next); the states of all the streams come from one call
    (``engine._pcg.stream_states``: NumPy's own SeedSequence hash and PCG64 seeding, tested against NumPy),
    ~5x cheaper than a ``SeedSequence`` and a ``Generator`` per stream."""
    from oncoresist.engine._pcg import stream_states

    if not len(seqs) or not len(paths):
        return
    groups: dict[tuple[object, int], list[int]] = {}
    for i, s in enumerate(seqs):
        ent = s.entropy
        groups.setdefault((tuple(ent) if isinstance(ent, list | tuple) else ent, int(s.pool_size)), []).append(i)
    bits = np.random.PCG64(0)
    rng = np.random.Generator(bits)
    for (key, pool), rows in sorted(groups.items(), key=lambda g: g[1][0]):
        keys = [(*seqs[i].spawn_key, *p) for i in rows for p in paths]
        states = iter(stream_states(list(key) if isinstance(key, tuple) else key, pool, keys).tolist())
        for i in rows:
            for _ in paths:
                hi, lo, inc_hi, inc_lo = next(states)
                bits.state = {"bit_generator": "PCG64", "has_uint32": 0, "uinteger": 0,
                              "state": {"state": (hi << 64) | lo, "inc": (inc_hi << 64) | inc_lo}}
                yield i, rng


def _ppf(dist: Distribution, u: np.ndarray) -> np.ndarray:
    from scipy.stats import norm

    if dist.dist == "fixed":
        return np.full(u.shape, float(dist.value))  # type: ignore[arg-type]
    if dist.dist == "uniform":
        return dist.low + (dist.high - dist.low) * u  # type: ignore[operator]
    if dist.dist == "lognormal":  # optionally capped at low/high (clipped, not renormalised)
        x = float(dist.median) * np.exp(float(dist.sigma) * norm.ppf(u))  # type: ignore[arg-type]
        return x if dist.low is None and dist.high is None else np.clip(
            x, -np.inf if dist.low is None else dist.low, np.inf if dist.high is None else dist.high)
    x = float(dist.mean) + float(dist.sd) * norm.ppf(u)  # type: ignore[arg-type]
    lo = -np.inf if dist.low is None else dist.low
    hi = np.inf if dist.high is None else dist.high
    return np.clip(x, lo, hi)


RESISTANT_SLOTS = 8
"""Resistant-fraction factors drawn from the cohort stream itself (one per resistant cell type, in
order); types beyond these draw from child :data:`EXTRA_RESISTANT` of the patient's stream."""


def sample_cohort(cohort: CohortSpec, seqs: Sequence[np.random.SeedSequence],
                  n_resistant: int = RESISTANT_SLOTS) -> dict[str, np.ndarray]:
    """Patient parameters: one value per patient for each of :data:`FACTORS`.

    ``initial_cells`` is NaN when the cohort does not set it (the scenario's value is kept).
    ``resistant_fraction`` has shape ``(n, max(n_resistant, RESISTANT_SLOTS))``: each resistant cell
    type of the scenario gets its own independent factor. The first :data:`RESISTANT_SLOTS` come from
    a fixed number of draws on the cohort stream, the rest from a separate child stream, so patient
    ``i``'s factors for the first types are the same whatever the scenario's number of types.
    """
    if n_resistant < 0:
        raise InvalidArgument(f"n_resistant: must be >= 0, got {n_resistant}", param="n_resistant")
    u = uniforms(seqs, COHORT, (_DRAWN + RESISTANT_SLOTS,))
    out: dict[str, np.ndarray] = {}
    for j, name in enumerate(FACTORS[:_DRAWN]):
        dist = getattr(cohort, name)
        out[name] = np.full(len(seqs), np.nan) if dist is None else _ppf(dist, u[:, j])
    sens = cohort.sensitivity
    out["sensitivity"] = (_ppf(sens, np.full(len(seqs), 0.5)) if sens.dist == "fixed"
                          else _ppf(sens, uniforms(seqs, SENSITIVITY, (1,))[:, 0]))
    ur = u[:, _DRAWN:]
    if n_resistant > RESISTANT_SLOTS:
        ur = np.concatenate([ur, uniforms(seqs, EXTRA_RESISTANT, (n_resistant - RESISTANT_SLOTS,))], axis=1)
    rf = cohort.resistant_fraction
    if rf.dist == "luria_delbruck":
        out["resistant_fraction"] = _luria_delbruck_factors(rf, seqs, n_resistant)
    else:
        out["resistant_fraction"] = _ppf(rf, ur)
    out["resistant_growth"] = _resistant_growth(cohort, seqs, n_resistant)
    if cohort.resistant_growth_max_net is not None:  # applied by the engine adapter, which knows the rates
        out["resistant_growth_max_net"] = np.full(len(seqs), float(cohort.resistant_growth_max_net))
    return out


def _per_type(dist: Distribution, seqs: Sequence[np.random.SeedSequence], k: int, n_resistant: int) -> np.ndarray:
    """One independent factor per resistant type and patient, ``(n, max(n_resistant, RESISTANT_SLOTS))``, from
    child ``k`` of each patient's stream (type ``j`` takes the stream's ``j``-th uniform, so adding types never
    changes the earlier types' draws); ones where ``dist`` is fixed at 1."""
    width = max(n_resistant, RESISTANT_SLOTS)
    if dist.dist == "fixed":
        return np.full((len(seqs), width), float(dist.value))  # type: ignore[arg-type]
    return _ppf(dist, uniforms(seqs, k, (width,)))


def _resistant_growth(cohort: CohortSpec, seqs: Sequence[np.random.SeedSequence], n_resistant: int) -> np.ndarray:
    """Each resistant type's ``resistant_growth`` factor, ``(n, max(n_resistant, RESISTANT_SLOTS))``.

    Independent per type (child :data:`RESISTANT_GROWTH`, type ``j`` its ``j``-th uniform); one per patient
    (``resistant_growth_shared`` or ``resistant_growth_correlation`` 1: the first type's draw for every type); or,
    for a lognormal with correlation ρ, log factor = σ·(√ρ·Z_patient + √(1 − ρ)·Z_route) around the median, where
    Z_patient is the one-per-patient draw and Z_route type ``j``'s own standard normal from child
    :data:`ROUTE_GROWTH` (so no earlier draw moves), clipped at ``low``/``high`` as the lognormal is.
    """
    from scipy.stats import norm

    dist, rho = cohort.resistant_growth, cohort.resistant_growth_correlation
    own = _per_type(dist, seqs, RESISTANT_GROWTH, n_resistant)
    if rho is None:
        rho = 1.0 if cohort.resistant_growth_shared else None
    if rho is None or dist.dist == "fixed":
        return own
    if rho == 1.0:  # the first type's draw for every type of the patient
        return np.repeat(own[:, :1], own.shape[1], axis=1)
    if dist.dist != "lognormal":  # rho 0 (the spec allows nothing else here): independent per type
        return own
    width = own.shape[1]
    z_patient = norm.ppf(uniforms(seqs, RESISTANT_GROWTH, (width,))[:, :1])
    z_route = norm.ppf(uniforms(seqs, ROUTE_GROWTH, (width,)))
    x = float(dist.median) * np.exp(float(dist.sigma) * (math.sqrt(rho) * z_patient  # type: ignore[arg-type]
                                                          + math.sqrt(1.0 - rho) * z_route))
    if dist.low is None and dist.high is None:
        return x
    return np.clip(x, -np.inf if dist.low is None else dist.low, np.inf if dist.high is None else dist.high)


def visit_offsets(seqs: Sequence[np.random.SeedSequence], windows: Sequence[float] | np.ndarray) -> np.ndarray:
    """``(n, len(windows))`` offsets (days) of each patient's scan visits from their nominal days, uniform in
    ``(-w, +w)`` for a visit with window ``w`` (child :data:`VISITS` of the patient's stream; all zeros, and
    no draw, when every window is 0)."""
    w = np.asarray(windows, dtype=float)
    if not len(w) or not np.any(w > 0):
        return np.zeros((len(seqs), len(w)))
    return (2.0 * uniforms(seqs, VISITS, (len(w),)) - 1.0) * w[None, :]


_EXACT_CLONES = 1000.0
"""Clones drawn one by one per patient and type; beyond this many expected, the smallest are summed by their mean."""


def luria_delbruck(rng: np.random.Generator, clones: float, cells: float, size: int) -> np.ndarray:
    """``size`` draws of the number of pre-existing mutant cells, over its mean (mean 1).

    The Poisson-of-clones construction of the Luria–Delbrück distribution for a birth–death population
    grown from one cell to ``cells`` (Luria & Delbrück 1943, Genetics 28:491; Iwasa, Nowak & Michor 2006,
    Genetics 172:2557): surviving mutant clones arise at a rate proportional to the population's growth,
    so their number is Poisson with mean ``clones`` (mutation probability per division x ``cells``) and the
    population size ``N`` at which each arose is uniform on ``(1, cells)``; a surviving clone born at ``N``
    has ``W·cells/N`` cells at the end, with ``W`` exponential (Kendall's limit of a supercritical
    birth–death process conditioned on survival; its mean, ``b/(b − d)``, cancels in the ratio). The mean
    count is ``clones·E[W]·cells·ln(cells)/(cells − 1)``, the deterministic mean a scenario carries, so
    the factor multiplies it. Heavy-tailed: many patients carry no or few cells of a rare route, a few carry
    a jackpot.

    Beyond :data:`_EXACT_CLONES` expected clones, those born when the population was largest (sizes of a
    few ``cells/N``, many of them) are summed by their mean; the rest are drawn one by one.
    """
    plan = _luria_delbruck_plan(clones, cells)
    if plan is None:
        return np.ones(size)
    _, _, a, bulk, lam_exact, mean_size = plan
    k = rng.poisson(lam_exact, size)
    total = np.zeros(size)
    n_all = int(k.sum())
    if n_all:
        n_birth = rng.uniform(1.0, a, n_all)
        w = rng.exponential(1.0, n_all)
        np.add.at(total, np.repeat(np.arange(size), k), w * cells / n_birth)
    if bulk:
        total += rng.poisson(clones - lam_exact, size) * bulk
    return total / (clones * mean_size)


def _luria_delbruck_factors(dist: Distribution, seqs: Sequence[np.random.SeedSequence], n_resistant: int) -> np.ndarray:
    """Patient ``i``'s factor for resistant type ``j``: :func:`luria_delbruck` (size 1) on the generator of child
    ``(LURIA_DELBRUCK, j)`` of the patient's stream, the same draws computed faster: the generators come from
    :func:`child_generators`, types without clones draw nothing (as :func:`luria_delbruck`), and a single draw
    skips the array bookkeeping (:func:`_luria_delbruck_one`; tested equal draw for draw)."""
    clones, cells = list(dist.clones or []), list(dist.cells or [])
    if len(clones) != n_resistant:
        raise InvalidArgument(
            f"cohort.resistant_fraction.clones: {len(clones)} entries for a scenario with {n_resistant} resistant "
            "cell type(s); give one per resistant type, in the scenario's order", param="clones")
    out = np.ones((len(seqs), max(n_resistant, RESISTANT_SLOTS)))
    _measured_factors(dist, seqs, n_resistant, out)
    plans = [(j, _luria_delbruck_plan(clones[j], cells[j])) for j in range(n_resistant)]
    live = [(j, plan) for j, plan in plans if plan is not None]
    if not live or not len(seqs):
        return out
    for n_done, (i, rng) in enumerate(child_generators(seqs, [(LURIA_DELBRUCK, j) for j, _ in live])):
        j, plan = live[n_done % len(live)]
        out[i, j] = _luria_delbruck_one(rng, plan)
    return out


def _measured_factors(dist: Distribution, seqs: Sequence[np.random.SeedSequence], n_resistant: int,
                      out: np.ndarray) -> None:
    """Fill ``out[:, j]`` for each type with a measured log-spread: ``exp(sigma Z - sigma^2 / 2)`` (mean 1), ``Z``
    the ``j``-th standard normal of child :data:`MEASURED` of the patient's stream, capped at ``measured_max``.
    Such a type has ``clones`` 0, so its Luria-Delbruck stream draws nothing and no other type's draw moves."""
    from scipy.stats import norm

    sigmas = list(dist.measured_sigma or [])
    if not any(s is not None for s in sigmas) or not len(seqs):
        return
    caps = list(dist.measured_max or [None] * len(sigmas))
    z = norm.ppf(uniforms(seqs, MEASURED, (max(n_resistant, RESISTANT_SLOTS),)))
    for j, s in enumerate(sigmas[:n_resistant]):
        if s is None:
            continue
        f = np.exp(float(s) * z[:, j] - float(s) ** 2 / 2)
        out[:, j] = f if caps[j] is None else np.minimum(f, float(caps[j]))  # type: ignore[arg-type]


_Plan = tuple[float, float, float, float, float, float]


def _luria_delbruck_plan(clones: float, cells: float) -> _Plan | None:
    """(clones, cells, a, bulk, lam_exact, mean_size) of :func:`luria_delbruck` for one type, ``None`` where it
    draws nothing (no clones, or a population of one cell). Beyond :data:`_EXACT_CLONES` expected clones, those
    born at a population size in ``(a, cells)`` are summed by their mean (``bulk`` cells each); ``mean_size`` is
    ``E[cells/N]`` for ``N ~ U(1, cells)``."""
    if not clones >= 0 or not cells >= 1 or not math.isfinite(clones) or not math.isfinite(cells):
        raise InvalidArgument(f"luria_delbruck: clones ({clones!r}) must be >= 0 and cells ({cells!r}) >= 1",
                              param="clones")
    if clones == 0 or cells <= 1:
        return None
    mean_size = cells * math.log(cells) / (cells - 1)
    if clones <= _EXACT_CLONES:
        a, bulk = cells, 0.0
    else:
        a = 1.0 + _EXACT_CLONES * (cells - 1) / clones
        bulk = cells * math.log(cells / a) / (cells - a)
    return clones, cells, a, bulk, clones * (a - 1) / (cells - 1), mean_size


def _luria_delbruck_one(rng: np.random.Generator, plan: _Plan) -> float:
    """``luria_delbruck(rng, clones, cells, 1)[0]`` for a plan of :func:`_luria_delbruck_plan`: the same draws in
    the same order, the clone sizes summed one after another as ``np.add.at`` sums them."""
    clones, cells, a, bulk, lam_exact, mean_size = plan
    k = int(rng.poisson(lam_exact))
    total = 0.0
    if k:
        n_birth = rng.uniform(1.0, a, k)
        w = rng.exponential(1.0, k)
        total = float(np.add.accumulate(w * cells / n_birth)[-1])
    if bulk:
        total += int(rng.poisson(clones - lam_exact)) * bulk
    return total / (clones * mean_size)
