"""``oncoresist simulate`` and ``oncoresist plot`` (commands called through Typer's runner)."""

from __future__ import annotations

from pathlib import Path

import yaml
from typer.testing import CliRunner

from engine.scenarios import rich_scenario
from oncoresist.cli import app
from oncoresist.engine import read_result

runner = CliRunner()


def test_simulate_then_plot(tmp_path: Path) -> None:
    sc = tmp_path / "sc.yaml"
    sc.write_text(yaml.safe_dump(rich_scenario()))
    out = tmp_path / "run.parquet"
    res = runner.invoke(app, ["simulate", str(sc), "--replicates", "3", "--seed", "42", "--engine", "tau",
                              "--t-end", "5", "--out", str(out)])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "seed entropy 42 (pass --seed 42" in res.output
    result = read_result(out)
    assert result.n_replicates == 3 and result.times[-1] == 5.0 and result.seed["entropy"] == "42"
    fig = tmp_path / "fig.png"
    res = runner.invoke(app, ["plot", str(out), "--out", str(fig)])
    assert res.exit_code == 0, res.output
    assert fig.read_bytes()[:4] == b"\x89PNG"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fig.png", "run.parquet", "sc.yaml"]


def test_invalid_scenario_is_one_line_exit_2(tmp_path: Path) -> None:
    data = rich_scenario()
    data["cell_types"][0]["death"] = -1
    sc = tmp_path / "bad.yaml"
    sc.write_text(yaml.safe_dump(data))
    out = tmp_path / "run.parquet"
    res = runner.invoke(app, ["simulate", str(sc), "--out", str(out)])
    assert res.exit_code == 2
    lines = [x for x in res.output.splitlines() if x.strip()]
    assert len(lines) == 1 and "cell_types.0.death" in lines[0] and "Traceback" not in res.output
    assert not out.exists()


def test_missing_file_and_non_result(tmp_path: Path) -> None:
    res = runner.invoke(app, ["simulate", str(tmp_path / "nope.yaml")])
    assert res.exit_code == 2 and "not found" in res.output
    import pyarrow as pa
    import pyarrow.parquet as pq

    other = tmp_path / "other.parquet"
    pq.write_table(pa.table({"a": [1]}), other)
    res = runner.invoke(app, ["plot", str(other)])
    assert res.exit_code == 2 and "not an oncoresist simulation result" in res.output


def test_ctrl_c_leaves_no_output(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import oncoresist.engine as engine_mod

    def interrupted(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    monkeypatch.setattr(engine_mod, "simulate", interrupted)
    sc = tmp_path / "sc.yaml"
    sc.write_text(yaml.safe_dump(rich_scenario()))
    res = runner.invoke(app, ["simulate", str(sc), "--out", str(tmp_path / "run.parquet")])
    assert res.exit_code == 130
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sc.yaml"]
