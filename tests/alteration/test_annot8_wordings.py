"""Session 7 (helper annot8), grammar: a stated absence of an isoform, and one specimen/assay wording list.

Examples are my own, written from how CTC and tissue reports word their results: an AR-V7 assay reports the
variant "positive"/"detected" or "negative"/"not detected" (often with the specimen, CTC, in brackets). A negative
result is no alteration: it must never read as the isoform present. The specimen/assay list is shared by the
measure reader (brackets after a change) and the biomarker reader (brackets after MSI/TMB): each wording is checked
on both sides.
"""

from __future__ import annotations

import pytest

from oncoresist.alteration import parse_alteration
from oncoresist.alteration.absence import stated_absent_isoform
from oncoresist.alteration.measures import split_measures
from oncoresist.alteration.report_wordings import is_assay_detail
from oncoresist.alteration.specimen import is_specimen_or_assay
from oncoresist.annotate.api import _knowledge
from oncoresist.errors import AlterationSyntaxError
from oncoresist.profile.observed import parse_observed_many

KB = _knowledge(None)


@pytest.mark.parametrize(
    "text",
    ["AR-V7 negative", "AR-V7 not detected", "AR-V7 not detected (CTC)", "AR-V7: absent", "AR-V7-negative",
     "AR-V7 negative (by RT-PCR)", "AR-V7 expression negative", "p95HER2 negative", "EGFRvIII not detected"],
)  # fmt: skip
def test_a_stated_absence_of_an_isoform_is_no_alteration(text: str) -> None:
    assert stated_absent_isoform(text) is not None
    assert parse_observed_many(text, KB) == []


@pytest.mark.parametrize("text", ["AR-V7 positive", "AR-V7 detected (CTC)", "AR-V7 expression"])
def test_a_present_isoform_still_reads_as_the_isoform(text: str) -> None:
    assert stated_absent_isoform(text) is None
    (alt,) = parse_observed_many(text, KB)
    assert alt.kind == "isoform" and alt.qualifier == "AR-V7"


@pytest.mark.parametrize("text", ["EGFR negative", "AR negative"])
def test_an_absence_of_anything_but_a_named_isoform_is_not_this_statement(text: str) -> None:
    assert stated_absent_isoform(text) is None
    # a gene-level absence (helper annot10p): no alteration, not an isoform, and no longer an error
    assert parse_observed_many(text, KB) == []


def test_an_absent_variant_is_not_an_absent_isoform() -> None:
    # "KRAS G12C negative" is the absence of a specific variant (tail7, tests/alteration/test_variant_absence.py)
    assert stated_absent_isoform("KRAS G12C negative") is None
    assert parse_observed_many("KRAS G12C negative", KB) == []


def test_the_grammar_alone_says_the_absence_is_no_alteration() -> None:
    with pytest.raises(AlterationSyntaxError, match="absent, which is no alteration"):
        parse_alteration("AR-V7 negative")
    with pytest.raises(AlterationSyntaxError, match="takes 'expression'"):
        parse_alteration("AR-V7 T878A")  # not an absence: the old message stays


@pytest.mark.parametrize(
    "words", ["ctDNA", "in tissue", "CTC", "bone marrow", "by PCR", "ddPCR", "IHC", "by FISH", "FoundationOne CDx"]
)
def test_one_specimen_or_assay_list_serves_both_readers(words: str) -> None:
    assert is_specimen_or_assay(words)
    assert split_measures(f"PTEN loss ({words})")[0] == "PTEN loss"
    assert is_assay_detail(words)
    assert parse_alteration(f"MSI-H ({words})") == parse_alteration("MSI-H")


@pytest.mark.parametrize("words", ["pending", "VUS", "low confidence"])  # "subclonal": kept (annot10p), not left
def test_other_bracketed_words_are_neither_specimen_nor_assay(words: str) -> None:
    assert not is_specimen_or_assay(words)
    assert split_measures(f"PTEN loss ({words})")[0] == f"PTEN loss ({words})"
    assert not is_assay_detail(words)


def test_mmr_proteins_lost_are_still_a_biomarker_detail() -> None:
    assert is_assay_detail("MLH1/PMS2 loss")
    assert not is_specimen_or_assay("MLH1/PMS2 loss")  # a biomarker detail, not a specimen
