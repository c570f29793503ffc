"""Genome-level biomarkers in the grammar and in matching (issue 10, class 1).

Expected readings come from how reports and labels write these biomarkers (the Keytruda, Jemperli and
Lynparza indications; CIViC's "MSI High" / "TMB High" variants), not from the code's output.
"""

from __future__ import annotations

import pytest

from oncoresist.alteration import parse_alteration
from oncoresist.annotate.matching import index_keys, match_kind

TSG = {"MLH1": "tumor_suppressor", "MSH2": "tumor_suppressor", "PMS2": "tumor_suppressor",
       "BRCA1": "tumor_suppressor", "BRCA2": "tumor_suppressor", "KRAS": "oncogene"}.get  # fmt: skip


@pytest.mark.parametrize(
    ("text", "state"),
    [
        ("MSI-H", "MSI-H"), ("MSI-high", "MSI-H"), ("microsatellite instability-high", "MSI-H"),
        ("MSI-H status", "MSI-H"), ("microsatellite stable", "MSS"), ("MSI-L", "MSS"),
        ("dMMR", "dMMR"), ("mismatch repair deficient", "dMMR"), ("MMR-deficient", "dMMR"), ("pMMR", "pMMR"),
        ("TMB-H", "TMB-H"), ("tumor mutational burden-high", "TMB-H"), ("high TMB", "TMB-H"), ("TMB-low", "TMB-L"),
        ("HRD-positive", "HRD-positive"), ("homologous recombination deficiency", "HRD-positive"),
        ("HRD-negative", "HRD-negative"), ("genomic LOH-high", "LOH-high"),
    ],
)  # fmt: skip
def test_biomarker_words(text: str, state: str) -> None:
    alt = parse_alteration(text)
    assert (alt.kind, alt.qualifier, alt.gene) == ("biomarker", state, None)
    assert parse_alteration(alt.name) == alt  # the canonical name reads back


@pytest.mark.parametrize(
    ("text", "state", "value"),
    [
        ("TMB 12 mut/Mb", "TMB-H", 12.0),  # Keytruda label: TMB-H is >= 10 mut/Mb
        ("TMB 10 mut/Mb", "TMB-H", 10.0),
        ("TMB: 9.5 mutations/Mb", "TMB-L", 9.5),
        ("tumour mutational burden 31 mut/Mb", "TMB-H", 31.0),
        ("genomic LOH 21%", "LOH-high", 21.0),  # ARIEL cut-off 16 %
        ("genomic LOH 8%", "LOH-low", 8.0),
    ],
)
def test_measured_values_use_the_labelled_cut_off(text: str, state: str, value: float) -> None:
    alt = parse_alteration(text)
    assert (alt.kind, alt.qualifier, alt.value) == ("biomarker", state, value)
    assert parse_alteration(alt.name) == alt


def test_gene_words_are_still_genes() -> None:
    assert parse_alteration("MSH2 loss").kind == "loss"
    assert parse_alteration("MSI2 amplification").gene == "MSI2"  # a gene, not microsatellite status


def _m(pattern: str, observed: str) -> str | None:
    return match_kind(parse_alteration(pattern), parse_alteration(observed), role=TSG)


def test_same_state_is_exact_and_other_states_do_not_match() -> None:
    assert _m("MSI-H", "microsatellite instability-high") == "exact"
    assert _m("TMB-H", "TMB 14 mut/Mb") == "exact"
    assert _m("TMB-H", "TMB 6 mut/Mb") is None
    assert _m("MSI-H", "MSS") is None
    assert _m("dMMR", "pMMR") is None


def test_msi_and_mmr_are_possible_matches_of_each_other() -> None:
    assert _m("MSI-H", "dMMR") == "possible"
    assert _m("dMMR", "MSI-H") == "possible"


@pytest.mark.parametrize("observed", ["MLH1 loss", "MSH2 Q601*", "PMS2 frameshift", "MLH1 promoter methylated"])
def test_mmr_gene_loss_is_a_possible_dmmr(observed: str) -> None:
    assert _m("dMMR", observed) == "possible"
    assert _m("MSI-H", observed) == "possible"
    assert "biomarker:dMMR" in index_keys(parse_alteration(observed))  # found by the index, not only by matching


def test_not_every_mmr_change_is_dmmr() -> None:
    assert _m("dMMR", "MLH1 promoter unmethylated") is None
    assert _m("dMMR", "KRAS G12D") is None
    assert _m("dMMR", "MLH1 amplification") is None


def test_hrd_positive_includes_a_deleterious_brca_change_but_not_a_reversion() -> None:
    # Lynparza label: HRD-positive is "a deleterious or suspected deleterious BRCA mutation and/or genomic instability"
    assert _m("HRD-positive", "BRCA1 Q1756fs") == "exact"
    assert _m("HRD-positive", "BRCA2 loss") == "exact"
    assert _m("HRD-positive", "genomic LOH 30%") == "possible"
    assert _m("HRD-positive", "BRCA2 reversion mutation") is None


def test_a_gene_pattern_never_matches_a_biomarker() -> None:
    assert _m("MLH1 loss", "dMMR") is None
    assert _m("KRAS mutation", "TMB-H") is None
