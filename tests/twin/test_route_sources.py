"""Non-point routes without a sourced rate or share are left out of the twin, with the reason (flaura7 pass)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from oncoresist.knowledge.quant import load_quant
from oncoresist.twin import build_twin
from oncoresist.twin.builder import ResistanceRoute, TwinDefaults
from oncoresist.twin.route_sources import MARK, left_out, non_point, unsourced_reason

ROOT = Path(__file__).resolve().parents[2]


def _names(build) -> set[str]:  # type: ignore[no-untyped-def]
    return {c.name for c in build.scenario.cell_types}


@pytest.fixture(scope="module")
def egfr(curated_kb):  # type: ignore[no-untyped-def]
    return build_twin(["EGFR L858R"], drugs="erlotinib,osimertinib", tumor="NSCLC", knowledge=curated_kb)


def test_fusions_without_a_share_are_left_out_and_named(egfr) -> None:  # type: ignore[no-untyped-def]
    names = _names(egfr)
    assert not names & {"ALK_fusion", "RET_fusion"}
    # the amplifications with Yu et al. 2013's shares stay (the calibration fits them), as do point mutations,
    # with a codon rate (T790M, C797S) or the per-bp rate with one assumed route (L718Q/V, KRAS, BRAF)
    assert {"MET_amplification", "ERBB2_amplification", "EGFR_T790M", "EGFR_C797S", "EGFR_L718Q",
            "KRAS_mutation", "small_cell_transformation"} <= names
    out = left_out(egfr.skipped)
    assert {s.split(":")[0] for s in out} == {"cur2612-egfr-osimertinib-alk-fusion",
                                              "cur2612-egfr-osimertinib-ret-fusion"}
    assert all("ALK fusion" in s or "RET fusion" in s for s in out)
    # the facts stay in the knowledge (for the annotator)
    assert {"cur2612-egfr-osimertinib-alk-fusion", "cur2612-egfr-osimertinib-ret-fusion"} <= {
        f.id for f in egfr.knowledge.curated_facts}


def test_keep_unsourced_restores_them_at_the_default(curated_kb) -> None:  # type: ignore[no-untyped-def]
    kept = build_twin(["EGFR L858R"], drugs="erlotinib,osimertinib", tumor="NSCLC", knowledge=curated_kb,
                      defaults=TwinDefaults(keep_unsourced=True))
    assert {"ALK_fusion", "RET_fusion"} <= _names(kept)
    assert kept.origin("transitions.sensitive->ALK_fusion.probability[ALK fusion]").value == pytest.approx(1e-10)
    assert not left_out(kept.skipped)


def test_the_route_set_does_not_depend_on_the_first_drug(curated_kb) -> None:  # type: ignore[no-untyped-def]
    # an osimertinib-first twin has no stored share on osimertinib, but MET amplification's share on erlotinib
    # (a drug on the same driver) is sourced: the route stays (the calibration there cannot fit it: unfitted)
    osi = build_twin(["EGFR L858R"], drugs="osimertinib", tumor="NSCLC", knowledge=curated_kb)
    assert {"MET_amplification", "ERBB2_amplification"} <= _names(osi)
    assert not _names(osi) & {"ALK_fusion", "RET_fusion"}


def test_the_cml_twin_leaves_bcr_abl1_amplification_out(curated_kb) -> None:  # type: ignore[no-untyped-def]
    cml = build_twin(["BCR::ABL1"], drugs="imatinib,ponatinib", tumor="CML", knowledge=curated_kb)
    names = _names(cml)
    assert "ABL1_amplification" not in names
    assert {"ABL1_T315I", "ABL1_E255K", "ABL1_V299L"} <= names
    assert [s.split(":")[0] for s in left_out(cml.skipped)] == ["bcr-abl1-amplification-imatinib"]


def test_the_reason_names_the_change_and_the_drugs() -> None:
    from oncoresist.alteration import parse_alteration

    q = load_quant()
    met = ResistanceRoute("MET_amplification", [parse_alteration("MET amplification")], "bypass_pathway", [])
    alk = ResistanceRoute("ALK_fusion", [parse_alteration("ALK fusion")], "bypass_pathway", [])
    t790m = ResistanceRoute("EGFR_T790M", [parse_alteration("EGFR T790M")], "on_target_mutation", [])
    assert non_point(t790m) == [] and unsourced_reason(t790m, q, ["erlotinib"], "NSCLC") is None
    assert unsourced_reason(met, q, ["osimertinib", "erlotinib"], "NSCLC") is None
    # on osimertinib alone no share is stored: MET amplification would be left out
    why = unsourced_reason(met, q, ["osimertinib"], "NSCLC")
    assert why is not None and MARK in why and "MET amplification" in why and "osimertinib" in why
    assert unsourced_reason(alk, q, ["erlotinib", "gefitinib", "osimertinib"], "NSCLC") is not None


def _rule():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("rho_rule", ROOT / "benchmarks" / "rho_rule.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _row(rho: float, share: float, hr: list[float] | None, converged: bool = True) -> dict:  # type: ignore[type-arg]
    return {"rho": rho, "converged": converged, "t790m_share": share, "t790m_pfs_hr": hr}


def test_the_rho_rule_reads_comparator_data_only() -> None:
    r = _rule()
    run = {"route_correlation": 0.5, "calibration_converged": True,
           "acquired_resistance_shares": {"continuous:erlotinib": {"EGFR_T790M": 0.6}},
           "t790m_vs_other_pfs_hr_erlotinib": {"hr": [0.7, 0.55, 0.9]},
           "osimertinib_median_months": {"model": [99.0, 1, 2]}, "hazard_ratio": {"model": [0.01, 0, 1]}}
    assert r.comparator_row(run) == _row(0.5, 0.6, [0.7, 0.55, 0.9])
    assert r.consistent(_row(0.5, 0.6, [0.7, 0.55, 0.9]))
    assert not r.consistent(_row(0.5, 0.6, [0.7, 0.55, 0.9], converged=False))
    assert not r.consistent(_row(0.5, 0.36, [0.7, 0.55, 0.9]))  # T790M outside Yu's 55-70%
    assert not r.consistent(_row(0.5, 0.6, [1.3, 0.95, 1.8]))  # HR CI above Ma's 0.35-0.79
    assert not r.consistent(_row(0.5, 0.6, None))


def test_the_rho_rule_keeps_1_when_it_is_consistent_else_takes_the_likeliest() -> None:
    r = _rule()
    good = [_row(1.0, 0.60, [0.7, 0.5, 0.9]), _row(0.5, 0.63, [0.53, 0.4, 0.7])]
    assert r.select(good)[:2] == (1.0, [1.0, 0.5])
    # rho = 1 rejected: of two consistent values the one nearer Yu's 63% and Ma's 0.53 is taken
    rows = [_row(1.0, 0.75, [0.7, 0.5, 0.9]), _row(0.75, 0.56, [0.78, 0.6, 1.0]), _row(0.5, 0.63, [0.53, 0.4, 0.7])]
    assert r.log_likelihood(rows[2]) > r.log_likelihood(rows[1])
    assert r.select(rows)[:2] == (0.5, [0.75, 0.5])
    assert r.select([_row(1.0, 0.3, [1.2, 1.0, 1.5])]) == (1.0, [], pytest.approx(r.select([])[2]))


def test_the_rho_rule_says_when_t790m_was_fitted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    r = _rule()
    run = {"route_correlation": 1.0, "calibration_converged": True,
           "acquired_resistance_shares": {"continuous:erlotinib": {"EGFR_T790M": 0.6}},
           "t790m_vs_other_pfs_hr_erlotinib": {"hr": [0.7, 0.55, 0.9]}}
    plain, fitted = tmp_path / "plain.out", tmp_path / "fitted.out"
    plain.write_text("x\n" + json.dumps(run) + "\n", encoding="utf-8")
    fitted.write_text(json.dumps({**run, "t790m_share_erlotinib_role": "fitted"}) + "\n", encoding="utf-8")
    assert r.main([str(plain)]) == 0
    assert "FITTED" not in capsys.readouterr().err
    assert r.main([str(fitted)]) == 0
    assert "T790M's share is FITTED" in capsys.readouterr().err
