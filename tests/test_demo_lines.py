"""The demo's finding lines: no 'None' where a finding has no mechanism."""

from __future__ import annotations

from oncoresist.demo import finding_line


def test_finding_without_mechanism_leaves_the_bracket_part_out() -> None:
    line = finding_line(
        {"alteration": "EGFR L858R", "effect": "sensitivity", "mechanism": None, "evidence_level": "A"}
    )
    assert line == "  - EGFR L858R: sensitivity (level A)"
    assert "None" not in line


def test_finding_with_mechanism_names_it() -> None:
    line = finding_line(
        {"alteration": "EGFR T790M", "effect": "resistance", "mechanism": "on_target_mutation",
         "evidence_level": "A"}
    )
    assert line == "  - EGFR T790M: resistance (on_target_mutation, level A)"
