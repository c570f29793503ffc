"""curated_2026_12_annot10k3.yaml end to end with the default knowledge, on report lines worded here (no check set).

Each expectation is the approval the cited page states, not the annotator's output: an antigen-directed drug meets a
tumour that expresses its antigen (Blincyto, Kymriah, Yescarta, Tecartus, Zynlonta: CD19; Besponsa: CD22; Mylotarg:
CD33-positive AML; Rituxan, Gazyva, Lunsumio, Columvi, Epkinly: CD20; Tecvayli, Elrexfio, Abecma: BCMA; Talvey:
GPRC5D), and venetoclax was approved for CLL with 17p deletion (April 2016). The same drug with the antigen stated
negative, or the finding stated not detected, must not come out sensitive. Profiles use brand names, report wordings
("by flow", "(FISH 40% of nuclei)") and tumour names in words.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

import oncoresist
from oncoresist.errors import OncoresistError
from oncoresist.knowledge import load_knowledge
from oncoresist.knowledge.index import Knowledge

FILE = Path(oncoresist.__file__).parent / "knowledge" / "data" / "facts" / "curated_2026_12_annot10k3.yaml"


@pytest.fixture(scope="module")
def kb() -> Knowledge:
    return load_knowledge()


def _run(kb: Knowledge, alts: list[str], drug: str, tumor: str | None) -> dict[str, Any]:
    return oncoresist.annotate(alts, drug=drug, tumor=tumor, knowledge=kb).to_dict()


def _decisive_records(out: dict[str, Any]) -> set[str]:
    return {e["record"] for f in out["findings"] if f.get("status") == "decisive" for e in f.get("evidence", [])}


def test_every_entry_is_prefixed_level_a_sensitivity_and_sourced(kb: Knowledge) -> None:
    raw = yaml.safe_load(FILE.read_text(encoding="utf-8"))
    facts = {f.id: f for f in kb.facts}
    assert len(raw["facts"]) >= 18
    for item in raw["facts"]:
        assert item["id"].startswith("annot10k3-")
        fact = facts[item["id"]]
        assert (fact.effect, fact.evidence_level) == ("sensitivity", "A")
        assert fact.tumors, item["id"]  # an approval is tumour-specific
        assert fact.sources and all(s in kb.sources for s in fact.sources)
        assert all(s.startswith("label:") for s in fact.sources)


@pytest.mark.parametrize(
    ("finding", "drug", "tumor", "record"),
    [
        (
            "CD19 positive by flow", "Blincyto", "B-cell acute lymphoblastic leukemia",
            "annot10k3-cd19-expr-bll-blinatumomab",
        ),
        ("CD19 expressed", "Kymriah", "follicular lymphoma", "annot10k3-cd19-expr-tisagenlecleucel"),
        ("CD19 positive (IHC)", "axi-cel", "diffuse large B-cell lymphoma", "annot10k3-cd19-expr-axicabtagene"),
        ("CD19 positive by flow cytometry", "Tecartus", "mantle cell lymphoma", "annot10k3-cd19-expr-brexucabtagene"),
        ("CD19 positive", "Breyanzi", "high-grade B-cell lymphoma", "annot10k3-cd19-expr-lisocabtagene"),
        ("CD19 positive by IHC", "Zynlonta", "DLBCL", "annot10k3-cd19-expr-loncastuximab"),
        ("CD22 positive by flow", "Besponsa", "B-ALL", "annot10k3-cd22-expr-bll-inotuzumab"),
        (
            "CD33 expressed (flow, 80% of blasts)", "Mylotarg", "acute myeloid leukaemia",
            "annot10k3-cd33-expr-aml-gemtuzumab",
        ),
        ("CD20 positive by flow cytometry", "Rituxan", "follicular lymphoma", "annot10k3-ms4a1-expr-fl-rituximab"),
        ("CD20 positive", "Gazyva", "chronic lymphocytic leukemia", "annot10k3-ms4a1-expr-cll-obinutuzumab"),
        ("CD20 expressed", "Lunsumio", "FL", "annot10k3-ms4a1-expr-fl-mosunetuzumab"),
        ("CD20 positive (IHC)", "Columvi", "diffuse large B-cell lymphoma", "annot10k3-ms4a1-expr-lbcl-glofitamab"),
        ("CD20 positive", "Epkinly", "follicular lymphoma", "annot10k3-ms4a1-expr-epcoritamab"),
        ("BCMA positive", "Tecvayli", "multiple myeloma", "annot10k3-tnfrsf17-expr-pcm-teclistamab"),
        ("BCMA expression", "Elrexfio", "RRMM", "annot10k3-tnfrsf17-expr-pcm-elranatamab"),
        ("BCMA positive by flow", "ide-cel", "plasma cell myeloma", "annot10k3-tnfrsf17-expr-pcm-idecabtagene"),
        ("BCMA positive", "Carvykti", "relapsed multiple myeloma", "annot10k3-tnfrsf17-expr-pcm-ciltacabtagene"),
        ("GPRC5D positive", "Talvey", "multiple myeloma", "annot10k3-gprc5d-expr-pcm-talquetamab"),
    ],
)
def test_antigen_present_meets_the_approval(kb: Knowledge, finding: str, drug: str, tumor: str, record: str) -> None:
    out = _run(kb, [finding], drug, tumor)
    assert out["verdict"] == "sensitive"
    assert record in _decisive_records(out)
    assert all(f["tumor_relation"] != "unrelated" for f in out["findings"] if f.get("status") == "decisive")


@pytest.mark.parametrize(
    ("finding", "drug", "tumor"),
    [
        ("CD19 negative by flow", "Blincyto", "B-cell acute lymphoblastic leukemia"),
        ("CD19-negative relapse", "Kymriah", "B-ALL"),
        ("CD19 negative", "Tecartus", "mantle cell lymphoma"),
        ("CD22 negative", "Besponsa", "B-ALL"),
        ("CD33 negative by flow", "Mylotarg", "AML"),
        ("CD20 negative", "Rituxan", "follicular lymphoma"),
        ("CD20-negative relapse", "Columvi", "DLBCL"),
        ("BCMA negative", "Tecvayli", "multiple myeloma"),
        ("BCMA antigen loss", "Abecma", "multiple myeloma"),
        ("GPRC5D negative", "Talvey", "multiple myeloma"),
    ],
)
def test_antigen_stated_negative_is_not_sensitive(kb: Knowledge, finding: str, drug: str, tumor: str) -> None:
    out = _run(kb, [finding], drug, tumor)
    assert out["verdict"] != "sensitive"
    assert not any(r.startswith("annot10k3-") for r in _decisive_records(out))


@pytest.mark.parametrize("finding", ["del(17p)", "17p deletion (FISH 40% of nuclei)", "del(17p) (TP53 deletion)"])
def test_venetoclax_meets_the_17p_deleted_cll_approval(kb: Knowledge, finding: str) -> None:
    out = _run(kb, [finding], "Venclexta", "chronic lymphocytic leukaemia")
    assert out["verdict"] == "sensitive"
    assert "annot10k3-cll-17p-venetoclax" in _decisive_records(out)


@pytest.mark.parametrize("finding", ["17p deletion not detected", "no del(17p)", "TP53 wild-type"])
def test_venetoclax_without_the_deletion_is_not_sensitive_by_this_fact(kb: Knowledge, finding: str) -> None:
    try:
        out = _run(kb, [finding], "venetoclax", "CLL")
    except OncoresistError:
        return  # a wording the parser refuses is no deletion either
    assert out["verdict"] != "sensitive"
    assert "annot10k3-cll-17p-venetoclax" not in _decisive_records(out)


def test_an_approval_in_one_tumour_is_shown_as_other_tumour_evidence_elsewhere(kb: Knowledge) -> None:
    # the Blincyto approval is for B-ALL: in AML the finding is marked as recorded in another tumour type
    out = _run(kb, ["CD19 positive by flow"], "blinatumomab", "acute myeloid leukemia")
    found = [f for f in out["findings"] if f["alteration"] == "CD19 expression"]
    assert [(f["tumor_relation"], f["standing"]) for f in found] == [("unrelated", "lower")]


def test_the_antigen_of_another_drug_does_not_count(kb: Knowledge) -> None:
    # CD22 on the blasts says nothing of the CD19-directed engager, CD20 nothing of a BCMA-directed one
    assert _run(kb, ["CD22 positive"], "Blincyto", "B-ALL")["verdict"] != "sensitive"
    assert _run(kb, ["CD20 positive"], "Tecvayli", "multiple myeloma")["verdict"] != "sensitive"
