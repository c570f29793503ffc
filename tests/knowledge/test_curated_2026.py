"""The 2026 curated layer (``facts/curated_2026_*.yaml``, issue 10).

Expected verdicts come from the FDA labels and the NCCN tables the facts cite, not from the
annotator's output: e.g. the dabrafenib label excludes colorectal cancer for intrinsic
resistance; the NCCN CML table lists nilotinib, not bosutinib, for ABL1 V299L.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from oncoresist.annotate.api import annotate
from oncoresist.knowledge.index import Knowledge
from oncoresist.knowledge.loader import DATA_DIR, read_knowledge_file
from oncoresist.knowledge.schema import Fact, KnowledgeFile, Option

FILES = sorted((DATA_DIR / "facts").glob("curated_2026_*.yaml"))
CIVIC = Path(__file__).resolve().parents[3] / "shared" / "data" / "civic" / "AcceptedClinicalEvidenceSummaries.tsv"
LABEL_RE = re.compile(r"^label:(?P<brand>[A-Z][\w-]*) \((?P<generic>[^)]+)\) FDA$")


@pytest.fixture(scope="module")
def files() -> dict[str, KnowledgeFile]:
    return {p.name: read_knowledge_file(p, f"facts/{p.name}") for p in FILES}


def test_the_areas_are_present(files: dict[str, KnowledgeFile]) -> None:
    areas = {n.removeprefix("curated_2026_").removesuffix(".yaml") for n in files}
    assert {
        "egfr",
        "mapk",
        "alk_ros1_ret_ntrk_met",
        "met_fgfr",
        "abl1_kit",
        "hem",
        "breast_prostate",
        "dna_repair_io",
    } <= areas
    assert sum(len(f.facts) for f in files.values()) >= 100


def test_each_file_defines_the_sources_it_cites(files: dict[str, KnowledgeFile]) -> None:
    for name, kf in files.items():
        defined = {s.id for s in kf.sources}
        items: list[Fact | Option] = [*kf.facts, *kf.options]
        for item in items:
            missing = set(item.sources) - defined
            assert not missing, (name, item.id, missing)
        for s in kf.sources:
            assert "session" in s.confirmed_by or "civic:EID" in s.confirmed_by, (name, s.id)


def test_label_sources_name_a_brand_of_the_generic(files: dict[str, KnowledgeFile], kb: Knowledge) -> None:
    """``label:Brand (generic) FDA``: the brand must be a synonym of that generic in the drug entities."""
    checked = 0
    for kf in files.values():
        for s in kf.sources:
            m = LABEL_RE.match(s.id)
            if not m or " and " in m["generic"]:
                continue
            drug = kb.drugs[m["generic"]]
            names = {n.lower() for n in drug.synonyms}
            assert m["brand"].lower() in names, (s.id, sorted(names))
            checked += 1
    assert checked >= 40


def test_label_cited_facts_name_approved_drugs(files: dict[str, KnowledgeFile], kb: Knowledge) -> None:
    for kf in files.values():
        for f in kf.facts:
            if any(s.startswith("label:") for s in f.sources) and f.effect == "sensitivity":
                for d in f.drugs:
                    assert kb.drugs[d].is_approved, (f.id, d)


@pytest.mark.skipif(not CIVIC.exists(), reason="shared CIViC snapshot not present")
def test_a_level_a_fact_citing_a_pmid_only_has_a_level_a_civic_item(files: dict[str, KnowledgeFile]) -> None:
    """A fact whose only support is a paper may not be ranked above the paper's CIViC level."""
    with CIVIC.open(encoding="utf-8") as fh:
        levels: dict[str, set[str]] = {}
        for r in csv.DictReader(fh, delimiter="\t"):
            levels.setdefault(r["citation_id"], set()).add(r["evidence_level"])
    for kf in files.values():
        for f in kf.facts:
            # papers CIViC does not hold (checked against their own pages) have no CIViC level to compare with
            if all(s.startswith("PMID:") and s.removeprefix("PMID:") in levels for s in f.sources):
                best = min(lv for s in f.sources for lv in levels[s.removeprefix("PMID:")])
                assert f.evidence_level >= best, (f.id, f.evidence_level, best)


CASES = [
    # (alterations, drug, tumour, verdict the cited label or guideline implies)
    (["BRAF V600E"], "dabrafenib", "COADREAD", "resistant"),  # Tafinlar: intrinsic resistance in CRC
    (["BRAF V600E"], "dabrafenib", "MEL", "sensitive"),
    (["BCR::ABL1", "ABL1 T315I"], "asciminib", "CML", "sensitive"),  # Scemblix T315I indication
    (["BCR::ABL1", "ABL1 V299L"], "bosutinib", "CML", "resistant"),  # NCCN CML table
    (["BCR::ABL1", "ABL1 V299L"], "nilotinib", "CML", "sensitive"),
    (["BCR::ABL1", "ABL1 F359I"], "nilotinib", "CML", "resistant"),
    (["KIT D816V"], "imatinib", "SM", "resistant"),  # Gleevec ASM: without D816V
    (["KIT D816V"], "avapritinib", "SM", "sensitive"),
    (["PDGFRA D842V"], "avapritinib", "GIST", "sensitive"),
    (["EGFR exon 20 insertion"], "osimertinib", "NSCLC", "resistant"),
    (["EGFR exon 20 insertion"], "sunvozertinib", "NSCLC", "sensitive"),
    (["ESR1 Y537S"], "elacestrant", "BRCA", "sensitive"),
    (["BTK C481S"], "zanubrutinib", "CLLSLL", "resistant"),
    (["BTK C481S"], "pirtobrutinib", "CLLSLL", "sensitive"),
    (["IDH2 R172K"], "vorasidenib", "ODG", "sensitive"),
    (["ETV6::NTRK3"], "repotrectinib", "BRCA", "sensitive"),  # tissue-agnostic
    (["BCR::ABL1"], "imatinib", "CML", "sensitive"),
    (["FGFR3 S249C"], "erdafitinib", "BLCA", "sensitive"),
    (["KIAA1549::BRAF"], "tovorafenib", "PAST", "sensitive"),
]


@pytest.mark.parametrize(("alts", "drug", "tumor", "verdict"), CASES)
def test_verdicts_follow_the_labels(kb: Knowledge, alts: list[str], drug: str, tumor: str, verdict: str) -> None:
    assert annotate(alts, drug=drug, tumor=tumor, knowledge=kb).to_dict()["verdict"] == verdict


@pytest.mark.parametrize(
    ("alts", "drug", "tumor", "expected"),
    [
        (["BRAF V600E"], "dabrafenib", "COADREAD", "encorafenib+cetuximab"),
        (["KIT D816V"], "imatinib", "SM", "avapritinib"),
        (["ESR1 D538G"], "anastrozole", "BRCA", "elacestrant"),
        (["BTK C481S"], "acalabrutinib", "CLLSLL", "venetoclax+rituximab"),
    ],
)
def test_next_options_name_the_approved_next_line(
    kb: Knowledge, alts: list[str], drug: str, tumor: str, expected: str
) -> None:
    options = [
        "+".join(o["therapy"]) for o in annotate(alts, drug=drug, tumor=tumor, knowledge=kb).to_dict()["options"]
    ]
    assert expected in options
