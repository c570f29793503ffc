"""Shares at progression, one record per series with its verbatim quote, and the pooled shares (share6)."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from knowledge._helpers import one_line, private_copy, with_pools
from oncoresist.errors import KnowledgeError
from oncoresist.knowledge.index import Knowledge
from oncoresist.knowledge.pooling import pool, wilson
from oncoresist.knowledge.quant import QUANT_DIR, QuantKnowledge, load_quant

_WORDS = {"zero": 0, "four": 4, "five": 5, "ninety-eight": 98}

@pytest.fixture(scope="module")
def quant(kb: Knowledge) -> QuantKnowledge:
    return load_quant(kb=kb)


@pytest.fixture(scope="module")
def pooled_quant(kb: Knowledge, tmp_path_factory: pytest.TempPathFactory) -> QuantKnowledge:
    return load_quant(data_dir=with_pools(tmp_path_factory.mktemp("pools")), kb=kb)


def test_the_packaged_data_pools_nothing(quant: QuantKnowledge) -> None:
    assert quant.pooled == {}
    assert quant.pooled_for(alteration="MET amplification", drug="erlotinib", tumor="LUAD") is None


def _numbers(text: str) -> set[float]:
    out = {float(m) for m in re.findall(r"\d+(?:\.\d+)?", text)}
    out |= {float(v) for w, v in _WORDS.items() if re.search(rf"\b{w}\b", text, re.IGNORECASE)}
    return out


def test_every_count_percentage_and_bound_appears_in_its_quote(quant: QuantKnowledge) -> None:
    quoted = [f for f in quant.frequencies if f.quote]
    assert len(quoted) >= 7
    for f in quoted:
        found = _numbers(f.quote)
        assert f.n_positive is not None and f.n_positive in found, (f.id, f.n_positive)
        # the n is in the quote, or (Sequist 2011: the quote is a figure legend) in the source's confirmed_by
        assert f.n in found or str(f.n) in quant.sources[f.source].confirmed_by, (f.id, f.n)
        if f.fraction is not None:
            assert round(100 * f.fraction) in found, (f.id, f.fraction)
        for bound in f.ci95 or ():
            assert round(100 * bound) in found, (f.id, bound)


def test_every_first_generation_egfr_series_carries_a_quote(quant: QuantKnowledge) -> None:
    for f in quant.frequencies_for(drug="erlotinib", tumor="NSCLC"):
        assert f.quote, f"{f.id}: add the source's sentence (quote)"


def test_fixed_effect_when_the_series_agree() -> None:
    # 5/50 and 10/100 have the same proportion: Q = 0, I2 = 0, the pooled binomial 15/150 with Wilson's interval
    p = pool([(5, 50), (10, 100)])
    assert p.method.startswith("fixed effect") and p.i2 == 0 and p.q == pytest.approx(0, abs=1e-12)
    assert p.estimate == pytest.approx(0.1)
    # Wilson 95% interval of 15 of 150, worked by hand: 0.0616-0.1584
    assert p.ci95 == pytest.approx((0.0616, 0.1584), abs=5e-4)
    assert wilson(15, 150) == p.ci95


def test_random_effects_for_yu_and_engelman_met_amplification() -> None:
    # worked by hand on the logit scale: y = ln(4/71), ln(4/14); v = 1/4 + 1/71, 1/4 + 1/14;
    # Q = 4.50 on 1 df, I2 = 78%, tau2 = 1.03; DerSimonian-Laird estimate expit(-2.08) = 0.111
    p = pool([(4, 75), (4, 18)])
    assert p.method.startswith("random effects")
    assert p.q == pytest.approx(4.50, abs=0.01) and p.i2 == pytest.approx(0.778, abs=0.002)
    assert p.tau2 == pytest.approx(1.025, abs=0.005)
    assert p.estimate == pytest.approx(0.111, abs=0.001)
    assert 4 / 75 < p.estimate < 4 / 18
    lo, hi = p.ci95
    assert lo == pytest.approx(0.025, abs=0.001) and hi == pytest.approx(0.380, abs=0.002)
    fixed = wilson(8, 93)
    assert hi - lo > fixed[1] - fixed[0]  # the between-series variance widens the interval


def test_zero_events_get_the_continuity_correction() -> None:
    p = pool([(0, 88), (0, 40)])
    assert p.i2 == 0 and p.estimate == 0 and p.ci95[0] == 0 and p.ci95[1] > 0
    with pytest.raises(ValueError):
        pool([(3, 24)])
    with pytest.raises(ValueError):
        pool([(3, 24), (5, 4)])


def test_pooled_shares_as_loaded(pooled_quant: QuantKnowledge) -> None:
    quant = pooled_quant
    met = quant.pooled["pooled-gen1-met-amplification"]
    assert met.members == ("yu2013-met-amplification", "engelman2007-met-amplification")
    assert met.n == 93 and met.pooled.events == 8 and met.source == "PMID:23470965 + DOI:10.1126/science.1141478"
    assert met.value == pytest.approx(pool([(4, 75), (4, 18)]).estimate)
    sclc = quant.pooled["pooled-gen1-small-cell-transformation"]
    assert sclc.n == 192 and sclc.pooled.method.startswith("random effects")
    assert math.isclose(sclc.value, pool([(4, 155), (5, 37)]).estimate)


def test_pooled_for_needs_every_member_to_match(pooled_quant: QuantKnowledge) -> None:
    quant = pooled_quant
    assert quant.pooled_for(alteration="MET amplification", drug="erlotinib", tumor="LUAD").id == (  # type: ignore[union-attr]
        "pooled-gen1-met-amplification")
    assert quant.pooled_for(alteration="MET amplification", drug="gefitinib", tumor="NSCLC") is not None
    # no member series gave osimertinib; none was in breast cancer
    assert quant.pooled_for(alteration="MET amplification", drug="osimertinib", tumor="NSCLC") is None
    assert quant.pooled_for(alteration="MET amplification", drug="erlotinib", tumor="BRCA") is None
    # one HER2 series with counts, and T790M is never pooled (Yu's 98/155 is the held-out check)
    assert quant.pooled_for(alteration="ERBB2 amplification", drug="erlotinib", tumor="LUAD") is None
    assert quant.pooled_for(alteration="EGFR T790M", drug="erlotinib", tumor="LUAD") is None


def _pooled_error(tmp_path: Path, kb: Knowledge, members: str) -> str:
    data = private_copy(QUANT_DIR, tmp_path / "data_quant")
    (data / "zz_test.yaml").write_text(
        f'schema_version: "1"\npooled_frequencies:\n  - id: bad-pool\n    members: {members}\n', encoding="utf-8")
    with pytest.raises(KnowledgeError) as exc:
        load_quant(data_dir=data, kb=kb)
    return one_line(exc)


def test_bad_pools_fail_on_one_line(tmp_path: Path, kb: Knowledge) -> None:
    msg = _pooled_error(tmp_path / "a", kb, "[yu2013-met-amplification, no-such-series]")
    assert "bad-pool" in msg and "members.1" in msg and "no-such-series" in msg
    msg = _pooled_error(tmp_path / "b", kb, "[yu2013-met-amplification, yu2013-erbb2-amplification]")
    assert "one mechanism and one alteration" in msg
    msg = _pooled_error(tmp_path / "c", kb, "[yu2013-met-amplification, nicolini2009-abl1-t315i]")
    assert "n_positive and n" in msg
    msg = _pooled_error(tmp_path / "d", kb, "[yu2013-met-amplification]")
    assert "members" in msg
