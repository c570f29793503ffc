"""The JSON contract, verdict rules, unrecognised inputs, errors and result invariants."""

from __future__ import annotations

import json
import pickle

import pytest

import oncoresist.annotate as annotate_module
from oncoresist._version import __version__
from oncoresist.annotate import annotate
from oncoresist.errors import AlterationSyntaxError, OncoresistError, UnknownNameError
from oncoresist.knowledge.loader import load_knowledge
from oncoresist.profile.schema import Profile

CONTRACT_KEYS = [
    "tumor", "drug", "verdict", "findings", "options", "unrecognised", "conflicts", "knowledge_version",
    "oncoresist_version",
]  # fmt: skip
FINDING_KEYS = [
    "alteration", "gene", "effect", "drugs", "mechanism", "origin", "evidence_level", "sources", "summary",
]  # fmt: skip
OPTION_KEYS = ["therapy", "rationale", "addresses", "evidence_level"]


@pytest.fixture(scope="module")
def kb():  # type: ignore[no-untyped-def]
    return load_knowledge(include_imports=False)


def test_contract_fields_and_values(kb):
    res = annotate(["EGFR L858R", "EGFR T790M"], drug="erlotinib", tumor="NSCLC", knowledge=kb)
    d = json.loads(res.to_json())
    assert list(d)[: len(CONTRACT_KEYS)] == CONTRACT_KEYS  # the contract fields first, in order; additions after
    assert d["tumor"] == "NSCLC" and d["drug"] == ["erlotinib"] and d["verdict"] == "resistant"
    assert d["knowledge_version"] == kb.version and d["oncoresist_version"] == __version__
    for f in d["findings"]:
        assert list(f)[: len(FINDING_KEYS)] == FINDING_KEYS
        assert f["effect"] in ("resistance", "reduced_sensitivity", "sensitivity")
        if f["effect"] == "sensitivity":
            assert f["mechanism"] is None  # sensitivity carries no resistance mechanism class
        else:
            assert f["mechanism"] in kb.mechanisms
        assert f["evidence_level"] in "ABCDE" and f["sources"]
    for o in d["options"]:
        assert list(o)[: len(OPTION_KEYS)] == OPTION_KEYS
        assert o["addresses"] and o["therapy"]


def test_findings_ranked_by_evidence(kb):
    res = annotate(["EGFR T790M", "MET amplification", "small cell transformation"], drug="erlotinib",
                   tumor="NSCLC", knowledge=kb)  # fmt: skip
    levels = [f.evidence_level for f in res.findings]
    assert len(levels) >= 2 and levels == sorted(levels)
    opt_levels = [o.evidence_level for o in res.options]
    assert opt_levels == sorted(opt_levels)


def test_unrecognised_goes_to_list_not_error(kb):
    res = annotate(["EGFR T790M", "EGFR A289V"], drug="erlotinib", tumor="NSCLC", knowledge=kb)
    assert res.unrecognised == ["EGFR A289V"]


def test_no_finding_is_unknown(kb):
    res = annotate(["EGFR A289V"], drug="erlotinib", tumor="NSCLC", knowledge=kb)
    assert res.verdict == "unknown" and res.findings == [] and res.options == []


def test_sensitive_when_only_sensitivity(kb):
    res = annotate(["EGFR T790M"], drug="osimertinib", tumor="NSCLC", knowledge=kb)
    assert res.verdict == "sensitive"
    assert {f.effect for f in res.findings} == {"sensitivity"}


@pytest.mark.parametrize(
    ("kwargs", "kind", "suggestion"),
    [
        ({"profile": ["EFGR T790M"], "drug": "erlotinib"}, "gene", "EGFR"),
        ({"profile": ["EGFR T790M"], "drug": "erlotinb"}, "drug", "erlotinib"),
        ({"profile": ["EGFR T790M"], "drug": "Tagriso"}, "drug", "Tagrisso"),
    ],
)
def test_unknown_names_suggest(kb, kwargs, kind, suggestion):
    with pytest.raises(UnknownNameError) as exc:
        annotate(kwargs.pop("profile"), knowledge=kb, **kwargs)
    assert exc.value.kind.startswith(kind)
    assert suggestion in exc.value.suggestions


def test_unknown_tumor(kb):
    with pytest.raises(UnknownNameError, match="tumor"):
        annotate(["EGFR T790M"], drug="erlotinib", tumor="lung adenocarcinomaa", knowledge=kb)


def test_bad_alteration(kb):
    with pytest.raises(AlterationSyntaxError):
        annotate(["EGFR T790Q9"], drug="erlotinib", knowledge=kb)


def test_no_drug(kb):
    with pytest.raises(OncoresistError, match="no drug"):
        annotate(["EGFR T790M"], knowledge=kb)


def test_profile_object_and_drug_plus_syntax(kb):
    prof = Profile(tumor="NSCLC", drugs=["Tarceva"], alterations=["EGFR T790M", {"alteration": "EGFR L858R"}])
    res = annotate(prof, knowledge=kb)
    assert res.drug == ["erlotinib"] and res.verdict == "resistant"
    combo = annotate(["EGFR T790M"], drug="erlotinib + osimertinib", tumor="NSCLC", knowledge=kb)
    assert combo.drug == ["erlotinib", "osimertinib"]


def test_module_is_callable(kb):
    res = annotate_module(["EGFR T790M"], drug="erlotinib", tumor="NSCLC", knowledge=kb)
    assert res.verdict == "resistant"


def test_result_pickles_and_inputs_unchanged(kb):
    alts = ["EGFR L858R", "EGFR T790M"]
    before = list(alts)
    res = annotate(alts, drug="erlotinib", tumor="NSCLC", knowledge=kb)
    assert alts == before
    again = pickle.loads(pickle.dumps(res))
    assert again == res
    assert annotate(alts, drug="erlotinib", tumor="NSCLC", knowledge=kb) == res


def test_without_tumour_tumour_specific_facts_apply(kb):
    res = annotate(["EGFR T790M"], drug="erlotinib", knowledge=kb)
    assert res.tumor is None and res.verdict == "resistant"


def test_engine_drug_index_agrees_with_knowledge(kb):
    from oncoresist.annotate.api import annotator_for

    ann = annotator_for(kb)
    for i, fact in enumerate(kb.facts):
        assert ann._fact_drugs[i] == kb.fact_drugs(fact), fact.id
