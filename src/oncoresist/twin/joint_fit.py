"""The comparator's response and median PFS fitted together: spread fit and time scale to a fixed point.

Why a joint fit (issue 11, flaura4 pass). The spread factor is fitted to the comparator's objective
response on a twin whose net growth was calibrated with *another* cohort; calibrating the time scale
again with the fitted cohort then changes the net growth ``b − d`` (e.g. ×1.6 → ×4.7 on a gefitinib
comparator), and with it both the response (the kill must now beat a faster growth) and the cohort's
growth spread, which :meth:`~oncoresist.twin.variation.CohortVariation.cohort` maps with the old
rates. The comparison cohort built afterwards therefore no longer reproduces the response the spread
was fitted to (FLAURA's twin 0.76 → 0.66; a gefitinib twin 0.70 → 0.11).

:func:`fit_response_and_time` alternates the two fits — spread factor on the current calibrated twin,
then the time scale (and the shares at progression) with that cohort — and after each round measures
the objective response of the *final* cohort on the *final* twin (the cohort the comparison will run,
Luria–Delbrück counts rebuilt from the calibrated rates). It stops at a fixed point: the calibration
converged (shares and median, :func:`~oncoresist.twin.calibrate.calibrate_twin`'s criteria) and that
response within ``tolerance`` of the target (default: one binomial standard error of the target at
``patients``, the spread fit's own criterion). After ``rounds`` rounds without one it returns the
round closest to the response target with ``converged`` false and a :class:`UserWarning`.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from oncoresist.errors import OncoresistError
from oncoresist.random import SeedLike, as_seed_sequence
from oncoresist.twin.calibrate import Calibration, calibrate_twin
from oncoresist.twin.spread import SpreadFit, fit_spread_to_response, objective_response
from oncoresist.twin.variation import with_preexisting

if TYPE_CHECKING:
    from oncoresist.knowledge.quant import QuantKnowledge
    from oncoresist.twin.builder import TwinBuild
    from oncoresist.twin.variation import CohortVariation


@dataclass(frozen=True)
class JointFit:
    """The final calibration, the spread fit that gave its cohort, and whether both targets hold together."""

    calibration: Calibration
    spread: SpreadFit
    cohort: dict[str, Any]
    """The comparison's cohort block: the spread fit's, with pre-existing counts from the final calibration."""
    objective_response: float
    """Objective response of :attr:`cohort` on the final twin (the calibration's patients and seed)."""
    converged: bool
    """Calibration converged and :attr:`objective_response` within :attr:`tolerance` of the target."""
    tolerance: float
    rounds: list[dict[str, float]] = field(default_factory=list)
    """Per round: spread factor, the spread fit's response, growth factor, median, final response."""

    def to_dict(self) -> dict[str, Any]:
        return {"converged": self.converged, "objective_response": round(self.objective_response, 4),
                "target": self.spread.target, "tolerance": round(self.tolerance, 4),
                "rounds": [{k: round(v, 4) for k, v in r.items()} for r in self.rounds]}


def fit_response_and_time(
    build: TwinBuild,
    calibration: Calibration,
    variation: CohortVariation,
    *,
    patients: int = 400,
    seed: SeedLike = 0,
    rounds: int = 4,
    tolerance: float | None = None,
    follow_up_days: float = 1095.0,
    quant: QuantKnowledge | None = None,
    **spread_options: Any,
) -> JointFit:
    """Fit the spread factor and the time scale to a fixed point (see the module).

    ``build``: the uncalibrated twin (every calibration starts from it); ``calibration``: a first
    calibration of it (its twin maps the first spread fit). ``spread_options`` go to
    :func:`~oncoresist.twin.spread.fit_spread_to_response` (``kill_on``, ``preexisting``,
    ``resistant_growth``, ``resistant_growth_shared``, ``target``). ``tolerance``: the allowed
    absolute difference of the final response from the target (default one binomial standard error).
    """
    if rounds < 1:
        raise OncoresistError(f"rounds: need at least one round of spread fit and calibration, got {rounds}")
    root = as_seed_sequence(seed)

    def again() -> np.random.SeedSequence:
        return np.random.SeedSequence(root.entropy, spawn_key=root.spawn_key)

    cal = calibration
    history: list[dict[str, float]] = []
    best: tuple[float, Calibration, SpreadFit, dict[str, Any], float] | None = None
    tol = math.nan
    for _ in range(rounds):
        spread = fit_spread_to_response(cal.build, variation, patients=patients, seed=again(), quant=quant,
                                        follow_up_days=follow_up_days, **spread_options)
        cal = calibrate_twin(build, patients=patients, seed=again(), cohort=spread.cohort, quant=quant,
                             follow_up_days=follow_up_days)
        final = with_preexisting(spread.cohort, cal.build)
        assert final is not None
        orr = objective_response(cal.build, spread.cohort, patients=patients, seed=again(),
                                 follow_up_days=follow_up_days)
        tol = tolerance if tolerance is not None else math.sqrt(spread.target * (1 - spread.target) / patients)
        history.append({"spread_factor": spread.factor, "spread_fit_response": spread.objective_response,
                        "growth_factor": cal.growth_factor, "median_months": cal.median_months or math.nan,
                        "final_response": orr})
        err = abs(orr - spread.target)
        if best is None or (cal.converged, -err) > (best[1].converged, -abs(best[4] - best[2].target)):
            best = (err, cal, spread, final, orr)
        if cal.converged and err <= tol:
            break
    assert best is not None
    _, cal, spread, final, orr = best
    ok = bool(cal.converged and abs(orr - spread.target) <= tol)
    if not ok:
        warnings.warn(
            f"calibration: the comparator's objective response {spread.target:g} and median PFS could not be "
            f"fitted together in {rounds} round(s): the final cohort responds {orr:.3f} "
            f"(tolerance {tol:.3f}), time-scale calibration {'converged' if cal.converged else 'NOT converged'}; "
            "calibration_converged is false", UserWarning, stacklevel=2)
    return JointFit(cal, spread, final, orr, ok, tol, history)
