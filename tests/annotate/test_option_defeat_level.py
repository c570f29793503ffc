"""A reduced-sensitivity association from patient series (level C) does not strike a standard next line off the
options; it still decides the verdict on the drug asked about (annotate.engine._defeating)."""

from __future__ import annotations

from oncoresist.annotate import annotate


def test_pten_loss_keeps_anti_pd1_as_the_next_line_after_braf_inhibition() -> None:
    res = annotate(["BRAF V600E", "PTEN loss"], drug="vemurafenib", tumor="melanoma")
    offered = {d for o in res.options for d in o.therapy}
    assert offered & {"nivolumab", "pembrolizumab"}, offered


def test_pten_loss_still_reads_as_reduced_sensitivity_for_anti_pd1_itself() -> None:
    res = annotate(["PTEN loss"], drug="pembrolizumab", tumor="melanoma")
    assert res.verdict in ("resistant", "reduced_sensitivity"), res.verdict
