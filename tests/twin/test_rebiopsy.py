"""The progressions a rebiopsy series counts: every scan-detected progression, sensitive-dominated ones as 'no
identified mechanism', deaths before a scan left out (Yu et al. 2013's denominator; Jackman et al. 2010)."""

from __future__ import annotations

import pandas as pd
import pytest

from oncoresist.twin.calibrate import _shares
from oncoresist.twin.rebiopsy import NO_IDENTIFIED_MECHANISM, rebiopsy_progressions, rebiopsy_shares


def _results() -> pd.DataFrame:
    #          T790M x3, sensitive x1 (no mechanism found), MET x1, death before a scan x1, censored x2
    dom = ["EGFR_T790M", "EGFR_T790M", "EGFR_T790M", "sensitive", "MET_amp", "", "EGFR_T790M", "sensitive"]
    event = [True, True, True, True, True, True, False, False]
    return pd.DataFrame({"arm": ["a"] * 8, "dominant_at_pfs": dom, "pfs_event": event})


def test_sensitive_dominated_progressions_stay_in_the_denominator() -> None:
    res = _results()
    assert len(rebiopsy_progressions(res)) == 5  # the death before a scan and the two censored rows are out
    shares = rebiopsy_shares(res)["a"]
    assert shares["EGFR_T790M"] == pytest.approx(3 / 5)  # not 3/4, as when unidentified ones were dropped
    assert shares[NO_IDENTIFIED_MECHANISM] == pytest.approx(1 / 5)
    assert sum(shares.values()) == pytest.approx(1.0)


def test_the_calibration_counts_the_same_progressions() -> None:
    raw, smooth, n = _shares(_results(), ["EGFR_T790M", "MET_amp"])
    assert n == 5
    assert raw == {"EGFR_T790M": pytest.approx(0.6), "MET_amp": pytest.approx(0.2)}
    assert smooth["MET_amp"] == pytest.approx(1.5 / 6)
