"""``oncoresist kb import/update/show/validate/stats`` and ``oncoresist explain`` through the Typer app."""

from __future__ import annotations

import json
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
def with_imports(import_dir: Path) -> Path:
    """The default knowledge: the curated layer plus the bundled CIViC and CGI snapshots (nothing to set up)."""
    return import_dir


def _versions(import_dir: Path) -> list[str]:
    root = import_dir / "versions"
    return sorted(p.name for p in root.iterdir() if not p.name.startswith(".")) if root.is_dir() else []


def test_import_civic_writes_a_new_version_and_changes_nothing_else(civic_tsv: Path, import_dir: Path) -> None:
    before = _run("annotate", "EGFR T790M", "--drug", "erlotinib", "--tumor", "NSCLC", "--json")
    res = _run("kb", "import", "civic", str(civic_tsv), "--name", "civic-test")
    assert res.exit_code == 0, res.output
    assert "imported" in res.stdout and "Does Not Support" in res.stdout
    assert "--knowledge civic-test" in res.stdout
    assert (import_dir / "versions" / "civic-test" / "version.json").is_file()
    assert _versions(import_dir) == ["civic-test"]
    # the import is not used until it is selected: the default's output is byte-for-byte the same
    after = _run("annotate", "EGFR T790M", "--drug", "erlotinib", "--tumor", "NSCLC", "--json")
    assert after.stdout == before.stdout
    assert json.loads(after.stdout)["knowledge_version"].startswith("default:")
    chosen = _run("annotate", "EGFR T790M", "--drug", "erlotinib", "--tumor", "NSCLC", "--json",
                  "--knowledge", "civic-test")  # fmt: skip
    assert chosen.exit_code == 0, chosen.output
    assert json.loads(chosen.stdout)["knowledge_version"].startswith("civic-test:curated-")


def test_import_cgi_json_report(cgi_tsv: Path, import_dir: Path) -> None:
    res = _run("kb", "import", "cgi", str(cgi_tsv), "--json")
    assert res.exit_code == 0, res.output
    report = json.loads(res.stdout)
    assert report["rows"] == 1442
    assert report["rows_imported"] + report["rows_skipped"] == 1442
    # default name: source, release date (the CGI table has none: the day of the import) and the table's sha256
    [name] = _versions(import_dir)
    assert name.startswith("cgi-") and name.endswith("-6c1a86c7")
    assert report["written"] == str(import_dir / "versions" / name)
    assert {"reason", "rows", "examples"} <= set(report["skipped"][0])
    assert report["diseases"]["distinct"] == len(report["diseases"]["unmapped_diseases"]) + sum(
        report["diseases"][k] for k in ("by_table", "by_name", "tumor_agnostic")
    )


def test_import_existing_name_is_refused(cgi_tsv: Path, import_dir: Path) -> None:
    assert _run("kb", "import", "cgi", str(cgi_tsv), "--name", "mine").exit_code == 0
    manifest = (import_dir / "versions" / "mine" / "version.json").read_bytes()
    res = _run("kb", "import", "cgi", str(cgi_tsv), "--name", "mine")
    assert res.exit_code == 2
    assert "already exists" in _one_line_error(res)
    assert (import_dir / "versions" / "mine" / "version.json").read_bytes() == manifest
    assert _run("kb", "import", "cgi", str(cgi_tsv), "--name", "default").exit_code == 2  # reserved


def test_import_missing_file_is_usage_error(tmp_path: Path, import_dir: Path) -> None:
    res = _run("kb", "import", "civic", str(tmp_path / "none.tsv"))
    assert res.exit_code == 2
    assert "no such file" in _one_line_error(res)
    assert _versions(import_dir) == []


def test_import_truncated_writes_nothing(civic_tsv: Path, tmp_path: Path, import_dir: Path) -> None:
    assert _run("kb", "import", "civic", str(civic_tsv), "--name", "good").exit_code == 0
    before = (import_dir / "versions" / "good" / "version.json").read_bytes()
    data = civic_tsv.read_bytes()
    cut = tmp_path / "cut.tsv"
    cut.write_bytes(data[: len(data) // 3])
    res = _run("kb", "import", "civic", str(cut), "--name", "bad")
    assert res.exit_code == 2
    msg = _one_line_error(res)
    assert "cut.tsv" in msg and "line" in msg
    assert _versions(import_dir) == ["good"]
    assert (import_dir / "versions" / "good" / "version.json").read_bytes() == before


def test_import_unknown_source_is_usage_error() -> None:
    res = _run("kb", "import", "oncokb", "x.tsv")
    assert res.exit_code == 2


def test_versions_lists_and_marks_the_selection(cgi_tsv: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _run("kb", "import", "cgi", str(cgi_tsv), "--name", "v1").exit_code == 0
    rows = json.loads(_run("kb", "versions", "--json").stdout)
    assert [r["name"] for r in rows] == ["default", "curated", "v1"]
    assert [r["name"] for r in rows if r["selected"]] == ["default"]
    monkeypatch.setenv("ONCORESIST_KNOWLEDGE", "v1")
    rows = json.loads(_run("kb", "versions", "--json").stdout)
    [sel] = [r for r in rows if r["selected"]]
    assert sel["name"] == "v1" and sel["selected_by"] == "$ONCORESIST_KNOWLEDGE"
    res = _run("kb", "stats", "--json")
    assert json.loads(res.stdout)["knowledge_version"].startswith("v1:")


def test_unknown_version_is_one_line_with_suggestions(cgi_tsv: Path) -> None:
    assert _run("kb", "import", "cgi", str(cgi_tsv), "--name", "mycgi").exit_code == 0
    res = _run("kb", "stats", "--knowledge", "mycgj")
    assert res.exit_code == 2
    msg = _one_line_error(res)
    assert "unknown knowledge version" in msg and "mycgi" in msg


def test_validate_with_imports(with_imports: Path) -> None:
    res = _run("kb", "validate")
    assert res.exit_code == 0, res.output
    assert "knowledge is valid" in res.stdout


def test_validate_invalid_import_exits_1(tmp_path: Path) -> None:
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
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "civic.json").write_text(json.dumps(doc))
    res = _run("kb", "validate", "--knowledge", str(folder))
    assert res.exit_code == 1
    assert "unknown drug 'notadrug'" in res.stderr
    res = _run("kb", "show", "EGFR", "--knowledge", str(folder))  # browsing an invalid knowledge is the same failure
    assert res.exit_code == 1
    assert "invalid knowledge" in _one_line_error(res)
    assert _run("kb", "validate").exit_code == 0  # the default is not affected


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
    # on target first and by far the most facts; CGI's "NF2 loss AND EGFR mutation" (erlotinib + cetuximab) facts, whose
    # EGFR mutation pattern T790M possibly matches, are now classed by the NF2 change that causes the resistance
    # (downstream), not by the sensitising EGFR driver (reason3, issue 10 class 4)
    mechs = out["mechanisms"]
    assert mechs[0]["id"] == "on_target_mutation"
    assert all(m["id"] == "on_target_mutation" or m["inferred_only"] for m in mechs)
    assert mechs[0]["resistance_facts"] > sum(m["resistance_facts"] for m in mechs[1:])
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


def test_knowledge_option_reaches_annotate_and_twin() -> None:
    args = ["--tumor", "NSCLC", "--drug", "erlotinib", "EGFR L858R", "EGFR T790M", "--json"]
    default = json.loads(_run("annotate", *args).stdout)
    curated = json.loads(_run("annotate", *args, "--knowledge", "curated").stdout)
    assert default["knowledge_version"].startswith("default:") and "+civic-" in default["knowledge_version"]
    assert curated["knowledge_version"] == _knowledge_version("curated")
    # the snapshots add evidence (findings are aggregated, so the evidence behind them grows, not their number)
    assert sum(f["n_evidence"] for f in default["findings"]) > sum(f["n_evidence"] for f in curated["findings"])
    assert {"civic", "cgi"} <= {db for f in default["findings"] for db in f["databases"]}
    res = _run("twin", "EGFR L858R", "--drugs", "erlotinib", "--tumor", "NSCLC", "--json", "--knowledge", "curated")
    assert res.exit_code == 0, res.output
    assert f'"knowledge_version": "{_knowledge_version("curated")}"' in res.stdout


def _knowledge_version(selection: str) -> str:
    from oncoresist.knowledge import load_knowledge

    return load_knowledge(selection).version


def test_unknown_knowledge_on_annotate_is_one_line() -> None:
    res = _run("annotate", "EGFR T790M", "--drug", "erlotinib", "--knowledge", "no-such-version")
    assert res.exit_code == 2
    assert "unknown knowledge version" in _one_line_error(res)


# ---------------------------------------------------------------- --name / --base (checked before any work)
@pytest.mark.parametrize(("name", "why"), [("", "cannot name"), ("bad name", "cannot name"), ("-x", "cannot name"),
                                           ("a" * 65, "cannot name"), ("curated", "reserved")])  # fmt: skip
def test_import_bad_name_is_one_line_naming_the_flag_before_the_table_is_read(
    name: str, why: str, tmp_path: Path, import_dir: Path
) -> None:
    """Before: ``--name ''`` was silently replaced by the default name; a reserved name's error named no flag."""
    not_a_table = tmp_path / "x.tsv"
    not_a_table.write_text("no header here\n")  # had the table been read first, the error would name it
    res = _run("kb", "import", "cgi", str(not_a_table), "--name", name)
    assert res.exit_code == 2, res.output
    msg = _one_line_error(res)
    assert msg.startswith("error: --name: ") and why in msg, msg
    assert _versions(import_dir) == []


def test_import_taken_name_and_bad_base_are_refused_before_the_table_is_read(
    cgi_tsv: Path, tmp_path: Path, import_dir: Path
) -> None:
    assert _run("kb", "import", "cgi", str(cgi_tsv), "--name", "mine").exit_code == 0
    not_a_table = tmp_path / "x.tsv"
    not_a_table.write_text("no header here\n")
    res = _run("kb", "import", "cgi", str(not_a_table), "--name", "mine")
    assert res.exit_code == 2 and _one_line_error(res).startswith("error: --name: knowledge version 'mine' already")
    res = _run("kb", "import", "civic", str(not_a_table), "--base", "nothere")
    assert res.exit_code == 2 and _one_line_error(res).startswith("error: --base: unknown knowledge version")
    res = _run("kb", "import", "civic", str(not_a_table), "--base", " ")
    assert res.exit_code == 2 and _one_line_error(res).startswith("error: --base: empty")
    assert _versions(import_dir) == ["mine"]


def test_import_name_and_base_as_documented(cgi_tsv: Path, import_dir: Path) -> None:
    """docs/knowledge.md: ``--name N`` names the new version; ``--base curated`` keeps no other layer."""
    res = _run("kb", "import", "cgi", str(cgi_tsv), "--name", "cgi.only_1", "--base", "curated", "--json")
    assert res.exit_code == 0, res.output
    manifest = json.loads((import_dir / "versions" / "cgi.only_1" / "version.json").read_text())
    assert manifest["name"] == "cgi.only_1" and manifest["base"] == "curated"
    assert [layer["source"] for layer in manifest["layers"]] == ["cgi"]
    rows = json.loads(_run("kb", "versions", "--json").stdout)
    assert "cgi.only_1" in [r["name"] for r in rows]


def test_update_bad_name_is_usage_error_before_the_download(import_dir: Path) -> None:
    """Before: exit 1 "invalid knowledge: knowledge version name ..." and only after the download."""
    res = _run("kb", "update", "--url", "http://127.0.0.1:9/never.tsv", "--name", "bad name", "--timeout", "1")
    assert res.exit_code == 2, res.output
    assert _one_line_error(res).startswith("error: --name: 'bad name' cannot name")  # not "cannot connect"
    assert _versions(import_dir) == []
