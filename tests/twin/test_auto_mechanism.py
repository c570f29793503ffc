"""``twin_cohort`` (the CLI's and the server's twin) scores its spread fit on the measured route's published share
with the comparator's arm size, as the benchmark does (``auto_mechanism``); without a measured route: the response
alone."""

from __future__ import annotations

from oncoresist.knowledge.quant import load_quant
from oncoresist.twin.builder import TwinDefaults, build_twin
from oncoresist.twin.fitted_cohort import auto_mechanism


def test_measured_t790m_is_the_target_with_the_arm_size() -> None:
    q = load_quant()
    build = build_twin(["EGFR L858R"], drugs=["erlotinib", "osimertinib"], tumor="NSCLC", quant=q)
    assert "EGFR_T790M" in build.measured
    assert auto_mechanism(build, q) == ("EGFR_T790M", q.outcomes["flaura-standard-egfr-tki"].n)
    assert q.outcomes["flaura-standard-egfr-tki"].n == 278


def test_codon_rate_twin_has_no_automatic_target() -> None:
    q = load_quant()
    build = build_twin(["EGFR L858R"], drugs=["erlotinib", "osimertinib"], tumor="NSCLC", quant=q,
                       defaults=TwinDefaults(measured_preexisting=False))
    assert build.measured == {}
    assert auto_mechanism(build, q) == (None, None)


def test_outcome_without_arm_size_gives_no_target() -> None:
    q = load_quant()  # cached and shared: restore the outcome whatever happens
    o = q.outcomes["flaura-standard-egfr-tki"]
    q.outcomes["flaura-standard-egfr-tki"] = o.model_copy(update={"n": None})
    try:
        build = build_twin(["EGFR L858R"], drugs=["erlotinib", "osimertinib"], tumor="NSCLC", quant=q)
        assert auto_mechanism(build, q) == (None, None)
    finally:
        q.outcomes["flaura-standard-egfr-tki"] = o
