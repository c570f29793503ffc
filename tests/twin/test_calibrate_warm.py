"""What the cheaper joint fit relies on (twinspeed pass), each checked against an independent run:

- the calibration's last cohort is the final cohort: its objective response is the one a separate
  ``objective_response`` run of the calibrated twin measures (so the joint fit need not run it again);
- a warm start at a converged calibration's answer stops at once with the same twin;
- a warm start elsewhere meets the same criteria (shares, median) as the cold start;
- a smaller cohort is a prefix of a larger one (patient ``i``'s streams do not depend on the size), so the
  screening rounds see the first patients of the final cohort.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from oncoresist.twin import build_twin
from oncoresist.twin.calibrate import Calibration, _close, calibrate_twin
from oncoresist.twin.compare import ASSUMED_COHORT, run_cohort
from oncoresist.twin.spread import objective_response
from oncoresist.twin.variation import luria_delbruck_block

PATIENTS = 120


@pytest.fixture(scope="module")
def egfr(curated_kb):  # type: ignore[no-untyped-def]
    return build_twin(["EGFR L858R"], drugs="erlotinib,osimertinib", tumor="NSCLC", knowledge=curated_kb)


@pytest.fixture(scope="module")
def cohort(egfr):  # type: ignore[no-untyped-def]
    return {**ASSUMED_COHORT, "resistant_fraction": luria_delbruck_block(egfr)}


@pytest.fixture(scope="module")
def cold(egfr, cohort) -> Calibration:  # type: ignore[no-untyped-def]
    return calibrate_twin(egfr, patients=PATIENTS, seed=9, cohort=cohort)


def _meets_criteria(cal: Calibration, n_prog: int) -> bool:
    assert cal.time_target is not None and cal.median_months is not None
    smooth = {t.cell_type: (cal.shares[t.cell_type] * n_prog + 0.5) / (n_prog + 1) for t in cal.fitted}
    return all(_close(smooth[t.cell_type], t.target, n_prog, 0.1) for t in cal.fitted) and \
        abs(cal.median_months - cal.time_target.months) <= 0.05 * cal.time_target.months


@pytest.mark.slow
def test_last_step_response_is_the_final_cohorts_response(egfr, cold, cohort) -> None:  # type: ignore[no-untyped-def]
    assert cold.objective_response is not None
    separate = objective_response(cold.build, cohort, patients=PATIENTS, seed=9)
    assert cold.objective_response == separate


@pytest.mark.slow
def test_warm_start_at_the_answer_stops_at_once(egfr, cold, cohort) -> None:  # type: ignore[no-untyped-def]
    assert cold.converged and cold.iterations > 0
    again = calibrate_twin(egfr, patients=PATIENTS, seed=9, cohort=cohort, start=cold)
    assert again.iterations == 0 and again.converged
    assert again.multipliers == cold.multipliers and again.growth_factor == cold.growth_factor
    assert again.shares == cold.shares and again.median_months == cold.median_months
    assert again.build.scenario == cold.build.scenario
    assert again.start == {**{t.cell_type: cold.multipliers[t.cell_type] for t in cold.fitted},
                           "growth_factor": cold.growth_factor}
    assert "warm start" in again.build.origin("cell_types.*.death").source


@pytest.mark.slow
def test_warm_start_elsewhere_meets_the_same_criteria(egfr, cold, cohort) -> None:  # type: ignore[no-untyped-def]
    # start from a growth factor 30% off and every multiplier 3x off the cold answer
    off = Calibration(**{**cold.__dict__, "multipliers": {k: 3 * v for k, v in cold.multipliers.items()},
                         "growth_factor": cold.growth_factor * 1.3})
    warm = calibrate_twin(egfr, patients=PATIENTS, seed=9, cohort=cohort, start=off)
    assert warm.converged and warm.start is not None
    assert warm.start["growth_factor"] == pytest.approx(cold.growth_factor * 1.3)
    # both answers meet the calibration's own criteria on the same patients
    res = run_cohort(warm.build, ["continuous"], patients=PATIENTS, seed=9, cohort=cohort)[0]
    from oncoresist.twin.rebiopsy import rebiopsy_progressions

    n_prog = len(rebiopsy_progressions(res))
    assert _meets_criteria(warm, n_prog)
    # the time scale is pinned by the median (within 5% of the target each): the growth factors agree to ~10%
    assert abs(math.log(warm.growth_factor / cold.growth_factor)) < 0.12


@pytest.mark.slow
def test_a_smaller_cohort_is_a_prefix_of_a_larger_one(egfr, cohort) -> None:  # type: ignore[no-untyped-def]
    small = run_cohort(egfr, ["continuous"], patients=30, seed=3, cohort=cohort)[0]
    large = run_cohort(egfr, ["continuous"], patients=90, seed=3, cohort=cohort)[0]
    pd.testing.assert_frame_equal(small.reset_index(drop=True), large.iloc[:30].reset_index(drop=True))
