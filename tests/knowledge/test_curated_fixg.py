"""The knowledge classes of curated_2026_12_fixg.yaml (set G miss classes, helper fixg).

Each expectation is the cited source's finding, not the annotator's output: ALK compound mutations (F1174L/G1202R,
L1196M/D1203N, C1156Y/G1269A) and NF2 loss of function found at lorlatinib resistance (Recondo et al., Clin Cancer
Res 2020); RAD51C/D reversions restoring HR as PARP-inhibitor resistance, and loss of BRCA1 promoter methylation as
cross-resistance to PARP inhibitors and platinum (Kondrashova et al., Nat Commun 2018; Swisher et al., Nat Commun
2021); pirtobrutinib after a BTK C481 substitution on a covalent BTK inhibitor (Jaypirca label). The examples are
mine; the drugs are the ones the sources name or the class members the facts name.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import oncoresist
from oncoresist.knowledge import load_knowledge

KB = load_knowledge()
FILE = Path(oncoresist.__file__).parent / "knowledge" / "data" / "facts" / "curated_2026_12_fixg.yaml"


def _doc() -> dict:  # type: ignore[type-arg]
    return dict(yaml.safe_load(FILE.read_text(encoding="utf-8")))


def _verdict(alts: list[str], drug: str, tumor: str) -> str:
    return str(oncoresist.annotate(alts, drug=[drug], tumor=tumor, knowledge=KB).to_dict()["verdict"])


def test_every_fact_and_option_is_loaded_and_sourced() -> None:
    loaded = {f.id: f for f in KB.facts}
    for raw in _doc()["facts"]:
        assert raw["id"].startswith("fixg-")
        fact = loaded[raw["id"]]
        assert fact.sources and all(s in KB.sources for s in fact.sources), fact.id
        assert fact.evidence_level in "CD"  # case series and models: nothing here is validated
    options = {o.id for o in KB.options}
    assert {o["id"] for o in _doc()["options"]} <= options


@pytest.mark.parametrize(
    "compound", ["ALK G1202R/F1174L", "ALK F1174L/G1202R", "ALK L1196M/D1203N", "ALK C1156Y/G1269A"]
)
def test_alk_compound_mutations_defeat_lorlatinib(compound: str) -> None:
    assert _verdict(["EML4::ALK", compound], "lorlatinib", "NSCLC") == "resistant"


def test_single_alk_mutations_of_the_compounds_stay_covered_by_lorlatinib() -> None:
    # the fact needs both changes: G1202R alone is the lorlatinib label's case, not resistance
    assert _verdict(["EML4::ALK", "ALK G1202R"], "lorlatinib", "NSCLC") == "sensitive"


@pytest.mark.parametrize("nf2", ["NF2 loss", "NF2 inactivating mutation"])
def test_nf2_loss_of_function_defeats_lorlatinib(nf2: str) -> None:
    assert _verdict(["EML4::ALK", nf2], "lorlatinib", "NSCLC") == "resistant"


@pytest.mark.parametrize("gene", ["RAD51C", "RAD51D"])
@pytest.mark.parametrize("drug", ["rucaparib", "olaparib", "niraparib"])
def test_rad51c_d_reversions_defeat_parp_inhibitors(gene: str, drug: str) -> None:
    profile = [f"{gene} nonsense mutation", f"{gene} reversion (restores reading frame)"]
    assert _verdict(profile, drug, "HGSOC") == "resistant"


@pytest.mark.parametrize("drug", ["rucaparib", "olaparib", "carboplatin"])
def test_loss_of_brca1_methylation_defeats_parpi_and_platinum(drug: str) -> None:
    assert _verdict(["loss of BRCA1 promoter methylation"], drug, "HGSOC") == "resistant"


def test_brca1_methylation_itself_is_not_read_as_its_loss() -> None:
    assert _verdict(["BRCA1 promoter methylation"], "rucaparib", "HGSOC") != "resistant"


@pytest.mark.parametrize(("drug", "mutation"), [("zanubrutinib", "C481R"), ("acalabrutinib", "C481Y"),
                                                 ("ibrutinib", "C481F")])  # fmt: skip
def test_pirtobrutinib_is_offered_after_any_c481_substitution(drug: str, mutation: str) -> None:
    out = oncoresist.annotate([f"BTK {mutation}"], drug=[drug], tumor="CLL", knowledge=KB).to_dict()
    assert out["verdict"] == "resistant"
    assert ["pirtobrutinib"] in [o["therapy"] for o in out["options"][:5]]
