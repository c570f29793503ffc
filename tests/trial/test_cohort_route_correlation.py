"""The correlation between a patient's routes of the resistant-only growth factor
(``CohortSpec.resistant_growth_correlation``)."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from oncoresist.trial.cohort import RESISTANT_SLOTS, patient_seeds, sample_cohort
from oncoresist.trial.spec import CohortSpec, Distribution

SIGMA = 0.9


def _seeds(n: int) -> list[np.random.SeedSequence]:
    return patient_seeds(np.random.SeedSequence(5), 1, n)[0]


def _cohort(**kw: object) -> CohortSpec:
    return CohortSpec(growth=Distribution(dist="lognormal", median=1.0, sigma=0.1),
                      sensitivity=Distribution(dist="lognormal", median=1.0, sigma=0.3),
                      resistant_growth=Distribution(dist="lognormal", median=1.0, sigma=SIGMA), **kw)


def test_rho_one_is_the_shared_factor_draw_for_draw() -> None:
    seeds = _seeds(300)
    shared = sample_cohort(_cohort(resistant_growth_shared=True), seeds, n_resistant=RESISTANT_SLOTS + 4)
    rho1 = sample_cohort(_cohort(resistant_growth_correlation=1.0), seeds, n_resistant=RESISTANT_SLOTS + 4)
    for name in shared:
        np.testing.assert_array_equal(rho1[name], shared[name])
    assert np.all(rho1["resistant_growth"] == rho1["resistant_growth"][:, :1])  # one factor per patient


@pytest.mark.parametrize("rho", [0.0, 0.25, 0.5, 0.75])
def test_rho_is_the_correlation_between_routes_and_the_spread_is_kept(rho: float) -> None:
    seeds = _seeds(6000)
    base = sample_cohort(_cohort(resistant_growth_shared=True), seeds)
    out = sample_cohort(_cohort(resistant_growth_correlation=rho), seeds)
    logs = np.log(out["resistant_growth"])
    assert np.allclose(logs.std(axis=0), SIGMA, rtol=0.05)  # sigma unchanged whatever rho
    corr = np.corrcoef(logs.T)[np.triu_indices(logs.shape[1], 1)]
    assert np.all(np.abs(corr - rho) < 0.05), (rho, corr.min(), corr.max())
    # the patient part is the shared draw: its correlation with the shared factor is sqrt(rho)
    c = np.corrcoef(logs[:, 3], np.log(base["resistant_growth"][:, 0]))[0, 1]
    assert abs(c - np.sqrt(rho)) < 0.05
    for name in ("growth", "sensitivity", "resistant_fraction"):  # no earlier draw moved
        np.testing.assert_array_equal(out[name], base[name])


def test_rho_zero_has_the_independent_routes_distribution() -> None:
    seeds = _seeds(6000)
    laleh = np.log(sample_cohort(_cohort(), seeds)["resistant_growth"])
    rho0 = np.log(sample_cohort(_cohort(resistant_growth_correlation=0.0), seeds)["resistant_growth"])
    # same distribution (per type quantiles), drawn from another stream
    assert np.allclose(np.quantile(rho0, [0.1, 0.5, 0.9], axis=0), np.quantile(laleh, [0.1, 0.5, 0.9], axis=0),
                       atol=0.08)
    assert not np.array_equal(rho0, laleh)


def test_rho_refuses_what_it_cannot_mean() -> None:
    with pytest.raises(ValidationError, match="resistant_growth_correlation"):
        CohortSpec(resistant_growth_correlation=1.5)
    with pytest.raises(ValidationError, match="contradicts resistant_growth_shared"):
        _cohort(resistant_growth_shared=True, resistant_growth_correlation=0.5)
    with pytest.raises(ValidationError, match="needs a lognormal"):
        CohortSpec(resistant_growth=Distribution(dist="uniform", low=0.5, high=2.0), resistant_growth_correlation=0.5)
