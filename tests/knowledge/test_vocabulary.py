"""The drug vocabulary of a current report (issue 10, item 9).

Approved oncology drugs resolve by generic name, brand name and development code, with the
regulator and year recorded; abbreviations resolve; withdrawn drugs are flagged; every therapy the
CIViC and CGI snapshots name resolves to a drug, a class or a regimen, except a documented residue.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from knowledge._helpers import CGI_TSV, CIVIC_TSV, cgi_rows, civic_rows
from oncoresist.knowledge.index import Knowledge
from oncoresist.knowledge.schema import Approval, Drug
from oncoresist.knowledge.vocabulary import (
    drug_targets,
    next_generation_classes,
    next_generation_drugs,
    pending_targets,
    regimens,
    resolve_class,
    resolve_therapy,
    status_note,
)

RESIDUE = yaml.safe_load((Path(__file__).parent / "vocabulary_residue.yaml").read_text(encoding="utf-8"))

# (name as a report writes it, generic name, agency, year): approvals of 2019-2025 an MTB report names;
# the years are those of the first approval of the molecule by that agency.
APPROVED = [
    ("Voranigo", "vorasidenib", "FDA", 2024),
    ("revumenib", "revumenib", "FDA", 2024),
    ("Komzifti", "ziftomenib", "FDA", 2025),
    ("zenocutuzumab-zbco", "zenocutuzumab", "FDA", 2024),
    ("GDC-0077", "inavolisib", "FDA", 2024),
    ("Truqap", "capivasertib", "FDA", 2023),
    ("Orserdu", "elacestrant", "FDA", 2023),
    ("Inluriyo", "imlunestrant", "FDA", 2025),
    ("Lazcluze", "lazertinib", "FDA", 2024),
    ("Rybrevant", "amivantamab", "FDA", 2021),
    ("DZD9008", "sunvozertinib", "FDA", 2025),
    ("Hernexeos", "zongertinib", "FDA", 2025),
    ("Ibtrozi", "taletrectinib", "FDA", 2025),
    ("Augtyro", "repotrectinib", "FDA", 2023),
    ("Ensacove", "ensartinib", "FDA", 2024),
    ("Krazati", "adagrasib", "FDA", 2022),
    ("AMG 510", "sotorasib", "FDA", 2021),
    ("Ojemda", "tovorafenib", "FDA", 2024),
    ("VS-6766", "avutometinib", "FDA", 2025),
    ("defactinib", "defactinib", "FDA", 2025),
    ("Gomekli", "mirdametinib", "FDA", 2025),
    ("Rezlidhia", "olutasidenib", "FDA", 2022),
    ("Jaypirca", "pirtobrutinib", "FDA", 2023),
    ("Scemblix", "asciminib", "FDA", 2021),
    ("Dato-DXd", "datopotamab deruxtecan", "FDA", 2025),
    ("Ziihera", "zanidatamab", "FDA", 2024),
    ("Imdelltra", "tarlatamab", "FDA", 2024),
    ("Lytgobi", "futibatinib", "FDA", 2022),
    ("Ogsiveo", "nirogacestat", "FDA", 2023),
    ("Modeyso", "dordaviprone", "FDA", 2025),
    ("Emrelis", "telisotuzumab vedotin", "FDA", 2025),
    ("Tevimbra", "tislelizumab", "EMA", 2023),
    ("Yondelis", "trabectedin", "EMA", 2007),
]

ABBREVIATIONS = {
    "ATRA": "tretinoin",
    "ATO": "arsenic trioxide",
    "5-FU": "fluorouracil",
    "T-DM1": "trastuzumab emtansine",
    "T-DXd": "trastuzumab deruxtecan",
    "Dato-DXd": "datopotamab deruxtecan",
    "Ara-C": "cytarabine",
    "6-MP": "mercaptopurine",
    "VP-16": "etoposide",
    "CPT-11": "irinotecan",
    "TMZ": "temozolomide",
    "nab-paclitaxel": "paclitaxel",
}


@pytest.mark.parametrize(("token", "generic", "agency", "year"), APPROVED)
def test_current_approvals_resolve_with_regulator_and_year(
    kb: Knowledge, token: str, generic: str, agency: str, year: int
) -> None:
    assert kb.resolve_drug(token) == generic
    drug = kb.drugs[generic]
    assert drug.status == "approved" and drug.is_approved
    assert (agency, year) in {(a.agency, a.year) for a in drug.approvals}
    assert not drug.withdrawn


@pytest.mark.parametrize(("abbr", "generic"), sorted(ABBREVIATIONS.items()))
def test_common_abbreviations_resolve(kb: Knowledge, abbr: str, generic: str) -> None:
    assert kb.resolve_drug(abbr) == generic


def test_investigational_drugs_are_not_marked_approved(kb: Knowledge) -> None:
    for name in ("divarasib", "camizestrant", "rociletinib", "selitrectinib", "veliparib", "crenolanib"):
        d = kb.drugs[name]
        assert d.status == "investigational" and not d.approvals, name


def test_withdrawn_drugs_are_flagged_with_a_source(kb: Knowledge) -> None:
    withdrawn = {n for n, d in kb.drugs.items() if d.withdrawn}
    assert {"olaratumab", "mobocertinib", "umbralisib", "infigratinib", "melphalan flufenamide"} <= withdrawn
    for n in withdrawn:
        src = kb.drugs[n].marketing_source
        assert src and src.startswith("label:"), n
    for n in ("osimertinib", "imatinib", "gemtuzumab ozogamicin"):
        assert not kb.drugs[n].withdrawn, n


def test_every_approval_cites_its_label(kb: Knowledge) -> None:
    a = kb.drugs["vorasidenib"].approvals[0]
    assert a.source_id("vorasidenib") == "label:Voranigo (vorasidenib), FDA 2024"
    for name, d in kb.drugs.items():
        for ap in d.approvals:
            assert ap.year is None or 1940 <= ap.year <= 2026, name
        if d.status == "approved":
            assert d.approvals, name


def test_schema_refuses_inconsistent_status() -> None:
    with pytest.raises(ValidationError, match="needs at least one entry in approvals"):
        Drug(name="x", classes=["tki"], status="approved")
    with pytest.raises(ValidationError, match="contradicts the approvals"):
        approval = Approval(agency="FDA", year=2020, label="Xyz")
        Drug(name="x", classes=["tki"], status="investigational", approvals=[approval])
    with pytest.raises(ValidationError, match="marketing_source"):
        Drug(name="x", classes=["tki"], marketing_status="withdrawn")
    with pytest.raises(ValidationError, match="without a source"):
        Drug(name="x", classes=["tki"], abcb1_substrate=True)
    with pytest.raises(ValidationError, match="not set"):
        Drug(name="x", classes=["tki"], flag_sources={"cyp_route": ["label:X (x), FDA 2020"]})


def test_every_drug_class_of_a_drug_exists_and_resolves_by_name(kb: Knowledge) -> None:
    assert resolve_class(kb, "MEK inhibitor") == "mek_inhibitor"
    assert resolve_class(kb, "Platinum Compound") == "platinum"
    assert resolve_class(kb, "Epidermal Growth Factor Receptor Tyrosine Kinase Inhibitor") == "egfr_tki"
    assert resolve_class(kb, "EGFR inhibitor 3rd gen") == "egfr_tki_gen3"
    # CGI "Drug family" wording
    assert resolve_class(kb, "EGFR TK inhibitor") == "egfr_tki"
    assert resolve_class(kb, "ERBB2 mAb inhibitor") == "her2_antibody"
    assert resolve_class(kb, "novel MEK inhibitor") == "mek_inhibitor"
    assert resolve_class(kb, "PARP inhibitors") == "parp_inhibitor"
    assert resolve_class(kb, "no such class") is None


def test_generations_propose_later_class_members(kb: Knowledge) -> None:
    assert next_generation_classes(kb, "egfr_tki_gen1") == ["egfr_tki_gen2", "egfr_tki_gen3"]
    assert next_generation_classes(kb, "alk_tki_gen2") == ["alk_tki_gen3"]
    assert next_generation_classes(kb, "bcr_abl1_tki_gen1") == ["bcr_abl1_tki_gen2", "bcr_abl1_tki_gen3"]
    assert next_generation_classes(kb, "egfr_tki_gen3") == []
    assert next_generation_classes(kb, "taxane") == []  # no generation
    later = next_generation_drugs(kb, "crizotinib")
    assert "lorlatinib" in later["alk_tki_gen3"] and "alectinib" in later["alk_tki_gen2"]
    assert "osimertinib" in next_generation_drugs(kb, "erlotinib")["egfr_tki_gen3"]
    assert "ponatinib" in next_generation_drugs(kb, "imatinib")["bcr_abl1_tki_gen3"]
    assert all("mobocertinib" not in v for v in next_generation_drugs(kb, "gefitinib").values())  # withdrawn


def test_therapy_terms(kb: Knowledge) -> None:
    t = resolve_therapy(kb, "Regorafenib Anhydrous")
    assert t is not None and t.kind == "drug" and t.drugs == ("regorafenib",) and t.how == "salt form"
    for text, generic in (
        ("tarlatamab-dlle", "tarlatamab"),
        ("fam-trastuzumab deruxtecan-nxki", "trastuzumab deruxtecan"),
        ("Osimertinib Mesylate", "osimertinib"),
    ):
        t = resolve_therapy(kb, text)
        assert t is not None and t.drugs == (generic,), text
    assert resolve_therapy(kb, "osimertinib-abcdx") is None
    t = resolve_therapy(kb, "FOLFOX-4 Regimen")
    assert t is not None and t.kind == "regimen" and set(t.drugs) == {"leucovorin", "fluorouracil", "oxaliplatin"}
    t = resolve_therapy(kb, "Dabrafenib/Trametinib Regimen")
    assert t is not None and t.drugs == ("dabrafenib", "trametinib")
    t = resolve_therapy(kb, "Chemotherapy")
    assert t is not None and t.kind == "class" and t.drug_class == "chemotherapy"
    assert resolve_therapy(kb, "Cytoreductive Surgery") is None
    assert resolve_therapy(kb, "Osimertinib/NoSuchDrug") is None


def test_regimen_table_names_only_known_drugs(kb: Knowledge) -> None:
    for acronym, drugs in regimens().items():
        for d in drugs:
            assert d in kb.drugs, (acronym, d)


def _civic_names() -> set[str]:
    return {t.strip() for r in civic_rows().values() for t in r["therapies"].split(",") if t.strip()}


def _cgi_names() -> set[str]:
    out: set[str] = set()
    for r in cgi_rows():
        for part in r["Drug"].strip().strip("[]").split(";"):
            out.update(n.strip() for n in part.split(",") if n.strip())
    return out


@pytest.mark.skipif(not CIVIC_TSV.is_file(), reason="CIViC snapshot not available")
def test_every_civic_therapy_resolves_except_the_documented_residue(kb: Knowledge) -> None:
    names = _civic_names()
    assert len(names) > 300
    unresolved = {n for n in names if resolve_therapy(kb, n) is None}
    assert unresolved == set(RESIDUE["civic"]), (
        f"new unresolved: {sorted(unresolved - set(RESIDUE['civic']))}; "
        f"now resolved: {sorted(set(RESIDUE['civic']) - unresolved)}"
    )


@pytest.mark.skipif(not CGI_TSV.is_file(), reason="CGI snapshot not available")
def test_every_cgi_drug_resolves_except_the_documented_residue(kb: Knowledge) -> None:
    names = _cgi_names()
    assert len(names) > 100
    unresolved = {n for n in names if resolve_therapy(kb, n) is None}
    assert unresolved == set(RESIDUE["cgi"]), (
        f"new unresolved: {sorted(unresolved - set(RESIDUE['cgi']))}; "
        f"now resolved: {sorted(set(RESIDUE['cgi']) - unresolved)}"
    )


def test_pending_targets_name_known_drugs_and_add_only_resolvable_genes(kb: Knowledge) -> None:
    table = pending_targets()
    assert "revumenib" in table and "MEN1" in table["revumenib"]
    for drug in table:
        assert drug in kb.drugs, drug
    for drug in ("revumenib", "axitinib", "osimertinib"):
        got = drug_targets(kb, drug)
        assert got[: len(kb.drugs[drug].targets)] == kb.drugs[drug].targets
        assert all(kb.resolve_gene(g) == g for g in got)


def test_status_note(kb: Knowledge) -> None:
    assert status_note(kb.drugs["vorasidenib"]) == "approved (FDA 2024: Voranigo)"
    assert status_note(kb.drugs["olaratumab"]).endswith("; withdrawn from the market")
    assert status_note(kb.drugs["camizestrant"]).startswith("investigational")
    assert status_note(kb.drugs["jq1"]).startswith("a research compound")
    assert status_note(kb.drugs["metformin"]) == "approved outside oncology"
    assert status_note(kb.drugs["icotinib"]) == "regulatory status not recorded"
