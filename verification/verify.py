"""Statistical verification of oncoresist against published and closed-form reference results.

Modelled on msprime's ``verification.py`` (STYLE.md §1): slow, run before a release rather than in
CI, one class per reference, each writing its figures to ``<outdir>/<Class>/`` and returning
numbers with the reference they are compared against.

    python verification/verify.py --list
    python verification/verify.py                      # everything (what `make verify` runs)
    python verification/verify.py -c BozicTwoDrug -c LuriaDelbruck --num-threads 8
    python verification/verify.py --quick              # smaller sizes, for a smoke run

Exit status 1 when any check fails. Results are also written to ``<outdir>/results.json``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))


@dataclass
class Check:
    name: str
    value: float
    reference: float
    tolerance: float
    source: str
    note: str = ""

    @property
    def passed(self) -> bool:
        return bool(abs(self.value - self.reference) <= self.tolerance)


@dataclass
class Outcome:
    test: str
    checks: list[Check] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)


def _plt() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


class Test:
    """Base class: ``run`` returns an :class:`Outcome`; figures go to ``self.outdir``."""

    seed: ClassVar[int] = 20261201

    def __init__(self, outdir: Path, *, quick: bool = False, num_threads: int | None = None,
                 engine: str = "auto") -> None:
        self.outdir = outdir / type(self).__name__
        self.outdir.mkdir(parents=True, exist_ok=True)
        self.quick = quick
        self.num_threads = num_threads
        self.engine = engine

    def save(self, fig: Any, name: str, outcome: Outcome) -> None:
        from oncoresist._io import atomic_path

        path = self.outdir / f"{name}.png"
        with atomic_path(path, suffix=".png") as tmp:
            fig.savefig(tmp, dpi=110, bbox_inches="tight")
        _plt().close(fig)
        outcome.figures.append(str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path))

    def run(self) -> Outcome:  # pragma: no cover - interface
        raise NotImplementedError


# ---------------------------------------------------------------------------------------------
class BozicTwoDrug(Test):
    """Bozic et al. 2013 (eLife 2:e00747, eq. 1 and Table 1): dual therapy fails in most lesions
    of M = 1e9 cells when one cross-resistance mutation exists (n12 = 1).

    Full-size simulation: each lesion grows from ONE sensitive cell to M = 1e9 cells (b = 0.14,
    d = 0.13 per day, point mutation rate u = 1e-9 per division, n1 = n2 = 50 single-drug and n12
    cross-resistance mutations), then both drugs raise the death of every cell that is sensitive
    to at least one of them to d' = 0.17 for 1500 days. Failure = a dual-resistant lineage of at
    least 100 cells at the end (it then goes extinct with probability (d/b)^100 < 1e-3). Lesions
    whose founding lineage dies out are not detected and not counted, as in the paper. The
    analytic eq. (1) is evaluated at each lesion's own size at detection (detection is checked
    daily, so lesions overshoot M by at most ~1%).
    """

    B, D, D_TREAT, U, N1, N2 = 0.14, 0.13, 0.17, 1e-9, 50, 50
    M = 1e9

    @classmethod
    def p_erad(cls, m: float, n12: int) -> float:
        """Eq. (1): p_erad = p1↑ p1↓ p2↑ p2↓ (Bozic et al. 2013, Results, eqs. after eq. 1)."""
        b, d, dt, u, n1, n2 = cls.B, cls.D, cls.D_TREAT, cls.U, cls.N1, cls.N2
        s, s2 = 1.0 - d / b, 1.0 - dt / b
        p1_up = math.exp(-m * u * n12)
        p1_down = math.exp(m * u * n12 * s / s2)
        k = (s2 - s) / (s * s2)
        p2_up = math.exp(m * u**2 * k * (n1 * (n2 + n12) * math.log(1 / (s * m) + u * (n2 + n12) * k)
                                         + n2 * (n1 + n12) * math.log(1 / (s * m) + u * (n1 + n12) * k)))
        p2_down = math.exp(-m * u**2 * (2 * n1 * n2 + n12 * (n1 + n2)) * s / s2**2)
        return p1_up * p1_down * p2_up * p2_down

    def scenario(self, n12: int) -> dict[str, Any]:
        u = self.U
        types = [{"name": n, "initial": 0, "birth": self.B, "death": self.D} for n in ("S", "R1", "R2", "R12")]
        types[0]["initial"] = 1
        types[3]["modifiers"] = [{"kind": "emax_reduction", "reduction": 1.0}]
        trans = [{"kind": "mutation", "source": "S", "target": "R1", "probability": self.N1 * u},
                 {"kind": "mutation", "source": "S", "target": "R2", "probability": self.N2 * u},
                 {"kind": "mutation", "source": "R1", "target": "R12", "probability": (self.N2 + n12) * u},
                 {"kind": "mutation", "source": "R2", "target": "R12", "probability": (self.N1 + n12) * u}]
        if n12:
            trans.append({"kind": "mutation", "source": "S", "target": "R12", "probability": n12 * u})
        drug = {"name": "dual", "effect": {"acts_on": "death", "emax": self.D_TREAT - self.D, "ec50": 1e-6,
                                           "hill": 4.0}}
        return {"name": f"bozic2013-n12-{n12}", "cell_types": types, "transitions": trans, "drugs": [drug]}

    def grow(self, sc: dict[str, Any], n_lineages: int, root: np.random.SeedSequence) -> tuple[np.ndarray, int]:
        """Grow ``n_lineages`` lesions from one cell; the state of each on the day it reaches M."""
        from oncoresist.engine import Simulator
        from oncoresist.random import child_seeds

        chunk, t_max = 100.0, 8000.0
        state = np.zeros((n_lineages, 4))
        state[:, 0] = 1
        alive = np.arange(n_lineages)
        detected: list[np.ndarray] = []
        t = 0.0
        k = 0
        while alive.size and t < t_max:
            seeds = child_seeds(root, alive.size, prefix=(k,))
            sim = Simulator(sc, engine=self.engine, replicate_seeds=seeds, initial=state[alive],
                            times=np.arange(0.0, chunk + 0.5, 1.0), n_threads=self.num_threads)
            sim.advance(chunk)
            counts = sim.result().counts  # [rep, day, type]
            total = counts.sum(axis=2)
            hit = total >= self.M
            first = np.where(hit.any(axis=1), hit.argmax(axis=1), -1)
            got = first >= 0
            if got.any():
                detected.append(counts[np.flatnonzero(got), first[got]].astype(float))
            keep = ~got & (total[:, -1] > 0)
            state[alive[keep]] = counts[keep, -1]
            alive = alive[keep]
            t += chunk
            k += 1
        return (np.vstack(detected) if detected else np.zeros((0, 4))), int(alive.size)

    def treat(self, sc: dict[str, Any], start: np.ndarray, root: np.random.SeedSequence) -> np.ndarray:
        from oncoresist.engine import Simulator
        from oncoresist.random import child_seeds

        sc = {**sc, "treatment": [{"drug": "dual", "start": 0, "dose": 1.0}]}
        sim = Simulator(sc, engine=self.engine, replicate_seeds=child_seeds(root, len(start)), initial=start,
                        times=[0.0, 1500.0], n_threads=self.num_threads)
        sim.advance(1500.0)
        return sim.state

    def run(self) -> Outcome:
        from scipy import stats

        from oncoresist.random import child_seed

        out = Outcome(type(self).__name__)
        plt = _plt()
        root = np.random.SeedSequence(self.seed)
        n_lineages = 6000 if self.quick else 60000  # ~7% of lineages survive to detection (s = 1 - d/b)
        fig, ax = plt.subplots(figsize=(6.4, 4.2))
        for n12 in (1, 0):
            sc = self.scenario(n12)
            start, never = self.grow(sc, n_lineages, child_seed(root, n12, 0))
            final = self.treat(sc, start, child_seed(root, n12, 1))
            failed = final[:, 3] >= 100
            ambiguous = int(np.sum((final.sum(axis=1) > 0) & (final[:, 3] < 100)))
            n = len(start)
            p_fail = float(failed.mean())
            se = math.sqrt(max(p_fail * (1 - p_fail), 1e-12) / n)
            predicted = float(np.mean([1 - self.p_erad(m, n12) for m in start.sum(axis=1)]))
            at_m = 1 - self.p_erad(self.M, n12)
            z = abs(p_fail - predicted) / max(se, 1e-12)
            out.checks.append(Check(
                f"P(dual therapy fails), n12={n12}, M=1e9 (simulated, {n} lesions)", p_fail, predicted,
                max(3.3 * se, 0.002), "Bozic et al. 2013, eLife 2:e00747, eq. (1)",
                f"eq. (1) at exactly M=1e9: {at_m:.4f}; mean lesion size at detection "
                f"{start.sum(axis=1).mean():.4g}; z = {z:.2f}; {ambiguous} lesions small but alive at the end; "
                f"{never} lineages still below M after 8000 days"))
            lo, hi = stats.binomtest(int(failed.sum()), n).proportion_ci(0.99)
            ax.errorbar([n12], [p_fail], yerr=[[p_fail - lo], [hi - p_fail]], fmt="o", color="C0",
                        label="simulated (99% CI)" if n12 == 1 else None)
            ax.plot([n12 - 0.15, n12 + 0.15], [predicted, predicted], color="C3",
                    label="eq. (1)" if n12 == 1 else None)
        # the analytic formula against the paper's own Table 1 (total burden; p1 terms are linear in M)
        for label, m, ref in (("N20", 1.6e9, 0.881), ("N22", 8.5e8, 0.677)):
            out.checks.append(Check(f"eq. (1) failure at M={m:.2g} vs Table 1 patient {label} (n12=1)",
                                    1 - self.p_erad(m, 1), ref, 0.005,
                                    "Bozic et al. 2013, Table 1 (dual therapy, n12 = 1)",
                                    "multi-lesion patient; the total burden enters the one-step terms"))
        ax.set_xticks([0, 1], ["n12 = 0", "n12 = 1"])
        ax.set_ylabel("P(treatment failure)")
        ax.set_title("Bozic et al. 2013: dual therapy at M = 1e9 cells")
        ax.legend()
        self.save(fig, "failure_probability", out)
        return out


# ---------------------------------------------------------------------------------------------
class LuriaDelbruck(Test):
    """Luria–Delbrück at fixed m: pure birth (b = 1/day) with mutation at division from 1e4 to
    ~1e7 cells; the mutant count follows the Ma–Sandri–Sarkar distribution with m = u·(N − N0).
    Reference: Ma, Sandri & Sarkar 1992 (J Appl Probab 29:255) recursion
    p0 = e^{−m}, p_n = (m/n)·Σ_{i<n} p_i/(n − i + 1)."""

    def run(self) -> Outcome:
        from scipy import stats

        from oncoresist.engine import simulate

        out = Outcome(type(self).__name__)
        n0, t = 1e4, math.log(1000.0)
        reps = 4000 if self.quick else 20000
        for m_target in (1.0, 4.0):
            u = m_target / (n0 * (math.exp(t) - 1))
            sc = {"cell_types": [{"name": "wild", "initial": n0, "birth": 1.0, "death": 0.0},
                                 {"name": "mutant", "initial": 0, "birth": 1.0, "death": 0.0}],
                  "transitions": [{"kind": "mutation", "source": "wild", "target": "mutant", "probability": u}]}
            res = simulate(sc, t_end=t, times=[t], engine=self.engine, n_replicates=reps,
                           seed=self.seed + int(m_target), n_threads=self.num_threads)
            mut = res.final[:, 1].astype(int)
            m = u * (res.final[:, 0].mean() - n0)
            n_max = 200
            p = np.zeros(n_max + 1)
            p[0] = math.exp(-m)
            for n in range(1, n_max + 1):
                i = np.arange(n)
                p[n] = m / n * np.sum(p[i] / (n - i + 1))
            edges = [0, 1, 2, 3, 4, 6, 10, 20, 50, 10**12]
            probs = [p[a:b].sum() if b <= n_max else 1.0 - p[:a].sum() for a, b in itertools.pairwise(edges)]
            obs = np.histogram(mut, bins=edges)[0]
            pval = float(stats.chisquare(obs, np.array(probs) * reps).pvalue)
            out.checks.append(Check(f"P(no mutant), m={m:.3f}", float(np.mean(mut == 0)), math.exp(-m),
                                    3.3 * math.sqrt(math.exp(-m) * (1 - math.exp(-m)) / reps),
                                    "Luria & Delbrück 1943 / Ma, Sandri & Sarkar 1992: p0 = e^-m"))
            out.checks.append(Check(f"chi-square p-value vs MSS, m={m:.3f} (pass: > 0.001)", pval, 1.0, 0.999,
                                    "Ma, Sandri & Sarkar 1992 recursion"))
            plt = _plt()
            fig, ax = plt.subplots(figsize=(6.4, 4.2))
            k = np.arange(0, 41)
            emp = np.array([np.mean(mut == j) for j in k])
            ax.bar(k, emp, color="C0", alpha=0.6, label=f"{res.engine} engine ({reps} cultures)")
            ax.plot(k, p[: k.size], "o-", color="C3", ms=3, label="Ma–Sandri–Sarkar")
            ax.set_yscale("log")
            ax.set_xlabel("mutant cells")
            ax.set_ylabel("probability")
            ax.set_title(f"Luria–Delbrück, m = {m:.2f} (N: 1e4 → 1e7)")
            ax.legend()
            self.save(fig, f"mutants_m{m_target:g}", out)
        return out


# ---------------------------------------------------------------------------------------------
class AvanziniCtdna(Test):
    """Avanzini et al. 2020 (Sci Adv 6:eabc4308): a tumour of 1e9 cells with b = 0.14, d = 0.136
    per day sheds q_d = 1.4e-4 genome equivalents per cell death, cleared with a 30-min half-life,
    into 2.75 L of plasma: about 0.21 GE per mL of plasma at steady state. Simulated at full size:
    the engine's death flux of a 1e9-cell tumour (200 replicates) drives the ctDNA ODE.
    """

    REFERENCE = 0.21

    def run(self) -> Outcome:
        from oncoresist.engine import Simulator
        from oncoresist.monitor.ctdna import CtdnaParams, ctdna_exact, steady_state_ge

        out = Outcome(type(self).__name__)
        params = CtdnaParams()
        sc = {"cell_types": [{"name": "tumour", "initial": 1e9, "birth": 0.14, "death": 0.136}]}
        sim = Simulator(sc, engine=self.engine, n_replicates=50 if self.quick else 200, seed=self.seed,
                        times=[0.0, 1.0], n_threads=self.num_threads)
        sim.advance(1.0)
        flux = sim.death_flux().sum(axis=1)  # deaths per day per replicate
        ge_ml = steady_state_ge(flux, params) / params.plasma_ml
        out.checks.append(Check("steady-state ctDNA of 1e9 cells (GE per mL plasma)", float(ge_ml.mean()),
                                self.REFERENCE, 0.005, "Avanzini et al. 2020, Sci Adv 6:eabc4308",
                                f"closed form q_d·d·N/(ε·V_plasma) = "
                                f"{1.4e-4 * 0.136 * 1e9 / (params.elimination_per_day * params.plasma_ml):.4f}"))
        t = np.linspace(0.0, 6 / 24, 200)
        c = ctdna_exact(t, 0.0, float(flux.mean()), params) / params.plasma_ml
        out.checks.append(Check("ODE after 6 h from zero / steady state", float(c[-1] / ge_ml.mean()), 1.0,
                                1e-3, "dC/dt = q_d·d·N − ε·C (12 half-lives)"))
        plt = _plt()
        fig, ax = plt.subplots(figsize=(6.4, 4.2))
        ax.plot(t * 24, c, color="C0", label="dC/dt = q_d d N − εC, C(0) = 0")
        ax.axhline(self.REFERENCE, color="C3", ls="--", label="Avanzini et al. 2020: 0.21 GE/mL")
        ax.set_xlabel("hours")
        ax.set_ylabel("tumour GE per mL plasma")
        ax.set_title("ctDNA from a 1e9-cell tumour (engine death flux)")
        ax.legend()
        self.save(fig, "ctdna_steady_state", out)
        return out


# ---------------------------------------------------------------------------------------------
class ZhangAdaptive(Test):
    """Zhang et al. 2017 (Nat Commun 8:1816): adaptive vs continuous abiraterone on the
    Lotka–Volterra model. The paper's patient-specific times were not available here, so this
    is a cross-implementation check (msprime's "other simulator" kind): the trial runner on
    ``examples/trials/zhang_adaptive.yaml`` against an independent integration of the same
    equations (dx_i/dt = r_i x_i (1 − Σ_j a_ij x_j / K_i), PSA' = Σx − 0.5·PSA) with the visit
    rule written out here (PSA every 28 days; off at ≤ 0.5 × baseline, on at ≥ baseline;
    progression at ≥ 1.2 × baseline while on drug), plus the paper's qualitative result
    (adaptive: longer time to progression with less drug)."""

    def independent(self, adaptive: bool) -> tuple[float, float]:
        from scipy.integrate import solve_ivp

        from oncoresist.trial.zhang import ZhangParams

        p = ZhangParams()
        r, a = np.asarray(p.r, float), np.asarray(p.a, float)

        def rhs(_t: float, y: np.ndarray, on: bool) -> np.ndarray:
            x = np.maximum(y[:3], 0.0)
            k = np.array([max(p.tplus_per_tp * x[1], 1e-9), p.k_tp_on if on else p.k_tp_off, p.k_tminus])
            return np.append(r * x * (1 - (a @ x) / k), x.sum() - p.psa_decay * y[3])

        y = np.append(np.asarray(p.x0, float), sum(p.x0) / p.psa_decay)
        base, on, drug_days, t = y[3], True, 0.0, 0.0
        while t < 3650:
            sol = solve_ivp(rhs, (t, t + 28), y, args=(on,), method="LSODA", rtol=1e-8, atol=1e-6)
            y, t = sol.y[:, -1], t + 28
            drug_days += 28 if on else 0
            if on and y[3] >= 1.2 * base:
                return t, drug_days
            if adaptive:
                if on and y[3] <= 0.5 * base:
                    on = False
                elif not on and y[3] >= base:
                    on = True
        return math.inf, drug_days

    def run(self) -> Outcome:
        import tempfile

        from oncoresist.trial.run import load_results, run_trial
        from oncoresist.trial.spec import load_trial

        out = Outcome(type(self).__name__)
        with tempfile.TemporaryDirectory() as tmp:
            run_trial(load_trial(ROOT / "examples" / "trials" / "zhang_adaptive.yaml"), out_dir=Path(tmp) / "z",
                      seed=1)
            res, _, _ = load_results(Path(tmp) / "z")
        ttp = dict(zip(res["arm"], res["pfs_time"], strict=True))
        dose = dict(zip(res["arm"], res["dose_to_pfs:abiraterone"], strict=True))
        for arm, adaptive in (("continuous", False), ("adaptive", True)):
            t_ind, d_ind = self.independent(adaptive)
            out.checks.append(Check(f"time to progression, {arm} (days)", float(ttp[arm]), t_ind, 28.0,
                                    "independent integration of Zhang et al. 2017's model (one visit = 28 d)"))
            out.checks.append(Check(f"abiraterone to progression, {arm} (MTD-days)", float(dose[arm]), d_ind, 28.0,
                                    "independent integration (one visit)"))
        out.checks.append(Check("TTP adaptive / continuous > 1 (paper: adaptive delays progression)",
                                float(ttp["adaptive"] / ttp["continuous"] > 1), 1.0, 0.0,
                                "Zhang et al. 2017, Nat Commun 8:1816 (qualitative)"))
        out.checks.append(Check("drug adaptive / continuous < 1 (paper: less drug)",
                                float(dose["adaptive"] / dose["continuous"] < 1), 1.0, 0.0,
                                "Zhang et al. 2017, Nat Commun 8:1816 (qualitative)"))
        plt = _plt()
        fig, ax = plt.subplots(figsize=(6.4, 3.6))
        arms = ["continuous", "adaptive"]
        ax.bar(np.arange(2) - 0.2, [ttp[a] / 30.4375 for a in arms], 0.4, label="trial runner")
        ax.bar(np.arange(2) + 0.2, [self.independent(a == "adaptive")[0] / 30.4375 for a in arms], 0.4,
               label="independent integration")
        ax.set_xticks(range(2), arms)
        ax.set_ylabel("time to progression (months)")
        ax.set_title("Zhang et al. 2017 model: adaptive vs continuous abiraterone")
        ax.legend()
        self.save(fig, "time_to_progression", out)
        return out


# ---------------------------------------------------------------------------------------------
GEHAN = {  # Freireich et al. 1963 (Blood 21:699) 6-MP remission data as tabulated by Gehan 1965 (Biometrika 52:203)
    "6-MP": ([6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35],
             [1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]),
    "placebo": ([1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23], [1] * 21),
}


def km_closed_form(t: np.ndarray, e: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Product-limit estimate with Greenwood's variance at each distinct event time."""
    times = np.unique(t[e == 1])
    s, var_sum = 1.0, 0.0
    surv, green = [], []
    for u in times:
        n = np.sum(t >= u)
        d = np.sum((t == u) & (e == 1))
        s *= 1 - d / n
        var_sum += d / (n * (n - d)) if n > d else 0.0
        surv.append(s)
        green.append(s * s * var_sum)
    return times, np.array(surv), np.array(green)


def logrank_closed_form(groups: dict[str, tuple[list[int], list[int]]]) -> float:
    """Two-group log-rank chi-square: (O1 − E1)² / V1 with the hypergeometric variance."""
    (t1, e1), (t2, e2) = [(np.asarray(a), np.asarray(b)) for a, b in groups.values()]
    t, e = np.concatenate([t1, t2]), np.concatenate([e1, e2])
    g = np.concatenate([np.zeros(len(t1)), np.ones(len(t2))])
    o_minus_e, v = 0.0, 0.0
    for u in np.unique(t[e == 1]):
        at_risk = t >= u
        n, n1 = at_risk.sum(), (at_risk & (g == 0)).sum()
        d = ((t == u) & (e == 1)).sum()
        d1 = ((t == u) & (e == 1) & (g == 0)).sum()
        o_minus_e += d1 - d * n1 / n
        v += d * (n1 / n) * (1 - n1 / n) * (n - d) / (n - 1) if n > 1 else 0.0
    return float(o_minus_e**2 / v)


class SurvivalStatistics(Test):
    """The trial analyser (lifelines) against closed-form Kaplan–Meier, Greenwood and log-rank
    computations written out here, on the Freireich/Gehan 6-MP leukaemia remission data. R is not
    installable here, so no R `survival` output was obtained; the log-rank statistic is also compared
    with the value textbooks report for these data (16.79; Kleinbaum & Klein, Survival Analysis:
    A Self-Learning Text, ch. 2)."""

    def run(self) -> Outcome:
        import pandas as pd

        from oncoresist.trial.analysis import TrialAnalyser

        out = Outcome(type(self).__name__)
        rows = [{"arm": arm, "pfs_time": float(ti), "pfs_event": bool(ei)}
                for arm, (ts, es) in GEHAN.items() for ti, ei in zip(ts, es, strict=True)]
        df = pd.DataFrame(rows)
        an = TrialAnalyser(endpoint="pfs", time_unit="days", reference_arm="placebo").fit(df)
        chi = logrank_closed_form(GEHAN)
        out.checks.append(Check("log-rank chi-square, analyser vs closed form", float(an.logrank_.test_statistic),
                                chi, 1e-8, "closed-form log-rank (hypergeometric variance)"))
        out.checks.append(Check("log-rank chi-square vs textbook value", chi, 16.79, 0.01,
                                "Kleinbaum & Klein, Survival Analysis (Gehan data)"))
        for arm, (ts, es) in GEHAN.items():
            t, e = np.asarray(ts, float), np.asarray(es)
            times, surv, green = km_closed_form(t, e)
            km = an.km_[arm]
            sf = km.survival_function_at_times(times).to_numpy()
            out.checks.append(Check(f"KM max |difference|, {arm}", float(np.max(np.abs(sf - surv))), 0.0, 1e-12,
                                    "product-limit estimator"))
            median_cf = float(times[np.argmax(surv <= 0.5)])
            out.checks.append(Check(f"KM median, {arm} (weeks)", float(an.medians_.loc[arm, "median"]), median_cf,
                                    1e-9, "first time with S(t) ≤ 0.5"))
            # Greenwood SE at the median time against lifelines' variance (log-log CI uses it)
            j = int(np.argmax(surv <= 0.5))
            se_cf = math.sqrt(green[j])
            ci = km.confidence_interval_survival_function_.loc[times[j]].to_numpy()
            z = 1.959963984540054
            s = surv[j]
            theta = z * se_cf / (s * abs(math.log(s)))  # log(-log) transform (lifelines' default)
            lo_cf = s ** math.exp(theta)
            out.checks.append(Check(f"KM 95% CI lower at the median, {arm}", float(ci[0]), lo_cf, 1e-9,
                                    "Greenwood variance, log(−log) interval"))
        plt = _plt()
        fig, ax = plt.subplots(figsize=(6.4, 4.2))
        for arm in GEHAN:
            an.km_[arm].plot_survival_function(ax=ax)
        ax.set_xlabel("weeks")
        ax.set_title(f"Gehan 6-MP data: log-rank χ² = {chi:.2f}")
        self.save(fig, "kaplan_meier", out)
        return out


TESTS: dict[str, Callable[..., Test]] = {c.__name__: c for c in
                                         (BozicTwoDrug, LuriaDelbruck, AvanziniCtdna, ZhangAdaptive,
                                          SurvivalStatistics)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--list", action="store_true", help="list the verification classes")
    ap.add_argument("-c", "--class", dest="classes", action="append", choices=sorted(TESTS), help="run only these")
    ap.add_argument("--num-threads", type=int, default=None, help="engine threads (default: all cores)")
    ap.add_argument("--quick", action="store_true", help="smaller sizes (smoke run)")
    ap.add_argument("--engine", default="auto", choices=["auto", "tau", "leap", "ssa"],
                    help="engine of the stochastic checks (default auto: the engine a user gets)")
    ap.add_argument("--outdir", type=Path, default=HERE / "figures")
    args = ap.parse_args(argv)
    if args.list:
        for name, cls in TESTS.items():
            print(f"{name}: {(cls.__doc__ or '').strip().splitlines()[0]}")
        return 0
    outcomes = []
    for name in args.classes or list(TESTS):
        t0 = time.perf_counter()
        outcome = TESTS[name](args.outdir, quick=args.quick, num_threads=args.num_threads, engine=args.engine).run()
        outcome.seconds = round(time.perf_counter() - t0, 1)
        outcomes.append(outcome)
        for c in outcome.checks:
            mark = "ok  " if c.passed else "FAIL"
            print(f"{mark} {name}: {c.name}: {c.value:.6g} vs {c.reference:.6g} (± {c.tolerance:.3g}) "
                  f"[{c.source}] {c.note}")
        print(f"     {name}: {outcome.seconds} s, figures {', '.join(outcome.figures)}", flush=True)
    record = [{**asdict(o), "passed": o.passed, "checks": [{**asdict(c), "passed": c.passed} for c in o.checks]}
              for o in outcomes]
    from oncoresist._io import write_text_atomic
    from oncoresist._version import __version__

    write_text_atomic(args.outdir / "results.json",
                      json.dumps({"oncoresist_version": __version__, "quick": args.quick, "engine": args.engine,
                                  "results": record}, indent=2))
    return 0 if all(o.passed for o in outcomes) else 1


if __name__ == "__main__":
    raise SystemExit(main())
