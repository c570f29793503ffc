"""Trials on the ``leap`` engine give the same results as on ``tau``, by paired tests at a stated level.

Both runs hold the same patients (same seed: the cohort factors and the monitoring noise come from
the patients' own streams); only the engine's draws differ, so under agreement each patient's pair
of outcomes is exchangeable and the sign test (PFS) and McNemar's test (objective response,
T790M-dominant progression) are exact (``trial.agreement``). Family-wise alpha 0.05 per run
(Bonferroni over the run's tests). The power check runs the same tests on a cohort whose growth is
3% faster and must reject: agreement is not a test that cannot fail. The larger check (more
patients, more seeds, the twin's five strategies) is ``verification/leap_trials.py``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from oncoresist.trial.agreement import engine_agreement
from oncoresist.trial.run import run_trial
from oncoresist.trial.spec import load_trial, parse_trial
from oncoresist.twin import build_twin
from oncoresist.twin.compare import run_cohort

FLAURA = Path(__file__).resolve().parents[2] / "examples" / "trials" / "flaura_egfr.yaml"
ALPHA = 0.05


@pytest.fixture(scope="module")
def flaura_runs():  # type: ignore[no-untyped-def]
    spec = load_trial(FLAURA)
    return {e: run_trial(spec, out_dir=None, patients=150, seed=20261201, method=e).patients for e in ("tau", "leap")}


def test_flaura_example_agrees_on_leap_and_tau(flaura_runs) -> None:  # type: ignore[no-untyped-def]
    table = engine_agreement(flaura_runs["tau"], flaura_runs["leap"], cell_types=["EGFR_T790M"], alpha=ALPHA)
    assert len(table) == 6 and table["agree"].all(), table.to_string()
    pfs = table[table["statistic"].str.startswith("pfs")]
    # each engine's KM median inside the other's 95% CI
    assert ((pfs["value_b"] >= pfs["lower_a"]) & (pfs["value_b"] <= pfs["upper_a"])).all(), pfs.to_string()
    assert ((pfs["value_a"] >= pfs["lower_b"]) & (pfs["value_a"] <= pfs["upper_b"])).all(), pfs.to_string()
    # not vacuous: progressions, responses and T790M progressions happened
    erl = table[table["arm"] == "erlotinib"].set_index("statistic")
    assert erl.loc["objective response (McNemar)", "value_a"] > 0.3
    assert erl.loc["progression with EGFR_T790M dominant (McNemar)", "value_a"] > 0.1


def test_the_same_tests_reject_a_3_percent_faster_growth(flaura_runs, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import yaml

    data = yaml.safe_load(FLAURA.read_text())
    data["cohort"]["growth"]["median"] = 1.03
    faster = parse_trial(data, source="faster growth", base_dir=FLAURA.parent)
    other = run_trial(faster, out_dir=None, patients=150, seed=20261201, method="tau").patients
    table = engine_agreement(flaura_runs["tau"], other, cell_types=["EGFR_T790M"], alpha=ALPHA)
    pfs = table[table["statistic"].str.startswith("pfs")]
    assert not pfs["agree"].any(), pfs.to_string()
    assert (pfs["a_more"] > pfs["b_more"]).all()  # faster growth: earlier progression


def test_twin_cohort_agrees_on_leap_and_tau() -> None:
    build = build_twin(["EGFR L858R"], drugs="erlotinib,osimertinib", tumor="NSCLC")
    runs = {e: run_cohort(build, ["continuous", "sequential"], patients=150, seed=7, engine=e)
            for e in ("tau", "leap")}
    a, b = runs["tau"][0], runs["leap"][0]
    table = engine_agreement(a, b, cell_types=["EGFR_T790M"], time_columns=("pfs", "strategy_failure"),
                             alpha=ALPHA)
    assert table["agree"].all(), table.to_string()
    assert runs["leap"][2]["engine"] == "leap" and runs["tau"][2]["engine"] == "tau"
    assert a["pfs_event"].mean() > 0.5


def test_spec_engine_field_selects_the_engine_and_method_overrides_it() -> None:
    data = {"name": "t", "arms": [{"name": "a", "scenario": str(FLAURA.parent / "scenarios" / "egfr_l858r_twin.yaml"),
                                   "strategy": {"kind": "continuous", "drugs": ["erlotinib"]}}],
            "follow_up_days": 120, "engine": "leap"}
    spec = parse_trial(data, source="engine field")
    assert spec.engine == "leap"
    on_leap = run_trial(spec, out_dir=None, patients=6, seed=3)
    assert on_leap.record is not None and on_leap.record["method"] == "leap"
    explicit = run_trial(spec, out_dir=None, patients=6, seed=3, method="leap")
    assert on_leap.patients is not None and explicit.patients is not None
    assert on_leap.patients.equals(explicit.patients)
    on_tau = run_trial(spec, out_dir=None, patients=6, seed=3, method="tau")
    assert on_tau.record is not None and on_tau.record["method"] == "tau"
    assert parse_trial({k: v for k, v in data.items() if k != "engine"}, source="default").engine == "auto"


def test_spec_engine_field_refuses_an_unknown_engine() -> None:
    from oncoresist.trial.spec import TrialError

    data = {"name": "t", "arms": [{"name": "a", "scenario": "s.yaml",
                                   "strategy": {"kind": "continuous", "drugs": ["erlotinib"]}}], "engine": "fast"}
    with pytest.raises(TrialError, match=r"^bad engine: engine: .*'leap'"):
        parse_trial(data, source="bad engine")


def test_leap_trial_does_not_depend_on_the_batch_size() -> None:
    spec = load_trial(FLAURA)
    runs = [run_trial(spec, out_dir=None, patients=10, seed=99, batch_size=b, method="leap").patients for b in (3, 10)]
    assert runs[0] is not None and runs[1] is not None
    pd.testing.assert_frame_equal(runs[0], runs[1])
    assert runs[0]["pfs_event"].any()
