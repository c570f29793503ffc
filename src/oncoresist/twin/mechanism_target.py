"""A published share at progression as a soft target of the spread factor (issue 11, flaura8 pass).

Why. The comparator's objective response identifies the spread factor ``k`` of the joint fit only loosely: the
response changes slowly with ``k``, so every ``k`` whose response lies within the published rate's sampling error
is as good as another, and which one the fit lands on depends on the calibration cohort's seed. ``k`` also decides
how many progressions on the first drug are still dominated by the sensitive clone ("no identified mechanism" in
a rebiopsy series), and with it the share of the routes whose rate is *not* fitted (EGFR T790M: sourced codon
rate). A comparator datum on mechanisms then carries information on ``k`` that the response does not.

What. :func:`log_likelihood` scores a calibration (the joint fit's step at one ``k``) by two binomial
log-likelihoods of published comparator counts at the twin's rates: the objective response (``response_x`` of
``response_n`` patients of the published arm) and one share at progression (``x`` of ``n`` rebiopsied patients,
e.g. Yu et al. 2013's T790M 98 of 155, PMID:23470965, ``frequencies.yaml``). The twin's share is counted on the
calibration cohort with the rebiopsy denominator (:mod:`oncoresist.twin.rebiopsy`). Model rates are clipped to
``[0.5/(m+1), 1 - 0.5/(m+1)]`` (``m`` the calibration's patients) so that a share of 0 or 1 in a finite cohort
does not give an infinite penalty.

Once this target is used, the share it names is a **fitted** quantity, not a prediction: every output that prints
it must say so (:attr:`MechanismTarget.label`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from oncoresist.errors import OncoresistError


@dataclass(frozen=True)
class MechanismTarget:
    """Published comparator counts the spread factor is scored on (binomial likelihoods)."""

    cell_type: str
    x: int
    """Rebiopsied patients with the mechanism (published)."""
    n: int
    """Rebiopsied patients in the series (the rebiopsy denominator)."""
    source: str
    response_x: int
    """Responders of the published comparator arm (rate times ``response_n``, rounded)."""
    response_n: int
    """Patients of the published comparator arm."""

    @property
    def label(self) -> str:
        return f"fitted (soft target of the spread factor: {self.x}/{self.n}, {self.source})"

    def to_dict(self) -> dict[str, Any]:
        return {"cell_type": self.cell_type, "x": self.x, "n": self.n, "source": self.source,
                "response_x": self.response_x, "response_n": self.response_n}


def mechanism_target(calibration: Any, cell_type: str, response: float, response_n: int) -> MechanismTarget:
    """The target for ``cell_type`` from the calibration's published shares (fitted or held out), with the
    comparator's objective ``response`` among ``response_n`` patients."""
    if response_n < 1 or not 0 < response < 1:
        raise OncoresistError(f"response_n: need a published arm size >= 1 and a response in (0, 1), got "
                              f"{response_n}, {response}")
    for t in [*calibration.fitted, *calibration.held_out]:
        if t.cell_type == cell_type:
            if not t.n:
                raise OncoresistError(f"mechanism_target: the published share of {cell_type} ({t.frequency_id}) "
                                      "has no number of patients; pick a share with n")
            return MechanismTarget(cell_type, round(t.published * t.n), int(t.n),
                                   f"{t.frequency_id} ({t.source})", round(response * response_n), response_n)
    names = sorted({t.cell_type for t in [*calibration.fitted, *calibration.held_out]})
    raise OncoresistError(f"mechanism_target: no published share at progression for {cell_type!r}; "
                          f"choose one of {', '.join(names) or 'none'}")


def _binomial(x: int, n: int, p: float, m: int) -> float:
    eps = 0.5 / (m + 1)
    p = min(max(p, eps), 1 - eps)
    return x * math.log(p) + (n - x) * math.log(1 - p)


def log_likelihood(calibration: Any, target: MechanismTarget) -> float:
    """Binomial log-likelihood of the published response and share at the calibration's cohort (see the module)."""
    if calibration.objective_response is None:
        raise OncoresistError("calibration: no response to score (nothing was calibrated)")
    m = max(int(calibration.patients or 0), 1)
    share = float(calibration.shares.get(target.cell_type, 0.0))
    return (_binomial(target.response_x, target.response_n, float(calibration.objective_response), m)
            + _binomial(target.x, target.n, share, m))


REFINE_FACTORS = (0.55, 0.75, 1.35)
"""Multiples of the response-only factor ``k*`` at which the joint fit scores the likelihood before one last step
between the best point and its better neighbour (4 calibrations more than the response-only fit)."""


def refine(evaluate: Any, k_star: float, score_star: float, lo: float, hi: float) -> dict[float, float]:
    """The factors :func:`~oncoresist.twin.joint_fit.fit_response_and_time` evaluates after ``k*`` (whose
    log-likelihood ``score_star`` is known): ``evaluate(k)`` runs one calibration at ``k`` and returns its
    log-likelihood (``-inf`` when it did not converge). Returns every factor scored (``k*`` first) and its score."""
    scored = {k_star: score_star}
    for f in REFINE_FACTORS:
        k = min(max(k_star * f, lo), hi)
        if k not in scored:
            scored[k] = evaluate(k)
    ks = sorted(scored)
    best = max(ks, key=lambda k: scored[k])
    i = ks.index(best)
    nbrs = [ks[j] for j in (i - 1, i + 1) if 0 <= j < len(ks)]
    if nbrs:
        other = max(nbrs, key=lambda k: scored[k])
        mid = 0.5 * (best + other)
        if mid not in scored:
            scored[mid] = evaluate(mid)
    return scored
