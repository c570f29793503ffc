"""benchmarks/final10_rule.py: the sampling-aware comparator rule (docs/trials.md, final10 pass)."""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _rule(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))  # its sibling imports (rho_rule, supply_rule, t790m10_rule)
    spec = importlib.util.spec_from_file_location("final10_rule", ROOT / "benchmarks" / "final10_rule.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _run(seed: int, rho: float, orr: float, t790m: float, med: list[float], converged: bool = True,
         erbb2: float = 0.12, fitted: bool = True) -> dict[str, Any]:
    run: dict[str, Any] = {
        "seed": seed, "calibration_seed": 0, "patients_per_arm": 300, "measured_preexisting": True,
        "share_fit": "likelihood", "route_correlation": rho, "calibration_converged": converged,
        "erlotinib_median_months": {"model": med},
        "objective_response": {"continuous:erlotinib": {"model": orr}},
        "acquired_resistance_shares": {"continuous:erlotinib": {"EGFR_T790M": t790m, "sensitive": 0.2}},
        # osimertinib / AURA3 quantities that must not matter
        "osimertinib_median_months": {"model": [99.0, 1.0, 2.0]}, "hazard_ratio": {"model": [0.01, 0.0, 1.0]}}
    if fitted:
        run["fitted_shares"] = [
            {"cell_type": "ERBB2_amplification", "role": "fitted", "k": 3.0, "n": 24, "erlotinib_arm": erbb2},
            {"cell_type": "PIK3CA_mutation", "role": "fitted", "k": 0.0, "n": 88, "erlotinib_arm": 0.0},
            {"cell_type": "EGFR_T790M", "role": "scored", "k": 98.0, "n": 155, "erlotinib_arm": t790m}]
    return run


def test_wilson_interval_and_binomial_edges(monkeypatch: pytest.MonkeyPatch) -> None:
    r = _rule(monkeypatch)
    lo, hi = r.wilson(228, 300)  # 76%: hand-computed 0.7086-0.8049
    assert lo == pytest.approx(0.7086, abs=2e-4) and hi == pytest.approx(0.8049, abs=2e-4)
    assert r.wilson(234, 300)[0] < 0.76 < r.wilson(240, 300)[1]  # 78% and 80% cover 76%
    assert r.wilson(243, 300)[0] > 0.76  # 81% does not
    assert r.binomial_ll(0, 88, 0.0) == 0.0 and r.binomial_ll(3, 24, 0.0) == -math.inf
    assert r.binomial_ll(3, 24, 0.125) == pytest.approx(math.log(math.comb(24, 3) * 0.125**3 * 0.875**21))


def test_each_criterion_can_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    r = _rule(monkeypatch)
    good = r.row(_run(14, 1.0, 0.79, 0.60, [9.0, 8.0, 10.5]))
    assert r.passes(good)  # 79% ORR: outside t790m10's 73.9-78.1 band, inside the Wilson rule
    assert r.criteria(r.row(_run(14, 1.0, 0.79, 0.60, [9.0, 8.0, 10.5], converged=False))) == {
        "converged": False, "median_ci": True, "orr_wilson": True, "t790m_yu": True}
    assert not r.criteria(r.row(_run(14, 1.0, 0.79, 0.60, [8.4, 7.1, 9.8])))["median_ci"]
    assert not r.criteria(r.row(_run(14, 1.0, 0.82, 0.60, [9.0, 8.0, 10.5])))["orr_wilson"]
    assert not r.criteria(r.row(_run(14, 1.0, 0.70, 0.60, [9.0, 8.0, 10.5])))["orr_wilson"]
    assert not r.criteria(r.row(_run(14, 1.0, 0.79, 0.52, [9.0, 8.0, 10.5])))["t790m_yu"]


def test_select_admissible_likeliest_ties_to_larger_rho(monkeypatch: pytest.MonkeyPatch) -> None:
    r = _rule(monkeypatch)
    ok = [9.5, 8.3, 11.0]
    # rho 1: 2 of 3 pass, ERBB2 on the erlotinib arm far from 3/24; rho 0.5: 3 of 3 pass, ERBB2 at 3/24
    rows = [r.row(_run(s, 1.0, 0.77, 0.62, ok, erbb2=0.02)) for s in (14, 15)]
    rows += [r.row(_run(16, 1.0, 0.77, 0.40, ok))]
    rows += [r.row(_run(s, 0.5, 0.77, 0.62, ok, erbb2=0.125)) for s in (14, 15, 16)]
    rows += [r.row(_run(s, 0.25, 0.76, 0.63, ok, converged=s == 14)) for s in (14, 15, 16)]  # 1 of 3: out
    best, table = r.select(rows)
    assert table[(True, "likelihood", 1.0)]["passed"] == 2 and table[(True, "likelihood", 0.25)]["passed"] == 1
    assert best == (True, "likelihood", 0.5)
    # the fitted share's counts enter the score: the two rows differ only in ERBB2 on the erlotinib arm
    assert r.log_likelihood(rows[0]) < r.log_likelihood(rows[3])
    # equal scores: the larger rho
    tie = [r.row(_run(s, rho, 0.77, 0.62, ok)) for rho in (0.5, 0.75) for s in (14, 15, 16)]
    assert r.select(tie)[0] == (True, "likelihood", 0.75)
    assert r.select([r.row(_run(14, 1.0, 0.9, 0.3, ok))])[0] is None


def test_main_refuses_mixed_sets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    r = _rule(monkeypatch)
    a, b = tmp_path / "a.out", tmp_path / "b.out"
    a.write_text("text\n" + json.dumps(_run(14, 1.0, 0.77, 0.62, [9.5, 8.3, 11.0])) + "\n", encoding="utf-8")
    b.write_text(json.dumps(_run(15, 1.0, 0.77, 0.62, [9.5, 8.3, 11.0], fitted=False)) + "\n", encoding="utf-8")
    assert r.main([str(a)]) == 0
    assert '"selected": null' in capsys.readouterr().out  # one seed passing is not 2 of 3
    assert r.main([str(a), str(b)]) == 2
    assert "fitted_shares" in capsys.readouterr().err
    assert r.main([]) == 2
