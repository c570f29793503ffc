"""The tumour vocabulary is the full OncoTree; imported diseases map onto it; tumour relations."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import yaml

from knowledge._helpers import CGI_TSV, CIVIC_TSV, SHARED_DATA, one_line, private_copy
from oncoresist.errors import KnowledgeError
from oncoresist.knowledge import load_knowledge
from oncoresist.knowledge.importers.diseases import DISEASE_TABLE, NOT_MAPPABLE
from oncoresist.knowledge.index import AmbiguousNameError, Knowledge
from oncoresist.knowledge.loader import DATA_DIR

ONCOTREE_JSON = SHARED_DATA / "oncotree" / "oncotree_2025_10_03.json"
#: tests that read the raw snapshots in ../shared/data
needs_shared = pytest.mark.skipif(not (CIVIC_TSV.is_file() and CGI_TSV.is_file()), reason="../shared/data absent")


@pytest.fixture(scope="module")
def curated() -> Knowledge:
    return load_knowledge("curated")


@pytest.fixture(scope="module")
def default() -> Knowledge:
    return load_knowledge()


def _release_nodes() -> dict[str, str | None]:
    """code -> parent, read straight from the shared OncoTree release (not through the package)."""
    if not ONCOTREE_JSON.is_file():
        pytest.skip(f"OncoTree release not found at {ONCOTREE_JSON}")
    out: dict[str, str | None] = {}
    todo = [(json.loads(ONCOTREE_JSON.read_text())["TISSUE"], None)]
    while todo:
        node, parent = todo.pop()
        out[node["code"]] = parent
        todo += [(c, node["code"]) for c in node["children"].values()]
    return out


def test_every_oncotree_node_with_its_parent(curated: Knowledge) -> None:
    nodes = _release_nodes()
    assert len(nodes) == 898  # as ../shared/data/README.md says
    for code, parent in nodes.items():
        assert code in curated.tumors, code
        assert curated.tumors[code].parent == parent, code
    assert curated.oncotree_release == "2025-10-03"


def test_ancestors_and_descendants_agree_for_every_code(default: Knowledge) -> None:
    for code in default.tumors:
        chain = default.tumor_ancestors(code)
        assert chain[0] == code
        if chain[-1] == "TISSUE":
            for anc in chain:
                assert code in default.tumor_descendants(anc), (code, anc)
    assert len(default.tumor_descendants("TISSUE")) == sum(
        1 for c in default.tumors if default.tumor_ancestors(c)[-1] == "TISSUE"
    )


@pytest.mark.parametrize(
    ("query", "fact", "relation"),
    [
        ("LUAD", "LUAD", "same"),
        ("LUAD", "NSCLC", "ancestor"),
        ("LUAD", "LUNG", "ancestor"),
        ("LUAD", "TISSUE", "ancestor"),
        ("NSCLC", "LUAD", "descendant"),
        ("MEL", "SKCM", "descendant"),
        ("LUAD", "LUSC", "sibling"),
        ("LUAD", "SCLC", "sibling"),  # SCLC sits under LNET, not NSCLC: same tissue LUNG
        ("CML", "AML", "sibling"),
        ("LUAD", "BRCA", "unrelated"),
        ("CML", "CLLSLL", "unrelated"),  # myeloid vs lymphoid tissue
        ("GB", "GBM", "same"),  # GBM is the code OncoTree revoked into GB
        ("LUAD", "DOID_0000000", "unrelated"),  # a code outside the tree
    ],
)
def test_tumor_relation(default: Knowledge, query: str, fact: str, relation: str) -> None:
    assert default.tumor_relation(query, fact) == relation


@needs_shared
def test_tissue_agnostic_scope(default: Knowledge) -> None:
    assert default.is_tumor_agnostic([]) and default.is_tumor_agnostic(["TISSUE"])
    assert not default.is_tumor_agnostic(["NSCLC"])
    # CIViC "Solid Tumor" / "Cancer" items and CGI "Any cancer type" rows are recorded for TISSUE
    rows = {r["evidence_id"]: r for r in csv.DictReader(CIVIC_TSV.open(encoding="utf-8"), delimiter="\t")}
    agnostic = [f for f in default.facts if f.record and f.record.startswith("civic:")
                and rows[f.record[len("civic:EID"):]]["disease"] in ("Cancer", "Solid Tumor")]  # fmt: skip
    assert agnostic and all(f.tumors == ["TISSUE"] for f in agnostic)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("NSCLC", "NSCLC"), ("non-small cell lung cancer", "NSCLC"), ("CRC", "COADREAD"),
        ("chronic myeloid leukaemia", "CML"), ("GIST", "GIST"), ("Lung Adenocarcinoma", "LUAD"),
        ("GBM", "GB"), ("CLL", "CLLSLL"), ("MM", "PCM"), ("multiple myeloma", "PCM"),
        ("APL", "APLPMLRARA"), ("mCRPC", "PRAD"), ("TNBC", "BRCA"), ("MTC", "THME"),
        ("Ph+ ALL", "BLLBCRABL1"), ("Uveal Melanoma", "UM"), ("hcl-v", "HCL-V"),
    ],
)  # fmt: skip
def test_names_resolve(default: Knowledge, name: str, code: str) -> None:
    assert default.resolve_tumor(name) == code


def test_ambiguous_oncotree_names_do_not_resolve(curated: Knowledge) -> None:
    # "Mixed Germ Cell Tumor" names an ovarian, a testicular and a brain node
    assert curated.resolve_tumor("Mixed Germ Cell Tumor") is None
    assert {"MGCT", "OMGCT", "BMGCT"} <= set(curated.tumors)


def _write_tumors(data_copy: Path, entries: list[dict[str, object]]) -> None:
    doc = {"schema_version": "1", "tumors": entries}
    (data_copy / "entities" / "zz_tumors.yaml").write_text(yaml.safe_dump(doc), encoding="utf-8")


def test_curated_entry_cannot_move_a_node(tmp_path: Path) -> None:
    data_copy = private_copy(DATA_DIR, tmp_path / "data")
    _write_tumors(data_copy, [{"code": "LUAD", "name": "Lung Adenocarcinoma", "parent": "BREAST"}])
    with pytest.raises(KnowledgeError) as exc:
        load_knowledge(data_dir=data_copy, include_imports=False)
    msg = one_line(exc)
    assert "zz_tumors.yaml" in msg and "not an OncoTree ancestor of LUAD" in msg


def test_curated_synonym_naming_another_node_is_refused(tmp_path: Path) -> None:
    data_copy = private_copy(DATA_DIR, tmp_path / "data")
    entry = {"code": "BRCA", "name": "Invasive Breast Carcinoma", "synonyms": ["lung adenocarcinoma"]}
    _write_tumors(data_copy, [entry])
    with pytest.raises(KnowledgeError) as exc:
        load_knowledge(data_dir=data_copy, include_imports=False)
    assert "already names LUAD" in one_line(exc)


def test_revoked_code_in_a_fact_names_the_current_code(tmp_path: Path) -> None:
    data_copy = private_copy(DATA_DIR, tmp_path / "data")
    path = data_copy / "facts" / "chemotherapy.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("tumors: [GB]", "tumors: [GBM]", 1), encoding="utf-8")
    with pytest.raises(KnowledgeError) as exc:
        load_knowledge(data_dir=data_copy, include_imports=False)
    assert "'GBM' is not a current OncoTree code; use 'GB'" in one_line(exc)


# ------------------------------------------------------------------ the disease mapping table
def _table() -> list[dict[str, str]]:
    return list(csv.DictReader(DISEASE_TABLE.open(encoding="utf-8"), delimiter="\t"))


@needs_shared
def test_table_codes_are_oncotree_codes_and_diseases_exist_in_the_snapshots() -> None:
    nodes = _release_nodes()
    civic = {r["disease"] for r in csv.DictReader(CIVIC_TSV.open(encoding="utf-8"), delimiter="\t")}
    cgi = {a.strip() for r in csv.DictReader(CGI_TSV.open(encoding="utf-8"), delimiter="\t")
           for a in r["Primary Tumor acronym"].split(";")}  # fmt: skip
    for row in _table():
        assert row["code"] == NOT_MAPPABLE or row["code"] in nodes, row
        assert row["disease"] in (civic if row["source"] == "civic" else cgi), row  # no stale rows
        assert row["note"].strip(), row


def _mapping(kb: Knowledge, source: str) -> dict[str, object]:
    [meta] = [m for m in kb.imports.values() if m.get("source") == source]
    return meta["diseases"]


@pytest.mark.parametrize("source", ["civic", "cgi"])
def test_every_imported_disease_is_mapped_or_marked_unmappable(default: Knowledge, source: str) -> None:
    marked = {r["disease"] for r in _table() if r["source"] == source and r["code"] == NOT_MAPPABLE}
    diseases = _mapping(default, source)
    assert set(diseases["unmapped_diseases"]) <= marked  # a new unmapped disease fails here
    assert diseases["distinct"] > 50


@needs_shared
def test_cgi_acronyms_are_not_read_as_oncotree_codes(default: Knowledge) -> None:
    rows = list(csv.DictReader(CGI_TSV.open(encoding="utf-8"), delimiter="\t"))
    mpn_rows = {f"cgi:row{i}" for i, r in enumerate(rows, start=1) if r["Primary Tumor acronym"] == "MPN"}
    facts = [f for f in default.facts if f.record in mpn_rows]
    assert facts  # CGI's "MPN" is a malignant peripheral nerve sheath tumour, not myeloproliferative neoplasms
    assert all(f.tumors == ["MPNST"] for f in facts)


@needs_shared
@pytest.mark.parametrize(
    ("disease", "code"),
    [("Skin Melanoma", "SKCM"), ("Lung Non-small Cell Carcinoma", "NSCLC"), ("Colorectal Cancer", "COADREAD"),
     ("Her2-receptor Positive Breast Cancer", "BRCA"), ("Lung Small Cell Carcinoma", "SCLC")],
)  # fmt: skip
def test_civic_diseases_land_on_their_node(default: Knowledge, disease: str, code: str) -> None:
    rows = {r["evidence_id"]: r["disease"] for r in csv.DictReader(CIVIC_TSV.open(encoding="utf-8"), delimiter="\t")}
    facts = [f for f in default.facts if f.record and f.record.startswith("civic:")
             and rows[f.record[len("civic:EID"):]] == disease]  # fmt: skip
    assert facts and all(f.tumors == [code] for f in facts)


def _release_node_named(name: str) -> str:
    """The code of the node the shared release itself names ``name`` (independent of the package)."""
    if not ONCOTREE_JSON.is_file():
        pytest.skip(f"OncoTree release not found at {ONCOTREE_JSON}")
    todo = [json.loads(ONCOTREE_JSON.read_text())["TISSUE"]]
    while todo:
        node = todo.pop()
        if node["name"] == name:
            return str(node["code"])
        todo.extend((node.get("children") or {}).values())
    raise AssertionError(f"no node named {name!r} in the release")


@pytest.mark.parametrize(
    ("written", "oncotree_name"),
    [
        # "/" alternatives
        ("T-lymphoblastic leukaemia", "T-Lymphoblastic Leukemia/Lymphoma"),
        ("B lymphoblastic lymphoma", "B-Lymphoblastic Leukemia/Lymphoma"),
        # "cancer" ~ "carcinoma"
        ("hepatocellular cancer", "Hepatocellular Carcinoma"),
        ("renal cell cancer", "Renal Cell Carcinoma"),
        # main type -> the node carrying it highest ("Head and Neck Cancer" is the tissue's main type)
        ("head and neck cancer", "Head and Neck"),
        ("cervical cancer", "Cervix"),
        # the part before a comma
        ("oligodendroglioma", "Oligodendroglioma, IDH-mutant, and 1p/19q-Codeleted"),
        # "<histology> of (the) <site>" ~ "<site> <histology>"
        ("adenocarcinoma of the stomach", "Stomach Adenocarcinoma"),
        ("squamous cell carcinoma of the lung", "Lung Squamous Cell Carcinoma"),
        # "<site> cancer" for a tissue
        ("kidney cancer", "Kidney"),
    ],
)  # fmt: skip
def test_report_wording_of_tumour_names_resolves(default: Knowledge, written: str, oncotree_name: str) -> None:
    assert default.resolve_tumor(written) == _release_node_named(oncotree_name)
    assert default.tumor(written) == _release_node_named(oncotree_name)


def test_histology_of_site_finds_the_type_below_the_site(default: Knowledge) -> None:
    code = default.tumor("secretory carcinoma of the salivary gland")
    assert "Secretory Carcinoma" in default.tumors[code].name
    assert "SALIVARY" in {default.tumor_tissue(code), *default.tumor_ancestors(code)} or any(
        "Salivary" in default.tumors[a].name for a in default.tumor_ancestors(code)
    )
    # a combined tumour is not named by one of its parts
    assert default.resolve_tumor("cholangiocarcinoma of the liver") is None


def test_a_name_several_tissues_carry_is_an_error_listing_them(default: Knowledge) -> None:
    with pytest.raises(AmbiguousNameError) as err:
        default.tumor("germ cell tumour")  # main type of ovarian, testicular, brain, ... nodes
    msg = str(err.value)
    assert msg.startswith("ambiguous tumor type")
    assert _release_node_named("Seminoma") in msg and _release_node_named("Ovarian Germ Cell Tumor") in msg
    assert default.resolve_tumor("germ cell tumour") is None
