"""The pinned default knowledge: rebuilt from ../shared/data it is identical to what is shipped; guarded loading."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
from pathlib import Path

import pytest

from knowledge._helpers import CGI_TSV, CIVIC_TSV, SHARED_DATA, private_copy
from oncoresist.errors import KnowledgeError
from oncoresist.knowledge import load_knowledge
from oncoresist.knowledge.bundle import MANIFEST, build_bundle, differences
from oncoresist.knowledge.derive import is_derived
from oncoresist.knowledge.importer_version import IMPORTER_VERSION
from oncoresist.knowledge.loader import DATA_DIR, import_payload
from oncoresist.knowledge.oncotree import BUNDLE_DIR
from oncoresist.knowledge.schema import KnowledgeFile
from oncoresist.knowledge.selection import layer_label

needs_shared = pytest.mark.skipif(not (CIVIC_TSV.is_file() and CGI_TSV.is_file()), reason="../shared/data absent")

#: from ../shared/data/README.md (the table of snapshots), not from the code
README_SHA256 = {
    "civic": "6228a09011dab2d19025ec48bb6bf9dbded0c23cef56063d63506b7a2c44f56d",
    "cgi": "6c1a86c7dd1d75f29d1969123732b7089aa1415e9653ac20d05d319757fab846",
}
README_ROWS = {"civic": 4854, "cgi": 1442}


def _manifest() -> dict:
    return json.loads((BUNDLE_DIR / MANIFEST).read_text(encoding="utf-8"))


@needs_shared
def test_rebuild_from_the_shared_snapshots_is_identical(tmp_path: Path) -> None:
    build_bundle(SHARED_DATA, tmp_path)
    assert differences(tmp_path, BUNDLE_DIR) == [], (
        "the shipped bundle is stale: run 'python -m oncoresist.knowledge.bundle ../shared/data'"
    )


def test_manifest_records_each_snapshot() -> None:
    m = _manifest()
    assert m["compiled_by"].startswith("oncoresist ")
    layers = {layer["source"]: layer for layer in m["layers"]}
    assert set(layers) == {"civic", "cgi"}
    for source, layer in layers.items():
        assert layer["source_sha256"] == README_SHA256[source]
        assert layer["rows"] == README_ROWS[source]
        assert "CC0" in layer["licence"] and layer["notice"]
        assert hashlib.sha256((BUNDLE_DIR / layer["file"]).read_bytes()).hexdigest() == layer["sha256"]
    assert layers["civic"]["release_date"] == "2026-05-26"  # the README's "last review date"
    assert layers["cgi"]["release_date"] is None and "no date" in layers["cgi"]["release_note"]
    onco = m["oncotree"]
    assert onco["attribution"] == "OncoTree, Memorial Sloan Kettering Cancer Center"
    assert onco["licence"] == "CC BY 4.0" and onco["release"] == "2025-10-03" and onco["nodes"] == 898
    assert hashlib.sha256((BUNDLE_DIR / onco["file"]).read_bytes()).hexdigest().startswith("613c84eb")  # README


@needs_shared
def test_shipped_oncotree_is_the_shared_release() -> None:
    shipped = (BUNDLE_DIR / _manifest()["oncotree"]["file"]).read_bytes()
    assert shipped == (SHARED_DATA / "oncotree" / "oncotree_2025_10_03.json").read_bytes()


def test_default_knowledge_is_curated_plus_both_snapshots() -> None:
    kb = load_knowledge()
    origins = {(f.record or "curated").split(":")[0] for f in kb.facts}
    assert origins == {"curated", "civic", "cgi", "derived"}  # derived: knowledge.derive (pharmacology rules)
    assert kb.version.startswith("default:curated-")
    # each layer: source table (README sha256) + importer version + compiled file (manifest sha256)
    layers = {layer["source"]: layer for layer in _manifest()["layers"]}
    civic = f"+civic-2026-05-26.6228a090.imp{IMPORTER_VERSION}.{layers['civic']['sha256'][:8]}"
    cgi = f"+cgi.6c1a86c7.imp{IMPORTER_VERSION}.{layers['cgi']['sha256'][:8]}"
    assert kb.version.endswith(civic + cgi)
    assert len(kb.curated_facts) == len([f for f in load_knowledge("curated").facts if not is_derived(f)])


def test_pinned_layers_load_as_full_validation_would() -> None:
    """The trusted path (hash matched, no pydantic validation) builds exactly what validation builds."""
    for layer in _manifest()["layers"]:
        doc = json.loads(gzip.decompress((BUNDLE_DIR / layer["file"]).read_bytes()))
        fast, meta = import_payload(doc, BUNDLE_DIR / layer["file"], trusted=True)
        raw = {k: v for k, v in doc.items() if k != "meta"}
        assert fast == KnowledgeFile.model_validate(raw)
        assert meta["source"] == layer["source"]


def test_curated_snapshot_equals_the_yaml(tmp_path: Path) -> None:
    """The compiled curated layer (used while its digest matches) is what parsing the YAML gives."""
    from_snapshot = load_knowledge("curated")
    from_yaml = load_knowledge(data_dir=private_copy(DATA_DIR, tmp_path / "data"), include_imports=False)
    assert from_snapshot.facts == from_yaml.facts
    assert from_snapshot.options == from_yaml.options
    assert from_snapshot.drugs == from_yaml.drugs and from_snapshot.tumors == from_yaml.tumors


def test_edited_curated_yaml_is_read_not_the_snapshot(tmp_path: Path) -> None:
    data_copy = private_copy(DATA_DIR, tmp_path / "data")
    path = data_copy / "facts" / "egfr.yaml"
    text = path.read_text(encoding="utf-8")
    assert "acquired resistance" in text
    path.write_text(text.replace("acquired resistance", "acquired drug resistance", 1), encoding="utf-8")
    kb = load_knowledge(data_dir=data_copy, include_imports=False)
    assert any("acquired drug resistance" in f.summary for f in kb.facts)
    assert kb.version != load_knowledge("curated").version


def test_a_changed_pinned_layer_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "v"
    folder.mkdir()
    layer = _manifest()["layers"][0]
    shutil.copy(BUNDLE_DIR / layer["file"], folder / layer["file"])
    manifest = {"name": "v", "layers": [{**layer, "sha256": "0" * 64}]}
    (folder / "version.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"sha256 .* differs from"):
        load_knowledge(folder)


def test_manifest_records_the_importer_version_of_every_layer() -> None:
    assert [layer.get("importer_version") for layer in _manifest()["layers"]] == [IMPORTER_VERSION] * 2


def test_an_importer_change_changes_the_layer_label() -> None:
    """Same source table, another importer version or another compiled file: another knowledge version."""
    table = README_SHA256["civic"]
    base = layer_label("civic", table, "2026-05-26", compiled_sha256="a" * 64, importer_version="2")
    assert base == "civic-2026-05-26.6228a090.imp2.aaaaaaaa"
    assert layer_label("civic", table, "2026-05-26", compiled_sha256="a" * 64, importer_version="3") != base
    assert layer_label("civic", table, "2026-05-26", compiled_sha256="b" * 64, importer_version="2") != base
    # a manifest written before importer versions existed still names its compiled file
    assert layer_label("civic", table, "2026-05-26", compiled_sha256="a" * 64) == "civic-2026-05-26.6228a090.aaaaaaaa"


def test_a_manifest_with_another_importer_version_loads_under_another_version(tmp_path: Path) -> None:
    folder = tmp_path / "v"
    folder.mkdir()
    doc = {"layers": []}
    for layer in _manifest()["layers"]:
        shutil.copyfile(BUNDLE_DIR / layer["file"], folder / layer["file"])
        doc["layers"].append({k: layer[k] for k in ("source", "file", "sha256", "source_sha256", "release_date")})
    doc["layers"][0]["importer_version"] = "99"
    (folder / "version.json").write_text(json.dumps(doc), encoding="utf-8")
    other = load_knowledge(str(folder)).version
    assert ".imp99." in other and other.split(":", 1)[1] != load_knowledge().version.split(":", 1)[1]
