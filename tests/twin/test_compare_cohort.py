"""The twin's default cohort is the derived one (Laleh et al. 2022 spreads, Luria-Delbruck pre-existing counts);
the old stated assumptions stay as ``cohort="assumed"``; the choice is recorded in the comparison."""

from __future__ import annotations

import json

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from oncoresist.cli import app
from oncoresist.errors import OncoresistError
from oncoresist.twin import TwinDefaults, build_twin
from oncoresist.twin.cohort_options import DEFAULT_COHORT_OPTIONS, CohortOptions
from oncoresist.twin.compare import ASSUMED_COHORT, compare_strategies, resolve_cohort, trial_mapping
from oncoresist.twin.spread import first_drug_ec50
from oncoresist.twin.variation import VARIATION_FILE, sensitivity_sigma

ARGS = ["twin", "--tumor", "NSCLC", "EGFR L858R", "--drugs", "erlotinib,osimertinib"]

# the codon-rate path (TwinDefaults(measured_preexisting=False), the default before final10): these tests pin
# figures and Luria-Delbruck counts of a route with a codon rate; the default's measured T790M: test_pretreatment.py
CODON = TwinDefaults(measured_preexisting=False)


@pytest.fixture(scope="module")
def egfr(curated_kb):  # type: ignore[no-untyped-def]
    return build_twin(["EGFR L858R"], drugs="erlotinib,osimertinib", tumor="NSCLC", knowledge=curated_kb,
                      defaults=CODON)


def test_default_cohort_is_derived_from_the_packaged_spreads(egfr) -> None:  # type: ignore[no-untyped-def]
    spreads = yaml.safe_load(VARIATION_FILE.read_text(encoding="utf-8"))
    b, d = egfr.defaults.birth, egfr.defaults.death
    block, source = resolve_cohort(egfr, None)
    assert source.startswith("derived:") and "Laleh" in source
    # net growth spread mapped onto the birth factor, first order: sigma_g (b - d) / b
    assert block["growth"]["sigma"] == pytest.approx(spreads["net_growth_log_sd"] * (b - d) / b)
    # the one cohort definition (twin.cohort_options) at factor 1: the kill spread is the tumour's sensitivity, a
    # factor on every drug's EC50 whose log-spread gives the first drug's kill Laleh's log-spread
    assert block["kill"] == {"dist": "fixed", "value": 1.0}
    assert block["sensitivity"]["sigma"] == pytest.approx(
        sensitivity_sigma(spreads["kill_log_sd"], first_drug_ec50(egfr)))
    # the resistant-only growth factor takes sigma_g sqrt(1 - k^2): nothing at k = 1, one per patient
    assert block["resistant_growth"]["sigma"] == 0.0 and block["resistant_growth_shared"] is True
    assert DEFAULT_COHORT_OPTIONS.describe() in source
    rf = block["resistant_fraction"]
    assert rf["dist"] == "luria_delbruck"
    # T790M arises from the sensitive clone: mean surviving clones = probability per division x source cells
    sensitive = next(c.initial for c in egfr.scenario.cell_types if c.name == "sensitive")
    p = next(t.probability for t in egfr.scenario.transitions if t.target == "EGFR_T790M")
    assert p * sensitive in [pytest.approx(x) for x in rf["clones"]]
    assert resolve_cohort(egfr, "derived")[0] == block


def test_assumed_cohort_and_bad_names(egfr) -> None:  # type: ignore[no-untyped-def]
    block, source = resolve_cohort(egfr, "assumed")
    assert block == ASSUMED_COHORT and block["growth"]["sigma"] == 0.02 and source.startswith("assumed:")
    mine = {"growth": {"dist": "fixed", "value": 1.0}}
    assert resolve_cohort(egfr, mine, "my spreads") == (mine, "my spreads")
    with pytest.raises(OncoresistError, match="cohort: expected one of derived, assumed"):
        resolve_cohort(egfr, "magic")


def test_imaging_overrides_keep_the_trial_schedule(egfr) -> None:  # type: ignore[no-untyped-def]
    base = trial_mapping(egfr, ["continuous"], patients=5)["monitor"]["imaging"]
    over = trial_mapping(egfr, ["continuous"], patients=5,
                         imaging={"detection_limit_mm": 10.0, "n_lesions": 5})["monitor"]["imaging"]
    assert over["detection_limit_mm"] == 10.0 and over["n_lesions"] == 5
    assert over.get("schedule") == base.get("schedule") and over.get("every_days") == base.get("every_days")


def test_derived_cohort_is_not_degenerate_where_the_assumed_one_is(egfr) -> None:  # type: ignore[no-untyped-def]
    """Same twin, same seed: the assumed cohort (growth sigma 0.02) puts every patient in complete response and
    nearly every progression on one scan; the derived cohort does not."""
    runs = {c: compare_strategies(egfr, ["continuous"], patients=40, seed=3, cohort=c) for c in ("derived", "assumed")}
    assert runs["derived"].cohort_source.startswith("derived:")
    assert runs["assumed"].cohort_source.startswith("assumed:")
    derived = runs["derived"].cohort
    assert derived is not None and derived["resistant_fraction"]["dist"] == "luria_delbruck"
    cr = {c: float((r.patients["best_response"] == 0).mean()) for c, r in runs.items()}  # type: ignore[index]
    assert cr["derived"] < cr["assumed"]
    # spread of the progression times (log scale): scan visit windows give every cohort distinct dates, so
    # count the spread, not the dates (assumed ~0.2, derived ~1 at this seed)
    spread = {c: float(np.std(np.log(r.patients.loc[r.patients["recist_pfs_event"].astype(bool),  # type: ignore[union-attr]
                                                     "recist_pfs_time"].to_numpy(float))))
              for c, r in runs.items()}
    assert spread["derived"] > 2.0 * spread["assumed"]
    default = compare_strategies(egfr, ["continuous"], patients=40, seed=3)
    assert default.patients is not None and runs["derived"].patients is not None
    assert default.patients["recist_pfs_time"].tolist() == runs["derived"].patients["recist_pfs_time"].tolist()


def test_cli_records_the_cohort_and_the_lead_time_denominators() -> None:
    res = CliRunner().invoke(app, [*ARGS, "--strategies", "continuous", "--patients", "8", "--seed", "2",
                                   "--follow-up", "400", "--json"])
    assert res.exit_code == 0, res.output
    cmp = json.loads(res.output)["comparison"]
    assert cmp["cohort_source"].startswith("derived:")
    assert cmp["cohort"]["resistant_fraction"]["dist"] == "luria_delbruck"
    assert cmp["cohort_definition"] == {"options": DEFAULT_COHORT_OPTIONS.to_dict(), "calibrated": False,
                                        "source": cmp["cohort_source"]}
    assert cmp["imaging"]["n_lesions"] == 2 and cmp["ctdna"]["confirm_draws"] == 2
    lead = cmp["lead_time_comparison"]
    assert lead and {"progressed", "detected_first", "published_n", "published_denominator"} <= set(lead[0])


def test_cohort_options_check_their_fields_and_resolve_rho() -> None:
    assert DEFAULT_COHORT_OPTIONS.to_dict() == {"kill_on": "ec50", "preexisting": "luria_delbruck",
                                                "resistant_growth": "shared", "route_correlation": 1.0, "rounds": 4}
    assert CohortOptions(resistant_growth="laleh").to_dict()["route_correlation"] is None
    half = CohortOptions(route_correlation=0.5).spread_options()
    assert half["resistant_growth_correlation"] == 0.5 and half["resistant_growth_shared"] is False
    assert CohortOptions(resistant_growth="none").spread_options()["resistant_growth"] is False
    for bad, field in (({"kill_on": "dose"}, "kill_on"), ({"resistant_growth": "yes"}, "resistant_growth"),
                       ({"route_correlation": 1.5}, "route_correlation"), ({"rounds": 0}, "rounds"),
                       ({"resistant_growth": "laleh", "route_correlation": 0.5}, "route_correlation")):
        with pytest.raises(OncoresistError, match=f"^{field}:"):
            CohortOptions(**bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("extra", [["--resistant-growth", "maybe"], ["--route-correlation", "2"],
                                   ["--resistant-growth", "none", "--route-correlation", "0.5"]])
def test_cli_bad_cohort_options_one_line_exit_2(extra: list[str]) -> None:
    res = CliRunner().invoke(app, [*ARGS, "--strategies", "continuous", *extra])
    assert res.exit_code == 2, res.output
    assert extra[-2] in res.output and "Traceback" not in res.output
    assert len(res.output.strip().splitlines()) == 1


def test_cli_bad_cohort_one_line_exit_2() -> None:
    res = CliRunner().invoke(app, [*ARGS, "--strategies", "continuous", "--cohort", "magic"])
    assert res.exit_code == 2
    assert "--cohort" in res.output and "Traceback" not in res.output
    assert len(res.output.strip().splitlines()) == 1


@pytest.mark.slow
def test_calibrate_with_spread_fits_the_comparator_response(egfr) -> None:  # type: ignore[no-untyped-def]
    """The --calibrate path: rates and time scale calibrated, then one spread factor fitted to the comparator's
    objective response (FLAURA, erlotinib or gefitinib: 76%), then calibrated again with that cohort."""
    from oncoresist.twin.fitted_cohort import calibrate_with_spread
    from oncoresist.twin.variation import load_variation

    fc = calibrate_with_spread(egfr, patients=60, seed=0)
    assert fc.spread is not None and 0 < fc.spread.factor <= 1
    assert fc.source.startswith("fitted:") and fc.spread.target_id in fc.source
    assert fc.cohort["resistant_fraction"]["dist"] == "luria_delbruck"
    assert fc.cohort["sensitivity"]["dist"] == "lognormal" and fc.cohort["sensitivity"]["sigma"] > 0
    assert fc.calibration.time_target is not None
    assert any(o.kind == "calibrated" for o in fc.calibration.build.origins)
    # the one definition (twin_flaura.py's default too): the resistant-only growth factor, one per patient, with
    # the net-growth spread the fitted shared factor leaves, sigma_g sqrt(1 - k^2)
    rg = fc.cohort["resistant_growth"]
    assert rg["dist"] == "lognormal" and fc.cohort["resistant_growth_shared"] is True
    v = load_variation()
    assert rg["sigma"] == pytest.approx(v.net_growth_log_sd * (1 - fc.spread.factor ** 2) ** 0.5)
    assert "route correlation 1" in fc.source and fc.to_dict()["options"] == DEFAULT_COHORT_OPTIONS.to_dict()
    # on request, without it (the options are recorded)
    none = calibrate_with_spread(egfr, patients=60, seed=0, options=CohortOptions(resistant_growth="none"))
    assert "resistant_growth" not in none.cohort and "no resistant-only growth factor" in none.source
    assert none.to_dict()["options"]["resistant_growth"] == "none"


def test_routes_resisting_every_drug(egfr) -> None:  # type: ignore[no-untyped-def]
    """Bypass amplifications and small-cell transformation resist erlotinib and osimertinib alike (knowledge
    facts for both drugs); T790M is the erlotinib resistance osimertinib acts on, C797S resists osimertinib only."""
    from oncoresist.twin.compare import resisting_every_drug

    both = resisting_every_drug(egfr)
    assert {"MET_amplification", "ERBB2_amplification", "small_cell_transformation"} <= set(both)
    assert "EGFR_T790M" not in both and "EGFR_C797S" not in both and "sensitive" not in both
    assert "EGFR_T790M" in resisting_every_drug(egfr, ["erlotinib"])
    assert "EGFR_C797S" in resisting_every_drug(egfr, ["osimertinib"])
