"""A command whose stdout reader has gone (``oncoresist kb show EGFR | head -1``) ends quietly.

Before: Rich's console exited 1 and Typer's EPIPE handler exited 1 silently (``kb show``, help); a JSON
printed with ``typer.echo`` went through the error boundary as ``error: [Errno 32] Broken pipe``, exit 2.
Now every command ends with the shell's SIGPIPE status 141 (as ``git log | head`` does), nothing on stderr.

The reader is closed before the command starts, so every write fails with EPIPE whatever the output size.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from oncoresist.cli._common import CLOSED_PIPE_EXIT, stdout_closed

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "PYTHONWARNINGS": "default"}


def _run_into_closed_pipe(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone before the first write
    try:
        return subprocess.run([sys.executable, "-m", "oncoresist", *args], stdout=write_end, stderr=subprocess.PIPE,
                              text=True, env=ENV, cwd=cwd, timeout=300)  # fmt: skip
    finally:
        os.close(write_end)


@pytest.mark.parametrize(
    "args",
    [
        ["kb", "show", "EGFR"],  # Rich tables
        ["kb", "show", "EGFR", "--json"],  # typer.echo
        ["kb", "stats"],
        ["explain", "EGFR T790M"],
        ["annotate", "--tumor", "NSCLC", "--drug", "erlotinib", "EGFR L858R", "EGFR T790M"],
        ["annotate", "--drug", "erlotinib", "EGFR T790M", "--json"],
        ["annotate", "--drug", "erlotinib", "EGFR T790M", "--markdown"],
        ["--help"],  # Typer's own Rich console
        ["kb"],  # a group without a command prints its help
        ["kb", "show", "--help"],
    ],
)
def test_a_closed_stdout_ends_the_command_quietly(args: list[str], tmp_path: Path) -> None:
    proc = _run_into_closed_pipe(args, tmp_path)
    assert proc.returncode == CLOSED_PIPE_EXIT == 141, (proc.returncode, proc.stderr)
    assert proc.stderr == "", proc.stderr  # no "Broken pipe", no traceback, no "Exception ignored"


def test_a_trial_keeps_its_results_when_the_summary_cannot_be_printed(tmp_path: Path) -> None:
    out = tmp_path / "run"
    proc = _run_into_closed_pipe(["trial", str(ROOT / "examples" / "trials" / "flaura_egfr.yaml"), "--patients", "4",
                                  "--seed", "1", "--out", str(out)], tmp_path)  # fmt: skip
    assert proc.returncode == CLOSED_PIPE_EXIT, proc.stderr
    assert proc.stderr == ""
    assert (out / "run.json").is_file() and any((out / "patients").iterdir())


def test_output_to_a_file_or_a_reader_still_works(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    with target.open("w") as fh:
        proc = subprocess.run([sys.executable, "-m", "oncoresist", "kb", "show", "EGFR", "--json"], stdout=fh,
                              stderr=subprocess.PIPE, text=True, env=ENV, cwd=tmp_path, timeout=300)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert target.read_text().startswith("{")
    bad = subprocess.run([sys.executable, "-m", "oncoresist", "kb", "show", "EGFRX"], capture_output=True, text=True,
                         env=ENV, cwd=tmp_path, timeout=300)  # fmt: skip
    assert bad.returncode == 2 and bad.stderr.startswith("error: NAME: unknown")  # user errors unchanged


def test_stdout_closed_tells_a_closed_pipe_from_an_open_one(monkeypatch: pytest.MonkeyPatch) -> None:
    read_end, write_end = os.pipe()
    with os.fdopen(write_end, "w") as writer:
        monkeypatch.setattr(sys, "stdout", writer)
        assert not stdout_closed()  # a reader is there
        os.close(read_end)
        assert stdout_closed()
        monkeypatch.undo()
        with contextlib.suppress(BrokenPipeError):
            writer.close()
