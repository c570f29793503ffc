"""Options by drug generation in both directions (docs/annotate.md, "Next options").

Clinical basis: an EGFR C797S acquired on osimertinib *without* T790M leaves the kinase
sensitive to first-generation EGFR TKIs (Niederst et al., Clin Cancer Res 2015; ESMO
metastatic NSCLC living guideline, oncogene-addicted, on resistance to osimertinib), while
T790M defeats first- and second-generation TKIs (gefitinib/erlotinib labels, T790M section).
"""

from __future__ import annotations

import itertools

from oncoresist.annotate import annotate
from oncoresist.annotate.scope import PENALTY
from oncoresist.knowledge.loader import load_knowledge

FIRST_GEN = {"gefitinib", "erlotinib"}


def _offered(res) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {o.therapy[0]: o.basis for o in res.options if len(o.therapy) == 1}


def test_c797s_without_t790m_offers_an_earlier_generation() -> None:
    res = annotate(["EGFR L858R", "EGFR C797S"], drug="osimertinib", tumor="NSCLC")
    assert res.verdict == "resistant"
    offered = _offered(res)
    assert FIRST_GEN & offered.keys()
    assert all(offered[d] == "earlier_generation" for d in FIRST_GEN & offered.keys())
    kb = load_knowledge()
    for o in res.options:
        if o.basis == "earlier_generation":
            (drug,) = o.therapy
            gen = kb.drugs[drug].generation
            assert gen is not None and gen < (kb.drugs["osimertinib"].generation or 0)
            assert "EGFR C797S" in o.addresses and o.sources


def test_t790m_removes_the_earlier_generations() -> None:
    res = annotate(["EGFR exon 19 deletion", "EGFR T790M", "EGFR C797S"], drug="osimertinib", tumor="NSCLC")
    assert res.verdict == "resistant"
    assert not FIRST_GEN & _offered(res).keys()
    assert all(o.basis != "earlier_generation" or o.therapy[0] not in FIRST_GEN for o in res.options)


def test_no_earlier_generation_without_a_sensitising_driver() -> None:
    # the resistant change alone: nothing in the profile has sensitivity evidence for an earlier drug
    res = annotate(["EGFR C797S"], drug="osimertinib", tumor="NSCLC")
    assert all(o.basis != "earlier_generation" for o in res.options)


def test_genomic_mark_of_small_cell_transformation_gets_the_class_switch() -> None:
    # combined TP53 + RB1 loss marks EGFR-mutant tumours that transform to small-cell lung cancer
    # (Marcoux et al., J Clin Oncol 2019); those respond to platinum-etoposide, the curated option
    # written for "small cell transformation"
    res = annotate(["EGFR exon 19 deletion", "TP53 loss", "RB1 loss"], drug="osimertinib", tumor="LUAD")
    assert res.verdict == "resistant"
    switch = [o for o in res.options if "etoposide" in o.therapy]
    assert switch and all(o.basis == "class_switch" for o in switch)
    # stated outright, the transformation gets the same option as a curated match
    res = annotate(["EGFR exon 19 deletion", "small cell transformation"], drug="osimertinib", tumor="LUAD")
    assert any("etoposide" in o.therapy and o.basis == "curated" for o in res.options)
    # a finding of another class does not get it
    res = annotate(["EGFR exon 19 deletion", "MET amplification"], drug="osimertinib", tumor="LUAD")
    assert not any("etoposide" in o.therapy for o in res.options)


def test_approved_therapies_rank_before_investigational_ones_of_the_same_standing() -> None:
    kb = load_knowledge()
    res = annotate(["KRAS G12D"], drug="cetuximab", tumor="COADREAD")
    assert res.options

    def approved(therapy: list[str]) -> bool:
        return all(kb.drugs[d].status == "approved" for d in therapy)

    keys = [((o.evidence_level, PENALTY.get(o.tumor_relation, 0)), approved(o.therapy)) for o in res.options]
    for (lev_a, appr_a), (lev_b, appr_b) in itertools.pairwise(keys):
        if lev_a == lev_b and not appr_a:
            assert not appr_b, f"an approved therapy ranks below an investigational one at {lev_a}"
