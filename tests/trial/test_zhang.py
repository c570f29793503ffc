"""Adaptive therapy on the Zhang et al. 2017 Lotka–Volterra setting."""

from pathlib import Path

import numpy as np

from oncoresist.trial.run import load_results, run_trial
from oncoresist.trial.spec import load_trial
from oncoresist.trial.zhang import ZhangModel

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "trials" / "zhang_adaptive.yaml"


def test_psa_follows_its_ode():
    m = ZhangModel(n=1)
    psa0 = m.psa[0]
    assert psa0 == 2 * m.x.sum()  # PSA* = sum(x) / 0.5
    m.set_dose("abiraterone", np.ones(1))
    m.advance(28)
    assert m.psa[0] < 0.6 * psa0  # abiraterone collapses TP and T+


def test_adaptive_beats_continuous_with_less_drug(tmp_path):
    spec = load_trial(EXAMPLE)
    run_trial(spec, out_dir=tmp_path, seed=1)
    p, tl, _ = load_results(tmp_path)
    cont = p[p["arm"] == "continuous"].iloc[0]
    adap = p[p["arm"] == "adaptive"].iloc[0]
    assert cont["pfs_event"] and adap["pfs_event"]
    assert adap["pfs_time"] > cont["pfs_time"]
    assert adap["dose_to_pfs:abiraterone"] < cont["dose_to_pfs:abiraterone"]
    # adaptive arm really cycled: the drug was off at some visits before progression
    t_adap = tl[(tl["arm"] == "adaptive") & (tl["time"] < adap["pfs_time"])]
    assert (t_adap["dose:abiraterone"] == 0).any() and (t_adap["dose:abiraterone"] > 0).any()
