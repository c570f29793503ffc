"""The joint fit of the comparator's response and median: iterate to a fixed point, or say it did not converge.

The spread fit, the calibration and the response measurement are replaced by a small model in which the
response the FINAL cohort gives depends on the growth factor the calibration picks after the spread fit (the
drift the flaura4 pass found), so the loop's logic is tested without simulating cohorts."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from oncoresist.errors import OncoresistError
from oncoresist.twin import joint_fit


def _install(monkeypatch: pytest.MonkeyPatch, *, coupling: float, reachable: bool = True) -> list[float]:
    """Response = 1 - k - coupling * (g - 1); the spread fit picks k for the twin's current g; the calibration
    picks g = 1 + 2k (a wider spread needs faster growth to keep the median). Returns the calls' g values."""
    calls: list[float] = []
    target = 0.7

    def orr(k: float, g: float) -> float:
        return max(0.0, 1.0 - k - coupling * (g - 1.0))

    def fit_spread(build: Any, variation: Any, **kw: Any) -> Any:
        g = build.g
        k = max(0.0, 1.0 - target - coupling * (g - 1.0))  # solves orr(k, g) = target at the CURRENT g
        return SimpleNamespace(factor=k, objective_response=orr(k, g), target=target, cohort={"k": k})

    def calibrate(build: Any, *, cohort: Any, **kw: Any) -> Any:
        g = 1.0 + 2.0 * cohort["k"]
        calls.append(g)
        return SimpleNamespace(build=SimpleNamespace(g=g), converged=reachable, growth_factor=g, median_months=10.0)

    def response(build: Any, cohort: Any, **kw: Any) -> float:
        return orr(cohort["k"], build.g)

    monkeypatch.setattr(joint_fit, "fit_spread_to_response", fit_spread)
    monkeypatch.setattr(joint_fit, "calibrate_twin", calibrate)
    monkeypatch.setattr(joint_fit, "objective_response", response)
    monkeypatch.setattr(joint_fit, "with_preexisting", lambda cohort, build: dict(cohort))
    return calls


def _first() -> Any:
    return SimpleNamespace(build=SimpleNamespace(g=1.0), converged=True, growth_factor=1.0, median_months=10.0)


def test_one_pass_drifts_and_the_fixed_point_removes_the_drift(monkeypatch: pytest.MonkeyPatch) -> None:
    _install(monkeypatch, coupling=0.2)
    with pytest.warns(UserWarning, match="could not be fitted together"):
        one = joint_fit.fit_response_and_time(None, _first(), None, patients=400, rounds=1)  # type: ignore[arg-type]
    # the old pipeline: the spread fit hits 0.7 but the recalibrated twin's final cohort does not
    assert one.spread.objective_response == pytest.approx(0.7)
    assert abs(one.objective_response - 0.7) > one.tolerance and not one.converged
    many = joint_fit.fit_response_and_time(None, _first(), None, patients=400, rounds=8)  # type: ignore[arg-type]
    assert many.converged
    assert abs(many.objective_response - 0.7) <= many.tolerance
    assert len(many.rounds) > 1


def test_not_converged_is_said(monkeypatch: pytest.MonkeyPatch) -> None:
    _install(monkeypatch, coupling=0.2, reachable=False)  # the median never converges
    with pytest.warns(UserWarning, match="NOT converged"):
        out = joint_fit.fit_response_and_time(None, _first(), None, patients=400, rounds=3)  # type: ignore[arg-type]
    assert not out.converged and len(out.rounds) == 3
    assert out.to_dict()["converged"] is False


def test_rounds_must_be_positive() -> None:
    with pytest.raises(OncoresistError, match="rounds"):
        joint_fit.fit_response_and_time(None, _first(), None, rounds=0)  # type: ignore[arg-type]
