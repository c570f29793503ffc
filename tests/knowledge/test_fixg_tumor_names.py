"""Set G tumour-name classes (helper fixg): site-qualified GIST, molecular-qualified GIST, lay names of
cholangiocarcinoma (NCI PDQ "Bile Duct Cancer (Cholangiocarcinoma)": intrahepatic, perihilar or distal)."""

from __future__ import annotations

import pytest

from oncoresist.annotate.api import _knowledge
from oncoresist.knowledge.tumor_names import split_tumor_name

KB = _knowledge(None)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("stomach GIST", "GIST"),
        ("gastric GIST", "GIST"),
        ("small-bowel GIST", "GIST"),
        ("metastatic small bowel GIST", "GIST"),
        ("duodenal gastrointestinal stromal tumour", "GIST"),
        ("rectal GIST", "GIST"),
        ("KIT/PDGFRA wild-type GIST", "GIST"),
        ("KIT/PDGFRA wild-type gastric GIST", "GIST"),
        ("bile duct cancer", "CHOL"),
        ("advanced bile duct cancer", "CHOL"),
        ("FGFR2 fusion-positive bile duct cancer", "CHOL"),
        ("intrahepatic bile duct cancer", "IHCH"),
        ("perihilar bile duct cancer", "PHCH"),
        ("distal bile duct cancer", "EHCH"),
    ],
)
def test_fixg_tumour_names_resolve(name: str, code: str) -> None:
    assert KB.tumor(name) == code


def test_bile_duct_cancer_covers_the_three_cholangiocarcinomas() -> None:
    # the lay name is the common node of intrahepatic, perihilar and extrahepatic cholangiocarcinoma
    for child in ("IHCH", "PHCH", "EHCH"):
        assert KB.tumors[child].parent == "CHOL"


def test_molecular_qualifier_is_kept_as_a_profile_statement_not_a_tumour() -> None:
    got = split_tumor_name("KIT/PDGFRA wild-type GIST")
    assert got.core == "GIST"
    assert got.qualifiers == ("KIT/PDGFRA-wild-type",)
    assert split_tumor_name("EGFR/ALK wild-type NSCLC").qualifiers == ("EGFR/ALK-wild-type",)


def test_a_site_is_no_tumour_of_its_own() -> None:
    assert KB.tumor("gastric GIST") != KB.tumor("gastric cancer")
