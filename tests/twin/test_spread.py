"""Between-patient spread fitted to the comparator's objective response: non-degenerate cohorts."""

from __future__ import annotations

import pytest

from oncoresist.errors import OncoresistError
from oncoresist.knowledge.quant import load_quant
from oncoresist.twin import TwinDefaults, build_twin
from oncoresist.twin.calibrate import calibrate_twin
from oncoresist.twin.compare import compare_strategies
from oncoresist.twin.spread import SpreadFit, fit_spread_to_response, scale_variation
from oncoresist.twin.variation import load_variation

PATIENTS = 200

# the codon-rate path (TwinDefaults(measured_preexisting=False), the default before final10): these tests pin
# figures and Luria-Delbruck counts of a route with a codon rate; the default's measured T790M: test_pretreatment.py
CODON = TwinDefaults(measured_preexisting=False)


@pytest.fixture(scope="module")
def egfr(curated_kb):  # type: ignore[no-untyped-def]
    return build_twin(["EGFR L858R"], drugs="erlotinib,osimertinib", tumor="NSCLC", knowledge=curated_kb,
                      defaults=CODON)


@pytest.fixture(scope="module")
def calibrated(egfr):  # type: ignore[no-untyped-def]
    # time scale and assumed rates fitted to the comparator (as the FLAURA benchmark does)
    return calibrate_twin(egfr, patients=PATIENTS, seed=0).build


@pytest.fixture(scope="module")
def fit(calibrated) -> SpreadFit:  # type: ignore[no-untyped-def]
    return fit_spread_to_response(calibrated, load_variation(), patients=PATIENTS, seed=0, iterations=5)


@pytest.fixture(scope="module")
def cmp(calibrated, fit):  # type: ignore[no-untyped-def]
    return compare_strategies(calibrated, ["continuous", "sequential", "continuous:osimertinib"],
                              patients=PATIENTS, seed=5, cohort=fit.cohort)


def test_scale_variation_keeps_ratios_and_rejects_bad_factors() -> None:
    v = load_variation()
    half = scale_variation(v, 0.5)
    assert half.kill_log_sd == pytest.approx(v.kill_log_sd / 2)
    assert half.net_growth_log_sd / half.kill_log_sd == pytest.approx(v.net_growth_log_sd / v.kill_log_sd)
    for bad in (-0.1, float("nan"), float("inf")):
        with pytest.raises(OncoresistError, match="factor"):
            scale_variation(v, bad)


def test_fit_rejects_a_target_outside_zero_one(egfr) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(OncoresistError, match="target"):
        fit_spread_to_response(egfr, load_variation(), patients=PATIENTS, target=1.2)


def test_fitted_spread_lies_strictly_between_degenerate_and_laleh(fit) -> None:  # type: ignore[no-untyped-def]
    # the target is the comparator's published objective response (FLAURA, 76%), not the osimertinib arm
    assert fit.target == pytest.approx(load_quant().outcomes["flaura-standard-egfr-tki"].objective_response)
    assert fit.target_id == "flaura-standard-egfr-tki"
    # Laleh's spreads as derived (factor 1) respond less often than the comparator (they include fit noise
    # and come from chemotherapy lesions), so the fitted factor shrinks them, but not to nothing
    assert fit.steps[0][0] == 1.0 and fit.steps[0][1] < fit.target
    assert 0.05 < fit.factor < 1.0
    # seeded: the fitted cohort's ORR is within two binomial standard errors of the published 76%
    se = (fit.target * (1 - fit.target) / PATIENTS) ** 0.5
    assert abs(fit.objective_response - fit.target) <= 2 * se


def test_fitted_cohort_is_not_degenerate(cmp) -> None:  # type: ignore[no-untyped-def]
    res = cmp.patients
    cont = res[res["arm"] == "continuous"]
    # not every patient responds, and not every responder is a complete response
    orr = float((cont["best_response"] <= 1).mean())
    cr = float((cont["best_response"] == 0).mean())
    assert 0.55 < orr < 0.95 and cr < orr - 0.05
    # the Kaplan-Meier median has a confidence interval of non-zero width
    row = cmp.medians.loc["continuous"]
    assert float(row["median_upper"]) - float(row["median_lower"]) > 0
    # progression times spread over more than one scan interval (interquartile range > 6 weeks)
    q1, q3 = cont.loc[cont["pfs_event"], "pfs_time"].quantile([0.25, 0.75])
    assert q3 - q1 > 42


def test_sequential_differs_from_continuous_on_time_to_strategy_failure(cmp) -> None:  # type: ignore[no-untyped-def]
    ends = cmp.endpoints
    cont = float(ends.loc["continuous", "strategy_failure_median"])
    seq = float(ends.loc["sequential", "strategy_failure_median"])
    # osimertinib after erlotinib controls T790M, so the strategy fails later than erlotinib alone
    assert seq > cont * 1.05


def test_osimertinib_response_is_predicted_near_the_published_rate(cmp) -> None:  # type: ignore[no-untyped-def]
    # held out: only the comparator's response was fitted; FLAURA's osimertinib arm responded in 80%
    res = cmp.patients
    osi = res[res["arm"] == "continuous:osimertinib"]
    published = load_quant().outcomes["flaura-osimertinib"].objective_response
    assert abs(float((osi["best_response"] <= 1).mean()) - published) < 0.1
