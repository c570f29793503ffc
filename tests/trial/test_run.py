import os
import shutil

import numpy as np
import pandas as pd
import pytest

from oncoresist.trial.run import load_results, run_trial
from oncoresist.trial.spec import TrialError, load_trial


def _patients(out):
    p, _, _ = load_results(out)
    return p.drop(columns=[]).reset_index(drop=True)


def test_same_seed_same_results_whatever_the_batch_size(zhang_trial, tmp_path):
    spec = load_trial(zhang_trial)
    run_trial(spec, out_dir=tmp_path / "a", seed=11, batch_size=10)
    run_trial(spec, out_dir=tmp_path / "b", seed=11, batch_size=3)
    a, b = _patients(tmp_path / "a"), _patients(tmp_path / "b")
    pd.testing.assert_frame_equal(a, b)
    assert len(a) == 20 and a["param:growth"].nunique() == 20
    run_trial(spec, out_dir=tmp_path / "c", seed=12, batch_size=10)
    assert not np.allclose(_patients(tmp_path / "c")["param:growth"], a["param:growth"])


def test_killed_run_resumes_without_losing_patients(zhang_trial, tmp_path):
    spec = load_trial(zhang_trial)
    full = tmp_path / "full"
    run_trial(spec, out_dir=full, seed=5, batch_size=4)
    ref = _patients(full)
    # simulate a kill: some batches never written, a temporary file left behind
    part = tmp_path / "part"
    shutil.copytree(full, part)
    files = sorted((part / "patients").glob("*.parquet"))
    for f in files[1::2]:
        f.unlink()
    (part / "patients" / ".arm-00-batch-000001.parquet.123.tmp").write_bytes(b"partial")
    calls = []
    run = run_trial(spec, out_dir=part, batch_size=4, progress=lambda d, t: calls.append((d, t)))
    assert run.n_resumed == len(files) - len(files[1::2])
    assert calls[-1] == (20, 20)
    pd.testing.assert_frame_equal(_patients(part), ref)
    assert not list((part / "patients").glob(".*"))
    with pytest.raises(TrialError, match=r"^batch_size: .*\(batch_size 4 there, 5 now\)"):
        run_trial(spec, out_dir=part, batch_size=5)


def test_dask_localcluster_matches_local(zhang_trial, tmp_path):
    spec = load_trial(zhang_trial)
    run_trial(spec, out_dir=tmp_path / "local", seed=21, batch_size=10)
    run_trial(spec, out_dir=tmp_path / "dask", seed=21, batch_size=4, backend="dask", workers=2)
    pd.testing.assert_frame_equal(_patients(tmp_path / "local"), _patients(tmp_path / "dask"))
    assert not list((tmp_path / "dask" / "patients").glob(".*tmp"))
    assert os.path.isfile(tmp_path / "dask" / "run.json")


def test_medians_not_reached_are_written_nr() -> None:
    from oncoresist.report.trial import months

    assert months(float("inf")) == "NR"
    assert months(float("nan")) == "NR"
    assert months(14.66) == "14.7"


# --- seeds in every form, resumable exactly (issue 14, "Seeds") ---------------------------------

def _drop_half(out):
    files = sorted((out / "patients").glob("*.parquet"))
    for f in files[1::2]:
        f.unlink()
    return len(files[1::2])


def test_generator_seed_runs_records_and_resumes(zhang_trial, tmp_path):
    """Before: the whole trial ran and was written, then ``int(root.entropy)`` raised TypeError."""
    import json

    from oncoresist.random import seed_from_record

    spec = load_trial(zhang_trial)
    run = run_trial(spec, out_dir=tmp_path / "g", seed=np.random.default_rng(7), batch_size=4)
    assert isinstance(run.seed_entropy, list) and len(run.seed_entropy) == 4
    again = run_trial(spec, out_dir=tmp_path / "g2", seed=np.random.default_rng(7), batch_size=4)
    pd.testing.assert_frame_equal(_patients(tmp_path / "g"), _patients(tmp_path / "g2"))
    assert again.seed == run.seed
    recorded = json.loads((tmp_path / "g" / "run.json").read_text())["seed"]
    assert seed_from_record(recorded).entropy == seed_from_record(run.seed).entropy
    ref = _patients(tmp_path / "g")
    assert _drop_half(tmp_path / "g") > 0
    run_trial(spec, out_dir=tmp_path / "g", batch_size=4)  # seed=None: the recorded seed
    pd.testing.assert_frame_equal(_patients(tmp_path / "g"), ref)


def test_spawned_seed_resumes(zhang_trial, tmp_path):
    """Before: resuming failed with "seed differs: spawn_key [0] vs []"."""
    spec = load_trial(zhang_trial)
    child = np.random.SeedSequence(7).spawn(1)[0]
    out = tmp_path / "s"
    run_trial(spec, out_dir=out, seed=child, batch_size=4)
    ref = _patients(out)
    _drop_half(out)
    run_trial(spec, out_dir=out, seed=np.random.SeedSequence(7).spawn(1)[0], batch_size=4)
    pd.testing.assert_frame_equal(_patients(out), ref)
    _drop_half(out)
    run_trial(spec, out_dir=out, batch_size=4)
    pd.testing.assert_frame_equal(_patients(out), ref)
    # the spawned child is a different stream from its root
    run_trial(spec, out_dir=tmp_path / "root", seed=np.random.SeedSequence(7), batch_size=4)
    assert not np.allclose(_patients(tmp_path / "root")["param:growth"], ref["param:growth"])
    _drop_half(out)
    with pytest.raises(TrialError, match=r"^seed: .* \(seed 7 \(spawn key \[0\]\) there, 8 now\)") as err:
        run_trial(spec, out_dir=out, seed=8, batch_size=4)
    assert err.value.param == "seed" and "{" not in str(err.value)


def test_int_and_seed_sequence_give_the_same_trial(zhang_trial, tmp_path):
    spec = load_trial(zhang_trial)
    run_trial(spec, out_dir=tmp_path / "i", seed=3, batch_size=10)
    run_trial(spec, out_dir=tmp_path / "q", seed=np.random.SeedSequence(3), batch_size=7)
    pd.testing.assert_frame_equal(_patients(tmp_path / "i"), _patients(tmp_path / "q"))


def test_trial_run_pickles(zhang_trial, tmp_path):
    import pickle

    run = run_trial(load_trial(zhang_trial), out_dir=tmp_path / "p", seed=2, batch_size=10)
    assert pickle.loads(pickle.dumps(run)) == run


# --- outputs that never block or lie (issue 14, "Outputs") --------------------------------------

def test_bad_arguments_write_nothing_and_name_the_parameter(zhang_trial, tmp_path):
    from oncoresist.errors import InvalidArgument, OutputError

    spec = load_trial(zhang_trial)
    out = tmp_path / "o"
    for kwargs, param in [({"method": "foo"}, "method"), ({"patients": 0}, "patients"),
                          ({"batch_size": 0}, "batch_size"), ({"backend": "spark"}, "backend"),
                          ({"seed": -2}, "seed")]:
        with pytest.raises(InvalidArgument, match=rf"^{param}: "):
            run_trial(spec, out_dir=out, **kwargs)
        assert not out.exists()
    f = tmp_path / "file.parquet"
    f.write_bytes(b"keep")
    with pytest.raises(OutputError, match=r"^out_dir: .*not a folder"):
        run_trial(spec, out_dir=f)
    assert f.read_bytes() == b"keep"


def test_failed_start_never_blocks_the_corrected_rerun(zhang_trial, tmp_path):
    """Before: a misspelt drug left a directory whose run.json then refused the corrected run."""
    import yaml

    data = yaml.safe_load(zhang_trial.read_text())
    data["arms"][0]["strategy"]["drugs"] = ["abirateron"]
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data))
    out = tmp_path / "o"
    with pytest.raises(TrialError, match=r"^arms\.0\.strategy: .*abirateron"):
        run_trial(load_trial(bad), out_dir=out, seed=1)
    assert not out.exists()
    # a start killed before its first batch (run.json written, no batch) does not block either
    out.mkdir()
    (out / "patients").mkdir()
    (out / "run.json").write_text('{"patients_per_arm": 99, "seed": {"entropy": "5", "spawn_key": []}}')
    run = run_trial(load_trial(zhang_trial), out_dir=out, seed=1, batch_size=10)
    assert run.n_resumed == 0 and len(_patients(out)) == 20


def test_ctrl_c_keeps_a_labelled_resumable_partial_run(zhang_trial, tmp_path, monkeypatch):
    """Before: "no output was written" while finished batches remained on disk."""
    import json

    import oncoresist.trial.run as run_mod
    from oncoresist.trial.run import TrialInterrupted

    spec = load_trial(zhang_trial)
    run_trial(spec, out_dir=tmp_path / "ref", seed=9, batch_size=4)
    ref = _patients(tmp_path / "ref")
    real = run_mod.simulate_batch
    calls = {"n": 0}

    def flaky(job):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(job)

    monkeypatch.setattr(run_mod, "simulate_batch", flaky)
    out = tmp_path / "part"
    with pytest.raises(TrialInterrupted, match=r"2 of 6 batches .* partial run"):
        run_trial(spec, out_dir=out, seed=9, batch_size=4)
    assert json.loads((out / "run.json").read_text())["status"] == "partial"
    with pytest.raises(TrialError, match="partial run"):
        load_results(out)
    monkeypatch.setattr(run_mod, "simulate_batch", real)
    resumed = run_trial(spec, out_dir=out, batch_size=4)
    assert resumed.n_resumed == 2
    assert json.loads((out / "run.json").read_text())["status"] == "complete"
    pd.testing.assert_frame_equal(_patients(out), ref)


def test_ctrl_c_before_the_first_batch_leaves_nothing(zhang_trial, tmp_path, monkeypatch):
    import oncoresist.trial.run as run_mod
    from oncoresist.trial.run import TrialInterrupted

    def stop(job):
        raise KeyboardInterrupt

    monkeypatch.setattr(run_mod, "simulate_batch", stop)
    out = tmp_path / "none"
    with pytest.raises(TrialInterrupted, match="nothing was written"):
        run_trial(load_trial(zhang_trial), out_dir=out, seed=1)
    assert not out.exists()


def test_simulate_batch_has_no_silent_default_seed(zhang_trial):
    """Before: a BatchJob without an engine root silently used SeedSequence(0)."""
    import dataclasses

    from oncoresist.errors import InvalidArgument
    from oncoresist.trial.models import open_scenario
    from oncoresist.trial.run import _jobs
    from oncoresist.trial.simulate import simulate_batch

    spec = load_trial(zhang_trial)
    scenarios = [open_scenario(spec.scenario_path(a)) for a in spec.arms]
    _, _, job = next(_jobs(spec, scenarios, 4, np.random.SeedSequence(1), 4, set(), 0, "auto"))
    with pytest.raises(InvalidArgument, match=r"^engine_root: "):
        simulate_batch(dataclasses.replace(job, engine_root=None))


def test_rerun_refusal_names_the_setting_and_run_json_records_resolved_scenarios(zhang_trial, tmp_path,
                                                                                 monkeypatch):
    """Before: 'out_dir: … (seed differs: {'entropy': '1', …} vs {…})' with no field set, and run.json held the
    scenario paths as given (relative to the working folder) with no knowledge version."""
    import json

    import yaml

    data = yaml.safe_load(zhang_trial.read_text())
    scen_dir = tmp_path / "scen"
    scen_dir.mkdir()
    src = (zhang_trial.parents[0] / data["arms"][0]["scenario"]).read_text()
    (scen_dir / "twin.yaml").write_text("# Scenario built by `oncoresist twin` from: X\n"
                                        "# Knowledge version curated:abc, oncoresist 0.1.0. Research use only.\n"
                                        + src)
    (scen_dir / "hand.yaml").write_text(src)
    data["arms"][0]["scenario"] = "scen/twin.yaml"
    data["arms"][1]["scenario"] = "scen/hand.yaml"
    trial = tmp_path / "rel.yaml"
    trial.write_text(yaml.safe_dump(data))
    monkeypatch.chdir(tmp_path)
    spec = load_trial("rel.yaml")
    out = tmp_path / "r"
    run_trial(spec, out_dir=out, seed=1, batch_size=10, patients=4)
    meta = json.loads((out / "run.json").read_text())
    assert meta["scenarios"] == [str(scen_dir / "twin.yaml"), str(scen_dir / "hand.yaml")]
    assert meta["scenario_knowledge"] == [{"knowledge": "curated:abc", "oncoresist": "0.1.0"}, None]
    for kwargs, param in [({"seed": 2, "batch_size": 10, "patients": 4}, "seed"),
                          ({"seed": 1, "batch_size": 3, "patients": 4}, "batch_size"),
                          ({"seed": 1, "batch_size": 10, "patients": 5}, "patients")]:
        with pytest.raises(TrialError, match=rf"^{param}: ") as err:
            run_trial(spec, out_dir=out, **kwargs)
        assert err.value.param == param and "{" not in str(err.value)
