"""benchmarks/twin_flaura.py refuses a bad ``--population`` or ``--mutation-supply`` before any work.

Before polish10: argparse printed its usage block above the error (two lines), and a non-number
``--mutation-supply`` said ``invalid float value`` without the range to give. Each case here runs the script
with subprocess (parsing only: the twin is never built) and checks exit code 2, one stderr line naming the
flag and the fix, no traceback, nothing on stdout and no ``--export`` folder created.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _bench(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run([sys.executable, str(ROOT / "benchmarks" / "twin_flaura.py"), *args], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=120, check=False)


@pytest.mark.parametrize(
    ("args", "flag", "fix"),
    [
        (["--population", "egfr"], "--population", "choose from 'l858r', 'mixture'"),
        (["--population", ""], "--population", "choose from 'l858r', 'mixture'"),
        (["--mutation-supply", "0"], "--mutation-supply", "give a factor in (0, 1000]"),
        (["--mutation-supply=-0.5"], "--mutation-supply", "give a factor in (0, 1000]"),
        (["--mutation-supply", "nan"], "--mutation-supply", "give a factor in (0, 1000]"),
        (["--mutation-supply", "1000.5"], "--mutation-supply", "give a factor in (0, 1000]"),
        (["--mutation-supply", "inf"], "--mutation-supply", "give a factor in (0, 1000]"),
        (["--mutation-supply", "a lot"], "--mutation-supply", "give a factor in (0, 1000]"),
    ],
)
def test_bad_flag_is_one_line_naming_the_flag_and_the_fix(tmp_path: Path, args: list[str], flag: str,
                                                          fix: str) -> None:
    out = tmp_path / "trials"
    got = _bench(*args, "--export", str(out), "--dump", str(tmp_path / "twin.pkl"))
    assert got.returncode == 2, (got.returncode, got.stderr)
    lines = [ln for ln in got.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, got.stderr
    assert lines[0].startswith(f"error: {flag}: ") and fix in lines[0], lines[0]
    assert "Traceback" not in got.stderr and "usage:" not in got.stderr
    assert got.stdout == ""
    assert not out.exists() and not (tmp_path / "twin.pkl").exists()  # nothing written, not even a folder


def test_the_range_ends_are_accepted_by_the_parser() -> None:
    """1000 and a tiny positive factor pass the check (they fail only if the parser's bound is off by one)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from _cli import bounded_float
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    parse = bounded_float(0, 1e3, fix="give a factor in (0, 1000]")
    assert parse("1000") == 1000.0 and parse("1e-9") == 1e-9 and parse(" 2 ") == 2.0
