"""The 2026-12 curated layer (``facts/curated_2026_12_*.yaml``, issue 10), annotated with the curated layer only.

One profile per fact family. The expected verdicts and next lines come from what the cited labels, guidelines and
papers say, not from the annotator's output: e.g. the Lynparza label lists RAD51C among the PROfound HRR genes; the
Vanflyta label is for FLT3-ITD AML; NCCN Colon Cancer excludes anti-EGFR antibodies for RAS-mutant disease and names
FOLFOX/FOLFIRI with bevacizumab; Facchinetti et al. 2024 found only N550 and V565 mutations after futibatinib.
"""

from __future__ import annotations

import pytest

from oncoresist.annotate.api import annotate
from oncoresist.knowledge.index import Knowledge
from oncoresist.knowledge.loader import DATA_DIR, read_knowledge_file
from oncoresist.knowledge.schema import KnowledgeFile

FILES = sorted((DATA_DIR / "facts").glob("curated_2026_12_*.yaml"))
PROFOUND_GENES = [
    "BRCA1",
    "BRCA2",
    "ATM",
    "BARD1",
    "BRIP1",
    "CDK12",
    "CHEK1",
    "CHEK2",
    "FANCL",
    "PALB2",
    "RAD51B",
    "RAD51C",
    "RAD51D",
    "RAD54L",
]


@pytest.fixture(scope="module")
def files() -> dict[str, KnowledgeFile]:
    return {p.name: read_knowledge_file(p, f"facts/{p.name}") for p in FILES}


def _result(kb: Knowledge, alts: list[str], drug: str | list[str], tumor: str | None) -> dict[str, object]:
    return annotate(alts, drug=drug, tumor=tumor, knowledge=kb).to_dict()


def test_the_areas_are_present(files: dict[str, KnowledgeFile]) -> None:
    areas = {n.removeprefix("curated_2026_12_").removesuffix(".yaml") for n in files}
    assert {"hem", "targeted", "next_lines", "hrr_biomarkers"} <= areas


def test_every_profound_gene_has_an_olaparib_prostate_fact(kb: Knowledge) -> None:
    """The Lynparza label's PROfound gene list, gene by gene (BRCA1/2 from the 2026 file, the rest from 2026-12)."""
    genes = {
        a.split()[0]
        for f in kb.facts
        if f.id.startswith(("cur26-", "cur2612-")) and f.drugs == ["olaparib"] and "PRAD" in f.tumors
        for a in f.alterations
    }
    assert set(PROFOUND_GENES) <= genes, sorted(set(PROFOUND_GENES) - genes)


def test_class_level_facts_name_a_class_or_several_drugs(files: dict[str, KnowledgeFile], kb: Knowledge) -> None:
    """A class-level resistance fact must reach every approved member of its class (the point of stating it so)."""
    kf = files["curated_2026_12_targeted.yaml"]
    fact = next(f for f in kf.facts if f.id == "cur2612-kras-g12c-y96-class")
    members = {d for d, drug in kb.drugs.items() if "kras_g12c_inhibitor" in kb.classes_of(d) and drug.is_approved}
    assert {"sotorasib", "adagrasib"} <= members
    assert fact.drug_classes == ["kras_g12c_inhibitor"]


VERDICTS = [
    # approved uses that came out `unknown` (labels)
    (["RAD51C inactivating mutation"], "olaparib", "PRAD", "sensitive"),  # Lynparza, PROfound
    (["FANCL loss"], "olaparib", "PRAD", "sensitive"),
    (["CDK12 inactivating mutation"], ["talazoparib", "enzalutamide"], "PRAD", "sensitive"),  # Talzenna, TALAPRO-2
    (["FLT3-ITD"], "quizartinib", "AML", "sensitive"),  # Vanflyta
    (["KMT2A::MLLT3"], "revumenib", "AML", "sensitive"),  # Revuforj, KMT2A translocation
    (["KMT2A rearrangement"], "revumenib", "BLL", "sensitive"),
    (["NPM1 W288fs"], "ziftomenib", "AML", "sensitive"),  # Komzifti
    (["FGFR2::BICC1"], "pemigatinib", "CHOL", "sensitive"),  # Pemazyre
    (["FGFR2 fusion"], "futibatinib", "IHCH", "sensitive"),  # Lytgobi
    (["PML::RARA"], "arsenic trioxide", "AML", "sensitive"),  # Trisenox
    (["CLDN18 expression"], ["zolbetuximab", "fluorouracil", "leucovorin", "oxaliplatin"], "STAD", "sensitive"),
    (["VHL loss"], "belzutifan", "CCRCC", "sensitive"),  # Welireg
    (["H3-3A K27M"], "dordaviprone", "DMG", "sensitive"),  # Modeyso
    # class-level on-target and bypass resistance (papers)
    (["MET exon 14 skipping", "MET D1228N"], "capmatinib", "NSCLC", "resistant"),
    (["MET exon 14 skipping", "MET Y1230C"], "tepotinib", "NSCLC", "resistant"),
    (["EML4::ALK", "MET amplification"], "lorlatinib", "NSCLC", "resistant"),
    (["EML4::ALK", "MET amplification"], "crizotinib", "NSCLC", "sensitive"),  # crizotinib inhibits ALK and MET
    (["KRAS G12C", "KRAS Y96D"], "sotorasib", "NSCLC", "resistant"),
    (["KRAS G12C", "KRAS G12V"], "sotorasib", "NSCLC", "resistant"),
    (["KRAS G12C"], "sotorasib", "NSCLC", "sensitive"),  # the added alteration, not the driver, decides
    (["KRAS G12C"], "sotorasib", "COADREAD", "resistant"),  # Lumakras: CRC only with panitumumab
    (["KRAS G12C"], ["sotorasib", "panitumumab"], "COADREAD", "sensitive"),
    (["FGFR2 fusion", "FGFR2 V565F"], "pemigatinib", "CHOL", "resistant"),
    (["FGFR2 fusion", "FGFR2 N550K"], "futibatinib", "IHCH", "resistant"),
    (["FGFR2::BICC1", "FGFR2 V564F"], "infigratinib", "CHOL", "resistant"),
    (["EGFR L858R", "CD274 expression"], "pembrolizumab", "NSCLC", "resistant"),  # NCCN NSCLC; Keytruda excludes EGFR
    (["KRAS G12C", "CD274 expression"], "pembrolizumab", "NSCLC", "sensitive"),  # Keytruda: PD-L1 TPS >= 1%
    (["STK11 loss"], "pembrolizumab", "LUAD", "resistant"),  # Skoulidis 2018 (civic EID6441)
    (["EML4::ALK", "ALK L1198F"], "lorlatinib", "NSCLC", "resistant"),  # Shaw 2016 (civic EID843)
]


@pytest.mark.parametrize(("alts", "drug", "tumor", "verdict"), VERDICTS)
def test_verdicts_follow_the_sources(
    kb: Knowledge, alts: list[str], drug: str | list[str], tumor: str, verdict: str
) -> None:
    assert _result(kb, alts, drug, tumor)["verdict"] == verdict


NEXT = [
    # (profile, drug, tumour, a therapy the cited guideline/label/paper names as the next line)
    (["KRAS G12D"], "cetuximab", "COADREAD", "fluorouracil+leucovorin+oxaliplatin+bevacizumab"),  # NCCN Colon
    (["NRAS Q61K"], "panitumumab", "COADREAD", "fluorouracil+leucovorin+irinotecan+bevacizumab"),
    (["KIF5B::RET", "RET G810R"], "selpercatinib", "NSCLC", "carboplatin+pemetrexed"),  # NCCN NSCLC
    (["EML4::ALK", "MET amplification"], "alectinib", "NSCLC", "crizotinib"),  # Dagogo-Jack 2020
    (["MET exon 14 skipping", "MET Y1230C"], "capmatinib", "NSCLC", "cabozantinib"),  # type II active on Y1230X
    (["FGFR2 fusion", "FGFR2 V565F"], "pemigatinib", "CHOL", "fluorouracil+leucovorin+oxaliplatin"),  # NCCN BTC
    (["PLCG2 R665W"], "ibrutinib", "CLLSLL", "venetoclax+obinutuzumab"),  # NCCN CLL
    (["BCL2 G101V"], "venetoclax", "CLLSLL", "pirtobrutinib"),
    (["FLT3-ITD", "FLT3 D835Y"], "quizartinib", "AML", "gilteritinib"),  # Xospata: FLT3-TKD
    (["AR F877L"], "enzalutamide", "PRAD", "docetaxel"),  # NCCN Prostate
    (["BRAF V600E", "NRAS Q61K"], "vemurafenib", "MEL", "nivolumab+ipilimumab"),  # NCCN Melanoma
    (["KIT exon 11 mutation", "KIT T670I"], "imatinib", "GIST", "sunitinib"),  # Sutent: GIST after imatinib
    (["EML4::ALK", "ALK L1198F"], "lorlatinib", "NSCLC", "crizotinib"),  # Shaw 2016 (civic EID844)
    (["EGFR L858R", "KRAS G12D"], "osimertinib", "NSCLC", "carboplatin+pemetrexed"),  # NCCN NSCLC
]


@pytest.mark.parametrize(("alts", "drug", "tumor", "expected"), NEXT)
def test_next_options_name_the_standard_next_line(
    kb: Knowledge, alts: list[str], drug: str, tumor: str, expected: str
) -> None:
    out = _result(kb, alts, drug, tumor)
    assert out["verdict"] == "resistant"
    options = ["+".join(o["therapy"]) for o in out["options"]]  # type: ignore[attr-defined]
    assert expected in options, options


def test_futibatinib_is_not_offered_for_the_mutations_found_after_it(kb: Knowledge) -> None:
    """After futibatinib only N550 and V565 changes were found (Facchinetti 2024): it is no way out of them."""
    for alt in ("FGFR2 N550K", "FGFR2 V565F"):
        out = _result(kb, ["FGFR2 fusion", alt], "pemigatinib", "CHOL")
        assert ["futibatinib"] not in [o["therapy"] for o in out["options"]], alt  # type: ignore[attr-defined]


def test_anti_egfr_chemotherapy_options_stay_in_colorectal_cancer(kb: Knowledge) -> None:
    """The RAS-mutant doublets are a colorectal guideline: not offered for an EGFR antibody in head and neck cancer."""
    out = _result(kb, ["KRAS G12D"], "cetuximab", "HNSC")
    assert out["verdict"] == "resistant"
    assert "fluorouracil+leucovorin+oxaliplatin+bevacizumab" not in [
        "+".join(o["therapy"])
        for o in out["options"]  # type: ignore[attr-defined]
    ]
