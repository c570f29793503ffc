"""The trial report's tables and provenance, as a reader sees them.

Before: every table had an empty second header row (pandas' index name, "arm" or "setting", alone on
its own row); the provenance printed the environment as a Python dict and named no knowledge version.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from oncoresist.cli import app
from oncoresist.report.trial import environment_text, scenario_knowledge

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "trials"


@pytest.fixture
def report(tmp_path: Path) -> str:
    data = yaml.safe_load((EXAMPLES / "zhang_adaptive.yaml").read_text())
    for arm in data["arms"]:
        arm["scenario"] = str(EXAMPLES / "scenarios" / "zhang2017_lv.yaml")
    data["patients_per_arm"] = 6
    data["follow_up_days"] = 1500
    trial = tmp_path / "trial.yaml"
    trial.write_text(yaml.safe_dump(data))
    out, html = tmp_path / "run", tmp_path / "r.html"
    res = CliRunner().invoke(app, ["trial", str(trial), "--seed", "3", "--out", str(out)])
    assert res.exit_code == 0, res.output
    res = CliRunner().invoke(app, ["report", str(out), "--html", str(html)])
    assert res.exit_code == 0, res.output
    return html.read_text()


def test_tables_have_one_header_row_naming_every_column(report: str) -> None:
    heads = re.findall(r"<thead>(.*?)</thead>", report, flags=re.S)
    assert len(heads) >= 4
    for head in heads:
        assert head.count("<tr") == 1, head
        assert "<th></th>" not in head
    assert any("<th>arm</th>" in h for h in heads) and any("<th>setting</th>" in h for h in heads)


def test_provenance_names_version_seed_knowledge_and_environment(report: str) -> None:
    prov = report[report.index("<h2>Provenance</h2>"):]
    assert "<dt>oncoresist</dt>" in prov and "--seed 3" in prov
    assert "<dt>knowledge</dt>" in prov and "written by hand, no knowledge version recorded" in prov
    env = re.search(r"<dt>environment</dt><dd>(.*?)</dd>", prov)
    assert env is not None and env.group(1).startswith("python ") and "{" not in env.group(1)


def test_scenario_knowledge_reads_the_twin_header(tmp_path: Path) -> None:
    twin = tmp_path / "twin.yaml"
    twin.write_text("# Scenario built by `oncoresist twin` from: EGFR L858R\n"
                    "# Knowledge version curated:curated-d3f9471d556a+oncotree-2025-10-03, oncoresist 0.1.0. "
                    "Research use only.\nname: x\n")  # fmt: skip
    hand = tmp_path / "hand.yaml"
    hand.write_text("name: y\n")
    lines = scenario_knowledge([str(twin), str(twin), str(hand), str(tmp_path / "gone.yaml")])
    assert lines == [
        f"{twin}: knowledge curated:curated-d3f9471d556a+oncotree-2025-10-03 (built by oncoresist 0.1.0)",
        f"{hand}: written by hand, no knowledge version recorded",
        f"{tmp_path / 'gone.yaml'}: not readable from the current folder (a run before session 6 recorded the "
        "path as given), "
        "so its knowledge version is not shown",
    ]
    assert environment_text({"python": "3.11.7", "numpy": "2.4.6"}) == "python 3.11.7 · numpy 2.4.6"


def test_scenario_knowledge_prefers_what_the_run_recorded(tmp_path: Path) -> None:
    """A run records each scenario's knowledge version at run time; the report reads it even when the file is gone."""
    gone = str(tmp_path / "gone.yaml")
    lines = scenario_knowledge([gone, "<in memory: x>"], [{"knowledge": "curated:abc", "oncoresist": "0.1.0"}, None])
    assert lines == [f"{gone}: knowledge curated:abc (built by oncoresist 0.1.0)",
                     "<in memory: x>: no file, no knowledge version recorded"]
