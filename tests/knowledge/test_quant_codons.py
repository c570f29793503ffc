"""Codon routes from the CGI table and the CpG context of each change."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge._helpers import cgi_rows, one_line, private_copy
from oncoresist.errors import KnowledgeError
from oncoresist.knowledge.index import Knowledge
from oncoresist.knowledge.quant import QUANT_DIR, QuantKnowledge, cpg_transition, load_quant

RATE = "bozic2013-point-mutation-rate"


@pytest.fixture(scope="module")
def quant(kb: Knowledge) -> QuantKnowledge:
    return load_quant(kb=kb)


def test_cgi_entries_are_the_tables_rows(quant: QuantKnowledge, cgi_tsv: Path) -> None:
    table: dict[str, set[tuple[str, str]]] = {}
    for row in cgi_rows():
        if row.get("cDNA"):
            table.setdefault(row["individual_mutation"], set()).add((row["cDNA"], row["transcript"]))
    from_cgi = [e for e in quant.nucleotide_changes.values() if e.source == "cgi:biomarkers-per-variant"]
    assert len(from_cgi) >= 25
    for e in from_cgi:
        gene, variant = e.alteration.split(" ", 1)
        assert (e.hgvs_c, e.transcript) in table.get(f"{gene}:{variant}", set()), e.id


@pytest.mark.parametrize(
    ("codon", "pos", "ref", "alt", "expected"),
    [
        ("ACG", 1, "C", "T", True),  # EGFR T790M: C followed by G
        ("ACT", 1, "C", "T", False),  # ABL1 T315I on an ACT codon
        ("ACG", 2, "G", "A", True),  # G preceded by C
        ("GAG", 0, "G", "A", None),  # the preceding base is in the previous codon
        ("TCC", 2, "C", "T", None),  # the following base is in the next codon
        ("GAT", 0, "G", "T", False),  # a transversion is never a CpG transition
    ],
)
def test_cpg_transition(codon: str, pos: int, ref: str, alt: str, expected: bool | None) -> None:
    assert cpg_transition(codon, pos, ref, alt) is expected


def test_t790m_is_a_cpg_transition_and_t315i_is_not(quant: QuantKnowledge) -> None:
    t790m = quant.variant_rate("EGFR T790M", RATE)
    t315i = quant.variant_rate("ABL1 T315I", RATE)
    d761y = quant.variant_rate("EGFR D761Y", RATE)
    assert t790m is not None and t315i is not None and d761y is not None
    factor = quant.substitution_factors["cpg-transition-factor"]
    assert factor.factor == 12 and factor.source == "DOI:10.1186/s12864-020-6674-1"
    # Met has one codon (ATG), so T790M's reference codon is ACG and c.2369C>T hits a CpG
    assert t790m.cpg is True and t790m.value == pytest.approx(1e-9 * 12 / 3)
    # Ile from Thr by C>T at the middle base: ACT/ACC/ACA, never ACG -> not at a CpG
    assert t315i.cpg is False and t315i.value == pytest.approx(1e-9 / 3)
    assert d761y.cpg is False and d761y.routes == 1
    assert any("CpG" in a for a in t790m.assumptions)


def test_undecided_context_is_stated(quant: QuantKnowledge) -> None:
    e255k = quant.variant_rate("ABL1 E255K", RATE)
    assert e255k is not None and e255k.cpg is None and e255k.context_factor == 1.0
    assert any("neighbouring codon" in a for a in e255k.assumptions)


def _load_error(tmp_path: Path, kb: Knowledge, text: str) -> str:
    """The one-line error of loading the packaged data plus ``text`` as ``zz_test.yaml``."""
    data = private_copy(QUANT_DIR, tmp_path / "data_quant")
    (data / "zz_test.yaml").write_text('schema_version: "1"\n' + text, encoding="utf-8")
    with pytest.raises(KnowledgeError) as err:
        load_quant(data_dir=data, kb=kb)
    return one_line(err)


def test_an_ambiguous_codon_must_be_pinned(tmp_path: Path, kb: Knowledge) -> None:
    msg = _load_error(
        tmp_path, kb,
        "nucleotide_changes:\n  - id: abl1-v299l-codon\n    alteration: ABL1 V299L\n"
        "    transcript: ENST00000318560\n    hgvs_c: c.895G>C\n    source: cgi:biomarkers-per-variant\n",
    )
    assert "abl1-v299l-codon" in msg and "pin the reference codon" in msg


def test_a_second_cpg_factor_is_refused(tmp_path: Path, kb: Knowledge) -> None:
    msg = _load_error(
        tmp_path, kb,
        "substitution_factors:\n  - id: another\n    context: cpg_transition\n    factor: 10\n"
        "    compared_with: other transitions\n    source: DOI:10.1186/s12864-020-6674-1\n",
    )
    assert "already defined" in msg


def test_published_outcomes(quant: QuantKnowledge, tmp_path: Path, kb: Knowledge) -> None:
    comparator = quant.outcomes_for(drug="gefitinib", tumor="LUAD")
    assert [o.id for o in comparator] == ["flaura-standard-egfr-tki"] and comparator[0].months == 10.2
    osi = quant.outcomes["flaura-osimertinib"]
    assert (osi.months, osi.hazard_ratio, osi.hazard_ratio_ci95) == (18.9, 0.46, (0.37, 0.57))
    assert osi.hazard_ratio_vs == "flaura-standard-egfr-tki" and osi.source == "PMID:29151359"
    assert quant.outcomes_for(drug="imatinib", tumor="NSCLC") == []
    # AURA3 (second line, the larger arm) never displaces FLAURA's first-line osimertinib arm as a time target
    assert [o.id for o in quant.outcomes_for(drug="osimertinib", tumor="NSCLC")] == ["flaura-osimertinib"]
    aura3 = quant.outcomes_for(drug="osimertinib", tumor="NSCLC", line=2)
    assert [(o.id, o.months, o.n, o.objective_response, o.source) for o in aura3] == [
        ("aura3-osimertinib", 10.1, 279, 0.71, "PMID:27959700")]
    msg = _load_error(
        tmp_path, kb,
        "outcomes:\n  - id: bad\n    endpoint: median_pfs\n    months: 5\n    drugs: [erlotinib]\n"
        "    tumors: [NSCLC]\n    population: a made-up arm for the test\n    hazard_ratio: 0.5\n"
        "    hazard_ratio_vs: nowhere\n    source: PMID:29151359\n    where: test\n",
    )
    assert "hazard_ratio_vs" in msg and "nowhere" in msg
