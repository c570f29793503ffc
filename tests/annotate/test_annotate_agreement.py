"""Agreement with public evidence: CIViC A/B resistance items and CGI Resistant rows.

Imports both snapshots (../shared/data) into a temporary ONCORESIST_DATA_DIR with the
project's importers, then annotates each translated item's alterations with its drug(s)
in its disease; at least 95% must come out ``resistant`` (the misses are printed).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import agreement

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not agreement.CIVIC_TSV.is_file(), reason="shared CIViC/CGI snapshots not found"),
    pytest.mark.skipif(
        importlib.util.find_spec("oncoresist.knowledge.importers") is None, reason="importers not available"
    ),
]


@pytest.fixture(scope="module")
def kb(tmp_path_factory):  # type: ignore[no-untyped-def]
    d = tmp_path_factory.mktemp("imports")
    mp = pytest.MonkeyPatch()
    mp.setenv("ONCORESIST_DATA_DIR", str(d))
    try:
        yield agreement.build_knowledge(d)
    finally:
        mp.undo()


@pytest.mark.parametrize("which", ["civic", "cgi"])
def test_agreement_with_public_evidence(kb, which, capsys):
    ag = agreement.civic_agreement(kb) if which == "civic" else agreement.cgi_agreement(kb)
    with capsys.disabled():
        print("\n" + ag.report())
    assert ag.imported > 0.5 * ag.items
    assert ag.rate >= 0.95, ag.report()
