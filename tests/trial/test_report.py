import re

from typer.testing import CliRunner

from oncoresist.cli import app


def test_trial_and_report_cli(zhang_trial, tmp_path):
    out = tmp_path / "run"
    res = CliRunner().invoke(app, ["trial", str(zhang_trial), "--seed", "4", "--out", str(out), "--batch-size", "4"])
    assert res.exit_code == 0, res.output
    assert "seed entropy 4" in res.output
    assert len(list((out / "patients").glob("*.parquet"))) == 6
    html = tmp_path / "r.html"
    res = CliRunner().invoke(app, ["report", str(out), "--html", str(html)])
    assert res.exit_code == 0, res.output
    page = html.read_text()
    assert "Research use only" in page and "not a medical device" in page
    assert "data:image/png;base64," in page and "data:image/svg+xml;base64," in page
    assert not re.search(r'(src|href)="(https?:)?//', page)  # nothing fetched from outside
    assert "<style>" in page
    assert "Published lead times" in page and "PMID:29045530" in page and "6.7 months" in page
    for stem in ("km_pfs", "km_os", "swimmer", "lead_time", "dose"):
        assert (out / "figures" / f"{stem}.png").stat().st_size > 1000
        assert (out / "figures" / f"{stem}.svg").stat().st_size > 1000
    assert list((out / "figures").glob("timeline_*.png"))


def test_report_on_missing_dir_is_one_line(tmp_path):
    res = CliRunner().invoke(app, ["report", str(tmp_path / "nope"), "--html", str(tmp_path / "r.html")])
    assert res.exit_code == 2
    assert not (tmp_path / "r.html").exists()
