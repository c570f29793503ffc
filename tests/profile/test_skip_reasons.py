"""Every input row a sample does not get annotated is in that sample's uncovered inputs, with its reason.

Before: a VCF call with genotype 0/0 or ./., a FILTER other than PASS, no INFO/CSQ, or no protein effect was
only counted (a file-level note for the genotypes, nothing at all for the filter), and a MAF or table row that
could not be read was only in the file's bad rows, not in its sample's result.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from oncoresist.cli import app
from oncoresist.knowledge.loader import load_knowledge
from oncoresist.profile.readers import read_alteration_table, read_maf, read_vcf

DATA = Path(__file__).parents[1] / "data" / "profiles"
VCF = DATA / "tumor_normal.vep.vcf"


@pytest.fixture(scope="module")
def kb():  # type: ignore[no-untyped-def]
    return load_knowledge(include_imports=False)


def _reasons(sp) -> dict[str, str | None]:  # type: ignore[no-untyped-def]
    return {w: sp.skip_reasons.get(w) for w in sp.skipped}


def test_vcf_lists_each_sample_s_skipped_calls_with_the_first_reason_that_holds(kb) -> None:  # type: ignore[no-untyped-def]
    res = read_vcf(VCF, kb)
    tumor, normal, other = (res.samples[s] for s in ("TUMOR", "NORMAL", "OTHER"))
    assert [a.name for a in tumor.alterations] == ["EGFR T790M"]
    t = _reasons(tumor)
    assert set(t) == {"KRAS G12V", "EGFR synonymous_variant row", "chr7:55191822 T>G"}
    assert "FILTER LowQual" in str(t["KRAS G12V"]) and "line 10" in str(t["KRAS G12V"])
    assert "no INFO/CSQ" in str(t["chr7:55191822 T>G"])
    assert t["EGFR synonymous_variant row"] is None  # the annotator's own wording: no protein effect
    n = _reasons(normal)
    assert set(n) == set(t) | {"EGFR T790M"} and all("genotype 0/0" in str(r) for r in n.values())
    o = _reasons(other)
    assert "missing genotype (./.)" in str(o["KRAS G12V"]) and "missing genotype" in str(o["EGFR T790M"])
    assert "genotype 0/0" in str(o["chr7:55191822 T>G"])
    assert any("sample TUMOR" in x and "1 carried call(s) that did not pass FILTER" in x for x in res.notes)


def test_vcf_reasons_reach_the_annotation_per_sample(tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["annotate", "--vcf", str(VCF), "--drug", "osimertinib", "--tumor", "NSCLC",
                              "--sample", "NORMAL", "--json"])
    assert res.exit_code == 0, res.output
    detail = {u["input"]: u["reason"] for u in json.loads(res.stdout)["unrecognised_detail"]}
    assert "genotype 0/0 in sample NORMAL" in detail["EGFR T790M"]
    res = runner.invoke(app, ["annotate", "--vcf", str(VCF), "--drug", "osimertinib", "--tumor", "NSCLC",
                              "--sample", "TUMOR", "--json"])
    out = json.loads(res.stdout)
    detail = {u["input"]: u["reason"] for u in out["unrecognised_detail"]}
    assert "FILTER LowQual" in detail["KRAS G12V"]
    assert "no protein effect" in detail["EGFR synonymous_variant row"]
    assert any(f["alteration"] == "EGFR T790M" for f in out["findings"])


def test_maf_and_table_rows_not_read_are_listed_in_their_sample(kb, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sp = read_maf(DATA / "small.maf", kb).samples["LUAD-05"]
    r = _reasons(sp)
    assert "line 14" in str(r["EGFR p.T790Mxyz"]) and "cannot read protein change" in str(r["EGFR p.T790Mxyz"])
    assert "empty gene symbol" in str(r["(no gene) p.G12D"])
    table = tmp_path / "t.tsv"
    table.write_text("sample\tgene\talteration\nS1\tEGFR\tT790M\nS1\tEGFR\tnot a change\nS1\tMET\t\n")
    s1 = read_alteration_table(table, kb).samples["S1"]
    assert [a.name for a in s1.alterations] == ["EGFR T790M"]
    r = _reasons(s1)
    assert "line 3" in str(r["EGFR not a change"]) and "line 4" in str(r["MET (empty)"])


def test_a_cohort_vcf_gets_one_note_not_one_per_sample(kb, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    lines = VCF.read_text().splitlines()
    extra = ["S4", "S5", "S6", "S7"]
    out = [ln + "\t" + "\t".join(extra) if ln.startswith("#CHROM") else ln if ln.startswith("#")
           else ln + "\t0/0" * len(extra) for ln in lines]
    p = tmp_path / "seven.vcf"
    p.write_text("\n".join(out) + "\n")
    res = read_vcf(p, kb)
    assert len([n for n in res.notes if "not annotated" in n]) == 1
    assert "7 samples" in res.notes[0] and "21 with genotype 0/0" in res.notes[0]
    assert "genotype 0/0 in sample S7" in str(res.samples["S7"].skip_reasons["EGFR T790M"])  # still per sample
