"""The resistance classes of curated_2026_12_annot10k.yaml, on profiles written outside the file's own wording.

Each expectation is the cited source's finding, not the annotator's output: TYMS amplification marks colorectal
metastases resistant to 5-FU (Wang et al. 2004); low or absent SLFN11 makes cancer cells less sensitive to
topoisomerase I inhibitors (Zoppoli et al. 2012), PARP inhibitors and platinum (Pharmacol Ther 2019 review), and its
promoter methylation confers platinum resistance (Nogales et al. 2016); DHFR amplification arises in acute
lymphoblastic leukaemia relapsing after methotrexate (Goker et al. 1995); a tumour with NTRK3 G623R responded to
selitrectinib (Drilon et al. 2017, as CGI records it), which is investigational, so the labelled repotrectinib stays
first; somatic HLA class I loss predicts poor outcome on checkpoint blockade in melanoma (Chowell et al. 2018) and
nonsquamous lung cancer (PubMed 33127846). Drugs, tumour subtypes and class members other than those named in the
facts are used where the facts name a class or a parent tumour type; against the knowledge before this file every
resistance and selitrectinib test below fails (18 of 23).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import oncoresist
from oncoresist.annotate import annotate
from oncoresist.knowledge import load_knowledge

KB = load_knowledge()
FILE = Path(oncoresist.__file__).parent / "knowledge" / "data" / "facts" / "curated_2026_12_annot10k.yaml"


def _run(alts: list[str], drug: str, tumor: str) -> dict:  # type: ignore[type-arg]
    return annotate(alts, drug=drug, tumor=tumor, knowledge=KB).to_dict()


def _mechanisms(out: dict) -> set[str]:  # type: ignore[type-arg]
    """Mechanisms of the resistance-side findings that come from this file's facts."""
    return {
        f["mechanism"]
        for f in out["findings"]
        if f["effect"] != "sensitivity" and any(e["fact_id"].startswith("annot10k-") for e in f["evidence"])
    }


def test_every_fact_is_loaded_prefixed_and_cites_a_source_of_this_file() -> None:
    raw = yaml.safe_load(FILE.read_text(encoding="utf-8"))
    defined = {s["id"] for s in raw["sources"]}
    facts = {f.id: f for f in KB.facts}
    assert len(raw["facts"]) == 16
    assert {o["id"] for o in raw["options"]} <= {o.id for o in KB.options}
    for item in raw["facts"]:
        assert item["id"].startswith("annot10k-")
        fact = facts[item["id"]]
        assert set(fact.sources) <= defined
        assert all(s in KB.sources for s in fact.sources)
    inferred = facts["annot10k-tyms-amp-capecitabine-inferred"]
    assert inferred.evidence_level == "E" and inferred.summary.startswith("Inferred")


@pytest.mark.parametrize(
    ("alts", "drug", "tumor", "mechanism"),
    [
        (["TYMS amplification"], "5-FU", "colon adenocarcinoma", "target_amplification"),
        (["TYMS amp"], "Adrucil", "rectal adenocarcinoma", "target_amplification"),
        (["TYMS amplification"], "Xeloda", "COAD", "target_amplification"),
        (["DHFR amplification"], "MTX", "B-lymphoblastic leukemia", "target_amplification"),
        (["DHFR amp"], "methotrexate", "T-lymphoblastic leukemia/lymphoma", "target_amplification"),
        (["SLFN11 loss"], "topotecan", "small cell lung cancer", "dna_repair"),
        (["SLFN11 underexpression"], "irinotecan", "colorectal cancer", "dna_repair"),
        (["SLFN11 loss"], "niraparib", "high-grade serous ovarian cancer", "dna_repair"),
        (["SLFN11 underexpression"], "rucaparib", "prostate adenocarcinoma", "dna_repair"),
        (["SLFN11 loss"], "carboplatin", "SCLC", "dna_repair"),
        (["SLFN11 promoter methylation"], "oxaliplatin", "COADREAD", "epigenetic"),
        (["HLA-A loss"], "nivolumab", "cutaneous melanoma", "immune_evasion"),
        (["HLA-C loss"], "tremelimumab", "MEL", "immune_evasion"),
        (["HLA-B loss"], "durvalumab", "lung adenocarcinoma", "immune_evasion"),
        (["CD274 expression", "HLA-A loss"], "cemiplimab", "LUAD", "immune_evasion"),
    ],
)
def test_the_sources_resistance_is_called_with_its_mechanism(
    alts: list[str], drug: str, tumor: str, mechanism: str
) -> None:
    out = _run(alts, drug, tumor)
    assert out["verdict"] == "resistant", (alts, drug, tumor, out["verdict_reason"])
    assert mechanism in _mechanisms(out)


@pytest.mark.parametrize(
    ("alts", "drug", "tumor"),
    [
        (["TYMS amplification"], "irinotecan", "COAD"),  # not the drug's target; the source is about 5-FU
        (["SLFN11 loss"], "osimertinib", "LUAD"),  # not a DNA-damaging drug
        (["HLA-A loss"], "trastuzumab", "BRCA"),  # not a checkpoint antibody
        (["DHFR amplification"], "cytarabine", "BLL"),  # not the drug's target
    ],
)
def test_no_resistance_is_claimed_outside_the_sources_drugs(alts: list[str], drug: str, tumor: str) -> None:
    out = _run(alts, drug, tumor)
    assert out["verdict"] != "resistant"
    assert not any(e["fact_id"].startswith("annot10k-") for f in out["findings"] for e in f["evidence"])


def test_preclinical_slfn11_loss_does_not_overturn_an_approved_parp_indication() -> None:
    # BRCA1 loss in ovarian cancer is a labelled olaparib indication (level A); the SLFN11 evidence is level D,
    # so the verdict rule keeps the indication and lists the SLFN11 finding as a conflict.
    out = _run(["BRCA1 inactivating mutation", "SLFN11 loss"], "olaparib", "HGSOC")
    assert out["verdict"] == "sensitive"
    assert "dna_repair" in _mechanisms(out)


def test_selitrectinib_is_offered_after_larotrectinib_for_ntrk3_g623r_behind_the_labelled_repotrectinib() -> None:
    out = _run(["ETV6::NTRK3", "NTRK3 G623R"], "Vitrakvi", "infantile fibrosarcoma")
    assert out["verdict"] == "resistant"
    offered = [o["therapy"] for o in out["options"]]
    assert ["selitrectinib"] in offered and ["repotrectinib"] in offered
    assert offered.index(["repotrectinib"]) < offered.index(["selitrectinib"])
    on_it = _run(["ETV6::NTRK3", "NTRK3 G623R"], "LOXO-195", "IFS")
    assert on_it["verdict"] == "sensitive"
    assert any(e["fact_id"] == "annot10k-ntrk3-g623r-selitrectinib" for f in on_it["findings"] for e in f["evidence"])


def test_selitrectinib_is_not_offered_for_a_change_its_source_does_not_name() -> None:
    out = _run(["TPM3::NTRK1", "NTRK1 G667C"], "larotrectinib", "COAD")  # xDFG: not addressed by this option
    assert ["selitrectinib"] not in [o["therapy"] for o in out["options"]]
