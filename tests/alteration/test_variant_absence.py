"""A stated absence of a specific variant is no alteration (helper tail7).

The wordings are my own, in the forms targeted-test and ctDNA reports use: a gene and a protein change (or a codon,
or an exon wording), then "negative" / "not detected" / "absent" / "wild-type". A gene alone before those words is a
gene-level absence (helper annot10p: "HER2-negative", "ALK negative", "KRAS wild-type"), no alteration either.
"""

from __future__ import annotations

import pytest

from oncoresist.alteration import parse_alteration
from oncoresist.alteration.absence import stated_absence
from oncoresist.annotate import annotate
from oncoresist.annotate.api import _knowledge
from oncoresist.errors import AlterationSyntaxError
from oncoresist.profile.observed import lenient_resolver, parse_observed_many

KB = _knowledge(None)
RESOLVE = lenient_resolver(KB)


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("KIT D816V negative", "KIT D816V"),
        ("EGFR T790M not detected (ctDNA)", "EGFR T790M"),
        ("BRAF V600E: negative", "BRAF V600E"),
        ("EGFR p.Thr790Met absent", "EGFR T790M"),
        ("EGFR T790M-negative", "EGFR T790M"),
        ("EGFR T790M wild-type", "EGFR T790M"),
        ("BRAF V600 not detected", "BRAF V600"),
        ("EGFR exon 19 deletion not detected", "EGFR exon 19 deletion"),
        ("MET exon 14 skipping negative", "MET exon 14 skipping"),
        ("NM_005228.5:c.2369C>T p.(Thr790Met) not detected", "EGFR T790M"),
        ("AR-V7 negative", "AR-V7 expression"),
    ],
)
def test_a_stated_absence_of_a_variant_is_no_alteration(text: str, absent: str) -> None:
    alt = stated_absence(text, RESOLVE)
    assert alt is not None and alt.name == absent
    assert parse_observed_many(text, KB) == []


@pytest.mark.parametrize(
    ("text", "gene"),
    [("HER2-negative", "ERBB2"), ("ALK negative", "ALK"), ("PD-L1 negative", "CD274"), ("EGFR negative", "EGFR"),
     ("EGFR wild-type", "EGFR"), ("KRAS wild-type", "KRAS"), ("ESR1 mutation negative", "ESR1"),
     ("EML4-ALK fusion negative", "ALK"), ("ERBB2 amplification negative", "ERBB2")],
)  # fmt: skip
def test_gene_level_statements_are_stated_absences_now(text: str, gene: str) -> None:
    # helper annot10p: a gene-level wild-type / negative statement is an absence (no alteration), where the grammar
    # alone still refuses it; before, the profile readers refused it too, so the annotator could not run
    alt = stated_absence(text, RESOLVE)
    assert alt is not None and alt.gene == gene
    assert parse_observed_many(text, KB) == []
    with pytest.raises(AlterationSyntaxError):
        parse_alteration(text, RESOLVE)


def test_a_change_then_a_negated_change_is_the_change_alone() -> None:
    # helper annot10p: "EGFR L858R, T790M negative" states L858R present and T790M absent (was refused whole)
    assert stated_absence("EGFR L858R, T790M negative", RESOLVE) is None
    assert [a.name for a in parse_observed_many("EGFR L858R, T790M negative", KB)] == ["EGFR L858R"]
    with pytest.raises(AlterationSyntaxError, match="give one"):
        parse_observed_many("KRAS G12C, no KRAS mutation detected", KB)


def test_a_variant_then_positive_is_the_variant_present() -> None:
    # helper annot10r: "KIT D816V positive" (was refused) reads as the variant found, never as an absence
    assert stated_absence("KIT D816V positive", RESOLVE) is None
    assert [a.name for a in parse_observed_many("KIT D816V positive", KB)] == ["KIT D816V"]


@pytest.mark.parametrize("text", ["AR-V7 wild-type"])
def test_other_statements_keep_todays_reading(text: str) -> None:
    # no absence: the reading is the grammar's own, the same error as before
    assert stated_absence(text, RESOLVE) is None
    with pytest.raises(AlterationSyntaxError) as grammar:
        parse_alteration(text, RESOLVE)
    with pytest.raises(AlterationSyntaxError) as observed:
        parse_observed_many(text, KB)
    assert str(observed.value) == str(grammar.value)


def test_a_present_variant_still_reads() -> None:
    (alt,) = parse_observed_many("EGFR T790M (ctDNA)", KB)
    assert alt.name == "EGFR T790M"


@pytest.mark.parametrize("absent", ["EGFR T790M not detected (ctDNA)", "EGFR T790M negative"])
def test_the_annotator_does_not_read_an_absent_t790m_as_present(absent: str) -> None:
    with_it = annotate(["EGFR L858R", absent], drug="erlotinib", tumor="NSCLC", knowledge=KB).to_dict()
    without = annotate(["EGFR L858R"], drug="erlotinib", tumor="NSCLC", knowledge=KB).to_dict()
    assert with_it["verdict"] == without["verdict"] and with_it["findings"] == without["findings"]
    present = annotate(["EGFR L858R", "EGFR T790M"], drug="erlotinib", tumor="NSCLC", knowledge=KB)
    assert present.verdict == "resistant" and with_it["verdict"] != "resistant"
