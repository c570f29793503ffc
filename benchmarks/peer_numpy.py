"""Peer benchmark: the engine against what a competent NumPy user writes in an afternoon.

Same reference scenario as ``peer_gillespy2.py`` (sensitive b = 0.14, d = 0.17 under drug, from 1e5 cells;
a resistant daughter with probability 1e-5 per division; resistant b = 0.14, d = 0.13; 365 days).

The peer is vectorised over replicates and uses the exact leap of a linear birth-death process over a step
of constant rates (Kendall 1948): from n cells, k ~ Binomial(n, 1 - alpha) lineages survive and the lineages hold
k + NegativeBinomial(k, 1 - beta) cells, with alpha = d(e^{rt} - 1)/(b e^{rt} - d) and
beta = b(e^{rt} - 1)/(b e^{rt} - d). Mutant arrivals over a step are Poisson(u * b * integral of S), the integral
by the trapezoid rule on the step's end points (an approximation, stated; the step is --dt days).

Printed: means and P(R > 0) for both, a two-proportion z for P(R > 0) and Welch z for mean R, trajectories per
second, and last ``speedup_vs_numpy: X`` (engine ``tau`` trajectories/s over the peer's, same run, same machine).

Usage: python benchmarks/peer_numpy.py [--replicates 20000] [--dt 1.0] [--seed 2024]
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import time

import numpy as np
from peer_gillespy2 import D_DRUG, D_RES, N0, SCENARIO, T_END, B, U


def kendall_leap(rng: np.random.Generator, n: np.ndarray, b: float, d: float, t: float) -> np.ndarray:
    """Exact descendants of n cells of a linear birth-death process after time t (vectorised)."""
    r = b - d
    e = math.exp(r * t)
    denom = b * e - d
    alpha = d * (e - 1.0) / denom
    beta = b * (e - 1.0) / denom
    k = rng.binomial(n, 1.0 - alpha)
    out = k.copy()
    pos = k > 0
    out[pos] += rng.negative_binomial(k[pos], 1.0 - beta)
    return out


def run_numpy(n_rep: int, dt: float, seed: int) -> tuple[np.ndarray, float]:
    rng = np.random.default_rng(seed)
    s = np.full(n_rep, N0, dtype=np.int64)
    res = np.zeros(n_rep, dtype=np.int64)
    steps = round(T_END / dt)
    t0 = time.perf_counter()
    for _ in range(steps):
        s_new = kendall_leap(rng, s, B, D_DRUG, dt)
        res = kendall_leap(rng, res, B, D_RES, dt)
        lam = U * B * 0.5 * (s + s_new) * dt
        arrivals = rng.poisson(lam)
        if arrivals.any():  # a new mutant arrives at a uniform time in the step: leap it over the remainder
            idx = np.nonzero(arrivals)[0]
            for i in idx:
                for _k in range(int(arrivals[i])):
                    rest = dt * rng.random()
                    res[i] += kendall_leap(rng, np.array([1], dtype=np.int64), B, D_RES, rest)[0]
        s = s_new
    seconds = time.perf_counter() - t0
    return np.stack([s, res], axis=1).astype(float), seconds


def run_engine(n_rep: int, seed: int) -> tuple[np.ndarray, float]:
    from oncoresist.engine import simulate

    simulate(SCENARIO, t_end=2.0, engine="tau", n_replicates=2, seed=0)  # compile outside the timing
    t0 = time.perf_counter()
    run = simulate(SCENARIO, t_end=T_END, engine="tau", n_replicates=n_rep, seed=seed)
    return run.final.astype(float), time.perf_counter() - t0


def summary(name: str, final: np.ndarray, seconds: float) -> dict[str, float]:
    n = len(final)
    row = {"n": n, "traj_per_s": n / seconds, "mean_R": float(final[:, 1].mean()),
           "var_R": float(final[:, 1].var(ddof=1)), "p_R": float(np.mean(final[:, 1] > 0))}  # fmt: skip
    print(f"{name:18s} n={n:6d} {seconds:8.2f} s {row['traj_per_s']:10.1f} traj/s  mean S={final[:, 0].mean():9.2f}  "
          f"mean R={row['mean_R']:9.2f}  P(R>0)={row['p_R']:.4f}", flush=True)  # fmt: skip
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replicates", type=int, default=20000)
    ap.add_argument("--dt", type=float, default=1.0, help="peer step in days")
    ap.add_argument("--seed", type=int, default=2024)
    args = ap.parse_args()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"python {platform.python_version()}, numpy {np.__version__}; date {time.strftime('%Y-%m-%d')}")  # fmt: skip
    peer = summary("numpy kendall", *run_numpy(args.replicates, args.dt, args.seed))
    ours = summary("oncoresist tau", *run_engine(args.replicates, args.seed + 1))
    p = (peer["p_R"] + ours["p_R"]) / 2
    z_p = (peer["p_R"] - ours["p_R"]) / math.sqrt(max(p * (1 - p) * 2 / args.replicates, 1e-12))
    z_m = (peer["mean_R"] - ours["mean_R"]) / math.sqrt((peer["var_R"] + ours["var_R"]) / args.replicates)
    r_s, r_r = B - D_DRUG, B - D_RES  # E[R(T)] = u b N0 e^{r_r T} (1 - e^{-(r_r - r_s) T}) / (r_r - r_s)
    mean_r = U * B * N0 * math.exp(r_r * T_END) * (1 - math.exp(-(r_r - r_s) * T_END)) / (r_r - r_s)
    print(f"closed-form mean R at {T_END:.0f} d: {mean_r:.2f}")
    print(f"agreement: P(R>0) z={z_p:+.2f}, mean R z={z_m:+.2f} (|z| < 3 expected when both are right)")
    print(f"speedup_vs_numpy: {ours['traj_per_s'] / peer['traj_per_s']:.2f}")


if __name__ == "__main__":
    main()
