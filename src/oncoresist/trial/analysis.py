"""Survival statistics of a virtual trial (lifelines), as an estimator.

>>> an = TrialAnalyser(endpoint="pfs").fit(patients)      # doctest: +SKIP
>>> an.summary                                            # doctest: +SKIP
>>> an.plot_km()                                          # doctest: +SKIP

Times are reported in days internally; ``time_unit="months"`` (30.4375 days) converts summaries
and plots.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from oncoresist.errors import InvalidArgument
from oncoresist.units import DAYS_PER_MONTH

__all__ = ["DAYS_PER_MONTH", "ENDPOINTS", "TrialAnalyser"]
ENDPOINTS = {"pfs": ("pfs_time", "pfs_event"), "os": ("os_time", "os_event"),
             "failure": ("failure_time", "failure_event"),
             "recist_pfs": ("recist_pfs_time", "recist_pfs_event"),
             "pfs2": ("pfs2_time", "pfs2_event"),
             "strategy_failure": ("strategy_failure_time", "strategy_failure_event")}
"""Time-to-event endpoints: ``pfs`` (the strategy's own progression rule), ``recist_pfs`` (RECIST PD,
the same rule for every strategy), ``pfs2``, ``strategy_failure`` (PD on the last line, exhaustion or
death), ``failure`` (exhaustion or death), ``os``."""


class TrialAnalyser:
    """Kaplan–Meier per arm, median with CI, log-rank test, Cox hazard ratios, ctDNA lead times and doses.

    Parameters
    ----------
    endpoint : {"pfs", "recist_pfs", "pfs2", "strategy_failure", "failure", "os"}
        Which time-to-event endpoint (see :data:`ENDPOINTS`).
    alpha : float
        1 − confidence level of intervals.
    reference_arm : str, optional
        Comparator for hazard ratios (default: the first arm in the results).
    time_unit : {"months", "days"}
        Unit of reported times.

    Attributes
    ----------
    arms_ : list of str
    km_ : dict[str, lifelines.KaplanMeierFitter]
    medians_ : pandas.DataFrame
        Median time per arm with its confidence interval.
    logrank_ : lifelines.statistics.StatisticalResult
        Multivariate log-rank test across arms.
    hazard_ratios_ : pandas.DataFrame
        Cox proportional-hazards HR of each arm vs the reference, with CI and p.
    lead_time_ : pandas.DataFrame
        ctDNA lead time over radiographic progression per patient (days), where defined.
    dose_ : pandas.DataFrame
        Mean cumulative dose per arm and drug (MTD-days).
    """

    def __init__(self, endpoint: str = "pfs", alpha: float = 0.05, reference_arm: str | None = None,
                 time_unit: str = "months") -> None:
        self.endpoint = endpoint
        self.alpha = alpha
        self.reference_arm = reference_arm
        self.time_unit = time_unit

    def _scale(self) -> float:
        if self.time_unit == "months":
            return 1.0 / DAYS_PER_MONTH
        if self.time_unit == "days":
            return 1.0
        raise InvalidArgument(f"time_unit: must be 'months' or 'days', not {self.time_unit!r}", param="time_unit")

    def fit(self, results: pd.DataFrame) -> TrialAnalyser:
        """Fit every statistic to per-patient ``results`` (as written by a trial run)."""
        from lifelines import CoxPHFitter, KaplanMeierFitter
        from lifelines.statistics import multivariate_logrank_test

        if self.endpoint not in ENDPOINTS:
            raise InvalidArgument(f"endpoint: must be one of {', '.join(ENDPOINTS)}, not {self.endpoint!r}",
                                  param="endpoint")
        tcol, ecol = ENDPOINTS[self.endpoint]
        scale = self._scale()
        arms = list(dict.fromkeys(results["arm"]))
        ref = self.reference_arm or arms[0]
        if ref not in arms:
            raise InvalidArgument(f"reference_arm: {ref!r} is not among the arms {arms}", param="reference_arm")
        self.arms_ = arms
        self.reference_arm_ = ref
        self.km_: dict[str, Any] = {}
        rows = []
        for arm in arms:
            sub = results[results["arm"] == arm]
            km = KaplanMeierFitter(alpha=self.alpha, label=arm)
            km.fit(sub[tcol].to_numpy() * scale, sub[ecol].to_numpy().astype(bool))
            self.km_[arm] = km
            lo, hi = _median_ci(km)
            rows.append({"arm": arm, "n": len(sub), "events": int(sub[ecol].sum()),
                         "median": km.median_survival_time_, "median_lower": lo, "median_upper": hi})
        self.medians_ = pd.DataFrame(rows).set_index("arm")
        if len(arms) > 1:
            self.logrank_ = multivariate_logrank_test(results[tcol].to_numpy(), results["arm"].to_numpy(),
                                                      results[ecol].to_numpy().astype(bool))
            hr_rows = []
            for arm in arms:
                if arm == ref:
                    continue
                sub = results[results["arm"].isin([ref, arm])]
                d = pd.DataFrame({"T": sub[tcol].to_numpy() * scale, "E": sub[ecol].to_numpy().astype(int),
                                  "arm": (sub["arm"] == arm).to_numpy().astype(float)})
                hr_rows.append({"arm": arm, "reference": ref, **self._cox(CoxPHFitter, d)})
            self.hazard_ratios_ = pd.DataFrame(hr_rows).set_index("arm")
        else:
            self.logrank_ = None
            self.hazard_ratios_ = pd.DataFrame(columns=["reference", "hr", "hr_lower", "hr_upper", "p"])
        lead_cols = [c for c in results.columns if c == "ctdna_lead_time"]
        self.lead_time_ = results.loc[results[lead_cols[0]].notna(), ["arm", "patient_id", "ctdna_lead_time"]] \
            if lead_cols else pd.DataFrame(columns=["arm", "patient_id", "ctdna_lead_time"])
        dose_cols = [c for c in results.columns if c.startswith("dose:") or c.startswith("dose_to_pfs:")]
        self.dose_ = results.groupby("arm", sort=False)[dose_cols].mean() if dose_cols else pd.DataFrame()
        return self

    def _cox(self, fitter: Any, d: pd.DataFrame) -> dict[str, float]:
        """HR of ``arm`` (0/1 column) with CI and p; NaN when the model cannot be fitted (no events,
        complete separation in tiny cohorts)."""
        import warnings

        from lifelines.exceptions import ConvergenceError

        nan = {"hr": np.nan, "hr_lower": np.nan, "hr_upper": np.nan, "p": np.nan}
        if d["E"].sum() == 0 or d["arm"].nunique() < 2:
            return nan
        level = f"{100 * (1 - self.alpha):.0f}%"
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                cph = fitter(alpha=self.alpha).fit(d, duration_col="T", event_col="E")
        except (ConvergenceError, np.linalg.LinAlgError, ValueError):
            return nan
        s = cph.summary.loc["arm"]
        return {"hr": float(s["exp(coef)"]), "hr_lower": float(s[f"exp(coef) lower {level}"]),
                "hr_upper": float(s[f"exp(coef) upper {level}"]), "p": float(s["p"])}

    @property
    def summary(self) -> pd.DataFrame:
        """One row per arm: N, events, median with CI, HR vs reference with CI and p, lead time, dose."""
        df = self.medians_.copy()
        df = df.join(self.hazard_ratios_[["hr", "hr_lower", "hr_upper", "p"]], how="left")
        if len(self.lead_time_):
            g = self.lead_time_.groupby("arm")["ctdna_lead_time"]
            df["lead_time_median_days"] = g.median()
            df["lead_time_n"] = g.size()
        if len(self.dose_):
            df = df.join(self.dose_, how="left")
        df.attrs["time_unit"] = self.time_unit
        df.attrs["endpoint"] = self.endpoint
        return df

    def print_summary(self) -> None:
        """Print :attr:`summary` and the log-rank test."""
        print(f"{self.endpoint.upper()} ({self.time_unit})")
        print(self.summary.to_string(float_format=lambda x: f"{x:.3g}"))
        if self.logrank_ is not None:
            print(f"log-rank: chi2 = {self.logrank_.test_statistic:.2f}, p = {self.logrank_.p_value:.3g}")

    # plots -----------------------------------------------------------------------------------
    def plot_km(self, ax: Any = None) -> Any:
        """Kaplan–Meier curves with confidence bands, one per arm."""
        import matplotlib.pyplot as plt

        ax = ax or plt.subplots(figsize=(6.4, 4.2))[1]
        for arm in self.arms_:
            self.km_[arm].plot_survival_function(ax=ax, ci_show=True)
        label = {"pfs": "progression-free", "os": "overall survival", "failure": "free of strategy failure",
                 "strategy_failure": "free of strategy failure", "recist_pfs": "progression-free (RECIST)",
                 "pfs2": "free of a second progression"}
        ax.set_xlabel(f"time ({self.time_unit})")
        ax.set_ylabel(f"probability {label[self.endpoint]}")
        ax.set_ylim(0, 1.02)
        if self.logrank_ is not None:
            ax.set_title(f"{self.endpoint.upper()}: log-rank p = {self.logrank_.p_value:.2g}", fontsize=10)
        return ax

    def plot_lead_time(self, ax: Any = None) -> Any:
        """Distribution of ctDNA lead time over radiographic progression (days), per arm."""
        import matplotlib.pyplot as plt

        ax = ax or plt.subplots(figsize=(6.4, 3.6))[1]
        data = [self.lead_time_.loc[self.lead_time_["arm"] == a, "ctdna_lead_time"].to_numpy() for a in self.arms_]
        if any(len(d) for d in data):
            bins = np.linspace(0, max(float(np.max(d)) for d in data if len(d)) + 1, 25)
            for a, d in zip(self.arms_, data, strict=True):
                if len(d):
                    ax.hist(d, bins=bins, alpha=0.6, label=f"{a} (n={len(d)}, median {np.median(d):.0f} d)")
            ax.legend(fontsize=8)
        else:
            ax.text(0.5, 0.5, "no ctDNA detection before progression", ha="center", va="center",
                    transform=ax.transAxes)
        ax.set_xlabel("ctDNA lead time over imaging (days)")
        ax.set_ylabel("patients")
        return ax

    def plot_dose(self, ax: Any = None) -> Any:
        """Mean cumulative dose per arm and drug (MTD-days)."""
        import matplotlib.pyplot as plt

        ax = ax or plt.subplots(figsize=(6.4, 3.6))[1]
        cols = [c for c in self.dose_.columns if c.startswith("dose:")]
        if cols:
            self.dose_[cols].rename(columns=lambda c: c.removeprefix("dose:")).plot.bar(ax=ax, rot=0)
        ax.set_ylabel("mean cumulative dose (MTD-days)")
        ax.set_xlabel("")
        return ax


def _median_ci(km: Any) -> tuple[float, float]:
    from lifelines.utils import median_survival_times

    ci = median_survival_times(km.confidence_interval_)
    return float(ci.iloc[0, 0]), float(ci.iloc[0, 1])


def km_median(times: Any, events: Any, alpha: float = 0.05) -> tuple[float, float, float]:
    """Kaplan-Meier median with its confidence interval (same units as ``times``; ``inf`` = not reached)."""
    from lifelines import KaplanMeierFitter

    km = KaplanMeierFitter(alpha=alpha).fit(np.asarray(times, float), np.asarray(events, bool))
    lo, hi = _median_ci(km)
    return float(km.median_survival_time_), lo, hi


def endpoint_table(results: pd.DataFrame, *, alpha: float = 0.05, time_unit: str = "months") -> pd.DataFrame:
    """Per arm, ranked by median time to strategy failure: KM medians (CI) of strategy failure,
    RECIST PFS, PFS2 and each line's own PFS, with ctDNA lead time and mean cumulative dose.
    ``ctdna_lead_*`` covers patients whose confirmed plasma call came at or before the first RECIST
    PD (lead from the call), ``ctdna_onset_lead_*`` those whose confirmed run of positive draws began
    at or before it (lead from its first positive draw: detectability, as serial-tracking studies
    report it); ``ctdna_progressed_n`` counts RECIST progressions, ``ctdna_after_pd_n`` and
    ``ctdna_delay_median_days`` the progressed patients first detected only after PD.

    Every column uses the same RECIST definition of progression whatever the strategy (the
    ``strategy_failure``, ``recist_pfs``, ``pfs2`` and ``line*_pfs`` columns of a trial run).
    """
    scale = 1.0 / DAYS_PER_MONTH if time_unit == "months" else 1.0
    lines = sorted({int(c[4:-9]) for c in results.columns if c.startswith("line") and c.endswith("_pfs_time")})
    rows = []
    for arm, sub in results.groupby("arm", sort=False):
        row: dict[str, Any] = {"arm": arm, "n": len(sub)}
        cols = [("strategy_failure", "strategy_failure"), ("recist_pfs", "recist_pfs"), ("pfs2", "pfs2")]
        cols += [(f"line{k}_pfs", f"line{k}_pfs") for k in lines]
        for name, col in cols:
            t, e = f"{col}_time", f"{col}_event"
            if t not in sub:
                continue
            ok = sub[t].notna()
            if not ok.any():
                row.update({f"{name}_n": 0, f"{name}_median": np.nan, f"{name}_lower": np.nan,
                            f"{name}_upper": np.nan})
                continue
            med, lo, hi = km_median(sub.loc[ok, t] * scale, sub.loc[ok, e], alpha)
            row.update({f"{name}_n": int(ok.sum()), f"{name}_median": med, f"{name}_lower": lo, f"{name}_upper": hi})
        for key, col in (("ctdna_lead", "ctdna_lead_time"), ("ctdna_onset_lead", "ctdna_onset_lead_time")):
            lead = sub[col].dropna() if col in sub else pd.Series(dtype=float)
            row[f"{key}_median_days"] = float(lead.median()) if len(lead) else np.nan
            row[f"{key}_n"] = len(lead)
        pd_t = "recist_pfs_time" if "recist_pfs_time" in sub else "pfs_time"
        pd_e = "recist_pfs_event" if "recist_pfs_event" in sub else "pfs_event"
        if {"ctdna_first_any", pd_t, pd_e} <= set(sub.columns):
            # plasma later than imaging: the part of the cohort a lead-time median leaves out
            row["ctdna_progressed_n"] = int(sub[pd_e].astype(bool).sum())
            late = sub[pd_e].astype(bool) & (sub["ctdna_first_any"] > sub[pd_t])
            row["ctdna_after_pd_n"] = int(late.sum())
            row["ctdna_delay_median_days"] = float((sub.loc[late, "ctdna_first_any"] -
                                                    sub.loc[late, pd_t]).median()) if late.any() else np.nan
        for c in sub.columns:
            if c.startswith("dose:"):
                row[c] = float(sub[c].mean())
        rows.append(row)
    table = pd.DataFrame(rows).set_index("arm")
    return table.sort_values("strategy_failure_median", ascending=False, kind="stable")
