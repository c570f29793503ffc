"""RECIST 1.1's 'too small to measure': a lesion still seen reads 5 mm, only a lesion gone reads 0 (CR)."""

from __future__ import annotations

import numpy as np
import pytest

from oncoresist.errors import InvalidArgument
from oncoresist.monitor.imaging import ImagingModel, diameter_mm_to_cells
from oncoresist.monitor.recist import CR, PD, PR, classify
from oncoresist.trial.spec import ImagingSpec


def _cells(mm: list[float], n_lesions: int = 1) -> np.ndarray:
    return diameter_mm_to_cells(np.asarray(mm) * n_lesions, n_lesions=n_lesions)


def test_a_lesion_seen_below_the_detection_limit_is_recorded_at_it_not_at_zero() -> None:
    new = ImagingModel(noise_cv=0.0, noise_sd_mm=0.0, visible_mm=3.0)
    old = ImagingModel(noise_cv=0.0, noise_sd_mm=0.0)
    cells = _cells([2.0, 3.5, 4.9, 8.0])
    assert new.measure(cells, np.zeros(4)).tolist() == pytest.approx([0.0, 5.0, 5.0, 8.0])
    assert new.true_sod(cells).tolist() == pytest.approx([0.0, 5.0, 5.0, 8.0])
    # the earlier rule (and the lesion fits of oncoresist.fit): under 5 mm reads 0
    assert old.measure(cells, np.zeros(4)).tolist() == pytest.approx([0.0, 0.0, 0.0, 8.0])


def test_each_of_several_lesions_is_recorded_at_the_nominal_size() -> None:
    im = ImagingModel(noise_cv=0.0, noise_sd_mm=0.0, visible_mm=3.0, n_lesions=3)
    assert im.measure(_cells([4.0], 3), np.zeros(1))[0] == pytest.approx(15.0)
    assert im.measure(_cells([2.5], 3), np.zeros(1))[0] == 0.0


def test_visibility_follows_the_true_size_not_the_noise() -> None:
    im = ImagingModel(noise_cv=0.3, noise_sd_mm=2.0, visible_mm=3.0)
    z = np.random.default_rng(3).standard_normal(5000)
    seen = im.measure(np.full(5000, _cells([4.0])[0]), z)
    gone = im.measure(np.full(5000, _cells([2.9])[0]), z)
    assert seen.min() >= 5.0 - 1e-9  # never 0 while the lesion is there
    assert (gone[gone < 5.0] == 0.0).all() and (gone == 0.0).mean() > 0.5


def test_complete_response_needs_the_lesion_gone() -> None:
    base = np.full(2, 30.0)
    im = ImagingModel(noise_cv=0.0, noise_sd_mm=0.0, visible_mm=3.0)
    sod = im.measure(_cells([4.0, 2.0]), np.zeros(2))
    assert classify(sod, base, sod).tolist() == [PR, CR]
    # a lesion that reappears after a CR at a size the scan sees is progression (RECIST: reappearance after CR)
    assert classify(im.measure(_cells([3.2]), np.zeros(1)), np.array([30.0]), np.array([0.0]))[0] == PD


def test_bad_visibility_is_refused_with_the_field_named() -> None:
    with pytest.raises(InvalidArgument, match="visible_mm"):
        ImagingModel(visible_mm=6.0)
    with pytest.raises(ValueError, match="visible_mm"):
        ImagingSpec(visible_mm=8.0)
    assert ImagingSpec().visible_mm == 3.0 and ImagingSpec(visible_mm=None).visible_mm is None


def test_progression_after_a_complete_response_comes_when_the_lesion_is_seen_again() -> None:
    from oncoresist.monitor.detection import imaging_progression_cells

    old = imaging_progression_cells(n_lesions=1, detection_limit_mm=5.0)
    new = imaging_progression_cells(n_lesions=1, detection_limit_mm=5.0, visible_mm=3.0)
    assert old == pytest.approx(_cells([5.0])[0]) and new == pytest.approx(_cells([3.0])[0])
    im = ImagingModel(noise_cv=0.0, noise_sd_mm=0.0, visible_mm=3.0)
    just = im.measure(np.array([new * 1.001, new * 0.999]), np.zeros(2))
    assert classify(just, np.full(2, 30.0), np.zeros(2)).tolist() == [PD, CR]
    with pytest.raises(InvalidArgument, match="visible_mm"):
        imaging_progression_cells(visible_mm=9.0)
