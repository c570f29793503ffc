"""Do two runs of the same virtual patients on two engines agree? Paired tests per arm.

Two runs of one trial with the same root seed hold the same patients (cohort factors, monitoring
noise: the patients' own streams) and differ only in the engine's draws. Given a patient, the two
engines' outcomes are independent, so if both engines simulate the same law the pair
``(outcome_a, outcome_b)`` is exchangeable, and a paired test is exact:

- ``pfs`` (and any time-to-event column): sign test on the patients whose times differ
  (``P(a > b) = P(b > a)``; exact two-sided binomial), beside each run's Kaplan–Meier median
  with its confidence interval;
- binary outcomes (objective response, progression with a named dominant cell type): McNemar's
  exact test on the discordant pairs.

The tests are run at ``alpha / number_of_tests`` each (Bonferroni), so the family-wise error of
:func:`engine_agreement` under agreement is at most ``alpha``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from oncoresist.errors import InvalidArgument
from oncoresist.monitor.recist import CR, PR
from oncoresist.units import DAYS_PER_MONTH

KEY = ["arm", "patient_id"]


def _exact_two_sided(k: int, n: int) -> float:
    """Two-sided exact binomial p of ``k`` successes in ``n`` trials at probability 1/2 (1.0 when n = 0)."""
    from scipy.stats import binomtest

    return 1.0 if n == 0 else float(binomtest(k, n, 0.5).pvalue)


def _pair(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in (*KEY, "pfs_time", "pfs_event", "best_response", "dominant_at_pfs")
               if c not in a or c not in b]
    if missing:
        raise InvalidArgument(f"results: both runs need the per-patient columns {', '.join(missing)}",
                              param="results")
    merged = a.merge(b, on=KEY, suffixes=("_a", "_b"), validate="one_to_one")
    if len(merged) != len(a) or len(merged) != len(b):
        raise InvalidArgument(f"results: the runs hold different patients ({len(a)} and {len(b)} rows, "
                              f"{len(merged)} in common); run both with the same seed and size", param="results")
    return merged


def _median(times: np.ndarray, events: np.ndarray) -> tuple[float, float, float]:
    """Kaplan–Meier median (months) with its 95% CI (lifelines)."""
    from lifelines import KaplanMeierFitter
    from lifelines.utils import median_survival_times

    km = KaplanMeierFitter().fit(times / DAYS_PER_MONTH, events.astype(bool))
    ci = median_survival_times(km.confidence_interval_)
    return float(km.median_survival_time_), float(ci.iloc[0, 0]), float(ci.iloc[0, 1])


def engine_agreement(a: pd.DataFrame, b: pd.DataFrame, *, cell_types: Sequence[str] = (),
                     time_columns: Sequence[str] = ("pfs",), alpha: float = 0.05) -> pd.DataFrame:
    """Paired tests of two runs ``a`` and ``b`` of the same patients (module docstring).

    Parameters
    ----------
    a, b
        Per-patient results (``TrialRun.patients`` or :func:`~oncoresist.trial.run.load_results`) of
        the same trial, seed and size on two engines.
    cell_types
        Cell types whose share at progression is compared (indicator: progressed with that type dominant).
    time_columns
        Time-to-event endpoints compared by the sign test (``X`` reads ``X_time`` and ``X_event``).
    alpha
        Family-wise level; each test is run at ``alpha / number of tests``.

    Returns
    -------
    pandas.DataFrame
        One row per arm and statistic: ``value_a``, ``value_b`` (median months, or a share), the
        medians' CIs (``lower_a`` …), ``a_more`` and ``b_more`` (discordant pairs: a's time longer /
        a's indicator 1 and b's 0), ``p``, ``level`` (per-test alpha) and ``agree`` (``p >= level``).
    """
    if not 0 < alpha < 1:
        raise InvalidArgument(f"alpha: must be in (0, 1), got {alpha!r}", param="alpha")
    m = _pair(a, b)
    rows: list[dict[str, object]] = []
    for arm, g in m.groupby("arm", sort=False):
        for col in time_columns:
            ta, tb = g[f"{col}_time_a"].to_numpy(float), g[f"{col}_time_b"].to_numpy(float)
            ea, eb = g[f"{col}_event_a"].to_numpy(bool), g[f"{col}_event_b"].to_numpy(bool)
            # a censored time is a lower bound: a pair is ordered only when the shorter time is an event
            a_more = int(np.sum((ta > tb) & eb))
            b_more = int(np.sum((tb > ta) & ea))
            med_a, lo_a, hi_a = _median(ta, ea)
            med_b, lo_b, hi_b = _median(tb, eb)
            rows.append({"arm": arm, "statistic": f"{col} (sign test; median months)", "value_a": med_a,
                         "value_b": med_b, "lower_a": lo_a, "upper_a": hi_a, "lower_b": lo_b, "upper_b": hi_b,
                         "a_more": a_more, "b_more": b_more, "p": _exact_two_sided(a_more, a_more + b_more)})
        indicators = {"objective response (McNemar)": (g["best_response_a"].isin([CR, PR]).to_numpy(),
                                                        g["best_response_b"].isin([CR, PR]).to_numpy())}
        for cell in cell_types:
            indicators[f"progression with {cell} dominant (McNemar)"] = (
                (g["pfs_event_a"].astype(bool) & (g["dominant_at_pfs_a"] == cell)).to_numpy(),
                (g["pfs_event_b"].astype(bool) & (g["dominant_at_pfs_b"] == cell)).to_numpy())
        for name, (ia, ib) in indicators.items():
            a_more = int(np.sum(ia & ~ib))
            b_more = int(np.sum(ib & ~ia))
            rows.append({"arm": arm, "statistic": name, "value_a": float(ia.mean()), "value_b": float(ib.mean()),
                         "a_more": a_more, "b_more": b_more, "p": _exact_two_sided(a_more, a_more + b_more)})
    out = pd.DataFrame(rows)
    out["level"] = alpha / max(len(out), 1)
    out["agree"] = out["p"] >= out["level"]
    return out
