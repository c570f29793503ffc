"""Strategies compared on time to strategy failure, and ctDNA lead times where the model says there
should be one.

The EGFR L858R twin (erlotinib, then osimertinib), calibrated to the comparator as the benchmarks do (the one
cohort definition, resistant-only growth factor included), is run under continuous erlotinib, sequential and
ctDNA-guided lines. Sequential and ctDNA-guided give osimertinib after erlotinib fails, so their median time to
failure of the whole strategy must be later than continuous erlotinib's, and, on the same virtual patients,
never earlier for any patient and later for every T790M-driven first progression (sequential).

Lead time: a resistant clone of ``N`` cells whose cells die at rate ``d`` puts on average
``q_d·d·N/ε·f`` mutant molecules into a tube (``f`` the sampled fraction of the circulation), and
the assay needs a few mutant reads (its threshold) in two consecutive draws. The size at which plasma
sees the clone is computed here from the twin's own parameters and set against the burden at which
imaging can first call PD after a complete response (two lesions at the 5 mm detection limit). With
Avanzini et al.'s shedding rate plasma sees the clone at a larger size than imaging, so most
progressions are detected after PD; at 100× the shedding rate it sees it at a smaller size, so most
progressions must be detected before PD, with a positive median lead time.
"""

from __future__ import annotations

import numpy as np
import pytest

from oncoresist.monitor.ctdna import CtdnaParams
from oncoresist.monitor.detection import imaging_progression_cells, plasma_detection_cells
from oncoresist.twin import TwinDefaults, build_twin
from oncoresist.twin.compare import compare_strategies
from oncoresist.twin.fitted_cohort import calibrate_with_spread

PATIENTS = 300
pytestmark = pytest.mark.slow

# the codon-rate path (TwinDefaults(measured_preexisting=False), the default before final10): these tests pin
# figures and Luria-Delbruck counts of a route with a codon rate; the default's measured T790M: test_pretreatment.py
CODON = TwinDefaults(measured_preexisting=False)


@pytest.fixture(scope="module")
def fitted(curated_kb):  # type: ignore[no-untyped-def]
    """The twin as ``oncoresist twin --calibrate`` runs it: calibrated, spread fitted to the comparator's ORR."""
    egfr = build_twin(["EGFR L858R"], drugs="erlotinib,osimertinib", tumor="NSCLC", knowledge=curated_kb,
                      defaults=CODON)
    return calibrate_with_spread(egfr, patients=200, seed=0)


@pytest.fixture(scope="module")
def calibrated(fitted):  # type: ignore[no-untyped-def]
    return fitted.calibration.build


@pytest.fixture(scope="module")
def cmp(fitted, calibrated):  # type: ignore[no-untyped-def]
    return compare_strategies(calibrated, ["continuous", "sequential", "ctdna_guided"], patients=PATIENTS, seed=7,
                              cohort=fitted.cohort, cohort_source=fitted.source)


def test_sequential_and_ctdna_guided_outlast_continuous_on_time_to_strategy_failure(cmp) -> None:  # type: ignore[no-untyped-def]
    ends = cmp.endpoints
    assert list(ends.index)[-1] == "continuous"  # ranked by time to strategy failure: continuous last
    cont_median = float(ends.loc["continuous", "strategy_failure_median"])
    for arm in ("sequential", "ctdna_guided"):
        assert float(ends.loc[arm, "strategy_failure_median"]) > cont_median
        # on the first line they are the same erlotinib: PFS (first RECIST PD) close to continuous's
        assert float(ends.loc[arm, "line1_pfs_median"]) <= float(ends.loc["continuous", "strategy_failure_upper"]) + 3
    # continuous has one line: strategy failure is its first RECIST PD (or death)
    assert ends.loc["continuous", "strategy_failure_median"] == ends.loc["continuous", "recist_pfs_median"]


@pytest.fixture(scope="module")
def paired(fitted, calibrated):  # type: ignore[no-untyped-def]
    """The same virtual patients on each strategy: one-strategy runs with one seed, so patient ``i`` draws the same
    cohort factors and the same engine streams under every strategy (trial.cohort.patient_seeds)."""
    return {arm: compare_strategies(calibrated, [arm], patients=PATIENTS, seed=7, cohort=fitted.cohort).patients
            for arm in ("continuous", "sequential", "ctdna_guided")}


def test_osimertinib_after_erlotinib_never_shortens_and_extends_every_t790m_progression(paired) -> None:  # type: ignore[no-untyped-def]
    """Paired, patient by patient. ``cmp``'s arms are separate virtual patients, so how far their KM medians stand
    apart is a matter of power; before the resistant-only growth factor the cohort's KM CIs were ~0.1 month wide
    (progressions on one scan) and CIs that did not overlap proved little. Here: sequential gives the same
    erlotinib to the day on line 1, then osimertinib, so its strategy failure is never earlier than continuous
    erlotinib's, and it is later for every patient whose first progression was T790M-driven (osimertinib acts on
    L858R/T790M: Robichaux et al. 2021's fold 0.47) and for most patients overall. ctDNA-guided switches on a
    plasma call, never later than sequential: never earlier than continuous either, later for most."""
    cont, seq, guided = paired["continuous"], paired["sequential"], paired["ctdna_guided"]
    assert cont["patient_id"].tolist() == seq["patient_id"].tolist() == guided["patient_id"].tolist()
    assert np.allclose(seq["line1_pfs_time"], cont["line1_pfs_time"])  # line 1: the same erlotinib
    t790m = (cont["dominant_at_pfs"] == "EGFR_T790M").to_numpy() & cont["recist_pfs_event"].astype(bool).to_numpy()
    assert t790m.sum() > PATIENTS // 4
    for arm, later in ((seq, True), (guided, False)):
        gain = arm["strategy_failure_time"].to_numpy() - cont["strategy_failure_time"].to_numpy()
        assert np.all(gain >= 0)
        assert np.mean(gain > 0) > 0.5
        if later:
            assert np.all(gain[t790m] > 0)
        else:
            assert np.mean(gain[t790m] > 0) > 0.5


def _plasma_detection_cells(build, q_d: float) -> float:  # type: ignore[no-untyped-def]
    """Cells of a tracked resistant clone at which a draw holds, on average, one more mutant read than
    the assay's threshold (so two draws in a row are likely positive): monitor.detection, checked there
    against hand arithmetic and simulated draws."""
    death = next(c.death for c in build.scenario.cell_types if c.name == "EGFR_T790M")
    return plasma_detection_cells(death, params=CtdnaParams(q_d=q_d))


@pytest.mark.parametrize("factor", [1.0, 100.0])
def test_ctdna_lead_time_is_positive_exactly_where_plasma_sees_the_clone_before_imaging(  # type: ignore[no-untyped-def]
        calibrated, cmp, factor: float) -> None:
    q_d = CtdnaParams().q_d * factor
    plasma = _plasma_detection_cells(calibrated, q_d)
    imaging = imaging_progression_cells(n_lesions=2, detection_limit_mm=5.0)  # 2 lesions at 5 mm: PD after a CR
    run = cmp if factor == 1.0 else compare_strategies(calibrated, ["continuous"], patients=PATIENTS, seed=7,
                                                       ctdna={"shedding_per_death": q_d}, cohort=cmp.cohort)
    row = run.endpoints.loc["continuous"]
    progressed = int(row["ctdna_progressed_n"])
    first = int(row["ctdna_onset_lead_n"])
    assert progressed > PATIENTS // 2
    if plasma > imaging:  # Avanzini's rate: plasma needs a larger clone than imaging
        assert factor == 1.0
        # most patients: plasma confirms only after imaging's PD, so onset leads are the minority (the share of
        # leads depends on the fitted cohort's spread, flaura4's joint fit: 23% of 300 at seed 7)
        assert int(row["ctdna_after_pd_n"]) > 0.5 * progressed
        assert first < int(row["ctdna_after_pd_n"])
    else:  # 100x: plasma sees the clone first
        assert factor == 100.0
        assert first > 0.5 * progressed
        assert float(row["ctdna_onset_lead_median_days"]) > 0
        assert float(row["ctdna_lead_median_days"]) >= 0


def test_lead_times_are_set_beside_the_published_figure(cmp) -> None:  # type: ignore[no-untyped-def]
    from oncoresist.monitor.literature import published_lead_times

    table = cmp.lead_time_comparison()
    pubs = published_lead_times()
    assert len(table) == len(pubs) * len(cmp.endpoints)
    assert set(table["published_source"]) == {p.source for p in pubs}
    row = table[(table["strategy"] == "continuous")].iloc[0]
    assert row["published_days"] == pytest.approx(pubs[0].months * 30.4375)


def test_onset_is_the_first_of_the_confirming_draws(cmp) -> None:  # type: ignore[no-untyped-def]
    # two consecutive positive monthly draws confirm a call: the run began one draw (28 days) earlier,
    # and the onset lead is the confirmed lead plus those 28 days wherever both are defined
    p = cmp.patients
    hit = p["ctdna_first_any"].notna()
    assert hit.any()
    gap = (p.loc[hit, "ctdna_first_any"] - p.loc[hit, "ctdna_onset_any"]).to_numpy()
    assert np.all(gap >= 28.0) and np.all(np.mod(gap, 28.0) == 0)
    both = p["ctdna_lead_time"].notna()
    first_gap = (p.loc[both, "ctdna_first_any"] - p.loc[both, "ctdna_onset_any"]).to_numpy()
    assert np.allclose(p.loc[both, "ctdna_onset_lead_time"] - p.loc[both, "ctdna_lead_time"], first_gap)
