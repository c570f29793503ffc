"""Label scope of the FLT3 approvals (helper cutoff10): the gilteritinib and midostaurin labels' "FLT3 mutation" is what
their companion test (LeukoStrat CDx FLT3) detects, ITD and TKD D835/I836, so the curated level-A facts name those
alterations. Before, one gene-level "FLT3 mutation" fact per drug called FLT3 D839G or N676K level-A sensitive."""

from __future__ import annotations

import pytest

from oncoresist.annotate import annotate
from oncoresist.knowledge import load_knowledge

_MIDO = ["midostaurin", "cytarabine", "daunorubicin"]


def _curated_ids(alt: str, drug: str | list[str]) -> set[str]:
    res = annotate([alt], drug=drug, tumor="AML")
    return {e.fact_id for f in res.findings for e in f.evidence if e.database == "curated"}


def test_no_gene_level_flt3_approval_fact_is_left() -> None:
    facts = {f.id: f for f in load_knowledge().facts}
    assert "cur26-flt3-mut-gilteritinib" not in facts and "cur26-flt3-mut-midostaurin-chemo" not in facts
    level_a = [f for f in facts.values() if f.record is None and f.evidence_level == "A" and f.effect == "sensitivity"
               and any(a.startswith("FLT3") for a in f.alterations)]
    assert level_a and all(a != "FLT3 mutation" for f in level_a for a in f.alterations)


@pytest.mark.parametrize("alt", ["FLT3 D839G", "FLT3 N676K"])
@pytest.mark.parametrize("drug", ["gilteritinib", "midostaurin"])
def test_a_change_outside_the_tested_ones_meets_no_curated_approval(alt: str, drug: str) -> None:
    ids = _curated_ids(alt, drug if drug == "gilteritinib" else _MIDO)
    assert not {i for i in ids if i.startswith(("cur26-flt3", "cur2612-flt3"))}, ids


def test_gilteritinib_other_flt3_change_rests_on_lower_imported_evidence() -> None:
    res = annotate(["FLT3 D839G"], drug="gilteritinib", tumor="AML")
    assert res.findings and all(f.evidence_level != "A" for f in res.findings)


@pytest.mark.parametrize(("alt", "gilt", "mido"), [
    ("FLT3 I836del", "cur26-flt3-i836-gilteritinib", "cur26-flt3-i836-midostaurin-chemo"),
    ("FLT3 D835Y", "cur2612-flt3-tkd-gilteritinib", "cur26-flt3-d835-midostaurin-chemo"),
    ("FLT3-ITD", "cur2612-flt3-itd-gilteritinib", "cur26-flt3-itd-midostaurin-chemo"),
])
def test_the_tested_alterations_keep_their_level_a_approval(alt: str, gilt: str, mido: str) -> None:
    assert gilt in _curated_ids(alt, "gilteritinib")
    assert mido in _curated_ids(alt, _MIDO)
