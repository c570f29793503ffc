"""The twin's sourced exposure: a drug with a published standard-dose exposure in the tumour type gets its
sensitive clone's EC50 from the potency table's IC50 on the driver over that exposure (opt-in per drug by the
knowledge); every other drug, and so the EGFR twins, is built exactly as before."""

from __future__ import annotations

import dataclasses

import pytest

from oncoresist.errors import OncoresistError
from oncoresist.knowledge.quant import QuantKnowledge, load_quant
from oncoresist.twin import TwinDefaults, build_twin
from oncoresist.twin.export import scenario_yaml

CML = (["BCR::ABL1"], "imatinib,nilotinib", "CML")
EGFR = (["EGFR L858R"], "erlotinib,osimertinib", "NSCLC")


@pytest.fixture(scope="module")
def quant(curated_kb) -> QuantKnowledge:  # type: ignore[no-untyped-def]
    return load_quant(kb=curated_kb)


@pytest.fixture(scope="module")
def no_exposures(quant: QuantKnowledge) -> QuantKnowledge:
    """The same knowledge without its exposures section (what the builder saw before it existed)."""
    return dataclasses.replace(quant, exposures={})


def _build(case, kb, quant, defaults=None):  # type: ignore[no-untyped-def]
    profile, drugs, tumor = case
    return build_twin(profile, drugs=drugs, tumor=tumor, knowledge=kb, quant=quant, defaults=defaults)


def test_imatinib_ec50_is_the_driver_ic50_over_the_sourced_trough(curated_kb, quant) -> None:  # type: ignore[no-untyped-def]
    b = _build(CML, curated_kb, quant)
    o = b.origin("drugs.imatinib.effect.ec50")
    exposure = quant.exposure_for("imatinib", "CML")
    ref = quant.reference_ic50("imatinib", ["BCR::ABL1"])
    assert exposure is not None and ref is not None
    assert o.kind == "published table"
    assert o.value == pytest.approx(ref[0] / exposure.nanomolar("total"))
    assert o.value != TwinDefaults().drug_ec50  # the assumed 10x window is replaced
    assert exposure.id in o.source and exposure.source in o.source and ref[1].id in o.source
    assert "ONE named assumption" in o.source and "TOTAL steady-state plasma trough" in o.source
    # the standard dose's exposure over the driver's IC50, as the origin states it
    assert f"{exposure.nanomolar() / ref[0]:.3g}x the driver's IC50" in o.source
    ec50 = next(d for d in b.scenario.drugs if d.name == "imatinib").effect.ec50
    assert ec50 == pytest.approx(o.value)
    # nilotinib has no sourced exposure: the stated default, as before
    n = b.origin("drugs.nilotinib.effect.ec50")
    assert n.kind == "default assumption" and n.value == TwinDefaults().drug_ec50


def test_egfr_l858r_twin_is_byte_for_byte_unchanged(curated_kb, quant, no_exposures) -> None:  # type: ignore[no-untyped-def]
    with_exposures = scenario_yaml(_build(EGFR, curated_kb, quant))
    assert with_exposures == scenario_yaml(_build(EGFR, curated_kb, no_exposures))
    assert with_exposures == scenario_yaml(_build(EGFR, curated_kb, quant, TwinDefaults(sourced_exposure=False)))
    # ...while the CML twin does change, so the comparison above could fail
    cml = scenario_yaml(_build(CML, curated_kb, quant))
    before = scenario_yaml(_build(CML, curated_kb, no_exposures))
    assert cml != before
    assert before == scenario_yaml(_build(CML, curated_kb, quant, TwinDefaults(sourced_exposure=False)))


def test_unbound_basis_divides_the_exposure_by_the_unbound_fraction(curated_kb, quant) -> None:  # type: ignore[no-untyped-def]
    total = _build(CML, curated_kb, quant).origin("drugs.imatinib.effect.ec50")
    unbound = _build(CML, curated_kb, quant, TwinDefaults(exposure_basis="unbound")).origin(
        "drugs.imatinib.effect.ec50")
    fu = quant.exposure_for("imatinib", "CML").unbound_fraction  # type: ignore[union-attr]
    assert unbound.value == pytest.approx(total.value / fu)
    assert f"unbound part (x {fu:g})" in unbound.source


def test_bad_exposure_basis_is_one_line_error(curated_kb, quant) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(OncoresistError) as exc:
        _build(CML, curated_kb, quant, TwinDefaults(exposure_basis="free"))
    msg = str(exc.value)
    assert "\n" not in msg and "exposure_basis 'free'" in msg and "total, unbound" in msg
