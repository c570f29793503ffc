"""An arm's split between sensitising drivers (outcomes.yaml ``drivers``): its checks and FLAURA's stored split."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from oncoresist.knowledge.quant import DriverMix, load_quant

BASE = {"source": "PMID:29151359", "where": "Table 1", "read": "a transcription, read in full",
        "evidence": "secondary"}


def test_shares_and_unknown_add_up_to_one() -> None:
    ok = DriverMix(shares=[{"alteration": "EGFR exon 19 deletion", "fraction": 0.57},
                           {"alteration": "EGFR L858R", "fraction": 0.35}], unknown=0.09, **BASE)
    assert ok.typed_share("EGFR exon 19 deletion") == pytest.approx(0.57 / 0.92)
    with pytest.raises(KeyError):
        ok.typed_share("EGFR G719X")
    with pytest.raises(ValidationError, match="add up to 1"):
        DriverMix(shares=[{"alteration": "EGFR exon 19 deletion", "fraction": 0.5},
                          {"alteration": "EGFR L858R", "fraction": 0.3}], **BASE)
    with pytest.raises(ValidationError, match="each driver once"):
        DriverMix(shares=[{"alteration": "EGFR L858R", "fraction": 0.5},
                          {"alteration": "EGFR L858R", "fraction": 0.5}], **BASE)


def test_flaura_arms_carry_their_split_with_its_reading() -> None:
    q = load_quant()
    for oid in ("flaura-standard-egfr-tki", "flaura-osimertinib"):
        d = q.outcomes[oid].drivers
        assert d is not None and d.source == q.outcomes[oid].source
        assert d.transcribed_by and "IVI-NSCLC" in d.transcribed_by and "NOT read" in d.read
        assert {s.alteration for s in d.shares} == {"EGFR exon 19 deletion", "EGFR L858R"}
