"""Lineage routes without a sourced share or rate (squamous transformation, EMT) are named with the reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from oncoresist.errors import OncoresistError
from oncoresist.twin.lineage import load_gates, load_unsourced, unsourced_reason

LUNG = ["LUAD", "NSCLC", "LUNG"]


def test_squamous_and_emt_have_no_sourced_rate_small_cell_has() -> None:
    assert {u.alteration for u in load_unsourced()} == {"squamous transformation", "epithelial-mesenchymal transition"}
    sq = unsourced_reason(["squamous transformation"], LUNG)
    emt = unsourced_reason(["epithelial-mesenchymal transition"], LUNG)
    assert sq is not None and "PMID:31956415" in sq and "left out of the twin" in sq
    assert emt is not None and "PMID:21430269" in emt
    # small-cell transformation has its share (Yu et al. 2013) and is fitted: not listed
    assert unsourced_reason(["small cell transformation"], LUNG) is None
    # the gates are still read from the same file
    assert [g.alteration for g in load_gates()] == ["small cell transformation"]


def test_an_entry_applies_in_its_tumours_only() -> None:
    assert unsourced_reason(["squamous transformation"], ["BRCA", "BREAST"]) is None
    # no tumour given: the entry applies (as the gates do)
    assert unsourced_reason(["Squamous Transformation"], []) is not None


def test_a_malformed_file_names_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "g.yaml"
    bad.write_text('schema_version: "1"\ngates: []\nunsourced:\n  - alteration: squamous transformation\n'
                   '    reason: short\n    searched: pages corpus, 2026\n', encoding="utf-8")
    with pytest.raises(OncoresistError, match=r"unsourced\.0\.reason"):
        load_unsourced(str(bad))


def test_the_egfr_twin_leaves_the_unsourced_routes_out_and_keeps_small_cell(curated_kb) -> None:  # type: ignore[no-untyped-def]
    from oncoresist.twin import build_twin

    built = build_twin(["EGFR L858R"], drugs="erlotinib,osimertinib", tumor="NSCLC", knowledge=curated_kb)
    names = {c.name for c in built.scenario.cell_types}
    assert "small_cell_transformation" in names
    assert not names & {"squamous_transformation", "epithelial-mesenchymal_transition"}
    left = [s for s in built.skipped if "without a sourced share or rate" in s]
    assert {s.split(":")[0] for s in left} == {"fixe-squamous-transformation-erlotinib", "emt-egfr-tki-gen1"}
