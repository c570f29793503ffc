"""The batch table (``annotate --maf/--vcf ... --out x.tsv``) gives each uncovered input its reason, as ``--json`` does.

Before: the TSV's ``unrecognised`` column listed the inputs only (``RUNX1 L429R;...;U2AF1 Silent row``), while
the API and a single sample's ``--json`` said why for each (``unrecognised_detail``). Now the column
``unrecognised_detail`` carries that same JSON list. Checked on the real MAFs of ../shared/data/profiles_real/
against the single-sample path (``--sample ID --json``), and on the example VCF (a filtered call, a synonymous row).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from oncoresist.annotate.batch import COLUMNS
from oncoresist.cli import app

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT.parent / "shared" / "data" / "profiles_real"
runner = CliRunner()


def _batch(args: list[str], out: Path) -> pd.DataFrame:
    res = runner.invoke(app, ["annotate", *args, "--out", str(out)])
    assert res.exit_code == 0, res.output
    return pd.read_csv(out, sep="\t", skiprows=1, keep_default_na=False)


def _single(args: list[str], sample: str) -> list[dict[str, str]]:
    res = runner.invoke(app, ["annotate", *args, "--sample", sample, "--json"])
    assert res.exit_code == 0, res.output
    detail: list[dict[str, str]] = json.loads(res.stdout)["unrecognised_detail"]
    return detail


def test_the_column_sits_beside_the_inputs() -> None:
    assert COLUMNS[COLUMNS.index("unrecognised") + 1] == "unrecognised_detail"


@pytest.mark.parametrize(
    ("name", "drug", "samples"),
    [("vcf2maf_test_b38_output.maf", "erlotinib", ["TUMOR"]),
     ("tcga_laml.maf.gz", "cytarabine", ["TCGA-AB-2988", "TCGA-AB-3009"])],
)  # fmt: skip
def test_real_maf_reasons_match_the_single_sample_json(name: str, drug: str, samples: list[str],
                                                       tmp_path: Path) -> None:  # fmt: skip
    path = REAL / name
    if not path.is_file():
        pytest.skip(f"{path} not found")
    args = ["--maf", str(path), "--drug", drug]
    table = _batch(args, tmp_path / "out.tsv").set_index("sample")
    for sample in samples:
        detail = json.loads(table.loc[sample, "unrecognised_detail"])
        assert detail == _single(args, sample)  # the same reasons as --json, in the same order
        assert [d["input"] for d in detail] == table.loc[sample, "unrecognised"].split(";")
        assert all(d["reason"] and d["kind"] in ("alteration", "drug") for d in detail)
    for cell in table["unrecognised_detail"]:  # every row: one reason per listed input
        assert isinstance(json.loads(cell), list)
    assert (table["unrecognised"].str.len() > 0).sum() == sum(bool(json.loads(c)) for c in table["unrecognised_detail"])


def test_vcf2maf_silent_rows_say_why(tmp_path: Path) -> None:
    path = REAL / "vcf2maf_test_b38_output.maf"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    table = _batch(["--maf", str(path), "--drug", "erlotinib"], tmp_path / "out.tsv")
    reasons = {d["input"]: d["reason"] for d in json.loads(table.loc[0, "unrecognised_detail"])}
    assert reasons["U2AF1 Silent row"] == "a Silent row has no protein effect: read, not annotated"
    assert "cytarabine" in reasons["RUNX1 L429R"]  # its facts concern another drug


def test_vcf_filtered_and_synonymous_records_say_why(tmp_path: Path) -> None:
    table = _batch(["--vcf", str(ROOT / "examples" / "profiles" / "patient.vep.vcf"), "--drug", "erlotinib"],
                   tmp_path / "out.tsv")  # fmt: skip
    reasons = {d["input"]: d["reason"] for d in json.loads(table.loc[0, "unrecognised_detail"])}
    assert reasons["KRAS G12V"].startswith("FILTER LowQual (not PASS) at line ")
    assert "no protein effect" in reasons["EGFR synonymous_variant row"]


def test_parquet_carries_the_same_column(tmp_path: Path) -> None:
    path = REAL / "vcf2maf_test_b38_output.maf"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    out = tmp_path / "out.parquet"
    res = runner.invoke(app, ["annotate", "--maf", str(path), "--drug", "erlotinib", "--out", str(out)])
    assert res.exit_code == 0, res.output
    df = pd.read_parquet(out)
    assert list(df.columns) == list(COLUMNS)
    assert json.loads(df.loc[0, "unrecognised_detail"]) == _single(["--maf", str(path), "--drug", "erlotinib"], "TUMOR")


def test_the_terminal_report_puts_inputs_on_genes_without_facts_on_one_line() -> None:
    """A real AML sample (TCGA-AB-3009) printed 18+ lines "No knowledge for X: ... names GENE", one per gene."""
    path = REAL / "tcga_laml.maf.gz"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    args = ["--maf", str(path), "--drug", "cytarabine", "--tumor", "AML"]
    detail = _single(args, "TCGA-AB-3009")
    no_gene = [d["input"] for d in detail if d["reason"].startswith("no fact or option in the knowledge names ")]
    assert len(no_gene) > 10
    res = runner.invoke(app, ["annotate", *args, "--sample", "TCGA-AB-3009"], env={"COLUMNS": "10000"})
    assert res.exit_code == 0, res.output
    lines = [ln for ln in res.stdout.splitlines() if ln.startswith("No knowledge for ")]
    [merged] = [ln for ln in lines if ln.endswith(": no fact or option in the knowledge names these genes")]
    assert merged == f"No knowledge for {', '.join(no_gene)}: no fact or option in the knowledge names these genes"
    others = {d["input"] for d in detail} - set(no_gene)
    assert len(lines) - 1 <= len(others)  # the other reasons keep their own lines
    assert all(i in res.stdout for i in others)


def test_markdown_says_no_knowledge_applies_once(tmp_path: Path) -> None:
    """Before: "Verdict reason: no knowledge applies ..." and then "No knowledge applies ..." again (vcf2maf MAF)."""
    path = REAL / "vcf2maf_test_b38_output.maf"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    res = runner.invoke(app, ["annotate", "--maf", str(path), "--drug", "erlotinib", "--tumor", "NSCLC", "--markdown"])
    assert res.exit_code == 0, res.output
    assert res.stdout.lower().count("no knowledge applies to these alterations") == 1, res.stdout
    res = runner.invoke(app, ["annotate", "EGFR L858R", "--drug", "erlotinib", "--tumor", "NSCLC", "--markdown"])
    assert "no knowledge applies" not in res.stdout.lower()  # a profile with findings has no such line


def test_tcga_igr_and_intron_rows_take_an() -> None:
    """Before polish10: 'a IGR row has no protein effect' (the article was 'a' whatever the class)."""
    from oncoresist.annotate.api import _no_protein_effect

    assert _no_protein_effect("CDK11B IGR row") == "an IGR row has no protein effect: read, not annotated"
    assert _no_protein_effect("TP53 Intron row").startswith("an Intron row ")
    assert _no_protein_effect("MALAT1 RNA row").startswith("an RNA row ")
    assert _no_protein_effect("U2AF1 Silent row").startswith("a Silent row ")
    assert _no_protein_effect("KRAS 3'UTR row").startswith("a 3'UTR row ")


def test_one_sample_of_a_file_names_its_sample_in_the_json() -> None:
    """Before polish10: ``annotate --maf tcga_laml.maf.gz --sample TCGA-AB-2917 --json`` printed no sample id."""
    from oncoresist.alteration.grammar import parse_alteration
    from oncoresist.annotate import annotate
    from oncoresist.profile.observed import SampleProfile

    assert "sample" not in annotate(["KRAS G12D"], drug="gilteritinib").to_dict()  # free text: unchanged
    sp = SampleProfile(sample="TCGA-AB-2917", alterations=[parse_alteration("KRAS I36M")])
    d = annotate(sp, drug="gilteritinib", tumor="AML").to_dict()
    assert d["sample"] == "TCGA-AB-2917" and list(d)[-1] == "disclaimer"
