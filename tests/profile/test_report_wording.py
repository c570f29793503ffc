"""Report wording the grammar reads (issue 10 item 5): each would have been refused before."""

from __future__ import annotations

import pytest

from oncoresist.alteration import parse_alteration
from oncoresist.errors import AlterationSyntaxError
from oncoresist.knowledge.loader import load_knowledge
from oncoresist.profile.observed import lenient_resolver, parse_observed
from oncoresist.suggest import closest, edit_distance


@pytest.fixture(scope="module")
def kb():  # type: ignore[no-untyped-def]
    return load_knowledge(include_imports=False)


@pytest.mark.parametrize(
    ("text", "kind", "name"),
    [
        ("NF1 splice site mutation", "mutation", "NF1 splice site mutation"),
        ("NF1 splice-site mutation", "mutation", "NF1 splice site mutation"),
        ("RB1 nonsense", "mutation", "RB1 nonsense mutation"),
        ("PTEN frameshift", "mutation", "PTEN frameshift mutation"),
        ("germline BRCA1 mutation", "mutation", "BRCA1 mutation (germline)"),
        ("BRCA2 germline mutation", "mutation", "BRCA2 mutation (germline)"),
        ("gBRCA2 mutation", "mutation", "BRCA2 mutation (germline)"),
        ("somatic TP53 R175H", "protein", "TP53 R175H (somatic)"),
        ("BRCA2 pathogenic variant", "mutation", "BRCA2 pathogenic variant"),
        ("EGFR del19", "exon", "EGFR exon 19 deletion"),
        ("EGFR ex19del", "exon", "EGFR exon 19 deletion"),
        ("EGFR exon19del", "exon", "EGFR exon 19 deletion"),
        ("EGFR C797S in cis", "protein", "EGFR C797S in cis"),
        ("EGFR C797S in trans with T790M", "protein", "EGFR C797S in trans"),
        ("FLT3-ITD", "mutation", "FLT3 internal tandem duplication"),
        ("FLT3 ITD", "mutation", "FLT3 internal tandem duplication"),
        ("NKX2-1 amplification", "amplification", "NKX2-1 amplification"),
        ("H3-3A K27M", "protein", "H3-3A K27M"),
        ("H3F3A K27M", "protein", "H3-3A K27M"),
        ("HLA-A loss", "loss", "HLA-A loss"),
        ("EML4-ALK", "fusion", "EML4::ALK"),
        ("KMT2A rearrangement", "fusion", "KMT2A fusion"),
        ("PTEN p.M1?", "protein", "PTEN M1?"),
        ("PTEN p.Met1?", "protein", "PTEN M1?"),
        ("MET c.3028+1G>A", "mutation", "MET c.3028+1G>A"),
        ("MET X1010_splice", "mutation", "MET X1010_splice"),
        ("MET exon 14 skipping", "exon", "MET exon 14 skipping"),
        ("METex14", "exon", "MET exon 14 skipping"),
        ("EGFR-mutant", "mutation", "EGFR mutation"),
        ("ROS1-rearranged", "fusion", "ROS1 fusion"),
        ("BRAF p.V600E (c.1799T>A)", "protein", "BRAF V600E"),
        ("KRAS G12C mutation", "protein", "KRAS G12C"),
        ("RAD51C loss", "loss", "RAD51C loss"),
    ],
)
def test_report_wording(kb, text, kind, name):
    alt = parse_observed(text, kb)
    assert (alt.kind, alt.name) == (kind, name)
    assert parse_alteration(alt.name, kb.resolve_gene) == alt


def test_flt3_itd_is_not_a_fusion_even_without_a_vocabulary():
    for resolver in (None, lenient_resolver(None)):
        alt = parse_alteration("FLT3-ITD", resolver)
        assert alt.kind == "mutation" and alt.qualifier == "itd" and alt.partner3 is None


def test_hyphenated_symbols_are_decided_by_the_vocabulary(kb):
    # a known hyphenated symbol is a gene; two known genes joined by a hyphen are a fusion
    assert parse_observed("NKX2-1 amplification", kb).gene == "NKX2-1"
    fus = parse_observed("EML4-ALK fusion", kb)
    assert (fus.partner5, fus.partner3) == ("EML4", "ALK")
    assert parse_alteration("HLA-A loss").gene == "HLA-A"  # without a vocabulary: short suffix = one symbol


def test_splice_positions_beyond_two_are_splice_region(kb):
    assert parse_observed("NF1 c.3198-1G>A", kb).qualifier == "splice"
    assert parse_observed("NF1 c.3198-2A>G", kb).qualifier == "splice"
    assert parse_observed("NF1 c.3198-8G>A", kb).qualifier == "splice_region"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("EGFR wild-type", "describes no alteration"),
        ("EGFR c.2369C>T", "give the protein change"),
        ("EGFR exon 19 flipped", "exon change must be"),
    ],
)
def test_clear_refusals(kb, text, needle):
    with pytest.raises(AlterationSyntaxError, match=needle):
        parse_observed(text, kb)


def test_huge_input_is_not_echoed_in_full(kb):
    with pytest.raises(AlterationSyntaxError) as exc:
        parse_observed("EGFR " + "X" * 20000, kb)
    assert len(str(exc.value)) < 200
    with pytest.raises(AlterationSyntaxError) as exc:
        parse_observed("EGFR T" + "9" * 300 + "M", kb)
    assert len(str(exc.value)) < 400


def test_oncotator_protein_forms(kb):
    # forms in TCGA MAFs (maftools' tcga_laml.maf.gz): insertions without reference residues, 'E>EYD' delins
    ins = parse_alteration("FLT3 p.599_600insDFREYEY", kb.resolve_gene)
    assert ins.protein is not None and (ins.protein.kind, ins.protein.start, ins.protein.alt) == ("ins", 599, "DFREYEY")
    dl = parse_alteration("FLT3 p.604_604E>EYDLKWE", kb.resolve_gene)
    assert dl.protein is not None and dl.protein.kind == "delins" and dl.protein.length_change == 6
    fs = parse_alteration("NPM1 p.WQ288fs", kb.resolve_gene)
    assert fs.protein is not None and (fs.protein.kind, fs.protein.start) == ("fs", 288)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # juxtamembrane / TKD1 in-frame gains are FLT3-ITDs (codons 572-630, profile/data/variant_classes.yaml)
        ("FLT3 p.599_600insDFREYEY", "FLT3 internal tandem duplication"),
        ("FLT3 p.E598_Y599insDVDFREYE", "FLT3 internal tandem duplication"),
        ("FLT3 p.R595_L601dup", "FLT3 internal tandem duplication"),
        ("FLT3 D835Y", "FLT3 D835Y"),  # a TKD point mutation stays itself
        ("FLT3 p.D600_L601del", "FLT3 D600_L601del"),  # a loss of residues is no duplication
        ("FLT3 p.N841_I842insGN", "FLT3 N841_I842insGN"),  # outside the window
        ("NPM1 p.W288Cfs*12", "NPM1 exon 11 mutation"),  # type A
        ("NPM1 p.L287fs", "NPM1 exon 11 mutation"),
        ("NPM1 exon 12 mutation", "NPM1 exon 11 mutation"),  # legacy exon numbering
        ("NPM1 p.I269fs", "NPM1 I269fs"),
    ],
)
def test_variant_classes(kb, text, name):
    assert parse_observed(text, kb).name == name


def test_did_you_mean_prefers_a_swapped_pair():
    assert edit_distance("EFGR".lower(), "egfr") == 1
    assert closest("EFGR", ["EGR1", "EGR2", "EGFR"])[0] == "EGFR"
