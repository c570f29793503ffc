"""The rule that picks the twin's mutation supply from comparator data only (supply9 pass, docs/trials.md).

Written and committed before the grid was run and before any osimertinib column of it was read. Input: the
stdout of ``benchmarks/twin_flaura.py --mutation-supply S`` for each ``S`` of the grid (one cohort seed, the same
calibration seed and size, every other flag at its default, so T790M's share is a soft target of the spread factor
at every ``S``: flaura8). The rule reads only comparator-arm quantities (continuous erlotinib): nothing of the
osimertinib arm and nothing of the AURA3 second-line check enters it.

What identifies the supply. ``mutation_supply`` scales every route's probability per division; the routes whose
rate the calibration fits (MET and ERBB2 amplification, PIK3CA, ...) absorb it into their multipliers, so what it
moves is the routes with a *sourced* rate together (T790M, C797S, L718Q/V, D761Y) against the progressions with no
identified mechanism (the sensitive clone). The one comparator datum that counts that split is Yu et al. 2013's
T790M share at progression on erlotinib/gefitinib, 98 of 155 rebiopsied patients (PMID:23470965, the rebiopsy
denominator of ``oncoresist.twin.rebiopsy``); the response (FLAURA's comparator, 76% of 278: 211) is scored with it
because the spread factor that each supply's joint fit chooses trades the two. The same two binomials as the joint
fit's soft target (``twin.mechanism_target``), here on the benchmark's own erlotinib arm (other patients than the
calibration's, seed S), i.e. a profile likelihood of the supply.

A supply ``S`` is **admissible** when all three hold:

1. the run finished (a supply at which the time scale cannot be calibrated, ``rebuild``'s error, has no JSON line
   and is inadmissible);
2. the joint fit converged (``calibration_converged``);
3. the erlotinib arm's KM median's 95% CI contains FLAURA's comparator median, 10.2 months (PMID:29151359).

Score: ``ll(S) = log Binomial(211 | 278, ORR_erl) + log Binomial(98 | 155, T790M_erl)`` (full binomial constants;
``ORR_erl`` = ``objective_response`` of continuous:erlotinib, ``T790M_erl`` = its ``acquired_resistance_shares``).

Choice: ``S*`` = the admissible supply with the highest ``ll``. The **band** is every admissible ``S`` with
``ll(S) >= ll(S*) - 1.92`` (half the 95% chi-square quantile with one degree of freedom, 3.84 / 2: a profile
likelihood interval). The default becomes ``S*`` only when ``S* != 1`` and ``S = 1`` is not in the band (the
comparator then prefers another supply beyond its noise); otherwise the default stays 1. Either way predictions
are reported as the range over the band, and seeds 12 and 13 are run at ``S*``. If no supply is admissible the
default stays 1 and the report says the comparator rejects the whole grid.

Usage::

    .venv/bin/python benchmarks/supply_rule.py RUN_1.out RUN_0.1.out ...   # each: a twin_flaura.py stdout
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

from rho_rule import last_json  # the same reader of twin_flaura.py's JSON line (a sibling script)

YU_T790M = (98, 155)
RESPONSE = (211, 278)  # FLAURA comparator: 76% of 556 // 2 (twin_flaura.COMPARATOR_PATIENTS)
COMPARATOR_MEDIAN = 10.2
BAND = 3.84 / 2
ARM = "continuous:erlotinib"


def comparator_row(run: dict[str, Any]) -> dict[str, Any]:
    """The comparator-only quantities of one benchmark JSON (no osimertinib quantity)."""
    med = run["erlotinib_median_months"]["model"]
    return {
        "mutation_supply": float(run.get("mutation_supply", 1.0)),
        "converged": bool(run["calibration_converged"]),
        "erlotinib_median": [float(x) for x in med],
        "orr": float(run["objective_response"][ARM]["model"]),
        "t790m_share": float(run["acquired_resistance_shares"][ARM].get("EGFR_T790M", 0.0)),
        "none_identified": float(run["acquired_resistance_shares"][ARM].get("sensitive", 0.0)),
    }


def admissible(row: dict[str, Any]) -> bool:
    """Rules 2-3 of the module (rule 1: the row exists)."""
    lo, hi = row["erlotinib_median"][1], row["erlotinib_median"][2]
    return bool(row["converged"] and lo <= COMPARATOR_MEDIAN <= hi)


def _binomial(x: int, n: int, p: float) -> float:
    if not 0 < p < 1:
        return -math.inf
    return (math.lgamma(n + 1) - math.lgamma(x + 1) - math.lgamma(n - x + 1)
            + x * math.log(p) + (n - x) * math.log(1 - p))


def log_likelihood(row: dict[str, Any]) -> float:
    """The comparator log-likelihood of the module."""
    return _binomial(*RESPONSE, row["orr"]) + _binomial(*YU_T790M, row["t790m_share"])


def select(rows: list[dict[str, Any]]) -> tuple[float, float | None, list[float], str]:
    """(the default supply, S*, the band, why) by the module's choice."""
    ok = [r for r in rows if admissible(r)]
    if not ok:
        return 1.0, None, [], "no supply of the grid is admissible: the default stays 1"
    best = max(ok, key=log_likelihood)
    top = log_likelihood(best)
    band = sorted((r["mutation_supply"] for r in ok if log_likelihood(r) >= top - BAND), reverse=True)
    s_star = best["mutation_supply"]
    if s_star != 1.0 and 1.0 not in band:
        return s_star, s_star, band, "S* != 1 and 1 is outside the band: the default becomes S*"
    return 1.0, s_star, band, ("S* = 1" if s_star == 1.0 else "1 is inside the band of S*") + ": the default stays 1"


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: supply_rule.py RUN.out [RUN.out ...]  (stdout files of benchmarks/twin_flaura.py)",
              file=sys.stderr)
        return 2
    runs = [last_json(Path(a)) for a in argv]
    if len({(r["seed"], r["calibration_seed"]) for r in runs}) > 1:
        print("supply_rule: give runs of one cohort seed and one calibration seed", file=sys.stderr)
        return 2
    rows = [comparator_row(run) for run in runs]
    for r in rows:
        print(json.dumps({**r, "admissible": admissible(r), "log_likelihood": round(log_likelihood(r), 3)}))
    default, s_star, band, why = select(rows)
    print(json.dumps({"default_mutation_supply": default, "s_star": s_star, "band": band, "why": why}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
