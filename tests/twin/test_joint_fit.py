"""The joint fit of the comparator's response and median: iterate to a fixed point, or say it did not converge.

The spread fit, the calibration and the response measurement are replaced by a small model in which the
response the FINAL cohort gives depends on the growth factor the calibration picks after the spread fit (the
drift the flaura4 pass found), so the loop's logic is tested without simulating cohorts. Both paths are
tested: the old alternating rounds (``warm=False``) and the search whose steps are calibrations (default)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from oncoresist.errors import OncoresistError
from oncoresist.twin import joint_fit
from oncoresist.twin.spread import SpreadFit

TARGET = 0.7


def _orr(k: float, g: float, coupling: float) -> float:
    return max(0.0, 1.0 - k - coupling * (g - 1.0))


def _install(monkeypatch: pytest.MonkeyPatch, *, coupling: float, reachable: bool = True) -> list[dict[str, Any]]:
    """Response = 1 - k - coupling * (g - 1); the spread fit picks k for the twin's current g; the calibration
    picks g = 1 + 2k (a wider spread needs faster growth to keep the median). Returns the calibrations' calls."""
    calls: list[dict[str, Any]] = []

    def fit_spread(build: Any, variation: Any, **kw: Any) -> SpreadFit:
        g = build.g
        k = max(0.0, 1.0 - TARGET - coupling * (g - 1.0))  # solves orr(k, g) = target at the CURRENT g
        r = _orr(k, g, coupling)
        return SpreadFit(k, r, TARGET, "t", "test", True, kw["patients"], {}, {"k": k}, None,  # type: ignore[arg-type]
                         [(k, r)])

    def calibrate(build: Any, *, cohort: Any, start: Any = None, **kw: Any) -> Any:
        g = 1.0 + 2.0 * cohort["k"]
        calls.append({"g": g, "start": start, "patients": kw["patients"]})
        moved = start is None or start.growth_factor != g
        # the calibration's last cohort is the final cohort on the final twin: its response is the one checked
        return SimpleNamespace(build=SimpleNamespace(g=g), converged=reachable, growth_factor=g, median_months=10.0,
                               objective_response=_orr(cohort["k"], g, coupling), iterations=int(moved),
                               patients=kw["patients"])

    monkeypatch.setattr(joint_fit, "fit_spread_to_response", fit_spread)
    monkeypatch.setattr(joint_fit, "calibrate_twin", calibrate)
    monkeypatch.setattr(joint_fit, "spread_cohort", lambda build, variation, k, **kw: {"k": k})
    monkeypatch.setattr(joint_fit, "scale_variation", lambda variation, k: variation)
    monkeypatch.setattr(joint_fit, "with_preexisting", lambda cohort, build: dict(cohort))
    return calls


def _first() -> Any:
    return SimpleNamespace(build=SimpleNamespace(g=1.0), converged=True, growth_factor=1.0, median_months=10.0)


def test_one_pass_drifts_and_the_fixed_point_removes_the_drift(monkeypatch: pytest.MonkeyPatch) -> None:
    _install(monkeypatch, coupling=0.2)
    with pytest.warns(UserWarning, match="could not be fitted together"):
        one = joint_fit.fit_response_and_time(None, _first(), None, patients=400, rounds=1,  # type: ignore[arg-type]
                                              warm=False)
    # the old pipeline: the spread fit hits 0.7 but the recalibrated twin's final cohort does not
    assert one.spread.objective_response == pytest.approx(0.7)
    assert abs(one.objective_response - 0.7) > one.tolerance and not one.converged
    many = joint_fit.fit_response_and_time(None, _first(), None, patients=400, rounds=8,  # type: ignore[arg-type]
                                           warm=False)
    assert many.converged
    assert abs(many.objective_response - 0.7) <= many.tolerance
    assert len(many.rounds) > 1


def test_the_search_reaches_the_same_fixed_point_in_fewer_calibrations(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _install(monkeypatch, coupling=0.2)
    cold = joint_fit.fit_response_and_time(None, _first(), None, patients=400, rounds=8,  # type: ignore[arg-type]
                                           warm=False)
    n_cold = len(calls)
    calls.clear()
    warm = joint_fit.fit_response_and_time(None, _first(), None, patients=400, rounds=4)  # type: ignore[arg-type]
    assert warm.converged and warm.warm
    # the fixed point of this model: k = 0.3 / (1 + 2 * 0.2); both answers within the response tolerance of it
    root = 0.3 / 1.4
    slope = 1.4  # |d response / d k| on the calibrated twin
    for fit in (cold, warm):
        assert abs(fit.objective_response - TARGET) <= fit.tolerance
        assert abs(fit.spread.factor - root) <= fit.tolerance / slope + 1e-12
    # every step of the search after the first calibration starts from the previous one
    assert all(c["start"] is not None for c in calls)
    assert len(calls) <= n_cold
    assert warm.spread.start is not None and warm.spread.steps[-1][0] == warm.spread.factor


def test_not_converged_is_said(monkeypatch: pytest.MonkeyPatch) -> None:
    for warm in (False, True):
        _install(monkeypatch, coupling=0.2, reachable=False)  # the median never converges
        with pytest.warns(UserWarning, match="NOT converged"):
            out = joint_fit.fit_response_and_time(None, _first(), None, patients=400,  # type: ignore[arg-type]
                                                  rounds=3, warm=warm)
        assert not out.converged
        assert out.to_dict()["converged"] is False and out.to_dict()["calibration_converged"] is False
        if not warm:
            assert len(out.rounds) == 3


def test_rounds_must_be_positive() -> None:
    with pytest.raises(OncoresistError, match="rounds"):
        joint_fit.fit_response_and_time(None, _first(), None, rounds=0)  # type: ignore[arg-type]


def test_screening_runs_only_the_first_spread_fit_and_the_answer_is_full_size(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _install(monkeypatch, coupling=0.2)
    sizes: list[int] = []
    spread = joint_fit.fit_spread_to_response

    def fit_spread(build: Any, variation: Any, **kw: Any) -> Any:
        sizes.append(kw["patients"])
        return spread(build, variation, **kw)

    monkeypatch.setattr(joint_fit, "fit_spread_to_response", fit_spread)
    out = joint_fit.fit_response_and_time(None, _first(), None, patients=400, rounds=4,  # type: ignore[arg-type]
                                          screen_patients=100)
    assert sizes == [100]
    assert calls and all(c["patients"] == 400 for c in calls)
    assert out.rounds[0]["patients"] == 100 and all(r["patients"] == 400 for r in out.rounds[1:])
    assert out.calibration.patients == 400 and out.converged and out.screen_patients == 100
    assert out.tolerance == pytest.approx((0.7 * 0.3 / 400) ** 0.5)
    assert out.runs == sum(r["spread_runs"] + r["calibration_runs"] for r in out.rounds)
    with pytest.raises(OncoresistError, match="screen_patients"):
        joint_fit.fit_response_and_time(None, _first(), None, patients=400, screen_patients=400)  # type: ignore[arg-type]


def test_cold_rounds_pass_no_start(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _install(monkeypatch, coupling=0.2)
    joint_fit.fit_response_and_time(None, _first(), None, patients=400, rounds=3, warm=False)  # type: ignore[arg-type]
    assert calls and all(c["start"] is None for c in calls)
