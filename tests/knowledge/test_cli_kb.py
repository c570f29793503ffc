"""``oncoresist kb import/update/show/validate/stats`` and ``oncoresist explain`` through the Typer app."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from oncoresist.cli import app

runner = CliRunner()


def _run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env={"COLUMNS": "250"})


def _one_line_error(res) -> str:  # type: ignore[no-untyped-def]
    assert res.stderr.startswith("error: "), res.output
    assert res.stderr.count("\n") == 1, res.stderr
    return res.stderr


@pytest.fixture
def with_imports(full_import_dir: Path, import_dir: Path) -> Path:
    """The test's import dir holding the full CIViC and CGI imports."""
    for name in ("civic.json", "cgi.json"):
        shutil.copy(full_import_dir / name, import_dir / name)
    return import_dir


def test_import_civic_writes_and_reports(civic_tsv: Path, import_dir: Path) -> None:
    res = _run("kb", "import", "civic", str(civic_tsv))
    assert res.exit_code == 0, res.output
    assert "imported" in res.stdout and "Does Not Support" in res.stdout
    assert (import_dir / "civic.json").is_file()


def test_import_cgi_json_report(cgi_tsv: Path, import_dir: Path) -> None:
    res = _run("kb", "import", "cgi", str(cgi_tsv), "--json")
    assert res.exit_code == 0, res.output
    report = json.loads(res.stdout)
    assert report["rows"] == 1442
    assert report["rows_imported"] + report["rows_skipped"] == 1442
    assert report["written"] == str(import_dir / "cgi.json")
    assert {"reason", "rows", "examples"} <= set(report["skipped"][0])


def test_import_missing_file_is_usage_error(tmp_path: Path, import_dir: Path) -> None:
    res = _run("kb", "import", "civic", str(tmp_path / "none.tsv"))
    assert res.exit_code == 2
    assert "no such file" in _one_line_error(res)
    assert not (import_dir / "civic.json").exists()


def test_import_truncated_keeps_previous(civic_tsv: Path, tmp_path: Path, import_dir: Path) -> None:
    assert _run("kb", "import", "civic", str(civic_tsv)).exit_code == 0
    before = (import_dir / "civic.json").read_bytes()
    data = civic_tsv.read_bytes()
    cut = tmp_path / "cut.tsv"
    cut.write_bytes(data[: len(data) // 3])
    res = _run("kb", "import", "civic", str(cut))
    assert res.exit_code == 2
    msg = _one_line_error(res)
    assert "cut.tsv" in msg and "line" in msg
    assert (import_dir / "civic.json").read_bytes() == before


def test_import_unknown_source_is_usage_error() -> None:
    res = _run("kb", "import", "oncokb", "x.tsv")
    assert res.exit_code == 2


def test_validate_with_imports(with_imports: Path) -> None:
    res = _run("kb", "validate")
    assert res.exit_code == 0, res.output
    assert "knowledge is valid" in res.stdout


def test_validate_invalid_import_exits_1(import_dir: Path) -> None:
    doc = {
        "schema_version": "1",
        "facts": [
            {
                "id": "civic-eid1",
                "alterations": ["EGFR T790M"],
                "drugs": ["notadrug"],
                "effect": "resistance",
                "mechanism": "on_target_mutation",
                "origin": "both",
                "evidence_level": "B",
                "sources": ["PMID:1"],
                "summary": "A broken imported fact.",
                "record": "civic:EID1",
            }
        ],
    }
    (import_dir / "civic.json").write_text(json.dumps(doc))
    res = _run("kb", "validate")
    assert res.exit_code == 1
    assert "unknown drug 'notadrug'" in res.stderr
    res = _run("kb", "show", "EGFR")  # browsing an invalid knowledge is the same failure
    assert res.exit_code == 1
    assert "invalid knowledge" in _one_line_error(res)


def test_stats_still_works(with_imports: Path) -> None:
    res = _run("kb", "stats", "--json")
    assert res.exit_code == 0, res.output
    cov = json.loads(res.stdout)
    assert cov["by_origin"]["civic"] > 2000 and cov["by_origin"]["cgi"] > 1000


def test_show_gene_by_alias(with_imports: Path) -> None:
    res = _run("kb", "show", "HER2", "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["kind"] == "gene" and out["name"] == "ERBB2"
    assert out["totals"]["facts"] > 0
    res = _run("kb", "show", "HER2")
    assert res.exit_code == 0 and "ERBB2" in res.stdout


def test_show_drug_by_brand_name(with_imports: Path) -> None:
    res = _run("kb", "show", "Tagrisso", "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["kind"] == "drug" and out["name"] == "osimertinib"
    assert any("EGFR C797S" in f["alterations"] for f in out["resistance"])


def test_show_mechanism(with_imports: Path) -> None:
    res = _run("kb", "show", "drug_efflux", "--json", "--all")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["kind"] == "mechanism"
    assert out["resistance"] and all(f["mechanism"] == "drug_efflux" for f in out["resistance"])


def test_show_unknown_name_suggests(with_imports: Path) -> None:
    res = _run("kb", "show", "osimertnib")
    assert res.exit_code == 2
    assert "osimertinib" in _one_line_error(res)


def test_explain_alteration(with_imports: Path) -> None:
    res = _run("explain", "EGFR T790M")
    assert res.exit_code == 0, res.output
    assert "on_target_mutation" in res.stdout
    assert "PMID:" in res.stdout
    assert "osimertinib" in res.stdout  # what overcomes it
    res = _run("explain", "EGFR T790M", "--json")
    out = json.loads(res.stdout)
    assert out["kind"] == "alteration" and out["name"] == "EGFR T790M"
    assert {m["id"] for m in out["mechanisms"]} == {"on_target_mutation"}
    assert any(
        f["id"] == "civic-eid238"
        for f in json.loads(_run("explain", "EGFR T790M", "--json", "--all").stdout)["resistance"]
    )
    assert any("osimertinib" in o["therapy"] for o in out["options"])
    # the one-sentence answer: resistance to first-generation drugs, overcome by osimertinib
    head, _, overcome = out["headline"].partition("Overcome by:")
    assert head.startswith("EGFR T790M: resistance to") and "osimertinib" not in head
    assert "osimertinib" in overcome
    assert all(s.startswith(("PMID:", "DOI:", "label:", "guideline:", "ASCO:")) for s in out["sources"])


def test_explain_drug_and_mechanism(with_imports: Path) -> None:
    res = _run("explain", "osimertinib", "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["kind"] == "drug"
    assert {"on_target_mutation", "bypass_pathway"} <= {m["id"] for m in out["mechanisms"]}
    res = _run("explain", "drug_efflux")
    assert res.exit_code == 0, res.output
    assert "drug_efflux" in res.stdout and "ABCB1" in res.stdout


def test_explain_unknown_is_one_line_exit_2() -> None:
    res = _run("explain", "notagene V600E and more")
    assert res.exit_code == 2
    _one_line_error(res)
