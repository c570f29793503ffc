"""Between-patient spread fitted to the comparator arm's objective response.

The spreads derived from Laleh et al. 2022 (:mod:`oncoresist.twin.variation`) are upper bounds: they
come from chemotherapy and immunotherapy lesions and include each fit's own noise (3–6 points per
lesion). The twin's default spreads (growth σ 0.02) are a guess that makes every virtual patient
respond. :func:`fit_spread_to_response` fits **one factor** ``k`` that multiplies all three Laleh
spreads (net growth, kill, resistant fraction; their ratios are kept as the data give them) so that
continuous treatment with the twin's **first drug** reproduces the objective response rate of the
published arm that gave it (``outcomes.yaml``: ``objective_response`` of the twin's time target,
e.g. FLAURA's comparator, 76%). Nothing of the other arm is used.

Method: bisection on ``k`` in ``[lo, hi]`` (objective response falls as the spread widens), the same
virtual patients at every step (one seed: common random numbers); stops when the response rate is
within one binomial standard error of the target, or after ``iterations`` steps, and returns the
step closest to the target.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from oncoresist.errors import OncoresistError
from oncoresist.random import SeedLike, as_seed_sequence, seed_record
from oncoresist.twin.compare import compare_strategies
from oncoresist.twin.targets import time_target
from oncoresist.twin.variation import CohortVariation, luria_delbruck_block, resistant_growth_cohort, with_preexisting

if TYPE_CHECKING:
    from oncoresist.knowledge.quant import QuantKnowledge
    from oncoresist.twin.builder import TwinBuild


@dataclass(frozen=True)
class SpreadFit:
    """The fitted spread factor, the cohort block it gives and the run that fitted it."""

    factor: float
    objective_response: float
    target: float
    target_id: str
    target_source: str
    converged: bool
    patients: int
    seed: dict[str, object]
    cohort: dict[str, Any]
    variation: CohortVariation
    steps: list[tuple[float, float]] = field(default_factory=list)
    kill_on: str = "emax"
    """``"emax"``: the kill spread is a factor on every drug's Emax; ``"ec50"``: on every drug's EC50."""

    def to_dict(self) -> dict[str, Any]:
        return {"factor": round(self.factor, 4), "objective_response": round(self.objective_response, 4),
                "kill_on": self.kill_on,
                "target": self.target, "target_id": self.target_id, "target_source": self.target_source,
                "converged": self.converged, "patients": self.patients, "seed": self.seed,
                "steps": [[round(k, 4), round(r, 4)] for k, r in self.steps], "cohort": self.cohort,
                "spreads": self.variation.to_dict()}


def scale_variation(variation: CohortVariation, factor: float) -> CohortVariation:
    """The same spreads multiplied by ``factor`` (ratios kept), the factor named in the source."""
    if not factor >= 0 or not math.isfinite(factor):
        raise OncoresistError(f"factor: must be a finite number >= 0, got {factor!r}")
    return replace(variation, net_growth_log_sd=variation.net_growth_log_sd * factor,
                   kill_log_sd=variation.kill_log_sd * factor,
                   resistant_fraction_log_sd=variation.resistant_fraction_log_sd * factor,
                   source=f"{variation.source}; spreads x {factor:.4g}")


def objective_response(build: TwinBuild, cohort: dict[str, Any], *, patients: int, seed: SeedLike,
                       follow_up_days: float = 1095.0) -> float:
    """Share of virtual patients with a best RECIST response of PR or better on continuous first drug."""
    cmp = compare_strategies(build, ["continuous"], patients=patients, seed=seed,
                             cohort=with_preexisting(cohort, build), follow_up_days=follow_up_days)
    res = cmp.patients
    if res is None or not len(res):
        raise OncoresistError("patients: the response cohort produced no results")
    return float((res["best_response"] <= 1).mean())  # 0 = CR, 1 = PR


def fit_spread_to_response(
    build: TwinBuild,
    variation: CohortVariation,
    *,
    patients: int = 400,
    seed: SeedLike = 0,
    target: float | None = None,
    lo: float = 0.0,
    hi: float = 1.0,
    iterations: int = 7,
    follow_up_days: float = 1095.0,
    quant: QuantKnowledge | None = None,
    kill_on: str = "emax",
    preexisting: str = "lognormal",
    resistant_growth: bool = False,
    resistant_growth_shared: bool = False,
) -> SpreadFit:
    """Fit the factor on ``variation``'s spreads to the first drug's published objective response.

    ``target`` overrides the published rate (a share in (0, 1)); by default it is the
    ``objective_response`` of :func:`oncoresist.twin.targets.time_target` (the comparator arm).
    The cohort's growth sigma is mapped with the build's own birth and death rates
    (:meth:`CohortVariation.cohort`), so pass the calibrated build.

    ``kill_on``: ``"emax"`` (one factor on every drug's Emax) or ``"ec50"`` (the kill spread carried by the
    tumour's sensitivity, a factor on every drug's EC50, mapped with the first drug's EC50 on the sensitive
    clone: :func:`first_drug_ec50`; each drug's kill then follows its own EC50).

    ``preexisting``: ``"lognormal"`` (the pre-existing resistant counts get Laleh's resistant-fraction spread,
    scaled with the others) or ``"luria_delbruck"`` (each type's count drawn from its Luria–Delbrück
    distribution, :func:`oncoresist.twin.variation.luria_delbruck_block`: theory, not fitted; ``k`` then
    scales the growth and kill spreads only).

    ``resistant_growth``: also give each resistant route its own net-growth factor, the part of Laleh's
    net-growth spread that the patient-shared ``growth`` factor (``k``·σ_g) leaves
    (:func:`oncoresist.twin.variation.resistant_growth_block`), rebuilt at every ``k``; one per route, or with
    ``resistant_growth_shared`` one for all of a patient's routes.
    """
    if preexisting not in ("lognormal", "luria_delbruck"):
        raise OncoresistError(f"preexisting: expected 'lognormal' or 'luria_delbruck', got {preexisting!r}")
    if kill_on not in ("emax", "ec50"):
        raise OncoresistError(f"kill_on: expected 'emax' or 'ec50', got {kill_on!r}")
    if patients < 20:
        raise OncoresistError(f"patients: need at least 20 to fit a response rate, got {patients}")
    if not 0 <= lo < hi:
        raise OncoresistError(f"lo, hi: need 0 <= lo < hi, got {lo}, {hi}")
    tid, tsrc = "given", "target given by the caller"
    if target is None:
        out = time_target(quant, build)
        if out is None or out.objective_response is None:
            raise OncoresistError("target: the knowledge has no published objective response for the twin's "
                                  "first drug in this tumour type; pass target=")
        target, tid, tsrc = float(out.objective_response), out.id, out.source
    if not 0 < target < 1:
        raise OncoresistError(f"target: objective response must lie in (0, 1), got {target}")
    root = as_seed_sequence(seed)
    d = build.defaults
    se = math.sqrt(target * (1 - target) / patients)

    ec50 = first_drug_ec50(build) if kill_on == "ec50" else None

    def block(k: float) -> dict[str, Any]:
        out = scale_variation(variation, k).cohort(d.birth, d.death, ec50=ec50)
        if resistant_growth:
            out.update(resistant_growth_cohort(variation, k, shared=resistant_growth_shared))
        return {**out, "resistant_fraction": luria_delbruck_block(build)} if preexisting == "luria_delbruck" else out

    def orr(k: float) -> float:
        return objective_response(build, block(k),
                                  patients=patients, follow_up_days=follow_up_days,
                                  seed=np.random.SeedSequence(root.entropy, spawn_key=root.spawn_key))

    steps: list[tuple[float, float]] = []
    a, b = lo, hi
    r_hi = orr(b)
    steps.append((b, r_hi))
    if r_hi >= target:  # even the widest spread responds too often: no bracket
        k = b
    else:
        for _ in range(iterations):
            k = 0.5 * (a + b)
            r = orr(k)
            steps.append((k, r))
            if abs(r - target) <= se:
                break
            a, b = (k, b) if r > target else (a, k)
    k, r = min(steps, key=lambda s: abs(s[1] - target))
    converged = abs(r - target) <= se
    scaled = scale_variation(variation, k)
    return SpreadFit(k, r, target, tid, tsrc, converged, patients, seed_record(root),
                     block(k), scaled, steps, kill_on)


def first_drug_ec50(build: TwinBuild) -> float:
    """The first drug's EC50 on the sensitive clone over its exposure (the twin's constant dose)."""
    first = build.annotation.drug[0]
    drug = next((x for x in build.scenario.drugs if x.name == first), None)
    if drug is None:
        raise OncoresistError(f"build: the scenario has no drug {first!r}")
    dose = next((float(t.dose) for t in build.scenario.treatment if t.drug == first and t.dose > 0), 1.0)
    return float(drug.effect.ec50) / dose
