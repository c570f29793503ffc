"""How the hybrid tau engine's cost scales with tumour size and replicates.

For a two-type scenario (sensitive cells declining under drug, resistant mutants
arising at division), times ``simulate(engine="tau")`` for initial sizes 1e6 to
1e12 cells and several replicate counts, and compares the engine's random-draw
throughput with the machine's raw NumPy binomial-draw rate (the cost floor of any
leaping method).

Usage: python benchmarks/engine_scaling.py [--days 365] [--replicates 10 100 1000]
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


def raw_binomial_rate(n: int = 10**9) -> float:
    """Binomial draws per second from NumPy (one thread, vectorised)."""
    rng = np.random.default_rng(0)
    size = 2_000_000
    rng.binomial(n, 0.3, size=1000)
    t0 = time.perf_counter()
    rng.binomial(n, 0.3, size=size)
    return size / (time.perf_counter() - t0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=float, default=365.0)
    ap.add_argument("--replicates", type=int, nargs="+", default=[10, 100, 1000])
    args = ap.parse_args()
    from oncoresist.engine import simulate
    from oncoresist.engine.simulator import DEFAULT_DT

    cores = os.cpu_count() or 1
    print(f"machine: {platform.machine()}, {cores} cores; date {time.strftime('%Y-%m-%d')}; {args.days:g} days, "
          f"daily output, dt={DEFAULT_DT}")  # fmt: skip
    simulate(scenario(1e6), t_end=2.0, engine="tau", n_replicates=2, seed=0)  # compile
    raw = raw_binomial_rate()
    print(f"raw numpy binomial rate (1 thread): {raw / 1e6:.1f} M draws/s; machine ({cores} threads): "
          f"{cores * raw / 1e6:.1f} M draws/s")  # fmt: skip
    print(f"{'N0':>8} {'reps':>6} {'seconds':>9} {'traj/s':>9} {'steps/s':>11} {'draws/s':>11} {'% of raw':>9}")
    for n0 in (1e6, 1e8, 1e10, 1e12):
        for reps in args.replicates:
            t0 = time.perf_counter()
            res = simulate(scenario(n0), t_end=args.days, engine="tau", n_replicates=reps, seed=1)
            sec = time.perf_counter() - t0
            steps = reps * args.days / DEFAULT_DT  # leaps per replicate: days / dt
            draws = steps * 3  # binomial, negative binomial and Poisson per step (the large type)
            print(f"{n0:8.0e} {reps:6d} {sec:9.3f} {reps / sec:9.1f} {steps / sec:11.3g} {draws / sec:11.3g} "
                  f"{100 * draws / sec / (cores * raw):8.1f}%")  # fmt: skip
            assert res.final.min() >= 0


if __name__ == "__main__":
    main()
