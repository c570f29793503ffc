"""Loewe additivity: one active drug is its own Hill curve; two equal drugs act as the summed dose."""

from __future__ import annotations

import pytest

from oncoresist.model.pd import hill, loewe_effect


@pytest.mark.parametrize(("c", "ec50", "h"), [(0.3, 1.0, 1.0), (2.0, 0.5, 2.5), (1.0, 1e-6, 4.0)])
def test_one_active_drug_is_its_hill_curve(c: float, ec50: float, h: float) -> None:
    assert loewe_effect([c], [0.4], [ec50], [h], 1) == pytest.approx(0.4 * hill(c, ec50, h), rel=1e-15)
    # a second drug without effect on this cell, or not given, changes nothing
    assert loewe_effect([c, 5.0], [0.4, 0.0], [ec50, 1.0], [h, 1.0], 2) == pytest.approx(0.4 * hill(c, ec50, h))
    assert loewe_effect([c, 0.0], [0.4, 0.9], [ec50, 1.0], [h, 1.0], 2) == pytest.approx(0.4 * hill(c, ec50, h))


def test_two_identical_drugs_act_as_the_summed_dose() -> None:
    # the sham combination that defines Loewe additivity: a drug with itself acts as the summed dose
    e = loewe_effect([0.3, 0.5], [0.6, 0.6], [1.0, 1.0], [2.0, 2.0], 2)
    assert e == pytest.approx(0.6 * hill(0.8, 1.0, 2.0), rel=1e-12)
    # saturating doses of two drugs with the same Emax give that Emax, not twice it (Bozic's d')
    assert loewe_effect([1.0, 1.0], [0.04, 0.04], [1e-6, 1e-6], [4.0, 4.0], 2) == pytest.approx(0.04, rel=1e-12)
