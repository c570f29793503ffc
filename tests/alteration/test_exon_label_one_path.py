"""One reader of an exon written beside a change (session 6, annot7): ``report_context.exon_prefixed``.

Before, the grammar had a second reader (``_EXON_LABEL_RE`` in ``grammar._parse_change``) for labels followed by
more words ("EGFR exon 21 L858R mutation"), which read the change but dropped the exon. Every wording now keeps
the exon the report stated. The exon numbers are those the changes sit in (EGFR L858R exon 21, KIT W557_K558del
exon 11, PDGFRA D842V exon 18, KRAS G12 exon 2); the change is what the words name.
"""

from __future__ import annotations

import pytest

from oncoresist.alteration import grammar, parse_alteration
from oncoresist.alteration.report_context import exon_prefixed


@pytest.mark.parametrize(
    ("text", "name", "exon"),
    [
        ("EGFR exon 21 L858R", "EGFR L858R", 21),  # the strict form
        ("EGFR exon 21 L858R mutation", "EGFR L858R", 21),  # the label form with a trailing word
        ("EGFR ex21 L858R variant", "EGFR L858R", 21),
        ("PDGFRA exon 18 D842V mutation", "PDGFRA D842V", 18),
        ("KIT exon 11 W557_K558del (c.1669_1674del)", "KIT W557_K558del", 11),
        ("EGFR exon 21 c.2573T>G (p.L858R)", "EGFR L858R", 21),
        ("KRAS exon 2 G12 mutation", "KRAS G12", 2),
        ("EGFR L858R (exon 21)", "EGFR L858R", 21),
    ],
)
def test_every_exon_wording_keeps_the_stated_exon(text: str, name: str, exon: int) -> None:
    alt = parse_alteration(text)
    assert alt.stated_exon == exon
    assert alt.name == f"{name} (exon {exon})"
    assert parse_alteration(alt.name) == alt


def test_the_grammar_has_no_second_exon_label_reader() -> None:
    assert not hasattr(grammar, "_EXON_LABEL_RE")
    assert exon_prefixed("exon 21 L858R mutation") is not None


@pytest.mark.parametrize(
    ("text", "kind"),
    [("EGFR exon 19 deletion mutation", "exon"), ("MET exon 14 splice site mutation", "exon"),
     ("EGFR exon 20 insertion", "exon")],
)  # fmt: skip
def test_an_exon_class_after_the_label_stays_a_class_without_a_stated_exon(text: str, kind: str) -> None:
    alt = parse_alteration(text)
    assert alt.kind == kind and alt.stated_exon is None
