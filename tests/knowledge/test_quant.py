"""Quantitative knowledge: loading, cross-reference checks, codon routes, look-ups, provenance."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from knowledge._helpers import CIVIC_TSV, civic_rows, one_line, private_copy
from oncoresist.errors import KnowledgeError
from oncoresist.knowledge.index import Knowledge
from oncoresist.knowledge.quant import (
    GENETIC_CODE,
    QUANT_DIR,
    QuantKnowledge,
    codons_consistent_with,
    load_quant,
    single_nucleotide_routes,
)


@pytest.fixture(scope="module")
def quant(kb: Knowledge) -> QuantKnowledge:
    return load_quant(kb=kb)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of the quantitative knowledge to extend or break."""
    return private_copy(QUANT_DIR, tmp_path / "data_quant")


# A synthetic table for the look-up tests (NOT knowledge: made-up numbers, only in this test).
_SYNTHETIC = """schema_version: "1"
sources:
  - id: PMID:1
    citation: Synthetic test source
    confirmed_by: test fixture, not a publication
potency:
  - id: t-native-imatinib
    gene: ABL1
    alterations: ["BCR::ABL1"]
    reference: ["BCR::ABL1"]
    drug: imatinib
    ic50_nM: 100
    assay: synthetic proliferation assay
    source: PMID:1
    table: Table 1
  - id: t-t315i-imatinib
    gene: ABL1
    alterations: ["BCR::ABL1", ABL1 T315I]
    reference: ["BCR::ABL1"]
    drug: imatinib
    ic50_nM: 5000
    ic50_qualifier: ">"
    assay: synthetic proliferation assay
    source: PMID:1
    table: Table 1
  - id: t-t315i-imatinib-bound
    gene: ABL1
    alterations: ["BCR::ABL1", ABL1 T315I]
    reference: ["BCR::ABL1"]
    drug: imatinib
    fold_change: 80
    fold_change_qualifier: ">"
    assay: another synthetic assay
    source: PMID:1
    table: Table 3
  - id: t-t315i-ponatinib
    gene: ABL1
    alterations: ["BCR::ABL1", ABL1 T315I]
    reference: ["BCR::ABL1"]
    drug: ponatinib
    fold_change: 2.5
    assay: synthetic proliferation assay
    source: PMID:1
    table: Table 2
"""


def _add(data_copy: Path, text: str, name: str = "zz_test.yaml") -> None:
    (data_copy / name).write_text(text, encoding="utf-8")


def _load_error(data_copy: Path, kb: Knowledge, text: str) -> str:
    """Add ``text`` as ``zz_test.yaml`` to ``data_copy`` and load it: the one-line error it must raise."""
    _add(data_copy, text)
    with pytest.raises(KnowledgeError) as exc:
        load_quant(data_dir=data_copy, kb=kb)
    return one_line(exc)


def _potency_entry(**override: str) -> str:
    fields = {
        "id": "bad-entry",
        "gene": "EGFR",
        "alterations": "[EGFR L858R, EGFR T790M]",
        "reference": "[EGFR L858R]",
        "drug": "erlotinib",
        "ic50_nM": "10",
        "assay": "Ba/F3 proliferation",
        "source": "PMID:23470965",
        "table": "Table 1",
    }
    fields.update(override)
    body = "\n".join(f"    {k}: {v}" for k, v in fields.items() if v != "")
    return f'schema_version: "1"\npotency:\n  - {body.lstrip()}\n'


# ------------------------------------------------------------------ packaged data
def test_packaged_quant_loads_and_checks(quant: QuantKnowledge) -> None:
    assert quant.sources and quant.frequencies and quant.mutation_rates
    assert {"EGFR T790M", "ABL1 T315I"} <= set(quant.routes)


def test_every_number_has_a_registered_source_or_is_an_assumption(quant: QuantKnowledge) -> None:
    numbered = [
        *quant.potency_entries,
        *quant.mutation_rates.values(),
        *quant.nucleotide_changes.values(),
        *quant.frequencies,
        *quant.phenotype_defaults,
    ]
    assert numbered
    for item in numbered:
        if getattr(item, "assumption", False):
            assert len(item.rationale) >= 20, item.id
        else:
            assert item.source in quant.sources, item.id
            assert len(quant.sources[item.source].confirmed_by) >= 10


def test_every_potency_entry_cites_its_table(quant: QuantKnowledge) -> None:
    for e in quant.potency_entries:
        assert e.table.strip() and e.assay.strip() and e.source in quant.sources


def test_frequencies_lie_in_unit_interval(quant: QuantKnowledge) -> None:
    for f in quant.frequencies:
        assert 0 <= f.value <= 1, f.id
        for interval in (f.ci95, f.range):
            if interval is not None:
                assert 0 <= interval[0] <= interval[1] <= 1, f.id


def test_t790m_is_about_half_to_two_thirds_on_first_generation_tkis(quant: QuantKnowledge) -> None:
    found = quant.frequencies_for(alteration="EGFR T790M", drug="erlotinib", tumor="NSCLC")
    assert found, "no published T790M frequency after erlotinib"
    for f in found:
        assert 0.45 <= f.value <= 0.75, f.id
    # the brand name resolves to the same series
    assert quant.frequencies_for(alteration="EGFR T790M", drug="Tarceva") == found


def test_t315i_range_among_imatinib_resistant_cml(quant: QuantKnowledge) -> None:
    found = quant.frequencies_for(alteration="ABL1 T315I", drug="imatinib", tumor="CML")
    assert found
    assert all(f.range is not None and f.range[1] < 0.5 for f in found)


def test_small_cell_transformation_found_through_drug_class(quant: QuantKnowledge) -> None:
    ids = {f.id for f in quant.frequencies_for(mechanism="lineage_plasticity", drug="gefitinib", tumor="LUAD")}
    assert "sequist2011-small-cell-transformation" in ids  # recorded by class, tumour NSCLC (an ancestor)
    assert "yu2013-small-cell-transformation" in ids


# ------------------------------------------------------------------ genetic code and rates
def test_genetic_code_is_complete() -> None:
    assert len(GENETIC_CODE) == 64
    assert GENETIC_CODE["ATG"] == "M" and GENETIC_CODE["TAA"] == "*" and GENETIC_CODE["ACG"] == "T"


def test_single_nucleotide_routes() -> None:
    assert single_nucleotide_routes("ACG", "M") == 1  # EGFR T790M
    assert single_nucleotide_routes("ACT", "I") == 1  # ABL1 T315I
    assert single_nucleotide_routes("ACT", "M") == 0  # T315M needs two changes
    assert single_nucleotide_routes("GGA", "R") == 2  # AGA and CGA
    with pytest.raises(ValueError):
        single_nucleotide_routes("AXG", "M")


def test_codon_follows_from_hgvs_change() -> None:
    assert codons_consistent_with("T", "M", 1, "C", "T") == ["ACG"]
    assert codons_consistent_with("T", "I", 1, "C", "T") == ["ACA", "ACC", "ACT"]


def test_variant_rate_follows_from_codon(quant: QuantKnowledge) -> None:
    assert quant.nucleotide_routes("EGFR p.Thr790Met") == 1
    rate = quant.variant_rate("EGFR T790M", "bozic2013-point-mutation-rate")
    assert rate is not None
    # one route, at a CpG (x12, tests/knowledge/test_quant_codons.py)
    assert rate.routes == 1 and rate.value == pytest.approx(1e-9 * 12 / 3)
    assert any("three other bases" in a for a in rate.assumptions)
    assert quant.variant_rate("ABL1 V299L", "bozic2013-point-mutation-rate") is None  # codon not decidable


def test_phenotype_defaults_are_flagged(quant: QuantKnowledge) -> None:
    persister = quant.phenotype_default("drug_tolerant_persister")
    # rates are placeholders (flagged); the one sourced number is the tolerance bound (Sharma et al. 2010)
    assert persister and all((d.assumption and d.rationale) or d.source in quant.sources for d in persister)
    assert {d.parameter for d in persister if not d.assumption} == {"ec50_fold"}
    assert all(d.assumption for d in persister if "rate" in d.parameter)
    assert quant.phenotype_default("lineage_plasticity", "transformation_rate_on_drug")


# ------------------------------------------------------------------ look-ups (synthetic table)
def test_potency_and_fold_shift_lookups(tmp_path: Path, kb: Knowledge) -> None:
    synthetic = tmp_path / "synthetic"
    synthetic.mkdir()
    _add(synthetic, _SYNTHETIC)
    q = load_quant(data_dir=synthetic, kb=kb)
    entry = q.potency("Gleevec", ["ABL1 T315I", "BCR-ABL1"])  # brand name, other order, other spelling
    assert entry is not None and entry.id == "t-t315i-imatinib"
    assert q.potency("imatinib", ["ABL1 T315I"]) is None  # exact alteration set only
    # both imatinib candidates are lower bounds (5000 '>' / 100 and '>80'): the larger bound wins
    assert q.fold_shift_detail("imatinib", ["BCR::ABL1", "ABL1 T315I"], ["BCR::ABL1"]) == (
        pytest.approx(80),
        ">",
        ("t-t315i-imatinib-bound",),
    )
    assert q.fold_shift("ponatinib", ["BCR::ABL1", "ABL1 T315I"], "BCR::ABL1") == pytest.approx(2.5)
    assert q.fold_shift("nilotinib", ["BCR::ABL1", "ABL1 T315I"], "BCR::ABL1") is None


def test_t315i_fold_shift_in_packaged_table(quant: QuantKnowledge) -> None:
    variant, native = ["BCR::ABL1", "ABL1 T315I"], ["BCR::ABL1"]
    imatinib = quant.fold_shift_detail("imatinib", variant, native)
    ponatinib = quant.fold_shift_detail("ponatinib", variant, native)
    assert imatinib is not None and ponatinib is not None
    assert imatinib[0] > 10  # a lower bound ('>') is still a large shift
    assert ponatinib[0] < 10 and ponatinib[1] == "="
    nilotinib = quant.fold_shift("nilotinib", variant, native)
    assert nilotinib is not None and nilotinib > 10


def test_paired_ic50s_give_the_fold_shift(quant: QuantKnowledge) -> None:
    shift = quant.fold_shift("brigatinib", ["EML4::ALK", "ALK G1202R"], "EML4::ALK")
    assert shift == pytest.approx(325 / 6)
    t790m = quant.fold_shift_detail("erlotinib", ["EGFR L858R", "EGFR T790M"], "EGFR L858R")
    assert t790m is not None and t790m[0] > 100 and len(t790m[2]) == 2  # two entries of one table


def test_potency_values_are_positive_and_transcriptions_named(quant: QuantKnowledge) -> None:
    assert quant.potency_entries
    for e in quant.potency_entries:
        for v in (e.ic50_nM, e.reference_ic50_nM, e.fold_change):
            assert v is None or v > 0, e.id
        if e.transcribed_by:
            assert e.transcribed_by.removeprefix("civic:") in quant.sources[e.source].confirmed_by, e.id


def _appears(value: float, text: str) -> bool:
    """Whether ``value`` is written in ``text`` (as nM, or as uM for values of 1 nM and more)."""
    forms = {f"{value:g}", f"{value:.2f}", f"{value:.1f}", f"{value:.0f}", f"{value / 1000:g}", f"{value / 1000:.3f}"}
    return any(re.search(rf"(?<![\d.]){re.escape(f)}(?!\d)", text) for f in forms)


@pytest.mark.skipif(not CIVIC_TSV.exists(), reason="shared CIViC snapshot not present")
def test_every_transcribed_number_is_in_its_civic_record(quant: QuantKnowledge) -> None:
    csv.field_size_limit(10**8)
    rows = civic_rows()
    checked = 0
    for e in quant.potency_entries:
        if not e.transcribed_by:
            continue
        row = rows[e.transcribed_by.removeprefix("civic:EID")]
        text = row["evidence_statement"].replace(",", "")
        assert e.source == f"PMID:{row['citation_id']}", e.id
        assert e.drug in row["therapies"].lower() or e.drug in text.lower(), e.id
        for value in (e.ic50_nM, e.reference_ic50_nM, e.fold_change):
            if value is not None:
                assert _appears(value, text), (e.id, value)
                checked += 1
    assert checked >= 100


# ------------------------------------------------------------------ errors
def test_bad_yaml_names_file_and_line(data_copy: Path, kb: Knowledge) -> None:
    msg = _load_error(data_copy, kb, 'schema_version: "1"\npotency:\n  - id: x\n    alterations: [EGFR T790M\n')
    assert "zz_test.yaml" in msg and "line" in msg and "invalid YAML" in msg


def test_unknown_drug_names_file_entry_and_field(data_copy: Path, kb: Knowledge) -> None:
    msg = _load_error(data_copy, kb, _potency_entry(drug="erlotinibb"))
    assert "zz_test.yaml" in msg and "potency[0] (bad-entry)" in msg and "'drug'" in msg
    assert "erlotinibb" in msg and "erlotinib" in msg.split("did you mean")[-1]


def test_brand_name_is_refused(data_copy: Path, kb: Knowledge) -> None:
    msg = _load_error(data_copy, kb, _potency_entry(drug="Tarceva"))
    assert re.search("generic name 'erlotinib'", msg)


def test_negative_ic50_names_file_entry_and_field(data_copy: Path, kb: Knowledge) -> None:
    msg = _load_error(data_copy, kb, _potency_entry(ic50_nM="-3"))
    assert "zz_test.yaml" in msg and "potency[0] (bad-entry)" in msg and "'ic50_nM'" in msg


def test_potency_needs_a_value(data_copy: Path, kb: Knowledge) -> None:
    msg = _load_error(data_copy, kb, _potency_entry(ic50_nM=""))
    assert re.search("ic50_nM or fold_change", msg)


def test_unregistered_source_is_refused(data_copy: Path, kb: Knowledge) -> None:
    msg = _load_error(data_copy, kb, _potency_entry(source="PMID:999999999"))
    assert "'source'" in msg and "not registered" in msg


def test_unparsable_alteration_names_the_item(data_copy: Path, kb: Knowledge) -> None:
    msg = _load_error(data_copy, kb, _potency_entry(alterations="[EGFR L858R, FOO1 T790M]"))
    assert "'alterations.1'" in msg and "FOO1" in msg


def test_gene_must_carry_the_variant(data_copy: Path, kb: Knowledge) -> None:
    msg = _load_error(data_copy, kb, _potency_entry(gene="ALK"))
    assert re.search("'gene'", msg)


def test_fraction_outside_unit_interval(data_copy: Path, kb: Knowledge) -> None:
    msg = _load_error(
        data_copy,
        kb,
        """schema_version: "1"
frequencies:
  - id: bad-frequency
    mechanism: on_target_mutation
    alteration: EGFR T790M
    drugs: [erlotinib]
    tumors: [LUAD]
    fraction: 1.2
    denominator: test patients
    source: PMID:23470965
    where: abstract
""",
    )
    assert "frequencies[0] (bad-frequency)" in msg and "'fraction'" in msg


def test_fraction_must_match_counts(data_copy: Path, kb: Knowledge) -> None:
    msg = _load_error(
        data_copy,
        kb,
        """schema_version: "1"
frequencies:
  - id: bad-count
    mechanism: on_target_mutation
    alteration: EGFR T790M
    drugs: [erlotinib]
    tumors: [LUAD]
    fraction: 0.5
    n_positive: 98
    n: 155
    denominator: test patients
    source: PMID:23470965
    where: abstract
""",
    )
    assert re.search("does not match 98/155", msg)


def test_assumption_needs_rationale(data_copy: Path, kb: Knowledge) -> None:
    msg = _load_error(
        data_copy,
        kb,
        """schema_version: "1"
mutation_rates:
  - id: unsourced-rate
    value: 1.0e-8
""",
    )
    assert re.search("assumption: true with a rationale", msg)


def test_hgvs_change_outside_the_codon_is_refused(data_copy: Path, kb: Knowledge) -> None:
    msg = _load_error(
        data_copy,
        kb,
        """schema_version: "1"
nucleotide_changes:
  - id: wrong-codon
    alteration: ABL1 T315M
    transcript: NM_005157.6
    hgvs_c: c.2369C>T
    source: clinvar:RCV000432136
""",
    )
    assert re.search("lies in codon 790, not codon 315", msg)


def test_pinned_codon_must_fit_the_hgvs_change(data_copy: Path, kb: Knowledge) -> None:
    msg = _load_error(
        data_copy,
        kb,
        """schema_version: "1"
nucleotide_changes:
  - id: wrong-pin
    alteration: ABL1 T315M
    transcript: NM_005157.6
    hgvs_c: c.944C>T
    reference_codon: ACT
    source: clinvar:RCV000432136
""",
    )
    assert re.search("ACT is not consistent", msg)


def test_stated_route_count_must_match_genetic_code(data_copy: Path, kb: Knowledge) -> None:
    text = (data_copy / "rates.yaml").read_text(encoding="utf-8")
    (data_copy / "rates.yaml").write_text(
        text.replace("single_nucleotide_changes: 1", "single_nucleotide_changes: 2", 1)
    )
    with pytest.raises(KnowledgeError, match="genetic code gives 1"):
        load_quant(data_dir=data_copy, kb=kb)


def test_phenotype_default_for_genetic_mechanism_is_refused(data_copy: Path, kb: Knowledge) -> None:
    msg = _load_error(
        data_copy,
        kb,
        """schema_version: "1"
phenotype_defaults:
  - id: wrong-class
    mechanism: on_target_mutation
    parameter: rate
    value: 1.0e-3
    unit: per day
    assumption: true
    rationale: a test entry with a mechanism that has a sequence change
""",
    )
    assert re.search("non-genetic", msg)


def test_duplicate_id_is_refused(data_copy: Path, kb: Knowledge) -> None:
    msg = _load_error(
        data_copy,
        kb,
        """schema_version: "1"
mutation_rates:
  - id: bozic2013-point-mutation-rate
    value: 1.0e-9
    source: DOI:10.7554/eLife.00747
""",
    )
    assert re.search("duplicate id", msg)


def test_unknown_field_is_refused(data_copy: Path, kb: Knowledge) -> None:
    msg = _load_error(data_copy, kb, _potency_entry(ic50_um="3"))
    assert "'ic50_um'" in msg


def test_curated_loader_does_not_read_quantitative_files() -> None:
    from oncoresist.knowledge.loader import curated_files

    assert QUANT_DIR.is_dir() and list(QUANT_DIR.glob("*.yaml"))
    assert not any("data_quant" in str(p) for p in curated_files())
