"""Bad rows and bad files (issue 14): say so in one line, never echo a huge field, count what is not carried."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from typer.testing import CliRunner

from oncoresist.annotate.inputs import collect_inputs
from oncoresist.cli import app
from oncoresist.errors import ImportFormatError
from oncoresist.knowledge.loader import load_knowledge
from oncoresist.profile.readers import read_alteration_table, read_maf, read_vcf

DATA = Path(__file__).parents[1] / "data" / "profiles"
HEADER = "Hugo_Symbol\tVariant_Classification\tTumor_Sample_Barcode\tHGVSp_Short\n"


@pytest.fixture(scope="module")
def kb():  # type: ignore[no-untyped-def]
    return load_knowledge(include_imports=False)


@pytest.fixture(autouse=True)
def no_imports(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    d = tmp_path / "imports"
    d.mkdir()
    monkeypatch.setenv("ONCORESIST_DATA_DIR", str(d))


def one_line_exit_2(*args: str) -> str:
    r = CliRunner().invoke(app, ["annotate", *args])
    err = r.stderr.strip()
    assert r.exit_code == 2, r.output
    assert err.startswith("error:") and "\n" not in err and "Traceback" not in r.output
    return err


def test_every_maf_row_bad_is_said_not_nothing_to_annotate(tmp_path, kb):
    p = tmp_path / "bad.maf"
    p.write_text(HEADER + "EGFR\tMissense_Mutation\tS1\tp.T7x90M\nKRAS\tMissense_Mutation\tS2\tp.??\n")
    with pytest.raises(ImportFormatError, match=r"every row of the input was rejected \(2 of 2\).*bad\.maf:2"):
        collect_inputs(kb, maf=p)
    err = one_line_exit_2("--maf", str(p), "--drug", "erlotinib")
    assert "nothing to annotate" not in err and "rejected" in err


def test_every_table_row_bad_is_said(tmp_path, kb):
    p = tmp_path / "bad.tsv"
    p.write_text("sample\tgene\talteration\nS1\tEGFR\tflipped\nS2\tKRAS\tsideways\n")
    with pytest.raises(ImportFormatError, match="every row of the input was rejected"):
        collect_inputs(kb, table=p)


def test_sample_with_only_bad_rows_keeps_its_status(tmp_path, kb):
    p = tmp_path / "mixed.maf"
    p.write_text(HEADER + "EGFR\tMissense_Mutation\tS1\tp.T790M\nKRAS\tMissense_Mutation\tS2\tp.??\n")
    res = read_maf(p, kb)
    assert res.samples["S1"].status == "ok" and res.samples["S2"].status == "all rows rejected"
    assert res.status["S2"].rejected == 1 and res.samples["S2"].alterations == []


def test_a_huge_bad_field_is_not_echoed(tmp_path, kb):
    p = tmp_path / "huge.maf"
    p.write_text(
        HEADER + "EGFR\tMissense_Mutation\tS1\tp.T790M\n" + "KRAS\tMissense_Mutation\tS2\t" + "Q" * 2_000_000 + "\n"
    )
    res = read_maf(p, kb)
    assert len(res.bad_rows) == 1 and len(str(res.bad_rows[0])) < 400
    t = tmp_path / "huge.tsv"
    t.write_text("sample\tgene\talteration\nS1\tEGFR\t" + "x" * 2_000_000 + "\nS2\tMET\tamplification\n")
    res = read_alteration_table(t, kb)
    assert len(res.bad_rows) == 1 and len(str(res.bad_rows[0])) < 400


def test_truncated_maf_gz_is_one_line_exit_2(tmp_path):
    body = (HEADER + "EGFR\tMissense_Mutation\tS1\tp.T790M\n" * 20000).encode()
    full = gzip.compress(body)
    p = tmp_path / "cut.maf.gz"
    p.write_bytes(full[: len(full) // 2])
    with pytest.raises(ImportFormatError, match="truncated or corrupt"):
        read_maf(p)
    err = one_line_exit_2("--maf", str(p), "--drug", "erlotinib")
    assert "cut.maf.gz" in err and "Aborted" not in err


def test_vcf_without_fileformat_line(tmp_path, kb):
    p = tmp_path / "noformat.vcf"
    p.write_text("".join(line for line in (DATA / "vep.vcf").read_text().splitlines(keepends=True)[1:]))
    with pytest.raises(ImportFormatError, match=r"not a VCF: the first line must be '##fileformat=VCFv4.x'"):
        read_vcf(p, kb)


def _vcf_with_genotypes(tmp_path: Path, genotypes: list[str], extra: str = "") -> Path:
    lines = (DATA / "vep.vcf").read_text().splitlines()
    head = [ln for ln in lines if ln.startswith("#")]
    body = [ln for ln in lines if not ln.startswith("#") and "\tPASS\t" in ln]
    out = []
    for ln, gt in zip(body, genotypes, strict=False):
        out.append("\t".join([*ln.split("\t")[:-1], gt]))
    p = tmp_path / "gt.vcf"
    p.write_text("\n".join(head) + "\n" + extra + "\n".join(out) + "\n")
    return p


def test_hom_ref_tumour_calls_are_counted_not_carried(tmp_path, kb):
    p = _vcf_with_genotypes(tmp_path, ["0/0", "./.", "0/1"])
    res = read_vcf(p, kb)
    assert [a.name for a in res.samples["TUMOR"].alterations] == ["EGFR T790M"]
    assert any("1 call(s) with genotype 0/0, 1 with a missing genotype" in n for n in res.notes)
    reasons = res.samples["TUMOR"].skip_reasons  # and each is listed in the sample, with its reason
    assert sorted(reasons.values()) == ["genotype 0/0 in sample TUMOR: the variant is not carried; not annotated",
                                        "missing genotype (./.) in sample TUMOR: no call; not annotated"]


def test_low_level_vcf_warnings_do_not_reach_the_user(tmp_path, kb, capfd):
    # a record on a contig the header does not declare: htslib warns on stderr
    p = _vcf_with_genotypes(tmp_path, ["0/1", "0/1", "0/1"])
    text = p.read_text().replace("chr7\t55181378", "chr3\t55181378")
    p.write_text(text)
    capfd.readouterr()
    res = read_vcf(p, kb)
    captured = capfd.readouterr()
    assert captured.err == "" and captured.out == ""
    assert "EGFR T790M" in [a.name for a in res.samples["TUMOR"].alterations]
    assert any("low-level VCF parser" in n for n in res.notes)
