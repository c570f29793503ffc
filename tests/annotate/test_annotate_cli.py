"""``oncoresist annotate`` end to end (Typer runner), reports and batch output."""

from __future__ import annotations

import json
import re
from pathlib import Path

import markupsafe
import pandas as pd
import pytest
from typer.testing import CliRunner

from oncoresist.annotate import annotate
from oncoresist.annotate.batch import COLUMNS, write_results
from oncoresist.cli import app
from oncoresist.knowledge.loader import load_knowledge
from oncoresist.report.annotation import to_html, to_markdown

DATA = Path(__file__).parents[1] / "data" / "profiles"
EXAMPLES = Path(__file__).parents[2] / "examples" / "profiles"


@pytest.fixture(autouse=True)
def no_imports(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """Curated knowledge only: an empty import dir."""
    d = tmp_path / "imports"
    d.mkdir()
    monkeypatch.setenv("ONCORESIST_DATA_DIR", str(d))


def cli(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["annotate", *args])


def test_json_contract_example():
    r = cli("--tumor", "NSCLC", "--drug", "erlotinib", "EGFR L858R", "EGFR T790M", "--json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["verdict"] == "resistant" and d["tumor"] == "NSCLC" and d["drug"] == ["erlotinib"]
    assert any(f["alteration"] == "EGFR T790M" for f in d["findings"])
    assert ["osimertinib"] in [o["therapy"] for o in d["options"]]


def test_brand_names_and_table_output():
    r = cli("-t", "NSCLC", "-d", "Tagrisso", "EGFR C797S")
    assert r.exit_code == 0
    assert "RESISTANT" in r.stdout and "C797S" in r.stdout


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["-d", "Tarcevo", "EGFR T790M"], "did you mean Tarceva"),
        (["-d", "erlotinib", "EFGR T790M"], "did you mean EGFR"),
        (["-d", "erlotinib", "-t", "NSLC", "EGFR T790M"], "unknown tumor type 'NSLC'; did you mean NSCLC"),
        (["-d", "erlotinib", "EGFR T79x0M"], "cannot read"),
        (["-d", "erlotinib", "--vcf", str(DATA / "unannotated.vcf")], "INFO/CSQ (Ensembl VEP) or INFO/ANN (SnpEff)"),
        (["-d", "erlotinib", "--maf", str(DATA / "small.maf")], "--out results.tsv"),
    ],
)
def test_errors_are_one_line_exit_2(args, needle):
    r = cli(*args)
    assert r.exit_code == 2
    err = r.stderr.strip()
    assert err.startswith("error:") and "\n" not in err and "Traceback" not in r.output
    assert needle in err


def test_markdown_and_html(tmp_path):
    r = cli("-t", "NSCLC", "-d", "osimertinib", "EGFR exon 19 deletion", "MET amplification", "--markdown")
    assert r.exit_code == 0
    assert "# Resistance annotation" in r.stdout and "Research software, not a medical device" in r.stdout
    assert re.search(r"\[PMID:\d+\]\(https://pubmed\.ncbi\.nlm\.nih\.gov/\d+/\)", r.stdout)
    out = tmp_path / "report.html"
    r = cli("--profile", str(EXAMPLES / "egfr_met_osimertinib.json"), "--html", str(out))
    assert r.exit_code == 0 and out.is_file()
    assert "resistant" in out.read_text()


def test_html_is_self_contained():
    kb = load_knowledge(include_imports=False)
    res = annotate(["EGFR L858R", "EGFR T790M"], drug="erlotinib", tumor="NSCLC", knowledge=kb)
    html = to_html(res, kb)
    assert "<style>" in html and "<script" not in html
    assert not re.search(r"""(src|href)=["']https?://(?!pubmed\.ncbi\.nlm\.nih\.gov|doi\.org)""", html)
    assert not re.search(r"<link[^>]+stylesheet|@import|fonts\.googleapis", html)
    assert "https://pubmed.ncbi.nlm.nih.gov/15737014/" in html
    assert "Research software, not a medical device" in html
    assert kb.version in html
    assert str(markupsafe.escape(kb.mechanisms["on_target_mutation"].description)) in html
    md = to_markdown(res, kb)
    assert "osimertinib" in md


def test_batch_maf_tsv_and_parquet(tmp_path):
    out = tmp_path / "results.tsv"
    r = cli("--maf", str(DATA / "small.maf"), "--table", str(DATA / "cna_fusion.tsv"), "-d", "erlotinib",
            "-t", "NSCLC", "--out", str(out))  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "4 bad row(s) skipped" in r.stderr and "small.maf:14" in r.stderr
    df = pd.read_csv(out, sep="\t", skiprows=1, keep_default_na=False)
    assert list(df.columns) == list(COLUMNS)
    by = df.set_index("sample")
    assert by.loc["LUAD-01", "verdict"] == "resistant" and "EGFR T790M" in by.loc["LUAD-01", "resistance"]
    assert by.loc["LUAD-04", "verdict"] == "resistant"  # exon 20 insertion from HGVS
    assert by.loc["LUAD-06", "verdict"] == "resistant"  # small cell transformation from the table
    assert not list(tmp_path.glob(".results.tsv.*"))  # no temp file left
    pq = tmp_path / "results.parquet"
    r = cli("--maf", str(EXAMPLES / "cohort.maf"), "-d", "gefitinib", "-t", "NSCLC", "--out", str(pq))
    assert r.exit_code == 0, r.output
    assert len(pd.read_parquet(pq)) == 6


def test_write_results_is_atomic_on_error(tmp_path, monkeypatch):
    kb = load_knowledge(include_imports=False)
    res = [annotate(["EGFR T790M"], drug="erlotinib", knowledge=kb)]
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "r.tsv"
    out.write_text("old\n")

    def rows_then_boom():  # type: ignore[no-untyped-def]
        yield from res * 1500  # more than one buffered chunk reaches the temporary file
        raise OSError("disk full")

    with pytest.raises(OSError):
        write_results(rows_then_boom(), out)
    assert out.read_text() == "old\n" and len(list(out.parent.iterdir())) == 1

    def boom(*_a, **_k):  # type: ignore[no-untyped-def]
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", boom)
    with pytest.raises(OSError):
        write_results(res, out.with_suffix(".parquet"))
    assert out.read_text() == "old\n" and len(list(out.parent.iterdir())) == 1


def test_vcf_single_sample():
    r = cli("--vcf", str(DATA / "vep.vcf"), "-d", "erlotinib", "-t", "NSCLC", "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["verdict"] == "resistant"


@pytest.mark.slow
def test_ten_thousand_maf_samples_all_annotated(tmp_path):
    """Scale, not speed: every sample of a 10,000-sample MAF gets a row. The timing is measured by
    ``benchmarks/annotate_maf.py`` (docs/benchmarks.md), not asserted here (no wall-clock asserts)."""
    import sys

    sys.path.insert(0, str(Path(__file__).parents[2] / "benchmarks"))
    import annotate_maf

    from oncoresist.annotate.api import annotate_samples
    from oncoresist.profile.readers import read_maf

    maf = tmp_path / "big.maf"
    annotate_maf.write_maf(maf, 10_000, 8)
    kb = load_knowledge(include_imports=False)
    samples = read_maf(maf, kb).samples
    results = write_results(annotate_samples(samples.values(), drug="erlotinib", tumor="NSCLC", knowledge=kb),
                            tmp_path / "r.parquet")  # fmt: skip
    assert results == 10_000
    table = pd.read_parquet(tmp_path / "r.parquet")
    assert table["sample"].nunique() == 10_000
    assert set(table["verdict"]) <= {"resistant", "sensitive", "unknown"} and (table["verdict"] == "resistant").any()


def test_a_file_given_as_an_alteration_names_the_flag(tmp_path: Path) -> None:
    maf = tmp_path / "cohort.maf.gz"
    maf.write_bytes(b"")
    r = cli(str(maf), "--drug", "erlotinib")
    assert r.exit_code == 2
    assert "is a file, not an alteration" in r.output and "--maf" in r.output
    assert "Traceback" not in r.output


def test_text_output_groups_unmatched_changes_by_gene_and_keeps_the_version_whole() -> None:
    r = CliRunner().invoke(app, ["annotate", "ERG T241M", "ERG P238H", "--drug", "osimertinib"],
                           terminal_width=60)  # fmt: skip
    assert r.exit_code == 0, r.output
    assert r.output.count("no knowledge applies") + r.output.count("No knowledge applies") == 1
    erg = [line for line in r.output.splitlines() if "ERG T241M" in line]
    assert len(erg) == 1 and "ERG P238H" in erg[0]
    version = [line for line in r.output.splitlines() if line.startswith("knowledge ")]
    assert len(version) == 1 and "oncoresist" in version[0]


def test_json_carries_the_disclaimer():
    """Before: `annotate --json` had no 'research software, not a medical device' field."""
    r = cli("-d", "erlotinib", "-t", "NSCLC", "--json", "EGFR L858R")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["disclaimer"].startswith("Research software, not a medical device")
