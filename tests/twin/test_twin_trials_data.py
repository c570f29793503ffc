"""The held-out trials file (benchmarks/twin_trials/trials.yaml) is well-formed and every figure is sourced.

Schema only: the twin is not run here (benchmarks/twin_trials.py does that). The checks that could fail are
that each figure cites a citation of its trial and that its number, and each CI bound, appears in that
citation's verbatim quote; edited copies of the real file show that the check catches a changed number, a
missing or unknown citation, a CI that does not contain its value and a recalled figure without a quote.
"""

from __future__ import annotations

import copy
import importlib.util
import re
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
