"""``oncoresist twin`` and the strategy comparison through the trial layer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from oncoresist.cli import app
from oncoresist.errors import OncoresistError
from oncoresist.model import load_scenario
from oncoresist.twin import build_twin
from oncoresist.twin.compare import STRATEGIES, compare_strategies, strategy_specs

ARGS = ["twin", "--tumor", "NSCLC", "EGFR L858R", "--drugs", "erlotinib,osimertinib"]


@pytest.fixture(scope="module")
def egfr(curated_kb):  # type: ignore[no-untyped-def]
    return build_twin(["EGFR L858R"], drugs="erlotinib,osimertinib", tumor="NSCLC", knowledge=curated_kb)


def test_cli_writes_yaml_and_prints_origins(tmp_path: Path) -> None:
    out = tmp_path / "twin.yaml"
    res = CliRunner().invoke(app, [*ARGS, "--out-scenario", str(out)], terminal_width=200)
    assert res.exit_code == 0, res.output
    assert "Origin of every number" in res.output and "published table" in res.output
    text = out.read_text()
    assert text.startswith("# Scenario built by `oncoresist twin` from: EGFR L858R")
    assert "DEFAULT ASSUMPTIONS" in text
    names = [c.name for c in load_scenario(out).cell_types]
    assert names[0] == "sensitive" and "EGFR_T790M" in names


def test_cli_json() -> None:
    res = CliRunner().invoke(app, [*ARGS, "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["annotation"]["verdict"] == "sensitive"
    fold = next(o for o in data["origins"] if o["path"] == "cell_types.EGFR_T790M.modifiers.ec50_fold.erlotinib")
    assert fold["kind"] == "published table" and fold["value"] == pytest.approx(692.5)
    assert {r["cell_type"] for r in data["routes"]} >= {"EGFR_T790M", "EGFR_C797S", "MET_amplification"}
    # final10: T790M's pre-treatment count is the measured prevalence by default; 'off': the codon's
    t790m = next(o for o in data["origins"] if o["path"] == "cell_types.EGFR_T790M.initial")
    assert t790m["kind"] == "published table" and "PMID:22899358" in t790m["source"]
    off = CliRunner().invoke(app, [*ARGS, "--json", "--measured-preexisting", "off"])
    assert off.exit_code == 0, off.output
    t790m_off = next(o for o in json.loads(off.output)["origins"] if o["path"] == "cell_types.EGFR_T790M.initial")
    assert t790m_off["kind"] != "published table" and t790m_off["value"] < t790m["value"] / 100


@pytest.mark.parametrize(
    ("args", "word"),
    [
        (["twin", "--tumor", "NSCLC", "EGFR L858R", "--drugs", "erlotinibb"], "unknown drug or regimen 'erlotinibb'"),
        (["twin", "--tumor", "NSCLCX", "EGFR L858R", "--drugs", "erlotinib"], "unknown tumor type"),
        (["twin", "--tumor", "NSCLC", "EGFRX L858R", "--drugs", "erlotinib"], "unknown gene 'EGFRX'"),
        ([*ARGS, "--min-evidence", "Z"], "--min-evidence"),
        ([*ARGS, "--share-fit", "joint"], "--share-fit"),
        ([*ARGS, "--measured-preexisting", "maybe"], "--measured-preexisting"),
        ([*ARGS, "--strategies", "magic"], "unknown strategy 'magic'"),
        (
            ["twin", "--tumor", "NSCLC", "EGFR L858R", "--drugs", "erlotinib", "--strategies", "combination"],
            "combination needs at least two",
        ),
    ],
)
def test_cli_bad_input_one_line_exit_2(tmp_path: Path, args: list[str], word: str) -> None:
    out = tmp_path / "x.yaml"
    res = CliRunner().invoke(app, [*args, "--out-scenario", str(out)])
    assert res.exit_code == 2
    assert word in res.output and "Traceback" not in res.output
    assert len(res.output.strip().splitlines()) == 1
    assert not out.exists()  # nothing half-written


def test_strategy_specs(egfr) -> None:  # type: ignore[no-untyped-def]
    specs = strategy_specs(egfr, STRATEGIES)
    assert specs["sequential"]["lines"] == [["erlotinib"], ["osimertinib"]]
    assert specs["combination"]["drugs"] == ["erlotinib", "osimertinib"]
    # switch off erlotinib when plasma shows a point mutation of a type that resists it (T790M, D761Y)
    assert "EGFR T790M" in specs["ctdna_guided"]["switch_on"][0]
    assert "EGFR C797S" not in specs["ctdna_guided"]["switch_on"][0]  # resists osimertinib, not erlotinib
    with pytest.raises(OncoresistError, match="unknown strategy"):
        strategy_specs(egfr, ["magic"])


def test_compare_strategies_small_cohort(egfr, curated_kb, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from oncoresist.knowledge.quant import load_quant
    from oncoresist.twin.report import to_html

    q = load_quant(kb=curated_kb)
    cmp = compare_strategies(egfr, ["continuous", "combination"], patients=24, seed=5, out_dir=tmp_path / "c", quant=q)
    assert list(cmp.summary.index) == ["continuous", "combination"]
    assert (cmp.summary["n"] == 24).all()
    assert load_scenario(tmp_path / "c" / "scenario.yaml").treatment == []  # the strategy is the schedule
    m = cmp.mechanisms
    for _, grp in m.groupby("strategy"):
        assert grp["share"].sum() == pytest.approx(1.0)
    t790m = m[m["cell_type"] == "EGFR_T790M"]
    if len(t790m):
        assert t790m["published"].iloc[0] == pytest.approx(0.63)  # Yu et al. 2013, PMID:23470965
    # the same seed gives the same cohort
    again = compare_strategies(
        egfr, ["continuous", "combination"], patients=24, seed=5, out_dir=tmp_path / "d", quant=q
    )
    assert cmp.summary["median"].equals(again.summary["median"])
    page = to_html(egfr, cmp)
    assert "Research software, not a medical device" in page and "EGFR_T790M" in page
    assert "data:image/png;base64," in page and "published table" in page and "<script" not in page


@pytest.mark.xfail(
    strict=True,
    reason=(
        "known discrepancy (docs/twin.md, 'Sourced exposure'): with imatinib's exposure now sourced (Peng et al. "
        "2005 trough 1.2 ug/mL = 12.2x Hauser 2018's IC50 on BCR::ABL1, was an assumed 10x) and Hauser's fold on "
        "T315I (49x), imatinib still controls T315I (net -0.002/day at Emax 0.06, b-d 0.01) and the routes at the "
        "default 1000x fold (Q252H, E355G, Y253H) take the resistant progressions: T315I 0.0/0.0/0.7% of "
        "121/126/136 progressions (300 patients, seeds 3/4/5) against the published 2-20%; also fewer than the "
        "200 progressions asserted"
    ),
)
def test_cml_twin_with_many_routes_runs_and_t315i_share_is_in_the_published_range(tmp_path: Path) -> None:
    """CML on imatinib: T315I's emergence follows from its codon (not fitted); its share of the
    simulated progressions lies within 2-20% of imatinib-resistant patients (Nicolini et al. 2009,
    PMID:19843886, range of the series they cite)."""
    built = build_twin(["BCR::ABL1"], drugs="imatinib,nilotinib", tumor="CML")
    assert len(built.routes) > 8  # more resistant types than the cohort's first block of factors
    cmp = compare_strategies(built, ["continuous"], patients=300, seed=3, out_dir=tmp_path / "cml")
    m = cmp.mechanisms.set_index("cell_type")
    assert m["progressions"].sum() > 200
    t315i = m.loc["ABL1_T315I"]
    assert t315i["published_ci"] == (0.02, 0.20)
    assert 0.02 <= t315i["share"] <= 0.20
    assert len(m) >= 10  # many kinase-domain mutations share the progressions


def test_single_drug_strategies(egfr) -> None:  # type: ignore[no-untyped-def]
    specs = strategy_specs(egfr, ["continuous:osimertinib", "adaptive:erlotinib"])
    assert specs["continuous:osimertinib"] == {"kind": "continuous", "drugs": ["osimertinib"]}
    assert specs["adaptive:erlotinib"] == {"kind": "adaptive", "drugs": ["erlotinib"]}
    with pytest.raises(OncoresistError, match="not one of the twin's drugs"):
        strategy_specs(egfr, ["continuous:imatinib"])


def test_cli_calibrate_json(tmp_path: Path) -> None:
    res = CliRunner().invoke(app, [*ARGS, "--calibrate", "--calibrate-patients", "60", "--strategies",
                                   "continuous", "--patients", "20", "--seed", "2", "--json",
                                   "--out-dir", str(tmp_path / "runs")])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    cal = data["calibration"]
    assert cal["patients"] == 60 and cal["drug"] == "erlotinib"
    assert cal["share_fit"] == "likelihood"  # the default since the final10 pass
    assert {r["cell_type"] for r in cal["fitted_shares"]} >= {"MET_amplification", "ERBB2_amplification"}
    assert cal["seed"] == {"entropy": "2", "spawn_key": [], "pool_size": 4}
    roles = {t["cell_type"]: t["role"] for t in cal["targets"]}
    assert roles["EGFR_T790M"].startswith("held out") and roles["MET_amplification"] == "fitted"
    assert cal["time_scale"]["target"] == "flaura-standard-egfr-tki"
    kinds = {o["kind"] for o in data["origins"]}
    assert "calibrated" in kinds
    assert (tmp_path / "runs" / "calibration" / "iteration-0" / "results").is_dir()
    # every convergence flag is reported, not only the time-scale calibration's (twinspeed brief item 3)
    flags = cal["convergence"]
    assert set(flags) == {"initial_calibration", "spread", "calibration", "joint_fit", "all"}
    assert all(isinstance(v, bool) for v in flags.values())
    assert flags["spread"] == cal["spread"]["converged"] and flags["calibration"] == cal["converged"]
    assert flags["joint_fit"] == cal["joint_fit"]["converged"]
    assert flags["all"] == (flags["joint_fit"] and flags["calibration"])
    assert cal["joint_fit"]["rounds"] and cal["joint_fit"]["runs"] >= len(cal["joint_fit"]["rounds"]) * 2
    bad = CliRunner().invoke(app, [*ARGS, "--calibrate", "--calibrate-patients", "0"])
    assert bad.exit_code == 2 and "--calibrate-patients" in bad.output and "Traceback" not in bad.output
