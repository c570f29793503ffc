"""Which simulated progressions a rebiopsy series counts, and the shares of mechanisms among them.

The published shares the twin is calibrated to and checked against (Yu et al. 2013, Clin Cancer Res 19:2240,
PMID:23470965: T790M in 98 of 155 patients, 63%, 95% CI 55-70%; small-cell transformation 4 of 155; MET
amplification 4 of 75 tested; HER2 amplification 3 of 24 tested) are fractions of **every** rebiopsied patient
with acquired resistance, including those in whom no mechanism was found (63 + 3 + 5 + 13% leaves about a
sixth unexplained). The series enrolled patients meeting Jackman et al.'s clinical definition of acquired
resistance (J Clin Oncol 2010; 28:357, DOI:10.1200/JCO.2009.24.7049, PMID:19949011): previous single-agent EGFR
TKI; a tumour with an EGFR mutation associated with drug sensitivity *or* objective benefit; systemic RECIST
progression on continuous treatment. Every RECIST progression of an EGFR-mutant twin on a single first-line
TKI meets those criteria, so the denominator is every scan-detected progression:

* a progression dominated by the sensitive clone (the drug no longer holds the EGFR-dependent cells: exposure,
  sanctuary, tolerance) is a progression **with no identified mechanism**, as a rebiopsy would find it; it
  stays in the denominator and is never a fitted route;
* a death before any scan showed progression (no dominant type, ``''``) is not a rebiopsied progression and is
  left out.

Before session 6 the sensitive-dominated progressions were left out of the denominator, which inflated every
route's share (T790M 69-76% against Yu's 63%).
"""

from __future__ import annotations

from typing import Any

NO_IDENTIFIED_MECHANISM = "sensitive"
"""The dominant cell type of a progression in which a rebiopsy would find no resistance mechanism."""


def rebiopsy_progressions(results: Any) -> Any:
    """The rows of ``results`` (a trial results frame) that a rebiopsy series at acquired resistance counts."""
    dom = results["dominant_at_pfs"].astype(str)
    return results[results["pfs_event"].astype(bool) & (dom != "")]


def rebiopsy_shares(results: Any) -> dict[str, dict[str, float]]:
    """Per arm, the share of each dominant cell type among its rebiopsy-counted progressions.

    The sensitive clone's share is the share with no identified mechanism (:data:`NO_IDENTIFIED_MECHANISM`).
    """
    prog = rebiopsy_progressions(results)
    out: dict[str, dict[str, float]] = {}
    for arm, g in prog.groupby("arm", sort=False):
        out[str(arm)] = {str(k): float(v) for k, v in g["dominant_at_pfs"].astype(str).value_counts(
            normalize=True).items()}
    return out
