"""The alteration grammar on what clinicians write, and the matching rules."""

from __future__ import annotations

import pytest

from oncoresist.alteration import parse_alteration
from oncoresist.annotate.matching import is_activating, matches
from oncoresist.errors import AlterationSyntaxError, UnknownNameError
from oncoresist.knowledge.loader import load_knowledge
from oncoresist.profile.exons import exon_range, exon_table
from oncoresist.profile.observed import parse_observed


@pytest.fixture(scope="module")
def kb():  # type: ignore[no-untyped-def]
    return load_knowledge(include_imports=False)


@pytest.mark.parametrize(
    ("text", "kind", "name"),
    [
        ("EGFR T790M", "protein", "EGFR T790M"),
        ("EGFR p.Thr790Met", "protein", "EGFR T790M"),
        ("EGFR:p.T790M", "protein", "EGFR T790M"),
        ("egfr p.thr790met", "protein", "EGFR T790M"),
        ("BCR-ABL1 T315I", "protein", "ABL1 T315I"),
        ("EGFR exon 19 deletion", "exon", "EGFR exon 19 deletion"),
        ("EGFR E746_A750del", "protein", "EGFR E746_A750del"),
        ("EGFR D770_N771insSVD", "protein", "EGFR D770_N771insSVD"),
        ("EML4::ALK", "fusion", "EML4::ALK"),
        ("EML4-ALK fusion", "fusion", "EML4::ALK"),
        ("ALK fusion", "fusion", "ALK fusion"),
        ("MET amplification", "amplification", "MET amplification"),
        ("PTEN loss", "loss", "PTEN loss"),
        ("ABCB1 overexpression", "overexpression", "ABCB1 overexpression"),
        ("AR-V7 expression", "isoform", "AR-V7 expression"),
        ("MGMT promoter unmethylated", "methylation", "MGMT promoter unmethylated"),
        ("BRCA1 reversion mutation", "mutation", "BRCA1 reversion mutation"),
        ("small cell transformation", "phenotype", "small cell transformation"),
        ("KRAS G12/G13", "codon", "KRAS codons 12-13"),
        ("FLT3 ITD", "mutation", "FLT3 internal tandem duplication"),
        ("EGFR vIII", "isoform", "EGFRvIII expression"),
        ("HER2 amplification", "amplification", "ERBB2 amplification"),
    ],
)
def test_clinical_spellings(kb, text, kind, name):
    alt = parse_observed(text, kb)
    assert (alt.kind, alt.name) == (kind, name)
    # canonical names parse back to the same alteration (a fusion context is not part of the name)
    again = parse_alteration(alt.name, kb.resolve_gene)
    assert again == alt or (alt.fusion_context and again.name == alt.name)


def test_bcr_abl1_keeps_fusion_context(kb):
    alt = parse_observed("BCR-ABL1 T315I", kb)
    assert alt.gene == "ABL1" and alt.fusion_context == "BCR::ABL1"


def test_strict_unknown_gene_suggests(kb):
    with pytest.raises(UnknownNameError) as exc:
        parse_observed("EFGR T790M", kb)
    assert "EGFR" in exc.value.suggestions


def test_fusion_with_unknown_partner_is_accepted(kb):
    alt = parse_observed("ZZZ9-ALK fusion", kb)
    assert alt.kind == "fusion" and alt.partner3 == "ALK"


def test_malformed_change(kb):
    with pytest.raises(AlterationSyntaxError, match="protein change"):
        parse_observed("EGFR T7x90M", kb)


def P(text: str, kb=None):  # type: ignore[no-untyped-def]
    return parse_alteration(text, kb.resolve_gene if kb else None)


@pytest.mark.parametrize(
    ("pattern", "observed", "expected"),
    [
        ("KRAS G12", "KRAS G12C", True),
        ("KRAS G12", "KRAS G13D", False),
        ("KRAS codons 12-13", "KRAS G13D", True),
        ("KRAS G12", "KRAS G12=", False),
        ("EGFR T790M", "EGFR T790M", True),
        ("EGFR T790M", "EGFR T790A", False),
        ("ALK G1202R", "ALK G1202R", True),
        ("EGFR exon 19 deletion", "EGFR E746_A750del", True),
        ("EGFR exon 19 deletion", "EGFR L747_P753delinsS", True),
        ("EGFR exon 19 deletion", "EGFR D770_N771insSVD", False),
        ("EGFR exon 20 insertion", "EGFR D770_N771insSVD", True),
        ("EGFR exon 20 insertion", "EGFR A767_V769dup", True),
        ("EGFR exon 20 insertion", "EGFR T790M", False),
        ("EGFR exon 20 insertion", "EGFR exon 20 insertion", True),
        ("KIT exon 11 mutation", "KIT V559D", True),
        ("KIT exon 11 mutation", "KIT D816V", False),
        ("KIT exon 17 mutation", "KIT D816V", True),
        ("KRAS mutation", "KRAS G12C", True),
        ("KRAS mutation", "KRAS Q61Q", False),
        ("KRAS mutation", "KRAS activating mutation", True),
        ("KRAS activating mutation", "KRAS mutation", False),
        ("TP53 inactivating mutation", "TP53 R175*", True),
        ("TP53 inactivating mutation", "TP53 R175H", False),
        ("BRCA1 reversion mutation", "BRCA1 reversion mutation", True),
        ("BRCA1 reversion mutation", "BRCA1 C61G", False),
        ("EML4::ALK", "EML4::ALK", True),
        ("EML4::ALK", "KIF5B::ALK", False),
        ("ALK fusion", "EML4::ALK", True),
        ("BCR::ABL1", "BCR-ABL1 T315I", True),
        ("ABL1 T315I", "BCR-ABL1 T315I", True),
        ("MET amplification", "MET amplification", True),
        ("MET amplification", "MET overexpression", False),
        ("MET expression", "MET overexpression", True),
        ("small cell transformation", "SCLC transformation", True),
        ("MGMT promoter unmethylated", "MGMT promoter methylated", False),
        ("EGFR G719X", "EGFR G719S", True),
    ],
)
def test_matching_rules(kb, pattern, observed, expected):
    assert matches(P(pattern, kb), P(observed, kb)) is expected


def test_activating_is_conservative(kb):
    hot = P("KRAS G12C", kb)
    assert is_activating(hot, lambda a: a == hot)
    assert not is_activating(P("KRAS R149*", kb), lambda a: True)  # truncating never
    assert not is_activating(P("KRAS A18V", kb), lambda a: False)  # not named by the knowledge
    assert is_activating(P("KRAS activating mutation", kb), lambda a: False)


def test_exon_table_has_source_and_confirmed_entries():
    table = exon_table()
    assert exon_range("EGFR", 19) == (729, 761) and exon_range("EGFR", 20) == (762, 823)
    assert exon_range("KIT", 11) == (550, 592)
    assert exon_range("EGFR", 21) is None  # not confirmed, left out
    assert all(lo <= hi for exons in table.values() for lo, hi in exons.values())
