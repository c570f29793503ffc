"""A published share at progression as a soft target of the spread factor (twin.mechanism_target).

The calibrations are replaced by a small model in which the response falls with the spread factor ``k``
(``1 - k``) and the mechanism's share falls with it too (``0.8 - k``: more progressions still dominated by the
sensitive clone), so the refinement's choice can be checked without simulating cohorts."""

from __future__ import annotations

import math
from types import SimpleNamespace
from typing import Any

import pytest

from oncoresist.errors import OncoresistError
from oncoresist.twin import joint_fit
from oncoresist.twin.mechanism_target import MechanismTarget, log_likelihood, mechanism_target, refine
from oncoresist.twin.spread import SpreadFit

TARGET = 0.7


def _cal(k: float, *, converged: bool = True) -> Any:
    return SimpleNamespace(build=SimpleNamespace(g=1.0), converged=converged, growth_factor=1.0, median_months=10.0,
                           objective_response=1.0 - k, iterations=0, patients=400, shares={"T790M": 0.8 - k})


def _install(monkeypatch: pytest.MonkeyPatch, converged: Any = lambda k: True) -> None:
    def fit_spread(build: Any, variation: Any, **kw: Any) -> SpreadFit:
        k = 1.0 - TARGET
        return SpreadFit(k, 1.0 - k, TARGET, "t", "test", True, kw["patients"], {}, {"k": k}, None,  # type: ignore[arg-type]
                         [(k, 1.0 - k)])

    def calibrate(build: Any, *, cohort: Any, start: Any = None, **kw: Any) -> Any:
        return _cal(cohort["k"], converged=converged(cohort["k"]))

    monkeypatch.setattr(joint_fit, "fit_spread_to_response", fit_spread)
    monkeypatch.setattr(joint_fit, "calibrate_twin", calibrate)
    monkeypatch.setattr(joint_fit, "spread_cohort", lambda build, variation, k, **kw: {"k": k})
    monkeypatch.setattr(joint_fit, "scale_variation", lambda variation, k: variation)
    monkeypatch.setattr(joint_fit, "with_preexisting", lambda cohort, build: dict(cohort))


MECH = MechanismTarget("T790M", 63, 100, "test", 195, 278)  # 0.63 of 100; response 0.70 of 278


def _first() -> Any:
    return SimpleNamespace(build=SimpleNamespace(g=1.0), converged=True, growth_factor=1.0, median_months=10.0)


def test_the_mechanism_moves_k_inside_the_response_band_towards_the_published_share(
        monkeypatch: pytest.MonkeyPatch) -> None:
    _install(monkeypatch)
    plain = joint_fit.fit_response_and_time(None, _first(), None, patients=400)  # type: ignore[arg-type]
    out = joint_fit.fit_response_and_time(None, _first(), None, patients=400, mechanism=MECH)  # type: ignore[arg-type]
    band = 2 * math.sqrt(TARGET * (1 - TARGET) / 278)
    assert out.tolerance == pytest.approx(band)
    assert out.converged and abs(out.objective_response - TARGET) <= band
    share, plain_share = out.calibration.shares["T790M"], plain.calibration.shares["T790M"]
    assert plain_share == pytest.approx(0.5)  # k* = 0.3
    assert share > plain_share + 0.02  # a smaller k: more response (inside the band), a share nearer 0.63
    scored = [r for r in out.rounds if "log_likelihood" in r and math.isfinite(r["log_likelihood"])]
    assert scored  # the refinement's steps record their score; the grid's first points lie outside the band
    best = max([log_likelihood(plain.calibration, MECH), *(r["log_likelihood"] for r in scored)])
    assert log_likelihood(out.calibration, MECH) == pytest.approx(best)
    assert out.to_dict()["mechanism_target"]["x"] == 63 and out.mechanism is MECH


def test_steps_that_did_not_converge_are_never_chosen(monkeypatch: pytest.MonkeyPatch) -> None:
    _install(monkeypatch, converged=lambda k: k >= 0.29)
    out = joint_fit.fit_response_and_time(None, _first(), None, patients=400, mechanism=MECH)  # type: ignore[arg-type]
    assert out.calibration.converged and out.spread.factor >= 0.29


def test_log_likelihood_peaks_at_the_published_counts_and_stays_finite() -> None:
    t = MechanismTarget("T790M", 63, 100, "test", 70, 100)

    def ll(orr: float, share: float) -> float:
        return log_likelihood(SimpleNamespace(objective_response=orr, patients=400, shares={"T790M": share}), t)

    assert ll(0.7, 0.63) > max(ll(0.7, 0.58), ll(0.7, 0.68), ll(0.65, 0.63), ll(0.75, 0.63))
    assert math.isfinite(ll(0.7, 0.0)) and math.isfinite(ll(1.0, 1.0))


def test_refine_scores_the_grid_then_a_step_towards_the_better_neighbour() -> None:
    seen: list[float] = []

    def evaluate(k: float) -> float:
        seen.append(k)
        return -((k - 0.2) ** 2)

    scored = refine(evaluate, 0.3, -0.01, 0.0, 1.0)
    assert next(iter(scored)) == 0.3 and seen[:3] == pytest.approx([0.165, 0.225, 0.405])
    assert seen[3] == pytest.approx((0.225 + 0.165) / 2)  # best 0.225; its better neighbour 0.165


def test_bad_targets_are_one_line_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    cal = SimpleNamespace(fitted=[], held_out=[SimpleNamespace(cell_type="T790M", n=155, published=0.63,
                                                               frequency_id="yu", source="PMID:23470965")])
    assert mechanism_target(cal, "T790M", 0.76, 278) == MechanismTarget("T790M", 98, 155, "yu (PMID:23470965)",
                                                                         211, 278)
    with pytest.raises(OncoresistError, match=r"no published share .* 'C797S'; choose one of T790M"):
        mechanism_target(cal, "C797S", 0.76, 278)
    with pytest.raises(OncoresistError, match="response_n"):
        mechanism_target(cal, "T790M", 0.76, 0)
    cal.held_out[0].n = None
    with pytest.raises(OncoresistError, match="no number of patients"):
        mechanism_target(cal, "T790M", 0.76, 278)
    _install(monkeypatch)
    with pytest.raises(OncoresistError, match="warm"):
        joint_fit.fit_response_and_time(None, _first(), None, patients=400, warm=False,  # type: ignore[arg-type]
                                        mechanism=MECH)


def test_with_nothing_admissible_the_response_only_answer_is_returned(monkeypatch: pytest.MonkeyPatch) -> None:
    _install(monkeypatch, converged=lambda k: False)
    with pytest.warns(UserWarning, match="NOT converged"):
        out = joint_fit.fit_response_and_time(None, _first(), None, patients=400, rounds=1,  # type: ignore[arg-type]
                                              mechanism=MECH)
    assert not out.converged and out.spread.factor == pytest.approx(1.0 - TARGET)
    assert out.cohort == {"k": pytest.approx(1.0 - TARGET)}


@pytest.mark.parametrize("n", [None, 0])
def test_calibrate_with_spread_refuses_a_mechanism_target_without_the_arm_size(n: int | None) -> None:
    """The response's likelihood needs the comparator arm's size: refused, naming the field, before any work."""
    from oncoresist.twin.fitted_cohort import calibrate_with_spread

    with pytest.raises(OncoresistError, match=r"^response_patients: "):
        calibrate_with_spread(SimpleNamespace(), mechanism="EGFR_T790M", response_patients=n)  # type: ignore[arg-type]
