"""Peer benchmark: the engine against what a competent NumPy user writes in an afternoon.

Two scenarios, each run by a vectorised NumPy exact-leap peer and by the engine's ``leap`` and ``tau`` methods in
the same process (ratios, not absolute times: the machine is shared):

1. the peer reference scenario of ``peer_gillespy2.py`` (sensitive b = 0.14, d = 0.17 under drug, from 1e5 cells; a
   resistant daughter with probability 1e-5 per division; resistant b = 0.14, d = 0.13; 365 days, daily output);
2. the EGFR example ``examples/scenarios/egfr_nsclc.yaml`` (five types, two oral drugs with between-patient PK
   variability, daily doses, a drug-dependent switch; 730 days, output at the end only).

The peers leap every type by the exact law of a linear birth-death process over a step of constant rates (Kendall
1948): from n cells, k ~ Binomial(n, 1 - alpha) lineages survive and hold k + NegativeBinomial(k, 1 - beta) cells, with
alpha = d(e^{rt} - 1)/(b e^{rt} - d) and beta = b(e^{rt} - 1)/(b e^{rt} - d). Mutant arrivals over a step are
Poisson(u * b * integral of the parent), the integral by the trapezoid rule on the step's end points. The peer
scenario's mutants arrive at a uniform time in the step and are leaped over the remainder (--dt, default 1 day); the
EGFR peer evaluates the rates at the step's mid-point concentrations and adds arrivals at the step end (--egfr-dt,
default 0.25 day, so that the daily oral PK is followed).

The engine records what the peers return, the state at the end (and at 0); until session 7 it recorded the peer
scenario daily, which also cut its steps at every day. On the peer scenario the engine runs with ``long_steps=True``
(``--no-long-steps``: the 1-day steps of the default): constant rates, so its own-count leap is exact at any step and
a step lasts until the fastest type has one event per cell (1/0.31 = 3.2 days; docs/engine.md, *Long steps*).

Printed per scenario: trajectories per second and means (figures only), then for each engine against the peer the
agreement of every labelled count and of the total (``oncoresist.engine.agreement.compare_counts``): P(x > 0) by
Fisher's exact test and the whole distribution by a chi-square test on counts binned by quantiles of the pooled
sample, each comparison at family-wise alpha = --alpha (default 0.01, Holm over its tests). Rare-type counts are
heavy-tailed (Luria-Delbrueck-like), so a z-test on their means is not used. SciPy's Anderson-Darling p (clipped to
[0.001, 0.25]) is printed beside them as a figure. Then ``speedup_vs_numpy (<scenario>, <method>): X`` (engine
trajectories/s over the peer's; the engine uses --threads threads, default all cores, the peer one),
``agreement_all: yes|NO`` and last ``speedup_vs_numpy: X``, the smaller of the two scenarios' figures for the first
method.

Usage: python benchmarks/peer_numpy.py [--replicates 20000] [--egfr-replicates 2000] [--dt 1.0] [--seed 2024]
       [--no-long-steps]
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import time
from pathlib import Path

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


def run_engine(scenario: object, n_rep: int, seed: int, method: str, t_end: float, times: list[float] | None,
               threads: int | None, long_steps: bool = False) -> tuple[np.ndarray, float]:
    from oncoresist.engine import simulate

    simulate(scenario, t_end=2.0, engine=method, n_replicates=2, seed=0, long_steps=long_steps)  # compile first
    t0 = time.perf_counter()
    run = simulate(scenario, t_end=t_end, times=times, engine=method, n_replicates=n_rep, seed=seed,
                   n_threads=threads, long_steps=long_steps)  # fmt: skip
    return run.final.astype(float), time.perf_counter() - t0


EGFR = Path(__file__).resolve().parent.parent / "examples" / "scenarios" / "egfr_nsclc.yaml"
EGFR_DAYS = 730.0


def _dose_plan(model: object, t_end: float) -> list[tuple[float, int, float]]:
    """(time, drug, dose) of every dose of the fixed schedule before ``t_end``."""
    plan = []
    sched = list(model.schedule)  # type: ignore[attr-defined]
    for q, (start, j, dose, interval) in enumerate(sched):
        stop = next((t for t, jj, _, _ in sched[q + 1:] if jj == j), t_end)
        if dose > 0:
            plan += [(t, j, dose) for t in np.arange(start, min(stop, t_end), interval)]
    return sorted(plan)


def run_numpy_model(n_rep: int, dt: float, seed: int, t_end: float = EGFR_DAYS) -> tuple[np.ndarray, float]:
    """Vectorised exact-leap peer for a Bliss, oral-PK scenario (the EGFR example), read from the compiled model."""
    from oncoresist.model import compile_scenario, load_scenario

    m = compile_scenario(load_scenario(EGFR))
    rng = np.random.default_rng(seed)
    t0 = time.perf_counter()
    n_t, n_d = m.n_types, m.n_drugs
    sd_cl, sd_v = np.sqrt(np.log1p(m.cv_clearance**2)), np.sqrt(np.log1p(m.cv_volume**2))
    cl = m.clearance * np.exp(rng.normal(size=(n_rep, n_d)) * sd_cl)
    vol = m.volume * np.exp(rng.normal(size=(n_rep, n_d)) * sd_v)
    ke, ka = cl / vol, m.ka
    depot, conc = np.zeros((n_rep, n_d)), np.zeros((n_rep, n_d))
    n = np.tile(m.initial.astype(np.int64), (n_rep, 1))
    plan = _dose_plan(m, t_end)
    dk = 0
    keep = 1.0 - np.bincount(m.div_src, weights=m.div_p, minlength=n_t)

    def pk_at(s: float) -> tuple[np.ndarray, np.ndarray]:
        gap = (np.exp(-ke * s) - np.exp(-ka * s)) / (ka - ke)
        return depot * np.exp(-ka * s), conc * np.exp(-ke * s) + ka * depot / vol * gap

    def hill(c: np.ndarray, ec50: np.ndarray, h: np.ndarray) -> np.ndarray:
        x = (c / ec50) ** h
        return x / (1.0 + x)

    for step in range(round(t_end / dt)):
        t = step * dt
        while dk < len(plan) and plan[dk][0] <= t + 1e-9:
            _, j, dose = plan[dk]
            depot[:, j] += m.bioavailability[j] * dose
            dk += 1
        c = pk_at(0.5 * dt)[1]  # [R, D] mid-step concentrations
        ce = c[:, None, :] * m.exposure[None]  # [R, T, D]
        birth = m.birth * np.prod(1.0 - m.b_emax * hill(ce, m.b_ec50, m.b_hill), axis=2)
        death = m.death + m.immune + np.sum(m.d_emax * hill(ce, m.d_ec50, m.d_hill), axis=2)
        sw = m.sw_off + (m.sw_on - m.sw_off) * hill(c[:, m.sw_drug] * m.exposure[m.sw_src, m.sw_drug], m.sw_ec50,
                                                    m.sw_hill)  # [R, S]  # fmt: skip
        loss = death.copy()
        np.add.at(loss.T, m.sw_src, sw.T)
        lam = birth * keep
        r = lam - loss
        e = np.exp(r * dt)
        den = lam * e - loss
        k = rng.binomial(n, np.clip(r * e / den, 0.0, 1.0))
        beta = np.clip(lam * (e - 1.0) / den, 0.0, 1.0 - 1e-16)
        new = k.copy()
        pos = k > 0
        new[pos] += rng.negative_binomial(k[pos], 1.0 - beta[pos])
        cell_days = 0.5 * (n + new) * dt
        arr = np.zeros_like(n)
        for q in range(m.div_src.size):
            i, j = m.div_src[q], m.div_tgt[q]
            arr[:, j] += rng.poisson(birth[:, i] * m.div_p[q] * cell_days[:, i])
        for q in range(m.sw_src.size):
            arr[:, m.sw_tgt[q]] += rng.poisson(sw[:, q] * cell_days[:, m.sw_src[q]])
        n = new + arr
        depot, conc = pk_at(dt)
    return n.astype(float), time.perf_counter() - t0


def summary(name: str, final: np.ndarray, seconds: float, cols: dict[str, int]) -> tuple[dict[str, np.ndarray], float]:
    """Print throughput and means (figures only); return the labelled counts and the total, and trajectories/s."""
    n = len(final)
    counts = {label: final[:, i] for label, i in cols.items()} | {"total": final.sum(axis=1)}
    parts = [f"{name:22s} n={n:6d} {seconds:8.2f} s {n / seconds:10.1f} traj/s"]
    parts += [f"mean {label}={x.mean():.4g}" for label, x in counts.items()]
    print("  ".join(parts), flush=True)
    return counts, n / seconds


def agreement(a: dict[str, np.ndarray], b: dict[str, np.ndarray], alpha: float) -> bool:
    """Print every count's P(x > 0) and distribution test (Holm at ``alpha``) and the AD figure; True if all agree."""
    from oncoresist.engine.agreement import anderson_darling_p, compare_counts

    result = compare_counts(a, b, alpha=alpha)
    for line in result.lines():
        print(f"  {line}")
    ad = ", ".join(f"{k} {anderson_darling_p(a[k], b[k]):.3g}" for k in a)
    print(f"  Anderson-Darling p (SciPy, clipped to [0.001, 0.25]; a figure, not in the decision): {ad}", flush=True)
    return result.agree


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replicates", type=int, default=20000)
    ap.add_argument("--egfr-replicates", type=int, default=2000)
    ap.add_argument("--dt", type=float, default=1.0, help="peer-scenario peer step in days")
    ap.add_argument("--egfr-dt", type=float, default=0.25, help="EGFR peer step in days")
    ap.add_argument("--threads", type=int, default=None, help="engine threads (default: all cores)")
    ap.add_argument("--methods", nargs="+", default=["leap", "tau"])
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--long-steps", action=argparse.BooleanOptionalAction, default=True,
                    help="engine's long_steps on the peer scenario (constant rates; EGFR has daily doses, unaffected)")
    ap.add_argument("--alpha", type=float, default=0.01, help="family-wise level of each engine-vs-peer comparison")
    args = ap.parse_args()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"python {platform.python_version()}, numpy {np.__version__}; date {time.strftime('%Y-%m-%d')}; "
          f"engine threads {args.threads or os.cpu_count()}, peer 1")  # fmt: skip
    ratios: dict[tuple[str, str], float] = {}
    agree: list[bool] = []
    cols = {"S": 0, "R": 1}
    print("== peer scenario")
    peer, peer_rate = summary("numpy kendall", *run_numpy(args.replicates, args.dt, args.seed), cols)
    for q, method in enumerate(args.methods):
        run = run_engine(SCENARIO, args.replicates, args.seed + 1 + q, method, T_END, [0.0, T_END], args.threads,
                         args.long_steps)  # fmt: skip
        ours, rate = summary(f"oncoresist {method}", *run, cols)
        print(f"agreement numpy vs {method}:")
        agree.append(agreement(peer, ours, args.alpha))
        ratios["peer", method] = rate / peer_rate
    r_s, r_r = B - D_DRUG, B - D_RES  # E[R(T)] = u b N0 e^{r_r T} (1 - e^{-(r_r - r_s) T}) / (r_r - r_s)
    mean_r = U * B * N0 * math.exp(r_r * T_END) * (1 - math.exp(-(r_r - r_s) * T_END)) / (r_r - r_s)
    print(f"closed-form mean R at {T_END:.0f} d: {mean_r:.2f}")
    print(f"== EGFR example ({EGFR.name}, {EGFR_DAYS:.0f} days)")
    cols = {"T790M_C797S": 2, "MET_amp": 3, "SCLC": 4}
    peer, peer_rate = summary("numpy kendall", *run_numpy_model(args.egfr_replicates, args.egfr_dt, args.seed), cols)
    for q, method in enumerate(args.methods):
        run = run_engine(EGFR, args.egfr_replicates, args.seed + 1 + q, method, EGFR_DAYS, [0.0, EGFR_DAYS],
                         args.threads)
        ours, rate = summary(f"oncoresist {method}", *run, cols)
        print(f"agreement numpy vs {method}:")
        agree.append(agreement(peer, ours, args.alpha))
        ratios["egfr", method] = rate / peer_rate
    for (name, method), x in ratios.items():
        print(f"speedup_vs_numpy ({name}, {method}): {x:.2f}")
    print(f"agreement_all: {'yes' if all(agree) else 'NO'} ({len(agree)} comparisons, each at family-wise alpha "
          f"{args.alpha:g}, Holm)")
    main_method = args.methods[0]
    print(f"speedup_vs_numpy: {min(ratios['peer', main_method], ratios['egfr', main_method]):.2f}")


if __name__ == "__main__":
    main()
