"""The known-gap classes of curated_2026_12_annot5.yaml, and the drug targets filled with their label sources.

Each expectation is the cited source's finding, not the annotator's output: ROS1 D2033N arises on crizotinib
(Gainor et al. 2017) and repotrectinib is labelled after a ROS1 TKI; EGFR L718Q/V with L858R defeat osimertinib and
stay afatinib-sensitive (Starrett et al. 2020; Robichaux et al. 2021 Fig. 2a, whose numbers are re-read here from the
shared source data); cereblon-depleted myeloma stays bortezomib-sensitive (Zhu et al. 2011) and a regimen without an
IMiD is labelled; talquetamab's antigen is GPRC5D, not BCMA (Talvey label); the guideline treats neuroendocrine
prostate cancer with platinum-etoposide; no source read says futibatinib covers FGFR2 V565F.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

import oncoresist
from oncoresist.annotate import annotate
from oncoresist.errors import KnowledgeError
from oncoresist.knowledge import load_knowledge
from oncoresist.knowledge.schema import Drug

KB = load_knowledge()
FILE = Path(oncoresist.__file__).parent / "knowledge" / "data" / "facts" / "curated_2026_12_annot5.yaml"
ROBICHAUX = (
    Path(__file__).resolve().parents[3] / "shared" / "data" / "potency" / "robichaux2021_egfr"
    / "robichaux2021_fig2a_log10_ic50_ratio.tsv"
)  # fmt: skip


def _run(alts: list[str], drug: str, tumor: str) -> dict:  # type: ignore[type-arg]
    return annotate(alts, drug=drug, tumor=tumor, knowledge=KB).to_dict()


def _offered(out: dict, n: int = 5) -> set[str]:  # type: ignore[type-arg]
    return {d for o in out["options"][:n] for d in o["therapy"]}


def test_every_fact_and_option_is_loaded_sourced_and_prefixed() -> None:
    raw = yaml.safe_load(FILE.read_text(encoding="utf-8"))
    facts = {f.id: f for f in KB.facts}
    for item in raw["facts"]:
        assert item["id"].startswith("annot5-")
        assert all(s in KB.sources for s in facts[item["id"]].sources)
    assert {o["id"] for o in raw["options"]} <= {o.id for o in KB.options}
    inferred = facts["annot5-ros1-d2033n-entrectinib-inferred"]
    assert inferred.evidence_level == "E" and inferred.summary.startswith("Inferred")


@pytest.mark.skipif(not ROBICHAUX.is_file(), reason="shared Robichaux 2021 source data not present")
def test_the_robichaux_numbers_in_the_summaries_are_the_source_data_means() -> None:
    vals: dict[tuple[str, str], list[float]] = defaultdict(list)
    with ROBICHAUX.open() as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            vals[(row["mutation"], row["drug"])].append(float(row["log10_mutant_over_wt_ic50"]))
    mean = {k: round(sum(v) / len(v), 2) for k, v in vals.items()}
    assert mean[("L858R", "Osimertinib")] == -1.58
    assert mean[("L858R/L718Q", "Osimertinib")] == 1.07
    assert mean[("L858R/L718V", "Osimertinib")] == 0.64
    assert mean[("L858R/C797S", "Osimertinib")] == 1.21
    assert mean[("L858R/L718Q", "Afatinib")] == -1.10
    assert mean[("L858R/L718V", "Afatinib")] == -2.56
    assert mean[("Ex19del", "Osimertinib")] == -3.63
    assert mean[("Ex19del/G724S", "Osimertinib")] == 0.36
    assert mean[("Ex19del/G724S", "Afatinib")] == -0.38
    assert mean[("Ex19del/L718Q", "Osimertinib")] == -0.48
    summary = {f.id: f.summary for f in KB.facts}
    assert "-1.58" in summary["annot5-egfr-l858r-l718q-osimertinib"]
    assert "+1.07" in summary["annot5-egfr-l858r-l718q-osimertinib"]
    assert "-2.56" in summary["annot5-egfr-l858r-l718v-afatinib"]
    assert "-3.63" in summary["annot5-egfr-ex19del-g724s-osimertinib"]
    assert "+0.36" in summary["annot5-egfr-ex19del-g724s-osimertinib"]
    assert "-0.38" in summary["annot5-egfr-ex19del-g724s-afatinib"]


@pytest.mark.parametrize("second", ["EGFR L718Q", "EGFR L718V", "EGFR p.Leu718Gln"])
def test_l718_with_l858r_defeats_osimertinib_and_leaves_afatinib(second: str) -> None:
    out = _run(["EGFR L858R", second], "osimertinib", "NSCLC")
    assert out["verdict"] == "resistant"
    res = [f for f in out["findings"] if f["effect"] == "resistance"]
    assert res and res[0]["mechanism"] == "on_target_mutation"
    assert "afatinib" in {d for o in out["options"] for d in o["therapy"]}
    assert "osimertinib" not in {d for o in out["options"] for d in o["therapy"] if len(o["therapy"]) == 1}
    assert _run(["EGFR L858R", second], "afatinib", "NSCLC")["verdict"] == "sensitive"


@pytest.mark.parametrize("driver", ["EGFR exon 19 deletion", "EGFR E746_A750del", "EGFR del19"])
def test_g724s_with_an_exon19_deletion_defeats_osimertinib_and_leaves_afatinib(driver: str) -> None:
    out = _run([driver, "EGFR G724S"], "osimertinib", "LUAD")
    assert out["verdict"] == "resistant"
    assert next(f for f in out["findings"] if f["effect"] == "resistance")["mechanism"] == "on_target_mutation"
    assert "afatinib" in {d for o in out["options"] for d in o["therapy"]}
    assert _run([driver, "EGFR G724S"], "afatinib", "LUAD")["verdict"] == "sensitive"


def test_l718q_with_exon19_deletion_is_not_claimed() -> None:
    # the Ba/F3 data show Ex19del/L718Q still osimertinib-sensitive (log10 ratio -0.48): no fact claims otherwise
    assert _run(["EGFR exon 19 deletion", "EGFR L718Q"], "osimertinib", "NSCLC")["verdict"] != "resistant"


@pytest.mark.parametrize("fusion", ["ROS1 fusion", "CD74::ROS1", "EZR-ROS1 fusion"])
def test_ros1_d2033n_defeats_crizotinib_and_repotrectinib_comes_first(fusion: str) -> None:
    out = _run([fusion, "ROS1 D2033N"], "crizotinib", "LUAD")
    assert out["verdict"] == "resistant"
    assert out["options"][0]["therapy"] == ["repotrectinib"]
    assert "cabozantinib" not in _offered(out, 8)  # no confirmed source for cabozantinib against D2033N


def test_ros1_d2033n_entrectinib_is_an_inferred_finding() -> None:
    out = _run(["ROS1 D2033N"], "entrectinib", "NSCLC")
    assert out["verdict"] == "resistant"
    assert out["findings"][0]["evidence_level"] == "E"


def test_cereblon_loss_offers_an_imid_free_regimen_and_no_imid() -> None:
    for alt, drug in (("CRBN loss", "lenalidomide"), ("CRBN mutation", "pomalidomide")):
        out = _run([alt], drug, "multiple myeloma")
        assert out["verdict"] == "resistant"
        offered = {d for o in out["options"] for d in o["therapy"]}
        assert {"daratumumab", "carfilzomib"} <= offered
        assert not offered & {"lenalidomide", "pomalidomide", "thalidomide"}
    assert "bortezomib" in _offered(_run(["CRBN loss"], "lenalidomide", "MM"))


@pytest.mark.parametrize("drug", ["teclistamab", "elranatamab", "idecabtagene vicleucel", "ciltacabtagene autoleucel"])
def test_bcma_loss_offers_the_gprc5d_engager_and_no_bcma_drug(drug: str) -> None:
    out = _run(["TNFRSF17 loss"], drug, "MM")
    assert out["verdict"] == "resistant"
    offered = {d for o in out["options"] for d in o["therapy"]}
    assert "talquetamab" in offered
    bcma = {n for n, d in KB.drugs.items() if "TNFRSF17" in d.targets}
    assert {"teclistamab", "elranatamab", "idecabtagene vicleucel", "belantamab mafodotin"} <= bcma
    assert not offered & bcma


@pytest.mark.parametrize("drug", ["enzalutamide", "abiraterone", "apalutamide"])
def test_neuroendocrine_prostate_cancer_offers_platinum_etoposide(drug: str) -> None:
    out = _run(["neuroendocrine transformation", "RB1 loss", "TP53 loss"], drug, "prostate adenocarcinoma")
    assert out["verdict"] == "resistant"
    assert "etoposide" in _offered(out) and _offered(out) & {"carboplatin", "cisplatin"}
    assert not _offered(out, 8) & {"enzalutamide", "abiraterone", "apalutamide", "darolutamide"}


def test_fgfr2_v565f_does_not_offer_futibatinib() -> None:
    out = _run(["FGFR2 fusion", "FGFR2 V565F"], "pemigatinib", "CHOL")
    assert out["verdict"] == "resistant"
    assert "futibatinib" not in {d for o in out["options"] for d in o["therapy"]}
    assert _run(["FGFR2 fusion", "FGFR2 V565F"], "futibatinib", "CHOL")["verdict"] == "resistant"


# ------------------------------------------------------------------------------------------- drug targets
def test_labelled_targeted_drugs_name_their_targets_with_a_label_source() -> None:
    expect = {"revumenib": ["MEN1"], "ziftomenib": ["MEN1"], "teclistamab": ["TNFRSF17"], "lenalidomide": ["CRBN"],
              "pembrolizumab": ["PDCD1"], "atezolizumab": ["CD274"], "rituximab": ["MS4A1"], "belzutifan": ["EPAS1"],
              "tarlatamab": ["DLL3"], "sacituzumab govitecan": ["TACSTD2"]}  # fmt: skip
    for name, targets in expect.items():
        d = KB.drugs[name]
        assert d.targets == targets, name
        assert d.target_sources and all(s.startswith("label:") and s in KB.sources for s in d.target_sources), name


def test_target_sources_without_targets_are_refused() -> None:
    with pytest.raises(ValueError, match="target_sources given but targets is empty"):
        Drug(name="x", classes=["kinase_inhibitor"], target_sources=["label:X (x) FDA"])


def test_a_target_source_outside_every_sources_section_is_a_one_line_knowledge_error(tmp_path: Path) -> None:
    src = Path(oncoresist.__file__).parent / "knowledge" / "data"
    import shutil

    shutil.copytree(src, tmp_path / "data")
    drugs = tmp_path / "data" / "entities" / "drugs.yaml"
    text = drugs.read_text(encoding="utf-8")
    assert "target_sources: ['label:Revuforj (revumenib) FDA']" in text
    drugs.write_text(text.replace("label:Revuforj (revumenib) FDA", "label:Nowhere (revumenib) FDA"), encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"revumenib.*target_sources\[0\].*not in any sources: section"):
        load_knowledge(data_dir=tmp_path / "data", include_imports=False)


@pytest.mark.parametrize("tumor", ["biliary tract cancer", "gallbladder cancer", "iCCA", "BTC"])
def test_zanidatamab_is_labelled_for_her2_positive_biliary_tract_cancer(tumor: str) -> None:
    out = _run(["ERBB2 overexpression"], "zanidatamab", tumor)
    assert out["verdict"] == "sensitive"
    assert any("label:Ziihera (zanidatamab) FDA" in f["sources"] for f in out["findings"])
