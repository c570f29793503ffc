"""A reversion in the profile defeats the sensitivity the loss of function gave (issue 10, class 3).

Biology: a secondary change that restores the reading frame of a BRCA1/2 (or PALB2, RAD51C/D) loss-of-function
allele restores homologous recombination and with it resistance to platinum and PARP inhibitors
(Sakai et al., Nature 2008; Edwards et al., Nature 2008; Kondrashova et al., Cancer Discov 2017 for RAD51C/D).
"""

from __future__ import annotations

import pytest

from oncoresist.annotate import annotate
from oncoresist.annotate.result import AnnotationResult, Finding


def _top_resistance(res: AnnotationResult) -> Finding:
    return next(f for f in res.findings if f.effect == "resistance" and f.status == "decisive")


@pytest.mark.parametrize(
    ("alts", "drug", "tumor"),
    [
        (["BRCA1 Q1756fs", "BRCA1 reversion mutation"], "talazoparib", "breast cancer"),
        (["BRCA2 loss", "BRCA2 reversion mutation"], "niraparib", "high-grade serous ovarian cancer"),
        (["BRCA2 K3326*", "BRCA2 reversion mutation"], "cisplatin", None),
    ],
)
def test_brca_reversion_defeats_loss_sensitivity(alts: list[str], drug: str, tumor: str | None) -> None:
    res = annotate(alts, drug=drug, tumor=tumor)
    assert res.verdict == "resistant"
    top = _top_resistance(res)
    assert top.mechanism == "dna_repair" and "reversion" in top.alteration
    assert top.sources  # the reversion facts' sources
    assert all(f.status != "decisive" for f in res.findings if f.effect == "sensitivity")


def test_reversion_of_another_hr_gene_is_inferred_from_the_class_evidence() -> None:
    res = annotate(["PALB2 loss", "PALB2 reversion mutation"], drug="olaparib", tumor="prostate cancer")
    assert res.verdict == "resistant"
    top = _top_resistance(res)
    assert (top.alteration, top.mechanism, top.evidence_level) == ("PALB2 reversion mutation", "dna_repair", "E")
    assert "inferred" in top.summary and top.sources
    assert "PALB2 reversion mutation" not in res.unrecognised


def test_without_the_reversion_the_loss_stays_sensitive() -> None:
    assert annotate(["BRCA2 loss"], drug="olaparib", tumor="ovarian cancer").verdict == "sensitive"
    assert annotate(["PALB2 loss"], drug="olaparib", tumor="prostate cancer").verdict == "sensitive"
