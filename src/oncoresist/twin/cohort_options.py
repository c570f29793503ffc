"""The one definition of the twin's between-patient cohort: its options and their defaults.

Every twin cohort is built with these options: ``oncoresist twin`` (with and without ``--calibrate``), the
server's twin jobs, :func:`~oncoresist.twin.compare.compare_strategies`'s default cohort, ``benchmarks/twin.py``,
``benchmarks/twin_flaura.py`` and the example trial it exports (:func:`~oncoresist.twin.fitted_cohort.
calibrate_with_spread` takes them; :func:`~oncoresist.twin.compare.derived_cohort` is the same definition at
spread factor 1, where nothing was fitted). The defaults are the FLAURA benchmark's since the flaura3 pass:

- ``kill_on="ec50"``: Laleh et al. 2022's kill spread carried by the tumour's sensitivity, one factor per patient on
  every drug's EC50, so each drug's kill follows its own potency window (``"emax"``: one factor on every drug's
  Emax); an assumption (:mod:`oncoresist.twin.variation`);
- ``preexisting="luria_delbruck"``: each pre-existing resistant count drawn from its Luria–Delbrück distribution
  (``"lognormal"``: the builder's mean times Laleh's resistant-fraction factor);
- ``resistant_growth="shared"``: the resistant-only net-growth factor, the part of Laleh's net-growth spread the
  patient's shared growth factor leaves (σ_g·√(1 − k²) at spread factor ``k``), one per patient for all its routes
  (``"laleh"``: one per route; ``"none"``: no such factor), with ``route_correlation`` ρ the routes of a patient
  correlated by ρ (``None``: one factor per patient, ρ = 1; :func:`~oncoresist.twin.variation.
  resistant_growth_cohort`);
- ``rounds=4``: the most rounds of the joint fit of spread and time scale (:mod:`oncoresist.twin.joint_fit`).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from oncoresist.errors import OncoresistError

KILL_ON: tuple[str, ...] = ("ec50", "emax")
PREEXISTING: tuple[str, ...] = ("luria_delbruck", "lognormal")
RESISTANT_GROWTH: tuple[str, ...] = ("shared", "laleh", "none")
"""Resistant-only growth factor: one per patient (``shared``), one per route (``laleh``), or none."""


@dataclass(frozen=True)
class CohortOptions:
    """How the twin's cohort is defined (see the module); the defaults are the one definition."""

    kill_on: str = "ec50"
    preexisting: str = "luria_delbruck"
    resistant_growth: str = "shared"
    route_correlation: float | None = None
    rounds: int = 4

    def __post_init__(self) -> None:
        for name, allowed in (("kill_on", KILL_ON), ("preexisting", PREEXISTING),
                              ("resistant_growth", RESISTANT_GROWTH)):
            if getattr(self, name) not in allowed:
                raise OncoresistError(f"{name}: {getattr(self, name)!r} is not one of {', '.join(allowed)}")
        rho = self.route_correlation
        if rho is not None:
            if self.resistant_growth != "shared":
                raise OncoresistError(f"route_correlation: {rho:g} needs resistant_growth 'shared' (one factor per "
                                      f"patient, correlated between its routes), got {self.resistant_growth!r}")
            if not (isinstance(rho, (int, float)) and math.isfinite(rho) and 0 <= rho <= 1):
                raise OncoresistError(f"route_correlation: must lie in [0, 1], got {rho!r}")
        if self.rounds < 1:
            raise OncoresistError(f"rounds: need at least one round of spread fit and calibration, got {self.rounds}")

    @property
    def correlation(self) -> float | None:
        """ρ between a patient's routes of the resistant-only factor: 1 for ``shared`` without a ρ, ``None`` where
        the routes are independent (``laleh``) or there is no factor (``none``)."""
        if self.resistant_growth != "shared":
            return None
        return 1.0 if self.route_correlation is None else float(self.route_correlation)

    def spread_options(self) -> dict[str, Any]:
        """The keyword arguments of :func:`~oncoresist.twin.spread.spread_cohort` and
        :func:`~oncoresist.twin.joint_fit.fit_response_and_time` (without ``rounds``)."""
        rg = self.resistant_growth != "none"
        return {"kill_on": self.kill_on, "preexisting": self.preexisting, "resistant_growth": rg,
                "resistant_growth_shared": self.resistant_growth == "shared" and self.route_correlation is None,
                "resistant_growth_correlation": self.route_correlation if rg else None}

    def to_dict(self) -> dict[str, Any]:
        """The options as recorded in every output (JSON provenance), ρ resolved (:attr:`correlation`)."""
        return {**asdict(self), "route_correlation": self.correlation}

    def describe(self) -> str:
        """One line for a cohort's source."""
        kill = "kill spread on every drug's EC50" if self.kill_on == "ec50" else "kill spread on every drug's Emax"
        pre = ("Luria-Delbruck pre-existing counts" if self.preexisting == "luria_delbruck"
               else "lognormal pre-existing counts")
        if self.resistant_growth == "shared":
            rg = f"resistant-only growth factor, route correlation {self.correlation:g}"
        else:
            rg = {"none": "no resistant-only growth factor",
                  "laleh": "resistant-only growth factor, one per route"}[self.resistant_growth]
        return f"{kill}; {pre}; {rg}"


DEFAULT_COHORT_OPTIONS = CohortOptions()
"""The one definition (the FLAURA benchmark's defaults)."""
