"""Potency transcribed from the primary tables in ../shared/data/potency: every number is found there.

Robichaux et al. 2021 (Nature) Fig. 2a source data and Hauser et al. 2018 (Commun Biol) supplementary
data. The file-reading tests skip where the shared folder is absent (a fresh clone elsewhere); the
behaviour tests (censoring, fold changes against the patient's driver, table over transcription) run
everywhere.
"""

from __future__ import annotations

import csv
import math
import statistics
from collections import defaultdict
from pathlib import Path

import pytest

from knowledge._helpers import SHARED_DATA
from oncoresist.knowledge.index import Knowledge
from oncoresist.knowledge.quant import PotencyEntry, QuantKnowledge, load_quant

ROBICHAUX_TSV = SHARED_DATA / "potency" / "robichaux2021_egfr" / "robichaux2021_fig2a_log10_ic50_ratio.tsv"
HAUSER_CSV = SHARED_DATA / "potency" / "hauser2018_abl1" / "hauser_mutations.csv"
ROBICHAUX = "DOI:10.1038/s41586-021-03898-1"
HAUSER = "DOI:10.1038/s42003-018-0075-x"


@pytest.fixture(scope="module")
def quant(curated_kb: Knowledge) -> QuantKnowledge:
    return load_quant(kb=curated_kb)


def _entries(q: QuantKnowledge, source: str) -> list[PotencyEntry]:
    return [e for e in q.potency_entries if e.source == source]


def _paper_name(e: PotencyEntry) -> str:
    return e.note.removeprefix("as written in the paper: ").split(" (")[0]


# ------------------------------------------------------------------ re-read the shared files
@pytest.mark.skipif(not ROBICHAUX_TSV.exists(), reason="shared Robichaux table absent")
def test_every_robichaux_replicate_is_in_the_source_table(quant: QuantKnowledge) -> None:
    table: dict[tuple[str, str], list[float]] = defaultdict(list)
    with ROBICHAUX_TSV.open(newline="") as fh:
        for r in csv.DictReader(fh, delimiter="\t"):
            table[(r["mutation"], r["drug"].lower())].append(float(r["log10_mutant_over_wt_ic50"]))
    entries = _entries(quant, ROBICHAUX)
    assert len(entries) > 500
    for e in entries:
        values = table[(_paper_name(e), e.drug)]
        assert sorted(e.log10_fold_replicates) == sorted(values), e.id
        assert e.fold_change is not None
        assert math.log10(e.fold_change) == pytest.approx(statistics.fmean(values), abs=1e-3), e.id
    # every row of a transcribed drug and mutant is kept: no replicate silently dropped
    kept = {(_paper_name(e), e.drug) for e in entries}
    assert sum(len(table[k]) for k in kept) == sum(len(e.log10_fold_replicates) for e in entries)


@pytest.mark.skipif(not ROBICHAUX_TSV.exists(), reason="shared Robichaux table absent")
def test_no_response_at_the_top_dose_is_censored_not_a_number(quant: QuantKnowledge) -> None:
    # the data README: 1.5555 marks no response at the top dose (erlotinib's plateau)
    e = quant.potency("erlotinib", ["EGFR L858R", "EGFR T790M"], source=ROBICHAUX)
    assert e is not None and e.fold_change_qualifier == ">"
    assert all(abs(v - 1.5555) < 1e-3 for v in e.log10_fold_replicates)
    assert set(e.replicate_qualifiers) == {">"}
    # a censored value recurs, identical, for other mutants of the same drug in the file
    with ROBICHAUX_TSV.open(newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    for entry in _entries(quant, ROBICHAUX):
        for v, qual in zip(entry.log10_fold_replicates, entry.replicate_qualifiers, strict=True):
            if qual == "=":
                continue
            others = {
                r["mutation"]
                for r in rows
                if r["drug"].lower() == entry.drug and float(r["log10_mutant_over_wt_ic50"]) == v
            }
            assert len(others) >= 2, (entry.id, v)


@pytest.mark.skipif(not HAUSER_CSV.exists(), reason="shared Hauser table absent")
def test_every_hauser_ic50_and_ddg_is_in_the_source_table(quant: QuantKnowledge) -> None:
    with HAUSER_CSV.open(newline="") as fh:
        table = {(r["tki"], r["mutation"]): r for r in csv.DictReader(fh)}
    entries = _entries(quant, HAUSER)
    assert len(entries) == 5 * 21 - 1  # five clinical ABL1 TKIs, ponatinib G250E left out
    rt = 0.0019872036 * 298.15
    for e in entries:
        mutation = e.alterations[1].removeprefix("ABL1 ")
        row = table[(e.drug, mutation)]
        assert e.ic50_nM == float(row["IC50"]) and e.ddg_exp_kcal_mol == float(row["ddG_exp"])
        assert (e.ic50_qualifier == ">") == (float(row["IC50"]) >= 10000)
        # the derived wild-type IC50 reproduces the file's own ddG for every uncensored row (within rounding)
        assert e.reference_ic50_nM is not None
        if e.ic50_qualifier == ">":
            continue
        fold = e.ic50_nM / e.reference_ic50_nM
        assert rt * math.log(fold) == pytest.approx(float(row["ddG_exp"]), abs=0.03), e.id
    assert ("ponatinib", "ABL1 G250E") not in {(e.drug, e.alterations[1]) for e in entries}


# ------------------------------------------------------------------ behaviour
def test_osimertinib_folds_against_the_patients_driver_from_one_table(quant: QuantKnowledge) -> None:
    # T790M is osimertinib's target (label: T790M-positive NSCLC), C797S its resistance mutation
    t790m = quant.fold_shift_detail("osimertinib", ["EGFR L858R", "EGFR T790M"], ["EGFR L858R"])
    c797s = quant.fold_shift_detail("osimertinib", ["EGFR ex19del", "EGFR T790M", "EGFR C797S"], ["EGFR ex19del"])
    assert t790m is not None and c797s is not None
    assert t790m[1] == "=" and t790m[0] < 10
    assert c797s[1] == "=" and c797s[0] > 100
    assert all(i.startswith("robichaux2021-osimertinib-") for i in (*t790m[2], *c797s[2]))


def test_the_table_wins_over_a_contradicting_transcription(tmp_path: Path, curated_kb: Knowledge) -> None:
    (tmp_path / "t.yaml").write_text(
        """schema_version: "1"
sources:
  - id: PMID:1
    citation: Synthetic primary table, not a publication
    confirmed_by: test fixture, Table 1
    url: https://example.org/1
  - id: PMID:2
    citation: Synthetic transcription, not a publication
    confirmed_by: test fixture, via CIViC
potency:
  - {id: civ, gene: EGFR, alterations: [EGFR L858R, EGFR T790M], reference: [EGFR L858R], drug: erlotinib,
     fold_change: 20, assay: synthetic, source: PMID:2, table: not named, transcribed_by: "civic:EID1"}
  - {id: tab-v, gene: EGFR, alterations: [EGFR L858R, EGFR T790M], reference: [EGFR wild-type], drug: erlotinib,
     fold_change: 30, fold_change_qualifier: ">", assay: synthetic, source: PMID:1, table: Table 1}
  - {id: tab-d, gene: EGFR, alterations: [EGFR L858R], reference: [EGFR wild-type], drug: erlotinib,
     fold_change: 0.1, assay: synthetic, source: PMID:1, table: Table 1}
""",
        encoding="utf-8",
    )
    q = load_quant(data_dir=tmp_path, kb=curated_kb)
    fold, qualifier, ids = q.fold_shift_detail("erlotinib", ["EGFR L858R", "EGFR T790M"], ["EGFR L858R"])  # type: ignore[misc]
    # the transcription's 20 contradicts the table's bound (> 30 / 0.1 = 300): the bound is used
    assert (qualifier, ids) == (">", ("tab-v", "tab-d")) and fold == pytest.approx(300)
