"""The rule that decides whether T790M's measured pre-treatment clone size becomes the twin's default (t790m10 pass,
docs/trials.md). Written and committed before any run of the grid.

Grid: ``benchmarks/twin_flaura.py --patients 300 --seed S [--measured-preexisting on] [--route-correlation 0.5]``
for S in 11, 12, 13 (calibration seed 0, 400 patients, every other flag at its default). A *variant* is one
(measured on/off, rho) pair. The rule reads only comparator-arm quantities (continuous erlotinib); nothing of the
osimertinib arm and nothing of the AURA3 second-line check enters it.

A run **passes** when all four hold:

1. the joint fit converged (``calibration_converged``);
2. the erlotinib arm's KM median is within 1 month of FLAURA's comparator median, 10.2 months (PMID:29151359; the
   comparator's 95% CI is not stored in ``outcomes.yaml``, so the brief's fallback applies): 9.2 <= median <= 11.2;
3. its objective response is within 2.1 points of 76% (0.739 <= ORR <= 0.781);
4. T790M's share of the erlotinib arm's acquired-resistance progressions (``acquired_resistance_shares``, the
   rebiopsy denominator of ``twin.rebiopsy``: progressions without an identified mechanism counted) is inside
   Yu et al. 2013's 95% CI, 0.55-0.70 (PMID:23470965).

A variant is **admissible** when at least 2 of its 3 seeds pass. Among admissible variants the rule picks the one
with the highest comparator log-likelihood summed over its seeds, ``log Bin(211 | 278, ORR) + log Bin(98 | 155,
T790M share)`` (the supply9 score, ``supply_rule.log_likelihood``). The new option becomes the default for twins
whose knowledge has a measured prevalence only if the picked variant has it on; rho stays a flag (its default is
1) unless the picked variant has rho 0.5. If no variant is admissible the defaults stay as they are.

Usage::

    .venv/bin/python benchmarks/t790m10_rule.py RUN.out [RUN.out ...]   # each: a twin_flaura.py stdout
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from rho_rule import last_json
from supply_rule import comparator_row, log_likelihood

MEDIAN = (9.2, 11.2)
ORR = (0.76 - 0.021, 0.76 + 0.021)
T790M = (0.55, 0.70)


def row(run: dict[str, Any]) -> dict[str, Any]:
    r = comparator_row(run)
    return {**r, "seed": run["seed"], "measured": bool(run.get("measured_preexisting", False)),
            "rho": float(run.get("route_correlation") or 1.0)}


def passes(r: dict[str, Any]) -> bool:
    med = r["erlotinib_median"][0]
    return bool(r["converged"] and MEDIAN[0] <= med <= MEDIAN[1] and ORR[0] <= r["orr"] <= ORR[1]
                and T790M[0] <= r["t790m_share"] <= T790M[1])


def select(rows: list[dict[str, Any]]) -> tuple[tuple[bool, float] | None, dict[tuple[bool, float], Any]]:
    by: dict[tuple[bool, float], list[dict[str, Any]]] = {}
    for r in rows:
        by.setdefault((r["measured"], r["rho"]), []).append(r)
    table = {k: {"seeds": sorted(x["seed"] for x in v), "passed": sum(passes(x) for x in v),
                 "log_likelihood": round(sum(log_likelihood(x) for x in v), 3)} for k, v in by.items()}
    ok = [k for k, v in table.items() if v["passed"] >= 2]
    return (max(ok, key=lambda k: table[k]["log_likelihood"]) if ok else None), table


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: t790m10_rule.py RUN.out [RUN.out ...]  (stdout files of benchmarks/twin_flaura.py)",
              file=sys.stderr)
        return 2
    rows = [row(last_json(Path(a))) for a in argv]
    for r in rows:
        print(json.dumps({**r, "passes": passes(r), "log_likelihood": round(log_likelihood(r), 3)}))
    best, table = select(rows)
    for (m, rho), v in sorted(table.items()):
        print(json.dumps({"measured": m, "rho": rho, **v, "admissible": v["passed"] >= 2}))
    print(json.dumps({"selected": None if best is None else {"measured": best[0], "rho": best[1]},
                      "why": "no admissible variant: defaults unchanged" if best is None
                      else "highest comparator log-likelihood among admissible variants"}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
