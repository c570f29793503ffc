"""Agreement with public evidence the curated layer was NOT loaded with (CIViC, CGI raw text).

Each CIViC Predictive "Supports" item (levels A/B) and each CGI Resistant/Responsive row is
annotated from its raw alteration text against the curated knowledge alone (see
``agreement.py``); the figures are reported in docs/annotate.md. The floors below are the
figures measured when the curated layer and the verdict rule were last changed, rounded down:
they catch regressions, they are not targets.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import agreement

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not agreement.CIVIC_TSV.is_file(), reason="shared CIViC/CGI snapshots not found"),
]


@pytest.fixture(scope="module")
def kb():  # type: ignore[no-untyped-def]
    k = agreement.curated_knowledge()
    imported = [f for f in k.facts if (f.record or "").startswith(("civic:", "cgi:"))]
    assert not imported, "the agreement must not load the imports it is compared with"
    return k


def _check_partition(ag: agreement.Agreement) -> None:
    for exp, n in ag.items.items():
        missed = sum(ag.misses[(exp, c)] for c in agreement.MISS_CLASSES)
        assert ag.agree[exp] + missed == n, exp


def test_civic_agreement(kb, capsys):
    ag = agreement.civic_agreement(kb, "AB")
    with capsys.disabled():
        print("\n" + ag.report())
    _check_partition(ag)
    assert ag.items["resistant"] > 100 and ag.items["sensitive"] > 300
    assert ag.rate("resistant", of_parsed=True) >= 0.6
    assert ag.misses[("resistant", "opposite")] <= 0.05 * ag.items["resistant"]


def test_cgi_agreement(kb, capsys):
    ag = agreement.cgi_agreement(kb)
    with capsys.disabled():
        print("\n" + ag.report())
    _check_partition(ag)
    assert ag.rate("resistant", of_parsed=True) >= 0.55
    assert ag.rate("sensitive", of_parsed=True) >= 0.55
    assert ag.misses[("sensitive", "opposite")] <= 0.02 * ag.items["sensitive"]
