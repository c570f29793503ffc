"""A route's pre-treatment clone size from measured prevalences (``TwinDefaults.measured_preexisting``, t790m10).

The lognormal fitted to the knowledge's quantiles must give back each sourced share above its threshold, both
analytically and in a seeded cohort draw; the builder must use it only for a variant the knowledge measured; bad
values are refused with a one-line error.
"""

from __future__ import annotations

import math
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from oncoresist.errors import OncoresistError
from oncoresist.knowledge.quant import load_quant
from oncoresist.trial.cohort import patient_seeds, sample_cohort
from oncoresist.trial.spec import CohortSpec, Distribution
from oncoresist.twin import build_twin
from oncoresist.twin.builder import TwinDefaults
from oncoresist.twin.calibrate import rebuild
from oncoresist.twin.pretreatment import fit_lognormal, fit_points, share_above
from oncoresist.twin.variation import luria_delbruck_block

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def quant(curated_kb):  # type: ignore[no-untyped-def]
    return load_quant(kb=curated_kb)


@pytest.fixture(scope="module")
def entries(quant):  # type: ignore[no-untyped-def]
    found = quant.pretreatment_for("EGFR T790M", "LUAD")
    assert [e.id for e in found] == ["jto2012-colony-hybridization-egfr-t790m", "pathwest-dpcr-egfr-t790m-median"]
    return found


def _egfr(kb, q, **kw):  # type: ignore[no-untyped-def]
    return build_twin(["EGFR L858R"], drugs="erlotinib,osimertinib", tumor="LUAD", knowledge=kb, quant=q,
                      defaults=TwinDefaults(**kw))


def test_the_sourced_counts_are_the_abstracts(entries) -> None:  # type: ignore[no-untyped-def]
    ch, dpcr = entries
    assert (ch.n_positive, ch.n, ch.threshold, ch.threshold_kind) == (30, 38, 1e-4, "detection_limit")
    assert "30 mutants (79%)" in ch.quote and "38 patients" in ch.quote
    # the dPCR quantile: half of the 42 positives at or above their median allele frequency, 0.14%
    assert (dpcr.n_positive, dpcr.n, dpcr.threshold) == (42 // 2, 109, 0.0014)
    assert "42 of 109" in dpcr.quote and "0.14%" in dpcr.quote


def test_fit_gives_back_each_share_analytically(entries) -> None:  # type: ignore[no-untyped-def]
    fit = fit_lognormal(entries)
    assert not fit.sigma_assumed
    for e in entries:
        assert fit.share_above(e.threshold) == pytest.approx(e.n_positive / e.n, abs=1e-9)
    assert 0 < fit.sigma < 5 and 1e-4 < fit.median < 1.4e-3  # between the two thresholds: 79% above one, 19% above


def test_fit_gives_back_each_share_in_a_seeded_cohort_draw(entries) -> None:  # type: ignore[no-untyped-def]
    fit = fit_lognormal(entries)
    n = 20000
    seeds = patient_seeds(np.random.SeedSequence(3), 1, n)[0]
    block = Distribution(dist="luria_delbruck", clones=[0.0], cells=[1.0], measured_sigma=[fit.sigma],
                         measured_max=[1.0 / fit.mean])
    factor = sample_cohort(CohortSpec(resistant_fraction=block), seeds, n_resistant=1)["resistant_fraction"][:, 0]
    assert factor.mean() == pytest.approx(1.0, rel=0.1)  # mean 1: the scenario's count is the cohort's mean
    fraction = fit.mean * factor
    for e in entries:
        p = e.n_positive / e.n
        assert abs((fraction >= e.threshold).mean() - p) < 4 * math.sqrt(p * (1 - p) / n)
    again = sample_cohort(CohortSpec(resistant_fraction=block), seeds, n_resistant=1)["resistant_fraction"][:, 0]
    np.testing.assert_array_equal(again, factor)
    assert fraction.max() <= 1.0 + 1e-12  # capped at the whole burden


def test_one_threshold_needs_a_stated_sigma_and_more_are_fitted_by_likelihood() -> None:
    with pytest.raises(OncoresistError, match="measured_sigma"):
        fit_points([(1e-4, 0.79)])
    mu, s = fit_points([(1e-4, 0.79)], sigma=2.0)
    assert share_above(mu, s, 1e-4) == pytest.approx(0.79) and s == 2.0
    # three points on one lognormal: the likelihood fit recovers it
    pts = [(t, share_above(-7.0, 1.3, t)) for t in (1e-4, 1e-3, 1e-2)]
    mu3, s3 = fit_points(pts, counts=[(round(p * 1e5), 100000) for _, p in pts])
    assert mu3 == pytest.approx(-7.0, abs=0.02) and s3 == pytest.approx(1.3, abs=0.02)
    with pytest.raises(OncoresistError, match="do not fall"):
        fit_points([(1e-4, 0.2), (1e-3, 0.5)])
    with pytest.raises(OncoresistError, match="strictly between 0 and 1"):
        fit_points([(1e-4, 1.0), (1e-3, 0.5)])


def test_builder_uses_it_only_for_a_measured_variant(curated_kb, quant, entries) -> None:  # type: ignore[no-untyped-def]
    base = _egfr(curated_kb, quant, measured_preexisting=False)  # the old default path, still reachable
    on = _egfr(curated_kb, quant, measured_preexisting=True)
    assert TwinDefaults().measured_preexisting is True  # the default since the final10 pass
    assert _egfr(curated_kb, quant).measured == on.measured
    none = _egfr(curated_kb, replace(quant, pretreatment=[]), measured_preexisting=True)
    assert base.measured == {} and none.measured == {}
    assert set(on.measured) == {"EGFR_T790M"}
    ib, io, i_none = ({c.name: c.initial for c in b.scenario.cell_types} for b in (base, on, none))
    assert i_none == ib  # the option without the knowledge's entry: the twin as before, count for count
    fit = fit_lognormal(entries)
    assert io["EGFR_T790M"] == pytest.approx(2e10 * fit.mean, rel=1e-6)
    assert io["EGFR_T790M"] > 100 * ib["EGFR_T790M"]
    assert {k: v for k, v in io.items() if k not in ("EGFR_T790M", "sensitive")} == pytest.approx(
        {k: v for k, v in ib.items() if k not in ("EGFR_T790M", "sensitive")}, rel=2e-3)
    o = on.origin("cell_types.EGFR_T790M.initial")
    assert o.kind == "published table" and "PMID:22899358" in o.source and "CpG" in o.source
    assert base.origin("cell_types.EGFR_T790M.initial").kind != "published table"
    # the rate of arising during treatment is the codon's, as before
    tb = {(t.source, t.target): t.probability for t in base.scenario.transitions if t.kind == "mutation"}
    to = {(t.source, t.target): t.probability for t in on.scenario.transitions if t.kind == "mutation"}
    assert to == tb
    block, plain = luria_delbruck_block(on), luria_delbruck_block(base)
    assert "measured_sigma" not in plain
    j = block["measured_sigma"].index(fit.sigma)
    assert block["clones"][j] == 0.0 and plain["clones"][j] > 0
    assert sum(s is not None for s in block["measured_sigma"]) == 1
    again = rebuild(on, 2.0, quant)  # a calibration's rebuild keeps the measured count
    assert again.measured == on.measured


@pytest.mark.parametrize("kw, msg", [({"measured_sigma": -1.0}, "defaults.measured_sigma"),
                                     ({"measured_sigma": float("nan")}, "defaults.measured_sigma"),
                                     ({"measured_preexisting": "yes"}, "defaults.measured_preexisting")])
def test_bad_defaults_are_refused(curated_kb, quant, kw, msg) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(OncoresistError, match=msg):
        _egfr(curated_kb, quant, **kw)


@pytest.mark.parametrize("args", [["--measured-preexisting", "maybe"],
                                  ["--measured-preexisting", "on", "--measured-sigma", "-2"],
                                  ["--measured-preexisting", "off", "--measured-sigma", "1.0"]])
def test_bad_benchmark_flags_give_one_line_and_exit_2(args: list[str]) -> None:
    r = subprocess.run([sys.executable, str(ROOT / "benchmarks/twin_flaura.py"), *args], capture_output=True,
                       text=True, env={"PYTHONPATH": str(ROOT / "src")}, timeout=120)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert "--measured-" in r.stderr.strip().splitlines()[-1]


def test_cohort_lists_are_checked() -> None:
    with pytest.raises(ValueError, match="measured_sigma"):
        Distribution(dist="luria_delbruck", clones=[0.0, 1.0], cells=[1.0, 10.0], measured_sigma=[1.0])
    with pytest.raises(ValueError):
        Distribution(dist="luria_delbruck", clones=[0.0], cells=[1.0], measured_sigma=[-1.0])
