"""RECIST 1.1 response classification from sums of target-lesion diameters, vectorised over patients.

Rules (Eisenhauer et al. 2009, Eur J Cancer 45:228, PMID:19097774):

- complete response (CR): all target lesions gone (sum 0 mm);
- partial response (PR): sum at least 30% below the baseline sum;
- progressive disease (PD): sum at least 20% above the smallest sum so far (nadir, baseline included)
  **and** at least 5 mm larger in absolute terms;
- stable disease (SD): otherwise.

Non-target lesions and new lesions are not modelled.
"""

from __future__ import annotations

import numpy as np

CR, PR, SD, PD = 0, 1, 2, 3
CATEGORY_NAMES = ("CR", "PR", "SD", "PD")

PR_THRESHOLD = -0.30
PD_RELATIVE = 0.20
PD_ABSOLUTE_MM = 5.0


def classify(sod: np.ndarray, baseline: np.ndarray, nadir: np.ndarray) -> np.ndarray:
    """RECIST category of each measurement given baseline and nadir (all in mm, same shape).

    Returns
    -------
    numpy.ndarray of int8
        ``CR``, ``PR``, ``SD`` or ``PD`` per patient.
    """
    sod = np.asarray(sod, dtype=float)
    baseline = np.asarray(baseline, dtype=float)
    nadir = np.asarray(nadir, dtype=float)
    out = np.full(sod.shape, SD, dtype=np.int8)
    with np.errstate(divide="ignore", invalid="ignore"):
        change_from_baseline = np.where(baseline > 0, sod / baseline - 1.0, 0.0)
    out[change_from_baseline <= PR_THRESHOLD] = PR
    out[(sod == 0) & (baseline > 0)] = CR
    pd = (sod >= (1.0 + PD_RELATIVE) * nadir) & (sod - nadir >= PD_ABSOLUTE_MM)
    out[pd] = PD
    return out


class RecistTracker:
    """Baseline, nadir and first-event times for a batch of patients, updated visit by visit.

    Attributes
    ----------
    baseline : numpy.ndarray
        Baseline sum of diameters (mm), set by :meth:`start`.
    nadir : numpy.ndarray
        Smallest sum so far (baseline included).
    response_time : numpy.ndarray
        First visit time with PR or CR (NaN if none).
    best_response : numpy.ndarray
        Best category so far (CR < PR < SD < PD).
    progression_time : numpy.ndarray
        First visit time with PD (NaN if none).
    """

    def __init__(self, n: int) -> None:
        self.baseline = np.zeros(n)
        self.nadir = np.zeros(n)
        self.response_time = np.full(n, np.nan)
        self.progression_time = np.full(n, np.nan)
        self.best_response = np.full(n, PD, dtype=np.int8)
        self.last = np.full(n, SD, dtype=np.int8)

    def start(self, sod: np.ndarray) -> None:
        """Record the baseline scan."""
        self.baseline = np.asarray(sod, dtype=float).copy()
        self.nadir = self.baseline.copy()

    def rebaseline(self, sod: np.ndarray, mask: np.ndarray) -> None:
        """New baseline (and nadir) for the patients in ``mask``, e.g. at the start of a new line."""
        self.baseline[mask] = sod[mask]
        self.nadir[mask] = sod[mask]

    def update(self, t: float, sod: np.ndarray) -> np.ndarray:
        """Classify a visit at time ``t``; update nadir and first-event times. Returns the categories."""
        cat = classify(sod, self.baseline, self.nadir)
        resp = (cat <= PR) & np.isnan(self.response_time)
        self.response_time[resp] = t
        prog = (cat == PD) & np.isnan(self.progression_time)
        self.progression_time[prog] = t
        self.best_response = np.minimum(self.best_response, cat).astype(np.int8)
        self.nadir = np.minimum(self.nadir, sod)
        self.last = cat
        return cat
