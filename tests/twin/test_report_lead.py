"""The twin report: strategies ranked on time to strategy failure, the cohort named, ctDNA lead times beside
the published figure with both denominators, and why ctDNA-guided switching may not beat sequential."""

from __future__ import annotations

import pytest

from oncoresist.monitor.literature import published_lead_times
from oncoresist.twin import build_twin
from oncoresist.twin.compare import compare_strategies
from oncoresist.twin.report import DISCLAIMER, to_html


@pytest.fixture(scope="module")
def report(curated_kb):  # type: ignore[no-untyped-def]
    egfr = build_twin(["EGFR L858R"], drugs="erlotinib,osimertinib", tumor="NSCLC", knowledge=curated_kb)
    cmp = compare_strategies(egfr, ["continuous", "sequential", "ctdna_guided"], patients=12, seed=5,
                             follow_up_days=900)
    return cmp, to_html(egfr, cmp)


def test_report_names_the_cohort_and_ranks_on_strategy_failure(report) -> None:  # type: ignore[no-untyped-def]
    _, html = report
    assert "Ranked by median time to strategy failure" in html
    assert "Cohort (between-patient variation): derived:" in html
    assert html.index("Ranked by median time to strategy failure") < html.index("ctDNA lead time against published")
    assert DISCLAIMER.split(".")[0] in html


def test_report_sets_the_lead_beside_the_published_figure_with_denominators(report) -> None:  # type: ignore[no-untyped-def]
    cmp, html = report
    pub = published_lead_times()[0]
    assert pub.source in html and f"n = {pub.n}" in html
    ends = cmp.endpoints
    for arm, r in ends.iterrows():  # the model's denominator: detected first / RECIST progressions, per strategy
        assert f"{int(r['ctdna_onset_lead_n'] or 0)} / {int(r['ctdna_progressed_n'])}" in html, arm


def test_report_says_which_routes_resist_every_line(report) -> None:  # type: ignore[no-untyped-def]
    _, html = report
    assert "ctDNA-guided switching: median time to strategy failure" in html
    start = html.index("ctDNA-guided switching")
    sentence = html[start:html.index("</p>", start)]
    assert "MET_amplification" in sentence and "EGFR_T790M" not in sentence


def test_report_shows_the_seed_as_seed_takes_it_and_no_none_mechanism(report) -> None:  # type: ignore[no-untyped-def]
    """Before: 'strategy cohort seed {'entropy': '5', 'spawn_key': [], 'pool_size': 4}' and 'None' in the
    mechanism column of the annotation's sensitivity findings."""
    _, html = report
    assert "strategy cohort seed 5," in html
    assert "entropy" not in html.split("<h2>")[0]
    assert "<td>None</td>" not in html
    assert "<td>sensitivity</td><td>erlotinib</td><td>—</td>" in html


def test_sensitive_dominated_progression_reads_no_identified_mechanism() -> None:
    from oncoresist.twin.rebiopsy import NO_IDENTIFIED_MECHANISM
    from oncoresist.twin.report import _cell_type_label

    assert _cell_type_label(NO_IDENTIFIED_MECHANISM) == f"{NO_IDENTIFIED_MECHANISM} (no identified mechanism)"
    assert _cell_type_label("EGFR_T790M") == "EGFR_T790M"
