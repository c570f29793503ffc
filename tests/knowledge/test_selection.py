"""Which knowledge a load uses: argument, then $ONCORESIST_KNOWLEDGE, then the config file, then default.

Nothing else changes it: files left in the per-user data folder are never merged by themselves.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from oncoresist.errors import KnowledgeError, UnknownNameError
from oncoresist.knowledge import load_knowledge
from oncoresist.knowledge.selection import resolve_selection


def _layer(folder: Path, fact_id: str) -> Path:
    """A folder of one import file holding one fact (EGFR T790M / erlotinib), named ``fact_id``."""
    folder.mkdir(parents=True)
    doc = {
        "schema_version": "1",
        "meta": {"source": "test"},
        "facts": [
            {
                "id": fact_id,
                "alterations": ["EGFR T790M"],
                "drugs": ["erlotinib"],
                "effect": "resistance",
                "mechanism": "on_target_mutation",
                "origin": "both",
                "evidence_level": "B",
                "sources": ["PMID:25668228"],
                "summary": "An imported test fact.",
                "record": f"test:{fact_id}",
            }
        ],
    }
    (folder / "test.json").write_text(json.dumps(doc), encoding="utf-8")
    return folder


def _ids(kb) -> set[str]:  # type: ignore[no-untyped-def]
    return {f.id for f in kb.facts if f.record and f.record.startswith("test:")}


def test_files_in_the_data_folder_are_not_merged(import_dir: Path) -> None:
    _layer(import_dir / "stray", "stray-fact")
    (import_dir / "civic.json").write_text((import_dir / "stray" / "test.json").read_text(), encoding="utf-8")
    kb = load_knowledge()
    assert _ids(kb) == set() and kb.version.startswith("default:")


def test_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_dir = _layer(tmp_path / "env", "env-fact")
    cfg_dir = _layer(tmp_path / "cfg", "cfg-fact")
    config = tmp_path / "config.toml"
    config.write_text(f'knowledge = "{cfg_dir}"\n', encoding="utf-8")
    monkeypatch.setenv("ONCORESIST_CONFIG", str(config))
    assert _ids(load_knowledge()) == {"cfg-fact"}
    assert resolve_selection().how == f"config {config}"
    monkeypatch.setenv("ONCORESIST_KNOWLEDGE", str(env_dir))
    assert _ids(load_knowledge()) == {"env-fact"}
    assert resolve_selection().how == "$ONCORESIST_KNOWLEDGE"
    kb = load_knowledge("curated")  # the argument wins
    assert _ids(kb) == set() and kb.version.startswith("curated:")
    assert load_knowledge("default").version.startswith("default:")


def test_the_version_string_names_the_selection(tmp_path: Path) -> None:
    folder = _layer(tmp_path / "mine", "mine-fact")
    kb = load_knowledge(folder)
    assert kb.version.startswith(f"path:{folder}:curated-")
    assert kb.version.split("+")[-1].startswith("test.")  # the layer, by its file's digest
    assert kb.selection is not None and kb.selection.how == "argument"


def test_bad_config_file_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config.toml"
    config.write_text("knowledge = [1, 2]\n", encoding="utf-8")
    monkeypatch.setenv("ONCORESIST_CONFIG", str(config))
    with pytest.raises(KnowledgeError, match="'knowledge' must be a version name or a folder path"):
        load_knowledge()
    config.write_text("knowledge = \n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="cannot read the config file"):
        load_knowledge()


def test_unknown_selection_names_the_source_and_suggests(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONCORESIST_KNOWLEDGE", "curatd")
    with pytest.raises(UnknownNameError) as exc:
        load_knowledge()
    msg = str(exc.value)
    assert "$ONCORESIST_KNOWLEDGE" in msg and "curated" in msg and "\n" not in msg
