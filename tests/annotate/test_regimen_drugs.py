"""Named regimens as the drug given (session 6, annot7): ``annotate(drug="FCR")`` is its drugs given together.

The compositions are those of ``knowledge/data_vocabulary/regimens.yaml`` (the acronym's letters name the drugs:
FCR = Fludarabine + Cyclophosphamide + Rituximab, iwCLL 2018; FOLFOX = FOLinic acid + Fluorouracil + OXaliplatin).
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from oncoresist.annotate import annotate
from oncoresist.annotate.api import resolve_drugs
from oncoresist.cli import app
from oncoresist.errors import UnknownNameError
from oncoresist.knowledge.loader import load_knowledge
from oncoresist.knowledge.vocabulary import regimens

KB = load_knowledge(include_imports=False)


@pytest.mark.parametrize(
    ("given", "drugs"),
    [
        ("FCR", ["fludarabine", "cyclophosphamide", "rituximab"]),
        ("folfox", ["leucovorin", "fluorouracil", "oxaliplatin"]),
        ("R-CHOP", ["rituximab", "cyclophosphamide", "doxorubicin", "vincristine", "prednisone"]),
        ("7+3", ["cytarabine", "daunorubicin"]),  # a '+' inside the acronym is not two drugs
        ("FOLFOX + bevacizumab", ["leucovorin", "fluorouracil", "oxaliplatin", "bevacizumab"]),
        (["FOLFOX", "Avastin"], ["leucovorin", "fluorouracil", "oxaliplatin", "bevacizumab"]),
        ("Tagrisso", ["osimertinib"]),
    ],
)
def test_a_regimen_name_resolves_to_its_components(given: str | list[str], drugs: list[str]) -> None:
    assert resolve_drugs(given, KB) == drugs


def test_every_regimen_of_the_table_resolves_in_the_curated_knowledge() -> None:
    for key, comps in regimens().items():
        assert resolve_drugs(key, KB) == list(dict.fromkeys(comps)), key


def test_annotate_with_a_regimen_weighs_its_drugs_together() -> None:
    # TP53 mutation in CLL against FCR's chemotherapy components (iwCLL 2018, the fixe layer)
    res = annotate(["TP53 R175H"], drug="FCR", tumor="CLL", knowledge=KB)
    assert res.to_dict()["drug"] == ["fludarabine", "cyclophosphamide", "rituximab"]
    assert res.verdict == "resistant"


def test_an_unknown_regimen_is_a_one_line_error_with_the_closest_names() -> None:
    with pytest.raises(UnknownNameError, match=r"unknown drug or regimen 'FOLFOXX'.*FOLFOX"):
        resolve_drugs("FOLFOXX", KB)
    with pytest.raises(UnknownNameError, match="drug class"):
        resolve_drugs("MEK inhibitor", KB)  # a class names no drug to give


def test_cli_regimen_and_unknown_regimen(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ONCORESIST_DATA_DIR", str(tmp_path))
    ok = CliRunner().invoke(app, ["annotate", "--tumor", "CLL", "--drug", "FCR", "TP53 R175H", "--json"])
    assert ok.exit_code == 0, ok.output
    assert '"fludarabine"' in ok.stdout
    bad = CliRunner().invoke(app, ["annotate", "--tumor", "CLL", "--drug", "FCX", "TP53 R175H"])
    assert bad.exit_code == 2
    assert "unknown drug or regimen 'FCX'" in bad.output and "Traceback" not in bad.output
