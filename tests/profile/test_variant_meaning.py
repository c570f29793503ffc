"""Variant meaning: gene roles, null changes in tumour suppressors, gene-level input, reference residues."""

from __future__ import annotations

import pytest

from oncoresist.alteration import parse_alteration
from oncoresist.annotate.matching import match_kind, matches, reference_mismatch, role_lookup
from oncoresist.knowledge.loader import load_knowledge


@pytest.fixture(scope="module")
def kb():  # type: ignore[no-untyped-def]
    return load_knowledge(include_imports=False)


@pytest.fixture(scope="module")
def role(kb):  # type: ignore[no-untyped-def]
    return role_lookup(kb)


def P(text: str, kb):  # type: ignore[no-untyped-def]
    return parse_alteration(text, kb.resolve_gene)


@pytest.mark.parametrize(
    ("gene", "expected"),
    [
        # OncoKB Cancer Gene List (2024-12-19) "Is Oncogene" / "Is Tumor Suppressor Gene" columns
        ("RB1", "tumor_suppressor"), ("PTEN", "tumor_suppressor"), ("NF1", "tumor_suppressor"),
        ("B2M", "tumor_suppressor"), ("JAK1", "both"), ("EGFR", "oncogene"), ("KRAS", "oncogene"),
        ("KMT2A", "tumor_suppressor"), ("RAD51C", "tumor_suppressor"), ("NKX2-1", "oncogene"),
        ("H3-3A", "oncogene"), ("NOTCH1", "both"), ("CSF1R", None),
    ],
)  # fmt: skip
def test_gene_roles_from_the_cancer_gene_list(kb, gene, expected):
    g = kb.genes[kb.gene(gene)]
    assert g.role == expected
    if expected is not None:
        assert "OncoKB" in (g.role_source or "")


def test_issue_genes_resolve_with_aliases(kb):
    assert kb.resolve_gene("MLL") == "KMT2A"  # the old symbol CIViC still uses
    assert kb.resolve_gene("VEGFR1") == "FLT1"
    assert kb.resolve_gene("TTF-1") == "NKX2-1"
    assert kb.gene("hla-a") == "HLA-A"


@pytest.mark.parametrize(
    ("pattern", "observed"),
    [
        ("RB1 loss", "RB1 R320*"),  # nonsense
        ("PTEN loss", "PTEN K267fs"),  # frameshift
        ("NF1 loss", "NF1 splice site mutation"),
        ("NF1 loss", "NF1 c.3198-1G>A"),  # canonical acceptor (-1)
        ("B2M loss", "B2M M1?"),  # start loss
        ("JAK1 loss", "JAK1 Q503*"),  # role 'both' counts
        ("PTEN inactivating mutation", "PTEN R130*"),
        ("BRCA2 pathogenic variant", "BRCA2 K1691fs"),
        ("RB1 loss", "RB1 pathogenic variant"),
    ],
)
def test_null_changes_in_tumour_suppressors_match_loss(kb, role, pattern, observed):
    assert match_kind(P(pattern, kb), P(observed, kb), role=role) == "exact"
    assert matches(P(pattern, kb), P(observed, kb), role=role)


def test_roles_decide(kb, role):
    # a nonsense change in an oncogene is no loss-of-function fact match; without roles no inference
    assert match_kind(P("EGFR loss", kb), P("EGFR R108*", kb), role=role) is None
    assert not matches(P("RB1 loss", kb), P("RB1 R320*", kb))
    # splice region (beyond +-2) is not a null change
    assert match_kind(P("NF1 loss", kb), P("NF1 c.3198-8G>A", kb), role=role) != "exact"
    # a missense change in a tumour suppressor may or may not inactivate it
    assert match_kind(P("PTEN loss", kb), P("PTEN R130Q", kb), role=role) == "possible"


@pytest.mark.parametrize(
    ("pattern", "observed"),
    [
        ("ESR1 Y537S", "ESR1 mutation"),
        ("ABL1 T315I", "ABL1 mutation"),
        ("ABL1 T315I", "ABL1 kinase domain mutation"),
        ("KRAS G12C", "KRAS G12"),  # codon-level input
        ("KRAS G12C", "KRAS codons 12-13"),
        ("EGFR E746_A750del", "EGFR exon 19 deletion"),
        ("EML4::ALK", "ALK fusion"),
        ("EGFR exon 19 deletion", "EGFR mutation"),
        ("FLT3 internal tandem duplication", "FLT3 mutation"),
        ("EGFR C797S in cis", "EGFR C797S"),
        ("BRCA1 mutation (germline)", "BRCA1 mutation"),
        ("MET exon 14 skipping", "MET splice site mutation"),
    ],
)
def test_less_specific_input_is_a_possible_match(kb, role, pattern, observed):
    assert match_kind(P(pattern, kb), P(observed, kb), role=role) == "possible"
    assert not matches(P(pattern, kb), P(observed, kb), role=role)


@pytest.mark.parametrize(
    ("pattern", "observed"),
    [
        ("EGFR C797S in cis", "EGFR C797S in trans"),  # a contrary phase
        ("BRCA1 mutation (germline)", "BRCA1 mutation (somatic)"),
        ("BRCA1 reversion mutation", "BRCA1 mutation"),  # a plain mutation is no reversion
        ("EGFR T790M", "EGFR amplification"),
        ("KRAS G12C", "KRAS G13"),
    ],
)
def test_no_match(kb, role, pattern, observed):
    assert match_kind(P(pattern, kb), P(observed, kb), role=role) is None


def test_more_specific_input_is_exact(kb, role):
    assert matches(P("EGFR C797S", kb), P("EGFR C797S in cis", kb))
    assert matches(P("BRCA1 mutation", kb), P("germline BRCA1 mutation", kb))
    assert matches(P("ALK fusion", kb), P("EML4-ALK", kb))
    assert matches(P("FLT3 internal tandem duplication", kb), P("FLT3-ITD", kb))


def test_wrong_reference_residue_is_a_warning_not_a_silent_match(kb):
    fact, typo = P("EGFR L858R", kb), P("EGFR T858R", kb)
    assert match_kind(fact, typo) == "possible" and not matches(fact, typo)
    msg = reference_mismatch(fact, typo)
    assert msg is not None and "L858" in msg and "T858" in msg
    assert reference_mismatch(fact, P("EGFR L858R", kb)) is None
    assert reference_mismatch(fact, P("EGFR L861Q", kb)) is None
    assert reference_mismatch(P("KRAS G12", kb), P("KRAS A12D", kb)) is not None
