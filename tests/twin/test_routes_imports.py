"""The twin's resistance routes do not depend on what happens to be imported (issue 11, item 2).

Before the fix, one imported level-C case report (CIViC EID277: T790M on erlotinib + pemetrexed, a
combination) made EGFR T790M a "sensitising driver", so the EGFR twin lost its main route; the CML
twin lost M351T, M244V and Q252H the same way. Needs the shared CIViC/CGI snapshots (skipped without).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from oncoresist.knowledge.index import Knowledge
from oncoresist.knowledge.loader import load_knowledge
from oncoresist.knowledge.quant import load_quant
from oncoresist.twin import build_twin

TWINS = {
    "EGFR L858R": (["EGFR L858R"], "erlotinib,osimertinib", "NSCLC"),
    "CML": (["BCR::ABL1"], "imatinib,ponatinib", "CML"),
}


@pytest.fixture(scope="module", params=["snapshot imports", "bundled default"])
def full_kb(request: pytest.FixtureRequest, civic_tsv: Path, cgi_tsv: Path) -> Knowledge:
    """Curated + CIViC + CGI: imported from ../shared/data, and the package's bundled default knowledge."""
    if request.param == "bundled default":
        return load_knowledge("default")
    return load_knowledge(imports=request.getfixturevalue("full_import_dir"))


@pytest.mark.parametrize("which", list(TWINS))
def test_same_routes_with_and_without_imports(curated_kb: Knowledge, full_kb: Knowledge, which: str) -> None:
    assert len(full_kb.facts) > len(curated_kb.facts) + 500  # the imports really are there
    profile, drugs, tumor = TWINS[which]
    quant = load_quant(kb=curated_kb)
    alone = build_twin(profile, drugs=drugs, tumor=tumor, knowledge=curated_kb, quant=quant)
    full = build_twin(profile, drugs=drugs, tumor=tumor, knowledge=full_kb, quant=quant)
    names_alone = {c.name for c in alone.scenario.cell_types}
    names_full = {c.name for c in full.scenario.cell_types}
    assert names_alone == names_full
    if which == "EGFR L858R":
        assert "EGFR_T790M" in names_full
    else:
        assert {"ABL1_M351T", "ABL1_M244V", "ABL1_Q252H", "ABL1_T315I"} <= names_full
    # the same numbers too: every origin path and value agree
    assert {(o.path, repr(o.value)) for o in alone.origins} == {(o.path, repr(o.value)) for o in full.origins}
