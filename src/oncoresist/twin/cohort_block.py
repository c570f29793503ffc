"""The cohort block of one spread factor on the twin: what every twin cohort is made of.

:func:`spread_cohort` turns Laleh et al. 2022's spreads (:mod:`oncoresist.twin.variation`) times a factor ``k``
into the trial layer's ``cohort`` block for a twin, with the options of the one cohort definition
(:mod:`oncoresist.twin.cohort_options`): the spread fit (:mod:`oncoresist.twin.spread`) and the joint fit run it at
every step, and :func:`oncoresist.twin.compare.derived_cohort` is its value at ``k = 1``. Moved here from
:mod:`oncoresist.twin.spread` (which re-exports the three functions) so that the comparison's default cohort uses
the same function without an import cycle (spread runs its cohorts through the comparison).
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from oncoresist.errors import OncoresistError
from oncoresist.twin.variation import CohortVariation, luria_delbruck_block, resistant_growth_cohort

if TYPE_CHECKING:
    from oncoresist.twin.builder import TwinBuild


def scale_variation(variation: CohortVariation, factor: float) -> CohortVariation:
    """The same spreads multiplied by ``factor`` (ratios kept), the factor named in the source."""
    if not factor >= 0 or not math.isfinite(factor):
        raise OncoresistError(f"factor: must be a finite number >= 0, got {factor!r}")
    return replace(variation, net_growth_log_sd=variation.net_growth_log_sd * factor,
                   kill_log_sd=variation.kill_log_sd * factor,
                   resistant_fraction_log_sd=variation.resistant_fraction_log_sd * factor,
                   source=f"{variation.source}; spreads x {factor:.4g}")


def spread_cohort(build: TwinBuild, variation: CohortVariation, factor: float, *, kill_on: str = "emax",
                  preexisting: str = "lognormal", resistant_growth: bool = False,
                  resistant_growth_shared: bool = False,
                  resistant_growth_correlation: float | None = None) -> dict[str, Any]:
    """The cohort block of spread factor ``factor`` on ``build`` (growth sigma mapped with its birth and death
    rates), as :func:`fit_spread_to_response` runs it at each step; the options are that function's."""
    d = build.defaults
    ec50 = first_drug_ec50(build) if kill_on == "ec50" else None
    out = scale_variation(variation, factor).cohort(d.birth, d.death, ec50=ec50)
    if resistant_growth:
        out.update(resistant_growth_cohort(variation, factor, shared=resistant_growth_shared,
                                           correlation=resistant_growth_correlation))
    return {**out, "resistant_fraction": luria_delbruck_block(build)} if preexisting == "luria_delbruck" else out


def first_drug_ec50(build: TwinBuild) -> float:
    """The first drug's EC50 on the sensitive clone over its exposure (the twin's constant dose)."""
    first = build.annotation.drug[0]
    drug = next((x for x in build.scenario.drugs if x.name == first), None)
    if drug is None:
        raise OncoresistError(f"build: the scenario has no drug {first!r}")
    dose = next((float(t.dose) for t in build.scenario.treatment if t.drug == first and t.dose > 0), 1.0)
    return float(drug.effect.ec50) / dose
