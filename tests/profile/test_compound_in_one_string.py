"""A compound genotype written in one string ("ALK G1202R/L1196M", "EGFR T790M/C797S cis") is two observations;
alternatives at one codon ("KRAS G12C/D") are not a compound."""

from __future__ import annotations

import pytest

from oncoresist.annotate import annotate
from oncoresist.errors import AlterationSyntaxError
from oncoresist.knowledge import load_knowledge
from oncoresist.profile.observed import parse_observed_many

KB = load_knowledge()


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("ALK G1202R/L1196M", ["ALK G1202R", "ALK L1196M"]),
        ("ALK p.G1202R/p.L1196M", ["ALK G1202R", "ALK L1196M"]),
        ("EGFR T790M/C797S cis", ["EGFR T790M", "EGFR C797S in cis"]),
        ("EGFR T790M/C797S (in trans)", ["EGFR T790M", "EGFR C797S in trans"]),
        ("EGFR L858R", ["EGFR L858R"]),
    ],
)
def test_compound_string_splits(text: str, names: list[str]) -> None:
    assert [a.name for a in parse_observed_many(text, KB)] == names


@pytest.mark.parametrize("text", ["KRAS G12C/D", "KRAS G12C/G12D"])
def test_alternatives_at_one_codon_are_not_a_compound(text: str) -> None:
    with pytest.raises(AlterationSyntaxError):
        parse_observed_many(text, KB)


def test_compound_string_gets_the_compound_verdict() -> None:
    # G1202R + L1196M in one ALK allele defeats lorlatinib (Yoda et al., Cancer Discov 2018), as when given apart
    one = annotate(["EML4::ALK", "ALK G1202R/L1196M"], drug="lorlatinib", tumor="NSCLC", knowledge=KB)
    apart = annotate(["EML4::ALK", "ALK G1202R", "ALK L1196M"], drug="lorlatinib", tumor="NSCLC", knowledge=KB)
    assert one.verdict == apart.verdict == "resistant"
