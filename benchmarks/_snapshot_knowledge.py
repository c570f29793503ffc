"""The knowledge the benchmarks compare: the curated layer alone, or curated + the CIViC and CGI snapshots in
../shared/data imported into a folder (one place for twin_flaura.py, twin_trials.py and server_load.py)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def write_snapshot_imports(target: Path) -> None:
    """Import the CIViC and CGI snapshots against the curated layer and write them under ``target``."""
    from oncoresist.knowledge.importers import import_cgi, import_civic, write_import
    from oncoresist.knowledge.loader import load_knowledge

    curated = load_knowledge(include_imports=False)
    write_import(import_civic(SHARED / "civic" / "AcceptedClinicalEvidenceSummaries.tsv", curated), target)
    write_import(import_cgi(SHARED / "cgi" / "cgi_biomarkers_per_variant.tsv", curated), target)


def load_benchmark_knowledge(which: str, tmp: Path) -> Any:
    """``"curated"``: the curated layer; otherwise curated + the snapshots imported into ``tmp``, which this
    process then reads its imports from (``ONCORESIST_DATA_DIR``)."""
    from oncoresist.knowledge.loader import load_knowledge

    if which == "curated":
        return load_knowledge(include_imports=False)
    write_snapshot_imports(tmp)
    os.environ["ONCORESIST_DATA_DIR"] = str(tmp)
    return load_knowledge()
