"""Tumour names of the set F miss classes (helper fixf): the number of an OncoTree name, organ sub-sites, and
clinical qualifiers that do not change the node.

The expected nodes are my reading of OncoTree 2025-10-03 and of ICD-O-3 topography (SEER training, colorectal site
codes: C18.0 cecum ... C18.7 sigmoid colon are colon; C19.9 rectosigmoid junction is its own site between colon
and rectum), written before the resolver was run.
"""

from __future__ import annotations

import pytest

from oncoresist.knowledge import load_knowledge
from oncoresist.knowledge.tumor_sites import number_forms, site_forms, tumor_sites

KB = load_knowledge()


@pytest.mark.parametrize(
    ("name", "code"),
    [
        # the number of a name OncoTree writes in the plural (or the singular)
        ("myelodysplastic syndrome", "MDS"),
        ("myelodysplastic syndrome, relapsed", "MDS"),
        ("myeloproliferative neoplasm", "MPN"),
        ("lower-risk myelodysplastic syndrome", "MDS"),
        # colon segments (ICD-O-3 C18.x) read as the colon; the rectosigmoid junction (C19.9) as colorectal
        ("sigmoid colon adenocarcinoma", "COAD"),
        ("adenocarcinoma of the sigmoid colon", "COAD"),
        ("caecal adenocarcinoma", "COAD"),
        ("cecal adenocarcinoma", "COAD"),
        ("ascending colon adenocarcinoma", "COAD"),
        ("transverse colon adenocarcinoma", "COAD"),
        ("metastatic descending colon adenocarcinoma", "COAD"),
        ("rectosigmoid adenocarcinoma", "COADREAD"),
        ("rectosigmoid junction cancer", "COADREAD"),
        ("appendiceal adenocarcinoma", "APAD"),  # the appendix is no colon segment in OncoTree
        # histology words of NSCLC
        ("nonsquamous NSCLC", "NSCLC"),
        ("non squamous NSCLC", "NSCLC"),
        ("nonsquamous non-small-cell lung cancer", "NSCLC"),
        # qualifiers after a comma or before, which do not change the node
        ("papillary thyroid carcinoma, radioiodine-refractory", "THPA"),
        ("radioiodine-refractory papillary thyroid cancer", "THPA"),
        ("differentiated thyroid cancer, RAI-refractory", "WDTC"),
        ("neuroblastoma, relapsed", "NBL"),
        ("acute myeloid leukaemia, relapsed/refractory", "AML"),
        ("prostate adenocarcinoma, castration-resistant", "PRAD"),
        ("melanoma, metastatic", "MEL"),
    ],
)
def test_name_resolves(name: str, code: str) -> None:
    assert KB.resolve_tumor(name) == code


@pytest.mark.parametrize(
    ("name", "qualifier"),
    [
        ("metastatic sigmoid colon adenocarcinoma", "metastatic"),
        ("myelodysplastic syndrome, relapsed", "relapsed"),
        ("papillary thyroid carcinoma, radioiodine-refractory", "radioiodine-refractory"),
        ("higher-risk myelodysplastic syndrome", "higher-risk"),
    ],
)
def test_qualifier_kept(name: str, qualifier: str) -> None:
    assert qualifier in KB.tumor_qualifiers(name)


def test_qualifiers_that_name_a_node_are_kept_in_the_node() -> None:
    # "therapy-related" and "with PML-RARA" name nodes of their own; the resolver must not strip them to AML
    assert KB.resolve_tumor("APL with PML-RARA") == "APLPMLRARA"
    assert KB.resolve_tumor("rectal adenocarcinoma") == "READ"  # the rectum is no colon segment


def test_forms() -> None:
    assert site_forms("sigmoid colon cancer") == ["colon cancer"]
    assert site_forms("rectosigmoid adenocarcinoma") == ["colorectal adenocarcinoma"]
    assert site_forms("lung adenocarcinoma") == []
    assert site_forms("sigmoidoscopy finding") == []  # a whole word only
    assert number_forms("myelodysplastic syndrome, relapsed") == ["myelodysplastic syndromes, relapsed"]
    assert number_forms("myeloproliferative neoplasms") == ["myeloproliferative neoplasm"]
    assert number_forms("glioblastoma") == []
    assert all(site for _, site in tumor_sites())
