"""Shared fixtures.

Every test runs with ``ONCORESIST_DATA_DIR`` pointing at an empty temporary folder,
so no test reads or writes the user's real data folder (where ``kb import`` writes
knowledge versions), and without the user's knowledge selection. The public CIViC and
CGI snapshots are read from ``../shared/data`` (relative to the repository root);
tests that need them are skipped where that folder is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
CIVIC_TSV = SHARED_DATA / "civic" / "AcceptedClinicalEvidenceSummaries.tsv"
CGI_TSV = SHARED_DATA / "cgi" / "cgi_biomarkers_per_variant.tsv"


@pytest.fixture(autouse=True)
def import_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty per-user data folder for this test (``ONCORESIST_DATA_DIR``; ``kb import`` writes versions there).

    The knowledge selection of the user running the tests (``ONCORESIST_KNOWLEDGE``, the config
    file) is cleared too, so every test loads the default knowledge unless it selects another.
    """
    path = tmp_path_factory.mktemp("imports")
    monkeypatch.setenv("ONCORESIST_DATA_DIR", str(path))
    monkeypatch.delenv("ONCORESIST_KNOWLEDGE", raising=False)
    monkeypatch.setenv("ONCORESIST_CONFIG", str(path / "no-config.toml"))
    return path


@pytest.fixture(scope="session")
def civic_tsv() -> Path:
    if not CIVIC_TSV.is_file():
        pytest.skip(f"CIViC snapshot not found at {CIVIC_TSV}")
    return CIVIC_TSV


@pytest.fixture(scope="session")
def cgi_tsv() -> Path:
    if not CGI_TSV.is_file():
        pytest.skip(f"CGI snapshot not found at {CGI_TSV}")
    return CGI_TSV


@pytest.fixture(scope="session")
def curated_kb():  # type: ignore[no-untyped-def]
    """The curated knowledge only (no imports)."""
    from oncoresist.knowledge import load_knowledge

    return load_knowledge(include_imports=False)


@pytest.fixture(scope="session")
def civic_import(civic_tsv: Path, curated_kb):  # type: ignore[no-untyped-def]
    """The CIViC snapshot imported against the curated knowledge (an ImportResult)."""
    from oncoresist.knowledge.importers import import_civic

    return import_civic(civic_tsv, curated_kb)


@pytest.fixture(scope="session")
def cgi_import(cgi_tsv: Path, curated_kb):  # type: ignore[no-untyped-def]
    """The CGI snapshot imported against the curated knowledge (an ImportResult)."""
    from oncoresist.knowledge.importers import import_cgi

    return import_cgi(cgi_tsv, curated_kb)


@pytest.fixture(scope="session")
def full_import_dir(tmp_path_factory: pytest.TempPathFactory, civic_import, cgi_import) -> Path:  # type: ignore[no-untyped-def]
    """A folder holding ``civic.json`` and ``cgi.json`` from the snapshots (shared, read-only)."""
    from oncoresist.knowledge.importers import write_import

    path = tmp_path_factory.mktemp("full-imports")
    write_import(civic_import, path)
    write_import(cgi_import, path)
    return path
