"""'Did you mean' suggestions: offered for a near miss, withheld for a far-off name (one cutoff, suggest.closest)."""

from __future__ import annotations

from typer.testing import CliRunner

from oncoresist.cli import app
from oncoresist.suggest import CUTOFF, closest

runner = CliRunner()


def test_far_off_names_get_no_suggestion_near_misses_do() -> None:
    assert CUTOFF == 0.75
    assert closest("notadrug", ["Mylotarg", "osimertinib"]) == []  # ratio 0.625: before, suggested
    assert closest("notadrug", ["NDRG1", "EGFR"]) == []  # ratio 0.615
    assert closest("EFGR", ["EGFR", "ERBB2"]) == ["EGFR"]  # ratio 0.75: kept
    assert closest("osimertnib", ["osimertinib", "erlotinib"]) == ["osimertinib"]


def test_cli_unknown_drug_and_kb_show_suggest_only_near_names() -> None:
    res = runner.invoke(app, ["annotate", "--drug", "notadrug", "EGFR L858R"])
    assert res.exit_code == 2 and "did you mean" not in res.stderr, res.stderr
    res = runner.invoke(app, ["annotate", "--drug", "osimertnib", "EGFR L858R"])
    assert res.exit_code == 2 and "did you mean osimertinib" in res.stderr, res.stderr
    res = runner.invoke(app, ["kb", "show", "notadrug"])
    assert res.exit_code == 2 and "NDRG1" not in res.stderr and "did you mean" not in res.stderr, res.stderr
    res = runner.invoke(app, ["kb", "show", "EFGR"])
    assert res.exit_code == 2 and "EGFR" in res.stderr, res.stderr
