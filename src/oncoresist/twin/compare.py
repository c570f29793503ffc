"""Strategy comparison for one patient's twin: a virtual cohort per strategy, through the trial layer.

The built scenario (without its fixed schedule: the strategy is the schedule) is written next to
a generated trial file with one arm per strategy, run with :func:`oncoresist.trial.run.run_trial`
and analysed with :class:`oncoresist.trial.analysis.TrialAnalyser`. The cohort's between-patient
distributions (:data:`COHORT`) are assumptions reused from ``examples/trials/ctdna_guided_egfr.yaml``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from oncoresist.errors import OncoresistError
from oncoresist.model.scenario import ECFold, EmaxReduction
from oncoresist.twin.builder import TwinBuild

if TYPE_CHECKING:
    import pandas as pd

    from oncoresist.knowledge.quant import QuantKnowledge

STRATEGIES: tuple[str, ...] = ("continuous", "sequential", "adaptive", "ctdna-guided", "combination")

#: Between-patient variation (factors on the twin's values; assumptions reused from the example trials).
COHORT: dict[str, Any] = {
    "growth": {"dist": "lognormal", "median": 1.0, "sigma": 0.02},
    "kill": {"dist": "lognormal", "median": 1.0, "sigma": 0.2},
    "resistant_fraction": {"dist": "lognormal", "median": 1.0, "sigma": 1.5},
}
SCAN_DAYS = 56.0
"""Imaging interval of the twin's cohorts (days): every 8 weeks."""
INITIAL_SIGMA = 0.7
"""Sigma of the log of the burden at diagnosis across the cohort (assumption, as in the example trials)."""


@dataclass
class StrategyComparison:
    """The outcome of :func:`compare_strategies`.

    Attributes
    ----------
    medians
        Per strategy: median time to progression (months) with its CI, ``n``, events.
    mechanisms
        Per strategy and cell type: share of progressions where that type dominated, with the
        published share at progression where the quantitative knowledge has one.
    summary
        The trial analyser's summary table (medians, HRs, ctDNA lead time, dose).
    out_dir
        Where the scenario, trial file and per-patient results were written.
    """

    medians: pd.DataFrame
    mechanisms: pd.DataFrame
    summary: pd.DataFrame
    out_dir: Path
    strategies: dict[str, dict[str, Any]] = field(default_factory=dict)
    seed: int | None = None
    """Root seed of the cohort (the trial layer's streams)."""
    analyser: Any = None
    """The fitted :class:`~oncoresist.trial.analysis.TrialAnalyser` (PFS), for figures."""

    @property
    def results_dir(self) -> Path:
        """The trial output folder (``load_results`` reads it)."""
        return self.out_dir / "results"


def _resisted(build: TwinBuild, drug: str) -> list[str]:
    """Cell types whose modifiers or PD say ``drug`` acts less on them."""
    out = []
    for ct in build.scenario.cell_types:
        hit = any(isinstance(m, ECFold) and drug in m.drugs and m.fold > 1 for m in ct.modifiers)
        hit |= any(isinstance(m, EmaxReduction) and (m.drugs is None or drug in m.drugs) for m in ct.modifiers)
        hit |= drug in ct.pd and ct.pd[drug].emax == 0.0
        if hit:
            out.append(ct.name)
    return out


def tracked_mutations(build: TwinBuild) -> dict[str, list[str]]:
    """ctDNA-trackable changes (point mutations of the routes) → the cell types that carry them."""
    out: dict[str, list[str]] = {}
    for r in build.routes:
        for a in r.alterations:
            if a.kind in {"protein", "codon"}:
                out.setdefault(a.name, []).append(r.name)
    return out


def strategy_specs(build: TwinBuild, strategies: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The trial-layer strategy mapping for each named strategy, drugs in the order given.

    ``continuous`` and ``adaptive`` give the first drug (``continuous:DRUG``, ``adaptive:DRUG``
    give that one of the twin's drugs instead); ``sequential`` each drug in turn at
    progression; ``ctdna-guided`` also switches when plasma shows a tracked mutation of a type
    that resists the current line; ``combination`` gives every drug together.
    """
    drugs = [d.name for d in build.scenario.drugs]
    tracked = tracked_mutations(build)
    out: dict[str, dict[str, Any]] = {}
    for s in strategies:
        kind, _, one = s.partition(":")
        if one and kind in {"continuous", "adaptive"}:
            if one not in drugs:
                raise OncoresistError(
                    f"--strategies: {s!r} names {one!r}, not one of the twin's drugs: {', '.join(drugs)}"
                )
            out[s] = {"kind": kind, "drugs": [one]}
            continue
        if s not in STRATEGIES:
            raise OncoresistError(
                f"--strategies: unknown strategy {s!r}; use {', '.join(STRATEGIES)} (or continuous:DRUG, adaptive:DRUG)"
            )
        if s == "continuous":
            out[s] = {"kind": "continuous", "drugs": [drugs[0]]}
        elif s == "adaptive":
            out[s] = {"kind": "adaptive", "drugs": [drugs[0]]}
        elif s == "sequential":
            out[s] = {"kind": "sequential", "lines": [[d] for d in drugs]}
        elif s == "combination":
            if len(drugs) < 2:
                raise OncoresistError("--strategies: combination needs at least two --drugs")
            out[s] = {"kind": "combination", "drugs": drugs}
        else:
            if len(drugs) < 2:
                raise OncoresistError("--strategies: ctdna-guided needs at least two --drugs (lines to switch)")
            switch_on: dict[int, list[str]] = {}
            for i, d in enumerate(drugs[:-1]):
                resist = set(_resisted(build, d))
                muts = [m for m, types in tracked.items() if resist & set(types)]
                if muts:
                    switch_on[i] = muts
            if not switch_on:
                raise OncoresistError("--strategies: ctdna-guided needs a trackable mutation that resists a line")
            out[s] = {"kind": "ctdna_guided", "lines": [[d] for d in drugs], "switch_on": switch_on}
    return out


def trial_mapping(
    build: TwinBuild, strategies: Sequence[str], *, patients: int, follow_up_days: float = 1095.0
) -> dict[str, Any]:
    """The trial file (as a mapping) that runs the twin's scenario under each strategy."""
    specs = strategy_specs(build, strategies)
    burden = float(sum(c.initial for c in build.scenario.cell_types))
    return {
        "name": f"twin strategies: {build.scenario.name}",
        "patients_per_arm": patients,
        "follow_up_days": follow_up_days,
        "arms": [{"name": s, "scenario": "scenario.yaml", "strategy": spec} for s, spec in specs.items()],
        "cohort": {**COHORT, "initial_cells": {"dist": "lognormal", "median": burden, "sigma": INITIAL_SIGMA}},
        "monitor": {
            "imaging": {"every_days": SCAN_DAYS, "n_lesions": 2},
            "ctdna": {"every_days": 28, "confirm_draws": 2, "track": tracked_mutations(build)},
        },
    }


def run_cohort(
    build: TwinBuild,
    strategies: Sequence[str],
    *,
    patients: int,
    seed: int | None,
    out_dir: str | Path | None = None,
    follow_up_days: float = 1095.0,
) -> tuple[Path, dict[str, Any]]:
    """Write the twin's scenario and a trial file with one arm per strategy to a folder, run it
    through the trial layer (per-patient Parquet under ``results/``); return the folder and the
    trial mapping."""
    import yaml

    from oncoresist._io import write_text_atomic
    from oncoresist.trial.run import run_trial
    from oncoresist.trial.spec import parse_trial
    from oncoresist.twin.export import header

    if patients <= 0:
        raise OncoresistError("--patients: the number of patients per strategy must be positive")
    out = Path(out_dir) if out_dir is not None else Path(tempfile.mkdtemp(prefix="oncoresist-twin-"))
    out.mkdir(parents=True, exist_ok=True)
    mapping = trial_mapping(build, strategies, patients=patients, follow_up_days=follow_up_days)
    scenario = build.scenario.model_copy(update={"treatment": []})
    data = scenario.model_dump(mode="json", exclude_defaults=True)
    write_text_atomic(
        out / "scenario.yaml",
        header(build) + yaml.safe_dump({"schema_version": scenario.schema_version, **data}, sort_keys=False, width=120),
    )
    write_text_atomic(out / "trial.yaml", yaml.safe_dump(mapping, sort_keys=False))
    spec = parse_trial(mapping, source=str(out / "trial.yaml"), base_dir=out)
    run_trial(spec, out_dir=out / "results", seed=seed)
    return out, mapping


def compare_strategies(
    build: TwinBuild,
    strategies: Sequence[str] = STRATEGIES,
    *,
    patients: int = 200,
    seed: int | None = None,
    out_dir: str | Path | None = None,
    follow_up_days: float = 1095.0,
    quant: QuantKnowledge | None = None,
) -> StrategyComparison:
    """Run a virtual cohort around the twin's scenario for each strategy and summarise.

    Parameters
    ----------
    build
        From :func:`oncoresist.twin.build_twin`.
    strategies
        Names from :data:`STRATEGIES`.
    patients
        Patients per strategy.
    seed
        Root seed (the trial layer's streams; same seed, same result).
    out_dir
        Folder for the scenario, trial file and per-patient Parquet (default: a new temporary folder).
    follow_up_days
        Follow-up from the start of treatment.
    quant
        Quantitative knowledge for published frequencies at progression (default :func:`load_quant`).
    """
    from oncoresist.trial.analysis import TrialAnalyser
    from oncoresist.trial.run import load_results

    if not strategies:
        raise OncoresistError("--strategies: give at least one strategy")
    out, mapping = run_cohort(
        build, strategies, patients=patients, seed=seed, out_dir=out_dir, follow_up_days=follow_up_days
    )
    results, _, _ = load_results(out / "results")
    arms = {a["name"]: a["strategy"] for a in mapping["arms"]}
    an = TrialAnalyser(endpoint="pfs", reference_arm=next(iter(arms))).fit(results)
    medians = an.medians_.copy()
    first = build.annotation.drug[0]
    mono = {name for name, st in arms.items() if _first_line(st) == [first]}
    mech = mechanism_shares(build, results, quant=quant, comparable=mono)
    return StrategyComparison(medians, mech, an.summary, out, strategies=arms, seed=seed, analyser=an)


def _first_line(strategy: dict[str, Any]) -> list[str]:
    """The drugs a strategy mapping gives first."""
    if "lines" in strategy:
        return list(strategy["lines"][0])
    return list(strategy.get("drugs", []))


def mechanism_shares(
    build: TwinBuild,
    results: pd.DataFrame,
    *,
    quant: QuantKnowledge | None = None,
    comparable: set[str] | None = None,
) -> pd.DataFrame:
    """Share of progressions per dominant cell type and strategy, beside published shares at progression.

    The published share is matched by the route's alteration (e.g. EGFR T790M), the first drug
    and the tumour type (the largest series when several match); ``published`` is the fraction,
    ``published_ci`` its 95% CI (or range). Routes with a published share are listed even when
    no simulated progression was theirs. ``comparable`` names the strategies whose first line is
    the first drug alone, like the published series (default: all); the others get no published value.
    """
    import pandas as pd

    from oncoresist.knowledge.quant import load_quant
    from oncoresist.twin.calibrate import published_share

    q = quant if quant is not None else load_quant()
    ann = build.annotation
    published = {}
    for r in build.routes:
        f = published_share(q, r, ann.drug[0], ann.tumor)
        if f is not None:
            published[r.name] = (f.value, f.ci95 or f.range, f"{f.id} ({f.source})")
    rows = []
    progressed = results[results["pfs_event"].astype(bool)]
    for arm, grp in progressed.groupby("arm", sort=False):
        counts = grp["dominant_at_pfs"].value_counts()
        cells = [str(c) for c in counts.index]
        if comparable is None or arm in comparable:
            cells += [c for c in published if c not in counts.index]
        for cell in cells:
            n = int(counts.get(cell, 0))
            pub, ci, src = (
                published.get(cell, (None, None, "")) if comparable is None or arm in comparable else (None, None, "")
            )
            rows.append(
                {
                    "strategy": arm,
                    "cell_type": cell,
                    "progressions": n,
                    "share": n / len(grp),
                    "published": pub,
                    "published_ci": ci,
                    "published_source": src,
                }
            )
    return pd.DataFrame(
        rows,
        columns=["strategy", "cell_type", "progressions", "share", "published", "published_ci", "published_source"],
    )
