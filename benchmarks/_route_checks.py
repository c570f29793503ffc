"""Checks of a calibrated twin's resistance routes, shared by the FLAURA and held-out trial benchmarks.

- :func:`route_table`: per resistant route, its emergence probability and where it comes from, the expected
  number of pre-existing surviving clones (Luria–Delbrück ``clones``), the mean pre-existing count the scenario
  carries, the theoretical share of patients with none (``exp(-clones)``, Poisson clone number) and the share
  with none in the cohort actually drawn (``trial.cohort.sample_cohort`` on the comparison's own streams);
- :func:`t790m_pfs_hazard_ratio`: on one arm, the Cox hazard ratio of PFS of progressions dominated by
  T790M against the other progressions a rebiopsy series counts (no identified mechanism included),
  events only, as a rebiopsy series compares patients who all progressed (comparator-type datum, docs/trials.md);
- :func:`paired_times`: the same virtual patients (same cohort draws and pre-existing counts) run once on each
  drug, and the correlation of their log PFS on the two drugs (the lead's check of the route-time correlation);
- :func:`second_line_after`: AURA3's counterpart (held out): on a ``sequential`` run (erlotinib, then osimertinib at
  the first RECIST PD), the KM median of line-2 PFS of the patients whose first progression was ``route``-dominated,
  beside the published second-line median (``outcomes.yaml``, ``aura3-osimertinib``);
- :func:`t790m_share_line`: the ``t790m_share_erlotinib:`` line ``twin.py`` and ``twin_flaura.py`` both print
  (one share definition: ``oncoresist.twin.rebiopsy``'s denominator).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

DAYS_PER_MONTH = 30.4375


def route_table(build: Any, cohort: dict[str, Any] | None, *, patients: int, seed: int,
                arms: int = 2) -> list[dict[str, Any]]:
    """One row per resistant cell type (the trial layer's order), see the module."""
    from oncoresist.random import as_seed_sequence
    from oncoresist.trial.cohort import patient_seeds, sample_cohort
    from oncoresist.trial.engine_adapter import resistant_types
    from oncoresist.trial.spec import CohortSpec

    data = build.scenario.model_dump(mode="json")
    idx = resistant_types(data)
    names = [data["cell_types"][i]["name"] for i in idx]
    initial = {c["name"]: float(c.get("initial", 0.0)) for c in data["cell_types"]}
    rf = (cohort or {}).get("resistant_fraction") or {}
    clones = list(rf.get("clones") or [math.nan] * len(names))
    cells = list(rf.get("cells") or [math.nan] * len(names))
    zero = [math.nan] * len(names)
    if cohort is not None:
        spec = CohortSpec.model_validate({k: v for k, v in cohort.items() if k != "initial_cells"})
        seqs = [s for arm in patient_seeds(as_seed_sequence(seed), arms, patients) for s in arm]
        drawn = sample_cohort(spec, seqs, n_resistant=len(names))["resistant_fraction"][:, :len(names)]
        zero = [float(np.mean(drawn[:, j] == 0.0)) for j in range(len(names))]
    rows = []
    for j, name in enumerate(names):
        prob = [o for o in build.origins if o.path.startswith("transitions.") and f"->{name}." in o.path]
        rows.append({
            "route": name,
            "rate": [(o.path.split(".", 2)[-1], o.value) for o in prob
                     if ".rate" in o.path or ".probability" in o.path],
            "rate_origin": sorted({f"{o.kind}: {o.source[:120]}" for o in prob}),
            "mean_preexisting_cells": round(initial.get(name, 0.0), 3),
            "expected_clones": None if math.isnan(clones[j]) else round(float(clones[j]), 4),
            "source_cells": None if math.isnan(cells[j]) else float(cells[j]),
            "p_zero_theory": None if math.isnan(clones[j]) or clones[j] <= 0 else round(math.exp(-clones[j]), 4),
            "zero_share_cohort": None if math.isnan(zero[j]) else round(zero[j], 4),
        })
    return rows


def second_line_after(results: pd.DataFrame, published: Any, *, route: str = "EGFR_T790M") -> dict[str, Any]:
    """Line-2 PFS (from the switch at the first RECIST PD) of the patients whose first progression was
    ``route``-dominated, as a KM median (months, 95% CI); ``published``: the stored second-line outcome it is held
    out against (its response is not compared: the trial layer scores response against the first line's baseline)."""
    from oncoresist.trial.analysis import km_median

    first = results["line1_pd"].notna() & (results["dominant_at_pfs"] == route)
    g = results[first & results["line2_start"].notna()]
    med = (math.nan, math.nan, math.nan) if len(g) < 5 else km_median(
        g["line2_pfs_time"].to_numpy() / DAYS_PER_MONTH, g["line2_pfs_event"].to_numpy())
    return {"route": route, "n": len(g), "n_first_progressions": int(results["line1_pd"].notna().sum()),
            "median_months": [round(float(x), 2) for x in med],
            "events": int(g["line2_pfs_event"].astype(bool).sum()),
            "published_months": published.months, "published_id": published.id, "published_source": published.source,
            "role": "held out"}


def t790m_pfs_hazard_ratio(results: pd.DataFrame, arm: str, *, route: str = "EGFR_T790M") -> dict[str, Any]:
    """Cox HR of PFS, ``route``-dominated vs other acquired-resistance progressions on ``arm`` (events only)."""
    from oncoresist.trial.analysis import TrialAnalyser
    from oncoresist.twin.rebiopsy import rebiopsy_progressions

    g = rebiopsy_progressions(results[results["arm"] == arm])  # T790M-negative includes no identified mechanism
    pos, neg = g[g["dominant_at_pfs"] == route], g[g["dominant_at_pfs"] != route]
    if len(pos) < 5 or len(neg) < 5:
        return {"n_t790m": len(pos), "n_other": len(neg), "hr": None}
    d = pd.concat([neg.assign(arm="other"), pos.assign(arm=route)])
    hr = TrialAnalyser(reference_arm="other").fit(d).hazard_ratios_.loc[route]
    return {"n_t790m": len(pos), "n_other": len(neg),
            "median_months": [round(float(pos["pfs_time"].median()) / DAYS_PER_MONTH, 2),
                              round(float(neg["pfs_time"].median()) / DAYS_PER_MONTH, 2)],
            "hr": [round(float(hr[k]), 3) for k in ("hr", "hr_lower", "hr_upper")]}


def paired_times(build: Any, cohort: dict[str, Any] | None, drugs: tuple[str, str], *, patients: int,
                 seed: int, route: str = "EGFR_T790M") -> dict[str, Any]:
    """The same patients on each drug (one-arm trials with one root seed: arm 0's patient and engine streams),
    and the correlation of their log PFS on the two drugs, overall and where the first drug's progression was
    ``route``-dominated."""
    from oncoresist.twin.compare import run_cohort

    runs = [run_cohort(build, [f"continuous:{d}"], patients=patients, seed=seed, cohort=cohort)[0] for d in drugs]
    a, b = (r.set_index("patient_id") for r in runs)
    both = a["pfs_event"].astype(bool) & b["pfs_event"].astype(bool)
    la, lb = np.log(a["pfs_time"].clip(lower=1.0)), np.log(b["pfs_time"].clip(lower=1.0))

    def corr(mask: pd.Series) -> dict[str, Any]:
        m = mask & both
        if int(m.sum()) < 5:
            return {"n": int(m.sum())}
        return {"n": int(m.sum()), "pearson_log": round(float(np.corrcoef(la[m], lb[m])[0, 1]), 3),
                "spearman": round(float(pd.Series(la[m]).corr(pd.Series(lb[m]), method="spearman")), 3),
                "median_ratio": round(float(np.median(np.exp(lb[m] - la[m]))), 3)}

    return {"drugs": list(drugs), "patients": patients, "seed": seed, "all": corr(pd.Series(True, index=a.index)),
            f"{route}_on_{drugs[0]}": corr(a["dominant_at_pfs"] == route)}


T790M_SHARE_DEFINITION = ("of progressions as a rebiopsy series counts them (oncoresist.twin.rebiopsy: every "
                          "scan-detected progression, sensitive-dominated = no identified mechanism)")
"""The share both twin benchmarks print: T790M-dominated over rebiopsy-counted progressions on the first drug."""


def t790m_share_line(share: float | None, *, fitted: bool = False) -> str:
    """``t790m_share_erlotinib: 0.xxx (...)``: T790M's share of continuous erlotinib's progressions as a rebiopsy
    series counts them, beside Yu et al. 2013's (98 of 155, 63%, 95% CI 55-70%; PMID:23470965); ``fitted``: the
    share was a soft target of the calibration (twin.mechanism_target), and the line says so."""
    value = "nan" if share is None else f"{share:.3f}"
    role = "FITTED: soft target of the spread factor on the calibration cohort; " if fitted else ""
    return (f"t790m_share_erlotinib: {value} ({role}{T790M_SHARE_DEFINITION}; published 0.63, 95% CI 0.55-0.70, "
            "Yu et al. 2013)")
