"""The batch page (a file annotated in the web app) says what it was asked: drug(s), tumour, verdict counts.

Before polish10 the page of the TCGA AML MAF said only "193 sample(s) from 2207 row(s)": neither the drug nor
the tumour type it was annotated for, so a printed or shared page could not be read on its own; and the sample
ids broke at their hyphens (``TCGA-AB-`` / ``2988``) in a narrow first column.
"""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from server._helpers import maf_text


def test_the_batch_page_names_the_drug_the_tumour_and_the_counts(client: TestClient) -> None:
    maf = maf_text([("EGFR", "p.L858R", "Missense_Mutation", "TCGA-05-4244"),
                    ("EGFR", "p.T790M", "Missense_Mutation", "TCGA-05-4244"),
                    ("EGFR", "p.L858R", "Missense_Mutation", "TCGA-05-4249"),
                    ("TTN", "p.A100T", "Missense_Mutation", "TCGA-05-4250")])  # fmt: skip
    r = client.post("/annotate", data={"drug": "erlotinib", "tumor": "NSCLC"},
                    files={"file": ("cohort.maf", maf, "text/plain")})  # fmt: skip
    assert r.status_code == 200, r.text[:500]
    head = re.search(r'data-testid="batch-query">([^<]*)<', r.text)
    assert head is not None, r.text[:2000]
    assert head.group(1) == "Drug(s): erlotinib · tumour: NSCLC · resistant 1, sensitive 1, unknown 1"
    assert r.text.count('<td class="sample-id">') == 3


def test_the_head_for_results_without_a_tumour() -> None:
    from oncoresist.annotate import annotate
    from oncoresist.server.render import batch_query

    res = [annotate(["KRAS G12C"], drug="sotorasib"), annotate(["KRAS G12C"], drug="sotorasib", tumor="NSCLC")]
    assert batch_query(res).startswith("Drug(s): sotorasib · tumour: not given, NSCLC · ")
    assert batch_query([]) == "Drug(s):  · tumour:  · no samples"
