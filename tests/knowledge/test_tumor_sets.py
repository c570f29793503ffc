"""Tumour queries as a set of nodes (session 6, annot7).

An abbreviation that names several OncoTree nodes (``ALL``: B- or T-lymphoblastic leukaemia/lymphoma, the
abbreviation table's row ``codes: [BLL, TLL]``) is a query about those nodes: facts recorded in either, in an
ancestor of one (Lymphoid Neoplasm, the root) or in a subtype of one (B-ALL with BCR::ABL1) apply; facts recorded
in the common ancestor's *other* descendants (CLL/SLL, plasma cell myeloma) do not apply as subtype evidence. CLL
is a mature B-cell neoplasm, not a lymphoblastic one (OncoTree places CLLSLL under the mature B-cell neoplasms).
"""

from __future__ import annotations

import pytest

from oncoresist.annotate import annotate
from oncoresist.knowledge import load_knowledge

KB = load_knowledge(include_imports=False)


@pytest.mark.parametrize("name", ["ALL", "acute lymphoblastic leukemia", "relapsed ALL"])
def test_all_is_the_set_of_b_and_t_lymphoblastic_nodes(name: str) -> None:
    code = KB.tumor(name)
    assert KB.tumor_set(code) == ("BLL", "TLL")
    assert "or" in KB.tumor_label(code) and "B-Lymphoblastic" in KB.tumor_label(code)
    assert "set of the types it names" in (KB.tumor_reading(name) or "")


@pytest.mark.parametrize(
    ("fact_tumor", "relation"),
    [("BLL", "same"), ("TLL", "same"), ("LNM", "ancestor"), ("TISSUE", "ancestor"), ("BLLBCRABL1", "descendant"),
     ("CLLSLL", "sibling"), ("PCM", "sibling"), ("AML", "unrelated")],
)  # fmt: skip
def test_a_set_query_relates_to_facts_through_its_members_only(fact_tumor: str, relation: str) -> None:
    if fact_tumor not in KB.tumors:
        pytest.skip(f"{fact_tumor} not in this OncoTree release")
    assert KB.tumor_relation(KB.tumor("ALL"), fact_tumor) == relation


def test_the_umbrella_itself_still_takes_its_descendants() -> None:
    assert KB.tumor_relation("LNM", "CLLSLL") == "descendant"  # a query about the umbrella, by its own name


def test_a_cll_only_fact_does_not_apply_to_an_all_query_as_subtype_evidence() -> None:
    # TP53 mutation against fludarabine: recorded for CLL/SLL only (iwCLL 2018, facts/curated_2026_12_fixe.yaml)
    on_lnm = annotate(["TP53 R175H"], drug="fludarabine", tumor="LNM", knowledge=KB)
    on_all = annotate(["TP53 R175H"], drug="fludarabine", tumor="ALL", knowledge=KB)
    r_lnm = next(f for f in on_lnm.findings if f.effect == "resistance")
    r_all = next(f for f in on_all.findings if f.effect == "resistance")
    assert r_lnm.tumor_relation == "descendant"
    assert r_all.tumor_relation == "sibling"
    assert "sibling tumour type" in on_all.verdict_reason  # weighed only because nothing else applies
    assert any("other tumour types" in f.note for f in on_all.findings)


def test_a_fact_on_a_member_applies_with_full_standing() -> None:
    # CD19 loss against blinatumomab, recorded for B-ALL (facts/curated_2026_12_fixe.yaml)
    res = annotate(["CD19-negative relapse"], drug="blinatumomab", tumor="ALL", knowledge=KB)
    assert res.verdict == "resistant"
    assert next(f for f in res.findings if f.effect == "resistance").tumor_relation == "same"


def test_a_set_code_resolves_to_itself_and_a_cross_lineage_name_is_a_set() -> None:
    assert KB.resolve_tumor("BLL|TLL") == "BLL|TLL"
    assert KB.resolve_tumor("acute leukemia") == "ALAL|AML|BLL|TLL"  # session 7: a cross-lineage set
    assert KB.tumor("Ph+ ALL") == "BLLBCRABL1"  # a qualifier still makes it one node
