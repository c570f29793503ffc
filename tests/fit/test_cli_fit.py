"""``oncoresist fit``: JSON output with seed and disclaimer, HTML report, one-line errors with exit 2."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from oncoresist.cli import app

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "series" / "egfr_osimertinib.csv"
runner = CliRunner()
FAST = ["--seed", "4"]


def test_fit_gompertz_json_and_html(tmp_path: Path) -> None:
    html = tmp_path / "r.html"
    res = runner.invoke(app, ["fit", str(EXAMPLE), "--model", "gompertz", "--json", "--html", str(html), *FAST])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["provenance"]["seed"]["entropy"] == "4"
    assert "not a medical device" in out["disclaimer"]
    assert set(out["laws"]) == {"gompertz"} and "resistance" not in out
    text = html.read_text()
    assert "Research use only" in text and "data:image/png;base64," in text


def test_fit_resistance_json_reports_progression_and_diagnostics() -> None:
    res = runner.invoke(app, ["fit", str(EXAMPLE), "--json", "--resistance-target", "EGFR C797S", *FAST])
    assert res.exit_code == 0, res.output
    r = json.loads(res.stdout)["resistance"]
    assert 0.0 <= r["progression"]["p_progression_by_horizon"] <= 1.0
    assert r["ctdna_tracks"] == {"EGFR L858R": "truncal", "EGFR C797S": "resistance"}
    assert all("r_hat" in row and "ess" in row for row in r["summary"].values())


def test_bad_series_is_one_line_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("time_days,kind,value\n0,sum_of_diameters,40\n10,tumour_size,30\n")
    res = runner.invoke(app, ["fit", str(bad), "--model", "gompertz"])
    assert res.exit_code == 2
    err = res.stderr if hasattr(res, "stderr") else res.output
    assert err.strip().count("\n") == 0 and "row 3, field kind" in err
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    res = runner.invoke(app, ["fit", str(empty)])
    assert res.exit_code == 2 and "empty" in res.output + (res.stderr or "")


def test_unknown_model_is_one_line_exit_2() -> None:
    res = runner.invoke(app, ["fit", str(EXAMPLE), "--model", "weibull"])
    assert res.exit_code == 2 and "unknown model 'weibull'" in res.output + (res.stderr or "")


def test_cli_help_lists_every_model_choice() -> None:
    from oncoresist.cli.fit import MODEL_HELP
    from oncoresist.fit.api import MODEL_CHOICES

    assert all(m in MODEL_HELP for m in MODEL_CHOICES)
