"""How the hybrid tau engine's cost scales with tumour size and replicates.

For a two-type scenario (sensitive cells declining under drug, resistant mutants
arising at division), times ``simulate`` (``leap`` and ``tau``) for initial sizes 1e6 to
1e12 cells and several replicate counts, and compares the engine's leaps per second with
NumPy's rate for the same exact leap: one binomial and one negative-binomial draw per
leap, vectorised, with a different ``n`` in every element as in a real run (a fixed
``(n, p)`` lets NumPy reuse the binomial's setup and overstates the floor).

Usage: python benchmarks/engine_scaling.py [--days 365] [--replicates 10 100 1000] [--methods leap tau]
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np


def scenario(n0: float) -> dict[str, object]:
    return {
        "cell_types": [
            {"name": "S", "initial": n0, "birth": 0.14, "death": 0.13},
            {"name": "R", "initial": 0, "birth": 0.14, "death": 0.13,
             "modifiers": [{"kind": "emax_reduction", "reduction": 1.0}]},
        ],
        "transitions": [{"kind": "mutation", "source": "S", "target": "R", "probability": 1e-9}],
        "drugs": [{"name": "drug", "effect": {"acts_on": "death", "emax": 0.08, "ec50": 1.0}}],
        "treatment": [{"drug": "drug", "start": 0, "dose": 1.0}],
    }  # fmt: skip


def raw_leap_rate(n0: float, size: int = 1_000_000) -> float:
    """NumPy exact leaps per second (one thread, vectorised): Binomial(n, 1 - alpha), then NegBin(k, 1 - beta),
    with every element's n different (spread over a factor 2 around ``n0``)."""
    rng = np.random.default_rng(0)
    n = (n0 * (1.0 + rng.random(size))).astype(np.int64)
    t0 = time.perf_counter()
    k = rng.binomial(n, 0.85)
    k[k > 0] += rng.negative_binomial(k[k > 0], 0.88)
    return size / (time.perf_counter() - t0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=float, default=365.0)
    ap.add_argument("--replicates", type=int, nargs="+", default=[10, 100, 1000])
    ap.add_argument("--methods", nargs="+", default=["leap", "tau"])
    args = ap.parse_args()
    from oncoresist.engine import simulate
    from oncoresist.engine.simulator import DEFAULT_DT, DEFAULT_LEAP_DT

    cores = os.cpu_count() or 1
    print(f"machine: {platform.machine()}, {cores} cores; date {time.strftime('%Y-%m-%d')}; {args.days:g} days, "
          f"daily output; steps: tau dt={DEFAULT_DT}, leap dt={DEFAULT_LEAP_DT} (cut at daily outputs)")  # fmt: skip
    for method in args.methods:
        simulate(scenario(1e6), t_end=2.0, engine=method, n_replicates=2, seed=0)  # compile
    print(f"{'method':>6} {'N0':>8} {'reps':>6} {'seconds':>9} {'traj/s':>9} {'leaps/s':>11} {'numpy leaps/s':>14} "
          f"{'% of numpy x cores':>19}")  # fmt: skip
    for n0 in (1e6, 1e8, 1e10, 1e12):
        raw = raw_leap_rate(n0)
        for method in args.methods:
            step = DEFAULT_DT if method == "tau" else min(DEFAULT_LEAP_DT, 1.0)
            for reps in args.replicates:
                t0 = time.perf_counter()
                res = simulate(scenario(n0), t_end=args.days, engine=method, n_replicates=reps, seed=1)
                sec = time.perf_counter() - t0
                leaps = reps * args.days / step  # leaps of the large type per replicate: days / step
                print(f"{method:>6} {n0:8.0e} {reps:6d} {sec:9.3f} {reps / sec:9.1f} {leaps / sec:11.3g} "
                      f"{raw:14.3g} {100 * leaps / sec / (cores * raw):18.1f}%")  # fmt: skip
                assert res.final.min() >= 0


if __name__ == "__main__":
    main()
