"""Set E miss classes (helper fixe), grammar: report wordings that wrap a change in context.

Expected readings come from the notations themselves (HGVS protein syntax, ISCN, the assay's meaning in the
labels), not from the parser's output: "KIT exon 17 D816V" names the protein change D816V, "HER2 ISH positive"
the ERBB2 amplification the trastuzumab label selects by ISH, "1p/19q codeletion" the WHO CNS5 whole-arm
codeletion.
"""

from __future__ import annotations

import pytest

from oncoresist.alteration import parse_alteration
from oncoresist.annotate.api import _knowledge
from oncoresist.errors import AlterationSyntaxError

KB = _knowledge(None)


def parse(text: str):  # type: ignore[no-untyped-def]
    return parse_alteration(text, KB.resolve_gene)


@pytest.mark.parametrize(
    ("text", "same_as", "exon"),
    [
        ("EGFR exon 21 L858R", "EGFR L858R", 21),
        ("EGFR Exon 21 p.Leu858Arg", "EGFR L858R", 21),
        ("KIT exon 17 D816V", "KIT D816V", 17),
        ("PDGFRA exon 18 p.(Asp842Val)", "PDGFRA D842V", 18),
        ("KIT exon 11 p.W557_K558del", "KIT W557_K558del", 11),
        ("EGFR exon 20 ins (A767_V769dup)", "EGFR A767_V769dup", 20),
        ("EGFR exon 20 insertion p.S768_D770dup", "EGFR S768_D770dup", 20),
        ("EGFR ex19 E746_A750del", "EGFR E746_A750del", 19),
        ("BRAF exon 15 p.Val600Glu", "BRAF V600E", 15),
        ("ERBB2 exon 20 Y772_A775dup", "ERBB2 Y772_A775dup", 20),
        ("EGFR L858R (exon 21)", "EGFR L858R", 21),
        ("KIT D816V in exon 17", "KIT D816V", 17),
        ("KRAS exon 2 G12", "KRAS G12", 2),
    ],
)
def test_an_exon_written_before_a_protein_change_reads_as_the_change(text: str, same_as: str, exon: int) -> None:
    alt, plain = parse(text), parse(same_as)
    assert alt.kind == plain.kind and alt.protein == plain.protein and alt.gene == plain.gene
    assert alt.stated_exon == exon
    assert parse(alt.name) == alt  # the canonical name keeps the exon and parses back


def test_an_exon_class_is_still_an_exon_class() -> None:
    for text, n, change in [("EGFR exon 19 deletion", 19, "deletion"), ("EGFR exon 20 insertion", 20, "insertion"),
                            ("KIT exon 11 mutation", 11, "mutation")]:  # fmt: skip
        alt = parse(text)
        assert (alt.kind, alt.exon, alt.exon_change) == ("exon", n, change)


@pytest.mark.parametrize(
    "text",
    [
        "MET c.3028+1G>T (exon 14 splice site)",
        "MET c.3028+2T>C (exon 14 skipping)",
        "MET c.3082+1G>A, exon 14 skipping",
        "MET c.3082+1G>T (intron 14 splice donor)",
        "MET exon 14 splice site mutation",
        "MET exon 14 splice donor variant",
    ],
)
def test_a_met_splice_site_named_at_exon_14_reads_as_exon_14_skipping(text: str) -> None:
    alt = parse(text)
    assert (alt.gene, alt.kind, alt.exon, alt.exon_change) == ("MET", "exon", 14, "skipping")


def test_a_splice_site_at_an_exon_without_a_skipping_class_stays_a_splice_site_change() -> None:
    alt = parse("BRCA1 c.5277+1G>A (exon 20 splice site)")
    assert (alt.kind, alt.qualifier) == ("mutation", "splice")  # a null change of BRCA1, not an exon skip
    assert parse("ATM exon 12 splice site mutation").qualifier == "splice"


@pytest.mark.parametrize(
    ("text", "kind", "gene"),
    [
        ("HER2 ISH positive", "amplification", "ERBB2"),
        ("ERBB2 FISH amplified", "amplification", "ERBB2"),
        ("HER2 amplified by FISH", "amplification", "ERBB2"),
        ("HER2 SISH positive", "amplification", "ERBB2"),
        ("MET FISH amplified", "amplification", "MET"),
        ("MET IHC 3+", "overexpression", "MET"),
        ("MET IHC high", "overexpression", "MET"),
        ("c-MET overexpression by IHC", "overexpression", "MET"),
        ("HER2 IHC 3+", "overexpression", "ERBB2"),
        ("SLFN11 low", "underexpression", "SLFN11"),
    ],
)
def test_an_assay_before_or_after_a_state_reads_as_that_state(text: str, kind: str, gene: str) -> None:
    alt = parse(text)
    assert (alt.kind, alt.gene) == (kind, gene)


@pytest.mark.parametrize(
    ("text", "gene"),
    [
        ("CLDN18.2 positive", "CLDN18"),
        ("CLDN18.2 IHC positive", "CLDN18"),
        ("FRα positive", "FOLR1"),
        ("FRa positive", "FOLR1"),
        ("TROP2 expression", "TACSTD2"),
        ("53BP1 loss", "TP53BP1"),
        ("REV7 loss", "MAD2L2"),
        ("SHLD2 loss", "SHLD2"),
        ("FAM35A loss", "SHLD2"),
    ],
)
def test_antigen_and_protein_names_resolve_to_their_hgnc_gene(text: str, gene: str) -> None:
    assert parse(text).gene == gene


@pytest.mark.parametrize(
    ("text", "gene"),
    [
        ("CD19 expression loss", "CD19"),
        ("CD19-negative relapse", "CD19"),
        ("CD19 negative", "CD19"),
        ("CD22 antigen loss", "CD22"),
        ("BCMA expression loss", "TNFRSF17"),
        ("BCMA-negative", "TNFRSF17"),
        ("GPRC5D loss", "GPRC5D"),
        ("CD20-negative", "MS4A1"),
    ],
)
def test_loss_of_an_immunotherapy_antigen_is_a_loss(text: str, gene: str) -> None:
    alt = parse(text)
    assert (alt.kind, alt.gene) == ("loss", gene)


def test_negative_for_a_driver_still_describes_no_alteration() -> None:
    # "ALK negative" is no ALK rearrangement, not a loss of ALK: only antigens lose expression
    with pytest.raises(AlterationSyntaxError, match="describes no alteration"):
        parse("ALK negative")


@pytest.mark.parametrize(
    "text", ["1p/19q codeletion", "1p/19q co-deletion", "1p19q codeleted", "codeletion of 1p/19q", "1p/19q-codeleted",
             "chromosome 1p/19q codeletion", "1p and 19q co-deletion"],
)  # fmt: skip
def test_the_1p19q_codeletion_is_one_cytogenetic_finding(text: str) -> None:
    alt = parse(text)
    assert (alt.kind, alt.qualifier) == ("cytogenetic", "1p/19q codeletion")
    assert parse(alt.name) == alt


@pytest.mark.parametrize(("text", "canon"), [("del(13q)", "del(13q)"), ("+12", "+12"), ("trisomy 12", "+12"),
                                             ("del(11q)", "del(11q)"), ("11q deletion", "del(11q)")])  # fmt: skip
def test_arm_level_calls_are_cytogenetic(text: str, canon: str) -> None:
    alt = parse(text)
    assert (alt.kind, alt.qualifier) == ("cytogenetic", canon)
