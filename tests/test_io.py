"""Atomic output files: all or nothing, with ordinary permissions."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from oncoresist._io import atomic_path, write_text_atomic


def test_success_replaces_file_with_umask_permissions(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    out.write_text("old")
    write_text_atomic(out, "new")
    assert out.read_text() == "new"
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~mask
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_failure_keeps_old_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    out = tmp_path / "results.tsv"
    out.write_text("previous")
    with pytest.raises(KeyboardInterrupt), atomic_path(out) as tmp:
        tmp.write_text("half")
        raise KeyboardInterrupt
    assert out.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["results.tsv"]


def test_suffix_is_kept_for_format_sniffing_writers(tmp_path: Path) -> None:
    with atomic_path(tmp_path / "fig.svg", suffix=".svg") as tmp:
        assert tmp.suffix == ".svg"
        tmp.write_text("<svg/>")
    assert (tmp_path / "fig.svg").read_text() == "<svg/>"
