"""Report wordings beyond gene + change: cytogenetics, pharmacogenomics, IHC scores, promoter and splice isoforms.

Expected readings come from the nomenclature and labels, not from the code: ISCN karyotype notation, ELN 2022
Table 1 (AML defining rearrangements), iwCLL 2018 (del(17p) = TP53 loss), CPIC phenotype terms, the Enhertu label
(HER2-low = IHC 1+ or 2+/ISH-negative), Horn et al. 2013 (TERT C228T = c.-124C>T).
"""

from __future__ import annotations

import pytest

from oncoresist.alteration import parse_alteration
from oncoresist.annotate.matching import match_kind
from oncoresist.errors import AlterationSyntaxError


def _resolver(token: str) -> str | None:
    aliases = {"HER2": "ERBB2", "PD-L1": "CD274", "COT": "MAP3K8"}
    t = token.upper()
    if t in aliases:
        return aliases[t]
    known = {"ERBB2", "CD274", "TERT", "BRAF", "CYP2D6", "CYP2C19", "DPYD", "UGT1A1", "TP53", "MAP3K8", "MGMT"}
    return t if t in known else None


@pytest.mark.parametrize(
    ("text", "kind", "p5", "p3"),
    [
        ("t(9;22)", "fusion", "BCR", "ABL1"),
        ("t(9;22)(q34;q11)", "fusion", "BCR", "ABL1"),
        ("Philadelphia chromosome", "fusion", "BCR", "ABL1"),
        ("inv(16)", "fusion", "CBFB", "MYH11"),
        ("inv(16)(p13.1q22)", "fusion", "CBFB", "MYH11"),
        ("t(15;17)", "fusion", "PML", "RARA"),
        ("t(8;21)(q22;q22)", "fusion", "RUNX1", "RUNX1T1"),
        ("t(11;14)", "fusion", "CCND1", "IGH"),
    ],
)
def test_standard_rearrangements_become_their_fusion(text: str, kind: str, p5: str, p3: str) -> None:
    alt = parse_alteration(text, _resolver)
    assert (alt.kind, alt.partner5, alt.partner3) == (kind, p5, p3)


@pytest.mark.parametrize("text", ["del(17p)", "17p deletion", "del 17p", "17p-", "del(17)(p13)"])
def test_17p_deletion_is_tp53_loss(text: str) -> None:
    alt = parse_alteration(text, _resolver)
    assert (alt.kind, alt.gene) == ("loss", "TP53")


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("+8", "+8"),
        ("trisomy 8", "+8"),
        ("monosomy 7", "-7"),
        ("-7/del(7q)", "-7/del(7q)"),
        ("del(5q)", "del(5q)"),
        ("5q deletion", "del(5q)"),
        ("1q gain", "gain(1q)"),
        ("gain(1q)", "gain(1q)"),
        ("complex karyotype", "complex karyotype"),
        ("inv(3)/t(3;3)", "inv(3)/t(3;3)"),
    ],
)
def test_other_karyotype_findings_stay_cytogenetic(text: str, canonical: str) -> None:
    alt = parse_alteration(text, _resolver)
    assert alt.kind == "cytogenetic" and alt.gene is None
    assert alt.name == canonical
    assert parse_alteration(alt.name, _resolver) == alt


def test_cytogenetic_findings_match_only_themselves() -> None:
    five_q, seven = parse_alteration("del(5q)"), parse_alteration("-7")
    assert match_kind(five_q, parse_alteration("5q deletion")) == "exact"
    assert match_kind(five_q, seven) is None


def test_poor_metabolizer_is_a_germline_loss_of_function() -> None:
    alt = parse_alteration("CYP2D6 poor metabolizer", _resolver)
    assert (alt.kind, alt.gene, alt.origin) == ("loss", "CYP2D6", "germline")
    assert match_kind(parse_alteration("CYP2D6 loss"), alt) == "exact"  # the knowledge's pk-cyp2d6-tamoxifen
    assert parse_alteration("CYP2D6 poor metaboliser", _resolver) == alt


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("DPYD *2A", "DPYD *2A"),
        ("UGT1A1*28 homozygous", "UGT1A1 *28/*28"),
        ("UGT1A1 *28/*28", "UGT1A1 *28/*28"),
        ("CYP2C19 *2/*3", "CYP2C19 *2/*3"),
        ("CYP2C19 intermediate metabolizer", "CYP2C19 intermediate metabolizer"),
    ],
)
def test_star_alleles_are_pharmacogenomic_not_protein_changes(text: str, name: str) -> None:
    alt = parse_alteration(text, _resolver)
    assert alt.kind == "pharmacogenomic" and alt.protein is None
    assert alt.name == name


@pytest.mark.parametrize("text", ["HER2-low", "HER2 low", "HER2 IHC 1+", "HER2 IHC 2+/ISH-negative", "HER2 2+/FISH-"])
def test_her2_low_is_an_expression_state_never_a_fusion(text: str) -> None:
    alt = parse_alteration(text, _resolver)
    assert (alt.kind, alt.gene, alt.qualifier) == ("expression", "ERBB2", "HER2-low")
    assert alt.kind != "fusion"


def test_her2_ihc_scores_follow_asco_cap() -> None:
    assert parse_alteration("HER2 IHC 3+", _resolver).kind == "overexpression"
    assert parse_alteration("HER2 IHC 2+/ISH-positive", _resolver).kind == "amplification"
    assert parse_alteration("HER2 IHC 0", _resolver).qualifier == "HER2-null"
    assert parse_alteration("HER2-ultralow", _resolver).qualifier == "HER2-ultralow"


def test_her2_low_does_not_meet_an_overexpression_fact() -> None:
    low = parse_alteration("HER2-low", _resolver)
    assert match_kind(parse_alteration("ERBB2 overexpression"), low) is None
    assert match_kind(parse_alteration("ERBB2 amplification"), low) is None
    assert match_kind(parse_alteration("HER2-low", _resolver), low) == "exact"
    assert match_kind(parse_alteration("HER2-low", _resolver), parse_alteration("HER2-ultralow", _resolver)) is None


def test_pdl1_scores() -> None:
    tps = parse_alteration("PD-L1 TPS 60%", _resolver)
    assert (tps.kind, tps.gene, tps.qualifier, tps.value, tps.vaf) == ("expression", "CD274", "TPS", 60.0, None)
    assert parse_alteration(tps.name, _resolver) == tps
    negative = parse_alteration("PD-L1 TPS <1%", _resolver)
    fact = parse_alteration("CD274 expression")
    assert match_kind(fact, tps) == "exact"
    assert match_kind(fact, negative) is None
    with pytest.raises(AlterationSyntaxError, match="give the measured TPS"):
        parse_alteration("PD-L1 TPS <50%", _resolver)


@pytest.mark.parametrize(
    ("text", "hgvs_c"),
    [("TERT promoter mutation", None), ("TERT c.-124C>T", "c.-124C>T"), ("TERT C228T", "c.-124C>T"),
     ("TERT C250T", "c.-146C>T")],
)  # fmt: skip
def test_tert_promoter(text: str, hgvs_c: str | None) -> None:
    alt = parse_alteration(text, _resolver)
    assert (alt.kind, alt.gene, alt.qualifier, alt.hgvs_c) == ("mutation", "TERT", "promoter", hgvs_c)
    assert parse_alteration(alt.name, _resolver) == alt


@pytest.mark.parametrize("text", ["BRAF V600E splice variant", "BRAF p61 splice variant", "p61BRAF(V600E) expression"])
def test_braf_splice_isoform(text: str) -> None:
    alt = parse_alteration(text, _resolver)
    assert (alt.kind, alt.gene, alt.qualifier) == ("isoform", "BRAF", "p61BRAF(V600E)")


def test_unknown_splice_isoform_names_the_fix() -> None:
    with pytest.raises(AlterationSyntaxError, match="splice site mutation"):
        parse_alteration("TP53 splice variant", _resolver)


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [("HRD score 52", "HRD-positive"), ("HRD score 30", "HRD-negative"), ("GIS 42", "HRD-positive")],
)
def test_hrd_score_uses_the_gis_cutoff_of_42(text: str, qualifier: str) -> None:
    alt = parse_alteration(text, _resolver)
    assert (alt.kind, alt.qualifier) == ("biomarker", qualifier)
    assert parse_alteration(alt.name, _resolver) == alt


def test_enzyme_deficiency_is_a_loss_without_a_stated_origin() -> None:
    # "PTEN-deficient" tumours are not germline carriers: only CPIC's "poor metabolizer" implies the germline
    assert parse_alteration("DPYD deficiency", _resolver) == parse_alteration("DPYD loss", _resolver)
    assert parse_alteration("CYP2D6 poor metabolizer", _resolver).origin == "germline"
