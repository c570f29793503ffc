"""curated_2026_12_annot7.yaml and the session-6 verdict clauses, end to end with the default knowledge.

Each expectation is the cited source's claim, not the annotator's output: EGFR A763_Y764insFQEA is inhibited like a
classical mutation by first-generation TKIs while the loop insertions are not (Robichaux et al. 2021, Fig. 2a source
data, re-read here from ../shared/data); FGFR3 V555M is the gatekeeper that made cells resistant to ATP-competitive
FGFR inhibitors (CIViC EID6408, re-read here); ROS1 G2032R blocks type I ROS1 inhibitors (Awad et al. 2013; entrectinib
inferred); ALK C1156Y + L1198F resists lorlatinib and responds to crizotinib (Shaw et al. 2016, CIViC EID843/844).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

import oncoresist
from oncoresist.annotate import annotate
from oncoresist.knowledge import load_knowledge

KB = load_knowledge()
FILE = Path(oncoresist.__file__).parent / "knowledge" / "data" / "facts" / "curated_2026_12_annot7.yaml"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
ROBICHAUX = SHARED / "potency" / "robichaux2021_egfr" / "robichaux2021_fig2a_log10_ic50_ratio.tsv"
CIVIC = SHARED / "civic" / "AcceptedClinicalEvidenceSummaries.tsv"


def verdict(alts: list[str], drug: str, tumor: str | None) -> str:
    return annotate(alts, drug=drug, tumor=tumor, knowledge=KB).verdict


def test_every_fact_is_loaded_sourced_prefixed_and_an_inference_says_so() -> None:
    raw = yaml.safe_load(FILE.read_text(encoding="utf-8"))
    facts = {f.id: f for f in KB.facts}
    for item in raw["facts"]:
        assert item["id"].startswith("annot7-")
        fact = facts[item["id"]]
        assert fact.sources and all(s in KB.sources for s in fact.sources)
        assert (fact.evidence_level == "E") == fact.summary.startswith("Inferred")


@pytest.mark.skipif(not ROBICHAUX.is_file(), reason="shared Robichaux 2021 source data not present")
def test_the_robichaux_numbers_in_the_summary_are_the_source_data_means() -> None:
    vals: dict[tuple[str, str], list[float]] = defaultdict(list)
    groups: dict[str, str] = {}
    with ROBICHAUX.open() as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            vals[(row["mutation"], row["drug"])].append(float(row["log10_mutant_over_wt_ic50"]))
            groups[row["mutation"]] = row["structural_group"]
    mean = {k: round(sum(v) / len(v), 2) for k, v in vals.items()}
    summary = next(f for f in KB.facts if f.id == "annot7-egfr-a763-insfqea-gen1").summary
    expected = [
        ("A763insFQEA", "Erlotinib", "erlotinib -0.38"), ("A763insFQEA", "Gefitinib", "gefitinib -0.76"),
        ("L858R", "Erlotinib", "L858R -1.17"), ("L858R", "Gefitinib", "-0.65"),
        ("A767insASV", "Erlotinib", "+1.58"), ("A767insASV", "Gefitinib", "+1.48"),
        ("S768dupSVD", "Erlotinib", "+1.06"), ("S768dupSVD", "Gefitinib", "+1.79"),
    ]
    for mutation, drug, text in expected:
        assert text.endswith(f"{mean[(mutation, drug)]:+.2f}".lstrip("+")), (mutation, drug)
        assert text in summary
    assert groups["A763insFQEA"] == "Classical-Like" and groups["A767insASV"] == "Ex20ins-L"


@pytest.mark.skipif(not CIVIC.is_file(), reason="shared CIViC snapshot not present")
def test_the_civic_item_behind_the_fgfr3_inference_says_what_the_source_entry_records() -> None:
    with CIVIC.open(encoding="utf-8") as fh:
        row = next(r for r in csv.DictReader(fh, delimiter="\t") if r["evidence_id"] == "6408")
    assert row["molecular_profile"] == "FGFR3 V555M" and row["significance"] == "Resistance"
    assert row["citation_id"] == "22869148" and "PD173074" in row["therapies"]


def test_the_fqea_insertion_is_sensitive_to_erlotinib_and_a_loop_insertion_is_not() -> None:
    assert verdict(["EGFR p.A763_Y764insFQEA"], "erlotinib", "NSCLC") == "sensitive"
    assert verdict(["EGFR A767_V769dup"], "erlotinib", "NSCLC") == "resistant"
    assert verdict(["EGFR exon 20 insertion"], "erlotinib", "NSCLC") == "resistant"


def test_a_gatekeeper_or_solvent_front_change_on_top_of_the_driver_defeats_the_drug() -> None:
    assert verdict(["FGFR3 S249C"], "erdafitinib", "urothelial carcinoma") == "sensitive"
    assert verdict(["FGFR3 S249C", "FGFR3 V555M"], "erdafitinib", "urothelial carcinoma") == "resistant"
    assert verdict(["ROS1 fusion"], "entrectinib", "NSCLC") == "sensitive"
    assert verdict(["ROS1 fusion", "ROS1 G2032R"], "entrectinib", "NSCLC") == "resistant"
    assert verdict(["ROS1 fusion", "ROS1 G2032R"], "repotrectinib", "NSCLC") == "sensitive"  # TRIDENT-1, level B


def test_alk_c1156y_l1198f_resensitises_to_crizotinib_and_resists_lorlatinib() -> None:
    assert verdict(["EML4::ALK", "ALK C1156Y", "ALK L1198F"], "crizotinib", "NSCLC") == "sensitive"
    assert verdict(["EML4::ALK", "ALK C1156Y", "ALK L1198F"], "lorlatinib", "NSCLC") == "resistant"
    assert verdict(["EML4::ALK", "ALK C1156Y"], "crizotinib", "NSCLC") == "resistant"  # C1156Y alone still resists
