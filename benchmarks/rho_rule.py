"""The rule that picks the route correlation rho from comparator data only (flaura7 pass, docs/trials.md).

Written and committed before the grid was run and before any osimertinib column was read. Input: the JSON line of
``benchmarks/twin_flaura.py --route-correlation RHO`` for each rho of the grid (one seed, the same calibration).
The rule reads only comparator-arm quantities (erlotinib): nothing of the osimertinib arm enters it.

A rho is **consistent with the comparator** when all three hold:

1. the joint fit converged (objective response 76% and median PFS 10.2 months met by the final cohort, fitted
   shares within the calibration's criteria: ``calibration_converged``);
2. T790M's share of erlotinib progressions as a rebiopsy series counts them (Yu et al. 2013's denominator, all
   rebiopsied patients; ``acquired_resistance_shares``) lies inside Yu et al. 2013's 95% CI, 0.55-0.70
   (98 of 155; PMID:23470965);
3. the 95% CI of the twin's PFS hazard ratio on erlotinib, T790M-dominated vs other progressions
   (``t790m_vs_other_pfs_hr_erlotinib``), overlaps Ma et al. 2017's pooled 95% CI, 0.35-0.79
   (DOI:10.18632/oncotarget.19681, abstract; Liu et al. 2017's 0.75, no CI in its abstract, lies inside).

Choice: if rho = 1 (the current default) is consistent, the default stays 1 and the report gives the range of
predictions over every consistent rho. If rho = 1 is not consistent and one or more others are, the default
becomes the consistent rho with the highest comparator log-likelihood

    ll = log Binomial(98 | 155, share) + log Normal(log HR; log 0.53, sd = (log 0.79 - log 0.35) / (2 * 1.96)),

(Yu's count and Ma's pooled estimate), and the report still gives the range over every consistent rho. If no rho
is consistent, the default stays 1 and the report says that the comparator rejects the whole grid.

Usage::

    .venv/bin/python benchmarks/rho_rule.py RUN_1.out RUN_0.75.out ...   # each: a twin_flaura.py stdout
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

YU_T790M = (98, 155)
YU_CI = (0.55, 0.70)
MA_HR, MA_CI = 0.53, (0.35, 0.79)


def comparator_row(run: dict[str, Any]) -> dict[str, Any]:
    """The comparator-only quantities of one benchmark JSON (no osimertinib quantity)."""
    hr = (run.get("t790m_vs_other_pfs_hr_erlotinib") or {}).get("hr")
    return {
        "rho": run["route_correlation"],
        "converged": bool(run["calibration_converged"]),
        "t790m_share": float(run["acquired_resistance_shares"]["continuous:erlotinib"].get("EGFR_T790M", 0.0)),
        "t790m_pfs_hr": None if hr is None else [float(x) for x in hr],
    }


def consistent(row: dict[str, Any]) -> bool:
    """Rules 1-3 of the module."""
    hr = row["t790m_pfs_hr"]
    return bool(row["converged"] and YU_CI[0] <= row["t790m_share"] <= YU_CI[1]
                and hr is not None and hr[1] <= MA_CI[1] and hr[2] >= MA_CI[0])


def log_likelihood(row: dict[str, Any]) -> float:
    """Comparator log-likelihood of the module (``-inf`` without a hazard ratio or with a share of 0 or 1)."""
    p, hr = row["t790m_share"], row["t790m_pfs_hr"]
    if hr is None or not 0 < p < 1 or hr[0] <= 0:
        return -math.inf
    k, n = YU_T790M
    binom = (math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
             + k * math.log(p) + (n - k) * math.log(1 - p))
    sd = (math.log(MA_CI[1]) - math.log(MA_CI[0])) / (2 * 1.96)
    z = (math.log(hr[0]) - math.log(MA_HR)) / sd
    return binom - 0.5 * z * z - math.log(sd * math.sqrt(2 * math.pi))


def select(rows: list[dict[str, Any]]) -> tuple[float, list[float], str]:
    """(the default rho, the consistent rhos, why) by the module's choice."""
    ok = [r for r in rows if consistent(r)]
    rhos = sorted((float(r["rho"]) for r in ok), reverse=True)
    if any(float(r["rho"]) == 1.0 for r in ok):
        return 1.0, rhos, "rho = 1 is consistent with the comparator: the default stays 1"
    if ok:
        best = max(ok, key=log_likelihood)
        return (float(best["rho"]), rhos,
                "rho = 1 is not consistent; the consistent rho with the highest comparator log-likelihood")
    return 1.0, [], "no rho of the grid is consistent with the comparator: the default stays 1"


def last_json(path: Path) -> dict[str, Any]:
    """The last JSON line of a stdout file of benchmarks/twin_flaura.py (also read by supply_rule.py)."""
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.startswith("{")]
    if not lines:
        raise SystemExit(f"{path}: no JSON line (give the stdout of benchmarks/twin_flaura.py)")
    return dict(json.loads(lines[-1]))


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: rho_rule.py RUN.out [RUN.out ...]  (stdout files of benchmarks/twin_flaura.py)", file=sys.stderr)
        return 2
    runs = [last_json(Path(a)) for a in argv]
    if any(run.get("t790m_share_erlotinib_role") == "fitted" for run in runs):
        # flaura8: twin_flaura.py's default fits T790M's share (soft target of the spread factor), so rule 2 is
        # met by construction there; the rule was written for --mechanism-target none
        print("rho_rule: T790M's share is FITTED in these runs (twin_flaura.py's default since flaura8); rule 2 is "
              "then no check: rerun them with --mechanism-target none", file=sys.stderr)
    rows = [comparator_row(run) for run in runs]
    for r in rows:
        print(json.dumps({**r, "consistent": consistent(r), "log_likelihood": round(log_likelihood(r), 3)}))
    rho, rhos, why = select(rows)
    print(json.dumps({"default_rho": rho, "consistent_rhos": rhos, "why": why}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
