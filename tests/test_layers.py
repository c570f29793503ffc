"""Imports follow the DESIGN layers and form no circles (tools/check_layers.py).

The violations still present are listed by name, each owned by the helper whose move removes it;
each is a strict xfail, so a fixed one must be deleted from the list and any NEW violation fails.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("check_layers", ROOT / "tools" / "check_layers.py")
assert _spec is not None and _spec.loader is not None
check_layers = importlib.util.module_from_spec(_spec)
sys.modules["check_layers"] = check_layers
_spec.loader.exec_module(check_layers)

KNOWN: dict[str, str] = {}  # every violation found so far is fixed; a new one fails the suite

CURRENT = {str(v) for v in check_layers.violations(ROOT / "src")}


def test_no_violations_beyond_the_known_list() -> None:
    new = sorted(CURRENT - set(KNOWN))
    assert not new, "new layer violations:\n" + "\n".join(new)


@pytest.mark.parametrize("violation", [pytest.param(v, marks=pytest.mark.xfail(strict=True, reason=why))
                                       for v, why in KNOWN.items()])
def test_known_violation_is_gone(violation: str) -> None:
    assert violation not in CURRENT


def test_the_checker_finds_upward_imports_and_hidden_circles(tmp_path: Path) -> None:
    pkg = tmp_path / "oncoresist"
    for sub in ("engine", "trial", "model"):
        (pkg / sub).mkdir(parents=True)
        (pkg / sub / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("")
    (pkg / "errors.py").write_text("")
    (pkg / "engine" / "a.py").write_text("from oncoresist.trial import b\n")  # 3 -> 4: upward
    (pkg / "model" / "x.py").write_text("from oncoresist.model.y import Y\nX = 1\n")
    (pkg / "model" / "y.py").write_text(  # circle hidden in a function; a TYPE_CHECKING import is not one
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from oncoresist.engine import a\n"
        "Y = 1\ndef f():\n    from oncoresist.model.x import X\n    return X\n")
    (pkg / "trial" / "b.py").write_text("from .. import errors\nfrom ..engine import a\n")  # relative, downward
    found = {str(v) for v in check_layers.violations(tmp_path)}
    assert found == {"upward: oncoresist.engine.a -> oncoresist.trial.b",
                     "cycle: oncoresist.engine.a <-> oncoresist.trial.b",
                     "cycle: oncoresist.model.x <-> oncoresist.model.y"}
