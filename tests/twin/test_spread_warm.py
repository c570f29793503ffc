"""The spread fit's warm start (twinspeed pass) finds the same answer as the cold bisection, in fewer cohort runs.

"The same answer" is the fit's own criterion: the objective response of the fitted factor within one binomial
standard error of the comparator's published rate, on the same patients (common random numbers). Different
factors can meet it (the response is flat in the factor near the answer: docs/benchmarks.md, Twin); the warm
factor must lie inside the bracket the cold bisection's own steps leave.
"""

from __future__ import annotations

import math

import pytest

from oncoresist.errors import OncoresistError
from oncoresist.twin import TwinDefaults, build_twin
from oncoresist.twin.calibrate import calibrate_twin
from oncoresist.twin.spread import SpreadFit, fit_spread_to_response, objective_response, warm_search
from oncoresist.twin.variation import load_variation

PATIENTS = 120

# the codon-rate path (TwinDefaults(measured_preexisting=False), the default before final10): these tests pin
# figures and Luria-Delbruck counts of a route with a codon rate; the default's measured T790M: test_pretreatment.py
CODON = TwinDefaults(measured_preexisting=False)


@pytest.fixture(scope="module")
def calibrated(curated_kb):  # type: ignore[no-untyped-def]
    egfr = build_twin(["EGFR L858R"], drugs="erlotinib,osimertinib", tumor="NSCLC", knowledge=curated_kb,
                      defaults=CODON)
    return calibrate_twin(egfr, patients=PATIENTS, seed=4).build


@pytest.fixture(scope="module")
def cold(calibrated) -> SpreadFit:  # type: ignore[no-untyped-def]
    return fit_spread_to_response(calibrated, load_variation(), patients=PATIENTS, seed=4, kill_on="ec50",
                                  preexisting="luria_delbruck")


@pytest.mark.slow
@pytest.mark.parametrize("offset", [1.6, 1 / 1.6])
def test_warm_start_meets_the_same_criterion_in_fewer_runs(calibrated, cold, offset) -> None:  # type: ignore[no-untyped-def]
    assert cold.converged and cold.start is None
    warm = fit_spread_to_response(calibrated, load_variation(), patients=PATIENTS, seed=4, kill_on="ec50",
                                  preexisting="luria_delbruck", start=cold.factor * offset)
    se = math.sqrt(warm.target * (1 - warm.target) / PATIENTS)
    assert warm.converged and abs(warm.objective_response - warm.target) <= se
    assert warm.steps[0][0] == pytest.approx(cold.factor * offset)
    # not fewer in every case: the cold bisection can land inside the tolerance early by chance (on the session-6
    # twin it hits at its third step, 1.0 -> 0.5 -> 0.25, while the warm search from 0.4 takes four); never more
    # than one run beyond it
    assert len(warm.steps) <= len(cold.steps) + 1
    # the factors of both lie between the cold bisection's closest steps on either side of the target
    # (the response falls as the factor grows, so any factor meeting the target lies in that bracket)
    above = max([0.0] + [k for k, r in cold.steps if r > cold.target + se])
    below = min([1.0] + [k for k, r in cold.steps if r < cold.target - se])
    assert above < warm.factor < below and above < cold.factor < below


@pytest.mark.slow
def test_warm_start_at_the_answer_takes_one_run_and_repeats_it(calibrated, cold) -> None:  # type: ignore[no-untyped-def]
    again = fit_spread_to_response(calibrated, load_variation(), patients=PATIENTS, seed=4, kill_on="ec50",
                                   preexisting="luria_delbruck", start=cold.factor)
    assert len(again.steps) == 1 and again.factor == cold.factor
    assert again.objective_response == cold.objective_response  # same patients, same factor: same response
    # and the response is the one a separate run of the fitted cohort measures
    assert objective_response(calibrated, again.cohort, patients=PATIENTS, seed=4) == cold.objective_response


def testwarm_search_on_a_known_monotone_curve() -> None:
    """Illinois regula falsi with an expanding bracket, on response = exp(-3k) (target 0.5 at k = ln 2 / 3)."""
    root = math.log(2) / 3
    for k0 in (0.01, 0.1, 0.5, 1.0):
        steps = warm_search(lambda k: math.exp(-3 * k), k0, 0.5, 0.002, 0.0, 1.0, 12)
        assert abs(steps[-1][1] - 0.5) <= 0.002, (k0, steps)
        assert abs(steps[-1][0] - root) < 0.01
        assert len(steps) <= 8
    # no bracket inside [lo, hi]: stops at the end and says so through the response
    steps = warm_search(lambda k: 0.9, 0.3, 0.5, 0.01, 0.0, 1.0, 10)
    assert steps[-1][0] == 1.0 and len(steps) <= 5


def test_warm_start_outside_the_interval_is_refused(calibrated) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(OncoresistError, match="start"):
        fit_spread_to_response(calibrated, load_variation(), patients=PATIENTS, target=0.7, start=1.5)
