"""A stop codon's canonical name reads back as the same codon (``*8`` would read as a star allele)."""

from __future__ import annotations

import pytest

from oncoresist.alteration import parse_alteration


@pytest.mark.parametrize("text", ["PDGFRA Ter8", "KIT exon 11 Ter557 mutation", "PDGFRA exon 1Ter8 mutation"])
def test_stop_codon_round_trip(text: str) -> None:
    alt = parse_alteration(text)
    assert alt.kind == "codon" and alt.codon_ref == "*"
    assert "*" not in alt.name
    assert parse_alteration(alt.name) == alt
