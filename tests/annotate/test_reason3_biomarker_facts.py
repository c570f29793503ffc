"""A biomarker fact (as a curator writes one from a label) is reached from the ways a profile reports it.

The fact lives in a temporary copy of the curated layer (the project's facts YAML is not changed): pembrolizumab-like
"dMMR" sensitivity in endometrial carcinoma. An MMR-gene loss is a *possible* match (weaker, still deciding), a
measured dMMR or MSI-H report matches, a gene outside the MMR set does not.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

import oncoresist.knowledge.loader as loader_mod
from oncoresist.annotate import annotate
from oncoresist.knowledge import load_knowledge
from oncoresist.knowledge.index import Knowledge

_FACTS = {
    "schema_version": "1",
    "sources": [
        {
            "id": "label:test dMMR biomarker",
            "citation": "test fixture: a label-style dMMR indication (not shipped)",
            "confirmed_by": "test fixture only",
        }
    ],
    "facts": [
        {
            "id": "test-dmmr-ucec-dostarlimab",
            "alterations": ["dMMR"],
            "drugs": ["dostarlimab"],
            "tumors": ["UCEC"],
            "effect": "sensitivity",
            "mechanism": "immune_evasion",
            "origin": "primary",
            "evidence_level": "A",
            "sources": ["label:test dMMR biomarker"],
            "summary": "test fixture: dMMR endometrial carcinoma responds to PD-1 blockade",
        }
    ],
}


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Knowledge:
    data = tmp_path_factory.mktemp("curated") / "data"
    shutil.copytree(Path(loader_mod.__file__).parent / "data", data)
    (data / "facts" / "zz_test_biomarker.yaml").write_text(yaml.safe_dump(_FACTS), encoding="utf-8")
    return load_knowledge(data_dir=data, include_imports=False)


@pytest.mark.parametrize("profile", [["dMMR"], ["mismatch repair deficient"], ["MSI-H"], ["MLH1 loss"], ["MSH2 Q601*"]])
def test_mmr_reports_reach_the_dmmr_fact(kb: Knowledge, profile: list[str]) -> None:
    res = annotate(profile, drug="dostarlimab", tumor="endometrial carcinoma", knowledge=kb)
    assert res.verdict == "sensitive"
    # the shipped layer now has the Jemperli dMMR facts too (curated_2026_12_kb3_solid.yaml): the fixture fact is
    # one evidence item of the deciding finding
    deciding = res.to_dict()["findings"][0]
    assert "test-dmmr-ucec-dostarlimab" in {e["fact_id"] for e in deciding["evidence"]}


def test_gene_loss_is_only_a_possible_match(kb: Knowledge) -> None:
    exact = annotate(["dMMR"], drug="dostarlimab", tumor="endometrial carcinoma", knowledge=kb).findings[0]
    maybe = annotate(["MLH1 loss"], drug="dostarlimab", tumor="endometrial carcinoma", knowledge=kb).findings[0]
    assert (exact.match, maybe.match) == ("exact", "possible")


@pytest.mark.parametrize("profile", [["pMMR"], ["MSS"], ["KRAS G12D"]])
def test_other_states_do_not_reach_it(kb: Knowledge, profile: list[str]) -> None:
    res = annotate(profile, drug="dostarlimab", tumor="endometrial carcinoma", knowledge=kb)
    assert all(f.fact_id != "test-dmmr-ucec-dostarlimab" for f in res.findings)
