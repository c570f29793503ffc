"""Loading curated YAML plus imports: one-line errors naming file, entry and field; merge rules; speed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from knowledge._helpers import one_line, private_copy
from oncoresist.errors import KnowledgeError
from oncoresist.knowledge.loader import DATA_DIR, load_knowledge


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of the curated knowledge to break."""
    return private_copy(DATA_DIR, tmp_path / "data")


def _load_error(**kwargs: object) -> str:
    """``load_knowledge(**kwargs)`` must raise a :class:`KnowledgeError`: its one-line message."""
    with pytest.raises(KnowledgeError) as exc:
        load_knowledge(**kwargs)
    return one_line(exc)


def _add_fact(data_copy: Path, **over: object) -> None:
    """Add ``facts/zz_test.yaml`` with one curated fact (EGFR T790M, erlotinib, resistance) changed by ``over``."""
    fact = {
        "id": "test-fact",
        "alterations": ["EGFR T790M"],
        "drugs": ["erlotinib"],
        "effect": "resistance",
        "mechanism": "on_target_mutation",
        "origin": "acquired",
        "evidence_level": "A",
        "sources": ["PMID:25668228"],
        "summary": "A test fact.",
        **over,
    }
    doc = {"schema_version": "1", "facts": [fact]}
    (data_copy / "facts" / "zz_test.yaml").write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")


def test_copy_loads(data_copy: Path) -> None:
    kb = load_knowledge(data_dir=data_copy, include_imports=False)
    assert kb.facts and kb.version.startswith("curated:curated-")
    assert kb.version.endswith("+oncotree-2025-10-03")


def test_bad_yaml_names_file_and_line(data_copy: Path) -> None:
    target = data_copy / "facts" / "egfr.yaml"
    target.write_text(target.read_text() + "\n  - id: broken\n    alterations: [EGFR T790M\n", encoding="utf-8")
    msg = _load_error(data_dir=data_copy, include_imports=False)
    assert "facts/egfr.yaml" in msg and "line" in msg and "invalid YAML" in msg


def test_bad_field_names_file_entry_and_field(data_copy: Path) -> None:
    _add_fact(
        data_copy, id="test-bad-effect", effect="resists", summary="A test fact with an effect that does not exist."
    )
    msg = _load_error(data_dir=data_copy, include_imports=False)
    assert "zz_test.yaml" in msg and "test-bad-effect" in msg and "'effect'" in msg


def test_unknown_drug_in_a_fact(data_copy: Path) -> None:
    _add_fact(data_copy, id="test-unknown-drug", drugs=["erlotinb"], summary="A test fact naming a misspelt drug.")
    msg = _load_error(data_dir=data_copy, include_imports=False)
    assert "zz_test.yaml" in msg and "fact test-unknown-drug" in msg
    assert "'drugs[0]'" in msg and "unknown drug 'erlotinb'" in msg and "erlotinib" in msg


def _import_doc(facts: list[dict], **sections: list[dict]) -> dict:
    return {"schema_version": "1", "meta": {"source": "test"}, **sections, "facts": facts}


def _fact(**over: object) -> dict:
    base = {
        "id": "civic-eid999999",
        "alterations": ["EGFR T790M"],
        "drugs": ["erlotinib"],
        "effect": "resistance",
        "mechanism": "on_target_mutation",
        "mechanism_inferred": True,
        "origin": "both",
        "evidence_level": "B",
        "sources": ["PMID:25668228"],
        "summary": "An imported test fact.",
        "record": "civic:EID999999",
    }
    return {**base, **over}


def test_unknown_drug_in_an_imported_fact(import_dir: Path) -> None:
    (import_dir / "civic.json").write_text(json.dumps(_import_doc([_fact(drugs=["notadrug"])])))
    msg = _load_error(imports=import_dir)
    assert "civic.json" in msg and "civic-eid999999" in msg and "unknown drug 'notadrug'" in msg


def test_imports_never_override_curated(import_dir: Path) -> None:
    curated = load_knowledge(include_imports=False)
    doc = _import_doc(
        [_fact()],
        genes=[{"symbol": "EGFR", "name": "not the curated name"}],
        drugs=[{"name": "erlotinib", "classes": ["imported_unclassified"]}],
        drug_classes=[{"id": "imported_unclassified", "name": "imported"}],
    )
    (import_dir / "civic.json").write_text(json.dumps(doc))
    kb = load_knowledge(imports=import_dir)
    assert kb.genes["EGFR"] == curated.genes["EGFR"]
    assert kb.drugs["erlotinib"] == curated.drugs["erlotinib"]
    assert any(f.id == "civic-eid999999" for f in kb.facts)
    assert kb.version.startswith(f"path:{import_dir}:curated-") and "+civic." in kb.version


def test_corrupt_import_json_is_one_line(import_dir: Path) -> None:
    (import_dir / "cgi.json").write_text('{"facts": [')
    msg = _load_error(imports=import_dir)
    assert "cgi.json" in msg and "kb import" in msg


def test_full_load_merges_both_imports(full_import_dir: Path) -> None:
    """Speed is measured in benchmarks/kb_load.py, not here; this checks the merge itself."""
    kb = load_knowledge(imports=full_import_dir)
    assert len(kb.facts) > 10_000
    records = {f.record.split(":")[0] for f in kb.facts if f.record}
    assert records == {"civic", "cgi", "derived"}  # derived: inferred pharmacology facts (knowledge.derive)
    assert len(kb.curated_facts) >= 150


def test_importer_written_file_with_a_bad_field_is_still_caught(import_dir: Path) -> None:
    """The fast path for importer-written files falls back to full validation on any doubt."""
    doc = _import_doc([_fact(effect="resists")])
    doc["meta"]["writer"] = "oncoresist.knowledge.importers"
    (import_dir / "civic.json").write_text(json.dumps(doc))
    msg = _load_error(imports=import_dir)
    assert "civic.json" in msg and "civic-eid999999" in msg and "'effect'" in msg


def test_importer_written_file_loads_like_validated(full_import_dir: Path) -> None:
    from oncoresist.knowledge.loader import read_import_file
    from oncoresist.knowledge.schema import KnowledgeFile

    path = full_import_dir / "civic.json"
    fast, meta = read_import_file(path)
    assert meta["writer"] == "oncoresist.knowledge.importers"
    raw = json.loads(path.read_text())
    raw.pop("meta")
    assert fast == KnowledgeFile.model_validate(raw)
