"""Published ctDNA lead times: the packaged figures and their validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from oncoresist.errors import KnowledgeError
from oncoresist.monitor.literature import LEAD_TIMES, published_lead_times


def test_packaged_lead_times_carry_source_and_quote() -> None:
    found = {p.id: p for p in published_lead_times()}
    f = found["fribbens2018-esr1-ai"]
    assert f.source == "PMID:29045530" and f.statistic == "median" and f.months == 6.7
    assert "6.7 months" in f.quote and f.ci95_months == (3.7, None)
    assert f.days == pytest.approx(204, abs=1)
    for p in found.values():  # every figure is quoted where it was read
        assert str(p.months) in p.quote and p.where


def test_bad_file_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "lead.yaml"
    bad.write_text(LEAD_TIMES.read_text().replace("months: 6.7", "months: -1"))
    with pytest.raises(KnowledgeError) as err:
        published_lead_times(bad)
    msg = str(err.value)
    assert "\n" not in msg and "months" in msg and str(bad) in msg
