"""Report wording around a change (issue 10, class 1 of the third case set): a cDNA change with its protein
change, HGVS's predicted-consequence parentheses, ClinVar's transcript form, and allele-fraction or
copy-number annotations after the change. Each text was refused before.

The expected readings follow HGVS (the protein change in parentheses is the predicted consequence of the
cDNA change; ``p.?`` names no protein change) and the report conventions quoted, not this code's output.
"""

from __future__ import annotations

import pytest

from oncoresist.alteration import parse_alteration
from oncoresist.alteration.measures import split_measures
from oncoresist.errors import AlterationSyntaxError
from oncoresist.knowledge.loader import load_knowledge
from oncoresist.profile.observed import parse_observed


@pytest.fixture(scope="module")
def kb():  # type: ignore[no-untyped-def]
    return load_knowledge(include_imports=False)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("EGFR c.2369C>T (p.T790M)", "EGFR T790M"),
        ("KRAS c.34G>T (p.Gly12Cys)", "KRAS G12C"),
        ("KRAS c.34G>T (p.(Gly12Cys))", "KRAS G12C"),
        ("KRAS c.34G>T p.G12C", "KRAS G12C"),
        ("EGFR:c.2369C>T:p.T790M", "EGFR T790M"),
        ("EGFR p.T790M; c.2369C>T", "EGFR T790M"),
        ("NM_005228.5(EGFR):c.2369C>T (p.Thr790Met)", "EGFR T790M"),
        ("EGFR NM_005228.5:c.2573T>G (p.Leu858Arg)", "EGFR L858R"),
        ("KRAS G12C (p.Gly12Cys)", "KRAS G12C"),
        ("BRCA2 c.5946delT (p.Ser1982Argfs*22)", "BRCA2 S1982fs"),
        ("TP53 c.743G>A (p.R248Q) (germline)", "TP53 R248Q (germline)"),
        ("MET c.3028+1G>A (p.?)", "MET c.3028+1G>A"),  # p.? names no protein change: the splice cDNA stands
    ],
)
def test_cdna_with_its_protein_change_reads_as_the_protein_change(kb, text: str, name: str) -> None:  # type: ignore[no-untyped-def]
    alt = parse_observed(text, kb)
    assert alt.name == name
    assert parse_alteration(alt.name, kb.resolve_gene) == alt


@pytest.mark.parametrize(
    ("text", "name", "vaf", "cn"),
    [
        ("KRAS p.G12C (VAF 23%)", "KRAS G12C", 0.23, None),
        ("KRAS p.G12C VAF: 0.23", "KRAS G12C", 0.23, None),
        ("KRAS G12C, VAF: 0.23", "KRAS G12C", 0.23, None),
        ("KRAS G12C AF=12%", "KRAS G12C", 0.12, None),
        ("KRAS G12C (12% VAF)", "KRAS G12C", 0.12, None),
        ("EGFR T790M at a VAF of 2%", "EGFR T790M", 0.02, None),
        ("EGFR T790M (allele frequency 4.1%)", "EGFR T790M", 0.041, None),
        ("EGFR L858R (35%)", "EGFR L858R", 0.35, None),
        ("EGFR exon 19 deletion (VAF 12%)", "EGFR exon 19 deletion", 0.12, None),
        ("EGFR c.2573T>G (p.Leu858Arg), VAF 0.41", "EGFR L858R", 0.41, None),
        ("ERBB2 amplification (CN 12)", "ERBB2 amplification", None, 12.0),
        ("MET amp, CN=8", "MET amplification", None, 8.0),
        ("MET amplification (12 copies)", "MET amplification", None, 12.0),
        ("ERBB2 amplified (copy number: 20)", "ERBB2 amplification", None, 20.0),
        ("KRAS G12C (VAF 23%, CN 4)", "KRAS G12C", 0.23, 4.0),
        ("germline BRCA1 c.68_69delAG (p.Glu23fs) VAF 48%", "BRCA1 E23fs (germline)", 0.48, None),
    ],
)
def test_allele_fraction_and_copy_number_are_kept_as_measures(kb, text, name, vaf, cn) -> None:  # type: ignore[no-untyped-def]
    alt = parse_observed(text, kb)
    assert alt.name == name
    assert alt.vaf == pytest.approx(vaf) if vaf is not None else alt.vaf is None
    assert alt.copy_number == pytest.approx(cn) if cn is not None else alt.copy_number is None
    # the measures are metadata: the alteration is the same one the bare text names
    assert alt == parse_observed(name, kb)
    assert hash(alt) == hash(parse_observed(name, kb))


def test_measures_survive_variant_class_normalisation(kb) -> None:  # type: ignore[no-untyped-def]
    alt = parse_observed("FLT3 p.D600_L601insFREYEYD (VAF 31%)", kb)  # an in-frame juxtamembrane insertion: an ITD
    assert alt.name == "FLT3 internal tandem duplication"
    assert alt.vaf == pytest.approx(0.31)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("EGFR c.2369C>T", "give the protein change"),  # a bare cDNA change stays an error that names the fix
        ("KRAS G12C (p.Gly12Asp)", "different protein changes"),
        ("KRAS G12C (VAF 230%)", "above 100%"),
        ("KRAS G12C (VAF 20%, VAF 30%)", "two different values"),
    ],
)
def test_contradictions_and_bare_cdna_are_one_clear_error(kb, text: str, words: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(AlterationSyntaxError) as err:
        parse_observed(text, kb)
    assert words in str(err.value) and "\n" not in str(err.value)


def test_text_without_measures_comes_back_unchanged() -> None:
    for text in ("EGFR T790M", "BRAF V600E (c.1799T>A)", "TMB 12 mut/Mb", "CDKN2A loss"):
        body, m = split_measures(text)
        assert body == text and m.vaf is None and m.copy_number is None
    # an origin in brackets is read with the measures and kept (helper annot10p), not dropped
    body, m = split_measures("BRCA1 mutation (germline)")
    assert (body, m.origin, m.vaf) == ("BRCA1 mutation", "germline", None)
    # biomarkers whose own value is a percentage are not allele fractions
    assert parse_alteration("genomic LOH 21%").value == 21.0
