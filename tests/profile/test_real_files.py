"""Real MAFs from ../shared/data/profiles_real (skipped where the shared folder is absent)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from oncoresist.knowledge.loader import load_knowledge
from oncoresist.profile.readers import read_maf

REAL = Path(__file__).parents[2].parent / "shared" / "data" / "profiles_real"
LAML = REAL / "tcga_laml.maf.gz"
B38 = REAL / "vcf2maf_test_b38_output.maf"

pytestmark = pytest.mark.skipif(not LAML.is_file(), reason="../shared/data/profiles_real is absent")


@pytest.fixture(scope="module")
def kb():  # type: ignore[no-untyped-def]
    return load_knowledge(include_imports=False)


@pytest.fixture(scope="module")
def laml(kb):  # type: ignore[no-untyped-def]
    return read_maf(LAML, kb)


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    return pd.read_csv(LAML, sep="\t", dtype=str, keep_default_na=False)


def test_every_sample_is_present_without_renaming(laml, raw):
    barcodes = set(raw["Tumor_Sample_Barcode"])
    assert len(barcodes) == 193  # the maftools README: 193 samples
    assert set(laml.samples) == barcodes
    assert laml.columns["protein"] == "Protein_Change"
    assert any("Protein_Change" in n for n in laml.notes)
    # a sample whose rows carry no protein change is still there, with its status
    for name, sp in laml.samples.items():
        assert sp.status in ("ok", "no protein-altering rows", "all rows rejected"), name
        if not sp.alterations:
            assert sp.status != "ok"


def test_every_flt3_itd_row_is_recognised(laml, raw):
    # FLT3 in-frame insertions in the juxtamembrane / TKD1 region (codons 572-630) are ITDs
    rows = raw[(raw["Hugo_Symbol"] == "FLT3") & raw["Protein_Change"].str.contains("ins|>", regex=True)]
    rows = rows[rows["Variant_Classification"].isin(["In_Frame_Ins", "Splice_Site"])]
    codon = rows["Protein_Change"].map(lambda p: int(re.match(r"p\.(\d+)", p)[1]))  # type: ignore[index]
    rows = rows[(codon >= 572) & (codon <= 630)]
    # the count: 33 In_Frame_Ins rows and one Splice_Site row with an in-frame insertion (p.611_612ins...)
    assert len(rows) == 34 and (rows["Variant_Classification"] == "In_Frame_Ins").sum() == 33
    for sample in rows["Tumor_Sample_Barcode"]:
        names = [a.name for a in laml.samples[sample].alterations]
        assert "FLT3 internal tandem duplication" in names, (sample, names)
    assert not laml.bad_rows or all("FLT3" not in str(b) for b in laml.bad_rows)


def test_npm1_c_terminal_frameshifts_become_the_named_mutation(laml, raw):
    rows = raw[(raw["Hugo_Symbol"] == "NPM1") & raw["Variant_Classification"].str.startswith("Frame_Shift")]
    c_terminal = rows[rows["Protein_Change"].str.contains(r"28[6-9]fs|290fs", regex=True)]
    assert len(c_terminal) >= 27  # the issue: 27 NPM1 rows rejected before
    for sample in c_terminal["Tumor_Sample_Barcode"]:
        assert "NPM1 exon 11 mutation" in [a.name for a in laml.samples[sample].alterations]


def test_laml_annotates_every_sample(laml, kb):
    from oncoresist.annotate.api import annotate_samples

    results = list(annotate_samples(laml.samples.values(), drug="gilteritinib", tumor="AML", knowledge=kb))
    assert len(results) == 193


@pytest.mark.skipif(not B38.is_file(), reason="../shared/data/profiles_real is absent")
def test_vcf2maf_output(kb):
    res = read_maf(B38, kb)
    assert res.columns["protein"] == "HGVSp_Short"
    assert list(res.samples) == ["TUMOR"] and not res.bad_rows
    names = [a.name for a in res.samples["TUMOR"].alterations]
    # rows of the file as written: p.L429R (missense), p.X168_splice (splice site), p.N139fs
    assert {"RUNX1 L429R", "RUNX1 X168_splice", "RUNX1 N139fs"} <= set(names)
