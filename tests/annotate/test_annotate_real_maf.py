"""A real MAF through the batch table: TCGA AML (../shared/data/profiles_real/tcga_laml.maf.gz).

Every sample of the file appears in the table (193 in this release), a sample whose rows were
all rejected keeps its reader status, and the evidence columns are filled.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from oncoresist.annotate.api import annotate_samples
from oncoresist.annotate.batch import write_results
from oncoresist.knowledge.loader import load_knowledge
from oncoresist.profile.readers import read_maf

LAML = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "profiles_real" / "tcga_laml.maf.gz"


@pytest.mark.skipif(not LAML.is_file(), reason=f"{LAML} not found")
def test_tcga_laml_every_sample_in_the_table(tmp_path: Path) -> None:
    kb = load_knowledge()
    read = read_maf(LAML, kb)
    out = tmp_path / "laml.tsv"
    n = write_results(annotate_samples(list(read.samples.values()), drug="midostaurin", tumor="AML", knowledge=kb), out)
    df = pd.read_csv(out, sep="\t", skiprows=1, keep_default_na=False)
    assert n == len(df) == 193 == df["sample"].nunique()
    assert {"evidence_level", "databases", "conflicts", "status"} <= set(df.columns)
    # FLT3-mutated AML responds to midostaurin (FDA label Rydapt): the FLT3-ITD samples are sensitive,
    # with the level and the databases behind the verdict
    sens = df[df["verdict"] == "sensitive"]
    itd = sens[sens["sensitivity"].str.contains("FLT3 internal tandem duplication")]
    assert len(itd) >= 25 and (sens["evidence_level"] != "").all() and (sens["databases"] != "").all()
    empty = df[df["n_findings"] == 0]
    assert (empty["verdict"] == "unknown").all()
