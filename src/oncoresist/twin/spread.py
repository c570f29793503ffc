"""Between-patient spread fitted to the comparator arm's objective response.

The spreads derived from Laleh et al. 2022 (:mod:`oncoresist.twin.variation`) are upper bounds: they
come from chemotherapy and immunotherapy lesions and include each fit's own noise (3–6 points per
lesion). The twin's default spreads (growth σ 0.02) are a guess that makes every virtual patient
respond. :func:`fit_spread_to_response` fits **one factor** ``k`` that multiplies all three Laleh
spreads (net growth, kill, resistant fraction; their ratios are kept as the data give them) so that
continuous treatment with the twin's **first drug** reproduces the objective response rate of the
published arm that gave it (``outcomes.yaml``: ``objective_response`` of the twin's time target,
e.g. FLAURA's comparator, 76%). Nothing of the other arm is used.

Method: bisection on ``k`` in ``[lo, hi]`` (objective response falls as the spread widens), the same
virtual patients at every step (one seed: common random numbers); stops when the response rate is
within one binomial standard error of the target, or after ``iterations`` steps, and returns the
step closest to the target.

**Warm start** (``start=k0``, what the joint fit passes from its previous round): the first step is
``k0`` itself; if its response is not within the standard error, the bracket is grown from ``k0`` by a
factor of :data:`WARM_EXPAND` to its cube per step (the secant through the last two steps, extrapolated)
until it holds the target (never beyond ``[lo, hi]``), then narrowed
by regula falsi (Illinois variant: the interpolated step, kept at least a tenth of the bracket away from
its ends, with the retained end's excess halved when one end is kept twice). Same stopping rule, same
common random numbers, same returned step (the one closest to the target): a warm start changes only
the path, so the factor it returns lies in the same band of one standard error of response around the
target as the cold bisection's (tested in ``tests/twin/test_spread_warm.py``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from oncoresist.errors import OncoresistError
from oncoresist.random import SeedLike, as_seed_sequence, seed_record
from oncoresist.twin.cohort_block import first_drug_ec50, scale_variation, spread_cohort
from oncoresist.twin.compare import run_cohort
from oncoresist.twin.targets import time_target
from oncoresist.twin.variation import CohortVariation, with_preexisting

# scale_variation, spread_cohort and first_drug_ec50 live in oncoresist.twin.cohort_block (moved there, twincli7
# pass, so that the comparison's default cohort uses them without an import cycle) and are re-exported here
__all__ = ["SpreadFit", "first_drug_ec50", "fit_spread_to_response", "objective_response", "response_rate",
           "scale_variation", "spread_cohort", "warm_search"]

if TYPE_CHECKING:
    from oncoresist.knowledge.quant import QuantKnowledge
    from oncoresist.twin.builder import TwinBuild


@dataclass(frozen=True)
class SpreadFit:
    """The fitted spread factor, the cohort block it gives and the run that fitted it."""

    factor: float
    objective_response: float
    target: float
    target_id: str
    target_source: str
    converged: bool
    patients: int
    seed: dict[str, object]
    cohort: dict[str, Any]
    variation: CohortVariation
    steps: list[tuple[float, float]] = field(default_factory=list)
    kill_on: str = "emax"
    """``"emax"``: the kill spread is a factor on every drug's Emax; ``"ec50"``: on every drug's EC50."""
    start: float | None = None
    """The warm start ``k0`` (``None``: cold bisection on ``[lo, hi]``)."""

    def to_dict(self) -> dict[str, Any]:
        return {"factor": round(self.factor, 4), "objective_response": round(self.objective_response, 4),
                "kill_on": self.kill_on,
                "target": self.target, "target_id": self.target_id, "target_source": self.target_source,
                "converged": self.converged, "patients": self.patients, "seed": self.seed,
                "start": None if self.start is None else round(self.start, 4),
                "steps": [[round(k, 4), round(r, 4)] for k, r in self.steps], "cohort": self.cohort,
                "spreads": self.variation.to_dict()}


WARM_EXPAND = 1.5
"""Factor by which a warm start's bracket grows from ``k0`` per step until it holds the target."""


def response_rate(results: Any) -> float:
    """Share of a cohort's patients with a best RECIST response of PR or better (0 = CR, 1 = PR)."""
    if results is None or not len(results):
        raise OncoresistError("patients: the response cohort produced no results")
    return float((results["best_response"] <= 1).mean())


def objective_response(build: TwinBuild, cohort: dict[str, Any], *, patients: int, seed: SeedLike,
                       follow_up_days: float = 1095.0) -> float:
    """Share of virtual patients with a best RECIST response of PR or better on continuous first drug.

    The cohort is run as :func:`~oncoresist.twin.compare.compare_strategies` runs it (same trial mapping,
    same streams), without the comparison's survival analysis, which the response does not need.
    """
    results, _, _ = run_cohort(build, ["continuous"], patients=patients, seed=as_seed_sequence(seed),
                               cohort=with_preexisting(cohort, build), follow_up_days=follow_up_days)
    return response_rate(results)


def fit_spread_to_response(
    build: TwinBuild,
    variation: CohortVariation,
    *,
    patients: int = 400,
    seed: SeedLike = 0,
    target: float | None = None,
    lo: float = 0.0,
    hi: float = 1.0,
    iterations: int = 7,
    follow_up_days: float = 1095.0,
    quant: QuantKnowledge | None = None,
    kill_on: str = "emax",
    preexisting: str = "lognormal",
    resistant_growth: bool = False,
    resistant_growth_shared: bool = False,
    resistant_growth_correlation: float | None = None,
    start: float | None = None,
) -> SpreadFit:
    """Fit the factor on ``variation``'s spreads to the first drug's published objective response.

    ``target`` overrides the published rate (a share in (0, 1)); by default it is the
    ``objective_response`` of :func:`oncoresist.twin.targets.time_target` (the comparator arm).
    The cohort's growth sigma is mapped with the build's own birth and death rates
    (:meth:`CohortVariation.cohort`), so pass the calibrated build.

    ``kill_on``: ``"emax"`` (one factor on every drug's Emax) or ``"ec50"`` (the kill spread carried by the
    tumour's sensitivity, a factor on every drug's EC50, mapped with the first drug's EC50 on the sensitive
    clone: :func:`first_drug_ec50`; each drug's kill then follows its own EC50).

    ``preexisting``: ``"lognormal"`` (the pre-existing resistant counts get Laleh's resistant-fraction spread,
    scaled with the others) or ``"luria_delbruck"`` (each type's count drawn from its Luria–Delbrück
    distribution, :func:`oncoresist.twin.variation.luria_delbruck_block`: theory, not fitted; ``k`` then
    scales the growth and kill spreads only).

    ``resistant_growth``: also give each resistant route its own net-growth factor, the part of Laleh's
    net-growth spread that the patient-shared ``growth`` factor (``k``·σ_g) leaves
    (:func:`oncoresist.twin.variation.resistant_growth_block`), rebuilt at every ``k``; one per route, or with
    ``resistant_growth_shared`` one for all of a patient's routes, or with ``resistant_growth_correlation`` ρ the
    routes of a patient correlated by ρ (:func:`oncoresist.twin.variation.resistant_growth_cohort`).

    ``start``: a warm start ``k0`` in ``[lo, hi]`` (e.g. the previous round's factor; see the module): the
    search begins there instead of bisecting ``[lo, hi]`` from ``hi``; ``iterations`` then bounds the steps
    after the first.
    """
    if preexisting not in ("lognormal", "luria_delbruck"):
        raise OncoresistError(f"preexisting: expected 'lognormal' or 'luria_delbruck', got {preexisting!r}")
    if kill_on not in ("emax", "ec50"):
        raise OncoresistError(f"kill_on: expected 'emax' or 'ec50', got {kill_on!r}")
    if patients < 20:
        raise OncoresistError(f"patients: need at least 20 to fit a response rate, got {patients}")
    if not 0 <= lo < hi:
        raise OncoresistError(f"lo, hi: need 0 <= lo < hi, got {lo}, {hi}")
    if start is not None and not (math.isfinite(start) and lo <= start <= hi):
        raise OncoresistError(f"start: the warm start must lie in [lo, hi] = [{lo}, {hi}], got {start!r}")
    tid, tsrc = "given", "target given by the caller"
    if target is None:
        out = time_target(quant, build)
        if out is None or out.objective_response is None:
            raise OncoresistError("target: the knowledge has no published objective response for the twin's "
                                  "first drug in this tumour type; pass target=")
        target, tid, tsrc = float(out.objective_response), out.id, out.source
    if not 0 < target < 1:
        raise OncoresistError(f"target: objective response must lie in (0, 1), got {target}")
    root = as_seed_sequence(seed)
    se = math.sqrt(target * (1 - target) / patients)

    def block(k: float) -> dict[str, Any]:
        return spread_cohort(build, variation, k, kill_on=kill_on, preexisting=preexisting,
                             resistant_growth=resistant_growth, resistant_growth_shared=resistant_growth_shared,
                             resistant_growth_correlation=resistant_growth_correlation)

    def orr(k: float) -> float:
        return objective_response(build, block(k),
                                  patients=patients, follow_up_days=follow_up_days,
                                  seed=np.random.SeedSequence(root.entropy, spawn_key=root.spawn_key))

    steps: list[tuple[float, float]] = []
    if start is None:
        a, b = lo, hi
        r_hi = orr(b)
        steps.append((b, r_hi))
        if r_hi >= target:  # even the widest spread responds too often: no bracket
            k = b
        else:
            for _ in range(iterations):
                k = 0.5 * (a + b)
                r = orr(k)
                steps.append((k, r))
                if abs(r - target) <= se:
                    break
                a, b = (k, b) if r > target else (a, k)
    else:
        steps = warm_search(orr, float(start), target, se, lo, hi, iterations)
    k, r = min(steps, key=lambda s: abs(s[1] - target))
    converged = abs(r - target) <= se
    scaled = scale_variation(variation, k)
    return SpreadFit(k, r, target, tid, tsrc, converged, patients, seed_record(root),
                     block(k), scaled, steps, kill_on, start)


def _growth(steps: list[tuple[float, float]], target: float, k: float, up: bool) -> float:
    """Factor by which to move ``k`` (up or down) while the target is not yet bracketed: the secant through the
    last two steps extrapolated to the target, kept within ``[WARM_EXPAND, WARM_EXPAND**3]``."""
    lo_f, hi_f = WARM_EXPAND, WARM_EXPAND**3
    if len(steps) < 2:
        return lo_f
    (k1, r1), (k2, r2) = steps[-2], steps[-1]
    if r1 == r2 or k1 == k2:
        return hi_f
    guess = k2 + (target - r2) * (k2 - k1) / (r2 - r1)
    if guess <= 0:
        return hi_f
    f = guess / k if up else k / guess
    return min(max(f, lo_f), hi_f)


def warm_search(orr: Any, k0: float, target: float, se: float, lo: float, hi: float,
                iterations: int, r0: float | None = None) -> list[tuple[float, float]]:
    """Steps ``(k, response)`` of the warm-started search (see the module): ``k0``, a bracket grown from it by
    :data:`WARM_EXPAND` until it holds ``target``, then Illinois regula falsi. The response falls as ``k``
    grows. At most ``1 + iterations`` evaluations; stops at the first within ``se`` of ``target``. ``r0``: the
    response at ``k0`` when it is already known (not evaluated again)."""
    if r0 is None:
        r0 = orr(k0)
    steps = [(k0, r0)]
    if abs(r0 - target) <= se:
        return steps
    # (k, response - target) at each end of the bracket: above (more response: smaller k), below (larger k)
    above: tuple[float, float] | None = (k0, r0 - target) if r0 > target else None
    below: tuple[float, float] | None = None if r0 > target else (k0, r0 - target)
    replaced = ""  # which end the last step replaced: Illinois halves the other end's excess when it is kept twice
    for _ in range(iterations):
        if below is None:
            assert above is not None
            if above[0] >= hi:
                break  # even the widest allowed spread responds too often
            base = max(above[0], lo + 1e-3 * (hi - lo))
            k = min(hi, base * _growth(steps, target, base, up=True))
        elif above is None:
            if below[0] <= lo:
                break  # even the narrowest allowed spread responds too rarely
            k = below[0] / _growth(steps, target, below[0], up=False)
            if k < lo + 1e-3 * (hi - lo):
                k = lo
        else:
            (ka, fa), (kb, fb) = above, below
            k = ka + fa / (fa - fb) * (kb - ka)
            width = kb - ka
            k = min(max(k, ka + 0.1 * width), kb - 0.1 * width)
        r = orr(k)
        steps.append((k, r))
        f = r - target
        if abs(f) <= se:
            break
        if f > 0:
            above = (k, f)
            if replaced == "above" and below is not None:
                below = (below[0], below[1] / 2)
            replaced = "above"
        else:
            below = (k, f)
            if replaced == "below" and above is not None:
                above = (above[0], above[1] / 2)
            replaced = "below"
    return steps
