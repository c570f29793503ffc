"""A twin for a trial population of several sensitising drivers: one stratum per driver, one set of fitted numbers.

FLAURA enrolled exon 19 deletion *or* L858R (stratified). :func:`mixed_twin` joins one twin per driver (each built
by :func:`oncoresist.twin.build_twin` from its own driver: its own routes and Robichaux et al. 2021 folds) into one
:class:`~oncoresist.twin.builder.TwinBuild` whose ``strata`` hold them with their shares; its own fields are the
first stratum's. What the rest of the twin does with it:

- every cohort (:func:`oncoresist.twin.compare.run_cohort`: the calibration's, the spread fit's, the comparison's)
  draws each virtual patient's stratum with the published probability (:func:`assign_strata`: one uniform per
  patient from the cohort root's child 0, so the assignment is seeded, the same at every calibration step, and a
  prefix of the patients keeps its strata) and runs each stratum's patients on that stratum's twin (the stratum's
  trial from the root's child ``1 + k``); the results carry the patient's ``stratum`` (the driver) and
  ``stratum_patient`` (its index in the stratum's trial); ``patient_id`` is the patient's index in the mixture;
- the cohort block is the same for every stratum (the patient's growth, sensitivity and resistant-growth
  factors; the spreads are mapped with the first stratum's rates, as for one twin), except the Luria–Delbrück
  pre-existing counts, which each stratum draws from its own routes and rates (:func:`~oncoresist.twin.variation.
  with_preexisting` per stratum);
- the calibration (:func:`oncoresist.twin.calibrate.calibrate_twin`) rebuilds and rescales every stratum with the
  same growth factor and the same multipliers (:func:`map_strata`; a multiplier applies where the stratum has
  that cell type), and measures its targets on the mixed cohort: the fit targets are the comparator arm's,
  never a stratum's. Which rates are fitted is decided on the first stratum (:func:`~oncoresist.twin.calibrate.plan`).

Bad input (shares that do not add up to 1, a driver twice, strata on other drugs or another tumour type) is an
:class:`~oncoresist.errors.InvalidArgument` naming the field.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from oncoresist.errors import InvalidArgument

if TYPE_CHECKING:
    import pandas as pd

    from oncoresist.knowledge.quant import QuantKnowledge
    from oncoresist.twin.builder import TwinBuild


@dataclass(frozen=True)
class Stratum:
    """One driver of a mixed population: its share of the patients and its own twin."""

    driver: str
    share: float
    build: TwinBuild
    source: str = ""
    """Where the share comes from."""


def published_driver_shares(q: QuantKnowledge, outcome_ids: Sequence[str]) -> list[tuple[str, float, str]]:
    """Each driver's share among the typed patients of the named arms (their ``drivers`` blocks, pooled with equal
    weight per arm: randomised arms of one trial), with a line saying where it comes from; drivers in the order
    the first arm lists them."""
    mixes = []
    for oid in outcome_ids:
        o = q.outcomes.get(oid)
        if o is None or o.drivers is None:
            raise InvalidArgument(f"outcomes: {oid!r} has no 'drivers' block in the quantitative knowledge; add the "
                                  "arm's split between drivers (outcomes.yaml) or use one driver", param="outcomes")
        mixes.append(o.drivers)
    drivers = [s.alteration for s in mixes[0].shares]
    typed = sum(sum(s.fraction for s in m.shares) for m in mixes)
    out = []
    for d in drivers:
        part = sum(s.fraction for m in mixes for s in m.shares if s.alteration == d)
        where = "; ".join(f"{oid}: {m.source} {m.where}" for oid, m in zip(outcome_ids, mixes, strict=True))
        out.append((d, part / typed, f"share among typed patients of {', '.join(outcome_ids)} ({where})"))
    return out


def mixed_twin(strata: Sequence[tuple[str, float, TwinBuild]] | Sequence[Stratum]) -> TwinBuild:
    """One twin for a population of drivers: ``(driver, share, build)`` per stratum (or :class:`Stratum`), shares
    adding up to 1; the first stratum's twin gives the result's own fields (see the module)."""
    items = [s if isinstance(s, Stratum) else Stratum(*s) for s in strata]
    if len(items) < 2:
        raise InvalidArgument("strata: a mixture needs at least two drivers (one driver: use its twin)",
                              param="strata")
    names = [s.driver for s in items]
    if len(set(names)) != len(names):
        raise InvalidArgument(f"strata: each driver once, got {', '.join(names)}", param="strata")
    for s in items:
        if not 0 < s.share < 1:
            raise InvalidArgument(f"strata: the share of {s.driver!r} must lie in (0, 1), got {s.share!r}",
                                  param="strata")
        if s.build.strata:
            raise InvalidArgument(f"strata: the twin of {s.driver!r} is itself a mixture", param="strata")
    total = sum(s.share for s in items)
    if abs(total - 1.0) > 1e-6:
        raise InvalidArgument(f"strata: the shares must add up to 1, got {total:.6g}", param="strata")
    first = items[0].build.annotation
    for s in items[1:]:
        ann = s.build.annotation
        if list(ann.drug) != list(first.drug) or ann.tumor != first.tumor:
            raise InvalidArgument(f"strata: every stratum needs the same drugs and tumour type; {s.driver!r} has "
                                  f"{', '.join(ann.drug)} in {ann.tumor}, the first {', '.join(first.drug)} in "
                                  f"{first.tumor}", param="strata")
    return replace(items[0].build, strata=tuple(items))


def map_strata(build: TwinBuild, fn: Callable[[TwinBuild], TwinBuild]) -> TwinBuild:
    """The mixture with ``fn`` applied to every stratum's twin (shares kept; the first gives the fields)."""
    return mixed_twin([replace(s, build=fn(s.build)) for s in build.strata])


def assign_strata(shares: Sequence[float], patients: int, seed: np.random.SeedSequence) -> np.ndarray:
    """Each patient's stratum index: one uniform per patient from ``seed`` against the cumulative shares (patient
    ``i``'s stratum does not depend on the number of patients)."""
    if patients < 0:
        raise InvalidArgument(f"patients: must be >= 0, got {patients}", param="patients")
    u = np.random.default_rng(seed).random(patients)
    edges = np.cumsum(np.asarray(shares, float))[:-1]
    return np.searchsorted(edges, u, side="right").astype(np.int64)


def stratum_summary(results: pd.DataFrame, *, reference_arm: str) -> dict[str, dict[str, Any]]:
    """Per stratum of a mixed cohort's results: patients, median PFS per arm and each arm's HR against
    ``reference_arm`` (KM and Cox, :class:`~oncoresist.trial.analysis.TrialAnalyser`, within the stratum), objective
    response per arm, and the shares at progression per arm as a rebiopsy series counts them."""
    from oncoresist.trial.analysis import TrialAnalyser
    from oncoresist.twin.rebiopsy import rebiopsy_shares

    if "stratum" not in results.columns:
        raise InvalidArgument("results: no 'stratum' column (not a mixed cohort)", param="results")
    out: dict[str, dict[str, Any]] = {}
    for driver, grp in results.groupby("stratum", sort=False):
        an = TrialAnalyser(endpoint="pfs", reference_arm=reference_arm).fit(grp)
        rows: dict[str, Any] = {}
        for arm, r in an.summary.iterrows():
            g = grp[grp["arm"] == arm]
            rows[str(arm)] = {
                "patients": len(g),
                "median_months": [round(float(r[k]), 2) for k in ("median", "median_lower", "median_upper")],
                "hazard_ratio": None if arm == reference_arm else
                [round(float(r[k]), 3) for k in ("hr", "hr_lower", "hr_upper")],
                "objective_response": round(float((g["best_response"] <= 1).mean()), 3),
            }
        shares = rebiopsy_shares(grp)
        for arm, d in shares.items():
            rows.setdefault(str(arm), {})["acquired_resistance_shares"] = {k: round(v, 3) for k, v in d.items()}
        out[str(driver)] = rows
    return out
