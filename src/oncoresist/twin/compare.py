"""Strategy comparison for one patient's twin: a virtual cohort per strategy, through the trial layer.

The built scenario (without its fixed schedule: the strategy is the schedule) is passed as a
:class:`~oncoresist.model.scenario.Scenario` object to a trial spec with one arm per strategy, run in
memory with :func:`oncoresist.trial.run.run_trial` (``out_dir=None``; with an ``out_dir`` the
scenario, trial file and per-patient Parquet are written there too) and analysed with
:class:`oncoresist.trial.analysis.TrialAnalyser`.

Between-patient variation (``cohort=``): by default ``"derived"`` (:func:`derived_cohort`: the twin's one
cohort definition, :mod:`oncoresist.twin.cohort_options`, at spread factor 1: the spreads derived from Laleh et
al. 2022's lesion fits, :mod:`oncoresist.twin.variation`, mapped with the twin's own rates, the kill spread on
every drug's EC50, each pre-existing resistant count drawn from its Luria–Delbrück distribution); ``"assumed"``
(:data:`ASSUMED_COHORT`, the stated assumptions of ``examples/trials/ctdna_guided_egfr.yaml``, growth σ 0.02,
which makes every virtual patient respond at the same scan); or a cohort mapping (e.g. the spread fitted to
the comparator's response, :mod:`oncoresist.twin.fitted_cohort`). The choice is recorded in the result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from oncoresist.errors import OncoresistError
from oncoresist.model.scenario import ECFold, EmaxReduction
from oncoresist.random import SeedLike, as_seed_sequence, child_seed, seed_record
from oncoresist.twin.builder import TwinBuild
from oncoresist.twin.cohort_options import DEFAULT_COHORT_OPTIONS, CohortOptions
from oncoresist.twin.mixture import assign_strata
from oncoresist.twin.targets import published_share, time_target

if TYPE_CHECKING:
    import pandas as pd

    from oncoresist.knowledge.quant import QuantKnowledge
    from oncoresist.twin.variation import CohortVariation

STRATEGIES: tuple[str, ...] = ("continuous", "sequential", "adaptive", "ctdna_guided", "combination")
"""Strategy names: the trial layer's policy kinds (one vocabulary for the twin, the trial file and the CLI)."""

#: Between-patient variation as stated assumptions (factors on the twin's values; reused from the example
#: trials): growth sigma 0.02 gives KM medians on one scan and zero-width CIs. ``cohort="assumed"``.
ASSUMED_COHORT: dict[str, Any] = {
    "growth": {"dist": "lognormal", "median": 1.0, "sigma": 0.02},
    "kill": {"dist": "lognormal", "median": 1.0, "sigma": 0.2},
    "resistant_fraction": {"dist": "lognormal", "median": 1.0, "sigma": 1.5},
}
COHORT = ASSUMED_COHORT
"""The old name of :data:`ASSUMED_COHORT` (kept for callers that name it)."""
COHORT_CHOICES: tuple[str, ...] = ("derived", "assumed")
"""Named cohorts :func:`compare_strategies` accepts besides a mapping; the first is the default."""
ASSUMED_SOURCE = ("assumed: stated assumptions (growth sigma 0.02, kill sigma 0.2, resistant fraction sigma 1.5; "
                  "examples/trials/ctdna_guided_egfr.yaml)")
CTDNA: dict[str, Any] = {"every_days": 28, "confirm_draws": 2}
"""The twin's plasma schedule: a draw every 28 days, a call confirmed by two consecutive positive draws
(the rest of the assay and the shedding rate are the trial layer's defaults, Avanzini et al. 2020)."""
SCAN_DAYS = 56.0
"""Imaging interval of the twin's cohorts (days) when the modelled trial's schedule is not known: every 8 weeks."""


def imaging_schedule(build: TwinBuild, q: QuantKnowledge | None = None) -> dict[str, Any]:
    """The imaging block for the twin's cohorts: the schedule of the published trial that gave the
    first drug in this tumour type (``outcomes.yaml``: ``scan_schedule``, with its source), else every
    :data:`SCAN_DAYS` days."""
    target = time_target(q if q is not None else build.quant, build)
    if target is not None and target.scan_schedule:
        return {"schedule": target.scan_schedule, "schedule_source": f"{target.id}: {target.scan_schedule_source}",
                "n_lesions": 2}
    return {"every_days": SCAN_DAYS, "n_lesions": 2}


def derived_cohort(build: TwinBuild, variation: CohortVariation | None = None,
                   options: CohortOptions = DEFAULT_COHORT_OPTIONS) -> dict[str, Any]:
    """The twin's cohort where nothing was fitted: the one definition (:mod:`oncoresist.twin.cohort_options`) at
    spread factor 1, i.e. Laleh et al. 2022's spreads as derived (``variation``, default
    :func:`~oncoresist.twin.variation.load_variation`), mapped with the build's rates (pass the calibrated build):
    :func:`~oncoresist.twin.cohort_block.spread_cohort` of factor 1 with ``options`` (by default the kill spread on
    every drug's EC50, Luria–Delbrück pre-existing counts, and the resistant-only growth factor, whose spread
    σ_g·√(1 − k²) is 0 at k = 1: the shared growth factor carries all of Laleh's net-growth spread). The spreads
    include each lesion fit's own noise, so they are upper bounds;
    :func:`oncoresist.twin.fitted_cohort.calibrate_with_spread` scales them to the comparator's objective
    response."""
    from oncoresist.twin.cohort_block import spread_cohort  # deferred: it loads the engine (twin.variation)
    from oncoresist.twin.variation import load_variation  # deferred: it loads the engine

    v = variation if variation is not None else load_variation()
    return spread_cohort(build, v, 1.0, **options.spread_options())


def derived_source(variation_source: str, options: CohortOptions = DEFAULT_COHORT_OPTIONS) -> str:
    """The ``cohort_source`` line of :func:`derived_cohort`."""
    return (f"derived: {variation_source}; spreads as derived (factor 1; upper bounds: they include each lesion fit's "
            f"noise), mapped with the twin's rates; {options.describe()}")


def resolve_cohort(build: TwinBuild, cohort: str | dict[str, Any] | None,
                   source: str | None = None) -> tuple[dict[str, Any], str]:
    """The cohort block and a line saying where it comes from, for ``cohort`` = ``None`` or ``"derived"``
    (:func:`derived_cohort` with the default options), ``"assumed"`` (:data:`ASSUMED_COHORT`) or a mapping (used
    as given; ``source`` names it)."""
    if cohort is None or cohort == "derived":
        from oncoresist.twin.variation import load_variation  # deferred: it loads the engine

        v = load_variation()
        return derived_cohort(build, v), derived_source(v.source)
    if cohort == "assumed":
        return dict(ASSUMED_COHORT), ASSUMED_SOURCE
    if isinstance(cohort, dict):
        return cohort, source or "given by the caller"
    raise OncoresistError(f"cohort: expected one of {', '.join(COHORT_CHOICES)} or a cohort mapping, got {cohort!r}")


ENGINE = "leap"
"""The engine of the twin's cohorts (calibration and comparison; the trial file's ``engine``): the exact
per-type leaps (docs/engine.md), 3x faster than ``tau`` on the twin's cohorts and shown to agree with it
(paired tests, ``tests/trial/test_leap_agreement.py``, ``verification/leap_trials.py``)."""
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
        Where the scenario, trial file and per-patient results were written (``None``: in memory only).
    patients, timelines
        The per-patient results and the sample timelines (as :func:`~oncoresist.trial.run.load_results`
        would read them back).
    """

    medians: pd.DataFrame
    mechanisms: pd.DataFrame
    summary: pd.DataFrame
    out_dir: Path | None
    strategies: dict[str, dict[str, Any]] = field(default_factory=dict)
    seed: dict[str, object] | None = None
    """Root seed record of the cohort (``oncoresist.random.seed_record``: entropy and spawn key)."""
    analyser: Any = None
    """The fitted :class:`~oncoresist.trial.analysis.TrialAnalyser` (PFS), for figures."""
    patients: pd.DataFrame | None = None
    timelines: pd.DataFrame | None = None
    endpoints: pd.DataFrame | None = None
    """Per strategy: time to strategy failure (the ranking endpoint) with PFS per line beside it, and
    ctDNA lead times over the first RECIST PD (``trial.analysis.endpoint_table``)."""
    engine: str = ENGINE
    """The evolution engine the cohorts ran on (the trial file's ``engine``)."""
    cohort: dict[str, Any] | None = None
    """The between-patient distributions the cohorts drew from (the trial's ``cohort`` block, without the
    burden at diagnosis)."""
    cohort_source: str = ""
    """Where :attr:`cohort` comes from (``derived: ...``, ``assumed: ...``, or the caller's name for it)."""
    imaging: dict[str, Any] | None = None
    """The imaging block of the cohorts' trial (schedule, lesions, detection limit)."""
    ctdna: dict[str, Any] | None = None
    """The plasma block of the cohorts' trial (schedule, confirmation, overrides such as the shedding rate)."""

    def lead_time_comparison(self) -> pd.DataFrame:
        """Each strategy's median ctDNA lead time beside every published lead time the project stores
        (``monitor/data/lead_times.yaml``), in days; ``ratio`` = model / published."""
        import pandas as pd

        from oncoresist.monitor.literature import published_lead_times

        rows = []
        ends = self.endpoints if self.endpoints is not None else pd.DataFrame()
        for pub in published_lead_times():
            for arm, r in ends.iterrows():
                model = r.get("ctdna_onset_lead_median_days")
                rows.append({"strategy": arm, "detected_first": r.get("ctdna_onset_lead_n"),
                             "progressed": r.get("ctdna_progressed_n"),
                             "detected_after_pd": r.get("ctdna_after_pd_n"), "model_onset_days": model,
                             "model_confirmed_days": r.get("ctdna_lead_median_days"),
                             "published_id": pub.id, "published_days": pub.days, "published_statistic": pub.statistic,
                             "published_n": pub.n, "published_denominator": pub.denominator,
                             "published_setting": f"{pub.mutation}; {pub.setting}", "published_source": pub.source,
                             "ratio": (model / pub.days) if model == model and model is not None else float("nan")})
        return pd.DataFrame(rows)

    @property
    def results_dir(self) -> Path | None:
        """The trial output folder (``load_results`` reads it), or ``None`` for an in-memory run."""
        return None if self.out_dir is None else self.out_dir / "results"


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


def resisting_every_drug(build: TwinBuild, drugs: Sequence[str] | None = None) -> list[str]:
    """Cell types that resist every one of ``drugs`` (default: all the twin's drugs), in scenario order.

    Switching lines earlier (ctDNA-guided) cannot delay these: they grow under every line, so the last line
    fails when they reach progression whenever it started."""
    names = [d.name for d in build.scenario.drugs] if drugs is None else list(drugs)
    if not names:
        return []
    common = set(_resisted(build, names[0]))
    for d in names[1:]:
        common &= set(_resisted(build, d))
    return [c.name for c in build.scenario.cell_types if c.name in common]


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
    progression; ``ctdna_guided`` also switches when plasma shows a tracked mutation of a type
    that resists the current line; ``combination`` gives every drug together.
    """
    drugs = [d.name for d in build.scenario.drugs]
    tracked = tracked_mutations(build)
    out: dict[str, dict[str, Any]] = {}
    for s in strategies:
        kind, _, one = s.partition(":")
        if one and kind in {"continuous", "adaptive"}:
            if one not in drugs:
                raise OncoresistError(f"strategies: {s!r} names {one!r}, not one of the twin's drugs: "
                                      f"{', '.join(drugs)}")
            out[s] = {"kind": kind, "drugs": [one]}
            continue
        if s not in STRATEGIES:
            hint = f"; did you mean {s.replace('-', '_')!r}?" if s.replace("-", "_") in STRATEGIES else ""
            raise OncoresistError(
                f"strategies: unknown strategy {s!r}{hint} use {', '.join(STRATEGIES)} "
                "(or continuous:DRUG, adaptive:DRUG)"
            )
        if s == "continuous":
            out[s] = {"kind": "continuous", "drugs": [drugs[0]]}
        elif s == "adaptive":
            out[s] = {"kind": "adaptive", "drugs": [drugs[0]]}
        elif s == "sequential":
            out[s] = {"kind": "sequential", "lines": [[d] for d in drugs]}
        elif s == "combination":
            if len(drugs) < 2:
                raise OncoresistError("strategies: combination needs at least two drugs")
            out[s] = {"kind": "combination", "drugs": drugs}
        else:
            if len(drugs) < 2:
                raise OncoresistError("strategies: ctdna_guided needs at least two drugs (lines to switch)")
            switch_on: dict[int, list[str]] = {}
            for i, d in enumerate(drugs[:-1]):
                resist = set(_resisted(build, d))
                muts = [m for m, types in tracked.items() if resist & set(types)]
                if muts:
                    switch_on[i] = muts
            if not switch_on:
                raise OncoresistError("strategies: ctdna_guided needs a trackable mutation that resists a line")
            out[s] = {"kind": "ctdna_guided", "lines": [[d] for d in drugs], "switch_on": switch_on}
    return out


def trial_mapping(
    build: TwinBuild, strategies: Sequence[str], *, patients: int, follow_up_days: float = 1095.0,
    scenario: Any = "scenario.yaml", cohort: dict[str, Any] | None = None, ctdna: dict[str, Any] | None = None,
    engine: str | None = None, imaging: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The trial file (as a mapping) that runs the twin's scenario under each strategy.

    ``scenario`` is what each arm names: a file name (written beside the trial file) or a
    :class:`~oncoresist.model.scenario.Scenario` object (in memory). ``ctdna`` overrides settings of
    the trial's ``monitor.ctdna`` block (e.g. ``{"shedding_per_death": 1.4e-3}`` for a sensitivity
    analysis) on top of :data:`CTDNA`; the tracked mutations always come from the twin's routes.
    ``engine`` is the trial's ``engine`` (default :data:`ENGINE`). ``imaging`` overrides settings of the
    ``monitor.imaging`` block (e.g. ``{"detection_limit_mm": 10, "n_lesions": 5}``) on top of
    :func:`imaging_schedule`. ``cohort=None`` is :data:`ASSUMED_COHORT` at this level (the calibration's
    cohort); :func:`compare_strategies` resolves its own default (:func:`resolve_cohort`).
    """
    specs = strategy_specs(build, strategies)
    burden = float(sum(c.initial for c in build.scenario.cell_types))
    return {
        "name": f"twin strategies: {build.scenario.name}",
        "patients_per_arm": patients,
        "follow_up_days": follow_up_days,
        "engine": ENGINE if engine is None else engine,
        "arms": [{"name": s, "scenario": scenario, "strategy": spec} for s, spec in specs.items()],
        "cohort": {
            **(COHORT if cohort is None else cohort),
            "initial_cells": {"dist": "lognormal", "median": burden, "sigma": INITIAL_SIGMA},
        },
        "monitor": {
            "imaging": {**imaging_schedule(build), **(imaging or {})},
            "ctdna": {**CTDNA, **(ctdna or {}), "track": tracked_mutations(build)},
        },
    }


def run_cohort(
    build: TwinBuild,
    strategies: Sequence[str],
    *,
    patients: int,
    seed: SeedLike,
    out_dir: str | Path | None = None,
    follow_up_days: float = 1095.0,
    cohort: dict[str, Any] | None = None,
    ctdna: dict[str, Any] | None = None,
    engine: str | None = None,
    imaging: dict[str, Any] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """Run the twin's scenario under each strategy through the trial layer.

    In memory by default (the scenario object goes straight into the trial spec; nothing is
    written). With ``out_dir`` the scenario and the trial file are written there as well and the
    per-patient Parquet goes to ``out_dir/results`` (``oncoresist report`` reads it).

    Returns
    -------
    (patients, timelines, mapping)
        Per-patient results, sample timelines, and the trial mapping (arms name the scenario file,
        ``scenario.yaml``, whether or not it was written).
    """
    from oncoresist.trial.run import load_results, run_trial
    from oncoresist.trial.spec import parse_trial

    if patients <= 0:
        raise OncoresistError("patients: the number of patients per strategy must be positive")
    if build.strata:
        return _run_strata(build, strategies, patients=patients, seed=seed, out_dir=out_dir,
                           follow_up_days=follow_up_days, cohort=cohort, ctdna=ctdna, engine=engine, imaging=imaging)
    scenario = build.scenario.model_copy(update={"treatment": []})
    mapping = trial_mapping(build, strategies, patients=patients, follow_up_days=follow_up_days, cohort=cohort,
                            ctdna=ctdna, engine=engine, imaging=imaging)
    if out_dir is None:
        spec = parse_trial({**mapping, "arms": [{**a, "scenario": scenario} for a in mapping["arms"]]},
                           source="twin strategies")
        run = run_trial(spec, out_dir=None, seed=seed)
        assert run.patients is not None and run.timelines is not None
        return run.patients, run.timelines, mapping
    import yaml

    from oncoresist._io import write_text_atomic
    from oncoresist.twin.export import header

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    data = scenario.model_dump(mode="json", exclude_defaults=True)
    write_text_atomic(
        out / "scenario.yaml",
        header(build) + yaml.safe_dump({"schema_version": scenario.schema_version, **data}, sort_keys=False, width=120),
    )
    write_text_atomic(out / "trial.yaml", yaml.safe_dump(mapping, sort_keys=False))
    spec = parse_trial(mapping, source=str(out / "trial.yaml"), base_dir=out)
    run_trial(spec, out_dir=out / "results", seed=seed)
    results, timelines, _ = load_results(out / "results")
    return results, timelines, mapping


def _run_strata(
    build: TwinBuild,
    strategies: Sequence[str],
    *,
    patients: int,
    seed: SeedLike,
    out_dir: str | Path | None,
    cohort: dict[str, Any] | None,
    **kw: Any,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """:func:`run_cohort` of a mixed twin (:mod:`oncoresist.twin.mixture`): each patient's stratum drawn from the
    root's child 0, each stratum's patients run on its own twin from the root's child ``1 + k``, with the cohort
    block's Luria–Delbrück counts rebuilt from that stratum's rates; results in arm order, ``patient_id`` the
    patient's index in the mixture, ``stratum`` its driver, ``stratum_patient`` its index in its stratum's trial."""
    import numpy as np
    import pandas as pd

    from oncoresist.twin.variation import with_preexisting  # deferred: it loads the engine

    root = as_seed_sequence(seed)
    which = assign_strata([s.share for s in build.strata], patients, child_seed(root, 0))
    parts: list[pd.DataFrame] = []
    lines: list[pd.DataFrame] = []
    mapping: dict[str, Any] | None = None
    counts = []
    for k, s in enumerate(build.strata):
        idx = np.flatnonzero(which == k)
        counts.append({"driver": s.driver, "share": s.share, "patients": len(idx), "source": s.source})
        if not len(idx):
            continue
        res, tl, mp = run_cohort(s.build, strategies, patients=len(idx), seed=child_seed(root, 1 + k),
                                 out_dir=None if out_dir is None else Path(out_dir) / f"stratum-{k}",
                                 cohort=with_preexisting(cohort, s.build), **kw)
        mapping = mapping or mp
        for frame, into in ((res, parts), (tl, lines)):
            if len(frame):
                local = frame["patient_id"].to_numpy()
                into.append(frame.assign(patient_id=idx[local], stratum=s.driver, stratum_patient=local))
    assert mapping is not None  # patients > 0, so some stratum has patients
    order = {a["name"]: i for i, a in enumerate(mapping["arms"])}

    def joined(frames: list[pd.DataFrame]) -> pd.DataFrame:
        if not frames:
            return pd.DataFrame()
        out = pd.concat(frames, ignore_index=True)
        key = out["arm"].map(order) if "arm" in out.columns else 0
        return out.assign(_order=key).sort_values(["_order", "patient_id"], kind="stable").drop(
            columns="_order").reset_index(drop=True)

    return joined(parts), joined(lines), {**mapping, "strata": counts}


def compare_strategies(
    build: TwinBuild,
    strategies: Sequence[str] = STRATEGIES,
    *,
    patients: int = 200,
    seed: SeedLike = None,
    out_dir: str | Path | None = None,
    follow_up_days: float = 1095.0,
    quant: QuantKnowledge | None = None,
    cohort: str | dict[str, Any] | None = None,
    ctdna: dict[str, Any] | None = None,
    engine: str | None = None,
    imaging: dict[str, Any] | None = None,
    cohort_source: str | None = None,
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
        Root seed of the trial layer's streams: ``None`` (OS entropy, recorded in the result), an
        int, a ``SeedSequence`` or a ``Generator``; same seed, same result.
    out_dir
        Folder for the scenario, trial file and per-patient Parquet (default: in memory, nothing written).
    follow_up_days
        Follow-up from the start of treatment.
    quant
        Quantitative knowledge for published frequencies at progression (default :func:`load_quant`).
    cohort
        Between-patient distributions: ``"derived"`` (default, :func:`derived_cohort`: Laleh et al. 2022's
        spreads and Luria–Delbrück pre-existing counts), ``"assumed"`` (:data:`ASSUMED_COHORT`), or a trial
        ``cohort`` block without ``initial_cells`` (e.g. ``calibrate_with_spread(...).cohort``).
    ctdna
        Overrides of the plasma monitoring (see :func:`trial_mapping`), e.g. ``{"shedding_per_death": 1.4e-3}``.
    engine
        Evolution engine of the cohorts (``tau``, ``leap``, ``ssa``, ``ode`` or ``auto``; default :data:`ENGINE`).
    imaging
        Overrides of the imaging model (see :func:`trial_mapping`), e.g. ``{"detection_limit_mm": 10.0}``
        (RECIST 1.1's smallest measurable lesion at baseline) or ``{"n_lesions": 5}`` (its most target lesions).
    cohort_source
        Where a ``cohort`` mapping comes from (recorded in the result; ignored for the named cohorts).
    """
    from oncoresist.trial.analysis import TrialAnalyser, endpoint_table

    if not strategies:
        raise OncoresistError("strategies: give at least one strategy")
    root = as_seed_sequence(seed)
    block, source = resolve_cohort(build, cohort, cohort_source)
    results, timelines, mapping = run_cohort(
        build, strategies, patients=patients, seed=root, out_dir=out_dir, follow_up_days=follow_up_days,
        cohort=block, ctdna=ctdna, engine=engine, imaging=imaging,
    )
    arms = {a["name"]: a["strategy"] for a in mapping["arms"]}
    an = TrialAnalyser(endpoint="pfs", reference_arm=next(iter(arms))).fit(results)
    medians = an.medians_.copy()
    first = build.annotation.drug[0]
    mono = {name for name, st in arms.items() if _first_line(st) == [first]}
    mech = mechanism_shares(build, results, quant=quant, comparable=mono)
    return StrategyComparison(medians, mech, an.summary, None if out_dir is None else Path(out_dir), strategies=arms,
                              seed=seed_record(root), analyser=an, patients=results, timelines=timelines,
                              endpoints=endpoint_table(results), engine=str(mapping["engine"]), cohort=block,
                              cohort_source=source, imaging=dict(mapping["monitor"]["imaging"]),
                              ctdna={k: v for k, v in mapping["monitor"]["ctdna"].items() if k != "track"})


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
    ``published_ci`` its 95% CI (or range). Shares are among RECIST progressions: a death before any scan
    showed progression (a PFS event without a dominant cell type) has no mechanism and is left out. Routes
    with a published share are listed even when
    no simulated progression was theirs. ``comparable`` names the strategies whose first line is
    the first drug alone, like the published series (default: all); the others get no published value.
    """
    import pandas as pd

    from oncoresist.knowledge.quant import load_quant

    q = quant if quant is not None else load_quant()
    ann = build.annotation
    published = {}
    for r in build.routes:
        f = published_share(q, r, ann.drug[0], ann.tumor)
        if f is not None:
            published[r.name] = (f.value, f.ci95 or f.range, f"{f.id} ({f.source})")
    rows = []
    # a PFS event with no dominant type is a death before any scan showed progression (``dominant_at_pfs`` is
    # ''): not a progression with a mechanism, so it is left out of the shares (as from a rebiopsy series)
    from oncoresist.twin.rebiopsy import rebiopsy_progressions

    progressed = rebiopsy_progressions(results)
    for arm, grp in progressed.groupby("arm", sort=False):
        counts = grp["dominant_at_pfs"].value_counts()
        cells = [str(c) for c in counts.index]
        if comparable is None or arm in comparable:
            cells += [c for c in published if c not in counts.index]
        for cell in cells:
            n = int(counts.get(cell, 0))
            pub, ci, src = published.get(cell, (None, None, "")) if comparable is None or arm in comparable else (
                None, None, "")
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
