"""Fixtures of the knowledge tests.

``my_files``, ``my_facts`` and ``my_options`` read the requesting test module's ``MY_FILES`` (the
curated files it covers, by path under ``knowledge/data/``) and ``MY_FACT_FILES`` (those of them
holding its facts and options).
"""

from __future__ import annotations

import pytest

from oncoresist.knowledge.index import Knowledge
from oncoresist.knowledge.loader import DATA_DIR, load_knowledge, read_knowledge_file
from oncoresist.knowledge.schema import Fact, KnowledgeFile, Option


@pytest.fixture(scope="module")
def kb() -> Knowledge:
    """The curated knowledge (no imports)."""
    return load_knowledge(include_imports=False)


@pytest.fixture(scope="module")
def my_files(request: pytest.FixtureRequest) -> dict[str, KnowledgeFile]:
    return {name: read_knowledge_file(DATA_DIR / name, name) for name in request.module.MY_FILES}


@pytest.fixture(scope="module")
def my_facts(request: pytest.FixtureRequest, my_files: dict[str, KnowledgeFile]) -> list[Fact]:
    return [f for name in request.module.MY_FACT_FILES for f in my_files[name].facts]


@pytest.fixture(scope="module")
def my_options(request: pytest.FixtureRequest, my_files: dict[str, KnowledgeFile]) -> list[Option]:
    return [o for name in request.module.MY_FACT_FILES for o in my_files[name].options]
