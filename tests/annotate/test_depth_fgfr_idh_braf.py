"""Depth table, class 4: FGFR2 fusions (pemigatinib, futibatinib), FGFR3 alterations (erdafitinib), IDH1 R132
(ivosidenib, cholangiocarcinoma), BRAF V600E (dabrafenib + trametinib in NSCLC, anaplastic thyroid cancer and
tissue-agnostic; encorafenib + cetuximab in colorectal cancer; BRAF inhibition without EGFR blockade insufficient
there).

Sources (expected verdicts and next lines; none read from the annotator):
- Pemazyre (pemigatinib) and Lytgobi (futibatinib) US labels, 1 Indications (previously treated cholangiocarcinoma
  with an FGFR2 fusion or other rearrangement);
- Balversa (erdafitinib) US label, 1 Indications (urothelial carcinoma with susceptible FGFR3 genetic alterations;
  the label's list includes S249C and FGFR3-TACC3 fusions);
- Tibsovo (ivosidenib) US label, 1 Indications (previously treated IDH1-mutated cholangiocarcinoma);
- Tafinlar (dabrafenib) + Mekinist (trametinib) US labels, 1 Indications (BRAF V600E NSCLC, anaplastic thyroid
  cancer, unresectable or metastatic solid tumours with BRAF V600E) and Limitations of Use (not indicated for
  colorectal cancer: known intrinsic resistance to BRAF inhibition);
- Braftovi (encorafenib) US label, 1 Indications (with cetuximab, BRAF V600E metastatic colorectal cancer after
  prior therapy; BEACON CRC);
- Goyal et al., Cancer Discov 2017 (FGFR2 V565F gatekeeper after an ATP-competitive FGFR inhibitor).
"""

from __future__ import annotations

import pytest
from tests.annotate._depth import Row, check

ROWS = [
    Row(("FGFR2-BICC1 fusion",), "cholangiocarcinoma", "pemigatinib", "sensitive", "Pemazyre label 1"),
    Row(("FGFR2 rearranged",), "iCCA", "futibatinib", "sensitive", "Lytgobi label 1"),
    Row(("FGFR2::BICC1", "FGFR2 V565F"), "intrahepatic cholangiocarcinoma", "pemigatinib", "resistant", "Goyal 2017"),
    Row(("FGFR3 p.S249C",), "urothelial carcinoma", "erdafitinib", "sensitive", "Balversa label 1"),
    Row(("FGFR3-TACC3 fusion",), "bladder cancer", "Balversa", "sensitive", "Balversa label 1"),
    Row(("IDH1 p.R132C",), "cholangiocarcinoma", "ivosidenib", "sensitive", "Tibsovo label 1"),
    Row(("BRAF p.V600E",), "NSCLC", ("dabrafenib", "trametinib"), "sensitive", "Tafinlar/Mekinist labels 1"),
    Row(("BRAF V600E mutation",), "anaplastic thyroid cancer", ("dabrafenib", "trametinib"), "sensitive",
        "Tafinlar/Mekinist labels 1"),
    Row(("BRAF V600E",), None, ("dabrafenib", "trametinib"), "sensitive",
        "Tafinlar/Mekinist labels 1 (tumour-agnostic)"),
    Row(("BRAF V600E",), "colorectal", ("dabrafenib", "trametinib"), "resistant", "Tafinlar Limitations of Use",
        next=("encorafenib", "cetuximab")),
    Row(("BRAF V600E",), "mCRC", "vemurafenib", "resistant", "Tafinlar Limitations of Use; Braftovi label",
        next=("encorafenib", "cetuximab")),
    Row(("BRAF V600E",), "metastatic colorectal cancer", ("encorafenib", "cetuximab"), "sensitive", "Braftovi label 1"),
]  # fmt: skip


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_fgfr_idh_braf_depth_row(row: Row) -> None:
    check(row)
