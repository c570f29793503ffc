"""Ranking next options (issue 10, class 5): approved level A/B therapies in this tumour first, research
combinations last and capped, a failed class not re-offered without evidence against the resistance."""

from __future__ import annotations

from dataclasses import dataclass, field

from oncoresist.annotate import annotate
from oncoresist.annotate.rank import MAX_RESEARCH, rank_candidates
from oncoresist.annotate.result import Finding
from oncoresist.knowledge import load_knowledge

KB = load_knowledge()


@dataclass
class _C:
    basis: str
    level: str
    relation: str = "same"
    addresses: list[str] = field(default_factory=list)


def _target(drug: str, observed: tuple[str, ...]) -> Finding:
    return Finding(alteration=" + ".join(observed), gene=None, effect="resistance", drugs=[drug], mechanism=None,
                   origin="acquired", evidence_level="B", sources=[], summary="", observed=observed)  # fmt: skip


def _rank(
    rows: list[tuple[tuple[str, ...], _C]], drug: str, observed: tuple[str, ...], given: tuple[str, ...] = ()
) -> list[tuple[str, ...]]:
    approved = {t: all(KB.drugs[d].status == "approved" for d in t) for t, _c in rows}
    ranked = [((i,), t, [c]) for i, (t, c) in enumerate(rows)]  # input order = the options module's own key
    out = rank_candidates(ranked, kb=KB, targets=[_target(drug, observed)], given=frozenset({drug, *given}),
                          approved=approved.__getitem__)  # fmt: skip
    return [r[1] for r in out]


def test_standard_line_before_research_and_research_capped() -> None:
    rows = [
        (("selumetinib", "dactolisib"), _C("combination", "D")),
        (("binimetinib", "palbociclib"), _C("combination", "D")),
        (("afatinib", "trametinib"), _C("combination", "D")),
        (("oxaliplatin", "fluorouracil", "leucovorin"), _C("curated", "A")),
    ]
    out = _rank(rows, "cetuximab", ("KRAS G12D",))
    assert out[0] == ("oxaliplatin", "fluorouracil", "leucovorin")
    assert len(out) == 1 + MAX_RESEARCH


def test_failed_class_is_dropped_unless_the_evidence_names_the_resistance() -> None:
    rows = [
        (("dabrafenib", "trametinib"), _C("sensitivity_evidence", "A", addresses=["BRAF V600E"])),
        (("binimetinib",), _C("sensitivity_evidence", "B", addresses=["NRAS Q61K"])),
        (("nivolumab",), _C("curated", "A")),
    ]
    out = _rank(rows, "trametinib", ("BRAF V600E", "NRAS Q61K"), given=("dabrafenib",))
    assert ("dabrafenib", "trametinib") not in out  # MEK inhibitor failed; that evidence is about the driver
    assert ("binimetinib",) in out  # evidence on NRAS Q61K itself
    assert ("nivolumab",) in out


def test_next_generation_of_the_failed_class_stays() -> None:
    rows = [(("osimertinib",), _C("next_generation", "A", addresses=["EGFR T790M"]))]
    assert _rank(rows, "gefitinib", ("EGFR L858R", "EGFR T790M")) == [("osimertinib",)]


def test_ras_mutant_colorectal_options_hold_few_research_combinations() -> None:
    res = annotate(["KRAS G12V"], drug="panitumumab", tumor="metastatic colorectal cancer")
    assert res.verdict == "resistant"
    research = [o for o in res.options if o.evidence_level in ("C", "D", "E") and len(o.therapy) > 1]
    assert len(research) <= MAX_RESEARCH
