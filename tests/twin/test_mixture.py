"""A twin of a population of drivers (FLAURA: exon 19 deletion or L858R): strata drawn with their share, each
stratum's patients on its own driver's twin, the calibration's changes applied to every stratum."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from scipy.stats import binomtest

from oncoresist.errors import InvalidArgument
from oncoresist.knowledge.quant import load_quant
from oncoresist.model.scenario import ECFold, Mutation
from oncoresist.random import as_seed_sequence, child_seed
from oncoresist.twin import build_twin
from oncoresist.twin.builder import TwinBuild
from oncoresist.twin.calibrate import apply_multipliers, rebuild
from oncoresist.twin.compare import ASSUMED_COHORT, run_cohort
from oncoresist.twin.mixture import (
    Stratum,
    assign_strata,
    mixed_twin,
    published_driver_shares,
    stratum_summary,
)
from oncoresist.twin.variation import luria_delbruck_block, with_preexisting

DRUGS = "erlotinib,osimertinib"
ARMS = ["continuous:erlotinib", "continuous:osimertinib"]


@pytest.fixture(scope="module")
def l858r(curated_kb: Any) -> TwinBuild:
    return build_twin(["EGFR L858R"], drugs=DRUGS, tumor="NSCLC", knowledge=curated_kb)


@pytest.fixture(scope="module")
def ex19(curated_kb: Any) -> TwinBuild:
    return build_twin(["EGFR exon 19 deletion"], drugs=DRUGS, tumor="NSCLC", knowledge=curated_kb)


@pytest.fixture(scope="module")
def mixed(l858r: TwinBuild, ex19: TwinBuild) -> TwinBuild:
    return mixed_twin([("EGFR L858R", 0.4, l858r), ("EGFR exon 19 deletion", 0.6, ex19)])


def _fold(build: TwinBuild, cell: str, drug: str) -> float:
    ct = next(c for c in build.scenario.cell_types if c.name == cell)
    return next(m.fold for m in ct.modifiers if isinstance(m, ECFold) and drug in m.drugs)


def test_flaura_share_is_the_published_split_among_typed_patients() -> None:
    q = load_quant()
    shares = {d: p for d, p, _ in published_driver_shares(q, ["flaura-standard-egfr-tki", "flaura-osimertinib"])}
    arms = [d for i in ("flaura-standard-egfr-tki", "flaura-osimertinib") if (d := q.outcomes[i].drivers) is not None]
    assert len(arms) == 2
    # pooled over the two randomised arms, each arm's typed patients weighing the same
    ex = sum(s.fraction for a in arms for s in a.shares if s.alteration == "EGFR exon 19 deletion")
    typed = sum(s.fraction for a in arms for s in a.shares)
    assert shares["EGFR exon 19 deletion"] == pytest.approx(ex / typed)
    assert shares["EGFR exon 19 deletion"] + shares["EGFR L858R"] == pytest.approx(1.0)
    # each arm's own typed share lies within a point and a half of the pooled one (stratified randomisation)
    for a in arms:
        assert abs(a.typed_share("EGFR exon 19 deletion") - shares["EGFR exon 19 deletion"]) < 0.015


def test_assignment_draws_the_published_share() -> None:
    p = published_driver_shares(load_quant(), ["flaura-standard-egfr-tki", "flaura-osimertinib"])
    shares = [s for _, s, _ in p]
    n = 20000
    which = assign_strata(shares, n, as_seed_sequence(5))
    counts = np.bincount(which, minlength=2)
    # binomial check of each stratum's count (two-sided, well above a Bonferroni-corrected 1e-3)
    for k, share in enumerate(shares):
        assert binomtest(int(counts[k]), n, share).pvalue > 1e-3, (k, counts[k], n * share)
    # patient i's stratum does not depend on the cohort size (a screening cohort is a prefix of the full one)
    assert np.array_equal(assign_strata(shares, 300, as_seed_sequence(5)), which[:300])
    assert not np.array_equal(assign_strata(shares, 300, as_seed_sequence(6)), which[:300])


def test_each_stratum_runs_on_its_own_twin(mixed: TwinBuild, ex19: TwinBuild, l858r: TwinBuild) -> None:
    cohort = {**ASSUMED_COHORT, "resistant_fraction": luria_delbruck_block(l858r)}  # the first stratum's counts
    n = 16
    res, _, mapping = run_cohort(mixed, ARMS, patients=n, seed=3, cohort=cohort, follow_up_days=500)
    root = as_seed_sequence(3)
    which = assign_strata([0.4, 0.6], n, child_seed(root, 0))
    # every arm has the same patients' strata (a stratified randomisation), drawn as assign_strata draws them
    for arm in ARMS:
        g = res[res["arm"] == arm].sort_values("patient_id")
        assert list(g["patient_id"]) == list(range(n))
        assert list(g["stratum"]) == [["EGFR L858R", "EGFR exon 19 deletion"][k] for k in which]
    assert [s["patients"] for s in mapping["strata"]] == [int((which == 0).sum()), int((which == 1).sum())]
    # the exon 19 deletion patients are the exon 19 deletion twin's own trial (its child stream), with the
    # Luria-Delbruck counts of its own routes, not the first stratum's
    k = int((which == 1).sum())
    assert 0 < k < n
    alone, _, _ = run_cohort(ex19, ARMS, patients=k, seed=child_seed(root, 2),
                             cohort=with_preexisting(cohort, ex19), follow_up_days=500)
    mine = res[res["stratum"] == "EGFR exon 19 deletion"].sort_values(["arm", "stratum_patient"])
    alone = alone.sort_values(["arm", "patient_id"])
    for col in ("pfs_time", "pfs_event", "best_response", "dominant_at_pfs"):
        assert list(mine[col]) == list(alone[col]), col
    assert not set(mine["dominant_at_pfs"]) & {"EGFR_L718Q", "EGFR_L718V"}  # L858R-only routes
    summary = stratum_summary(res, reference_arm="continuous:erlotinib")
    assert set(summary) == {"EGFR L858R", "EGFR exon 19 deletion"}
    ex = summary["EGFR exon 19 deletion"]
    assert ex["continuous:erlotinib"]["patients"] == k and ex["continuous:erlotinib"]["hazard_ratio"] is None
    assert len(ex["continuous:osimertinib"]["hazard_ratio"]) == 3


def test_calibration_changes_reach_every_stratum_and_keep_its_folds(
    mixed: TwinBuild, ex19: TwinBuild, l858r: TwinBuild
) -> None:
    q = load_quant()
    # the two drivers' windows differ: Robichaux et al. 2021's fold of T790M over its own driver on osimertinib
    folds = {s.driver: _fold(s.build, "EGFR_T790M", "osimertinib") for s in mixed.strata}
    assert folds["EGFR L858R"] == _fold(l858r, "EGFR_T790M", "osimertinib")
    assert folds["EGFR exon 19 deletion"] == _fold(ex19, "EGFR_T790M", "osimertinib")
    assert folds["EGFR exon 19 deletion"] > 10 * folds["EGFR L858R"]
    out = apply_multipliers(mixed, {"MET_amplification": 10.0}, {"MET_amplification": "test"})
    assert [s.driver for s in out.strata] == ["EGFR L858R", "EGFR exon 19 deletion"]
    assert out.scenario == out.strata[0].build.scenario  # the first stratum gives the fields
    for before, after in zip(mixed.strata, out.strata, strict=True):
        p0 = next(t.probability for t in before.build.scenario.transitions
                  if isinstance(t, Mutation) and t.target == "MET_amplification")
        p1 = next(t.probability for t in after.build.scenario.transitions
                  if isinstance(t, Mutation) and t.target == "MET_amplification")
        assert p1 == pytest.approx(10 * p0)
        assert _fold(after.build, "EGFR_T790M", "osimertinib") == folds[before.driver]
        assert after.share == before.share
    again = rebuild(out, 1.5, q)
    for s in again.strata:
        d = s.build.defaults
        assert d.birth - d.death == pytest.approx(1.5 * (mixed.defaults.birth - mixed.defaults.death))
        assert list(s.build.annotation.alterations) == list(
            next(m for m in mixed.strata if m.driver == s.driver).build.annotation.alterations)
        assert _fold(s.build, "EGFR_T790M", "osimertinib") == folds[s.driver]


@pytest.mark.parametrize("strata, field", [
    ([("A", 0.5, "l858r"), ("B", 0.4, "ex19")], "add up to 1"),
    ([("A", 0.5, "l858r"), ("A", 0.5, "ex19")], "each driver once"),
    ([("A", 1.0, "l858r")], "at least two"),
    ([("A", 0.0, "l858r"), ("B", 1.0, "ex19")], "(0, 1)"),
])
def test_bad_strata_are_refused(
    strata: list[tuple[str, float, str]], field: str, l858r: TwinBuild, ex19: TwinBuild
) -> None:
    twins = {"l858r": l858r, "ex19": ex19}
    with pytest.raises(InvalidArgument, match=r"^strata: ") as e:
        mixed_twin([Stratum(d, p, twins[b]) for d, p, b in strata])
    assert field in str(e.value)
