"""Verdict rule 3b (issue 10): in a compound genotype the secondary change's clinical sensitivity governs over
resistance evidence on the primary driver alone — and only then.

Expectations come from Heinrich MC et al., J Clin Oncol 2008;26(33):5352-9 ( sunitinib after imatinib in GIST: secondary
KIT exon 13/14 mutations, V654A and T670I, were associated with benefit from sunitinib, exon 17/18 mutations with
its failure), from the Sutent label (GIST after imatinib), and from Thress KS et al., Nat Med 2015 (PMID:25939061:
C797S defeats osimertinib). The combinations are not in the benchmark case files.
"""

from __future__ import annotations

from oncoresist.annotate import annotate
from oncoresist.annotate.result import EvidenceItem, Finding
from oncoresist.annotate.verdict import weigh
from oncoresist.knowledge import load_knowledge

KB = load_knowledge()


def _verdict(alts: list[str], drug: str | list[str], tumor: str) -> str:
    return annotate(alts, drug=drug, tumor=tumor, knowledge=KB).verdict


def test_exon9_driver_with_exon13_secondary_is_sensitive_to_sunitinib() -> None:
    res = annotate(["KIT A502_Y503dup", "KIT V654A"], drug="sunitinib", tumor="GIST", knowledge=KB)
    assert res.verdict == "sensitive", res.verdict_reason
    assert not [f for f in res.findings if f.effect != "sensitivity" and f.status == "decisive"]


def test_exon14_gatekeeper_secondary_is_sensitive_to_sunitinib() -> None:
    res = annotate(["KIT W557_K558del", "KIT T670I"], drug="sunitinib", tumor="GIST", knowledge=KB)
    assert res.verdict == "sensitive", res.verdict_reason
    driver = [f for f in res.findings if f.alteration == "KIT W557_K558del" and f.effect == "resistance"]
    assert driver and all(f.status == "outweighed" for f in driver)
    assert "arose on KIT W557_K558del under imatinib" in driver[0].note
    assert any(c.side == "resistance" and c.alteration == "KIT W557_K558del" for c in res.conflicts)


def test_exon17_secondary_stays_resistant_to_sunitinib() -> None:
    # no clinical sensitivity evidence on the exon-17 change itself: the driver's resistance still decides
    assert _verdict(["KIT W557_K558del", "KIT N822K"], "sunitinib", "GIST") == "resistant"


def test_the_same_secondaries_still_defeat_imatinib() -> None:
    # imatinib is the earlier line: the exon 11/9 driver's imatinib sensitivity does not "govern" over the secondary
    assert _verdict(["KIT A502_Y503dup", "KIT T670I"], "imatinib", "GIST") == "resistant"
    assert _verdict(["KIT W557_K558del", "KIT T670I"], "imatinib", "GIST") == "resistant"


def test_egfr_secondaries_keep_their_order() -> None:
    # T790M arose on L858R under erlotinib; C797S defeats osimertinib whatever T790M's sensitivity
    assert _verdict(["EGFR L858R", "EGFR T790M"], "gefitinib", "NSCLC") == "resistant"
    assert _verdict(["EGFR L858R", "EGFR T790M", "EGFR C797S"], "osimertinib", "NSCLC") == "resistant"


def _item(fid: str, level: str, pattern: str = "exact") -> EvidenceItem:
    return EvidenceItem(
        fact_id=fid, database="curated", record=fid, evidence_level=level, tumors=("GIST",), relation="same",
        sources=("PMID:1",), preclinical=False, regimen=False, pattern=pattern,
    )  # fmt: skip


def _finding(alt: str, effect: str, items: tuple[EvidenceItem, ...]) -> Finding:
    return Finding(alteration=alt, gene="KIT", effect=effect, drugs=["sunitinib"],
                   mechanism="on_target_mutation" if effect != "sensitivity" else None, origin="both",
                   evidence_level=min(e.evidence_level for e in items), sources=["PMID:1"], summary="s",
                   observed=(alt,), evidence=items, tumor_relation="same")  # fmt: skip


def _weigh(findings: list[Finding], arose: str | None) -> tuple[str, dict[tuple[str, str], str]]:
    w = weigh(findings, frozenset({"sunitinib"}), addresses=lambda d, f: None, arose_under=lambda s, p: arose)
    return w.verdict, {(f.alteration, f.effect): f.status for f in w.findings}


def test_rule_needs_every_condition() -> None:
    # as in KIT exon 11 on sunitinib: class-level resistance (B) and one exact case series (C) on the driver, which
    # outweigh its class-level sensitivity (rule 3: the more specific clinical evidence)
    res_y = _finding("KIT Y1", "resistance", (_item("r1", "B", "class"), _item("r1c", "C")))
    sens_y = _finding("KIT Y1", "sensitivity", (_item("s1", "A", "class"),))
    sens_x = _finding("KIT X2", "sensitivity", (_item("s2", "B"),))
    # all conditions hold: the driver's resistance is outweighed
    verdict, st = _weigh([res_y, sens_y, sens_x], "imatinib")
    assert verdict == "sensitive" and st[("KIT Y1", "resistance")] == "outweighed"
    # (ii) not a secondary of an earlier line: nothing changes
    assert _weigh([res_y, sens_y, sens_x], None)[0] == "resistant"
    # (iii) the driver's resistance is not contested by sensitivity evidence on the driver itself
    assert _weigh([res_y, sens_x], "imatinib")[0] == "resistant"
    # (i) only preclinical evidence on the secondary
    weak_x = _finding("KIT X2", "sensitivity", (_item("s3", "D"),))
    assert _weigh([res_y, sens_y, weak_x], "imatinib")[0] == "resistant"
    # (i) evidence shared with the driver (a gene-level fact both satisfy) is not the secondary's own
    shared_x = _finding("KIT X2", "sensitivity", (_item("s1", "A", "class"),))
    assert _weigh([res_y, sens_y, shared_x], "imatinib")[0] == "resistant"
    # (i) weaker than the resistance's best level
    strong_res = _finding("KIT Y1", "resistance", (_item("r2", "A", "class"), _item("r1c", "C")))
    assert _weigh([strong_res, sens_y, sens_x], "imatinib")[0] == "resistant"
