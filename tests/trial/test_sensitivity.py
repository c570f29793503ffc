"""The cohort's ``sensitivity`` factor: one per patient on every drug's EC50, drawn without moving other draws."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from oncoresist.trial.cohort import patient_seeds, sample_cohort
from oncoresist.trial.engine_adapter import EngineModel
from oncoresist.trial.models import open_scenario
from oncoresist.trial.spec import CohortSpec, Distribution

SCENARIO = Path(__file__).resolve().parents[2] / "examples" / "trials" / "scenarios" / "egfr_nsclc.yaml"


def _spec(**extra: Distribution) -> CohortSpec:
    return CohortSpec(growth=Distribution(dist="lognormal", median=1.0, sigma=0.1),
                      kill=Distribution(dist="lognormal", median=1.0, sigma=0.3),
                      resistant_fraction=Distribution(dist="lognormal", median=1.0, sigma=1.5), **extra)


def test_sensitivity_draws_leave_every_other_factor_unchanged() -> None:
    seeds = patient_seeds(np.random.SeedSequence(11), 1, 200)[0]
    plain = sample_cohort(_spec(), seeds)
    varied = sample_cohort(_spec(sensitivity=Distribution(dist="lognormal", median=1.0, sigma=2.0)), seeds)
    for name in ("growth", "kill", "mutation", "clearance", "resistant_fraction"):
        np.testing.assert_array_equal(plain[name], varied[name])
    np.testing.assert_array_equal(plain["sensitivity"], np.ones(200))  # default: fixed at 1
    s = np.log(varied["sensitivity"])
    assert abs(float(np.std(s)) - 2.0) < 0.3 and abs(float(np.median(s))) < 0.4
    # drawn independently of the kill factor (its own child stream)
    assert abs(np.corrcoef(s, np.log(varied["kill"]))[0, 1]) < 0.2


def test_sensitivity_raises_every_drugs_ec50_for_that_patient() -> None:
    # two patients alike but for the tumour's sensitivity: x100 on the EC50 leaves more cells on drug
    factors = {"sensitivity": np.array([1.0, 100.0]), "initial_cells": np.array([2e10, 2e10])}
    model = EngineModel(open_scenario(SCENARIO), 2, factors, np.random.SeedSequence(3), [0, 1], method="ode")
    model.set_dose("osimertinib", np.array([1.0, 1.0]))
    model.advance(90.0)
    sensitive_left = model.state[:, 0]
    assert sensitive_left[1] > 10 * sensitive_left[0]
