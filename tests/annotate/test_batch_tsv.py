"""The batch TSV is a disclaimer comment line, then the table byte for byte as pandas
``DataFrame.to_csv(sep="\\t", index=False)`` writes it.

The writer of :mod:`oncoresist.annotate.batch` formats rows itself (quoting each distinct findings
JSON once); pandas is the independent reference, on real results (TCGA AML) and on fields holding
tabs, quotes and line breaks. The table must also carry the evidence level, the databases and the
conflicts (issue 10), and read back with pandas to the same rows.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from oncoresist.annotate.api import annotate, annotate_samples
from oncoresist.annotate.batch import COLUMNS, TSV_COMMENT, result_row, write_results
from oncoresist.annotate.result import AnnotationResult
from oncoresist.knowledge.index import Knowledge
from oncoresist.knowledge.loader import load_knowledge
from oncoresist.profile.readers import read_maf

LAML = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "profiles_real" / "tcga_laml.maf.gz"


@pytest.fixture(scope="module")
def kb() -> Knowledge:
    return load_knowledge()


def _pandas_tsv(results: list[AnnotationResult], path: Path) -> bytes:
    pd.DataFrame([result_row(r) for r in results], columns=list(COLUMNS)).to_csv(path, sep="\t", index=False)
    return (TSV_COMMENT + os.linesep).encode() + path.read_bytes()


def test_odd_fields_quoted_as_pandas_quotes_them(kb: Knowledge, tmp_path: Path) -> None:
    base = annotate(["EGFR L858R", "EGFR T790M"], drug="erlotinib", tumor="NSCLC", knowledge=kb)
    odd = [
        replace(base, sample='tab\there "quoted" and\nnew line'),
        replace(base, sample="carriage\rreturn", verdict_reason=""),
        replace(base, sample=None, unrecognised=["a;b", '"x"']),
        replace(base, sample="plain"),
    ]
    ours = tmp_path / "ours.tsv"
    assert write_results(odd, ours) == 4
    assert ours.read_bytes() == _pandas_tsv(odd, tmp_path / "pandas.tsv")
    back = pd.read_csv(ours, sep="\t", skiprows=1, keep_default_na=False)
    assert back["sample"].tolist()[0] == 'tab\there "quoted" and\nnew line'
    assert back["sample"].tolist()[-2:] == ["", "plain"]


@pytest.mark.skipif(not LAML.is_file(), reason=f"{LAML} not found")
def test_real_maf_table_identical_to_pandas_and_carries_evidence(kb: Knowledge, tmp_path: Path) -> None:
    samples = list(read_maf(LAML, kb).samples.values())
    results = list(annotate_samples(samples, drug="midostaurin", tumor="AML", knowledge=kb))
    ours = tmp_path / "laml.tsv"
    write_results(results, ours)
    assert ours.read_bytes() == _pandas_tsv(results, tmp_path / "pandas.tsv")
    df = pd.read_csv(ours, sep="\t", skiprows=1, keep_default_na=False)
    assert {"evidence_level", "databases", "conflicts"} <= set(df.columns)
    decided = df[df["verdict"] != "unknown"]
    assert len(decided) > 0 and (decided["evidence_level"] != "").all() and (decided["databases"] != "").all()


def test_empty_table_is_the_header(tmp_path: Path) -> None:
    out = tmp_path / "empty.tsv"
    assert write_results([], out) == 0
    assert out.read_bytes() == _pandas_tsv([], tmp_path / "pandas.tsv")


def test_table_opens_with_the_disclaimer_comment(tmp_path: Path) -> None:
    """Before: no 'research software, not a medical device' line in the TSV."""
    out = tmp_path / "t.tsv"
    write_results([], out)
    first = out.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# Research software, not a medical device")
    assert list(pd.read_csv(out, sep="\t", comment="#").columns) == list(COLUMNS)
