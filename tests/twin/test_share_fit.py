"""share10: the assumed routes' shares fitted by their joint binomial likelihood (``share_fit="likelihood"``)."""

from __future__ import annotations

import math

import pytest

from oncoresist.errors import InvalidArgument, OncoresistError
from oncoresist.twin.calibrate import ShareTarget, binomial_z, calibrate_twin, likelihood_targets


def _t(name: str, k: int, n: int | None, cell: str | None = None) -> ShareTarget:
    p = k / n if n else 0.2
    return ShareTarget(cell or name, f"{name}-series", "test", p, None, p if p > 0 else 0.5 / ((n or 0) + 1), n,
                       k if n else None)


def _ll(k: float, n: int, p: float) -> float:
    return k * math.log(p) + (n - k) * math.log(1 - p)


def test_single_share_reduces_to_the_point_fit() -> None:
    for k, n in ((3, 24), (98, 155), (4, 75)):
        a = _t("a", k, n)
        goal = likelihood_targets([a], {"a": 0.4, "rest": 0.6}, [], 400)
        assert goal["a"] == pytest.approx(k / n, abs=1e-5)
    # a published 0 aims at the point fit's continuity-corrected 0.5/(n+1)
    z = _t("z", 0, 88)
    assert likelihood_targets([z], {"z": 0.1}, [], 400)["z"] == pytest.approx(0.5 / 89, rel=1e-4)


def test_jointly_reachable_points_are_the_point_targets() -> None:
    fitted = [_t("erbb2", 3, 24), _t("met", 4, 75), _t("sclc", 4, 155)]
    goal = likelihood_targets(fitted, {"erbb2": 0.3, "met": 0.01, "sclc": 0.1}, [], 400)
    for t in fitted:
        assert goal[t.cell_type] == pytest.approx(t.published, abs=1e-4)


def test_unreachable_points_favour_the_larger_series() -> None:
    big, small = _t("big", 800, 1000), _t("small", 6, 10)  # 0.8 + 0.6 > 1: both cannot be met
    goal = likelihood_targets([big, small], {"big": 0.4, "small": 0.4}, [], 400)
    assert goal["big"] + goal["small"] <= 1.0 + 1e-9
    assert abs(goal["big"] - 0.8) < abs(goal["small"] - 0.6)
    assert goal["big"] > 0.7 and goal["small"] < 0.3
    # swapping the series' sizes swaps who gives way
    big2, small2 = _t("big", 8, 10), _t("small", 600, 1000)
    goal2 = likelihood_targets([big2, small2], {"big": 0.4, "small": 0.4}, [], 400)
    assert abs(goal2["small"] - 0.6) < abs(goal2["big"] - 0.8)


def test_equal_series_give_a_symmetric_compromise() -> None:
    a, b = _t("a", 70, 100), _t("b", 70, 100)
    goal = likelihood_targets([a, b], {"a": 0.2, "b": 0.5}, [], 400)
    assert goal["a"] == pytest.approx(goal["b"], abs=1e-4)
    assert goal["a"] + goal["b"] == pytest.approx(1 - 0.5 / 401, abs=1e-4)  # the others keep half a progression


def test_a_scored_held_out_share_pays_for_a_small_series_point() -> None:
    """Yu 2013's numbers: ERBB2 amplification 3/24 fitted, T790M 98/155 held out and scored at 50% (below its
    63%); under the local model the mass ERBB2 gives up goes to the others in proportion, so the likelihood target
    of ERBB2 lies below its point, and the joint log-likelihood there beats the point's."""
    erbb2, t790m = _t("erbb2", 3, 24), _t("t790m", 98, 155)
    shares = {"erbb2": 0.125, "t790m": 0.50}
    goal = likelihood_targets([erbb2], shares, [t790m], 400)
    assert goal["erbb2"] < 0.125 - 0.02
    rest0 = 1 - 0.125

    def joint(x: float) -> float:
        return _ll(3, 24, x) + _ll(98, 155, 0.50 * (1 - x) / rest0)

    assert joint(goal["erbb2"]) > joint(0.125) + 0.5
    for dx in (-0.01, 0.01):  # a local maximum of the stated objective
        assert joint(goal["erbb2"]) >= joint(goal["erbb2"] + dx)
    # a larger fitted series resists more: 30/240 moves less from its point than 3/24
    goal_big = likelihood_targets([_t("erbb2", 30, 240)], shares, [t790m], 400)
    assert 0.125 - goal_big["erbb2"] < 0.125 - goal["erbb2"]
    # a scored share already at its published point asks nothing of the fitted one
    at_point = likelihood_targets([erbb2], {"erbb2": 0.125, "t790m": 98 / 155}, [t790m], 400)
    assert at_point["erbb2"] == pytest.approx(0.125, abs=2e-3)


def test_a_share_without_n_keeps_its_point() -> None:
    a, b = _t("a", 3, 24), _t("b", 0, None)
    goal = likelihood_targets([a, b], {"a": 0.1, "b": 0.1}, [], 400)
    assert goal["b"] == b.target and goal["a"] == pytest.approx(0.125, abs=1e-4)
    with pytest.raises(OncoresistError, match="score: the share of b"):
        likelihood_targets([a], {"a": 0.1, "b": 0.1}, [b], 400)


def test_reported_counts_are_the_binomial_k() -> None:
    # Yu 2013's ERBB2 amplification is stored as 13% of 24 with n_positive 3: the likelihood aims at 3/24
    t = ShareTarget("erbb2", "yu", "test", 0.13, None, 0.13, 24, 3)
    assert t.count == 3
    assert likelihood_targets([t], {"erbb2": 0.3}, [], 400)["erbb2"] == pytest.approx(0.125, abs=1e-5)
    assert ShareTarget("x", "s", "test", 0.13, None, 0.13, 24).count == pytest.approx(0.13 * 24)


def test_binomial_z() -> None:
    t = _t("t790m", 98, 155)
    assert binomial_z(98 / 155, t) == pytest.approx(0.0)
    p = 0.5
    assert binomial_z(p, t) == pytest.approx((p - 98 / 155) / math.sqrt(p * (1 - p) / 155))
    assert binomial_z(0.7, t) > 0 > binomial_z(0.5, t)  # type: ignore[operator]
    assert binomial_z(0.3, _t("x", 2, None)) is None


@pytest.fixture(scope="module")
def egfr(curated_kb):  # type: ignore[no-untyped-def]
    from oncoresist.twin import build_twin

    return build_twin(["EGFR L858R"], drugs="erlotinib,osimertinib", tumor="NSCLC", knowledge=curated_kb)


def test_bad_share_fit_and_score_are_one_line_errors(egfr) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidArgument, match=r"^share_fit: 'joint' is not one of point, likelihood$"):
        calibrate_twin(egfr, patients=10, seed=0, share_fit="joint")
    with pytest.raises(InvalidArgument, match=r"score: .*share_fit='likelihood'"):
        calibrate_twin(egfr, patients=10, seed=0, share_fit="point", score=("EGFR_T790M",))
    with pytest.raises(InvalidArgument, match=r"score: 'EGFR_C797S' has no held-out published share.*EGFR_T790M"):
        calibrate_twin(egfr, patients=10, seed=0, share_fit="likelihood", score=("EGFR_C797S",))


def test_likelihood_fit_scores_t790m_and_reports_z(egfr) -> None:  # type: ignore[no-untyped-def]
    """On the FLAURA twin (small cohort, few steps): T790M enters the likelihood, the fitted routes aim at the
    likelihood targets (not all at their points), and every share with n is reported with its z-score."""
    cal = calibrate_twin(egfr, patients=120, seed=0, iterations=2, share_fit="likelihood", score=("EGFR_T790M",),
                         time_scale=False)
    assert cal.share_fit == "likelihood" and [t.cell_type for t in cal.scored] == ["EGFR_T790M"]
    assert set(cal.goals) == {t.cell_type for t in cal.fitted}
    assert all(f"target:{c}" in cal.history[-1] for c in cal.goals) and "EGFR_T790M" in cal.history[-1]
    rows = {r["cell_type"]: r for r in cal.share_fit_table()}
    assert rows["EGFR_T790M"]["role"].startswith("scored") and rows["EGFR_T790M"]["n"] == 155
    assert rows["ERBB2_amplification"]["k"] == pytest.approx(3) and rows["ERBB2_amplification"]["n"] == 24
    for r in rows.values():
        t = next(x for x in [*cal.fitted, *cal.held_out] if x.cell_type == r["cell_type"])
        assert r["z"] == pytest.approx(binomial_z(cal.shares[r["cell_type"]], t), abs=0.01)
    src = cal.build.origin("transitions.sensitive->ERBB2_amplification.probability").source
    assert "joint binomial likelihood" in src and "yu2013-egfr-t790m 98/155" in src
    # the point fit on the same patients records no likelihood targets and no scored share
    point = calibrate_twin(egfr, patients=120, seed=0, iterations=0, time_scale=False, share_fit="point")
    assert point.share_fit == "point" and not point.scored
    assert point.goals == {t.cell_type: t.target for t in point.fitted}


def test_joint_fit_passes_the_share_fit_and_scores_its_mechanism(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every calibration of the joint fit gets ``share_fit``; with the likelihood and a mechanism target, the
    mechanism's share is scored in each calibration (``score``); with the point fit it is not."""
    from types import SimpleNamespace
    from typing import Any

    from oncoresist.twin import joint_fit
    from oncoresist.twin.mechanism_target import MechanismTarget
    from oncoresist.twin.spread import SpreadFit

    calls: list[dict[str, Any]] = []

    def calibrate(build: Any, *, cohort: Any, start: Any = None, **kw: Any) -> Any:
        calls.append(kw)
        return SimpleNamespace(build=SimpleNamespace(), converged=True, growth_factor=1.0, median_months=10.0,
                               objective_response=0.7, iterations=0, patients=kw["patients"],
                               shares={"EGFR_T790M": 0.6})

    def fit_spread(build: Any, variation: Any, **kw: Any) -> SpreadFit:
        return SpreadFit(0.5, 0.7, 0.7, "t", "test", True, kw["patients"], {}, {"k": 0.5}, None,  # type: ignore[arg-type]
                         [(0.5, 0.7)])

    monkeypatch.setattr(joint_fit, "fit_spread_to_response", fit_spread)
    monkeypatch.setattr(joint_fit, "calibrate_twin", calibrate)
    monkeypatch.setattr(joint_fit, "spread_cohort", lambda build, variation, k, **kw: {"k": k})
    monkeypatch.setattr(joint_fit, "scale_variation", lambda variation, k: variation)
    monkeypatch.setattr(joint_fit, "with_preexisting", lambda cohort, build: dict(cohort))
    first = SimpleNamespace(build=SimpleNamespace(), converged=True, growth_factor=1.0, median_months=10.0)
    mech = MechanismTarget("EGFR_T790M", 98, 155, "yu2013", 211, 278)
    joint_fit.fit_response_and_time(None, first, None, patients=400, rounds=1, share_fit="likelihood",  # type: ignore[arg-type]
                                    mechanism=mech)
    assert calls and all(c["share_fit"] == "likelihood" and c["score"] == ("EGFR_T790M",) for c in calls)
    calls.clear()
    joint_fit.fit_response_and_time(None, first, None, patients=400, rounds=1, share_fit="point",  # type: ignore[arg-type]
                                    mechanism=mech)
    assert calls and all(c["share_fit"] == "point" and "score" not in c for c in calls)
    calls.clear()  # the default since the final10 pass: the likelihood, the mechanism scored
    joint_fit.fit_response_and_time(None, first, None, patients=400, rounds=1, mechanism=mech)  # type: ignore[arg-type]
    assert calls and all(c["share_fit"] == "likelihood" and c["score"] == ("EGFR_T790M",) for c in calls)
    with pytest.raises(OncoresistError, match=r"^share_fit: 'joint' is not one of point, likelihood$"):
        joint_fit.fit_response_and_time(None, first, None, patients=400, share_fit="joint")  # type: ignore[arg-type]
