"""Depth table, class 1: EGFR uncommon mutations, exon 20 insertions, C797S with T790M, MET amplification after
osimertinib, in the words reports use (exon labels before the change, ``ex20ins``, ``in cis``).

Sources (expected verdicts and next lines; none read from the annotator):
- Gilotrif (afatinib) US label, 1 Indications and Usage (metastatic NSCLC with non-resistant EGFR mutations) and 14
  Clinical Studies (responses with L861Q, G719X, S768I);
- ESMO Clinical Practice Guideline, oncogene-addicted metastatic NSCLC (Hendriks et al., Ann Oncol 2023), first line:
  "patients with a major uncommon, non-exon 20 insertion, sensitising EGFR mutation: afatinib or osimertinib are
  options"; after first-line osimertinib: platinum-based chemotherapy;
- ASCO/Ontario Health living guideline, stage IV NSCLC with driver alterations, recommendation 1.9: EGFR exon 20
  insertions cause resistance to first- and second-generation EGFR TKIs;
- Rybrevant (amivantamab) US label, 1 Indications (EGFR exon 20 insertions: with carboplatin and pemetrexed first
  line; alone after platinum);
- Tagrisso (osimertinib) US label, 1 Indications (exon 19 deletion or L858R first line; T790M after an EGFR TKI);
- Thress et al., Nat Med 2015 (C797S defeats osimertinib), and the issue-10 regimen rule (osimertinib + savolitinib
  for MET amplification after osimertinib is given to overcome it, so it is not "resistant").
"""

from __future__ import annotations

import pytest
from tests.annotate._depth import Row, check

ROWS = [
    Row(("EGFR exon 18 G719A",), "NSCLC", "afatinib", "sensitive", "Gilotrif label 1, 14"),
    Row(("EGFR p.L861Q",), "lung adenocarcinoma", "afatinib", "sensitive", "Gilotrif label 1, 14"),
    Row(("EGFR S768I",), "NSCLC", "Gilotrif", "sensitive", "Gilotrif label 1, 14"),
    Row(("EGFR L861Q",), "NSCLC", "osimertinib", "sensitive", "ESMO 2023 mNSCLC, uncommon mutations"),
    Row(("EGFR exon 21 L858R",), "NSCLC", "osimertinib", "sensitive", "Tagrisso label 1"),
    Row(
        ("EGFR exon 20 p.A767_V769dup",), "NSCLC", "gefitinib", "resistant", "ASCO/OH 1.9; Rybrevant label 1",
        next=("amivantamab",),
    ),
    Row(("EGFR ex20ins",), "NSCLC", "erlotinib", "resistant", "ASCO/OH 1.9; Rybrevant label 1", next=("amivantamab",)),
    Row(("EGFR exon 20 insertion",), "NSCLC", ("amivantamab", "carboplatin", "pemetrexed"), "sensitive", "Rybrevant 1"),
    Row(
        ("EGFR exon 19 p.E746_A750del", "EGFR T790M"), "NSCLC", "gefitinib", "resistant", "Tagrisso label 1 (T790M)",
        next=("osimertinib",),
    ),
    Row(
        ("EGFR exon 19 deletion", "EGFR T790M", "EGFR C797S in cis"), "NSCLC", "osimertinib", "resistant",
        "Thress 2015; ESMO 2023 (platinum chemotherapy after osimertinib)", next=("carboplatin", "cisplatin"),
    ),
    Row(
        ("EGFR del19", "MET amplification (copy number 12)"), "NSCLC", "osimertinib", "resistant",
        "ESMO 2023 (platinum chemotherapy after osimertinib)", next=("carboplatin", "savolitinib", "tepotinib"),
    ),
    Row(("EGFR L858R", "MET amp"), "NSCLC", ("osimertinib", "savolitinib"), "sensitive", "issue-10 regimen rule"),
]  # fmt: skip


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_egfr_depth_row(row: Row) -> None:
    check(row)
