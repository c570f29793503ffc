import numpy as np
import pytest

from oncoresist.monitor.imaging import ImagingModel, cells_to_diameter_mm, diameter_mm_to_cells
from oncoresist.monitor.recist import CR, PD, PR, SD, RecistTracker, classify


def test_1e9_cells_is_a_1cm3_sphere():
    # V = 1 cm^3 -> d = (6/pi)^(1/3) cm = 12.41 mm
    assert cells_to_diameter_mm(1e9) == pytest.approx(10 * (6 / np.pi) ** (1 / 3))
    assert cells_to_diameter_mm(8e9) == pytest.approx(2 * cells_to_diameter_mm(1e9))


def test_lesions_split_and_inverse():
    c = np.array([1e8, 3e10, 2e11])
    for k in (1, 3):
        assert diameter_mm_to_cells(cells_to_diameter_mm(c, n_lesions=k), n_lesions=k) == pytest.approx(c)
    # two lesions of half the volume: sum of diameters larger than one lesion
    assert cells_to_diameter_mm(1e10, n_lesions=2) > cells_to_diameter_mm(1e10)


def test_detection_limit_and_noise():
    im = ImagingModel(noise_cv=0.0, noise_sd_mm=0.0, detection_limit_mm=5.0)
    small = 1e9 * np.pi / 6 * 0.4**3  # a 4 mm lesion
    assert im.measure(np.array([small, 1e10]), np.zeros(2))[0] == 0.0
    assert im.measure(np.array([1e10]), np.zeros(1))[0] == pytest.approx(cells_to_diameter_mm(1e10))
    noisy = ImagingModel(noise_cv=0.1, noise_sd_mm=0.0)
    z = np.random.default_rng(1).standard_normal(20000)
    m = noisy.measure(np.full(20000, 1e10), z)
    assert m.std() / m.mean() == pytest.approx(0.1, rel=0.05)


def test_recist_thresholds():
    base = np.full(6, 100.0)
    nadir = np.array([100, 100, 50, 50, 20, 100.0])
    sod = np.array([70, 71, 60, 59, 25, 0.0])
    # 70 = -30% -> PR; 71 -> SD; 60 >= 1.2*50 and +10 mm -> PD; 59 < 60 -> PR from baseline (-41%)
    # 25 >= 1.2*20 but only +5 mm -> PD (>= 5 mm); 0 -> CR
    assert classify(sod, base, nadir).tolist() == [PR, SD, PD, PR, PD, CR]
    # +20% but under 5 mm absolute is not PD
    assert classify(np.array([12.0]), np.array([10.0]), np.array([10.0]))[0] == SD


def test_tracker_nadir_and_first_times():
    tr = RecistTracker(1)
    tr.start(np.array([100.0]))
    for t, s in [(56, 80.0), (112, 65.0), (168, 60.0), (224, 75.0)]:
        tr.update(t, np.array([s]))
    assert tr.response_time[0] == 112
    assert tr.nadir[0] == 60
    assert tr.progression_time[0] == 224  # 75 >= 72 and +15 mm
    assert tr.best_response[0] == PR
