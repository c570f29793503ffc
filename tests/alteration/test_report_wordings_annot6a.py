"""Report wordings of the annot6a depth audit: an exon label before the change, label wording with "gene", assay
results of promoter methylation. Each expectation is the change the words name (the exon numbers are the ones the
changes sit in: KIT W557_K558del exon 11, PDGFRA D842V exon 18, EGFR L858R exon 21, EGFR G719A exon 18)."""

from __future__ import annotations

import re

import pytest

from oncoresist.alteration import parse_alteration
from oncoresist.errors import AlterationSyntaxError


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("PDGFRA exon 18 D842V", "PDGFRA D842V"),
        ("KIT exon 11 p.W557_K558del", "KIT W557_K558del"),
        ("KIT exon 11 p.(W557_K558del)", "KIT W557_K558del"),
        ("EGFR exon 21 L858R", "EGFR L858R"),
        ("EGFR exon 18 G719A", "EGFR G719A"),
        ("EGFR exon 20: T790M", "EGFR T790M"),
        ("KIT ex17 N822K", "KIT N822K"),
        ("NTRK1 gene fusion", "NTRK1 fusion"),
        ("ALK gene rearrangement", "ALK fusion"),
        ("MET gene amplification", "MET amplification"),
        ("MGMT promoter methylation negative", "MGMT promoter unmethylated"),
        ("MGMT promoter methylation not detected", "MGMT promoter unmethylated"),
        ("MGMT promoter methylation positive", "MGMT promoter methylated"),
        ("DPYD c.1905+1G>A heterozygous", "DPYD c.1905+1G>A"),
        ("NUDT15 p.R139C (homozygous)", "NUDT15 R139C"),
        ("BRCA2 homozygous deletion", "BRCA2 loss"),  # a copy-number word, not a zygosity suffix
    ],
)  # fmt: skip
def test_report_wording_reads_as_the_change(text: str, name: str) -> None:
    alt = parse_alteration(text)
    # The stated exon is kept on the alteration (fixe: ``Alteration.stated_exon``, name 'GENE change (exon N)');
    # the change itself is what the words name.
    stated = re.search(r"\bex(?:on)?\s*(\d+)", text)
    if stated is not None and alt.kind != "exon":
        assert alt.stated_exon == int(stated.group(1))
        assert alt.name == f"{name} (exon {stated.group(1)})"
    else:
        assert alt.name == name


def test_exon_words_that_are_exon_changes_stay_exon_changes() -> None:
    assert parse_alteration("EGFR exon 19 deletion").kind == "exon"
    assert parse_alteration("KIT exon 17 mutation").name == "KIT exon 17 mutation"


def test_an_exon_label_before_nonsense_is_still_an_error() -> None:
    with pytest.raises(AlterationSyntaxError, match="exon"):
        parse_alteration("EGFR exon 20 foo")
