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

**Cost** (twinspeed pass; the fixed point and its criteria are unchanged, only the path to it is shorter):

- the final response is read off the calibration's own last cohort (``Calibration.objective_response``),
  which is the cohort :func:`~oncoresist.twin.spread.objective_response` would run again (same twin, same
  cohort block, same seed; tested);
- *one search instead of alternation* (``warm=True``, the default): the old rounds fitted the spread on the
  previous round's twin, then recalibrated, and the response moved with the new growth rate (the lag made
  the factor oscillate: 0.19, 0.06, 0.09 on the benchmark's twin). Now each step of the search on the factor
  ``k`` *is* a calibration: the cohort of ``k`` (:func:`~oncoresist.twin.spread.spread_cohort`, mapped with
  the current twin's rates) is calibrated, warm-started from the previous step's multipliers and growth
  factor (:func:`~oncoresist.twin.calibrate.calibrate_twin`'s ``start``), and the response is read off that
  calibration's last cohort. Where the median is already within its band the calibration stops after its
  first cohort, so a step costs one cohort run, as a spread-fit step did; where it moved the twin, the
  search restarts from that step (its earlier steps were on another twin). The search on ``k`` is the spread
  fit's warm search (:func:`~oncoresist.twin.spread.fit_spread_to_response`, ``start``: an expanding
  bracket, then Illinois regula falsi), started from a cold spread fit on the first calibration's twin;
- *screening* (``screen_patients``): that first calibration and first spread fit run on the first
  ``screen_patients`` of the same patients (patient ``i``'s streams do not depend on the cohort size, so the
  screening cohort is a prefix of the full one; tested); every step of the search is full size, so the
  answer meets the full-size criteria;
- ``warm=False`` keeps the old alternating rounds, each started cold (the reference the new path is tested
  against).

The criteria of the answer are the same either way: the calibration converged on the final cohort and its
response within ``tolerance`` of the target.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from oncoresist.errors import OncoresistError
from oncoresist.random import SeedLike, as_seed_sequence
from oncoresist.twin.calibrate import DEFAULT_SHARE_FIT, SHARE_FIT, Calibration, calibrate_twin
from oncoresist.twin.mechanism_target import MechanismTarget, log_likelihood, refine
from oncoresist.twin.spread import SpreadFit, fit_spread_to_response, scale_variation, spread_cohort, warm_search
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
    """Per round (``warm=False``) or per step of the search (the first entry: the first spread fit): patients,
    spread factor, the spread fit's response, growth factor, median, final response, and the cohort runs it took
    (``spread_runs``, ``calibration_runs``)."""
    screen_patients: int | None = None
    """Patients of the screening rounds (``None``: no screening)."""
    warm: bool = True
    mechanism: MechanismTarget | None = None
    """The published share the spread factor was also scored on (``None``: response only); its share is fitted."""

    @property
    def runs(self) -> int:
        """Cohort runs of every round (spread-fit steps and calibration steps), screening included."""
        return int(sum(r.get("spread_runs", 0) + r.get("calibration_runs", 0) for r in self.rounds))

    def to_dict(self) -> dict[str, Any]:
        return {"converged": self.converged, "objective_response": round(self.objective_response, 4),
                "target": self.spread.target, "tolerance": round(self.tolerance, 4),
                "calibration_converged": self.calibration.converged, "spread_converged": self.spread.converged,
                "warm": self.warm, "screen_patients": self.screen_patients, "runs": self.runs,
                "mechanism_target": None if self.mechanism is None else self.mechanism.to_dict(),
                "rounds": [{k: round(v, 4) for k, v in r.items()} for r in self.rounds]}


def screen_size(patients: int) -> int | None:
    """The default screening cohort for ``patients``: a quarter of them, or none below 200 patients (a
    screening cohort under 50 patients says little about a response rate)."""
    return patients // 4 if patients >= 200 else None


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
    warm: bool = True,
    screen_patients: int | None = None,
    mechanism: MechanismTarget | None = None,
    share_fit: str = DEFAULT_SHARE_FIT,
    **spread_options: Any,
) -> JointFit:
    """Fit the spread factor and the time scale to a fixed point (see the module).

    ``build``: the uncalibrated twin (every calibration starts from it); ``calibration``: a first
    calibration of it (its twin maps the first spread fit; it may be a screening-size one). ``spread_options``
    go to :func:`~oncoresist.twin.spread.fit_spread_to_response` (``kill_on``, ``preexisting``,
    ``resistant_growth``, ``resistant_growth_shared``, ``resistant_growth_correlation``,
    ``target``). ``tolerance``: the allowed absolute
    difference of the final response from the target (default one binomial standard error at ``patients``).
    ``warm``: the search of the module (default) or the old cold rounds. ``rounds``: the most rounds (old
    path) or restarts of the search (each at most :data:`STEPS_PER_ROUND` steps). ``screen_patients``: the
    first spread fit's patients (``None``: ``patients``; see the module). ``mechanism``: also score the spread
    factor on a published share at progression (:mod:`oncoresist.twin.mechanism_target`; warm search only): after
    the response-only search, a few more factors are calibrated and the answer is the converged step, with its
    response within two binomial standard errors of the published arm (``mechanism.response_n``), of highest
    likelihood; that share is then fitted, not predicted. ``share_fit``: how every calibration fits the assumed
    routes' shares (:func:`~oncoresist.twin.calibrate.calibrate_twin`; default ``"likelihood"``; with it and a
    ``mechanism``, the mechanism's share also enters each calibration's joint likelihood, ``score``).
    """
    if rounds < 1:
        raise OncoresistError(f"rounds: need at least one round of spread fit and calibration, got {rounds}")
    if screen_patients is not None and not 20 <= screen_patients < patients:
        raise OncoresistError(f"screen_patients: need 20 <= screen_patients < patients ({patients}), "
                              f"got {screen_patients}")
    if mechanism is not None and not warm:
        raise OncoresistError("mechanism: the mechanism target needs the warm search (warm=True)")
    if share_fit not in SHARE_FIT:
        raise OncoresistError(f"share_fit: {share_fit!r} is not one of {', '.join(SHARE_FIT)}")
    cal_kw: dict[str, Any] = {"share_fit": share_fit}
    if share_fit == "likelihood" and mechanism is not None:
        cal_kw["score"] = (mechanism.cell_type,)
    root = as_seed_sequence(seed)

    def again() -> np.random.SeedSequence:
        return np.random.SeedSequence(root.entropy, spawn_key=root.spawn_key)

    run = _search if warm else _cold_rounds
    cal, spread, orr, tol, history = run(build, calibration, variation, patients=patients, again=again,
                                         rounds=rounds, tolerance=tolerance, follow_up_days=follow_up_days,
                                         quant=quant, screen_patients=screen_patients, options=spread_options,
                                         cal_kw=cal_kw, **({} if mechanism is None else {"mechanism": mechanism}))
    final = with_preexisting(spread.cohort, cal.build)
    assert final is not None
    ok = bool(cal.converged and abs(orr - spread.target) <= tol)
    if not ok:
        warnings.warn(
            f"calibration: the comparator's objective response {spread.target:g} and median PFS could not be "
            f"fitted together in {rounds} round(s): the final cohort responds {orr:.3f} "
            f"(tolerance {tol:.3f}), time-scale calibration {'converged' if cal.converged else 'NOT converged'}; "
            "calibration_converged is false", UserWarning, stacklevel=2)
    return JointFit(cal, spread, final, orr, ok, tol, history, screen_patients if warm else None, warm, mechanism)


STEPS_PER_ROUND = 6
"""Most steps of the search on the spread factor before it restarts (``warm=True``)."""

_Fit = tuple[Calibration, SpreadFit, float, float, list[dict[str, float]]]


def _response(cal: Calibration) -> float:
    if cal.objective_response is None:
        raise OncoresistError("calibration: nothing to calibrate, so no response to fit the spread with")
    return cal.objective_response


def _cold_rounds(build: TwinBuild, calibration: Calibration, variation: CohortVariation, *, patients: int,
                 again: Any, rounds: int, tolerance: float | None, follow_up_days: float,
                 quant: QuantKnowledge | None, screen_patients: int | None, options: dict[str, Any],
                 cal_kw: dict[str, Any]) -> _Fit:
    """The alternating rounds, each spread fit and calibration started cold (the pre-twinspeed path)."""
    del screen_patients
    cal = calibration
    history: list[dict[str, float]] = []
    best: tuple[Calibration, SpreadFit, float] | None = None
    tol = math.nan
    for _ in range(rounds):
        spread = fit_spread_to_response(cal.build, variation, patients=patients, seed=again(), quant=quant,
                                        follow_up_days=follow_up_days, **options)
        cal = calibrate_twin(build, patients=patients, seed=again(), cohort=spread.cohort, quant=quant,
                             follow_up_days=follow_up_days, **cal_kw)
        orr = _response(cal)
        tol = tolerance if tolerance is not None else math.sqrt(spread.target * (1 - spread.target) / patients)
        history.append({"patients": patients, "spread_factor": spread.factor,
                        "spread_fit_response": spread.objective_response, "growth_factor": cal.growth_factor,
                        "median_months": cal.median_months or math.nan, "final_response": orr,
                        "spread_runs": len(spread.steps), "calibration_runs": cal.iterations + 1})
        err = abs(orr - spread.target)
        if best is None or (cal.converged, -err) > (best[0].converged, -abs(best[2] - best[1].target)):
            best = (cal, spread, orr)
        if cal.converged and err <= tol:
            break
    assert best is not None
    return best[0], best[1], best[2], tol, history


class _TwinMovedError(Exception):
    """The calibration of a search step moved the twin: the search restarts from that step."""


def _search(build: TwinBuild, calibration: Calibration, variation: CohortVariation, *, patients: int,
            again: Any, rounds: int, tolerance: float | None, follow_up_days: float,
            quant: QuantKnowledge | None, screen_patients: int | None, options: dict[str, Any],
            cal_kw: dict[str, Any], mechanism: MechanismTarget | None = None) -> _Fit:
    """The search of the module: a first spread fit, then steps on the factor that are calibrations (then, with
    ``mechanism``, the likelihood refinement of :func:`fit_response_and_time`)."""
    from dataclasses import replace

    n0 = screen_patients or patients
    first = fit_spread_to_response(calibration.build, variation, patients=n0, seed=again(), quant=quant,
                                   follow_up_days=follow_up_days, **options)
    history: list[dict[str, float]] = [{
        "patients": n0, "spread_factor": first.factor, "spread_fit_response": first.objective_response,
        "growth_factor": calibration.growth_factor, "median_months": calibration.median_months or math.nan,
        "final_response": math.nan, "spread_runs": len(first.steps), "calibration_runs": 0}]
    target = first.target
    tol = tolerance if tolerance is not None else math.sqrt(target * (1 - target) / patients)
    cohort_options = {k: v for k, v in options.items() if k in (
        "kill_on", "preexisting", "resistant_growth", "resistant_growth_shared", "resistant_growth_correlation")}
    lo, hi = float(options.get("lo", 0.0)), float(options.get("hi", 1.0))
    cur = calibration
    steps: list[tuple[float, Calibration, dict[str, Any]]] = []
    k = first.factor
    known: float | None = None  # the response at k when the last round ended on a step that moved the twin
    for _ in range(rounds):
        in_round = 0

        def step(kk: float) -> float:
            nonlocal cur, in_round
            cohort = spread_cohort(cur.build, variation, kk, **cohort_options)
            c = calibrate_twin(build, patients=patients, seed=again(), cohort=cohort, quant=quant,
                               follow_up_days=follow_up_days, start=cur, **cal_kw)
            orr = _response(c)
            steps.append((kk, c, cohort))
            history.append({"patients": patients, "spread_factor": kk, "spread_fit_response": orr,
                            "growth_factor": c.growth_factor, "median_months": c.median_months or math.nan,
                            "final_response": orr, "spread_runs": 0, "calibration_runs": c.iterations + 1})
            cur = c
            in_round += 1
            if c.iterations > 0 and in_round > 1 and abs(orr - target) > tol:
                raise _TwinMovedError
            return orr

        if known is not None:
            in_round = 1  # the known step counts as this round's first
        try:
            found = warm_search(step, min(max(k, lo), hi), target, tol, lo, hi, STEPS_PER_ROUND - 1, r0=known)
        except _TwinMovedError:
            found = []
        last = steps[-1][1]
        if found and last.converged and abs(_response(last) - target) <= tol:
            break
        # restart from the last step, whose response is on the twin it moved to (not run again), or from this
        # round's closest step
        if found:
            k, known = min(found, key=lambda s: abs(s[1] - target))[0], None
            if k == steps[-1][0]:
                known = _response(steps[-1][1])
        else:
            k, known = steps[-1][0], _response(steps[-1][1])
    if mechanism is None:
        kk, cal, cohort = min(steps, key=lambda s: (not s[1].converged, abs(_response(s[1]) - target)))
    else:
        kk, cal, cohort, tol = _by_likelihood(steps, history, mechanism, build, variation, patients=patients,
                                              again=again, follow_up_days=follow_up_days, quant=quant,
                                              cohort_options=cohort_options, target=target, lo=lo, hi=hi,
                                              tolerance=tolerance, cal_kw=cal_kw)
    orr = _response(cal)
    spread = replace(first, factor=kk, objective_response=orr, converged=abs(orr - target) <= tol,
                     patients=patients, cohort=cohort, variation=scale_variation(variation, kk),
                     steps=[(s[0], _response(s[1])) for s in steps], start=first.factor)
    return cal, spread, orr, tol, history


def _by_likelihood(steps: list[tuple[float, Calibration, dict[str, Any]]], history: list[dict[str, float]],
                   mechanism: MechanismTarget, build: TwinBuild, variation: CohortVariation, *, patients: int,
                   again: Any, follow_up_days: float, quant: QuantKnowledge | None, cohort_options: dict[str, Any],
                   target: float, lo: float, hi: float,
                   tolerance: float | None, cal_kw: dict[str, Any]) -> tuple[float, Calibration, dict[str, Any], float]:
    """The refinement of :func:`fit_response_and_time` with a mechanism target: score ``k*`` (the response-only
    answer) and :func:`~oncoresist.twin.mechanism_target.refine`'s factors, each a calibration warm-started from
    the nearest step, and return the admissible step of highest likelihood and the response band used."""
    band = tolerance if tolerance is not None else 2 * math.sqrt(target * (1 - target) / mechanism.response_n)

    def admissible(c: Calibration) -> bool:
        return bool(c.converged and abs(_response(c) - target) <= band)

    def score(c: Calibration) -> float:
        return log_likelihood(c, mechanism) if admissible(c) else -math.inf

    k_star, c_star, cohort_star = min(steps, key=lambda s: (not s[1].converged, abs(_response(s[1]) - target)))

    def evaluate(kk: float) -> float:
        near = min(steps, key=lambda s: abs(s[0] - kk))[1]
        cohort = spread_cohort(near.build, variation, kk, **cohort_options)
        c = calibrate_twin(build, patients=patients, seed=again(), cohort=cohort, quant=quant,
                           follow_up_days=follow_up_days, start=near, **cal_kw)
        steps.append((kk, c, cohort))
        ll = score(c)
        history.append({"patients": patients, "spread_factor": kk, "spread_fit_response": _response(c),
                        "growth_factor": c.growth_factor, "median_months": c.median_months or math.nan,
                        "final_response": _response(c), "spread_runs": 0, "calibration_runs": c.iterations + 1,
                        "log_likelihood": ll if math.isfinite(ll) else math.nan,
                        "mechanism_share": float(c.shares.get(mechanism.cell_type, 0.0))})
        return ll

    refine(evaluate, k_star, score(c_star), lo, hi)
    ok = [s for s in steps if admissible(s[1])]
    if not ok:
        return k_star, c_star, cohort_star, band  # nothing admissible: the response-only answer
    kk, cal, cohort = max(ok, key=lambda s: log_likelihood(s[1], mechanism))
    return kk, cal, cohort, band
