"""Shared fixtures for the web service tests: one knowledge, small limits, a TestClient."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from oncoresist.knowledge.loader import load_knowledge
from oncoresist.server import ServerSettings, create_app


@pytest.fixture(scope="session")
def kb():  # type: ignore[no-untyped-def]
    return load_knowledge()


@pytest.fixture
def upload_dir(tmp_path: Path) -> Path:
    d = tmp_path / "uploads"
    d.mkdir()
    return d


@pytest.fixture
def settings(tmp_path: Path, upload_dir: Path) -> ServerSettings:
    return ServerSettings(max_upload_bytes=64 * 1024, max_rows=50, max_alterations=20, max_jobs=1, max_queued=0,
                          max_patients=20, job_dir=tmp_path, upload_dir=upload_dir)  # fmt: skip


@pytest.fixture
def client(settings: ServerSettings, kb) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(create_app(settings, knowledge=kb)) as c:
        yield c
