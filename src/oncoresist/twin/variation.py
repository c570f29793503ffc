"""Between-patient variation of the twin's cohorts, derived from real lesion series (Laleh et al. 2022).

The reader and the per-lesion fits are :mod:`oncoresist.fit` (``read_laleh_table``, ``fit_laws`` with
the bi-exponential sensitive + resistant law ``V = v0·(f·e^(−d·t) + (1 − f)·e^(g·t))``); this module
turns the fitted population into the spreads the twin's cohort draws from:

- **net growth** of the resistant part ``g`` (per day), **kill** ``d`` (per day, the net regression
  rate of the sensitive part) and **resistant fraction** ``1 − f`` at the first measurement;
- spread = robust SD of the log (1.4826 × median absolute deviation) over converged fits whose
  parameter is inside its bounds (``g, d > 1e-4`` per day, ``0.001 < f < 0.999``);
- **units.** Lesion volume = 0.52 × diameter³ (the paper's ellipsoid); volume ∝ cells (1e9 cells per
  cm³, the imaging model's assumption), so rates per day and fractions carry over unchanged and
  only their spreads are used (the lesions come from chemotherapy and immunotherapy trials, not from
  the twin's drugs, so their medians are not);
- **mapping onto the cohort factors** (stated approximations): the cohort's ``growth`` factor
  multiplies birth rates, so a spread σ_g of log net growth is a spread ``σ_g·(b − d)/b`` of the
  birth factor (first order in the factor); ``kill`` multiplies every drug's Emax: σ of log ``d``
  (the sensitive part's net regression is kill minus growth; used as is); ``resistant_fraction``
  multiplies each resistant type's initial count: σ of log ``1 − f``;
- each lesion is taken as one patient (the table's ids are patient-lesions; lesions of one patient
  are not pooled).

**Kill as the tumour's sensitivity** (``cohort(..., ec50=...)``). A factor on every drug's Emax gives a
patient the same relative kill on every drug, so two drugs can differ only in their EC50 at the
*median* patient. Given the first drug's EC50 (in units of its exposure), the kill spread is instead
carried by a per-patient factor ``s`` on every drug's EC50 (the cohort's ``sensitivity``: the tumour's own
sensitivity, the same for every drug): the first drug's kill ``Emax·1/(1 + EC50·s)`` then has the fitted
log-spread (SD of its log over the lognormal ``s``, by Gauss–Hermite quadrature), and every other drug's
kill follows from its own EC50 at the same ``s`` — e.g. from its potency window in Robichaux et al.
2021's table. An assumption: which of the lesion's kill and the drug's potency varies between patients is
not in the data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from oncoresist.errors import OncoresistError
from oncoresist.trial.engine_adapter import resistant_types

if TYPE_CHECKING:
    import pandas as pd

    from oncoresist.twin.builder import TwinBuild

LALEH_CSV = Path(__file__).resolve().parents[4] / "shared" / "data" / "longitudinal" / "laleh2022" / \
    "flat_patient_data.csv"
"""Where the shared Laleh table lies next to a checkout (read-only; not shipped)."""


@dataclass(frozen=True)
class CohortVariation:
    """Spreads (SD of the log) of the fitted lesion population and the cohort factors they give."""

    net_growth_log_sd: float
    kill_log_sd: float
    resistant_fraction_log_sd: float
    n_growth: int
    n_kill: int
    n_fraction: int
    n_lesions: int
    source: str

    def cohort(self, birth: float, death: float, *, ec50: float | None = None) -> dict[str, Any]:
        """The twin's cohort block (lognormal factors, median 1) for cell types with these rates.

        ``ec50``: the first drug's EC50 over its exposure on the sensitive clone; when given, the kill
        spread is carried by the tumour's ``sensitivity`` (a factor on every drug's EC50, see the module)
        and ``kill`` is fixed at 1.
        """
        if not birth > death >= 0:
            raise OncoresistError(f"birth ({birth:g}) must exceed death ({death:g}) to map a net growth spread")
        out: dict[str, Any] = {
            "growth": {"dist": "lognormal", "median": 1.0, "sigma": self.net_growth_log_sd * (birth - death) / birth},
            "kill": {"dist": "lognormal", "median": 1.0, "sigma": self.kill_log_sd},
            "resistant_fraction": {"dist": "lognormal", "median": 1.0, "sigma": self.resistant_fraction_log_sd},
        }
        if ec50 is not None:
            out["kill"] = {"dist": "fixed", "value": 1.0}
            out["sensitivity"] = {"dist": "lognormal", "median": 1.0,
                                  "sigma": sensitivity_sigma(self.kill_log_sd, ec50)}
        return out

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


MAX_NET_GROWTH_PER_DAY = math.log(2.0) / 7.0
"""Cap of a resistant route's drug-free net growth under its own growth factor: a doubling in one week at the
fastest (an assumption, not fitted: no clinical series stored here gives regrowth faster than this order).
Laleh's log-spread is wide (σ_g ≈ 1.3, fit noise included) and the twin's calibrated routes grow far faster
than the median lesion, so the lognormal's far tail would otherwise give routes that double in hours."""


def resistant_growth_block(variation: CohortVariation, shared_factor: float) -> dict[str, Any]:
    """The cohort's ``resistant_growth`` block: each resistant route's own factor on its drug-free net growth,
    independent between routes and patients, so that a route's total log-spread of net growth is Laleh's
    ``net_growth_log_sd`` (σ_g, the regrowth rate of the lesions' resistant component).

    The patient-shared part of that spread is the cohort's ``growth`` factor, which every clone of a patient
    carries (host factors: one patient's clones share the same vasculature and the same drug exposure) and
    whose spread the comparator's objective response holds at ``shared_factor``·σ_g
    (:func:`oncoresist.twin.spread.fit_spread_to_response`); the rest, σ_g·sqrt(1 − shared_factor²), is each
    route's own (the lesion series give one resistant component per lesion, so how σ_g splits between
    patient and route is not in the data: this split is an assumption, stated). The factor multiplies the
    route's intrinsic birth and death (``CohortSpec.resistant_growth``), so its drug-free net growth scales by
    exactly the factor; units as in the module (volume ∝ cells, rates per day carry over). Give the cohort
    ``resistant_growth_max_net`` = :data:`MAX_NET_GROWTH_PER_DAY` with it (:func:`resistant_growth_cohort`): the
    factor is then lowered where a route's drug-free net growth would pass a doubling a week (never below 1).
    """
    if not shared_factor >= 0 or not math.isfinite(shared_factor):
        raise OncoresistError(f"shared_factor: must be a finite number >= 0, got {shared_factor!r}")
    own = variation.net_growth_log_sd * math.sqrt(max(0.0, 1.0 - shared_factor ** 2))
    return {"dist": "lognormal", "median": 1.0, "sigma": own}


def resistant_growth_cohort(variation: CohortVariation, shared_factor: float, *,
                            shared: bool = False, correlation: float | None = None) -> dict[str, Any]:
    """The cohort entries of the resistant-only growth factor: the block, the cap and one-per-route (default) or
    one-per-patient (``shared``), or, with ``correlation`` ρ in [0, 1], the routes of a patient correlated by ρ
    (``CohortSpec.resistant_growth_correlation``: log factor = σ·(√ρ·Z_patient + √(1 − ρ)·Z_route), the same σ;
    ρ = 1 is ``shared`` draw for draw). How σ splits between patient and route is not in Laleh et al. 2022's
    series (one series per patient): ρ is an assumption unless a comparator datum identifies it (docs/trials.md)."""
    if correlation is not None:
        if not 0 <= correlation <= 1:
            raise OncoresistError(f"correlation: the route correlation must lie in [0, 1], got {correlation!r}")
        if shared and correlation != 1:
            raise OncoresistError(f"correlation: {correlation:g} contradicts shared=True (one factor per patient)")
        return {"resistant_growth": resistant_growth_block(variation, shared_factor),
                "resistant_growth_correlation": float(correlation),
                "resistant_growth_max_net": MAX_NET_GROWTH_PER_DAY}
    return {"resistant_growth": resistant_growth_block(variation, shared_factor),
            "resistant_growth_shared": shared, "resistant_growth_max_net": MAX_NET_GROWTH_PER_DAY}


_NODES, _WEIGHTS = np.polynomial.hermite_e.hermegauss(80)
_WEIGHTS = _WEIGHTS / _WEIGHTS.sum()


def kill_log_sd(sensitivity_sigma: float, ec50: float) -> float:
    """SD of ``log(1/(1 + ec50·s))`` for ``s`` lognormal (median 1, ``sensitivity_sigma``): the spread of the
    log kill (Hill 1, relative to Emax) that a spread of the tumour's sensitivity gives a drug with this EC50
    (in units of its exposure)."""
    if not ec50 > 0 or not sensitivity_sigma >= 0:
        raise OncoresistError(f"ec50 ({ec50!r}) must be > 0 and sensitivity_sigma ({sensitivity_sigma!r}) >= 0")
    y = -np.log1p(ec50 * np.exp(sensitivity_sigma * _NODES))
    mean = float(_WEIGHTS @ y)
    return float(np.sqrt(max(float(_WEIGHTS @ (y - mean) ** 2), 0.0)))


def sensitivity_sigma(kill_sd: float, ec50: float) -> float:
    """The sensitivity spread (SD of log ``s``) whose first-drug kill has the log-spread ``kill_sd``
    (inverse of :func:`kill_log_sd`, by root finding; 0 for ``kill_sd`` 0)."""
    from scipy.optimize import brentq

    if not kill_sd >= 0 or not math.isfinite(kill_sd):
        raise OncoresistError(f"kill_sd: must be a finite number >= 0, got {kill_sd!r}")
    if kill_sd == 0:
        return 0.0
    hi = 1.0
    while kill_log_sd(hi, ec50) < kill_sd:
        hi *= 2
        if hi > 64:
            raise OncoresistError(f"kill_sd: {kill_sd:g} cannot be reached by a sensitivity spread at ec50 {ec50:g}")
    return float(brentq(lambda x: kill_log_sd(x, ec50) - kill_sd, 0.0, hi, xtol=1e-6))


def _robust_log_sd(values: np.ndarray) -> float:
    logs = np.log(values)
    return float(1.4826 * np.median(np.abs(logs - np.median(logs))))


def derive_variation(fits: pd.DataFrame, *, source: str = "") -> CohortVariation:
    """Spreads from the ``biexponential`` rows of :func:`oncoresist.fit.laws.fit_laws` (see the module)."""
    need = {"law", "converged", "f", "d", "g"}
    if not need <= set(fits.columns):
        raise OncoresistError(f"fits: missing column(s) {', '.join(sorted(need - set(fits.columns)))}")
    bi = fits[(fits["law"] == "biexponential") & fits["converged"].astype(bool)]
    g = bi["g"].to_numpy(float)
    d = bi["d"].to_numpy(float)
    f = bi["f"].to_numpy(float)
    g, d, rf = g[g > 1e-4], d[d > 1e-4], 1.0 - f[(f > 1e-3) & (f < 0.999)]
    if min(len(g), len(d), len(rf)) < 20:
        raise OncoresistError(f"fits: too few usable bi-exponential fits ({len(g)}, {len(d)}, {len(rf)}; need 20)")
    return CohortVariation(_robust_log_sd(g), _robust_log_sd(d), _robust_log_sd(rf), len(g), len(d), len(rf),
                           int(bi["lesion_id"].nunique()) if "lesion_id" in bi else len(bi), source)


def laleh_variation(path: str | Path | None = None, *, n_jobs: int = 1) -> CohortVariation:
    """Read the Laleh table, fit every lesion with the bi-exponential law and derive the spreads."""
    from oncoresist.fit.laleh import LALEH_SOURCE, read_laleh_table
    from oncoresist.fit.laws import fit_laws

    p = Path(path) if path is not None else LALEH_CSV
    if not p.is_file():
        raise OncoresistError(f"path: the Laleh table {str(p)!r} does not exist")
    fits = fit_laws(read_laleh_table(p), laws=["biexponential"], min_points=3, n_jobs=n_jobs)
    return derive_variation(fits, source=f"{LALEH_SOURCE}; bi-exponential fits of {p.name}")


def best_response_fraction(fits: pd.DataFrame, table: pd.DataFrame) -> dict[str, float]:
    """Observed RECIST-like best response of the lesions (for checking a cohort against the data):
    share with a best diameter change <= -30% (PR or better) and <= -100% + 1 mm (CR)."""
    first = table.groupby("lesion_id")["diameter_mm"].first()
    best = table.groupby("lesion_id")["diameter_mm"].min()
    change = (best - first) / first.replace(0, math.nan)
    return {"pr_or_better": float((change <= -0.30).mean()), "complete": float((best <= 0).mean()),
            "n": float(change.notna().sum())}


VARIATION_FILE = Path(__file__).resolve().parent / "data" / "cohort_variation.yaml"


def load_variation(path: str | Path | None = None) -> CohortVariation:
    """The packaged spreads (``twin/data/cohort_variation.yaml``, derived by :func:`laleh_variation`)."""
    import yaml

    p = Path(path) if path is not None else VARIATION_FILE
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
        return CohortVariation(**data)
    except (OSError, TypeError, yaml.YAMLError) as exc:
        raise OncoresistError(f"path: cannot read cohort variation {str(p)!r}: {exc}") from None


def luria_delbruck_block(build: TwinBuild) -> dict[str, Any]:
    """The cohort's ``resistant_fraction`` block that draws each pre-existing resistant type's count from
    its Luria–Delbrück distribution (:func:`oncoresist.trial.cohort.luria_delbruck`) instead of one
    lognormal factor around the builder's deterministic mean.

    Per resistant type (the trial layer's order, :func:`oncoresist.trial.engine_adapter.resistant_types`):
    ``cells`` = the initial count of the type its mutation transition starts from (the sensitive clone, or
    the parent route for a nested one: its *mean* count, an approximation, the parent's own draw is not
    passed on), ``clones`` = the transition's probability per division x ``cells`` (the mean number of
    surviving clones; the builder's mean count is ``clones·b/(b − d)·ln(cells)``). Types without a
    mutation into them or without pre-existing cells (transformed lineages) get ``clones`` 0 (factor 1).
    Rebuild the block after any change to the rates (the calibration does).

    A route whose pre-existing count is a measured prevalence (``build.measured``,
    ``TwinDefaults.measured_preexisting``) gets ``clones`` 0 and, in ``measured_sigma``, the log-spread of its
    lognormal factor (mean 1; ``measured_max`` caps it at the whole burden); the other types' entries are ``None``.
    Without such a route the block has neither list (the block is then the one earlier versions built).
    """
    data = build.scenario.model_dump(mode="json")
    initial = {c["name"]: float(c.get("initial", 0.0)) for c in data["cell_types"]}
    into: dict[str, dict[str, Any]] = {}
    for t in data.get("transitions", []):  # a route can arise from several sources (the persister state too):
        if t.get("kind") != "mutation":  # its pre-existing cells came from the one with cells at diagnosis
            continue
        old = into.get(t["target"])
        if old is None or initial.get(t["source"], 0.0) > initial.get(old["source"], 0.0):
            into[t["target"]] = t
    clones: list[float] = []
    cells: list[float] = []
    sigmas: list[float | None] = []
    caps: list[float | None] = []
    for i in resistant_types(data):
        name = data["cell_types"][i]["name"]
        measured = build.measured.get(name)
        sigmas.append(None if measured is None else measured[0])
        caps.append(None if measured is None else measured[1])
        if measured is not None:
            clones.append(0.0)
            cells.append(1.0)
            continue
        tr = into.get(name)
        m = initial.get(tr["source"], 0.0) if tr is not None else 0.0
        if tr is None or initial[name] <= 0 or m <= 1:
            clones.append(0.0)
            cells.append(1.0)
            continue
        clones.append(float(tr["probability"]) * m)
        cells.append(m)
    block: dict[str, Any] = {"dist": "luria_delbruck", "clones": clones, "cells": cells}
    if any(x is not None for x in sigmas):
        block |= {"measured_sigma": sigmas, "measured_max": caps}
    return block


def with_preexisting(cohort: dict[str, Any] | None, build: TwinBuild) -> dict[str, Any] | None:
    """``cohort`` with its ``luria_delbruck`` resistant-fraction block (if it has one) rebuilt from ``build``."""
    if cohort is None or (cohort.get("resistant_fraction") or {}).get("dist") != "luria_delbruck":
        return cohort
    return {**cohort, "resistant_fraction": luria_delbruck_block(build)}
