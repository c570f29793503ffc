"""Calibrating a twin's assumed emergence rates to published shares of mechanisms at progression.

The builder knows the emergence rate of a point mutation from its codon (per-bp rate × routes ×
CpG factor), but not the rate of a copy-number gain or of a lineage switch: those are default
assumptions. Where the quantitative knowledge has the share of progressions a mechanism explains
on the first drug (e.g. Yu et al. 2013: MET amplification 5%, small-cell transformation 3%), this
module fits a multiplier on each such *assumed* rate so that a virtual cohort under continuous
first-line treatment reproduces that share.

Routes whose rate comes from the knowledge are never fitted: their share at progression is a
prediction, reported beside its published value (``held_out``). A route with an assumed rate and
no published share of its own takes the multiplier of a fitted route of the same mechanism class and the
same kind of change (:func:`tie_key`: an ALK fusion does not borrow MET amplification's) (``tied``); one
with neither keeps its default and is listed as ``unfitted``.

The fit is a damped fixed-point iteration on the multipliers, ``m ← m · (target / share)^damping``
(each route's exponent halved whenever its share overshoots the target: routes with the same dynamics,
such as MET and ERBB2 amplification, compete for the same progressions and made the plain iteration
oscillate),
using the same patients (same seed: common random numbers) at every step, with shares smoothed by
half a progression so that an unseen route has a finite share. A published share of 0 is fitted
at its continuity-corrected value ``0.5 / (n + 1)``. Shares are counted as a rebiopsy series counts them
(:mod:`oncoresist.twin.rebiopsy`): among every scan-detected progression, a progression still dominated by the
sensitive clone being one with no identified mechanism (in the denominator, never fitted).

**Time scale.** Growth and death rates are assumptions too (Bozic et al.'s colorectal values). When
the quantitative knowledge has a published median progression-free survival for an arm that gave
the first drug in this tumour type (e.g. FLAURA's comparator, 10.2 months), the same iteration also
fits one factor ``g`` on every cell type's net growth ``b − d`` (the death rate becomes
``b − g·(b − d)``; the twin is rebuilt, so pre-existing mutant counts follow) until the cohort's
median time to progression matches it: ``g ← g · (simulated / published)^damping``. The simulated
median is read off the empirical distribution of progression times interpolated between scans
(progression happened between the last scan and the one that saw it), so it moves smoothly with
``g`` instead of jumping by a scan interval.

**Share fit** (``share_fit=``, share10 pass, issue 11). ``"point"`` aims each fitted route at its
own published point, as above, whatever the series' size: Yu et al. 2013's ERBB2 amplification 3 of 24 is matched
as exactly as its T790M 98 of 155. ``"likelihood"`` (the default since the final10 pass, docs/trials.md: its
pre-registered comparator rule selected it; ``"point"`` stays available) instead fits the multipliers so that the
calibration cohort maximises the JOINT binomial log-likelihood of every published share the plan scores,

    L = sum_i [k_i ln p_i + (n_i - k_i) ln(1 - p_i)],

over the fitted routes' shares ``p_i`` (``k_i`` of ``n_i``: the series' ``n_positive`` of ``n`` as reported, else
``published x n``; so a lone share aims at ``k/n``, e.g. 3/24 = 0.125 where the point fit aims at the stored 0.13;
a published 0 is bounded
below at its continuity-corrected ``0.5/(n+1)``, as the point fit) and over the shares of the held-out routes
named in ``score=`` (e.g. the joint fit's mechanism target, EGFR T790M 98/155), whose rates are not fitted but
whose shares move when the fitted routes take or give up progressions. Inside the damped iteration, at each step,
:func:`likelihood_targets` chooses the fitted routes' targets ``t`` that maximise ``L`` under a **local model** of
the other shares: mass taken from (or given to) the fitted routes is redistributed over every other outcome (the
held-out routes, the tied and unfitted routes, no identified mechanism) in proportion to their current shares,
``p_j(t) = s_j (1 - sum t) / (1 - sum s)`` (SLSQP, bounds ``[0.5/(n_i+1), 1 - 0.5/(n_i+1)]``, the others keeping
at least half a progression); the usual damped step is then taken towards those targets. Convergence: the
point fit's criterion, with each fitted share measured against the likelihood target of the same step (so at
convergence the simulated fitted shares are the local model's maximiser given the simulated others: a fixed point
of the estimator, exact where the other shares do respond proportionally). A fitted share whose series has no
``n`` keeps its point target. With no ``score`` routes and jointly reachable points (``sum k_i/n_i < 1``) the
likelihood targets are the point targets, so the two modes agree; they differ where the points cannot all be met
or where a scored held-out share pays for them. :func:`binomial_z` gives each share's z-score
``(p - k/n) / sqrt(p(1 - p)/n)`` (the published proportion's distance from the twin's share in standard errors
of a series of ``n`` drawn from the twin; positive: the twin above the series), in :meth:`Calibration.share_fit_table`.

**Warm start** (``start=``, what the joint fit passes from its previous round): the iteration begins at
an earlier calibration's multipliers and growth factor instead of at 1; the fixed point, the criteria and
the common random numbers are the same, so only the number of steps changes. The last step's cohort is the
cohort on the returned twin, so its objective response is kept (``objective_response``) and the joint fit
need not run that cohort again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from oncoresist.errors import InvalidArgument, OncoresistError
from oncoresist.random import SeedLike, as_seed_sequence, seed_record
from oncoresist.trial.spec import ImagingSpec
from oncoresist.twin.compare import imaging_schedule, run_cohort
from oncoresist.twin.mixture import map_strata
from oncoresist.twin.origin import Origin
from oncoresist.twin.targets import published_share, time_target
from oncoresist.twin.variation import with_preexisting

if TYPE_CHECKING:
    from oncoresist.knowledge.quant import PooledShare, ProgressionFrequency, PublishedOutcome, QuantKnowledge
    from oncoresist.twin.builder import ResistanceRoute, TwinBuild, TwinDefaults

_ASSUMED = "default assumption"
SHARE_FIT: tuple[str, ...] = ("point", "likelihood")
DEFAULT_SHARE_FIT = "likelihood"
"""The share fit every calibration uses unless told (the final10 pass selected it; docs/trials.md)."""
"""How the fitted routes' multipliers are chosen: each share to its published point, or by the joint binomial
likelihood of every scored share (see the module)."""


@dataclass(frozen=True)
class ShareTarget:
    """A published share at progression matched to one cell type of the twin."""

    cell_type: str
    frequency_id: str
    source: str
    published: float
    interval: tuple[float, float] | None
    target: float
    """The value fitted (``published``, or ``0.5/(n+1)`` when the published share is 0)."""
    n: int | None
    n_positive: int | None = None
    """The series' number positive as reported (``n_positive``; a pooled share's events), ``None`` if not given."""

    @property
    def count(self) -> float | None:
        """The binomial's ``k``: ``n_positive`` where reported, else ``published x n`` (``None`` without ``n``)."""
        if not self.n:
            return None
        return float(self.n_positive) if self.n_positive is not None else self.published * self.n


def binomial_z(share: float, target: ShareTarget) -> float | None:
    """``(p - k/n) / sqrt(p (1 - p) / n)`` for the twin's share ``p`` (clipped to ``[0.5/(n+1), 1 - 0.5/(n+1)]``)
    and the published ``k`` of ``n`` (``None`` without ``n``): how many standard errors of a series of ``n`` drawn
    from the twin the published proportion lies from the twin's share; positive when the twin is above it."""
    if not target.n:
        return None
    eps = 0.5 / (target.n + 1)
    p = min(max(share, eps), 1 - eps)
    return (share - (target.count or 0.0) / target.n) / math.sqrt(p * (1 - p) / target.n)


def _binomial_ll(k: float, n: int, p: float) -> float:
    return k * math.log(p) + (n - k) * math.log(1 - p)


def likelihood_targets(
    fitted: list[ShareTarget], shares: dict[str, float], scored: list[ShareTarget], progressions: int
) -> dict[str, float]:
    """The fitted routes' targets that maximise the joint binomial log-likelihood of the fitted and ``scored``
    published shares under the module's local model, given the current (smoothed) ``shares`` of every cell type
    and the number of ``progressions`` they were counted on (the others keep at least ``0.5/(progressions+1)``).

    A fitted target without ``n`` is held at its point target. Raises :class:`OncoresistError` where a scored share
    has no ``n`` or no current share."""
    import numpy as np
    from scipy.optimize import minimize

    goal = {t.cell_type: t.target for t in fitted if not t.n}
    free = [t for t in fitted if t.n]
    if not free:
        return goal
    for t in scored:
        if not t.n or t.cell_type not in shares:
            raise OncoresistError(f"score: the share of {t.cell_type} ({t.frequency_id}) needs a number of patients "
                                  "and a simulated share to enter the likelihood")
    eps = 0.5 / (progressions + 1)
    rest0 = max(1.0 - sum(shares[t.cell_type] for t in fitted), eps)
    fixed = sum(goal.values())
    k = np.array([t.count for t in free], float)
    n = np.array([t.n for t in free], float)
    lo = 0.5 / (n + 1)
    hi = 1 - lo
    cap = max(1.0 - fixed - eps, float(lo.sum()))
    others = [(float(t.count or 0.0), int(t.n or 0), shares[t.cell_type]) for t in scored]

    def nll(x: Any) -> float:
        p = np.clip(x, lo, hi)
        val = -float((k * np.log(p) + (n - k) * np.log(1 - p)).sum())
        rest = max(1.0 - fixed - float(p.sum()), eps)
        for kj, nj, sj in others:
            q = min(max(sj * rest / rest0, eps), 1 - eps)
            val -= _binomial_ll(kj, nj, q)
        return val

    x0 = np.clip(k / n, lo, hi)
    if x0.sum() > cap:  # the points cannot all be met: start from them scaled into the feasible set
        x0 = np.maximum(lo, x0 * cap / x0.sum())
    res = minimize(nll, x0, method="SLSQP", bounds=list(zip(lo, hi, strict=True)),
                   constraints=[{"type": "ineq", "fun": lambda x: cap - float(np.sum(x))}],
                   options={"ftol": 1e-12, "maxiter": 500})
    x = np.clip(res.x, lo, hi)
    if nll(x) > nll(x0):  # never worse than the start
        x = x0
    goal.update({t.cell_type: float(v) for t, v in zip(free, x, strict=True)})
    return goal


@dataclass
class Calibration:
    """The outcome of :func:`calibrate_twin`.

    Attributes
    ----------
    build
        The calibrated twin (a new :class:`~oncoresist.twin.builder.TwinBuild`).
    fitted
        Targets whose cell type's emergence rate was fitted.
    held_out
        Targets whose cell type's rate comes from the knowledge (not fitted): predictions.
    tied
        Cell type → the fitted cell type whose multiplier it shares (same mechanism class).
    unfitted
        Cell types with an assumed rate and neither a published share nor a fitted sibling.
    multipliers
        Final multiplier of each fitted (and tied) cell type's emergence rate.
    shares
        Share of progressions per cell type in the last iteration's cohort.
    history
        Shares of the fitted cell types at each iteration.
    """

    build: TwinBuild
    fitted: list[ShareTarget]
    held_out: list[ShareTarget]
    tied: dict[str, str]
    unfitted: list[str]
    multipliers: dict[str, float]
    shares: dict[str, float]
    history: list[dict[str, float]] = field(default_factory=list)
    patients: int = 0
    seed: dict[str, object] | None = None
    """The calibration cohort's root seed record (``oncoresist.random.seed_record``: entropy, spawn key)."""
    iterations: int = 0
    converged: bool = False
    drug: str = ""
    time_target: PublishedOutcome | None = None
    """The published median PFS the time scale was fitted to (``None``: time scale not fitted)."""
    growth_factor: float = 1.0
    """Factor on every cell type's net growth ``b − d`` (1: the builder's defaults)."""
    median_months: float | None = None
    """The calibration cohort's median time to progression (months, interpolated between scans)."""
    objective_response: float | None = None
    """Share of the last step's patients (the cohort on :attr:`build`) with a best response of PR or better."""
    start: dict[str, float] | None = None
    """The warm start (multipliers of the fitted cell types and ``growth_factor``), ``None`` for a cold start."""
    share_fit: str = "point"
    """``"point"`` or ``"likelihood"`` (see the module)."""
    scored: list[ShareTarget] = field(default_factory=list)
    """Held-out shares that entered the likelihood (``share_fit="likelihood"``): fitted, not predicted."""
    goals: dict[str, float] = field(default_factory=dict)
    """The last step's target per fitted cell type (the point targets, or the likelihood targets)."""

    def share_fit_table(self) -> list[dict[str, Any]]:
        """Every published share with ``n`` the calibration knows (fitted, scored, held out): counts, the last
        cohort's share, the last step's target (fitted ones) and the binomial z-score (:func:`binomial_z`)."""
        rows: list[dict[str, Any]] = []
        scored = {t.cell_type for t in self.scored}
        for t in [*self.fitted, *self.held_out]:
            role = ("fitted" if t in self.fitted else
                    "scored (held out, in the likelihood: fitted)" if t.cell_type in scored else "held out (predicted)")
            share = self.shares.get(t.cell_type, 0.0)
            z = binomial_z(share, t)
            rows.append({"cell_type": t.cell_type, "role": role, "frequency_id": t.frequency_id,
                         "k": None if t.count is None else round(t.count, 3), "n": t.n,
                         "published": t.published, "simulated": round(share, 4),
                         "target": None if t.cell_type not in self.goals else round(self.goals[t.cell_type], 4),
                         "z": None if z is None else round(z, 2)})
        return rows

    def table(self) -> list[dict[str, Any]]:
        """One row per published share: fitted or held out, target, simulated share, interval, source."""
        rows: list[dict[str, Any]] = []
        for role, targets in (("fitted", self.fitted), ("held out (predicted)", self.held_out)):
            for t in targets:
                share = self.shares.get(t.cell_type, 0.0)
                lo, hi = t.interval if t.interval else (None, None)
                rows.append(
                    {
                        "cell_type": t.cell_type,
                        "role": role,
                        "published": t.published,
                        "interval": t.interval,
                        "simulated": share,
                        "within_interval": None if lo is None or hi is None else bool(lo <= share <= hi),
                        "multiplier": self.multipliers.get(t.cell_type),
                        "source": f"{t.frequency_id} ({t.source})",
                    }
                )
        return rows


def _is_emergence(path: str, name: str) -> bool:
    """Whether ``path`` is a number of the transition into cell type ``name`` (from any source)."""
    return path.startswith("transitions.") and f"->{name}." in path


def _emergence_paths(build: TwinBuild, name: str) -> list[Origin]:
    return [o for o in build.origins if _is_emergence(o.path, name)]


def _assumed_rate(build: TwinBuild, name: str) -> bool:
    return any(o.kind == _ASSUMED for o in _emergence_paths(build, name))


def _target(f: ProgressionFrequency | PooledShare, cell_type: str) -> ShareTarget:
    interval = f.ci95 or f.range
    value = f.value
    target = value if value > 0 else 0.5 / ((f.n or 0) + 1)
    pooled = getattr(f, "pooled", None)
    k = pooled.events if pooled is not None else getattr(f, "n_positive", None)
    return ShareTarget(cell_type, f.id, f.source, value, interval, target, f.n, k)


def plan(build: TwinBuild, q: QuantKnowledge) -> tuple[list[ShareTarget], list[ShareTarget], dict[str, str], list[str]]:
    """(fitted, held_out, tied, unfitted) for a twin: which rates the calibration may change."""
    ann = build.annotation
    drug = ann.drug[0]
    fitted: list[ShareTarget] = []
    held: list[ShareTarget] = []
    unmatched: list[ResistanceRoute] = []
    for r in build.routes:
        f = published_share(q, r, drug, ann.tumor)
        assumed = _assumed_rate(build, r.name)
        if f is not None:
            (fitted if assumed else held).append(_target(f, r.name))
        elif assumed:
            unmatched.append(r)
    key = {r.name: tie_key(r) for r in build.routes}
    leaders: dict[tuple[str, tuple[str, ...]], str] = {}
    for t in fitted:
        leaders.setdefault(key[t.cell_type], t.cell_type)
    tied = {r.name: leaders[key[r.name]] for r in unmatched if key[r.name] in leaders}
    unfitted = [r.name for r in unmatched if r.name not in tied]
    return fitted, held, tied, unfitted


def tie_key(route: ResistanceRoute) -> tuple[str, tuple[str, ...]]:
    """What a route must share with a fitted one to borrow its multiplier: the mechanism class and the kinds
    of change (``amplification``, ``fusion``, ``mutation``, ``phenotype``, ...). The multiplier corrects an
    assumed probability per division of a kind of change (a copy-number gain, a lineage switch); what a
    published share says of MET amplification says nothing of how often an ALK or RET rearrangement arises,
    although the builder assumes the same default for both.

    A lineage switch ties only to a fitted switch into the *same* lineage: a published share of small-cell
    transformation (Yu et al. 2013: 3% on erlotinib or gefitinib) says nothing of how often a tumour turns
    squamous or mesenchymal, and no stored source gives either share (docs/twin.md, "Histologic transformation
    routes, session 6"), so squamous transformation and EMT are left unfitted instead of borrowing it."""
    if route.mechanism == "lineage_plasticity":
        return route.mechanism, tuple(sorted({a.name.lower() for a in route.alterations}))
    return route.mechanism, tuple(sorted({a.kind for a in route.alterations}))


def apply_multipliers(build: TwinBuild, multipliers: dict[str, float], note: dict[str, str]) -> TwinBuild:
    """A copy of ``build`` with each named cell type's emergence rate (and pre-existing count) scaled.

    ``note`` gives, per cell type, the text recorded as the origin of its new rate.
    """
    from dataclasses import replace

    from oncoresist.model.load import load_scenario

    if build.strata:  # a mixed twin: the same multipliers on every stratum that has the cell type
        return map_strata(build, lambda b: apply_multipliers(b, multipliers, note))
    data = build.scenario.model_dump(mode="json", exclude_defaults=True)
    origins = [o for o in build.origins if not any(
        _is_emergence(o.path, n) or o.path == f"cell_types.{n}.initial" for n in multipliers
    )]
    initial = {c["name"]: float(c.get("initial", 0.0)) for c in data["cell_types"]}
    added = 0.0
    for tr in data["transitions"]:
        name = tr["target"]
        if name not in multipliers:
            continue
        m = multipliers[name]
        key = "probability" if tr["kind"] == "mutation" else "rate"
        old = float(tr[key])
        tr[key] = old * m
        origins.append(Origin(f"transitions.{tr['source']}->{name}.{key}", tr[key], "calibrated",
                              f"{note[name]}; x{m:.3g} on the builder's {old:.3g}"))
        if initial[name] > 0:
            new = float(round(initial[name] * m))
            added += new - initial[name]
            initial[name] = new
        origins.append(Origin(f"cell_types.{name}.initial", initial[name], "calibrated",
                              "pre-existing cells scaled with the calibrated rate" if initial[name] > 0
                              else "none at diagnosis (a transformed lineage arises under treatment)"))
    for c in data["cell_types"]:
        c["initial"] = initial[c["name"]]
    sens = next(c for c in data["cell_types"] if c["name"] == "sensitive")
    sens["initial"] = float(max(sens["initial"] - added, 1.0))
    scenario = load_scenario({"schema_version": build.scenario.schema_version, **data})
    return replace(build, scenario=scenario, origins=origins)


def _shares(results: Any, types: list[str]) -> tuple[dict[str, float], dict[str, float], int]:
    """(raw shares, shares smoothed by half a progression, number of progressions) among the progressions a
    rebiopsy series counts (:func:`oncoresist.twin.rebiopsy.rebiopsy_progressions`: every scan-detected
    progression, those dominated by the sensitive clone being ones with no identified mechanism, as in Yu et al.
    2013's denominator of all 155 rebiopsied patients; deaths before any scan showed progression left out)."""
    from oncoresist.twin.rebiopsy import rebiopsy_progressions

    prog = rebiopsy_progressions(results)
    counts = prog["dominant_at_pfs"].value_counts()
    n = len(prog)
    raw = {t: float(counts.get(t, 0)) / n if n else 0.0 for t in types}
    return raw, {t: (float(counts.get(t, 0)) + 0.5) / (n + 1) for t in types}, n


def _with_tied(mult: dict[str, float], tied: dict[str, str]) -> dict[str, float]:
    """The fitted multipliers plus, for each tied cell type, its leader's."""
    return {**mult, **{c: mult[lead] for c, lead in tied.items()}}


def _close(share: float, target: float, n: int, tolerance: float) -> bool:
    """Within ``tolerance`` on the log scale, or within two binomial standard errors of ``n`` progressions."""
    return abs(math.log(share / target)) <= tolerance or abs(share - target) <= 2 * math.sqrt(target * (1 - target) / n)


def interpolated_median_days(times: Any, events: Any, scan_days: float | Any) -> float:
    """Median time to progression from scan-detected events, interpolated within scan intervals.

    An event seen at scan time ``t`` happened in ``(previous scan, t]`` (``scan_days``: a fixed
    interval, or the array of scan times); the empirical distribution of event times is taken as
    linear within each interval. ``inf`` if half the patients never progressed.
    """
    import numpy as np

    if np.ndim(scan_days) > 0:
        scans = np.sort(np.asarray(scan_days, float))

        def previous(g: float) -> float:
            i = int(np.searchsorted(scans, g - 1e-9)) - 1
            return float(scans[i]) if i >= 0 else 0.0
    else:
        def previous(g: float) -> float:
            return g - float(scan_days)

    t = np.asarray(times, float)[np.asarray(events, bool)]
    n = len(np.asarray(times))
    if n == 0 or len(t) < n / 2:
        return math.inf
    grid = np.unique(t)
    frac = np.array([(t <= g).sum() for g in grid]) / n
    k = int(np.argmax(frac >= 0.5))
    before = frac[k - 1] if k > 0 else 0.0
    start = max(previous(float(grid[k])), grid[k - 1] if k > 0 else 0.0)
    return float(start + (0.5 - before) / (frac[k] - before) * (grid[k] - start))


def rebuild(build: TwinBuild, growth_factor: float, q: QuantKnowledge) -> TwinBuild:
    """The twin rebuilt with every cell type's net growth ``b − d`` scaled by ``growth_factor``."""
    from dataclasses import replace

    from oncoresist.twin.builder import build_twin

    if growth_factor == 1.0:
        return build
    if build.strata:  # a mixed twin: every stratum rebuilt with the same factor
        return map_strata(build, lambda b: rebuild(b, growth_factor, q))
    d = build.defaults
    death = d.birth - growth_factor * (d.birth - d.death)
    if not 0 <= death < d.birth:
        raise OncoresistError(
            f"calibration: the time scale needs net growth x{growth_factor:.3g}, which makes the death rate "
            f"{death:.3g} (birth {d.birth:g}); the published median cannot be reached with these defaults"
        )
    ann = build.annotation
    return build_twin(list(ann.alterations), drugs=list(ann.drug), tumor=ann.tumor, knowledge=build.knowledge,
                      quant=build.quant or q, defaults=replace(d, death=death))


def _time_origins(
    build: TwinBuild, target: PublishedOutcome, g: float, drug: str, original: TwinDefaults
) -> TwinBuild:
    from dataclasses import replace

    text = (f"fitted so that the median time to progression on continuous {drug} matches {target.id} "
            f"({target.source}: {target.months:g} months): net growth b-d x{g:.3g} on the builder's "
            f"{original.birth:g}-{original.death:g}")
    origins = [Origin(o.path, o.value, "calibrated", text) if o.path == "cell_types.*.death" else o
               for o in build.origins]
    return replace(build, origins=origins)


def calibrate_twin(
    build: TwinBuild,
    *,
    patients: int = 400,
    seed: SeedLike = None,
    iterations: int = 10,
    damping: float = 0.8,
    tolerance: float = 0.1,
    time_scale: bool = True,
    follow_up_days: float = 1095.0,
    quant: QuantKnowledge | None = None,
    out_dir: str | Path | None = None,
    cohort: dict[str, Any] | None = None,
    start: Calibration | None = None,
    share_fit: str = DEFAULT_SHARE_FIT,
    score: tuple[str, ...] | list[str] = (),
) -> Calibration:
    """Fit the twin's assumed rates to published shares at progression (and its time scale to a
    published median PFS) on continuous first-line treatment.

    Parameters
    ----------
    build
        From :func:`oncoresist.twin.build_twin`.
    patients
        Virtual patients per iteration (continuous first drug; the same patients at every step).
    seed
        Root seed of the cohort, the same at every step: ``None`` (OS entropy, drawn once and
        recorded in the result), an int, a ``SeedSequence`` or a ``Generator``.
    iterations
        Most fixed-point steps; stops earlier when every fitted share is within ``tolerance``
        (absolute difference of natural logs) of its target, or within two binomial standard
        errors of it (the cohort's own sampling noise), and the median within 5% of its target.
    damping
        Exponent of each multiplicative step (``1`` = full step).
    time_scale
        Also fit the net growth rate to a published median PFS when the knowledge has one.
    follow_up_days
        Follow-up of the calibration cohort.
    quant
        Quantitative knowledge (default :func:`~oncoresist.knowledge.quant.load_quant`).
    out_dir
        Where the iterations' cohorts are written (default: nothing is written; cohorts run in memory).
    cohort
        Between-patient distributions of the calibration cohort (default the comparison's ``COHORT``).
    start
        Warm start: begin at this calibration's multipliers (of the cell types fitted here) and growth
        factor (see the module). ``None``: every multiplier and the growth factor start at 1.
    share_fit
        ``"likelihood"`` (the joint binomial likelihood of every scored share; the default, see the module) or
        ``"point"`` (each fitted share to its published point; the default before the final10 pass).
    score
        Held-out cell types whose published share (with its ``n``) also enters the likelihood
        (``share_fit="likelihood"`` only): their rates stay unfitted, their shares are then fitted, not predicted.

    Returns
    -------
    Calibration
        With the calibrated twin, or the unchanged twin when nothing can be fitted.
    """
    from oncoresist.knowledge.quant import load_quant
    from oncoresist.trial.analysis import DAYS_PER_MONTH

    if patients <= 0:
        raise InvalidArgument("patients: the number of calibration patients must be positive", param="patients")
    if iterations < 0:
        raise OncoresistError("calibration iterations must be >= 0")
    if share_fit not in SHARE_FIT:
        raise InvalidArgument(f"share_fit: {share_fit!r} is not one of {', '.join(SHARE_FIT)}", param="share_fit")
    if score and share_fit != "likelihood":
        raise InvalidArgument("score: held-out shares enter only the likelihood fit; pass share_fit='likelihood'",
                              param="score")
    q = quant if quant is not None else (build.quant or load_quant())
    root = as_seed_sequence(seed)  # one root for every step (common random numbers), recorded in the result
    record = seed_record(root)
    fitted, held, tied, unfitted = plan(build, q)
    fitted_names = {t.cell_type for t in fitted}
    scored: list[ShareTarget] = []
    for name in dict.fromkeys(score):
        if name in fitted_names:
            continue  # a fitted share is in the likelihood anyway
        hit = next((t for t in held if t.cell_type == name), None)
        if hit is None or not hit.n:
            names = ", ".join(sorted(t.cell_type for t in held if t.n)) or "none"
            raise InvalidArgument(f"score: {name!r} has no held-out published share with a number of patients on "
                                  f"this twin; choose one of {names}", param="score")
        scored.append(hit)
    drug = build.annotation.drug[0]
    target = time_target(q, build) if time_scale else None
    if not fitted and not held and target is None:  # nothing to fit or to compare: no cohort to run
        return Calibration(build, [], [], tied, unfitted, {}, {}, [], patients, record, 0, True, drug,
                           share_fit=share_fit)
    types = [c.name for c in build.scenario.cell_types]
    scans = ImagingSpec.model_validate(imaging_schedule(build, q)).scan_times(follow_up_days)
    base = Path(out_dir) if out_dir is not None else None
    mult = {t.cell_type: 1.0 for t in fitted}
    if share_fit == "likelihood":
        joint = " + ".join(f"{t.frequency_id} {t.count or 0:.3g}/{t.n}" for t in [*fitted, *scored])
        notes = {t.cell_type: f"fitted by the joint binomial likelihood of {joint} ({t.source}: published share at "
                              f"progression on {drug} {t.published:.3g})" for t in fitted}
    else:
        notes = {t.cell_type: f"fitted to {t.frequency_id} ({t.source}): share at progression on {drug} "
                              f"{t.target:.3g}" for t in fitted}
    notes.update({c: f"tied to {lead} (same mechanism class and kind of change, no published share of its own)"
                  for c, lead in tied.items()})
    g = 1.0
    warm: dict[str, float] | None = None
    if start is not None:
        mult.update({c: float(m) for c, m in start.multipliers.items() if c in mult and m > 0})
        g = float(start.growth_factor) if target is not None else 1.0
        warm = {**{c: mult[c] for c in mult}, "growth_factor": g}
    damp = {t.cell_type: damping for t in fitted}  # per route; halved each time its share overshoots the target
    last_err: dict[str, float] = {}
    history: list[dict[str, float]] = []
    current = build
    if warm is not None:
        current = rebuild(build, g, q)
        if mult:
            current = apply_multipliers(current, _with_tied(mult, tied), notes)
    shares: dict[str, float] = {}
    goals: dict[str, float] = {t.cell_type: t.target for t in fitted}
    converged = False
    median = math.nan
    step = 0
    while True:
        results, _, _ = run_cohort(current, ["continuous"], patients=patients, seed=root,
                                   out_dir=None if base is None else base / f"iteration-{step}",
                                   follow_up_days=follow_up_days, cohort=with_preexisting(cohort, current))
        shares, smooth, n_prog = _shares(results, types)
        response = float((results["best_response"] <= 1).mean()) if len(results) else math.nan  # 0 CR, 1 PR
        median = interpolated_median_days(results["pfs_time"], results["pfs_event"], scans) / DAYS_PER_MONTH
        if n_prog == 0:
            raise OncoresistError(
                f"calibration: no progression among {patients} patients on {drug} within {follow_up_days:g} days; "
                "lengthen the follow-up or give more patients"
            )
        if share_fit == "likelihood" and fitted:
            goals = likelihood_targets(fitted, smooth, scored, n_prog)
        history.append({**{t.cell_type: shares[t.cell_type] for t in fitted}, "median_months": median,
                        "growth_factor": g,
                        **({} if share_fit == "point" else {f"target:{c}": v for c, v in goals.items()}),
                        **{t.cell_type: shares[t.cell_type] for t in scored}})
        converged = all(_close(smooth[t.cell_type], goals[t.cell_type], n_prog, tolerance) for t in fitted)
        if target is not None:
            converged &= abs(median - target.months) <= 0.05 * target.months
        if converged or step >= iterations or (not fitted and target is None):
            break
        for t in fitted:
            err = math.log(goals[t.cell_type] / smooth[t.cell_type])
            if err * last_err.get(t.cell_type, err) < 0:  # overshot: halve this route's step from now on
                damp[t.cell_type] *= 0.5
            last_err[t.cell_type] = err
            mult[t.cell_type] *= min(max(math.exp(err * damp[t.cell_type]), 1 / 50), 50)
        if target is not None:
            ratio = (median if math.isfinite(median) else 3 * follow_up_days / DAYS_PER_MONTH) / target.months
            g *= min(max(ratio**damping, 1 / 3), 3)
        current = rebuild(build, g, q)
        if mult:
            current = apply_multipliers(current, _with_tied(mult, tied), notes)
        step += 1
    final_mult = _with_tied(mult, tied)
    if target is not None and g != 1.0:
        current = _time_origins(current, target, g, drug, build.defaults)
    if fitted or target is not None:  # record the run in every calibrated origin (results: the calibration table)
        from dataclasses import replace

        tail = (f" [calibration: {patients} patients on continuous {drug}, seed {record['entropy']}"
                f"{' spawn key ' + str(record['spawn_key']) if record['spawn_key'] else ''}, {step} step(s)"
                f"{' from a warm start' if warm is not None else ''}, "
                f"{'converged' if converged else 'NOT converged'}]")
        current = replace(current, origins=[
            Origin(o.path, o.value, o.kind, o.source + tail) if o.kind == "calibrated" else o for o in current.origins
        ])
    return Calibration(current, fitted, held, tied, unfitted, final_mult, shares, history, patients, record, step,
                       converged, drug, target, g, median, response, warm, share_fit, scored, goals)
