"""Readers: JSON/YAML profiles, MAF, VEP and SnpEff VCFs, copy-number/fusion tables."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from oncoresist.errors import AlterationSyntaxError, ImportFormatError, OncoresistError
from oncoresist.knowledge.loader import load_knowledge
from oncoresist.profile.readers import read_alteration_table, read_maf, read_profile_file, read_vcf
from oncoresist.profile.schema import Profile

DATA = Path(__file__).parents[1] / "data" / "profiles"
EXAMPLES = Path(__file__).parents[2] / "examples" / "profiles"


@pytest.fixture(scope="module")
def kb():  # type: ignore[no-untyped-def]
    return load_knowledge(include_imports=False)


def names(sp) -> list[str]:  # type: ignore[no-untyped-def]
    return [a.name for a in sp.alterations]


def test_maf_samples_and_bad_rows(kb):
    res = read_maf(DATA / "small.maf", kb)
    assert names(res.samples["LUAD-01"]) == ["EGFR L858R", "EGFR T790M", "TP53 R273H"]
    assert names(res.samples["LUAD-02"]) == ["EGFR E746_A750del", "EGFR C797S"]  # Silent skipped
    assert names(res.samples["LUAD-04"]) == ["EGFR D770_N771insSVD", "MET X1010_splice"]
    assert "LUAD-06" in res.samples and res.samples["LUAD-06"].alterations == []  # intron only
    bad = {(b.line, b.field) for b in res.bad_rows}
    # line 1: '#version', line 2: header, data from line 3
    assert bad == {(14, "HGVSp_Short"), (15, "Hugo_Symbol"), (16, "Tumor_Sample_Barcode")}
    assert all(str(DATA / "small.maf") in str(b) for b in res.bad_rows)


def test_maf_missing_columns(tmp_path, kb):
    p = tmp_path / "x.maf"
    p.write_text("Hugo_Symbol\tHGVSp_Short\nEGFR\tp.T790M\n")
    with pytest.raises(ImportFormatError, match="Variant_Classification"):
        read_maf(p, kb)


def test_vep_vcf(kb):
    res = read_vcf(DATA / "vep.vcf", kb)
    assert list(res.samples) == ["TUMOR"]
    # canonical transcript chosen (T790M, not T745M); synonymous and LowQual records skipped
    assert names(res.samples["TUMOR"]) == ["EGFR E746_A750del", "EGFR T790M"]


def test_snpeff_vcf(kb):
    res = read_vcf(DATA / "snpeff.vcf", kb)
    assert names(res.samples["PATIENT7_T"]) == ["ALK G1202R", "EGFR L858R"]


def test_vcf_without_annotation_says_what_it_needs(kb):
    with pytest.raises(ImportFormatError, match=r"CSQ.*VEP.*ANN.*SnpEff"):
        read_vcf(DATA / "unannotated.vcf", kb)


def test_alteration_table(kb):
    res = read_alteration_table(DATA / "cna_fusion.tsv", kb)
    assert names(res.samples["LUAD-02"]) == ["MET amplification"]
    assert names(res.samples["LUAD-03"]) == ["EML4::ALK"]
    assert names(res.samples["LUAD-06"]) == ["small cell transformation", "RB1 loss"]
    assert names(res.samples["LUAD-07"]) == ["ERBB2 amplification"]
    assert [(b.line, b.field) for b in res.bad_rows] == [(7, "alteration")]


def test_profile_yaml_and_json(kb):
    sp = read_profile_file(EXAMPLES / "egfr_nsclc_erlotinib.yaml", kb)
    assert sp.sample == "example-egfr-01" and sp.tumor == "NSCLC" and sp.drugs == ["erlotinib"]
    assert names(sp) == ["EGFR L858R", "EGFR T790M"]
    sp = read_profile_file(EXAMPLES / "egfr_met_osimertinib.json", kb)
    assert names(sp) == ["EGFR exon 19 deletion", "MET amplification"]


def test_profile_bad_alteration_names_file_line_field(tmp_path, kb):
    p = tmp_path / "p.yaml"
    p.write_text("tumor: NSCLC\nalterations:\n  - EGFR T790M\n  - EGFR T79x0M\n")
    with pytest.raises(AlterationSyntaxError, match=r"p\.yaml:4: field 'alterations\[1\]'"):
        read_profile_file(p, kb)


def test_profile_schema_error(tmp_path, kb):
    p = tmp_path / "p.json"
    p.write_text(json.dumps({"alterations": ["EGFR T790M"], "tumour": "NSCLC"}))
    with pytest.raises(ImportFormatError, match="tumour"):
        read_profile_file(p, kb)


def test_profile_schema_is_documented():
    schema = Profile.model_json_schema()
    assert {"sample", "tumor", "drugs", "alterations"} <= set(schema["properties"])
    assert schema["additionalProperties"] is False


def test_unknown_gene_in_profile(tmp_path, kb):
    p = tmp_path / "p.yaml"
    p.write_text("alterations: [EFGR T790M]\n")
    with pytest.raises(OncoresistError, match="EGFR"):
        read_profile_file(p, kb)
