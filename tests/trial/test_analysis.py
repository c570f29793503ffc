import numpy as np
import pandas as pd
import pytest
from lifelines import KaplanMeierFitter
from lifelines.statistics import logrank_test

from oncoresist.trial.analysis import DAYS_PER_MONTH, TrialAnalyser


def _results(seed=0, n=400):
    rng = np.random.default_rng(seed)
    rows = []
    for arm, scale in (("A", 300.0), ("B", 600.0)):
        t = rng.exponential(scale, n)
        c = rng.uniform(200, 1500, n)
        rows.append(pd.DataFrame({"arm": arm, "patient_id": np.arange(n), "pfs_time": np.minimum(t, c),
                                  "pfs_event": t <= c, "os_time": c, "os_event": False,
                                  "ctdna_lead_time": np.where(rng.random(n) < 0.3, rng.uniform(0, 100, n), np.nan),
                                  "dose:x": rng.uniform(0, 10, n)}))
    return pd.concat(rows, ignore_index=True)


def test_estimator_conventions():
    an = TrialAnalyser(endpoint="pfs", alpha=0.1)
    assert not [k for k in vars(an) if k.endswith("_")]
    res = _results()
    assert an.fit(res) is an
    assert {"km_", "medians_", "logrank_", "hazard_ratios_", "lead_time_", "dose_"} <= set(vars(an))
    assert list(an.summary.index) == ["A", "B"]
    first = an.hazard_ratios_.copy()
    an.fit(_results(seed=1))
    assert not first.equals(an.hazard_ratios_)


def test_against_lifelines_directly():
    res = _results()
    an = TrialAnalyser(time_unit="days").fit(res)
    a = res[res.arm == "A"]
    km = KaplanMeierFitter().fit(a.pfs_time, a.pfs_event)
    assert an.medians_.loc["A", "median"] == pytest.approx(km.median_survival_time_)
    b = res[res.arm == "B"]
    lr = logrank_test(a.pfs_time, b.pfs_time, a.pfs_event, b.pfs_event)
    assert an.logrank_.p_value == pytest.approx(lr.p_value)
    # true hazard ratio of B vs A is 300/600 = 0.5
    hr = an.hazard_ratios_.loc["B"]
    assert hr["hr_lower"] < 0.5 < hr["hr_upper"]
    months = TrialAnalyser().fit(res)
    assert months.medians_.loc["A", "median"] == pytest.approx(km.median_survival_time_ / DAYS_PER_MONTH)


def test_plots_return_axes():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    an = TrialAnalyser().fit(_results())
    for name in ("plot_km", "plot_lead_time", "plot_dose"):
        fig, ax = plt.subplots()
        assert getattr(an, name)(ax=ax) is ax
        plt.close(fig)
