"""Set G miss classes (helper fixg), grammar: transcript-prefixed HGVS, assay-qualified states, "GENE mutation
CHANGE", allele burden, reversions, lost promoter methylation, phase wordings, HER2 status with its score.

The examples are my own, written from the notations (HGVS: ``NM_005228.5:c.2369C>T`` is a change on a RefSeq
transcript; EGFR c.2369C>T is p.Thr790Met and PIK3CA c.1633G>A is p.Glu545Lys, as the variants are commonly
named; the accessions are those of the OncoKB Cancer Gene List transcribed in alteration/data/transcripts.tsv).
Each expected reading is compared with the reading of the plain form.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from oncoresist.alteration import parse_alteration
from oncoresist.alteration.report_qualifiers import assay_qualified_state, mutation_then_change, phase_tail
from oncoresist.alteration.transcripts import transcript_gene, transcript_genes
from oncoresist.annotate.api import _knowledge
from oncoresist.cli import app
from oncoresist.errors import AlterationSyntaxError

KB = _knowledge(None)
SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
CGI = SHARED / "cgi" / "cgi_biomarkers_per_variant.tsv"
LAML = SHARED / "profiles_real" / "tcga_laml.maf.gz"


def parse(text: str):  # type: ignore[no-untyped-def]
    return parse_alteration(text, KB.resolve_gene)


@pytest.mark.parametrize(
    ("text", "same_as"),
    [
        # 1. transcript-prefixed HGVS, with or without version, with a VAF, RefSeq or Ensembl
        ("NM_005228.5:c.2369C>T p.(Thr790Met)", "EGFR T790M"),
        ("NM_005228:c.2369C>T (p.T790M)", "EGFR T790M"),
        ("nm_005228.3: c.2369C>T p.(Thr790Met)", "EGFR T790M"),
        ("NM_006218:c.1633G>A p.(Glu545Lys)", "PIK3CA E545K"),
        ("NM_006218.2:c.1633G>A p.(Glu545Lys), VAF 12%", "PIK3CA E545K"),
        ("ENST00000275493.7:c.2369C>T (p.T790M)", "EGFR T790M"),
        ("NM_004448.2 p.Y772_A775dup", "ERBB2 Y772_A775dup"),
        ("EGFR NM_005228.5:c.2369C>T (p.T790M)", "EGFR T790M"),
        # 2. a state with its assay
        ("MET amplified (MET/CEP7 ratio 3.1)", "MET amplification"),
        ("MET amplification (FISH, MET/CEP7 2.4)", "MET amplification"),
        ("ERBB2 amplified, ratio 3.4", "ERBB2 amplification"),
        ("ERBB2 amplification (HER2/CEP17 ratio 2.5; ISH)", "ERBB2 amplification"),
        ("ALK rearrangement (FISH positive)", "ALK fusion"),
        ("ROS1 rearranged (FISH)", "ROS1 fusion"),
        ("EML4-ALK fusion (FISH positive)", "EML4::ALK"),
        # 3. the word "mutation" before the change
        ("HER2 mutation Y772_A775dup", "ERBB2 Y772_A775dup"),
        ("EGFR mutation: L858R", "EGFR L858R"),
        ("KRAS mutation p.G12C", "KRAS G12C"),
        # 4. reversions with what they restore
        ("BRCA2 reversion (restores reading frame)", "BRCA2 reversion mutation"),
        ("PALB2 reversion mutation, frame-restoring", "PALB2 reversion mutation"),
        ("RAD51C reversion", "RAD51C reversion mutation"),
        # 5. a lost promoter methylation
        ("loss of BRCA1 promoter methylation", "BRCA1 promoter demethylated"),
        ("BRCA1 promoter methylation lost", "BRCA1 promoter demethylated"),
        # 6. a phase in words
        ("EGFR C797S cis to T790M", "EGFR C797S in cis"),
        ("EGFR C797S (cis configuration)", "EGFR C797S in cis"),
        ("EGFR C797S, in cis", "EGFR C797S in cis"),
        ("EGFR C797S on the same allele as T790M", "EGFR C797S in cis"),
        ("EGFR C797S on a different allele", "EGFR C797S in trans"),
        # 7. a HER2 status with its score
        ("HER2-low (IHC 1+)", "HER2-low"),
        ("HER2-low (IHC 2+/ISH-)", "HER2-low"),
        ("HER2-positive (IHC 2+/ISH+)", "ERBB2 amplification"),
        ("HER2 positive (IHC 3+)", "ERBB2 overexpression"),
    ],
)
def test_set_g_wording_reads_as_plain_form(text: str, same_as: str) -> None:
    got, plain = parse(text), parse(same_as)
    assert got == plain, (got.name, plain.name)
    assert parse(got.name) == got  # the canonical name parses back


def test_measures_kept_beside_the_reading() -> None:
    assert parse("NM_006218.2:c.1633G>A p.(Glu545Lys), VAF 12%").vaf == pytest.approx(0.12)
    assert parse("KIT D816V (allele burden 15%)").vaf == pytest.approx(0.15)
    assert parse("KIT D816V (mutant allele burden 0.4%)").vaf == pytest.approx(0.004)
    assert parse("KIT D816V, allele burden 2%").vaf == pytest.approx(0.02)
    assert parse("KIT D816V (AF 0.15)").vaf == pytest.approx(0.15)


def test_reversion_is_not_a_plain_mutation_and_demethylation_is_not_methylation() -> None:
    assert parse("BRCA2 reversion (restores reading frame)").qualifier == "reversion"
    assert parse("BRCA2 reversion (restores reading frame)") != parse("BRCA2 mutation")
    lost = parse("loss of BRCA1 promoter methylation")
    assert (lost.kind, lost.gene, lost.qualifier) == ("methylation", "BRCA1", "demethylated")
    assert lost != parse("BRCA1 promoter methylation")


def test_phase_is_recorded_on_the_compound_in_words() -> None:
    from oncoresist.profile.observed import parse_observed_many

    for text in ("EGFR T790M and C797S in cis", "EGFR T790M + C797S (cis)", "EGFR T790M/C797S, cis"):
        first, second = parse_observed_many(text, KB)
        assert (first.name, second.name, second.phase) == ("EGFR T790M", "EGFR C797S in cis", "cis"), text
    first, second = parse_observed_many("EGFR T790M & C797S (trans)", KB)
    assert second.phase == "trans"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("NM_999999.1:c.1A>G p.(Met1Val)", "unknown transcript 'NM_999999'"),
        ("ENST00000999999:c.1A>G p.(Met1Val)", "unknown transcript"),
        ("EGFR NM_006218.2:c.1633G>A p.(Glu545Lys)", "transcript of PIK3CA, not EGFR"),
        ("BRCA1/BRCA2 reversion mutation", "names two genes"),
        ("HER2-low (IHC 3+)", "the status says HER2-low"),
        ("MET amplified (MET/CEP7 ratio 3.1; EGFR L858R)", "cannot read"),
    ],
)
def test_bad_set_g_wordings_are_one_line_errors(text: str, words: str) -> None:
    with pytest.raises(AlterationSyntaxError) as err:
        parse(text)
    assert words in str(err.value) and "\n" not in str(err.value)


def test_unknown_transcript_on_the_cli_is_exit_2(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ONCORESIST_DATA_DIR", str(tmp_path))
    bad = CliRunner().invoke(app, ["annotate", "--tumor", "NSCLC", "--drug", "osimertinib", "NM_999999.1:c.1A>G"])
    assert bad.exit_code == 2
    assert "NM_999999" in bad.output and "Traceback" not in bad.output


def test_transcript_table_is_version_insensitive_and_one_gene_per_accession() -> None:
    table = transcript_genes()
    assert all("." not in acc and acc == acc.upper() for acc in table)
    assert transcript_gene("NM_005228.5") == transcript_gene("NM_005228") == "EGFR"
    assert transcript_gene("NM_007294.4") == "BRCA1" and transcript_gene("NM_000059") == "BRCA2"
    assert transcript_gene("NM_002944.2") == "ROS1" and transcript_gene("ENST00000389048") == "ALK"
    assert transcript_gene("NM_123") is None
    for gene in set(table.values()):  # a gene of the table is the knowledge's own symbol, or a gene it lacks
        assert KB.resolve_gene(gene) in (gene, None), gene  # (the reader then says "unknown gene", tail7)


@pytest.mark.skipif(not CGI.exists(), reason="the raw CGI snapshot is in ../shared/data only")
def test_cgi_transcripts_reread_from_the_snapshot() -> None:
    with CGI.open(encoding="utf-8") as fh:
        rows = [(r["Gene"], r["transcript"].strip()) for r in csv.DictReader(fh, delimiter="\t") if r["transcript"]]
    assert rows
    for gene, acc in rows:
        assert transcript_gene(acc) == gene, acc


def test_readers_refuse_other_words() -> None:
    assert assay_qualified_state("amplified (see comment)") is None
    assert assay_qualified_state("loss (FISH)") is None
    assert mutation_then_change("mutation detected") is None
    assert phase_tail("C797S") is None


@pytest.mark.parametrize(
    "text", ["ALK FISH positive", "ALK FISH+", "ALK positive by FISH", "ALK break-apart FISH positive"]
)
def test_alk_fish_positive_is_a_rearrangement_not_an_amplification(text: str) -> None:
    # the clinical ALK FISH test is a break-apart assay (Vysis ALK Break Apart, DOI:10.3390/ijms20163939)
    assert parse(text) == parse("ALK fusion")


def test_fish_positive_of_an_amplified_gene_stays_amplification() -> None:
    assert parse("MET FISH positive") == parse("MET amplification")
    assert parse("ERBB2 FISH positive") == parse("ERBB2 amplification")


@pytest.mark.skipif(not LAML.exists(), reason="the real MAF is in ../shared/data only")
def test_tcga_transcripts_reread_from_the_maf() -> None:
    import gzip
    from importlib.resources import files

    with gzip.open(LAML, "rt", encoding="utf-8") as fh:
        maf = {(r["Hugo_Symbol"], r["i_transcript_name"].split(".")[0]) for r in csv.DictReader(fh, delimiter="\t")}
    text = files("oncoresist.alteration").joinpath("data", "transcripts_tcga_laml.tsv").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in text.splitlines()[1:] if line and not line.startswith(("#", "gene\t"))]
    assert len(rows) > 100
    for gene, acc in rows:
        assert (gene, acc) in maf, acc
        assert transcript_gene(acc) == gene
    assert parse("NM_033360.4:c.35G>A p.(Gly12Asp)") == parse("KRAS G12D")  # the other KRAS RefSeq isoform
