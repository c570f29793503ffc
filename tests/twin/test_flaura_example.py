"""The FLAURA example trial is the twin, exported: potency from Robichaux et al. 2021, one path to the trial."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from oncoresist.model.load import load_scenario
from oncoresist.trial.engine_adapter import EngineModel
from oncoresist.trial.models import open_scenario
from oncoresist.trial.run import run_trial
from oncoresist.trial.spec import load_trial
from oncoresist.twin import build_twin
from oncoresist.twin.compare import compare_strategies
from oncoresist.twin.export import scenario_without_schedule_yaml
from oncoresist.twin.trial_export import trial_yaml

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "trials" / "flaura_egfr.yaml"
TSV = ROOT.parent / "shared" / "data" / "potency" / "robichaux2021_egfr" / "robichaux2021_fig2a_log10_ic50_ratio.tsv"
ARMS = ["continuous:erlotinib", "continuous:osimertinib"]


@pytest.fixture(scope="module")
def egfr(curated_kb):  # type: ignore[no-untyped-def]
    return build_twin(["EGFR L858R"], drugs="erlotinib,osimertinib", tumor="NSCLC", knowledge=curated_kb)


def _mean_log10(table: pd.DataFrame, mutation: str, drug: str) -> float:
    rows = table[(table["mutation"] == mutation) & (table["drug"] == drug)]
    assert len(rows) == 3  # triplicate
    return float(rows["log10_mutant_over_wt_ic50"].mean())


@pytest.mark.skipif(not TSV.is_file(), reason="the shared Robichaux table is not next to this checkout")
def test_example_scenario_takes_each_drugs_action_from_the_shared_table() -> None:
    table = pd.read_csv(TSV, sep="\t")
    spec = load_trial(EXAMPLE)
    scen = load_scenario(EXAMPLE.parent / str(spec.arms[0].scenario))
    drugs = {d.name: d for d in scen.drugs}
    # the sensitive clone's EC50 = IC50(L858R)/IC50(wild type), exposure 1 x wild-type IC50 (stated assumption)
    for drug in ("erlotinib", "osimertinib"):
        want = 10 ** _mean_log10(table, "L858R", drug.capitalize())
        assert float(drugs[drug].effect.ec50) == pytest.approx(want, rel=1e-3)
    types = {c.name: c for c in scen.cell_types}
    folds = {(c, m.drugs[0]): m.fold for c in types for m in types[c].modifiers if m.kind == "ec50_fold"}
    base = _mean_log10(table, "L858R", "Osimertinib")
    assert folds[("EGFR_C797S", "osimertinib")] == pytest.approx(
        10 ** (_mean_log10(table, "L858R/C797S", "Osimertinib") - base), rel=1e-3)
    assert folds[("EGFR_T790M", "osimertinib")] == pytest.approx(
        10 ** (_mean_log10(table, "L858R/T790M", "Osimertinib") - base), rel=1e-3)
    assert folds[("EGFR_T790M", "osimertinib")] < 1 < folds[("EGFR_T790M", "erlotinib")]


def test_example_trial_runs_the_twins_cohort_comparator_first() -> None:
    spec = load_trial(EXAMPLE)
    assert [a.name for a in spec.arms] == ["erlotinib", "osimertinib"] and spec.reference_arm == "erlotinib"
    assert [a.strategy.kind for a in spec.arms] == ["continuous", "continuous"]
    # the kill spread is the tumour's sensitivity (every drug's EC50), not a factor shared on every Emax
    assert spec.cohort.kill.dist == "fixed" and spec.cohort.sensitivity.dist == "lognormal"
    assert spec.cohort.sensitivity.sigma is not None and spec.cohort.sensitivity.sigma > 0
    header = EXAMPLE.read_text().split("\nname:")[0]
    assert "COMPARATOR ARM ONLY" in header and "PREDICTED" in header
    assert "unconfirmed" in (spec.monitor.imaging.schedule_source or "")


def test_one_tumour_sensitivity_hits_each_drug_through_its_own_ec50(egfr) -> None:  # type: ignore[no-untyped-def]
    # the same less-sensitive tumour (EC50 x 20) on each drug: osimertinib's smaller L858R/wild-type ratio
    # (Robichaux 2021) leaves it killing the sensitive clone where erlotinib no longer does
    handle = open_scenario(egfr.scenario.model_copy(update={"treatment": []}))
    left = {}
    for drug in ("erlotinib", "osimertinib"):
        m = EngineModel(handle, 2, {"sensitivity": np.array([1.0, 20.0])}, np.random.SeedSequence(1), [0, 1],
                        method="ode")
        m.set_dose(drug, np.array([1.0, 1.0]))
        m.advance(120.0)
        left[drug] = m.state[:, 0]
    assert left["osimertinib"][1] < 0.5 * left["erlotinib"][1]
    # a fully sensitive tumour: both drugs kill the sensitive clone within a factor of 2 of each other
    assert 0.5 < left["osimertinib"][0] / left["erlotinib"][0] < 2.0


def test_exported_trial_file_gives_the_twins_patients(egfr, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cohort = {"growth": {"dist": "lognormal", "median": 1.0, "sigma": 0.05},
              "sensitivity": {"dist": "lognormal", "median": 1.0, "sigma": 2.0}}
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "twin.yaml").write_text(scenario_without_schedule_yaml(egfr))
    text = trial_yaml(egfr, ARMS, cohort=cohort, scenario_file="scenarios/twin.yaml", patients=6,
                      follow_up_days=200, arm_names=["erl", "osi"])
    (tmp_path / "trial.yaml").write_text(text)
    assert yaml.safe_load(text)["reference_arm"] == "erl"
    run = run_trial(load_trial(tmp_path / "trial.yaml"), out_dir=None, seed=4)
    twin = compare_strategies(egfr, ARMS, patients=6, seed=4, cohort=cohort, follow_up_days=200).patients
    assert run.patients is not None and twin is not None
    cols = ["pfs_time", "pfs_event", "best_response", "param:sensitivity", "dominant_at_pfs"]
    pd.testing.assert_frame_equal(run.patients[cols].reset_index(drop=True), twin[cols].reset_index(drop=True))


def test_trial_yaml_refuses_mismatched_arm_names(egfr) -> None:  # type: ignore[no-untyped-def]
    from oncoresist.errors import InvalidArgument

    with pytest.raises(InvalidArgument, match=r"^arm_names: "):
        trial_yaml(egfr, ARMS, cohort=None, scenario_file="s.yaml", arm_names=["only-one"])
    data = yaml.safe_load(trial_yaml(egfr, ARMS, cohort=None, scenario_file="s.yaml"))
    assert data["reference_arm"] == "continuous:erlotinib"  # the first arm, the comparator
