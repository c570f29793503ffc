"""The calibrated twin with its between-patient spread fitted to the comparator: what ``oncoresist twin
--calibrate`` runs and what ``benchmarks/twin_flaura.py`` calls (its flags as :class:`CohortOptions`).

1. :func:`~oncoresist.twin.calibrate.calibrate_twin` with pre-existing resistant counts drawn from their
   Luria–Delbrück distributions (:func:`~oncoresist.twin.variation.luria_delbruck_block`) and the assumed
   spreads (:data:`~oncoresist.twin.compare.ASSUMED_COHORT`): rates to published shares at progression, net
   growth to the comparator's median PFS;
2. :func:`~oncoresist.twin.spread.fit_spread_to_response`: one factor on Laleh et al. 2022's spreads so that
   continuous first drug reproduces the comparator's objective response (kill spread carried by the tumour's
   sensitivity, a factor on every drug's EC50: ``kill_on="ec50"``);
3. :func:`~oncoresist.twin.calibrate.calibrate_twin` again with that cohort, and the Luria–Delbrück block
   rebuilt from the calibrated rates (:func:`~oncoresist.twin.variation.with_preexisting`);
   steps 2-3 repeated to a fixed point where the final cohort meets both the response and the median
   (:func:`~oncoresist.twin.joint_fit.fit_response_and_time`; ``converged`` false with a warning if not).

**One cohort definition** (twincli7 pass, issue 11): the options of :mod:`oncoresist.twin.cohort_options`
(:class:`~oncoresist.twin.cohort_options.CohortOptions`; default: kill spread on every drug's EC50, Luria–Delbrück
pre-existing counts, the resistant-only growth factor one per patient, ρ = 1, four rounds), the same for
``oncoresist twin --calibrate``, ``benchmarks/twin.py``, ``benchmarks/twin_flaura.py`` (which passes its flags
through ``options``) and the example trial it exports; :func:`twin_cohort` is the entry the CLI and the server
call, with or without calibration. The options are recorded in :meth:`FittedCohort.to_dict` and in the source
line. Before this pass ``oncoresist twin --calibrate`` fitted no resistant-only factor while the benchmark did
(T790M 42.6% against the benchmark's 56.6-61.3% of erlotinib progressions).

Cost: step 1 and the first spread fit run on a screening cohort (the first quarter of the same patients,
:func:`~oncoresist.twin.joint_fit.screen_size`); then one full-size search on the spread factor whose steps
are warm-started calibrations; the answer meets the full-size criteria (see :mod:`oncoresist.twin.joint_fit`).

Where the knowledge has no published objective response for the first drug (no comparator to fit the
spread to), step 2 is skipped and the cohort is :func:`~oncoresist.twin.compare.derived_cohort` of the
calibrated twin (Laleh's spreads as derived), and the result says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from oncoresist.errors import OncoresistError
from oncoresist.random import SeedLike, as_seed_sequence
from oncoresist.twin.calibrate import DEFAULT_SHARE_FIT, Calibration, calibrate_twin, plan
from oncoresist.twin.cohort_options import DEFAULT_COHORT_OPTIONS, CohortOptions
from oncoresist.twin.compare import ASSUMED_COHORT, derived_cohort
from oncoresist.twin.joint_fit import JointFit, fit_response_and_time, screen_size
from oncoresist.twin.mechanism_target import mechanism_target
from oncoresist.twin.spread import SpreadFit
from oncoresist.twin.targets import time_target
from oncoresist.twin.variation import load_variation, luria_delbruck_block

if TYPE_CHECKING:
    from oncoresist.knowledge.quant import QuantKnowledge
    from oncoresist.twin.builder import TwinBuild


@dataclass(frozen=True)
class FittedCohort:
    """The calibrated twin, the cohort block its strategy comparison should draw from, and how it was made."""

    calibration: Calibration
    """The final calibration (step 3), whose ``build`` is the twin to compare strategies on."""
    cohort: dict[str, Any]
    """The trial ``cohort`` block (without the burden at diagnosis) for :func:`compare_strategies`."""
    source: str
    """One line: where the cohort comes from (recorded in the comparison as ``cohort_source``)."""
    spread: SpreadFit | None = None
    """The spread fit of step 2 (``None`` where there was no published response to fit to)."""
    joint: JointFit | None = None
    """Steps 2-3 iterated to a fixed point (:mod:`oncoresist.twin.joint_fit`); ``None`` without a response."""
    initial_converged: bool | None = None
    """Whether step 1's calibration converged (on the screening cohort when there was one)."""
    options: CohortOptions = DEFAULT_COHORT_OPTIONS
    """The cohort definition it was fitted with (:mod:`oncoresist.twin.cohort_options`)."""

    @property
    def converged(self) -> bool:
        """The final cohort meets the comparator's response and median PFS together (or nothing to fit)."""
        return self.calibration.converged if self.joint is None else self.joint.converged

    def convergence(self) -> dict[str, bool | None]:
        """Every convergence flag: the first calibration (step 1), the spread fit and the final calibration of the
        chosen round, the joint fit, and ``all`` (:attr:`converged`). ``None``: that fit did not run."""
        return {"initial_calibration": self.initial_converged,
                "spread": None if self.spread is None else self.spread.converged,
                "calibration": self.calibration.converged,
                "joint_fit": None if self.joint is None else self.joint.converged,
                "all": self.converged}

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "options": self.options.to_dict(), "cohort": self.cohort,
                "calibration_converged": self.converged,
                "convergence": self.convergence(),
                "joint_fit": None if self.joint is None else self.joint.to_dict(),
                "spread": None if self.spread is None else {
                    k: v for k, v in self.spread.to_dict().items()
                    if k in ("factor", "objective_response", "target", "target_id", "target_source", "converged",
                             "patients", "seed", "steps", "kill_on")}}


def calibrate_with_spread(
    build: TwinBuild,
    *,
    patients: int = 400,
    seed: SeedLike = None,
    follow_up_days: float = 1095.0,
    quant: QuantKnowledge | None = None,
    out_dir: str | Path | None = None,
    options: CohortOptions = DEFAULT_COHORT_OPTIONS,
    warm: bool = True,
    screen_patients: int | None = None,
    mechanism: str | None = None,
    response_patients: int | None = None,
    share_fit: str = DEFAULT_SHARE_FIT,
) -> FittedCohort:
    """Calibrate the twin and fit its spread to the comparator's objective response (see the module).

    ``patients``: virtual patients per calibration and spread-fit step (the same patients at every step:
    one root seed, ``seed``: ``None`` | int | ``SeedSequence`` | ``Generator``, recorded in the results).
    ``out_dir``: where the final calibration's cohorts are written (``out_dir/iteration-0``: its last step,
    run once more from its own answer; the first calibration's under ``out_dir/initial``; default: in memory).
    ``options``: the cohort definition (:class:`~oncoresist.twin.cohort_options.CohortOptions`; its defaults are
    the one every twin cohort uses). ``warm``, ``screen_patients``: the path to the fit, not the cohort (see
    :func:`~oncoresist.twin.joint_fit.fit_response_and_time`); by default warm starts and a screening cohort of
    :func:`~oncoresist.twin.joint_fit.screen_size` patients (``0``: none). ``mechanism``: a resistant type whose
    published share at progression on the first drug also scores the spread factor (a soft target,
    :mod:`oncoresist.twin.mechanism_target`; that share is then fitted, not predicted), with the comparator's
    ``response_patients`` for the response's likelihood; default: the response alone; ``"auto"`` (what
    :func:`twin_cohort` passes): :func:`auto_mechanism` chooses both. ``share_fit``: how every
    calibration fits the assumed routes' shares (``"likelihood"``, the default, with the mechanism's share in the
    likelihood, or ``"point"``; :mod:`oncoresist.twin.calibrate`).
    """
    if mechanism == "auto":  # the measured route's published share, with the outcome's arm size (auto_mechanism)
        mechanism, response_patients = auto_mechanism(build, quant)
    if mechanism is not None and (response_patients is None or response_patients < 1):
        raise OncoresistError("response_patients: a mechanism target needs the comparator arm's number of patients")
    if patients <= 0:
        raise OncoresistError("patients: the number of calibration patients must be positive")
    if screen_patients is not None and screen_patients < 0:
        raise OncoresistError(f"screen_patients: must be >= 0 (0: no screening), got {screen_patients}")
    screen = screen_size(patients) if screen_patients is None else (screen_patients or None)
    cal_kw: dict[str, Any] = {"share_fit": share_fit}
    if share_fit == "likelihood" and mechanism is not None:
        cal_kw["score"] = (mechanism,)
    root = as_seed_sequence(seed)
    base = None if out_dir is None else Path(out_dir)
    ld = options.preexisting == "luria_delbruck"
    first = {**ASSUMED_COHORT, "resistant_fraction": luria_delbruck_block(build)} if ld else None
    cal = calibrate_twin(build, patients=screen or patients, seed=root, follow_up_days=follow_up_days, quant=quant,
                         cohort=first, out_dir=None if base is None else base / "initial", **cal_kw)
    q = quant if quant is not None else cal.build.quant
    target = time_target(q, cal.build)
    initial_converged = cal.converged
    if target is None or target.objective_response is None:
        if screen is not None:  # no joint fit to refine it: the full-size calibration, from the screening's answer
            cal = calibrate_twin(build, patients=patients, seed=root, follow_up_days=follow_up_days, quant=quant,
                                 cohort=first, out_dir=base, start=cal if warm else None, **cal_kw)
        cohort = derived_cohort(cal.build, options=options)
        return FittedCohort(cal, cohort, "derived: Laleh et al. 2022's spreads as derived, factor 1 (no published "
                                         "objective response on the first drug to fit them to); "
                                         f"{options.describe()}, from the calibrated rates",
                            initial_converged=initial_converged, options=options)
    mech = None if mechanism is None else mechanism_target(cal, mechanism, target.objective_response,
                                                           int(response_patients or 0))
    joint = fit_response_and_time(build, cal, load_variation(), patients=patients, seed=root, quant=q,
                                  rounds=options.rounds, follow_up_days=follow_up_days, warm=warm,
                                  screen_patients=screen, mechanism=mech, share_fit=share_fit,
                                  **options.spread_options())
    spread, cal, fitted = joint.spread, joint.calibration, joint.cohort
    if base is not None:  # the final calibration's last cohort, written where asked (its answer, run once more)
        calibrate_twin(build, patients=patients, seed=root, follow_up_days=follow_up_days, quant=quant,
                       cohort=spread.cohort, out_dir=base, start=cal, iterations=0, **cal_kw)
    source = (f"fitted: {spread.variation.source}, factor fitted to the objective response {spread.target:g} of "
              f"{spread.target_id} ({spread.target_source}) jointly with the time scale: final cohort "
              f"{joint.objective_response:.3f} in {spread.patients} patients after {len(joint.rounds)} step(s) "
              f"({'converged' if joint.converged else 'NOT converged'}); "
              + ("" if mech is None else f"also scored on the share of {mech.cell_type} at progression, "
                 f"{mech.source} (FITTED, not predicted); ")
              + ("" if share_fit == "point" else "assumed routes' shares fitted by their joint binomial likelihood"
                 + ("" if mech is None else f" with {mech.cell_type}'s") + "; ")
              + f"{options.describe()}, from the calibrated rates")
    return FittedCohort(cal, fitted, source, spread, joint, initial_converged, options)


def auto_mechanism(build: TwinBuild, quant: QuantKnowledge | None = None) -> tuple[str | None, int | None]:
    """The mechanism target :func:`twin_cohort` gives the spread fit by default (``mechanism="auto"``): a route
    whose pre-existing count is a measured prevalence (``TwinBuild.measured``) and that has a published share at
    progression on the first drug with its number of patients, scored with the comparator's published response
    among the arm's ``n`` patients (the outcome's ``n``). The benchmark path (``benchmarks/twin_flaura.py``) names
    the same target explicitly, so the CLI, the server and the benchmark fit one twin. ``(None, None)`` (the
    response alone) when the twin has no measured route, the route no share with ``n``, or the outcome no ``n``
    or no response."""
    if quant is not None:
        q = quant
    elif build.quant is not None:
        q = build.quant
    else:
        from oncoresist.knowledge.quant import load_quant

        q = load_quant()
    target = time_target(q, build)
    if not build.measured or target is None or not target.n or target.objective_response is None:
        return None, None
    fitted, held, _, _ = plan(build, q)
    with_n = {t.cell_type for t in [*fitted, *held] if t.n}
    for name in build.measured:
        if name in with_n:
            return name, int(target.n)
    return None, None


@dataclass(frozen=True)
class TwinCohort:
    """The twin to compare strategies on and the cohort its comparison draws from (:func:`twin_cohort`)."""

    build: TwinBuild
    """The calibrated twin (or the built one, uncalibrated)."""
    cohort: dict[str, Any]
    source: str
    options: CohortOptions
    fitted: FittedCohort | None = None
    """The calibration and spread fit (``None``: not calibrated)."""

    def provenance(self) -> dict[str, Any]:
        """What every output records about the cohort: the options, whether it was calibrated, the source."""
        return {"options": self.options.to_dict(), "calibrated": self.fitted is not None, "source": self.source}


def twin_cohort(
    build: TwinBuild,
    *,
    calibrate: bool,
    patients: int = 400,
    seed: SeedLike = None,
    follow_up_days: float = 1095.0,
    quant: QuantKnowledge | None = None,
    out_dir: str | Path | None = None,
    options: CohortOptions = DEFAULT_COHORT_OPTIONS,
    share_fit: str = DEFAULT_SHARE_FIT,
) -> TwinCohort:
    """The twin's cohort, the one entry of ``oncoresist twin`` and the server's twin jobs: with ``calibrate``,
    :func:`calibrate_with_spread` (``patients``, ``seed``, ``out_dir``, ``share_fit``: its own); without, the built
    twin and :func:`~oncoresist.twin.compare.derived_cohort` (the same ``options`` at spread factor 1: nothing
    fitted)."""
    if calibrate:
        fc = calibrate_with_spread(build, patients=patients, seed=seed, follow_up_days=follow_up_days, quant=quant,
                                   out_dir=out_dir, options=options, share_fit=share_fit, mechanism="auto")
        return TwinCohort(fc.calibration.build, fc.cohort, fc.source, options, fc)
    from oncoresist.twin.compare import derived_source

    variation = load_variation()
    return TwinCohort(build, derived_cohort(build, variation, options), derived_source(variation.source, options),
                      options)
