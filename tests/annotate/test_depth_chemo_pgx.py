"""Depth table, class 5: chemotherapy pharmacogenomics and predictive markers, with germline and somatic wording.

A germline pharmacogene variant changes the drug's exposure, toxicity and starting dose, not the tumour's
sensitivity: the verdict stays ``unknown`` (no tumour evidence) and the result says why, naming the guideline.
Sources (none read from the annotator):
- CPIC guideline for DPYD genotype and fluoropyrimidine dosing, 2017 update (Amstutz et al., Clin Pharmacol Ther
  2018;103(2):210, PMID 29152729): fluorouracil and capecitabine doses by DPYD activity score;
- CPIC guideline for thiopurine dosing by TPMT and NUDT15 genotype, 2018 update (Relling et al., Clin Pharmacol
  Ther 2019;105(5):1095, PMID 30447069);
- DPWG UGT1A1-irinotecan guideline (Eur J Hum Genet 2023, DOI 10.1038/s41431-022-01243-2, Table 2) and the
  Camptosar label (UGT1A1*28 homozygotes: consider a reduced starting dose);
- Hegi et al., N Engl J Med 2005;352:997 (MGMT promoter methylation and benefit from temozolomide in glioblastoma);
- Lynparza (olaparib) US label, 1 Indications (germline BRCA-mutated advanced ovarian cancer, maintenance).
"""

from __future__ import annotations

import pytest
from tests.annotate._depth import Row, check, run

PGX = [
    (Row(("DPYD *2A",), "colorectal cancer", "fluorouracil", "unknown", "CPIC DPYD 2017"), "PMID:29152729"),
    (Row(("germline DPYD c.1905+1G>A",), "CRC", "Xeloda", "unknown", "CPIC DPYD 2017"), "PMID:29152729"),
    (Row(("DPYD poor metabolizer",), "breast cancer", "capecitabine", "unknown", "CPIC DPYD 2017"), "PMID:29152729"),
    (Row(("TPMT *3A/*3A",), "B-ALL", "mercaptopurine", "unknown", "CPIC thiopurines 2018"), "PMID:30447069"),
    (Row(("NUDT15 poor metabolizer",), "B-ALL", "6-MP", "unknown", "CPIC thiopurines 2018"), "PMID:30447069"),
    (Row(("UGT1A1*28 homozygous",), "colorectal cancer", "irinotecan", "unknown", "DPWG UGT1A1 2023; Camptosar"),
     "DOI:10.1038/s41431-022-01243-2"),
]  # fmt: skip


@pytest.mark.parametrize(("row", "source"), PGX, ids=[r.id for r, _ in PGX])
def test_germline_pharmacogene_is_explained_not_called(row: Row, source: str) -> None:
    check(row)
    res = run(row)
    (detail,) = [u for u in res.unrecognised_detail if u.kind == "alteration"]
    assert "germline pharmacogene" in detail.reason and source in detail.reason, detail.reason
    assert "not the tumour's sensitivity" in detail.reason


def test_pharmacogene_of_another_drug_says_so() -> None:
    res = run(Row(("UGT1A1 *28/*28",), "colorectal cancer", "oxaliplatin", "unknown", "DPWG UGT1A1 2023"))
    (detail,) = res.unrecognised_detail
    assert "of irinotecan (not of the drug(s) given)" in detail.reason


def test_a_pharmacogene_beside_a_tumour_change_leaves_the_tumour_verdict_alone() -> None:
    # KRAS G12D on cetuximab in colorectal cancer is resistant (Erbitux label: not for RAS-mutant CRC);
    # a DPYD variant beside it changes nothing in that
    res = run(Row(("KRAS G12D", "DPYD *2A"), "colorectal cancer", "cetuximab", "resistant", "Erbitux label"))
    assert res.verdict == "resistant"
    assert [u.input for u in res.unrecognised_detail] == ["DPYD *2A"]


MARKERS = [
    Row(("MGMT promoter methylated",), "glioblastoma", "temozolomide", "sensitive", "Hegi 2005"),
    Row(("MGMT promoter hypermethylation",), "GBM", "temozolomide", "sensitive", "Hegi 2005"),
    Row(("MGMT unmethylated",), "glioblastoma, IDH-wildtype", "temozolomide", "resistant", "Hegi 2005"),
    Row(("germline BRCA1 mutation",), "ovarian", "olaparib", "sensitive", "Lynparza label 1"),
    Row(("gBRCA2 mutation",), "ovarian cancer", "Lynparza", "sensitive", "Lynparza label 1"),
]  # fmt: skip


@pytest.mark.parametrize("row", MARKERS, ids=[r.id for r in MARKERS])
def test_predictive_marker_row(row: Row) -> None:
    check(row)


def test_unmethylated_mgmt_is_an_epigenetic_mechanism() -> None:
    res = run(MARKERS[2])
    top = next(f for f in res.findings if f.effect in ("resistance", "reduced_sensitivity"))
    assert top.mechanism == "epigenetic"
