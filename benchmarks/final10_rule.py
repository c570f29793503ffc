"""A sampling-aware comparator rule for the FLAURA twin's default path (final10 pass, docs/trials.md).

Written and committed before any run of its grid, but **after** share10's grid was seen: t790m10's rule
(``t790m10_rule.py``) rejected measured on / rho 0.5 / likelihood on the response alone (78.3-79.7% against a band of
76 +/- 2.1 points, narrower than the sampling SD of a 300-patient arm's ORR, 2.5 points), and that near-miss is what
motivated this rule. It is therefore run on cohort seeds never used before (14, 15, 16) and on the whole rho grid.

Grid: ``benchmarks/twin_flaura.py --patients 300 --seed S --share-fit likelihood --measured-preexisting on
[--route-correlation RHO]`` for RHO in 1 (no flag), 0.75, 0.5, 0.25 and S in 14, 15, 16 (calibration seed 0, 400
patients, every other flag at its default). A *variant* is one (measured, share fit, rho) triple. The rule reads
only comparator-arm quantities (continuous erlotinib): nothing of the osimertinib arm and nothing of the AURA3
second-line check enters it.

A run **passes** when all four hold:

1. the joint fit converged (``calibration_converged``);
2. FLAURA's comparator median, 10.2 months (PMID:29151359), lies inside the simulated erlotinib arm's KM median 95% CI
   (``erlotinib_median_months.model[1:]``);
3. FLAURA's comparator ORR, 76%, lies inside the 95% Wilson interval of the simulated erlotinib ORR (x = ORR x n
   responders of n = ``patients_per_arm``);
4. T790M's share of the erlotinib arm's acquired-resistance progressions (rebiopsy denominator) lies inside Yu et
   al. 2013's 95% CI, 0.55-0.70 (PMID:23470965).

A variant is **admissible** when at least 2 of its 3 seeds pass. Among admissible variants the rule selects the one
with the highest comparator log-likelihood summed over its seeds: ``log Bin(211 | 278, ORR) + log Bin(98 | 155,
T790M share)`` plus, for every share the calibration fitted (``fitted_shares`` with role ``fitted``: Yu 2013's ERBB2
amplification 3/24, MET amplification 4/75, small-cell 4/155, PIK3CA 0/88), ``log Bin(k | n, the erlotinib arm's
share)``. Ties (equal to 3 decimals) go to the larger rho (fewer assumptions). No admissible variant: nothing is
selected. Runs whose JSON has no ``fitted_shares`` (before share10) are scored on ORR and T790M alone, and a set mixing
the two is refused (the sums would not be comparable).

Usage::

    .venv/bin/python benchmarks/final10_rule.py RUN.out [RUN.out ...]   # each: a twin_flaura.py stdout
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

from rho_rule import last_json
from supply_rule import COMPARATOR_MEDIAN, RESPONSE, YU_T790M
from t790m10_rule import T790M
from t790m10_rule import row as t790m10_row

ORR_TARGET = 0.76
Z95 = 1.959963984540054


def wilson(x: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of x successes in n trials."""
    p, z2 = x / n, z * z
    den = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / den
    return centre - half, centre + half


def binomial_ll(k: float, n: int, p: float) -> float:
    """log Binomial(k | n, p) with full constants; p = 0 or 1 gives 0 where k allows it, else -inf."""
    x = round(k)
    if p <= 0:
        return 0.0 if x == 0 else -math.inf
    if p >= 1:
        return 0.0 if x == n else -math.inf
    return (math.lgamma(n + 1) - math.lgamma(x + 1) - math.lgamma(n - x + 1)
            + x * math.log(p) + (n - x) * math.log(1 - p))


def row(run: dict[str, Any]) -> dict[str, Any]:
    """t790m10's comparator row plus the share fit, the arm size and the fitted shares' counts on the erlotinib arm."""
    fs = run.get("fitted_shares")
    fitted = None if fs is None else [
        {"cell_type": f["cell_type"], "k": f["k"], "n": int(f["n"]), "erlotinib_arm": float(f["erlotinib_arm"])}
        for f in fs if f.get("role") == "fitted"]
    return {**t790m10_row(run), "share_fit": str(run.get("share_fit") or "point"),
            "calibration_seed": run.get("calibration_seed"), "n": int(run["patients_per_arm"]), "fitted": fitted}


def criteria(r: dict[str, Any]) -> dict[str, bool]:
    """The four criteria of the module, each by name."""
    med = r["erlotinib_median"]
    lo, hi = wilson(round(r["orr"] * r["n"]), r["n"])
    return {"converged": bool(r["converged"]),
            "median_ci": bool(med[1] <= COMPARATOR_MEDIAN <= med[2]),
            "orr_wilson": bool(lo <= ORR_TARGET <= hi),
            "t790m_yu": bool(T790M[0] <= r["t790m_share"] <= T790M[1])}


def passes(r: dict[str, Any]) -> bool:
    return all(criteria(r).values())


def log_likelihood(r: dict[str, Any]) -> float:
    ll = binomial_ll(RESPONSE[0], RESPONSE[1], r["orr"]) + binomial_ll(YU_T790M[0], YU_T790M[1], r["t790m_share"])
    return ll + sum(binomial_ll(f["k"], f["n"], f["erlotinib_arm"]) for f in r["fitted"] or [])


Variant = tuple[bool, str, float]


def select(rows: list[dict[str, Any]]) -> tuple[Variant | None, dict[Variant, dict[str, Any]]]:
    by: dict[Variant, list[dict[str, Any]]] = {}
    for r in rows:
        by.setdefault((r["measured"], r["share_fit"], r["rho"]), []).append(r)
    table = {k: {"seeds": sorted(x["seed"] for x in v), "passed": sum(passes(x) for x in v),
                 "log_likelihood": round(sum(log_likelihood(x) for x in v), 3)} for k, v in by.items()}
    ok = [k for k, v in table.items() if v["passed"] >= 2]
    best = max(ok, key=lambda k: (table[k]["log_likelihood"], k[2])) if ok else None
    return best, table


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: final10_rule.py RUN.out [RUN.out ...]  (stdout files of benchmarks/twin_flaura.py)",
              file=sys.stderr)
        return 2
    rows = [row(last_json(Path(a))) for a in argv]
    if len({r["calibration_seed"] for r in rows}) > 1:
        print("final10_rule: give runs of one calibration seed (--cal-seed)", file=sys.stderr)
        return 2
    if len({r["fitted"] is None for r in rows}) > 1:
        print("final10_rule: some runs store fitted_shares and some do not; apply the rule to each set apart",
              file=sys.stderr)
        return 2
    for r in rows:
        print(json.dumps({k: v for k, v in r.items() if k != "fitted"} | {
            "criteria": criteria(r), "passes": passes(r), "log_likelihood": round(log_likelihood(r), 3),
            "fitted_scored": None if r["fitted"] is None else [f["cell_type"] for f in r["fitted"]]}))
    best, table = select(rows)
    for (m, fit, rho), v in sorted(table.items()):
        print(json.dumps({"measured": m, "share_fit": fit, "rho": rho, **v, "admissible": v["passed"] >= 2}))
    print(json.dumps({"selected": None if best is None else {"measured": best[0], "share_fit": best[1],
                                                              "rho": best[2]},
                      "why": "no admissible variant" if best is None
                      else "highest summed comparator log-likelihood among admissible variants (ties: larger rho)"}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
