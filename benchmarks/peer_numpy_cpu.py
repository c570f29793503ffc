"""Per-thread CPU-time ratio of the engine's ``leap`` to the NumPy peer on the peer scenario.

The wall-clock ratio of ``peer_numpy.py`` is set by the scheduler on a loaded machine; this script times
both sides by this thread's CPU time (``time.thread_time``), the engine on one thread (``n_threads=1`` runs
in the calling thread), so the figure is what one core does whatever else runs. Simulator construction
(seed streams, generators) is included, as it is in ``simulate()``. As in ``peer_numpy.py`` (session 7) the engine
records only what the peer returns (the state at 0 and at the end) and uses ``long_steps`` (``--no-long-steps``: off).

Usage (from benchmarks/): python peer_numpy_cpu.py [--replicates 3000] [--repeats 3] [--seed 0] [--no-long-steps]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from peer_gillespy2 import SCENARIO, T_END
from peer_numpy import run_numpy

from oncoresist.engine import simulate


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replicates", type=int, default=3000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--long-steps", action=argparse.BooleanOptionalAction, default=True)
    args = ap.parse_args()
    n = args.replicates
    simulate(SCENARIO, t_end=2.0, engine="leap", n_replicates=2, seed=0, n_threads=1, long_steps=True)  # compile
    ratios = []
    for rep in range(args.repeats):
        c0 = time.thread_time()
        run_numpy(n, 1.0, args.seed + 7 + rep)
        c1 = time.thread_time()
        res = simulate(SCENARIO, t_end=T_END, times=[0.0, T_END], engine="leap", n_replicates=n, seed=args.seed + rep,
                       n_threads=1, long_steps=args.long_steps)  # fmt: skip
        c2 = time.thread_time()
        ratios.append((c1 - c0) / (c2 - c1))
        final = res.final
        print(f"numpy {n / (c1 - c0):8.0f} traj/CPU-s  leap (1 thread) {n / (c2 - c1):8.0f} traj/CPU-s  "
              f"ratio {ratios[-1]:.2f}  leap P(R>0) {np.mean(final[:, 1] > 0):.3f} mean R {final[:, 1].mean():.1f}",
              flush=True)  # fmt: skip
    print(f"cpu_ratio_vs_numpy_per_thread: median {float(np.median(ratios)):.2f} (min {min(ratios):.2f}, "
          f"max {max(ratios):.2f})")  # fmt: skip


if __name__ == "__main__":
    main()
