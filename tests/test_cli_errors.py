"""Every command, given bad input, exits 2 with one line on stderr and no traceback.

Each case here failed before the error contract (traceback, exit 1, "Aborted." or a message
about a hidden temporary file); see issue 14, "Tracebacks or bare aborts".
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from engine.scenarios import rich_scenario
from oncoresist.cli import app

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
runner = CliRunner()


def _one_line_exit_2(args: list[str]) -> str:
    res = runner.invoke(app, args)
    assert res.exit_code == 2, (res.exit_code, res.output, res.stderr)
    assert "Traceback" not in res.output and "Traceback" not in res.stderr
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, res.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    sc = tmp_path / "sc.yaml"
    sc.write_text(yaml.safe_dump(rich_scenario()))
    return sc


@pytest.fixture
def run_parquet(tmp_path: Path, scenario: Path) -> Path:
    out = tmp_path / "run.parquet"
    res = runner.invoke(app, ["simulate", str(scenario), "--seed", "1", "--t-end", "2", "--out", str(out),
                              "--engine", "tau"])
    assert res.exit_code == 0, res.output
    return out


def test_simulate_t_end_zero_names_the_flag(scenario: Path, tmp_path: Path) -> None:
    line = _one_line_exit_2(["simulate", str(scenario), "--t-end", "0", "--out", str(tmp_path / "r.parquet")])
    assert line.startswith("error: --t-end: ") and "positive" in line
    assert not (tmp_path / "r.parquet").exists()


def test_simulate_negative_seed_names_the_flag(scenario: Path, tmp_path: Path) -> None:
    line = _one_line_exit_2(["simulate", str(scenario), "--seed", "-3", "--out", str(tmp_path / "r.parquet")])
    assert line.startswith("error: --seed: ")


def test_simulate_missing_output_folder_is_reported_before_work(scenario: Path, tmp_path: Path) -> None:
    target = tmp_path / "nonexist" / "r.parquet"
    line = _one_line_exit_2(["simulate", str(scenario), "--t-end", "5", "--out", str(target)])
    assert "folder" in line and "does not exist" in line and ".tmp" not in line
    assert "engine" not in runner.invoke(app, ["simulate", str(scenario), "--out", str(target)]).output


def test_simulate_output_must_be_parquet(scenario: Path, tmp_path: Path) -> None:
    line = _one_line_exit_2(["simulate", str(scenario), "--out", str(tmp_path / "r.csv")])
    assert "--out" in line and ".parquet" in line


def test_simulate_missing_scenario(tmp_path: Path) -> None:
    line = _one_line_exit_2(["simulate", str(tmp_path / "none.yaml"), "--out", str(tmp_path / "r.parquet")])
    assert "none.yaml" in line


def test_plot_to_unsupported_format(run_parquet: Path, tmp_path: Path) -> None:
    line = _one_line_exit_2(["plot", str(run_parquet), "--out", str(tmp_path / "x.txt")])
    assert "--out" in line and ".png" in line
    assert not (tmp_path / "x.txt").exists()


def test_plot_on_a_yaml_file(scenario: Path, tmp_path: Path) -> None:
    line = _one_line_exit_2(["plot", str(scenario), "--out", str(tmp_path / "f.png")])
    assert "sc.yaml" in line and "Parquet" in line


def test_plot_on_missing_file(tmp_path: Path) -> None:
    line = _one_line_exit_2(["plot", str(tmp_path / "nope.parquet"), "--out", str(tmp_path / "f.png")])
    assert "nope.parquet" in line


def test_report_into_missing_folder(tmp_path: Path) -> None:
    line = _one_line_exit_2(["report", str(tmp_path), "--html", str(tmp_path / "nonexist" / "r.html")])
    assert "does not exist" in line and ".tmp" not in line


def test_trial_unknown_method_leaves_no_directory(tmp_path: Path) -> None:
    out = tmp_path / "t1"
    line = _one_line_exit_2(["trial", str(EXAMPLES / "trials" / "flaura_egfr.yaml"), "--out", str(out),
                             "-n", "4", "--method", "foo"])
    assert line.startswith("error: --method: ")
    assert not out.exists()


def test_trial_out_is_an_existing_file(tmp_path: Path) -> None:
    f = tmp_path / "r.parquet"
    f.write_bytes(b"x")
    line = _one_line_exit_2(["trial", str(EXAMPLES / "trials" / "flaura_egfr.yaml"), "--out", str(f), "-n", "4"])
    assert line.startswith("error: --out: ") and "not a folder" in line
    assert f.read_bytes() == b"x"


@pytest.mark.parametrize("flag,value", [("--patients", "0"), ("--batch-size", "0"), ("--backend", "spark"),
                                        ("--workers", "0")])
def test_trial_bad_numbers_name_their_flag(tmp_path: Path, flag: str, value: str) -> None:
    out = tmp_path / "t"
    line = _one_line_exit_2(["trial", str(EXAMPLES / "trials" / "flaura_egfr.yaml"), "--out", str(out),
                             flag, value])
    assert line.startswith(f"error: {flag}: ")
    assert not out.exists()


def test_truncated_maf_gz_is_one_line(tmp_path: Path) -> None:
    data = (EXAMPLES / "profiles" / "cohort.maf").read_bytes() * 200
    whole = gzip.compress(data)
    cut = tmp_path / "cut.maf.gz"
    cut.write_bytes(whole[: len(whole) // 2])
    _one_line_exit_2(["annotate", "--maf", str(cut), "--drug", "erlotinib"])


@pytest.mark.parametrize("args", [
    ["annotate", "--profile", "MISSING/p.yaml", "--drug", "erlotinib"],
    ["twin", "EGFR L858R", "--drugs", "notadrug_xyz"],
    ["kb", "show", "NOSUCH_XYZ"],
    ["kb", "import", "civic", "MISSING/civic.tsv"],
    ["explain", "NOTAGENE_XYZ"],
    ["report", "MISSING/run", "--html", "r.html"],
    ["trial", "MISSING/t.yaml", "--out", "o"],
    ["simulate", "MISSING/s.yaml"],
    ["plot", "MISSING/r.parquet"],
])
def test_every_command_with_bad_input(args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(app, args)
    assert res.exit_code == 2, (args, res.exit_code, res.output, res.stderr)
    assert "Traceback" not in res.output + res.stderr
    assert len([ln for ln in res.stderr.splitlines() if ln.strip()]) == 1, res.stderr
    assert not list(tmp_path.iterdir())  # nothing half-written


@pytest.mark.parametrize("target,words", [
    ("nodir/r.tsv", ["--out", "does not exist"]),
    ("r.csv", ["--out", ".tsv"]),
    ("existdir", ["--out", "is a folder"]),
])
def test_annotate_batch_out_is_checked_before_the_inputs_are_read(
    target: str, words: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: the MAF was read first, its notes printed (three lines on stderr), then the --out error."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "existdir").mkdir()
    line = _one_line_exit_2(["annotate", "--maf", str(EXAMPLES / "profiles" / "cohort.maf"), "--drug", "erlotinib",
                             "--out", target])
    assert all(w in line for w in words), line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["existdir"]


def test_twin_negative_patients_is_refused_even_without_strategies(tmp_path: Path) -> None:
    """Before: 'twin ... --patients -5 --out-scenario t.yaml' exited 0 (checked only with --strategies)."""
    out = tmp_path / "t.yaml"
    line = _one_line_exit_2(["twin", "EGFR L858R", "--drugs", "erlotinib", "--tumor", "NSCLC", "--patients", "-5",
                             "--out-scenario", str(out)])
    assert line.startswith("error: --patients: ") and "positive" in line
    assert not out.exists()


@pytest.mark.parametrize(("args", "flag"), [(["explain", ""], "QUERY"), (["kb", "show", " "], "NAME")])
def test_an_empty_query_names_the_argument_and_what_to_give(args: list[str], flag: str) -> None:
    """Before: "error: unknown name ''"."""
    line = _one_line_exit_2(args)
    assert line.startswith(f"error: {flag}: empty; give an alteration, gene, drug")


def test_unknown_knowledge_version_names_the_flag() -> None:
    """Before: the message quoted 'oncoresist kb versions' first, so the flag was not found."""
    line = _one_line_exit_2(["annotate", "EGFR L858R", "--drug", "erlotinib", "--knowledge", "nosuch_version"])
    assert line.startswith("error: --knowledge: unknown knowledge version") and "nosuch_version" in line


def test_report_on_a_damaged_run_is_one_line(tmp_path: Path) -> None:
    """Before: an empty run.json or a truncated batch file gave a JSONDecodeError / ArrowInvalid traceback."""
    out = tmp_path / "run"
    res = runner.invoke(app, ["trial", str(EXAMPLES / "trials" / "flaura_egfr.yaml"), "-n", "4", "--seed", "1",
                              "--out", str(out)])
    assert res.exit_code == 0, res.output
    batch = sorted((out / "patients").glob("*.parquet"))[0]
    whole = batch.read_bytes()
    batch.write_bytes(whole[:100])
    line = _one_line_exit_2(["report", str(out), "--html", str(tmp_path / "r.html")])
    assert batch.name in line and "damaged" in line and not (tmp_path / "r.html").exists()
    batch.write_bytes(whole)
    (out / "run.json").write_text("")
    line = _one_line_exit_2(["report", str(out), "--html", str(tmp_path / "r.html")])
    assert "run.json: not a run record" in line and not (tmp_path / "r.html").exists()
