"""A resistance route's pre-treatment clone size from measurements, not from its mutation rate.

Where the quantitative knowledge has measured pre-treatment prevalences of a route's variant
(``pretreatment_prevalence``: ``n_positive`` of ``n`` patients at an allele fraction of at least ``threshold``;
:class:`oncoresist.knowledge.quant.PretreatmentPrevalence`), each entry is one quantile of the between-patient
distribution of the variant's fraction ``f``. :func:`fit_lognormal` fits ``log f ~ Normal(mu, sigma)`` to them:

- two thresholds: the exact solution of ``P(f >= t_i) = share_i`` (two equations, two unknowns);
- more: binomial maximum likelihood over every entry;
- one: ``sigma`` must be given (an assumption, stated in the origin table), ``mu`` solves the one equation.

The twin (``TwinDefaults.measured_preexisting``) then seeds the route with ``burden x E[f]`` cells (the
lognormal's mean, so the scenario's initial count is the cohort's mean) and the cohort draws each patient's factor
``exp(sigma Z - sigma^2 / 2)`` instead of the route's Luria-Delbruck count (:func:`oncoresist.twin.variation.
luria_delbruck_block`, ``measured_sigma``). Mapping: the measured *allele* fraction is taken as the fraction of
tumour cells carrying the variant (assumption: tumour purity below 1 and a heterozygous variant would each make the
cell fraction larger, by up to 2/purity; EGFR amplification of the mutant allele would make it smaller).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from oncoresist.errors import OncoresistError
from oncoresist.knowledge.quant import PretreatmentPrevalence


@dataclass(frozen=True)
class FractionFit:
    """A lognormal of a variant's pre-treatment fraction: ``log f ~ Normal(mu, sigma)``."""

    mu: float
    sigma: float
    entries: tuple[str, ...]
    sigma_assumed: bool

    @property
    def median(self) -> float:
        return math.exp(self.mu)

    @property
    def mean(self) -> float:
        return math.exp(self.mu + self.sigma ** 2 / 2)

    def share_above(self, threshold: float) -> float:
        """``P(f >= threshold)``."""
        return share_above(self.mu, self.sigma, threshold)


def share_above(mu: float, sigma: float, threshold: float) -> float:
    """``P(f >= threshold)`` for ``log f ~ Normal(mu, sigma)``."""
    from scipy.stats import norm

    if sigma == 0:
        return 1.0 if math.exp(mu) >= threshold else 0.0
    return float(norm.sf((math.log(threshold) - mu) / sigma))


def _check(points: Sequence[tuple[float, float]]) -> None:
    for t, p in points:
        if not (0 < t < 1):
            raise OncoresistError(f"pretreatment_prevalence.threshold: {t!r} is not an allele fraction in (0, 1)")
        if not (0 < p < 1):
            raise OncoresistError(f"pretreatment_prevalence share {p!r} at threshold {t:g}: a lognormal needs a share "
                                  "strictly between 0 and 1 (none or all positive gives no quantile)")


def fit_points(points: Sequence[tuple[float, float]], sigma: float | None = None,
               counts: Sequence[tuple[int, int]] | None = None) -> tuple[float, float]:
    """``(mu, sigma)`` of the lognormal through ``(threshold, share above it)`` points (module docstring)."""
    from scipy.optimize import minimize
    from scipy.stats import norm

    if not points:
        raise OncoresistError("pretreatment_prevalence: no measured share to fit")
    _check(points)
    if sigma is not None and not (math.isfinite(sigma) and sigma > 0):
        raise OncoresistError(f"measured_sigma: {sigma!r} is not a positive log-spread; give a number > 0 "
                              "(or leave it unset where two thresholds are measured)")
    if len(points) == 1:
        if sigma is None:
            raise OncoresistError("measured_sigma: one measured threshold fixes one parameter; give the log-spread "
                                  "(an assumption) as measured_sigma")
        (t, p), = points
        return math.log(t) - sigma * float(norm.isf(p)), sigma
    if len(points) == 2 and sigma is None:
        (t1, p1), (t2, p2) = sorted(points)
        if not t1 < t2 or not p1 > p2:
            raise OncoresistError(f"pretreatment_prevalence: shares {p1:g} at {t1:g} and {p2:g} at {t2:g} do not "
                                  "fall with the threshold; no lognormal passes through both")
        z1, z2 = float(norm.isf(p1)), float(norm.isf(p2))
        s = (math.log(t2) - math.log(t1)) / (z2 - z1)
        return math.log(t1) - s * z1, s
    cnt = counts if counts is not None else [(round(p * 1000), 1000) for _, p in points]

    def nll(x: Sequence[float]) -> float:
        m, s = x[0], (sigma if sigma is not None else math.exp(x[1]))
        out = 0.0
        for (t, _), (k, n) in zip(points, cnt, strict=True):
            q = min(max(share_above(m, s, t), 1e-300), 1 - 1e-16)
            out -= k * math.log(q) + (n - k) * math.log(1 - q)
        return out

    x0 = [math.log(min(t for t, _ in points)), 0.0]
    res = minimize(nll, x0, method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20000})
    return float(res.x[0]), float(sigma if sigma is not None else math.exp(res.x[1]))


def fit_lognormal(entries: Sequence[PretreatmentPrevalence], sigma: float | None = None) -> FractionFit:
    """The lognormal of the variant's fraction fitted to its measured entries (module docstring)."""
    points = [(e.threshold, e.share) for e in entries]
    mu, s = fit_points(points, sigma, [(e.n_positive, e.n) for e in entries])
    return FractionFit(mu, s, tuple(e.id for e in entries), sigma is not None)


def origin_text(fit: FractionFit, entries: Sequence[PretreatmentPrevalence], burden: float) -> str:
    """The origin-table text of a measured pre-existing count."""
    parts = [f"{e.id} ({e.source}, {e.where}: {e.n_positive}/{e.n} at allele fraction >= {e.threshold:g}, "
             f"{e.threshold_kind.replace('_', ' ')}; {e.assay})" for e in entries]
    spread = (f"sigma {fit.sigma:.3g} ASSUMED (one threshold measured)" if fit.sigma_assumed
              else f"sigma {fit.sigma:.3g} fitted")
    return (f"measured pre-treatment prevalence, lognormal of the fraction fitted to {'; '.join(parts)}: median "
            f"{fit.median:.3g}, {spread}; initial = burden {burden:g} x mean fraction {fit.mean:.3g}; each patient's "
            "fraction drawn from the lognormal (cohort measured_sigma), not the codon rate's Luria-Delbruck count; "
            "assumption: allele fraction = fraction of tumour cells; caveat: C>T at a CpG, FFPE deamination can "
            "inflate low-level calls (knowledge/data_quant/pretreatment.yaml)")
