"""A death before any scan showed progression is a PFS event without a mechanism: no cell type named ''."""

from __future__ import annotations

import pandas as pd
import pytest

from oncoresist.knowledge.quant import load_quant
from oncoresist.twin import build_twin
from oncoresist.twin.calibrate import _shares
from oncoresist.twin.compare import mechanism_shares


@pytest.fixture(scope="module")
def egfr(curated_kb):  # type: ignore[no-untyped-def]
    return build_twin(["EGFR L858R"], drugs="erlotinib,osimertinib", tumor="NSCLC", knowledge=curated_kb,
                      quant=load_quant(kb=curated_kb))


def _results() -> pd.DataFrame:
    # the simulator writes '' as dominant_at_pfs for a patient who died (PFS event) before a scan showed PD
    dom = ["EGFR_T790M", "EGFR_T790M", "MET_amplification", "", "", "sensitive", ""]
    event = [True, True, True, True, True, True, False]
    return pd.DataFrame({"arm": ["continuous"] * len(dom), "pfs_event": event, "dominant_at_pfs": dom})


def test_mechanism_shares_name_every_cell_type(egfr) -> None:  # type: ignore[no-untyped-def]
    m = mechanism_shares(egfr, _results())
    assert "" not in set(m["cell_type"])
    got = dict(zip(m["cell_type"], m["share"], strict=True))
    # 4 progressions with a named dominant type: 2 T790M, 1 MET, 1 sensitive
    assert got["EGFR_T790M"] == pytest.approx(0.5)
    assert got["MET_amplification"] == pytest.approx(0.25)
    assert sum(m.loc[m["progressions"] > 0, "share"]) == pytest.approx(1.0)


def test_calibration_shares_leave_deaths_out(egfr) -> None:  # type: ignore[no-untyped-def]
    raw, _, n = _shares(_results(), ["EGFR_T790M", "MET_amplification"])
    # a rebiopsy series' denominator (oncoresist.twin.rebiopsy): every progression with a dominant type, the
    # sensitive clone's being one with no identified mechanism; the deaths before a scan are left out
    assert n == 4
    assert raw["EGFR_T790M"] == pytest.approx(2 / 4)
