"""The Bozic et al. 2013 protocol files (eLife 2:e00747, DOI 10.7554/eLife.00747) at a small M.

examples/scenarios/bozic_dual.yaml and bozic_sequential.yaml are run as they are, except for the
detection size M and the mutation probabilities: M = 1e4 instead of 1e9, with u = 1/M so that
M·u·n12 = 1 as in the paper (M = 1e9, u = 1e-9, n12 = 1), and the single-drug rates n1·u = n2·u =
5e-8 unchanged. Eq. (1) (verification/verify.py, BozicTwoDrug.p_erad, written from the paper) then
predicts P(failure) = 1 − p_erad at each lesion's own size when detected (the daily check
overshoots M by about 1%). Lesions whose founding lineage dies out are never detected and are not
counted, as in the paper. Exact binomial tests, family-wise α = 0.01 over the two tests.

Single-drug therapy (the first line of the sequential protocol) is eq. (1) for a "drug" that only
the n1 + n12 mutations escape (n1 = n2 = 0, n12 → n1 + n12): R2 cells are sensitive to drug 1 and
mutate towards drug-1 resistance at the same (n1 + n12)·u per division as S, so S and R2 lump.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from tests.engine.stats import assert_proportion

from oncoresist.engine import Simulator
from oncoresist.engine.triggers import TriggerRunner

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("oncoresist_verify", ROOT / "verification" / "verify.py")
assert _spec is not None and _spec.loader is not None
verify = sys.modules.get("oncoresist_verify") or importlib.util.module_from_spec(_spec)
if "oncoresist_verify" not in sys.modules:
    sys.modules["oncoresist_verify"] = verify
    _spec.loader.exec_module(verify)

M = 1e4
U = 1.0 / M
N1 = 5e-8 / U  # n1·u = 5e-8 per division, as in the paper (50 × 1e-9)
N_LINEAGES = 4000  # about 6.5% reach M (survival s = 1 − d/b = 1/14)
T_END = 3500.0  # days: detection at ~700 days, regrowth of a resistant lineage to M ~700 more
TESTS = 2


class Small(verify.BozicTwoDrug):  # type: ignore[misc, name-defined]
    U, N1, N2 = U, N1, N1


class FirstLine(verify.BozicTwoDrug):  # type: ignore[misc, name-defined]
    """Drug 1 alone: eq. (1) with n1 = n2 = 0 and one "mutation" at rate (n1 + n12)·u."""

    U, N1, N2 = U * (N1 + 1), 0.0, 0.0


def small(name: str) -> dict[str, Any]:
    sc = yaml.safe_load((ROOT / "examples" / "scenarios" / name).read_text())
    for trig in sc["triggers"]:
        when = trig["when"]
        assert float(when.get("threshold", when.get("size"))) == 1e9  # the file's M, replaced here
        when["threshold" if when["kind"] == "crossing" else "size"] = M
    prob = {("S", "R1"): N1 * U, ("S", "R2"): N1 * U, ("S", "R12"): U,
            ("R1", "R12"): (N1 + 1) * U, ("R2", "R12"): (N1 + 1) * U}
    for tr in sc["transitions"]:
        tr["probability"] = prob[(tr["source"], tr["target"])]
    # a lesion that was mostly resistant when detected never falls below M, so it never "relapses"
    # to M; stop it once it has clearly failed (100·M) rather than grow it to the population ceiling
    sc["triggers"].append({"name": "overgrown", "when": {"kind": "crossing", "direction": "up",
                                                         "threshold": 100 * M}, "stop": True})
    return sc


def run(name: str, seed: int) -> tuple[Simulator, TriggerRunner]:
    sim = Simulator(small(name), engine="tau", n_replicates=N_LINEAGES, seed=seed, times=[0.0, T_END], n_threads=1)
    runner = TriggerRunner(sim)
    runner.advance(T_END)
    return sim, runner


@pytest.mark.slow
def test_dual_therapy_failure_matches_bozic_eq1() -> None:
    sim, r = run("bozic_dual.yaml", seed=2013)
    detected = r.n_fired[:, 0] > 0
    n = int(detected.sum())
    assert n > 150
    assert np.all(r.first_measure[detected, 0] >= M) and np.all(r.first_measure[detected, 0] < 1.1 * M)
    # failure: regrown to M under both drugs (or a dual-resistant lineage of >= 100 cells still growing)
    failed = (r.n_fired[:, 1] > 0) | (r.n_fired[:, 2] > 0) | (sim.state[:, 3] >= 100)
    predicted = float(np.mean([1 - Small.p_erad(m, 1) for m in r.first_measure[detected, 0]]))
    assert 0.73 < predicted < 0.75
    assert_proportion(int(failed[detected].sum()), n, predicted, TESTS)
    # both drugs are given from detection on (a stopped replicate keeps its last exposure)
    exposure = sim.result().concentrations[:, -1]
    assert np.all(exposure[detected] == 1.0) and np.all(exposure[~detected] == 0.0)


@pytest.mark.slow
def test_sequential_first_line_fails_as_single_drug_eq1_and_switches_to_drug_2() -> None:
    sim, r = run("bozic_sequential.yaml", seed=2014)
    detected = r.n_fired[:, 0] > 0
    n = int(detected.sum())
    assert n > 150
    second = r.n_fired[:, 1] > 0
    resistant_to_1 = sim.state[:, 1] + sim.state[:, 3]
    failed_first = second | (r.n_fired[:, 3] > 0) | (resistant_to_1 >= 100)
    predicted = float(np.mean([1 - FirstLine.p_erad(m, 1) for m in r.first_measure[detected, 0]]))
    assert_proportion(int(failed_first[detected].sum()), n, predicted, TESTS)
    # the switch: lesions past the second line ended on drug 2 alone, the others on drug 1 alone
    exposure = sim.result().concentrations[:, -1]
    assert second.any() and np.all(exposure[second] == [0.0, 1.0])
    assert np.all(exposure[detected & ~second] == [1.0, 0.0])
    assert np.all(r.first_time[second, 1] > r.first_time[second, 0])
    # third trigger only after the second
    third = r.n_fired[:, 2] > 0
    assert np.all(second[third])

