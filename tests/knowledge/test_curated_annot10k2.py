"""curated_2026_12_annot10k2.yaml end to end with the default knowledge, on profiles worded here (not from a check set).

Each expectation is the cited source's claim, not the annotator's output: secondary PDGFRA kinase-domain mutations
(V658A, N659K, Y676C, G680R) found at progression on avapritinib (Grunewald et al. 2021); FGFR2 kinase-domain changes
acquired on a reversible FGFR inhibitor (Goyal et al. 2017, CGI row) with futibatinib as the next line, PI3K/mTOR
escapes (PIK3CA, TSC1) treated with everolimus and lirafugratinib active against the gatekeeper V565 (Facchinetti et al.
2024);
acquired MET amplification in a ROS1-rearranged lung cancer on lorlatinib (npj Precis Oncol 2023); loss of HER2 after
trastuzumab in gastric cancer (Pietrantonio et al. 2016); taletrectinib after crizotinib/entrectinib (Ibtrozi label).
Profiles use other fusion partners, variant spellings, brand names and tumour names in words than the YAML does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

import oncoresist
from oncoresist.knowledge import load_knowledge
from oncoresist.knowledge.index import Knowledge

FILE = Path(oncoresist.__file__).parent / "knowledge" / "data" / "facts" / "curated_2026_12_annot10k2.yaml"


@pytest.fixture(scope="module")
def kb() -> Knowledge:
    return load_knowledge()


def _run(kb: Knowledge, alts: list[str], drug: str, tumor: str | None) -> dict[str, Any]:
    return oncoresist.annotate(alts, drug=drug, tumor=tumor, knowledge=kb).to_dict()


def _decisive(out: dict[str, Any], alteration: str) -> list[dict[str, Any]]:
    return [
        f
        for f in out["findings"]
        if f["effect"] != "sensitivity" and f.get("status") == "decisive" and alteration in f["alteration"]
    ]


def _fact_records(out: dict[str, Any]) -> set[str]:
    return {e["record"] for f in out["findings"] for e in f.get("evidence", [])}


def _decisive_records(out: dict[str, Any]) -> set[str]:
    """Records behind the findings that decide (a fact of an unrelated tumour may be listed, not decide)."""
    return {e["record"] for f in out["findings"] if f.get("status") == "decisive" for e in f.get("evidence", [])}


def _option_records(out: dict[str, Any]) -> dict[str, set[str]]:
    return {"+".join(o["therapy"]): set(o["records"]) for o in out["options"]}


def test_every_entry_is_prefixed_sourced_and_registered(kb: Knowledge) -> None:
    raw = yaml.safe_load(FILE.read_text(encoding="utf-8"))
    facts = {f.id: f for f in kb.facts}
    options = {o.id: o for o in kb.options}
    for item in raw["facts"]:
        assert item["id"].startswith("annot10k2-")
        fact = facts[item["id"]]
        assert fact.sources and all(s in kb.sources for s in fact.sources)
        assert (fact.evidence_level == "E") == fact.summary.startswith("Inferred")
    for item in raw["options"]:
        assert item["id"].startswith("annot10k2-opt-")
        assert all(s in kb.sources for s in options[item["id"]].sources)
    assert "lirafugratinib" in kb.drugs and not kb.drugs["lirafugratinib"].is_approved


@pytest.mark.parametrize(
    ("second", "drug", "tumor"),
    [
        ("PDGFRA p.Val658Ala", "Ayvakit", "gastrointestinal stromal tumor"),
        ("PDGFRA N659K", "avapritinib", "GIST"),
        ("PDGFRA p.Y676C", "BLU-285", "gastrointestinal stromal tumour"),
        ("PDGFRA G680R", "Ayvakit", "GIST"),
    ],
)
def test_secondary_pdgfra_mutation_defeats_avapritinib(kb: Knowledge, second: str, drug: str, tumor: str) -> None:
    # Grunewald et al., Cancer Discov 2021 (DOI:10.1158/2159-8290.CD-20-0487)
    out = _run(kb, ["PDGFRA p.D842V", second], drug, tumor)
    assert out["verdict"] == "resistant"
    assert [f["mechanism"] for f in _decisive(out, "PDGFRA")] == ["on_target_mutation"]


def test_primary_d842v_alone_stays_avapritinib_sensitive(kb: Knowledge) -> None:
    assert _run(kb, ["PDGFRA D842V"], "Ayvakit", "gastrointestinal stromal tumor")["verdict"] == "sensitive"


@pytest.mark.parametrize(
    ("fusion", "second", "drug"),
    [
        ("FGFR2-BICC1 fusion", "FGFR2 p.L618F", "Pemazyre"),
        ("FGFR2::AHCYL1", "FGFR2 K660N", "infigratinib"),
        ("FGFR2 rearrangement", "FGFR2 K642R", "erdafitinib"),
    ],
)
def test_fgfr2_kinase_domain_change_defeats_reversible_inhibitor_and_futibatinib_follows(
    kb: Knowledge, fusion: str, second: str, drug: str
) -> None:
    # Goyal et al. 2017 (PMID:28034880, CGI row: L617V, K659M, K641R on infigratinib); Facchinetti et al. 2024
    out = _run(kb, [fusion, second], drug, "intrahepatic cholangiocarcinoma")
    assert out["verdict"] == "resistant"
    assert [f["mechanism"] for f in _decisive(out, second.split()[-1].removeprefix("p."))] == ["on_target_mutation"]
    assert "futibatinib" in _option_records(out)


@pytest.mark.parametrize("escape", ["TSC1 p.R692*", "PIK3CA H1047R"])
def test_pi3k_mtor_escape_from_fgfr_inhibitor_points_to_everolimus(kb: Knowledge, escape: str) -> None:
    # Facchinetti et al. 2024: PI3K/mTOR escapes; two patients with TSC1 or PIK3CA mutations benefited from everolimus
    out = _run(kb, ["FGFR2::BICC1", escape], "Lytgobi", "cholangiocarcinoma")
    assert out["verdict"] == "resistant"
    assert [f["mechanism"] for f in _decisive(out, escape.split()[0])] == ["downstream_pathway"]
    assert "annot10k2-opt-chol-pi3k-mtor-everolimus" in _option_records(out).get("everolimus", set())


def test_tsc1_loss_is_shown_as_inferred_and_does_not_override_the_approved_drug(kb: Knowledge) -> None:
    # only TSC1 mutations were reported; the loss is an inference (level E), so the fusion's label sensitivity stands
    out = _run(kb, ["FGFR2::BICC1", "TSC1 deletion"], "Pemazyre", "cholangiocarcinoma")
    assert out["verdict"] == "sensitive"
    found = [f for f in out["findings"] if f["alteration"] == "TSC1 loss"]
    assert [(f["effect"], f["evidence_level"], f["status"]) for f in found] == [("resistance", "E", "outweighed")]


def test_the_cholangiocarcinoma_escape_does_not_reach_urothelial_cancer(kb: Knowledge) -> None:
    out = _run(kb, ["FGFR3 S249C", "PIK3CA E545K"], "Balversa", "bladder urothelial carcinoma")
    assert out["verdict"] == "sensitive"
    assert "annot10k2-pik3ca-fgfr-inhibitors-chol" not in _decisive_records(out)
    assert all("annot10k2-opt-chol-pi3k-mtor-everolimus" not in r for r in _option_records(out).values())


def test_lirafugratinib_is_offered_for_the_gatekeeper_only(kb: Knowledge) -> None:
    # Facchinetti et al. 2024: lirafugratinib active against V565L/F/Y in Ba/F3 and PDX (preclinical, level D)
    gatekeeper = _run(kb, ["FGFR2::BICC1", "FGFR2 V565Y"], "futibatinib", "intrahepatic cholangiocarcinoma")
    assert gatekeeper["verdict"] == "resistant"
    assert "lirafugratinib" in _option_records(gatekeeper)
    brake = _run(kb, ["FGFR2::BICC1", "FGFR2 N550K"], "futibatinib", "intrahepatic cholangiocarcinoma")
    assert "lirafugratinib" not in _option_records(brake)


def test_met_amplification_escapes_lorlatinib_in_ros1_lung_cancer_only(kb: Knowledge) -> None:
    # npj Precis Oncol 2023 (PMID:37923925): acquired MET amplification after sequential ROS1 inhibitors
    ros1 = _run(kb, ["SDC4::ROS1", "MET amplification"], "Lorbrena", "lung adenocarcinoma")
    assert ros1["verdict"] == "resistant"
    assert "annot10k2-ros1-met-amp-lorlatinib" in _decisive_records(ros1)
    alk = _run(kb, ["EML4::ALK", "MET amplification"], "Lorbrena", "lung adenocarcinoma")
    assert "annot10k2-ros1-met-amp-lorlatinib" not in _fact_records(alk)


def test_taletrectinib_follows_crizotinib_for_the_solvent_front_change_only(kb: Knowledge) -> None:
    out = _run(kb, ["SLC34A2::ROS1", "ROS1 p.G2032R"], "Xalkori", "lung adenocarcinoma")
    assert out["verdict"] == "resistant"
    assert "annot10k2-opt-ros1-ontarget-taletrectinib" in _option_records(out).get("taletrectinib", set())
    other = _run(kb, ["SLC34A2::ROS1", "ROS1 L2026M"], "Xalkori", "lung adenocarcinoma")
    assert all("annot10k2-opt-ros1-ontarget-taletrectinib" not in r for r in _option_records(other).values())


def test_loss_of_her2_after_trastuzumab_in_gastric_cancer(kb: Knowledge) -> None:
    # Pietrantonio et al. 2016 (PMID:27578417): HER2 positivity lost in 32% of paired post-trastuzumab samples
    out = _run(kb, ["HER2 underexpression"], "Herceptin", "gastroesophageal junction adenocarcinoma")
    assert out["verdict"] == "resistant"
    assert [f["mechanism"] for f in _decisive(out, "ERBB2")] == ["target_alteration"]
    assert _run(kb, ["ERBB2 amplification"], "Herceptin", "stomach adenocarcinoma")["verdict"] == "sensitive"
    # the source is gastric: in breast cancer the finding is marked as recorded in another tumour type
    breast = _run(kb, ["ERBB2 underexpression"], "Herceptin", "breast invasive ductal carcinoma")
    found = [f for f in breast["findings"] if f["alteration"] == "ERBB2 underexpression"]
    assert [(f["tumor_relation"], f["standing"]) for f in found] == [("unrelated", "lower")]
