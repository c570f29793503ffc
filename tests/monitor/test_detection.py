"""Detection sizes of plasma and imaging (monitor/detection.py), checked against hand arithmetic, the
assay's own simulated draws and the RECIST classifier."""

from __future__ import annotations

import math

import numpy as np
import pytest

from oncoresist.errors import OncoresistError
from oncoresist.monitor.ctdna import CtdnaAssay, CtdnaParams, steady_state_ge
from oncoresist.monitor.detection import (
    imaging_progression_cells,
    mutant_reads_per_cell,
    plasma_detection_cells,
)
from oncoresist.monitor.imaging import ImagingModel
from oncoresist.monitor.recist import PD, classify


def test_plasma_size_by_hand() -> None:
    # q_d 1.4e-4 GE per death (Avanzini et al. 2020), d 0.13 per day, half-life 30 min, 15 mL of 5 L, half
    # sequenced; threshold at 10,000 molecules and error 1e-5: P(X >= 1) = 1 - e^-0.1 = 0.095 > 1%,
    # P(X >= 2) = 1 - 1.1 e^-0.1 = 0.0047 <= 1%, so 2 reads; + 1 read margin = 3 reads
    eps = math.log(2) / (30 / 1440)
    per_cell = 1.4e-4 * 0.13 / eps * (15 / 5000) * 0.5
    assert mutant_reads_per_cell(0.13) == pytest.approx(per_cell, rel=1e-12)
    assert plasma_detection_cells(0.13) == pytest.approx(3 / per_cell, rel=1e-12)
    assert 3.6e9 < plasma_detection_cells(0.13) < 3.7e9  # the figure docs/twin.md quotes


def test_plasma_size_scales_inversely_with_shedding_and_death() -> None:
    base = plasma_detection_cells(0.13)
    assert plasma_detection_cells(0.13, params=CtdnaParams(q_d=1.4e-2)) == pytest.approx(base / 100)
    assert plasma_detection_cells(0.26) == pytest.approx(base / 2)


def test_simulated_draws_see_the_clone_at_the_computed_size_and_not_far_below() -> None:
    """Independent of the closed form: the assay's own draw (Poisson sampling, binomial reads, binomial call)
    on a clone of the computed size is positive in most draws, and on a tenth of it in few."""
    params, assay = CtdnaParams(), CtdnaAssay()
    rng = np.random.default_rng(7)
    n = 4000
    normal = np.full(n, 953.0)  # the mean normal cfDNA, GE per mL plasma
    size = plasma_detection_cells(0.13, params=params, assay=assay)

    def positive(cells: float) -> float:
        ge = steady_state_ge(np.full(n, 0.13 * cells), params)
        out = assay.draw(ge, ge[:, None], normal, rng.uniform(size=(n, 3)), params)
        return float(out["detected"][:, 0].mean())

    assert positive(size) > 0.5
    assert positive(size / 10) < 0.2
    assert positive(size) ** 2 > 0.3  # two draws in a row (the twin's confirmed call) are then likely


def test_imaging_after_complete_response_by_hand() -> None:
    # two spheres of 5 mm (the detection limit): 2 x 1e9 cells/cm3 x pi/6 x 0.5^3 cm3
    assert imaging_progression_cells() == pytest.approx(2 * 1e9 * math.pi / 6 * 0.125)
    # RECIST 1.1's smallest measurable lesion (10 mm) and most target lesions (5)
    assert imaging_progression_cells(n_lesions=5, detection_limit_mm=10) == pytest.approx(5 * 1e9 * math.pi / 6)
    # one lesion: the 5 mm absolute increase, not the detection limit, sets the size
    assert imaging_progression_cells(n_lesions=1, detection_limit_mm=2) == pytest.approx(1e9 * math.pi / 6 * 0.125)


@pytest.mark.parametrize("nadir_mm", [0.0, 12.0, 20.0, 40.0])
def test_imaging_size_is_where_the_recist_classifier_turns_to_pd(nadir_mm: float) -> None:
    model = ImagingModel(n_lesions=2, detection_limit_mm=5.0)
    cells = imaging_progression_cells(n_lesions=2, detection_limit_mm=5.0, nadir_mm=nadir_mm)
    z = np.zeros(2)
    sod = model.measure(np.array([cells * 0.99, cells * 1.01]), z)
    cat = classify(sod, np.full(2, 60.0), np.full(2, nadir_mm))
    assert cat[0] != PD and cat[1] == PD


@pytest.mark.parametrize(
    ("call", "word"),
    [
        (lambda: plasma_detection_cells(0.0), "death_per_day"),
        (lambda: plasma_detection_cells(0.1, margin=-1), "margin"),
        (lambda: plasma_detection_cells(0.1, coverage=0), "coverage"),
        (lambda: imaging_progression_cells(n_lesions=0), "n_lesions"),
        (lambda: imaging_progression_cells(nadir_mm=-1), "nadir_mm"),
    ],
)
def test_bad_arguments_name_the_parameter(call, word: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(OncoresistError, match=word):
        call()
