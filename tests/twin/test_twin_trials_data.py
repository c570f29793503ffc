"""The held-out trials file (benchmarks/twin_trials/trials.yaml) is well-formed and every figure is sourced.

Schema only: the twin is not run here (benchmarks/twin_trials.py does that). The checks that could fail are
that each figure cites a citation of its trial and that its number, and each CI bound, appears in that
citation's verbatim quote; edited copies of the real file show that the check catches a changed number, a
missing or unknown citation, a CI that does not contain its value and a recalled figure without a quote.
"""

from __future__ import annotations

import copy
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from oncoresist.errors import InputFileError

ROOT = Path(__file__).resolve().parents[2]
TRIALS = ROOT / "benchmarks" / "twin_trials" / "trials.yaml"
_spec = importlib.util.spec_from_file_location("twin_trials_schema", ROOT / "benchmarks" / "twin_trials" / "schema.py")
assert _spec is not None and _spec.loader is not None
schema = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = schema
_spec.loader.exec_module(schema)


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    data = yaml.safe_load(TRIALS.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _edited(raw: dict[str, Any], edit: Any) -> dict[str, Any]:
    data = copy.deepcopy(raw)
    edit(data)
    return data


def test_the_file_validates_and_has_the_three_trials() -> None:
    trials = schema.load_trials(TRIALS).trials
    assert [t.id for t in trials] == ["archer1050", "lux-lung-7", "laser301"]
    for t in trials:
        assert t.arm("comparator").drug == "gefitinib"  # all three compare against gefitinib
        assert t.arm("experimental").drug in {"dacomitinib", "afatinib", "lazertinib"}


def test_every_figure_cites_a_citation_whose_quote_holds_the_number() -> None:
    for t in schema.load_trials(TRIALS).trials:
        figures = t.figures()
        assert len(figures) >= 10, t.id  # dose, n, median per arm, ORR per arm, HR, assessment
        for path, fig in figures:
            quote = t.citations[fig.cite].quote
            assert schema.missing_from_quote(fig, quote, share=path.endswith("objective_response")) is None, path
        for c in t.citations.values():  # a PMID/DOI where one was confirmed, else the paper named in full
            assert c.identified or re.search(r"\b(19|20)\d\d\b", c.source), c.source
            assert c.where.startswith("http") or "http" in c.where, c.where


def test_a_changed_number_is_caught(raw: dict[str, Any]) -> None:
    def edit(d: dict[str, Any]) -> None:
        d["trials"][0]["arms"][0]["median_pfs_months"]["value"] = 9.3  # the quote says 9.2

    with pytest.raises(InputFileError, match=r"trials\.0.*9\.3 does not appear in the quote"):
        schema.parse_trials(_edited(raw, edit))


def test_a_number_inside_a_longer_one_does_not_count(raw: dict[str, Any]) -> None:
    def edit(d: dict[str, Any]) -> None:  # "0.6" occurs only as part of "20.6" and "0.62" in the quotes
        d["trials"][2]["hazard_ratio"]["value"] = 0.6
        d["trials"][2]["hazard_ratio"]["ci95"] = None
        d["trials"][2]["hazard_ratio"]["note"] = "a CI left out for this test"

    with pytest.raises(InputFileError, match=r"value 0\.6 does not appear"):
        schema.parse_trials(_edited(raw, edit))


def test_a_wrong_ci_bound_is_caught(raw: dict[str, Any]) -> None:
    def edit(d: dict[str, Any]) -> None:
        d["trials"][2]["arms"][1]["median_pfs_months"]["ci95"] = [17.8, 26.5]

    with pytest.raises(InputFileError, match=r"ci95 bound 26\.5"):
        schema.parse_trials(_edited(raw, edit))


def test_a_ci_that_misses_its_value_is_caught(raw: dict[str, Any]) -> None:
    def edit(d: dict[str, Any]) -> None:
        d["trials"][1]["hazard_ratio"]["ci95"] = [0.95, 0.57]

    with pytest.raises(InputFileError, match="outside its ci95"):
        schema.parse_trials(_edited(raw, edit))


def test_an_unknown_or_missing_citation_is_caught(raw: dict[str, Any]) -> None:
    def unknown(d: dict[str, Any]) -> None:
        d["trials"][1]["arms"][1]["n"]["cite"] = "recalled"

    def missing(d: dict[str, Any]) -> None:
        del d["trials"][1]["arms"][1]["n"]["cite"]

    with pytest.raises(InputFileError, match="'recalled' is not one of citations"):
        schema.parse_trials(_edited(raw, unknown))
    with pytest.raises(InputFileError, match=r"trials\.1\.arms\.1\.n\.cite"):
        schema.parse_trials(_edited(raw, missing))


def test_a_figure_without_a_quote_or_a_gap_without_a_reason_is_caught(raw: dict[str, Any]) -> None:
    def no_quote(d: dict[str, Any]) -> None:
        d["trials"][0]["citations"]["mims"]["quote"] = ""

    def silent_gap(d: dict[str, Any]) -> None:
        d["trials"][0]["hazard_ratio"]["note"] = ""  # ARCHER's HR CI is null: the note must say why

    with pytest.raises(InputFileError, match="quote"):
        schema.parse_trials(_edited(raw, no_quote))
    with pytest.raises(InputFileError, match=r"hazard_ratio\.note"):
        schema.parse_trials(_edited(raw, silent_gap))


def test_objective_response_is_a_share_and_checked_as_a_percentage(raw: dict[str, Any]) -> None:
    def percent(d: dict[str, Any]) -> None:
        d["trials"][1]["arms"][0]["objective_response"]["value"] = 56

    def other(d: dict[str, Any]) -> None:
        d["trials"][1]["arms"][0]["objective_response"]["value"] = 0.57  # quote: 56%

    with pytest.raises(InputFileError, match=r"objective_response\.value"):
        schema.parse_trials(_edited(raw, percent))
    with pytest.raises(InputFileError, match=r"value 0\.57 does not appear"):
        schema.parse_trials(_edited(raw, other))


def test_one_comparator_and_one_experimental_arm(raw: dict[str, Any]) -> None:
    def two_comparators(d: dict[str, Any]) -> None:
        d["trials"][0]["arms"][1]["role"] = "comparator"

    with pytest.raises(InputFileError, match="one comparator and one experimental arm"):
        schema.parse_trials(_edited(raw, two_comparators))


def test_an_unreadable_file_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "trials.yaml"
    bad.write_text("trials: [\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="cannot read the trials file"):
        schema.load_trials(bad)


# --- the second, blind set (benchmarks/twin_trials/trials_b.yaml) ------------------------------------------------

TRIALS_B = ROOT / "benchmarks" / "twin_trials" / "trials_b.yaml"


@pytest.fixture(scope="module")
def raw_b() -> dict[str, Any]:
    data = yaml.safe_load(TRIALS_B.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _trial(data: dict[str, Any], tid: str) -> dict[str, Any]:
    return next(t for t in data["trials"] if t["id"] == tid)


def test_the_second_set_validates_and_is_disjoint_from_the_first() -> None:
    first = schema.load_trials(TRIALS).trials
    second = schema.load_trials(TRIALS_B).trials
    assert schema.TRIALS_B_FILE == TRIALS_B
    assert [t.id for t in second] == ["ctong0901", "wjog5108l-egfr", "mariposa-monotherapy"]
    assert not {t.id for t in first} & {t.id for t in second}
    # not one of the first set's drug pairs again: the second set asks questions the first did not
    pairs = {(t.arm("comparator").drug, t.arm("experimental").drug) for t in first}
    assert not pairs & {(t.arm("comparator").drug, t.arm("experimental").drug) for t in second}


def test_every_figure_of_the_second_set_is_in_its_quote_and_every_gap_is_explained() -> None:
    for t in schema.load_trials(TRIALS_B).trials:
        figures = t.figures()
        assert figures, t.id
        for path, fig in figures:
            quote = t.citations[fig.cite].quote
            assert schema.missing_from_quote(fig, quote, share=path.endswith("objective_response")) is None, path
        for c in t.citations.values():
            assert c.identified or re.search(r"\b(19|20)\d\d\b", c.source), c.source
            assert "http" in c.where, c.where
        for a in t.arms:  # a figure left out carries a note saying why (the schema refuses a silent gap)
            assert a.dose is not None or len(a.dose_note) >= 10
            assert a.n is not None or len(a.n_note) >= 10
        assert t.hazard_ratio is not None or len(t.hazard_ratio_note) >= 10
        # every experimental drug has a column in the potency table the twin predicts from
        assert t.arm("experimental").drug in {"erlotinib", "gefitinib", "afatinib", "dacomitinib", "osimertinib",
                                              "lazertinib"}


def test_a_hazard_ratio_ci_without_its_point_estimate_is_checked_bound_by_bound(raw_b: dict[str, Any]) -> None:
    t = schema.load_trials(TRIALS_B).trials[0]
    assert t.hazard_ratio is not None and t.hazard_ratio.value is None and t.hazard_ratio.ci95 == (0.62, 1.05)

    def wrong_bound(d: dict[str, Any]) -> None:
        _trial(d, "ctong0901")["hazard_ratio"]["ci95"] = [0.62, 1.06]

    def no_ci(d: dict[str, Any]) -> None:  # a null value is only allowed when the CI is quoted
        _trial(d, "ctong0901")["hazard_ratio"]["ci95"] = None

    def reversed_ci(d: dict[str, Any]) -> None:
        _trial(d, "ctong0901")["hazard_ratio"]["ci95"] = [1.05, 0.62]

    with pytest.raises(InputFileError, match=r"ci95 bound 1\.06 does not appear"):
        schema.parse_trials(_edited(raw_b, wrong_bound))
    with pytest.raises(InputFileError, match="value: null is allowed only with a quoted ci95"):
        schema.parse_trials(_edited(raw_b, no_ci))
    with pytest.raises(InputFileError, match="lower bound first"):
        schema.parse_trials(_edited(raw_b, reversed_ci))


def test_a_gap_in_the_second_set_needs_its_note(raw_b: dict[str, Any]) -> None:
    def silent_n(d: dict[str, Any]) -> None:
        _trial(d, "wjog5108l-egfr")["arms"][0]["n_note"] = ""

    def silent_hr(d: dict[str, Any]) -> None:
        _trial(d, "mariposa-monotherapy")["hazard_ratio_note"] = ""

    def silent_dose(d: dict[str, Any]) -> None:
        _trial(d, "mariposa-monotherapy")["arms"][1]["dose_note"] = ""

    def silent_assessment(d: dict[str, Any]) -> None:
        _trial(d, "ctong0901")["endpoint_assessment_note"] = ""

    for edit, field in ((silent_n, "n_note"), (silent_hr, "hazard_ratio_note"), (silent_dose, "dose_note"),
                        (silent_assessment, "endpoint_assessment_note")):
        with pytest.raises(InputFileError, match=field):
            schema.parse_trials(_edited(raw_b, edit))


def test_a_changed_number_in_the_second_set_is_caught(raw_b: dict[str, Any]) -> None:
    def wjog_hr(d: dict[str, Any]) -> None:  # the report says 1.093 (0.879-1.358)
        _trial(d, "wjog5108l-egfr")["hazard_ratio"]["value"] = 1.09

    def mariposa_median(d: dict[str, Any]) -> None:  # the report says 18.5
        _trial(d, "mariposa-monotherapy")["arms"][1]["median_pfs_months"]["value"] = 18.6

    def ctong_orr(d: dict[str, Any]) -> None:  # the abstract says 52.3%
        _trial(d, "ctong0901")["arms"][0]["objective_response"]["value"] = 0.532

    for edit, msg in ((wjog_hr, r"value 1\.09 does not appear"), (mariposa_median, r"value 18\.6 does not appear"),
                      (ctong_orr, r"value 0\.532 does not appear")):
        with pytest.raises(InputFileError, match=msg):
            schema.parse_trials(_edited(raw_b, edit))


def _bench(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run([sys.executable, str(ROOT / "benchmarks" / "twin_trials.py"), *args], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=300, check=False)


def test_the_benchmark_reads_the_second_set_and_refuses_a_bad_trials_file(tmp_path: Path) -> None:
    bad = tmp_path / "trials.yaml"
    bad.write_text("schema_version: '1'\ntrials: []\n", encoding="utf-8")
    got = _bench("--trials-file", str(bad))
    assert got.returncode == 2 and "Traceback" not in got.stderr
    assert got.stderr.strip().count("\n") == 0 and "trials" in got.stderr, got.stderr
    # an id of the first set is not in the second: the error lists the second set's ids (the file was read)
    got = _bench("--trials-file", str(TRIALS_B), "--trials", "laser301")
    assert got.returncode == 2 and "Traceback" not in got.stderr
    assert "unknown trial laser301" in got.stderr and "ctong0901, wjog5108l-egfr, mariposa-monotherapy" in got.stderr
