"""Depth table, class 2: ALK, ROS1, RET, NTRK and MET exon 14 — on-target resistance mutations against the kinase
inhibitors they defeat, and the labelled next inhibitor.

Sources (expected verdicts and next lines; none read from the annotator):
- ESMO mNSCLC guideline recommendations as tabulated in PMC9489045 Table 1: ceritinib and alectinib after crizotinib
  (I, A), brigatinib after crizotinib (III, A), lorlatinib after a second-generation ALK TKI (III, A); Lorbrena
  (lorlatinib) US label, 1 Indications (ALK-positive metastatic NSCLC);
- Gainor et al., Cancer Discov 2016;6(10):1118 (ALK G1202R after second-generation inhibitors; lorlatinib active
  against ALK-mutant resistance); Yoda et al., Cancer Discov 2018 (compound G1202R + L1196M resistant to lorlatinib);
- Drilon et al., N Engl J Med 2024 (TRIDENT-1: repotrectinib responses in 10 of 17 ROS1 G2032R tumours after a ROS1
  TKI); Augtyro (repotrectinib) US label, 1 Indications (ROS1-positive NSCLC; NTRK-fusion solid tumours);
- Solomon et al., J Thorac Oncol 2020 (RET G810 solvent-front mutations after selpercatinib/pralsetinib);
- Vitrakvi (larotrectinib) and Rozlytrek (entrectinib) US labels (NTRK fusion, tissue-agnostic); TRK solvent-front
  mutations (NTRK1 G595R, NTRK3 G623R) defeat both (Drilon et al., Cancer Discov 2017 and the Augtyro label's
  NTRK population);
- Tepmetko (tepotinib) and Tabrecta (capmatinib) US labels (MET exon 14 skipping NSCLC); MET D1228/Y1230 mutations
  defeat type I MET inhibitors (Recondo et al., Clin Cancer Res 2020).
"""

from __future__ import annotations

import pytest
from tests.annotate._depth import Row, check

ROWS = [
    Row(("EML4::ALK", "ALK p.G1202R"), "NSCLC", "alectinib", "resistant", "ESMO (III, A); Gainor 2016",
        next=("lorlatinib",)),
    Row(("EML4-ALK fusion", "ALK G1202R"), "NSCLC", "lorlatinib", "sensitive", "Gainor 2016; Lorbrena label"),
    Row(("EML4::ALK", "ALK I1171N"), "lung adenocarcinoma", "alectinib", "resistant", "ESMO (III, A)",
        next=("lorlatinib",)),
    Row(("ALK rearrangement", "ALK L1196M"), "NSCLC", "crizotinib", "resistant", "ESMO (I, A)",
        next=("alectinib", "ceritinib", "brigatinib")),
    Row(("EML4::ALK", "ALK G1202R", "ALK L1196M"), "NSCLC", "lorlatinib", "resistant", "Yoda 2018"),
    Row(("CD74::ROS1", "ROS1 G2032R"), "NSCLC", "crizotinib", "resistant", "TRIDENT-1; Augtyro label",
        next=("repotrectinib",)),
    Row(("ROS1 rearrangement", "ROS1 G2032R"), "NSCLC", "repotrectinib", "sensitive", "TRIDENT-1"),
    Row(("KIF5B-RET fusion", "RET G810R"), "NSCLC", "selpercatinib", "resistant", "Solomon 2020"),
    Row(("CCDC6::RET", "RET G810S"), "NSCLC", "pralsetinib", "resistant", "Solomon 2020"),
    Row(("ETV6-NTRK3", "NTRK3 G623R"), "infantile fibrosarcoma", "larotrectinib", "resistant", "Drilon 2017",
        next=("repotrectinib",)),
    Row(("TPM3::NTRK1", "NTRK1 G595R"), "colorectal", "entrectinib", "resistant", "Drilon 2017",
        next=("repotrectinib",)),
    Row(("MET exon 14 skipping mutation", "MET D1228N"), "NSCLC", "capmatinib", "resistant", "Recondo 2020"),
    Row(("MET ex14 skipping",), "NSCLC", "tepotinib", "sensitive", "Tepmetko label 1"),
]  # fmt: skip


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_fusion_kinase_depth_row(row: Row) -> None:
    check(row)
