"""Every curated source says how it was confirmed; the machine-checkable claims hold.

A source confirmed by a CIViC evidence item (``civic:EID<n>``) must cite exactly that
item's PubMed id in the CC0 CIViC snapshot; a source confirmed by a CGI row must appear
in the CGI table's Source column. Other confirmations (publication pages, labels)
are recorded in words and checked here only for being present.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from oncoresist.knowledge import load_knowledge

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
CIVIC = SHARED / "civic" / "AcceptedClinicalEvidenceSummaries.tsv"
CGI = SHARED / "cgi" / "cgi_biomarkers_per_variant.tsv"


@pytest.fixture(scope="module")
def kb():  # type: ignore[no-untyped-def]
    return load_knowledge(include_imports=False)


def test_every_curated_source_records_its_confirmation(kb) -> None:  # type: ignore[no-untyped-def]
    for sid, src in kb.sources.items():
        assert len(src.confirmed_by) >= 8, sid
        assert len(src.citation) >= 8, sid


def test_every_fact_and_option_cites_a_registered_source(kb) -> None:  # type: ignore[no-untyped-def]
    for item in [*kb.curated_facts, *kb.options]:
        assert item.sources, item.id
        for s in item.sources:
            assert s in kb.sources, (item.id, s)


@pytest.mark.skipif(not CIVIC.exists(), reason="shared CIViC snapshot not present")
def test_civic_confirmed_sources_match_the_civic_item(kb) -> None:  # type: ignore[no-untyped-def]
    with CIVIC.open(encoding="utf-8") as fh:
        pmid_of = {r["evidence_id"]: r["citation_id"] for r in csv.DictReader(fh, delimiter="\t")}
    checked, wrong = 0, []
    for sid, src in kb.sources.items():
        eids = re.findall(r"civic:EID(\d+)", src.confirmed_by)
        if not eids:
            continue
        checked += 1
        cited = {pmid_of.get(e) for e in eids}
        prefix, _, ident = sid.partition(":")
        if prefix not in ("PMID", "ASCO") or ident not in cited:
            wrong.append((sid, eids, cited))
    assert checked >= 50
    assert wrong == []


@pytest.mark.skipif(not CGI.exists(), reason="shared CGI snapshot not present")
def test_cgi_confirmed_pubmed_sources_appear_in_the_cgi_table(kb) -> None:  # type: ignore[no-untyped-def]
    tokens: set[str] = set()
    with CGI.open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh, delimiter="\t"):
            tokens.update(t.strip() for t in re.split(r"[;,\s]+", r["Source"]) if t.strip())
    wrong = [
        sid
        for sid, src in kb.sources.items()
        if "cgi row" in src.confirmed_by.lower()
        and "civic:EID" not in src.confirmed_by
        and sid.startswith("PMID:")
        and sid not in tokens
    ]
    assert wrong == []
