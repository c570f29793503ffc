"""The MAF reader after its speed rework (annot5): the same samples, alterations and annotations as a plain
row-by-row reading; and the tumour type read where the file carries it (a column or a ``#tumor:`` line)."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from oncoresist.annotate.api import annotate_samples
from oncoresist.cli import app
from oncoresist.knowledge.loader import load_knowledge
from oncoresist.profile import readers
from oncoresist.profile.observed import SampleProfile, lenient_resolver

BENCH = Path(__file__).parents[2] / "benchmarks"
HEADER = "Hugo_Symbol\tVariant_Classification\tTumor_Sample_Barcode\tHGVSp_Short"


@pytest.fixture(scope="module")
def kb():  # type: ignore[no-untyped-def]
    return load_knowledge()


def _plain_reading(path: Path, kb) -> dict[str, SampleProfile]:  # type: ignore[no-untyped-def]
    """The straightforward reading the reader must equal: csv rows in order, each row's alteration made on its
    own (no cache), duplicates within a sample dropped by equality (``SampleProfile.add``)."""
    resolve = lenient_resolver(kb)
    out: dict[str, SampleProfile] = {}
    with path.open() as fh:
        rows = csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t",
                              quoting=csv.QUOTE_NONE)  # fmt: skip
        for row in rows:
            sample = row["Tumor_Sample_Barcode"].strip()
            sp = out.setdefault(sample, SampleProfile(sample))
            h = readers._protein_value(row["HGVSp_Short"])
            alt = readers._maf_alteration(row["Hugo_Symbol"], h, row["Variant_Classification"], "HGVSp_Short",
                                          resolve, {})  # fmt: skip
            if alt is not None and not isinstance(alt, tuple):
                sp.add(alt)
    return out


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> Path:
    sys.path.insert(0, str(BENCH))
    import annotate_maf

    p = tmp_path_factory.mktemp("maf") / "cohort.maf"
    annotate_maf.write_maf(p, 400, 8)
    # the same change in two spellings within one sample, and an exact duplicate row: one alteration each
    with p.open("a") as fh:
        fh.write("EGFR\tMissense_Mutation\tDUP-1\tp.T790M\nEGFR\tMissense_Mutation\tDUP-1\tp.Thr790Met\n")
        fh.write("KRAS\tMissense_Mutation\tDUP-1\tp.G12C\nKRAS\tMissense_Mutation\tDUP-1\tp.G12C\n")
    return p


def test_reader_equals_the_plain_row_by_row_reading(cohort: Path, kb) -> None:  # type: ignore[no-untyped-def]
    fast = readers.read_maf(cohort, kb)
    plain = _plain_reading(cohort, kb)
    assert list(fast.samples) == list(plain)
    for name, sp in plain.items():
        got = fast.samples[name].alterations
        assert got == sp.alterations, name
        assert [a.text for a in got] == [a.text for a in sp.alterations], name  # the first spelling is kept
    dup = fast.samples["DUP-1"].alterations
    assert [a.name for a in dup] == ["EGFR T790M", "KRAS G12C"] and dup[0].text == "EGFR p.T790M"
    assert fast.status["DUP-1"].rows == 4 and fast.status["DUP-1"].parsed == 4


def test_annotations_are_identical_to_the_plain_reading(cohort: Path, kb) -> None:  # type: ignore[no-untyped-def]
    fast = readers.read_maf(cohort, kb)
    plain = _plain_reading(cohort, kb)
    names = list(plain)[:120]
    a = [r.to_dict() for r in annotate_samples([fast.samples[n] for n in names], drug="erlotinib", tumor="NSCLC",
                                               knowledge=kb)]  # fmt: skip
    b = [r.to_dict() for r in annotate_samples([plain[n] for n in names], drug="erlotinib", tumor="NSCLC",
                                               knowledge=kb)]  # fmt: skip
    assert a == b
    assert {r["verdict"] for r in a} >= {"resistant", "sensitive"}  # the subset exercises both verdicts


def test_row_with_more_fields_than_the_header_is_refused_with_its_line(tmp_path: Path, kb) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "wide.maf"
    p.write_text(f"{HEADER}\nEGFR\tMissense_Mutation\tS1\tp.L858R\nEGFR\tMissense_Mutation\tS1\tp.T790M\textra\n")
    with pytest.raises(readers.ImportFormatError, match=r"wide\.maf:3: 5 tab-separated fields where the header has 4"):
        readers.read_maf(p, kb)


def test_short_rows_and_blank_lines_are_read(tmp_path: Path, kb) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "short.maf"
    p.write_text(
        f"{HEADER}\tONCOTREE_CODE\nEGFR\tMissense_Mutation\tS1\tp.L858R\n\nKRAS\tMissense_Mutation\tS2\tp.G12C\tLUAD\n"
    )
    res = readers.read_maf(p, kb)
    assert [a.name for a in res.samples["S1"].alterations] == ["EGFR L858R"]
    assert res.samples["S1"].tumor is None and res.samples["S2"].tumor == "LUAD"
    assert res.rows == 2


# ---------------------------------------------------------------------------------------------- tumour type
def _maf(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "t.maf"
    p.write_text(text)
    return p


def test_oncotree_code_column_gives_each_sample_its_tumour(tmp_path: Path, kb) -> None:  # type: ignore[no-untyped-def]
    p = _maf(tmp_path, f"{HEADER}\tONCOTREE_CODE\nEGFR\tMissense_Mutation\tA\tp.L858R\tLUAD\n"
                       "BRAF\tMissense_Mutation\tB\tp.V600E\tCOADREAD\n")  # fmt: skip
    res = readers.read_maf(p, kb)
    assert (res.samples["A"].tumor, res.samples["B"].tumor) == ("LUAD", "COADREAD")
    assert res.columns["tumor"] == "ONCOTREE_CODE" and res.tumor_note is None
    assert any("tumour type read from column ONCOTREE_CODE for 2 of 2" in n for n in res.notes)
    verdicts = {r.sample: (r.tumor, r.verdict) for r in annotate_samples(res.samples.values(), drug="encorafenib",
                                                                         knowledge=kb)}  # fmt: skip
    assert verdicts["B"][0] == "COADREAD" and verdicts["A"][0] == "LUAD"


def test_cancer_type_names_resolve_and_the_oncotree_column_wins(tmp_path: Path, kb) -> None:  # type: ignore[no-untyped-def]
    p = _maf(tmp_path, f"{HEADER}\tCANCER_TYPE\nEGFR\tMissense_Mutation\tA\tp.L858R\tNon-Small Cell Lung Cancer\n")
    assert readers.read_maf(p, kb).samples["A"].tumor == "NSCLC"
    p = _maf(tmp_path, f"{HEADER}\tCANCER_TYPE\tONCOTREE_CODE\nEGFR\tMissense_Mutation\tA\tp.L858R\tNon-Small Cell "
                       "Lung Cancer\tLUAD\n")  # fmt: skip
    assert readers.read_maf(p, kb).samples["A"].tumor == "LUAD"


def test_an_unreadable_tumour_value_is_a_note_not_a_failed_file(tmp_path: Path, kb) -> None:  # type: ignore[no-untyped-def]
    p = _maf(tmp_path, f"{HEADER}\tONCOTREE_CODE\nEGFR\tMissense_Mutation\tA\tp.L858R\tzzqx tumour\n"
                       "EGFR\tMissense_Mutation\tB\tp.L858R\tLUAD\n")  # fmt: skip
    res = readers.read_maf(p, kb)
    assert res.samples["A"].tumor is None and res.samples["B"].tumor == "LUAD"
    assert any("'zzqx tumour'" in n and "without a tumour" in n for n in res.notes)


def test_tumor_header_line_applies_to_every_sample(tmp_path: Path, kb) -> None:  # type: ignore[no-untyped-def]
    p = _maf(tmp_path, f"#version 2.4\n#tumor: lung adenocarcinoma\n{HEADER}\nEGFR\tMissense_Mutation\tA\tp.L858R\n"
                       "KRAS\tMissense_Mutation\tB\tp.G12C\n")  # fmt: skip
    res = readers.read_maf(p, kb)
    assert {sp.tumor for sp in res.samples.values()} == {"LUAD"} and res.columns["tumor"] == "#tumor"


def test_no_tumour_in_the_file_is_said_with_the_fix_unless_tumor_is_given(tmp_path: Path, kb) -> None:  # type: ignore[no-untyped-def]
    p = _maf(tmp_path, f"{HEADER}\nEGFR\tMissense_Mutation\tA\tp.L858R\nEGFR\tMissense_Mutation\tA\tp.T790M\n")
    res = readers.read_maf(p, kb)
    assert res.tumor_note is not None and "--tumor" in res.tumor_note and "ONCOTREE_CODE" in res.tumor_note
    assert all(sp.tumor is None for sp in res.samples.values())
    r = CliRunner().invoke(app, ["annotate", "--maf", str(p), "--drug", "erlotinib", "--json"])
    assert r.exit_code == 0, r.output
    assert "no tumour type in the file" in r.stderr and "--tumor" in r.stderr
    r = CliRunner().invoke(app, ["annotate", "--maf", str(p), "--drug", "erlotinib", "--tumor", "NSCLC", "--json"])
    assert r.exit_code == 0 and "no tumour type in the file" not in r.stderr
