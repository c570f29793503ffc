"""The package's foundation: CLI entry, version, seeds, provenance."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from typer.testing import CliRunner

import oncoresist
from oncoresist.cli import app
from oncoresist.random import as_generator, as_seed_sequence, seed_record

runner = CliRunner()


def test_version_flag_prints_package_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"oncoresist {oncoresist.__version__}"


def test_every_command_has_help() -> None:
    top = runner.invoke(app, ["--help"])
    assert top.exit_code == 0
    import typer.main

    group = typer.main.get_command(app)
    assert len(group.commands) >= 2  # type: ignore[attr-defined]

    def walk(cmd: object, path: list[str]) -> None:
        res = runner.invoke(app, [*path, "--help"])
        assert res.exit_code == 0, (path, res.output)
        assert "Usage" in res.output
        for name, sub in getattr(cmd, "commands", {}).items():
            walk(sub, [*path, name])

    for name, sub in group.commands.items():  # type: ignore[attr-defined]
        walk(sub, [name])


def test_help_does_not_import_heavy_libraries() -> None:
    code = (
        "import sys; from oncoresist.cli import app\n"
        "heavy = [m for m in ('numpy', 'pandas', 'numba', 'matplotlib', 'scipy', 'dask', 'lifelines') "
        "if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_unknown_command_is_a_usage_error() -> None:
    result = runner.invoke(app, ["no-such-command"])
    assert result.exit_code == 2


def test_seed_normalisation_is_reproducible() -> None:
    a = as_generator(42).integers(0, 1 << 30, size=5)
    b = as_generator(42).integers(0, 1 << 30, size=5)
    c = as_generator(43).integers(0, 1 << 30, size=5)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)
    ss = as_seed_sequence(7)
    assert as_seed_sequence(ss) is ss
    child = ss.spawn(3)[2]
    assert seed_record(child) == {"entropy": "7", "spawn_key": [2], "pool_size": 4}


def test_seed_from_generator_advances_and_is_deterministic() -> None:
    g1, g2 = as_generator(5), as_generator(5)
    s1, s2 = as_seed_sequence(g1), as_seed_sequence(g2)
    assert s1.entropy == s2.entropy
    assert as_seed_sequence(g1).entropy != s1.entropy


@pytest.mark.parametrize("bad", [-1, 1.5, "7", True])
def test_bad_seed_rejected(bad: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        as_seed_sequence(bad)  # type: ignore[arg-type]


def test_none_seed_uses_entropy_that_can_be_replayed() -> None:
    ss = as_seed_sequence(None)
    replay = as_seed_sequence(int(ss.entropy))  # type: ignore[arg-type]
    assert np.array_equal(ss.generate_state(4), replay.generate_state(4))


def test_provenance_records_version_and_parameters() -> None:
    from oncoresist.provenance import provenance

    rec = provenance("simulate", {"seed": 1})
    assert rec["software"]["version"] == oncoresist.__version__
    assert rec["parameters"] == {"seed": 1}
    assert "numpy" in rec["environment"]
