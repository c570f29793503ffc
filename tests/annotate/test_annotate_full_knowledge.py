"""The annotator over the full knowledge (curated + CIViC + CGI snapshots, ../shared/data).

The expected verdicts and options are established clinical knowledge (drug labels and
guidelines), not outputs copied from the code: T790M defeats first-generation EGFR TKIs;
osimertinib + savolitinib is given *for* MET amplification on osimertinib; encorafenib +
cetuximab is approved for BRAF V600E colorectal cancer; imatinib is the standard for
BCR::ABL1 CML; later-generation ALK inhibitors are used after crizotinib failure with ALK
L1196M.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from oncoresist.annotate import annotate
from oncoresist.annotate.api import annotate_samples
from oncoresist.annotate.batch import result_row
from oncoresist.knowledge.loader import load_knowledge
from oncoresist.profile.observed import SampleProfile


@pytest.fixture(scope="module")
def kb(full_import_dir: Path):  # type: ignore[no-untyped-def]
    return load_knowledge(imports=full_import_dir)


def run(kb, alts, drug, tumor=None):  # type: ignore[no-untyped-def]
    return annotate(alts, drug=drug, tumor=tumor, knowledge=kb)


def therapies(res) -> set[tuple[str, ...]]:  # type: ignore[no-untyped-def]
    return {tuple(sorted(o.therapy)) for o in res.options}


def test_imports_are_loaded(kb):
    assert any(f.record and f.record.startswith("civic:") for f in kb.facts)
    assert any(f.record and f.record.startswith("cgi:") for f in kb.facts)


def test_no_two_findings_identical_egfr_l858r_t790m_erlotinib(kb):
    res = run(kb, ["EGFR L858R", "EGFR T790M"], "erlotinib", "NSCLC")
    keys = [(f.alteration, tuple(f.drugs), f.effect, f.mechanism) for f in res.findings]
    assert len(keys) == len(set(keys))
    assert res.verdict == "resistant"
    t790m = next(f for f in res.findings if f.alteration == "EGFR T790M" and f.effect == "resistance")
    # one finding carries the evidence of all three databases, grouped by origin
    assert {"curated", "civic", "cgi"} <= set(t790m.databases)
    assert t790m.evidence_level == "A" and len(t790m.evidence) >= 3
    assert all(f.mechanism is None for f in res.findings if f.effect == "sensitivity")
    d = res.to_dict()["findings"][0]
    assert min(d["n_evidence"], 25) == len(d["evidence"]) and all("tumor_relation" in e for e in d["evidence"])


def test_abl1_t315i_imatinib_is_a_few_findings_not_a_hundred(kb):
    res = run(kb, ["BCR::ABL1", "ABL1 T315I"], "imatinib", "CML")
    assert res.verdict == "resistant"
    keys = [(f.alteration, tuple(f.drugs), f.effect, f.mechanism) for f in res.findings]
    assert len(keys) == len(set(keys)) and len(res.findings) < 15
    assert {"ponatinib", "asciminib"} & {d for o in res.options for d in o.therapy}
    assert not {"imatinib", "dasatinib", "nilotinib", "bosutinib"} & {d for o in res.options for d in o.therapy}


def test_bcr_abl1_imatinib_without_tumour_is_not_resistant(kb):
    res = run(kb, ["BCR::ABL1"], "imatinib")
    assert res.verdict == "sensitive"
    assert res.tumor is None and res.to_dict()["tumor_scope"] == "tumor-agnostic"
    # tumour-specific evidence is marked as such (its tumours named, relation not assessed)
    assert all(e.relation in ("not_assessed", "any") for f in res.findings for e in f.evidence)
    assert any(e.tumors for f in res.findings for e in f.evidence)


def test_osimertinib_savolitinib_for_met_amplification(kb):
    alts = ["EGFR exon 19 deletion", "MET amplification"]
    combo = run(kb, alts, ["osimertinib", "savolitinib"], "NSCLC")
    assert combo.verdict != "resistant"
    assert ("osimertinib", "savolitinib") not in therapies(combo)
    met = next(f for f in combo.findings if f.alteration == "MET amplification" and f.effect == "resistance")
    # overcome by savolitinib, or outranked by regimen-level evidence (the curated option for the pair)
    assert met.status in ("overcome", "outranked") and met.note
    alone = run(kb, alts, "osimertinib", "NSCLC")
    assert alone.verdict == "resistant"
    assert ("osimertinib", "savolitinib") in therapies(alone)


def test_encorafenib_cetuximab_braf_v600e_colorectal(kb):
    assert run(kb, ["BRAF V600E"], ["encorafenib", "cetuximab"], "COADREAD").verdict == "sensitive"
    mono = run(kb, ["BRAF V600E"], "vemurafenib", "COADREAD")
    assert mono.verdict == "resistant"
    assert ("cetuximab", "encorafenib") in therapies(mono)


def test_alk_l1196m_on_crizotinib_options_from_loaded_evidence(kb):
    res = run(kb, ["EML4::ALK", "ALK L1196M"], "crizotinib", "NSCLC")
    assert res.verdict == "resistant"
    offered = {o.therapy[0]: o for o in res.options if len(o.therapy) == 1}
    assert {"alectinib", "ceritinib", "lorlatinib"} <= set(offered)
    assert offered["ceritinib"].basis == "sensitivity_evidence" and offered["ceritinib"].sources
    assert "crizotinib" not in offered
    for o in res.options:
        assert o.rationale and o.addresses and o.sources


def test_t790m_first_generation_plus_chemo_is_still_resistant(kb):
    # a weak regimen-level report does not outrank level-A per-drug resistance
    res = run(kb, ["EGFR L858R", "EGFR T790M"], ["erlotinib", "pemetrexed"], "NSCLC")
    assert res.verdict == "resistant"


def test_tumour_scope_keeps_other_tumours_with_lower_standing(kb):
    res = run(kb, ["BRAF V600E"], "vemurafenib", "MEL")
    assert res.verdict == "sensitive"
    other = [f for f in res.findings if f.status == "lower_standing"]
    assert other and all(f.tumor_relation in ("sibling", "unrelated") for f in other)


def test_valid_drug_without_knowledge_is_unrecognised_with_reason(kb):
    ann_drugs = {d for f in kb.facts for d in f.drugs} | {d for o in kb.options for d in o.therapy}
    classes = {c for f in kb.facts for c in f.drug_classes}
    idle = next((d for d in sorted(kb.drugs) if d not in ann_drugs and not (kb.classes_of(d) & classes)), None)
    if idle is None:
        pytest.skip("every drug in the knowledge has facts")
    res = run(kb, ["EGFR T790M"], idle, "NSCLC")
    assert idle in res.unrecognised
    detail = next(u for u in res.unrecognised_detail if u.input == idle)
    assert detail.kind == "drug" and "no fact" in detail.reason


def test_batch_row_has_level_databases_conflicts_and_empty_samples(kb):
    empty = SampleProfile("S-empty")
    full = SampleProfile("S-full")
    from oncoresist.profile.observed import parse_observed

    for text in ("EGFR L858R", "EGFR T790M"):
        full.add(parse_observed(text, kb))
    rows = [result_row(r) for r in annotate_samples([full, empty], drug="erlotinib", tumor="NSCLC", knowledge=kb)]
    assert [r["sample"] for r in rows] == ["S-full", "S-empty"]
    assert rows[0]["evidence_level"] == "A" and "civic" in rows[0]["databases"].split(";")
    assert rows[1]["verdict"] == "unknown" and rows[1]["status"] != "annotated"
