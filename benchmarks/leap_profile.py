"""Where the ``leap`` kernel's time goes on the peer scenario: call counts times unit costs.

1. A numba-free mirror (``leap_run.py_func``, the kernel's own Python source) runs a few hundred
   replicates of the peer scenario of ``peer_gillespy2.py`` and records every call of the kernel's
   sampling steps with its arguments: ``lineages(n, P(survive), η)`` split by path (``n ≤ 4`` one
   uniform per cell; ``n > 4``: binomial, then ``K ≤ 8`` geometrics or a negative binomial) and the
   Poisson draws of the arrivals.
2. The recorded argument lists are replayed through the compiled functions (one numba loop per
   path), which gives each path's compiled cost per call on exactly the arguments the run sees.
3. The compiled engine runs the same scenario on one thread; its kernel CPU time per replicate-step minus
   the replayed sampling cost is the rest of the step (rates, bookkeeping, recording, loop). The
   Simulator's construction (per-replicate PCG64 stream rows, PK, packing) is timed apart.
   The compiled run comes first: compiled after the mirror had run, the kernel ran at Python speed.

CPU times are this thread's (``time.thread_time``), so other jobs on the machine inflate them less
than wall time. Usage: python benchmarks/leap_profile.py [--mirror-replicates 300] [--replicates 4000]
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from typing import Any

import numpy as np
from numba import njit
from peer_gillespy2 import SCENARIO, T_END

from oncoresist.engine import Simulator, _leap, _pcg, simulate
from oncoresist.engine import _samplers as smp


def _path(n: int, surv: float, eta: float, k: int) -> str:
    if n <= _leap.SMALL_LINEAGES:
        return "lineages n<=4 (uniform per cell)"
    if eta <= 0.0 or k == 0:
        return "lineages n>4: binomial only"
    if k <= _leap.SMALL_NEGBIN:
        return "lineages n>4: binomial + K<=8 geometrics"
    return "lineages n>4: binomial + negative binomial"


def record_calls(n_rep: int, seed: int) -> tuple[dict[str, list[tuple[Any, ...]]], int]:
    """Run the Python mirror of the kernel and record its sampling calls (and the replicate-steps)."""
    calls: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    orig_lineages, orig_poisson = _leap.lineages, _leap.poisson

    def lineages(rng: np.ndarray, n: int, surv: float, eta: float) -> int:
        probe = rng.copy()  # the replicate's PCG64 state row (engine/_pcg.py) before the call
        out = orig_lineages(rng, n, surv, eta)
        k = smp.binomial(probe, n, surv) if n > _leap.SMALL_LINEAGES else 0  # the K this call drew
        calls[_path(n, surv, eta, k)].append((n, surv, eta))
        return int(out)

    def poisson(rng: np.ndarray, lam: float) -> int:
        calls["arrivals poisson"].append((lam,))
        return int(orig_poisson(rng, lam))

    orig_from = _leap.poisson_inversion_from

    def poisson_from(rng: np.ndarray, lam: float, u: float) -> int:  # an arrival draw the shortcut did not settle
        calls["arrivals poisson"].append((lam,))
        return int(orig_from(rng, lam, u))

    steps = [0]
    orig_run, orig_batch, orig_arrive = _leap.leap_run, _leap.leap_batch, _leap._arrive
    orig_lazy, orig_place = _leap._arrive_lazy, _leap._place

    def run(*args: Any) -> int:
        s = int(orig_run.py_func(*args))
        steps[0] += max(s, 0)
        return s

    _leap.lineages, _leap.poisson, _leap.poisson_inversion_from = lineages, poisson, poisson_from  # py_func globals
    try:
        sim = Simulator(SCENARIO, engine="leap", n_replicates=n_rep, seed=seed, n_threads=1)
        # the batch kernel's Python source calls leap_run; run it as Python too
        _leap.leap_run = run
        _leap.leap_batch, _leap._arrive = orig_batch.py_func, orig_arrive.py_func
        _leap._arrive_lazy, _leap._place = orig_lazy.py_func, orig_place.py_func
        try:
            sim.advance(T_END)
        finally:
            _leap.leap_batch, _leap.leap_run, _leap._arrive = orig_batch, orig_run, orig_arrive
            _leap._arrive_lazy, _leap._place = orig_lazy, orig_place
    finally:
        _leap.lineages, _leap.poisson, _leap.poisson_inversion_from = orig_lineages, orig_poisson, orig_from
    return calls, steps[0]


@njit(error_model="numpy")
def _replay_lineages(rng: np.ndarray, n: np.ndarray, surv: np.ndarray, eta: np.ndarray) -> int:
    s = 0
    for i in range(n.size):
        s += _leap.lineages(rng, n[i], surv[i], eta[i])
    return s


@njit(error_model="numpy")
def _replay_poisson(rng: np.ndarray, lam: np.ndarray) -> int:
    s = 0
    for i in range(lam.size):
        s += _leap.poisson(rng, lam[i])
    return s


def unit_cost(name: str, args: list[tuple[Any, ...]], repeat: int = 20) -> float:
    """Compiled seconds per call on the recorded arguments (replayed ``repeat`` times)."""
    rng = _pcg.seed_states([np.random.SeedSequence(1)])[0].copy()
    cols = list(zip(*args, strict=True))
    if name == "arrivals poisson":
        lam = np.array(cols[0], float)
        _replay_poisson(rng, lam[:2])
        t0 = time.thread_time()
        for _ in range(repeat):
            _replay_poisson(rng, lam)
    else:
        n, surv, eta = np.array(cols[0], np.int64), np.array(cols[1], float), np.array(cols[2], float)
        _replay_lineages(rng, n[:2], surv[:2], eta[:2])
        t0 = time.thread_time()
        for _ in range(repeat):
            _replay_lineages(rng, n, surv, eta)
    return (time.thread_time() - t0) / (repeat * len(args))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mirror-replicates", type=int, default=300)
    ap.add_argument("--replicates", type=int, default=4000)
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()
    simulate(SCENARIO, t_end=2.0, engine="leap", n_replicates=2, seed=0, n_threads=1)  # compile
    t0 = time.thread_time()
    sim = Simulator(SCENARIO, engine="leap", n_replicates=args.replicates, seed=args.seed + 1, n_threads=1)
    t1 = time.thread_time()
    sim.advance(T_END)
    t2 = time.thread_time()
    per_step = (t2 - t1) / (args.replicates * T_END)
    print(f"Simulator construction (PCG64 stream rows, PK, packing): {(t1 - t0) / args.replicates * 1e6:.1f} us "
          f"CPU per replicate = {(t1 - t0) / (args.replicates * T_END) * 1e9:.0f} ns per replicate-step")  # fmt: skip
    print(f"compiled kernel, 1 thread: {per_step * 1e9:.0f} ns CPU per replicate-step "
          f"({args.replicates} replicates x {T_END:.0f} daily steps)")  # fmt: skip
    calls, steps = record_calls(args.mirror_replicates, args.seed)  # after the compiled run (see docstring)
    print(f"mirror: {args.mirror_replicates} replicates, {steps} replicate-steps")
    total = 0.0
    for name in sorted(calls):
        c = unit_cost(name, calls[name])
        per = len(calls[name]) / steps
        total += c * per
        print(f"  {name:45s} {per:6.3f} calls/step x {c * 1e9:6.1f} ns = {c * per * 1e9:6.1f} ns/step "
              f"({100 * c * per / per_step:4.1f}%)")  # fmt: skip
    print(f"  {'rest of the step (rates, bookkeeping, record)':45s} {(per_step - total) * 1e9:38.1f} ns/step "
          f"({100 * (per_step - total) / per_step:4.1f}%)")  # fmt: skip


if __name__ == "__main__":
    main()
