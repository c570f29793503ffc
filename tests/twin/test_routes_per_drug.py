"""Issue 11 (flaura4 pass): the route set does not depend on which drugs a twin compares, and censored
potencies are used as bounds, not replaced by the default EC50."""

from __future__ import annotations

import math

import pytest

from oncoresist.knowledge.quant import load_quant
from oncoresist.model.scenario import ECFold, EmaxReduction
from oncoresist.twin import TwinDefaults, build_twin


@pytest.fixture(scope="module")
def quant(curated_kb):  # type: ignore[no-untyped-def]
    return load_quant(kb=curated_kb)


def _routes(build) -> set[str]:  # type: ignore[no-untyped-def]
    """The resistance routes (the persister state is one type per twin drug, not a route: twin.persister)."""
    return {c.name for c in build.scenario.cell_types if c.state != "persister"} - {"sensitive"}


def _cell(build, name):  # type: ignore[no-untyped-def]
    return next(c for c in build.scenario.cell_types if c.name == name)


def test_route_set_is_the_same_whatever_drugs_are_compared(curated_kb, quant) -> None:  # type: ignore[no-untyped-def]
    flaura = build_twin(["EGFR L858R"], drugs="erlotinib,osimertinib", tumor="NSCLC", knowledge=curated_kb, quant=quant)
    archer = build_twin(["EGFR L858R"], drugs="gefitinib,dacomitinib", tumor="NSCLC", knowledge=curated_kb, quant=quant)
    alone = build_twin(["EGFR L858R"], drugs="gefitinib", tumor="NSCLC", knowledge=curated_kb, quant=quant)
    assert _routes(flaura) == _routes(archer) == _routes(alone)
    # the routes the curated facts list for osimertinib only are there for a gefitinib twin too
    assert {"EGFR_C797S", "KRAS_mutation", "MET_amplification", "small_cell_transformation"} <= _routes(archer)


def test_a_route_acts_per_drug(curated_kb, quant) -> None:  # type: ignore[no-untyped-def]
    flaura = build_twin(["EGFR L858R"], drugs="erlotinib,osimertinib", tumor="NSCLC", knowledge=curated_kb, quant=quant)
    kras = _cell(flaura, "KRAS_mutation")
    reduced = {d for m in kras.modifiers if isinstance(m, EmaxReduction) for d in (m.drugs or [])}
    assert "osimertinib" in reduced  # a fact names osimertinib
    if "erlotinib" not in reduced:  # no fact names erlotinib: the stated default is recorded
        o = flaura.origin("cell_types.KRAS_mutation.action.erlotinib")
        assert o.kind == "default assumption" and "no fact names erlotinib" in o.source
    # on-target C797S: each drug's fold comes from the potency table where the table has the genotype
    archer = build_twin(["EGFR L858R"], drugs="gefitinib,dacomitinib", tumor="NSCLC", knowledge=curated_kb, quant=quant)
    for drug in ("gefitinib", "dacomitinib"):
        if quant.potency_all(drug, ["EGFR L858R", "EGFR C797S"]):
            assert archer.origin(f"cell_types.EGFR_C797S.modifiers.ec50_fold.{drug}").kind == "published table"


def test_an_upper_bound_potency_is_used_at_the_bound(curated_kb, quant) -> None:  # type: ignore[no-untyped-def]
    entry = next(e for e in quant.potency_entries if e.id == "robichaux2021-dacomitinib-l858r")
    assert entry.fold_change_qualifier == "<"
    # the stored bound is 10**mean of the replicates (Robichaux et al. 2021, Fig. 2a source data)
    reps = entry.log10_fold_replicates
    assert reps is not None
    bound = 10 ** (sum(reps) / len(reps))
    assert entry.fold_change == pytest.approx(bound, rel=1e-3)
    d = TwinDefaults()
    b = build_twin(["EGFR L858R"], drugs="gefitinib,dacomitinib", tumor="NSCLC", knowledge=curated_kb, quant=quant)
    dac = next(x for x in b.scenario.drugs if x.name == "dacomitinib")
    assert dac.effect.ec50 == pytest.approx(bound / d.exposure_over_wt_ic50, rel=1e-3)
    assert dac.effect.ec50 < d.drug_ec50 / 10  # not the default (46-fold the wrong way before this pass)
    o = b.origin("drugs.dacomitinib.effect.ec50")
    assert o.kind == "published table" and "censored: upper" in o.source
    assert "robichaux2021-dacomitinib-l858r" in o.source
    # an exact value stays exact
    assert "censored" not in b.origin("drugs.gefitinib.effect.ec50").source


def test_a_missing_row_says_so_and_invents_nothing(curated_kb, quant) -> None:  # type: ignore[no-untyped-def]
    assert not quant.potency_all("lazertinib", ["EGFR exon 19 deletion"])
    b = build_twin(["EGFR exon 19 deletion"], drugs="lazertinib", tumor="NSCLC", knowledge=curated_kb, quant=quant)
    o = b.origin("drugs.lazertinib.effect.ec50")
    assert o.kind == "default assumption" and o.value == TwinDefaults().drug_ec50
    assert "no row for lazertinib" in o.source


def test_every_ec50_fold_is_finite_and_recorded(curated_kb, quant) -> None:  # type: ignore[no-untyped-def]
    b = build_twin(["EGFR L858R"], drugs="gefitinib,dacomitinib", tumor="NSCLC", knowledge=curated_kb, quant=quant)
    paths = {o.path for o in b.origins}
    for c in b.scenario.cell_types:
        for m in c.modifiers:
            if isinstance(m, ECFold):
                assert math.isfinite(m.fold) and m.fold > 0
                assert f"cell_types.{c.name}.modifiers.ec50_fold.{m.drugs[0]}" in paths


def test_a_lower_bound_fold_is_labelled_and_respected(curated_kb, quant) -> None:  # type: ignore[no-untyped-def]
    b = build_twin(["EGFR L858R"], drugs="gefitinib,osimertinib", tumor="NSCLC", knowledge=curated_kb, quant=quant)
    detail = quant.fold_shift_detail("gefitinib", ["EGFR L858R", "EGFR T790M"], ["EGFR L858R"])
    assert detail is not None and detail[1] == ">"  # no response at the top dose in Robichaux et al.'s panel
    o = b.origin("cell_types.EGFR_T790M.modifiers.ec50_fold.gefitinib")
    assert "censored: lower" in o.source
    assert o.value >= detail[0]  # never more sensitive than the bound says
