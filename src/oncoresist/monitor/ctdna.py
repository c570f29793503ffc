"""Circulating tumour DNA: shedding, clearance, a blood draw, sequencing and a detection call.

Model (Avanzini et al. 2020, Sci Adv 6:eabc4308; parameter values as in the authors' ``ctdna``
package, github.com/reiterlab/ctdna, ``ctdna/settings.py``)::

    dC/dt = q_d · D(t) − ε · C,     D(t) = Σ_types d_type · N_type   (cell deaths per day)

with ``q_d = 1.4e-4`` genome equivalents (GE) shed per cell death and ``ε = ln 2 / 30 min``
(33.3 per day). Because the half-life (30 min) is far shorter than any visit interval, the level
at a visit is the quasi-steady state ``C = q_d·D/ε`` (:func:`steady_state_ge`); the exact solution
for constant ``D`` is :func:`ctdna_exact`.

A draw of ``tube_ml`` of blood from ``blood_l`` litres holds the fraction ``tube_ml/1000/blood_l`` of
all circulating molecules; a fraction ``seq_efficiency`` of them is sequenced (at most ``depth``
unique molecules per site). Background normal cfDNA is drawn per patient from the Gamma
distribution the ``ctdna`` package fitted to plasma DNA concentrations (shape 1.86, scale 3.38 ng/mL;
mean 6.3 ng/mL) and converted at 6.6 pg per genome equivalent (≈ 953 GE per mL plasma on average).
Each tumour GE carries one mutant copy of a heterozygous mutation and one wild-type copy; normal
GE carry two wild-type copies.

Sequencing errors turn wild-type reads into apparent mutant reads with probability ``error_rate``.
A mutation is called present when the number of mutant reads is improbably high under errors
alone: one-sided binomial test, ``P(X ≥ k | coverage, error_rate) ≤ false_positive_rate``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

LN2 = float(np.log(2.0))


def _smallest_k(u: np.ndarray, guess: np.ndarray, hi: np.ndarray,
                cdf: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> np.ndarray:
    """Smallest whole ``k`` in ``[0, hi]`` with ``cdf(k) >= u`` (1-D arrays), searched from ``guess``.

    ``cdf(k, sel)`` evaluates the CDF at ``k`` for the entries ``sel``; steps go up while the CDF is
    below ``u`` and down while the CDF one below still reaches ``u``, so the answer is exact
    whatever the guess (a good guess only saves steps).
    """
    k = np.clip(np.floor(guess), 0.0, hi)
    todo = np.flatnonzero((cdf(k, np.arange(u.size)) < u) & (k < hi))
    while todo.size:
        k[todo] += 1.0
        todo = todo[(cdf(k[todo], todo) < u[todo]) & (k[todo] < hi[todo])]
    todo = np.flatnonzero(k > 0)
    while todo.size:
        todo = todo[cdf(k[todo] - 1.0, todo) >= u[todo]]
        k[todo] -= 1.0
        todo = todo[k[todo] > 0]
    return k


def poisson_quantile(u: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """Inverse Poisson CDF: the smallest ``k`` with ``P(X <= k | mu) >= u``, as ``scipy.stats.poisson.ppf``
    gives for ``u`` in (0, 1), without its per-element root finding (``pdtrik``).

    Starts from the Cornish–Fisher guess ``mu + sqrt(mu)·z + (z² − 1)/6`` (``z`` the normal quantile
    of ``u``) and corrects it with the exact CDF (``scipy.special.pdtr``), usually in one or two steps.
    """
    from scipy import special

    uu, mm = np.broadcast_arrays(np.asarray(u, dtype=float), np.asarray(mu, dtype=float))
    shape = uu.shape
    flat_u, flat_mu = uu.ravel(), mm.ravel()
    z = special.ndtri(flat_u)
    guess = flat_mu + np.sqrt(flat_mu) * z + (z * z - 1.0) / 6.0
    k = _smallest_k(flat_u, guess, np.full(flat_u.size, np.inf), lambda k, s: special.pdtr(k, flat_mu[s]))
    return k.reshape(shape)


@dataclass(frozen=True)
class CtdnaParams:
    """Shedding and blood parameters (defaults: Avanzini et al. 2020, Sci Adv 6:eabc4308).

    Parameters
    ----------
    q_d : float
        Genome equivalents shed into the blood per tumour-cell death.
    half_life_min : float
        Plasma half-life of cfDNA in minutes.
    blood_l : float
        Blood volume (litres).
    plasma_fraction : float
        Plasma fraction of blood.
    normal_cfdna_shape, normal_cfdna_scale_ng_ml : float
        Gamma distribution of the background normal cfDNA concentration (ng per mL plasma).
    ng_per_ge : float
        DNA mass per genome equivalent (ng).
    """

    q_d: float = 1.4e-4
    half_life_min: float = 30.0
    blood_l: float = 5.0
    plasma_fraction: float = 0.55
    normal_cfdna_shape: float = 1.86
    normal_cfdna_scale_ng_ml: float = 3.38
    ng_per_ge: float = 0.0066

    @property
    def elimination_per_day(self) -> float:
        """ε = ln 2 / half-life, per day."""
        return LN2 / (self.half_life_min / (60.0 * 24.0))

    @property
    def plasma_ml(self) -> float:
        return self.blood_l * 1000.0 * self.plasma_fraction


def steady_state_ge(deaths_per_day: np.ndarray, params: CtdnaParams = CtdnaParams()) -> np.ndarray:
    """Quasi-steady-state circulating tumour GE, ``q_d · D / ε`` (whole circulation)."""
    return params.q_d * np.asarray(deaths_per_day, dtype=float) / params.elimination_per_day


def ctdna_exact(t: np.ndarray, c0: float, deaths_per_day: float, params: CtdnaParams = CtdnaParams()) -> np.ndarray:
    """Exact ``C(t)`` for constant death flux: ``C* + (c0 − C*)·e^{−εt}`` (t in days)."""
    eps = params.elimination_per_day
    cstar = params.q_d * deaths_per_day / eps
    return cstar + (c0 - cstar) * np.exp(-eps * np.asarray(t, dtype=float))


def normal_ge_per_ml(u: np.ndarray, params: CtdnaParams = CtdnaParams()) -> np.ndarray:
    """Background normal cfDNA (GE per mL plasma) from uniforms ``u`` (inverse Gamma CDF)."""
    from scipy.stats import gamma

    conc = gamma.ppf(u, params.normal_cfdna_shape, scale=params.normal_cfdna_scale_ng_ml)
    return conc / params.ng_per_ge


@dataclass(frozen=True)
class CtdnaAssay:
    """A liquid biopsy: tube volume, sequencing depth, error rate and false-positive rate per call.

    Parameters
    ----------
    tube_ml : float
        Blood drawn (mL); 15 mL tubes as in Avanzini et al. 2020.
    depth : int
        Maximum unique molecules sequenced per site.
    error_rate : float
        Per-base sequencing error rate.
    seq_efficiency : float
        Fraction of sampled molecules that are sequenced (0.5 in the ``ctdna`` package).
    false_positive_rate : float
        Per-call significance level of the binomial test against the error rate.
    """

    tube_ml: float = 15.0
    depth: int = 10_000
    error_rate: float = 1e-5
    seq_efficiency: float = 0.5
    false_positive_rate: float = 0.01

    def sampled_fraction(self, params: CtdnaParams) -> float:
        return self.tube_ml / (params.blood_l * 1000.0) * self.seq_efficiency

    def threshold(self, coverage: np.ndarray) -> np.ndarray:
        """Smallest mutant-read count whose error-only p-value is ≤ the false-positive rate."""
        from scipy.stats import binom

        cov = np.asarray(coverage)
        # isf gives the smallest k with P(X > k) <= alpha, so P(X >= k+1) <= alpha; computed once per
        # distinct coverage (a batch has few: most draws reach the depth cap)
        levels, inverse = np.unique(np.maximum(cov, 1), return_inverse=True)
        k = binom.isf(self.false_positive_rate, levels, self.error_rate)[inverse].reshape(cov.shape)
        return np.where(cov > 0, k + 1, np.inf)

    def draw(self, tumour_ge: np.ndarray, mutant_ge: np.ndarray, normal_ge_ml: np.ndarray,
             u: np.ndarray, params: CtdnaParams = CtdnaParams()) -> dict[str, np.ndarray]:
        """Sample, sequence and call, from pre-drawn uniforms (so each patient keeps its own stream).

        Parameters
        ----------
        tumour_ge : (n,) array
            Circulating tumour GE (whole circulation).
        mutant_ge : (n, m) array
            Circulating tumour GE carrying each of ``m`` tracked mutations.
        normal_ge_ml : (n,) array
            Normal cfDNA, GE per mL plasma.
        u : (n, m + 2) array of uniforms in (0, 1)
            Column 0: molecules in the sample; 1: tumour molecules among them; 2…: mutant reads.

        Returns
        -------
        dict
            ``tumour_fraction`` (n,), ``vaf`` (n, m), ``detected`` (n, m) bool, ``coverage`` (n,),
            ``mutant_reads`` (n, m).
        """
        from scipy.stats import binom

        tumour_ge = np.asarray(tumour_ge, dtype=float)
        mutant_ge = np.atleast_2d(np.asarray(mutant_ge, dtype=float))
        m = mutant_ge.shape[1]
        normal_total = np.asarray(normal_ge_ml, dtype=float) * params.plasma_ml
        # copies of the locus: 2 per normal GE, 2 per tumour GE (one mutant for a heterozygous mutation)
        copies = 2.0 * (normal_total + tumour_ge)
        f = self.sampled_fraction(params)
        sampled = poisson_quantile(u[:, 0], copies * f)
        coverage = np.minimum(sampled, self.depth)
        with np.errstate(divide="ignore", invalid="ignore"):
            tf = np.where(copies > 0, 2.0 * tumour_ge / copies, 0.0)  # tumour fraction of GE
            mut_frac = np.where(copies[:, None] > 0, mutant_ge / copies[:, None], 0.0)
        tumour_fraction_obs = np.where(coverage > 0, binom.ppf(u[:, 1], coverage, np.clip(tf, 0, 1)) / np.maximum(
            coverage, 1), 0.0)
        p_read = mut_frac * (1.0 - self.error_rate) + (1.0 - mut_frac) * self.error_rate
        reads = binom.ppf(u[:, 2:2 + m], coverage[:, None], np.clip(p_read, 0.0, 1.0))
        reads = np.nan_to_num(reads, nan=0.0)
        vaf = np.where(coverage[:, None] > 0, reads / np.maximum(coverage[:, None], 1), 0.0)
        detected = reads >= self.threshold(coverage)[:, None]
        return {
            "tumour_fraction": tumour_fraction_obs,
            "vaf": vaf,
            "detected": detected,
            "coverage": coverage,
            "mutant_reads": reads,
        }
