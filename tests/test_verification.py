"""Fast checks of the verification suite's reference formulas (the suite itself is `make verify`)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("oncoresist_verify", ROOT / "verification" / "verify.py")
assert _spec is not None and _spec.loader is not None
verify = importlib.util.module_from_spec(_spec)
sys.modules["oncoresist_verify"] = verify
_spec.loader.exec_module(verify)


@pytest.mark.parametrize(("m", "table1"), [(1.6e9, 0.881), (8.5e8, 0.677)])
def test_bozic_eq1_matches_table1_dual_therapy_with_cross_resistance(m: float, table1: float) -> None:
    """Bozic et al. 2013, Table 1, patients N20 (1.6e9 cells) and N22 (8.5e8 cells), n12 = 1."""
    assert 1 - verify.BozicTwoDrug.p_erad(m, 1) == pytest.approx(table1, abs=0.005)


def test_bozic_eq1_without_cross_resistance_is_small_at_1e9() -> None:
    """Table 1 gives 0.001-0.002 for patients of 0.85-1.6e9 cells with n12 = 0."""
    assert 0.0005 < 1 - verify.BozicTwoDrug.p_erad(1e9, 0) < 0.003


def test_logrank_closed_form_on_the_gehan_data() -> None:
    """16.79 is the log-rank statistic textbooks report for the 6-MP remission data."""
    assert verify.logrank_closed_form(verify.GEHAN) == pytest.approx(16.79, abs=0.01)


def test_list_names_every_class(capsys: pytest.CaptureFixture[str]) -> None:
    assert verify.main(["--list"]) == 0
    out = capsys.readouterr().out
    for name in ("BozicTwoDrug", "LuriaDelbruck", "AvanziniCtdna", "ZhangAdaptive", "SurvivalStatistics"):
        assert name in out
