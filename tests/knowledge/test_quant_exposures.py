"""Published drug exposures (``exposures`` in the quantitative knowledge): loading, provenance, checks, look-ups."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge._helpers import one_line, private_copy
from oncoresist.errors import KnowledgeError
from oncoresist.knowledge.index import Knowledge
from oncoresist.knowledge.quant import QUANT_DIR, QuantKnowledge, load_quant


@pytest.fixture(scope="module")
def quant(kb: Knowledge) -> QuantKnowledge:
    return load_quant(kb=kb)


def _entry(**override: str) -> str:
    fields = {
        "id": "bad-exposure",
        "drug": "imatinib",
        "tumors": "[CML]",
        "regimen": "400 mg once daily",
        "measure": "steady_state_trough_total_plasma",
        "ng_per_mL": "1200",
        "molar_mass_g_per_mol": "493.6",
        "molar_mass_source": "a figure legend of the source",
        "population": "patients at steady state",
        "source": "DOI:10.2165/00003088-200544090-00001",
        "where": "abstract",
    }
    fields.update(override)
    body = "\n".join(f"    {k}: {v}" for k, v in fields.items() if v != "")
    return f'schema_version: "1"\nexposures:\n  - {body.lstrip()}\n'


def _load_error(tmp_path: Path, kb: Knowledge, text: str) -> str:
    """Add ``text`` to a fresh private copy of the quantitative knowledge and load it: the one-line error."""
    data = private_copy(QUANT_DIR, tmp_path / f"data_quant{len(list(tmp_path.iterdir()))}")
    (data / "zz_test.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeError) as exc:
        load_quant(data_dir=data, kb=kb)
    return one_line(exc)


def test_imatinib_trough_is_read_from_its_source(quant: QuantKnowledge) -> None:
    e = quant.exposure_for("Gleevec", "CML")  # brand names resolve
    assert e is not None and e.drug == "imatinib" and e.source in quant.sources
    # the numbers are the ones the registered source's confirmed_by quotes from the abstract
    read = quant.sources[e.source].confirmed_by
    assert f"{e.ng_per_mL / 1000:g} +/- {e.sd_ng_per_mL / 1000:g} ug/mL at trough" in read  # type: ignore[operator]
    assert f"approximately {round((1 - e.unbound_fraction) * 100)}% bound" in read  # type: ignore[operator]
    assert f"{e.molar_mass_g_per_mol:g} ng/mL (ie, 1 umol/L)" in e.molar_mass_source


def test_nanomolar_conversion_and_unbound_part(quant: QuantKnowledge) -> None:
    e = quant.exposure_for("imatinib", "CML")
    assert e is not None and e.unbound_fraction is not None
    total = e.nanomolar()
    assert total == pytest.approx(e.ng_per_mL / e.molar_mass_g_per_mol * 1000)  # ng/mL / (g/mol) = umol/L
    assert 2000 < total < 3000  # 1.2 ug/mL of a ~494 g/mol drug is ~2.4 umol/L
    assert e.nanomolar("unbound") == pytest.approx(total * e.unbound_fraction)
    with pytest.raises(KnowledgeError, match="exposure basis 'free' is not one of total, unbound"):
        e.nanomolar("free")


def test_exposure_is_disease_specific(quant: QuantKnowledge) -> None:
    assert quant.exposure_for("imatinib", None) is None
    assert quant.exposure_for("imatinib", "NSCLC") is None
    for drug in ("erlotinib", "osimertinib", "gefitinib"):  # the EGFR twins keep their window
        assert quant.exposure_for(drug, "NSCLC") is None


def test_reference_ic50_of_the_driver(quant: QuantKnowledge) -> None:
    found = quant.reference_ic50("imatinib", ["BCR::ABL1"])
    assert found is not None
    value, entry = found
    assert entry.primary and entry.reference_ic50_nM == value and entry.reference == ["BCR::ABL1"]
    # an entry measured on the driver itself wins over a paired comparator
    egfr = quant.reference_ic50("erlotinib", ["EGFR L858R"])
    assert egfr is not None and egfr[1].alterations == ["EGFR L858R"] and egfr[0] == egfr[1].ic50_nM
    assert quant.reference_ic50("imatinib", ["EGFR L858R"]) is None


def test_unbound_fraction_needs_its_source(tmp_path: Path, kb: Knowledge) -> None:
    msg = _load_error(tmp_path, kb, _entry(unbound_fraction="0.05"))
    assert "zz_test.yaml" in msg and "exposures[0]" in msg and "unbound_fraction_source" in msg


def test_unknown_drug_and_tumour_are_named(tmp_path: Path, kb: Knowledge) -> None:
    msg = _load_error(tmp_path, kb, _entry(drug="imatinibb"))
    assert "exposures[0] (bad-exposure)" in msg and "'drug'" in msg and "did you mean imatinib" in msg
    msg = _load_error(tmp_path, kb, _entry(tumors="[NOTATUMOUR]"))
    assert "'tumors.0'" in msg


def test_unregistered_source_and_bad_number_are_refused(tmp_path: Path, kb: Knowledge) -> None:
    assert "'source'" in _load_error(tmp_path, kb, _entry(source="PMID:1"))
    msg = _load_error(tmp_path, kb, _entry(ng_per_mL="-5"))
    assert "exposures[0]" in msg and "'ng_per_mL'" in msg


def test_duplicate_exposure_id_is_refused(tmp_path: Path, kb: Knowledge) -> None:
    msg = _load_error(tmp_path, kb, _entry(id="peng2005-imatinib-400mg-trough"))
    assert "duplicate id" in msg
