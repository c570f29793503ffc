"""The twin's Luria–Delbrück cohort block: one entry per resistant type, consistent with the builder's mean."""

from __future__ import annotations

import math

import numpy as np
import pytest

from oncoresist.trial.cohort import patient_seeds, sample_cohort
from oncoresist.trial.engine_adapter import resistant_types
from oncoresist.trial.spec import CohortSpec
from oncoresist.twin import TwinDefaults, build_twin
from oncoresist.twin.calibrate import apply_multipliers
from oncoresist.twin.variation import luria_delbruck_block, with_preexisting

# the codon-rate path (TwinDefaults(measured_preexisting=False), the default before final10): these tests pin
# figures and Luria-Delbruck counts of a route with a codon rate; the default's measured T790M: test_pretreatment.py
CODON = TwinDefaults(measured_preexisting=False)


@pytest.fixture(scope="module")
def egfr(curated_kb):  # type: ignore[no-untyped-def]
    return build_twin(["EGFR L858R"], drugs="erlotinib,osimertinib", tumor="NSCLC", knowledge=curated_kb,
                      defaults=CODON)


def test_block_has_one_entry_per_resistant_type_in_the_trial_order(egfr) -> None:  # type: ignore[no-untyped-def]
    data = egfr.scenario.model_dump(mode="json")
    block = luria_delbruck_block(egfr)
    names = [data["cell_types"][i]["name"] for i in resistant_types(data)]
    assert len(block["clones"]) == len(block["cells"]) == len(names)
    by = dict(zip(names, block["clones"], strict=True))
    # transformed lineages have no pre-existing cells: no clones
    assert by["small_cell_transformation"] == 0 and "epithelial-mesenchymal_transition" not in by
    # T790M: 4e-9 per division (its codon rate, CpG) x ~2e10 sensitive cells
    t790m = next(t for t in egfr.scenario.transitions if t.target == "EGFR_T790M")
    assert by["EGFR_T790M"] == pytest.approx(t790m.probability * 2e10, rel=1e-3)


def test_the_builders_mean_is_the_luria_delbruck_mean(egfr) -> None:  # type: ignore[no-untyped-def]
    """The builder seeds u·b/(b−d)·M·ln M; the block's clones·b/(b−d)·ln(cells) must give the same number
    (the mean of the Poisson-of-clones construction, E[W] = b/(b−d))."""
    d = egfr.defaults
    data = egfr.scenario.model_dump(mode="json")
    block = luria_delbruck_block(egfr)
    for i, clones, cells in zip(resistant_types(data), block["clones"], block["cells"], strict=True):
        initial = data["cell_types"][i]["initial"]
        if clones == 0:
            continue
        mean = clones * d.birth / (d.birth - d.death) * math.log(cells)
        assert initial == pytest.approx(mean, rel=1e-3, abs=1.0)


def test_block_follows_the_calibrated_rates(egfr) -> None:  # type: ignore[no-untyped-def]
    cohort = {"resistant_fraction": luria_delbruck_block(egfr)}
    scaled = apply_multipliers(egfr, {"MET_amplification": 10.0}, {"MET_amplification": "test"})
    data = egfr.scenario.model_dump(mode="json")
    j = [data["cell_types"][i]["name"] for i in resistant_types(data)].index("MET_amplification")
    again = with_preexisting(cohort, scaled)
    assert again is not None
    assert again["resistant_fraction"]["clones"][j] == pytest.approx(10 * cohort["resistant_fraction"]["clones"][j],
                                                                      rel=1e-3)
    plain = {"resistant_fraction": {"dist": "lognormal", "median": 1.0, "sigma": 1.5}}
    assert with_preexisting(plain, scaled) is plain and with_preexisting(None, scaled) is None


def test_rare_routes_are_absent_in_some_patients(egfr) -> None:  # type: ignore[no-untyped-def]
    data = egfr.scenario.model_dump(mode="json")
    names = [data["cell_types"][i]["name"] for i in resistant_types(data)]
    block = luria_delbruck_block(egfr)
    spec = CohortSpec.model_validate({"resistant_fraction": block})
    rf = sample_cohort(spec, patient_seeds(np.random.SeedSequence(3), 1, 3000)[0], n_resistant=len(names))
    j = names.index("MET_amplification")
    lam = block["clones"][j]
    assert (rf["resistant_fraction"][:, j] == 0).mean() == pytest.approx(math.exp(-lam), abs=0.03)
    k = names.index("EGFR_T790M")
    assert (rf["resistant_fraction"][:, k] == 0).mean() == 0.0  # 80 expected clones: always some


def test_spread_fit_refuses_an_unknown_preexisting_kind(egfr) -> None:  # type: ignore[no-untyped-def]
    from oncoresist.errors import OncoresistError
    from oncoresist.twin.spread import fit_spread_to_response
    from oncoresist.twin.variation import load_variation

    with pytest.raises(OncoresistError, match=r"^preexisting: expected 'lognormal' or 'luria_delbruck'"):
        fit_spread_to_response(egfr, load_variation(), preexisting="mean")
