"""Peer benchmark: oncoresist engines against GillesPy2 on the reference scenario.

Reference scenario: sensitive cells (b = 0.14, d = 0.17 per day under drug) from
1e5 cells; at each division a resistant daughter with probability 1e-5
(resistant b = 0.14, d = 0.13); 365 days; daily output.

Runs GillesPy2's C++ SSA and C++ tau-leaping solvers and oncoresist's ssa, leap, tau
and ode engines in the same process, prints mean final sizes (figures) and tests each run against
``leap`` (``oncoresist.engine.agreement.compare_counts``: P(x > 0) by Fisher's exact test and the whole
distribution by a chi-square test on pooled-quantile bins, for S and R; family-wise alpha 0.01 per
comparison, Holm), and prints trajectories per second and the speed-ups over each GillesPy2 solver
separately (``speedup_vs_gillespy2 (<solver>, <engine>): X``). The last line is
``speedup_vs_gillespy2: X``: oncoresist ``leap`` over GillesPy2's exact C++ SSA
(``SSACSolver``), per trajectory.

GillesPy2 compiles its C++ solvers with SCons run by the base interpreter; in a
virtual environment install ``scons`` and put the environment's site-packages on
PYTHONPATH.

Usage: PYTHONPATH=.venv/lib/python3.11/site-packages python benchmarks/peer_gillespy2.py
       [--replicates 1000] [--ssa-replicates 100] [--gillespy2-tau-replicates 20]
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import time

import numpy as np

B, D_DRUG, D_RES, U, N0, T_END = 0.14, 0.17, 0.13, 1e-5, 100_000, 365.0

SCENARIO = {
    "name": "peer_reference",
    "cell_types": [
        {"name": "sensitive", "initial": N0, "birth": B, "death": 0.13},
        {"name": "resistant", "initial": 0, "birth": B, "death": D_RES,
         "modifiers": [{"kind": "emax_reduction", "reduction": 1.0}]},
    ],
    "transitions": [{"kind": "mutation", "source": "sensitive", "target": "resistant", "probability": U}],
    "drugs": [{"name": "drug", "effect": {"acts_on": "death", "emax": 0.08, "ec50": 1.0}}],
    "treatment": [{"drug": "drug", "start": 0, "dose": 1.0}],
}  # fmt: skip
"""Drug at constant exposure c = EC50 adds 0.08·1/2 = 0.04/day: sensitive death 0.17."""


def gillespy2_model(gillespy2):  # type: ignore[no-untyped-def]
    m = gillespy2.Model(name="peer_reference")
    m.add_parameter([
        gillespy2.Parameter(name="b_keep", expression=B * (1 - U)),
        gillespy2.Parameter(name="b_mut", expression=B * U),
        gillespy2.Parameter(name="d_s", expression=D_DRUG),
        gillespy2.Parameter(name="b_r", expression=B),
        gillespy2.Parameter(name="d_r", expression=D_RES),
    ])  # fmt: skip
    s = gillespy2.Species(name="S", initial_value=N0, mode="discrete")
    r = gillespy2.Species(name="R", initial_value=0, mode="discrete")
    m.add_species([s, r])
    m.add_reaction([
        gillespy2.Reaction(name="s_birth", reactants={s: 1}, products={s: 2}, rate="b_keep"),
        gillespy2.Reaction(name="s_mut", reactants={s: 1}, products={s: 1, r: 1}, rate="b_mut"),
        gillespy2.Reaction(name="s_death", reactants={s: 1}, products={}, rate="d_s"),
        gillespy2.Reaction(name="r_birth", reactants={r: 1}, products={r: 2}, rate="b_r"),
        gillespy2.Reaction(name="r_death", reactants={r: 1}, products={}, rate="d_r"),
    ])  # fmt: skip
    m.timespan(gillespy2.TimeSpan.linspace(t=T_END, num_points=int(T_END) + 1))
    return m


def summarise(name: str, final: np.ndarray, seconds: float, n: int) -> dict[str, object]:
    row: dict[str, object] = {
        "name": name, "n": n, "seconds": seconds, "traj_per_s": n / seconds, "final": final,
        "mean_S": float(final[:, 0].mean()), "mean_R": float(final[:, 1].mean()),
        "p_R": float(np.mean(final[:, 1] > 0)),
    }  # fmt: skip
    print(f"{name:24s} n={n:5d}  {seconds:8.2f} s  {row['traj_per_s']:10.1f} traj/s  "
          f"mean S={row['mean_S']:8.2f}  mean R={row['mean_R']:8.2f}  P(R>0)={row['p_R']:.3f}", flush=True)  # fmt: skip
    return row


def run_gillespy2(solver_name: str, n: int, seed: int) -> dict[str, object] | None:
    try:
        import gillespy2
    except ImportError:
        print("gillespy2 not installed: pip install gillespy2")
        return None
    model = gillespy2_model(gillespy2)
    solver_cls = getattr(gillespy2, solver_name)
    try:
        solver = solver_cls(model=model)  # compiles the C++ solver
        t0 = time.perf_counter()
        res = model.run(solver=solver, number_of_trajectories=n, seed=seed)
        seconds = time.perf_counter() - t0
    except Exception as exc:  # report any solver failure and go on
        print(f"GillesPy2 {solver_name} failed: {exc}")
        return None
    final = np.array([[traj["S"][-1], traj["R"][-1]] for traj in res])
    return summarise(f"gillespy2 {solver_name}", final, seconds, n)


def run_oncoresist(engine: str, n: int, seed: int) -> dict[str, object]:
    from oncoresist.engine import simulate

    simulate(SCENARIO, t_end=2.0, engine=engine, n_replicates=2, seed=0)  # compile outside the timing
    t0 = time.perf_counter()
    res = simulate(SCENARIO, t_end=T_END, engine=engine, n_replicates=n, seed=seed)
    seconds = time.perf_counter() - t0
    return summarise(f"oncoresist {engine}", res.final.astype(float), seconds, n)


def agree(a: dict[str, object], b: dict[str, object], alpha: float = 0.01) -> str:
    """P(x > 0) and the distribution of S and R, ``a`` against ``b`` (Holm at ``alpha``); the two-proportion z
    for P(R > 0) of the earlier runs is kept as a figure."""
    from oncoresist.engine.agreement import compare_counts

    fa, fb = np.asarray(a["final"]), np.asarray(b["final"])
    pa, pb, na, nb = float(np.mean(fa[:, 1] > 0)), float(np.mean(fb[:, 1] > 0)), len(fa), len(fb)
    p = (pa * na + pb * nb) / (na + nb)
    z_p = (pa - pb) / math.sqrt(max(p * (1 - p) * (1 / na + 1 / nb), 1e-12))
    result = compare_counts({"S": fa[:, 0], "R": fa[:, 1]}, {"S": fb[:, 0], "R": fb[:, 1]}, alpha=alpha)
    lines = "\n  ".join(result.lines())
    return f"{a['name']} vs {b['name']}: P(R>0) z={z_p:+.2f}\n  {lines}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replicates", type=int, default=1000, help="trajectories for the tau solvers")
    ap.add_argument("--ssa-replicates", type=int, default=100, help="trajectories for the exact SSA solvers")
    ap.add_argument("--gillespy2-tau-replicates", type=int, default=20,
                    help="trajectories for GillesPy2's tau-leaping solver (slow on this model)")
    ap.add_argument("--seed", type=int, default=2024)
    args = ap.parse_args()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"python {platform.python_version()}; date {time.strftime('%Y-%m-%d')}")  # fmt: skip
    rows = []
    for solver, n in (("SSACSolver", args.ssa_replicates), ("TauLeapingCSolver", args.gillespy2_tau_replicates)):
        row = run_gillespy2(solver, n, args.seed)
        if row:
            rows.append(row)
    ours = {"ssa": run_oncoresist("ssa", args.ssa_replicates, args.seed),
            "leap": run_oncoresist("leap", args.replicates, args.seed),
            "tau": run_oncoresist("tau", args.replicates, args.seed),
            "ode": run_oncoresist("ode", 1, args.seed)}  # fmt: skip
    ode = ours["ode"]
    print(f"ode mean field: S={ode['mean_S']:.2f}, R={ode['mean_R']:.2f}")
    for a in [*rows, ours["ssa"], ours["tau"]]:
        print(agree(a, ours["leap"]))
    for g in rows:
        for engine in ("ssa", "leap", "tau"):
            x = ours[engine]["traj_per_s"] / g["traj_per_s"]
            print(f"speedup_vs_gillespy2 ({g['name'].split()[-1]}, {engine}): {x:.1f}")
    gssa = next((r for r in rows if "SSACSolver" in r["name"]), None)
    if gssa is None:
        print("speedup_vs_gillespy2: n/a (GillesPy2's C++ SSA did not run)")
        return
    print(f"speedup_vs_gillespy2: {ours['leap']['traj_per_s'] / gssa['traj_per_s']:.1f}")


if __name__ == "__main__":
    main()
