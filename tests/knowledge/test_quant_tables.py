"""Potency read from primary tables (not CIViC transcriptions): provenance, documented gaps, twin origins.

Robichaux et al. 2021 (EGFR) and Hauser et al. 2018 (ABL1) are transcribed (spot values re-read from the
shared files in test_quant_primary_tables.py); no ALK table could be read (docs/quantitative_knowledge.md).
These tests fix the rules such an entry must meet (a named table, a source with a url whose
``confirmed_by`` names that table) and check that the gaps the documentation lists are real.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from oncoresist.knowledge.index import Knowledge
from oncoresist.knowledge.quant import QuantKnowledge, load_quant
from oncoresist.twin import build_twin

DOC = Path(__file__).resolve().parents[2] / "docs" / "quantitative_knowledge.md"
#: drugs the documentation lists as having no potency number on their resistance variants
DOCUMENTED_GAPS = ("lorlatinib",)
#: (profile, drugs, tumour) of the three twins the issue names
TWINS = (
    (["EGFR L858R"], "erlotinib,osimertinib", "NSCLC"),
    (["EML4::ALK"], "crizotinib,lorlatinib", "NSCLC"),
    (["BCR::ABL1"], "imatinib,bosutinib", "CML"),
)


@pytest.fixture(scope="module")
def quant(curated_kb: Knowledge) -> QuantKnowledge:
    return load_quant(kb=curated_kb)


def table_provenance_problems(q: QuantKnowledge) -> list[str]:
    """Entries read from a primary table (no ``transcribed_by``) whose table or source record is incomplete."""
    problems = []
    for e in q.potency_entries:
        if e.transcribed_by:
            continue
        if "not named" in e.table.lower():
            problems.append(f"{e.id}: a number read from the paper must name its table, not {e.table!r}")
        src = q.sources.get(e.source)
        if src is None:
            problems.append(f"{e.id}: source {e.source} is not registered")
            continue
        if not src.url:
            problems.append(f"{e.id}: source {e.source} has no url")
        if e.table.lower() not in src.confirmed_by.lower():
            problems.append(f"{e.id}: confirmed_by of {e.source} does not name {e.table!r}")
    return problems


# ------------------------------------------------------------------ loading and provenance
def test_quant_loads(quant: QuantKnowledge) -> None:
    assert quant.potency_entries and quant.sources


def test_every_table_entry_names_its_table_and_a_confirmed_source(quant: QuantKnowledge) -> None:
    assert table_provenance_problems(quant) == []


_SYNTHETIC = """schema_version: "1"
sources:
  - id: PMID:1
    citation: Synthetic test source, not a publication
    confirmed_by: test fixture, Table 1 only
  - id: PMID:2
    citation: Synthetic test source with a url
    confirmed_by: test fixture, Table 1 only
    url: https://example.org/synthetic
potency:
  - id: t-no-url
    gene: ABL1
    alterations: ["BCR::ABL1", ABL1 T315I]
    reference: ["BCR::ABL1"]
    drug: bosutinib
    ic50_nM: 100
    assay: synthetic proliferation assay
    source: PMID:1
    table: Table 1
  - id: t-other-table
    gene: ABL1
    alterations: ["BCR::ABL1", ABL1 T315I]
    reference: ["BCR::ABL1"]
    drug: bosutinib
    ic50_nM: 100
    assay: synthetic proliferation assay
    source: PMID:2
    table: Table 3
  - id: t-unnamed
    gene: ABL1
    alterations: ["BCR::ABL1", ABL1 T315I]
    reference: ["BCR::ABL1"]
    drug: bosutinib
    ic50_nM: 100
    assay: synthetic proliferation assay
    source: PMID:2
    table: not named by the transcription
  - id: t-good
    gene: ABL1
    alterations: ["BCR::ABL1", ABL1 T315I]
    reference: ["BCR::ABL1"]
    drug: bosutinib
    ic50_nM: 100
    assay: synthetic proliferation assay
    source: PMID:2
    table: Table 1
"""


def test_provenance_check_flags_missing_url_table_and_confirmation(tmp_path: Path, curated_kb: Knowledge) -> None:
    (tmp_path / "synthetic.yaml").write_text(_SYNTHETIC, encoding="utf-8")
    q = load_quant(data_dir=tmp_path, kb=curated_kb)
    problems = table_provenance_problems(q)
    flagged = {p.split(":", 1)[0] for p in problems}
    assert flagged == {"t-no-url", "t-other-table", "t-unnamed"}
    assert any("has no url" in p for p in problems)
    assert any("does not name 'Table 3'" in p for p in problems)
    assert any("must name its table" in p for p in problems)


# ------------------------------------------------------------------ documented gaps
def _gaps_section() -> str:
    text = DOC.read_text(encoding="utf-8")
    match = re.search(r"^## Gaps\n(.*?)(?=^## |\Z)", text, flags=re.S | re.M)
    assert match, f"{DOC} has no '## Gaps' section"
    return match.group(1).lower()


@pytest.mark.parametrize("drug", DOCUMENTED_GAPS)
def test_documented_potency_gaps_are_real(quant: QuantKnowledge, drug: str) -> None:
    assert drug in _gaps_section(), f"docs/quantitative_knowledge.md Gaps should name {drug}"
    entries = [e.id for e in quant.potency_entries if e.drug == drug]
    assert not entries, (
        f"potency for {drug} was added ({entries}): update the Gaps in docs/quantitative_knowledge.md "
        "and add spot-value tests to this file"
    )


# ------------------------------------------------------------------ twins
@pytest.mark.parametrize(("profile", "drugs", "tumor"), TWINS, ids=["EGFR", "ALK", "CML"])
def test_twin_table_origins_name_registered_entries(
    curated_kb: Knowledge, quant: QuantKnowledge, profile: list[str], drugs: str, tumor: str
) -> None:
    build = build_twin(profile, drugs=drugs, tumor=tumor, knowledge=curated_kb, quant=quant)
    folds = [o for o in build.origins if ".modifiers.ec50_fold." in o.path]
    assert folds
    by_id = {e.id: e for e in quant.potency_entries}
    for o in folds:
        drug = o.path.rsplit(".", 1)[1]
        if o.kind != "published table":
            continue
        assert drug not in DOCUMENTED_GAPS, f"{o.path} now comes from a table: update the documented gaps"
        cited = [by_id[i] for i in re.findall(r"([a-z0-9][a-z0-9-]*) \(", o.source) if i in by_id]
        assert cited, o
        for e in cited:
            assert e.drug == drug and e.source in quant.sources
            assert e.source in o.source and e.table in o.source


def test_egfr_c797s_osimertinib_fold_comes_from_robichaux(curated_kb: Knowledge, quant: QuantKnowledge) -> None:
    profile, drugs, tumor = TWINS[0]
    build = build_twin(profile, drugs=drugs, tumor=tumor, knowledge=curated_kb, quant=quant)
    origin = build.origin("cell_types.EGFR_C797S.modifiers.ec50_fold.osimertinib")
    assert origin.kind == "published table" and "robichaux2021-osimertinib-l858r-c797s" in origin.source
    assert float(origin.value) > 100  # C797S resists osimertinib (label/guideline knowledge), by the table's number
