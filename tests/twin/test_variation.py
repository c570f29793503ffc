"""Between-patient spreads from Laleh et al. 2022's lesion series (issue 11, item 3)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from oncoresist.errors import OncoresistError
from oncoresist.twin.variation import LALEH_CSV, derive_variation, laleh_variation, load_variation


def test_packaged_spreads_map_onto_the_cohort_factors() -> None:
    v = load_variation()
    c = v.cohort(0.14, 0.11)
    # a birth factor moves net growth (b - d) by b/(b - d) times its own log change (first order)
    assert c["growth"]["sigma"] == pytest.approx(v.net_growth_log_sd * 0.03 / 0.14)
    assert c["kill"]["sigma"] == v.kill_log_sd and c["resistant_fraction"]["sigma"] == v.resistant_fraction_log_sd
    with pytest.raises(OncoresistError, match="birth"):
        v.cohort(0.1, 0.2)


def test_derivation_recovers_known_spreads() -> None:
    rng = np.random.default_rng(1)
    n = 400
    fits = pd.DataFrame({"lesion_id": np.arange(n), "law": "biexponential", "converged": True,
                         "g": np.exp(rng.normal(np.log(0.01), 0.7, n)), "d": np.exp(rng.normal(np.log(0.02), 0.4, n)),
                         "f": 1 - np.exp(rng.normal(np.log(0.2), 0.5, n)).clip(max=0.9)})
    v = derive_variation(fits)
    assert v.net_growth_log_sd == pytest.approx(0.7, rel=0.15)
    assert v.kill_log_sd == pytest.approx(0.4, rel=0.15)
    assert v.resistant_fraction_log_sd == pytest.approx(0.5, rel=0.2)
    with pytest.raises(OncoresistError, match="too few"):
        derive_variation(fits.head(5))


@pytest.mark.slow
@pytest.mark.skipif(not LALEH_CSV.is_file(), reason="shared Laleh table absent")
def test_packaged_spreads_are_rederived_from_the_shared_table() -> None:
    again = laleh_variation(n_jobs=2)
    packaged = load_variation()
    assert again.n_lesions == packaged.n_lesions
    for k in ("net_growth_log_sd", "kill_log_sd", "resistant_fraction_log_sd"):
        assert getattr(again, k) == pytest.approx(getattr(packaged, k), abs=5e-3), k
