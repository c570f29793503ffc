"""Helpers shared by the knowledge tests (``from knowledge._helpers import ...``; ``tests/`` is on the path).

The public CIViC and CGI snapshots are read from ``../shared/data`` (relative to the repository root);
tests that need them skip where they are absent.
"""

from __future__ import annotations

import csv
import shutil
from functools import lru_cache
from pathlib import Path

import pytest

from oncoresist.errors import KnowledgeError
from oncoresist.knowledge.index import Knowledge
from oncoresist.profile.alteration import parse_alteration

SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
CIVIC_TSV = SHARED_DATA / "civic" / "AcceptedClinicalEvidenceSummaries.tsv"
CGI_TSV = SHARED_DATA / "cgi" / "cgi_biomarkers_per_variant.tsv"
#: the effects that count as (some) resistance
RESISTANT = ("resistance", "reduced_sensitivity")


@lru_cache(maxsize=1)
def civic_rows() -> dict[str, dict[str, str]]:
    """The CIViC snapshot's rows by evidence id (read once; do not modify)."""
    with CIVIC_TSV.open(newline="", encoding="utf-8") as fh:
        return {r["evidence_id"]: r for r in csv.DictReader(fh, delimiter="\t")}


@lru_cache(maxsize=1)
def cgi_rows() -> list[dict[str, str]]:
    """The CGI snapshot's rows (read once; do not modify)."""
    with CGI_TSV.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def canonical_names(kb: Knowledge, alterations: list[str]) -> set[str]:
    """The canonical names of ``alterations`` in the alteration grammar."""
    return {parse_alteration(a, kb.resolve_gene).name for a in alterations}


def private_copy(src: Path, dest: Path) -> Path:
    """Copy the folder ``src`` to ``dest`` (to extend or break it in a test); return ``dest``."""
    shutil.copytree(src, dest)
    return dest


def one_line(exc: pytest.ExceptionInfo[KnowledgeError]) -> str:
    """The error's message, asserting that it is one line."""
    msg = str(exc.value)
    assert "\n" not in msg
    return msg


#: The two pools the stored first-generation series allow (not active in the packaged data: docs/twin.md,
#: "Pooled shares"); tests add them to a private copy.
POOLS = """schema_version: "1"
pooled_frequencies:
  - id: pooled-gen1-met-amplification
    members: [yu2013-met-amplification, engelman2007-met-amplification]
  - id: pooled-gen1-small-cell-transformation
    members: [yu2013-small-cell-transformation, sequist2011-small-cell-transformation]
"""


def with_pools(tmp: Path) -> Path:
    """A private copy of the quantitative knowledge with :data:`POOLS` added."""
    from oncoresist.knowledge.quant import QUANT_DIR

    data = private_copy(QUANT_DIR, tmp / "data_quant")
    (data / "zz_pools.yaml").write_text(POOLS, encoding="utf-8")
    return data
