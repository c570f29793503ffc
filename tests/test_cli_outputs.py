"""Output paths are checked before the work and named by their own flag; terminal output a user can read.

Before: ``annotate --html FOLDER`` said ``--out: ... is a folder``; ``fit``/``twin --html /missing/x.html``
said ``out: cannot write`` and only after the fit or the cohorts had run (``twin --calibrate``: minutes);
``fit`` printed each classical law as ``AIC -23.073358906942612, params {'v0': 0.93194..., ...}`` and
ArviZ's FutureWarning on stderr; ``twin`` titled its calibration ``seed {'entropy': '1', 'spawn_key': [],
...}`` and called its first strategy table "median time to progression" although it uses each strategy's
own rule (adaptive's differs from RECIST, the ranked table's endpoint).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from oncoresist.cli import app
from oncoresist.cli.fit import law_line

ROOT = Path(__file__).resolve().parents[1]
SERIES = ROOT / "examples" / "series" / "egfr_osimertinib.csv"
runner = CliRunner()


def _error(args: list[str]) -> str:
    res = runner.invoke(app, args)
    assert res.exit_code == 2, (res.exit_code, res.output, res.stderr)
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in res.stderr, res.stderr
    return lines[0]


def test_annotate_html_folder_is_named_html(tmp_path: Path) -> None:
    line = _error(["annotate", "--drug", "erlotinib", "EGFR L858R", "--html", str(tmp_path)])
    assert line.startswith("error: --html: ") and "is a folder" in line
    line = _error(["annotate", "--drug", "erlotinib", "EGFR L858R", "--html", str(tmp_path / "r.txt")])
    assert line.startswith("error: --html: ") and ".html" in line
    assert list(tmp_path.iterdir()) == []


def test_fit_html_in_a_missing_folder_is_refused_before_the_fit(tmp_path: Path) -> None:
    line = _error(["fit", str(SERIES), "--model", "exponential", "--html", str(tmp_path / "no" / "f.html")])
    assert line.startswith("error: --html: cannot write"), line


def test_twin_checks_html_before_writing_the_scenario_or_running_cohorts(tmp_path: Path) -> None:
    scenario = tmp_path / "twin.yaml"
    line = _error(["twin", "--tumor", "NSCLC", "EGFR L858R", "--drugs", "erlotinib", "--strategies", "continuous",
                   "--patients", "5", "--seed", "1", "--out-scenario", str(scenario),
                   "--html", str(tmp_path / "no" / "twin.html")])  # fmt: skip
    assert line.startswith("error: --html: cannot write"), line
    assert not scenario.exists()  # checked first: nothing was built or written
    line = _error(["twin", "--tumor", "NSCLC", "EGFR L858R", "--drugs", "erlotinib",
                   "--out-scenario", str(tmp_path)])  # fmt: skip
    assert line.startswith("error: --out-scenario: ") and "is a folder" in line


def test_fit_prints_each_law_on_one_readable_line() -> None:
    res = runner.invoke(app, ["fit", str(SERIES), "--model", "all", "--seed", "1"])
    assert res.exit_code == 0, res.output
    laws = [ln for ln in res.stdout.splitlines() if re.match(r"^[a-z_]+: AIC ", ln)]
    assert {ln.split(":")[0] for ln in laws} >= {"exponential", "gompertz", "biexponential"}
    number = r"-?\d+(\.\d+)?(e[-+]?\d+)?"
    for ln in laws:
        assert re.fullmatch(rf"[a-z_]+: AIC {number}( \(NOT converged\))?; (\w+ {number})(, \w+ {number})*", ln), ln
        assert "{" not in ln and not re.search(r"\d\.\d{8,}", ln)  # no dict repr, no 16-digit floats
    assert law_line("x", {"aic": -1.23456, "params": {"v0": 0.123456789}, "converged": False}) == \
        "x: AIC -1.23 (NOT converged); v0 0.1235"


def test_fit_does_not_pass_on_arviz_future_warning(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "PYTHONWARNINGS": "default"}
    cmd = [sys.executable, "-m", "oncoresist", "fit", str(SERIES), "--model", "resistance", "--seed", "1"]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "P(RECIST progression" in proc.stdout
    assert "FutureWarning" not in proc.stderr and "ArviZ is undergoing" not in proc.stderr, proc.stderr


def test_twin_strategy_table_says_which_progression_it_counts() -> None:
    res = runner.invoke(app, ["twin", "--tumor", "NSCLC", "EGFR L858R", "--drugs", "erlotinib,osimertinib",
                              "--strategies", "continuous,adaptive", "--patients", "5", "--seed", "1"])  # fmt: skip
    assert res.exit_code == 0, res.output
    text = " ".join(res.stdout.split())
    assert "First progression by each strategy's own rule" in text
    assert "Median time to progression per strategy" not in text
    assert "{'entropy'" not in res.stdout


def test_kb_show_keeps_controlled_words_whole_in_the_fact_table() -> None:
    """Before, at 120 columns: 'on_target_mutat' / 'ion' and 'lineage_plastic' / 'ity' on two lines."""
    res = runner.invoke(app, ["kb", "show", "osimertinib", "--limit", "6"], env={"COLUMNS": "120"})
    assert res.exit_code == 0, res.output
    rows = [ln for ln in res.stdout.splitlines() if ln.startswith("│")]
    assert any("│ on_target_mutation │" in ln for ln in rows)
    assert any("│ lineage_plasticity │" in ln for ln in rows)
    assert not any("on_target_mutat " in ln or "│ ion " in ln for ln in rows)


def test_kb_show_at_80_columns_is_one_fact_per_line_and_fields_in_words() -> None:
    """Before, at 80 columns (a pipe, a default terminal): eight table columns two characters wide ('al / te /
    ra / ti / on'), and 'approvals: {'agency': 'FDA', ...}' and 'flag_sources: {'cyp_route': [...]}' as raw dicts."""
    res = runner.invoke(app, ["kb", "show", "osimertinib", "--limit", "3"], env={"COLUMNS": "80"})
    assert res.exit_code == 0, res.output
    assert "{'" not in res.stdout and "['" not in res.stdout
    text = " ".join(res.stdout.split())
    assert "approvals: agency: FDA; year: 2015" in text
    facts = [ln for ln in res.stdout.splitlines() if ln.startswith("• ")]
    assert len(facts) == 6 and all(" → " in ln for ln in facts)
    assert "EGFR C797S → resistance to osimertinib (NSCLC); on_target_mutation; level B" in text
    assert not any(ln.startswith("│") for ln in res.stdout.splitlines())


def test_annotate_at_80_columns_prints_each_finding_whole() -> None:
    """Before, at 80 columns: 'Alterat / ion', 'sensiti / vity' and an evidence column eight characters wide."""
    res = runner.invoke(app, ["annotate", "--tumor", "NSCLC", "--drug", "erlotinib", "EGFR L858R", "EGFR T790M"],
                        env={"COLUMNS": "80"})
    assert res.exit_code == 0, res.output
    text = " ".join(res.stdout.split())
    assert "• EGFR T790M: resistance to erlotinib; on_target_mutation; level A; evidence in this tumour type; " \
           "decided the verdict" in text
    assert "evidence: curated 1 (egfr-t790m-egfr-tki-gen1)" in text
    assert not any(ln.startswith("│") for ln in res.stdout.splitlines())
    wide = runner.invoke(app, ["annotate", "--tumor", "NSCLC", "--drug", "erlotinib", "EGFR T790M"],
                         env={"COLUMNS": "160"})
    assert any(ln.startswith("│ EGFR T790M") for ln in wide.stdout.splitlines())  # a wide console keeps the table
