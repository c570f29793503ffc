"""An unknown name or an unreadable alteration is answered with the request field the client sent.

Before: 'field' was the library's kind of name ("drug or regimen", "tumor type", "gene, drug, mechanism class or
alteration"), never a field of the request; an unreadable alteration had 'field': null; an unknown tumour type
said nothing about what to give instead; an unknown 'format' was answered "cannot tell the format of 'x.maf'".
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

MAF = (Path(__file__).parents[2] / "examples" / "profiles" / "cohort.maf").read_bytes()
TWIN = {"alterations": ["EGFR L858R"], "drugs": ["osimertinib"], "tumor": "NSCLC", "patients": 5}


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"drugs": ["erlotinibb"]}, "drugs", "did you mean erlotinib"),
    ({"tumor": "NOTATUMOR"}, "tumor", "give an OncoTree code or name"),
    ({"alterations": ["EGFR T790M", "EGFR_L858R"]}, "alterations[1]", "EGFR_L858R"),
])
def test_annotate_json_names_the_profile_field(client: TestClient, change: dict, field: str, words: str) -> None:  # type: ignore[type-arg]
    r = client.post("/api/v1/annotate", json={"alterations": ["EGFR T790M"], "drugs": ["erlotinib"]} | change)
    assert r.status_code == 422
    assert r.json()["field"] == field and words in r.json()["error"], r.json()


@pytest.mark.parametrize(("data", "field", "words"), [
    ({"drug": "nosuchdrug"}, "drug", "give a generic or brand name"),
    ({"drug": "erlotinib", "tumor": "NOTATUMOR"}, "tumor", "unknown tumor type"),
    ({"drug": "erlotinib", "format": "bam"}, "format", "'bam' is not one of maf, vcf, cna"),
])
def test_upload_names_the_form_field(client: TestClient, data: dict, field: str, words: str) -> None:  # type: ignore[type-arg]
    r = client.post("/api/v1/annotate", files={"file": ("c.maf", MAF, "text/plain")}, data=data)
    assert r.status_code == 422
    assert r.json()["field"] == field and words in r.json()["error"], r.json()


@pytest.mark.parametrize(("change", "field"), [({"drugs": ["osimertinb"]}, "drugs"), ({"tumor": "NOTATUMOR"}, "tumor")])
def test_twin_names_the_request_field(client: TestClient, change: dict, field: str) -> None:  # type: ignore[type-arg]
    r = client.post("/api/v1/twin", json=TWIN | change)
    assert r.status_code == 422 and r.json()["field"] == field, r.json()


def test_twin_strategy_message_says_the_field_once(client: TestClient) -> None:
    r = client.post("/api/v1/twin", json=TWIN | {"strategies": ["nosuch"]})
    assert r.status_code == 422 and r.json()["error"].count("strategies") == 1, r.json()


def test_look_ups_name_q_or_name(client: TestClient) -> None:
    r = client.get("/api/v1/explain", params={"q": "NOTAGENE_XYZ"})
    assert r.status_code == 404 and r.json()["field"] == "q"
    r = client.get("/api/v1/knowledge/tumor/NOTATUMOR")
    assert r.status_code == 404 and r.json()["field"] == "name" and "OncoTree" in r.json()["error"]


@pytest.mark.parametrize(("field", "value", "words"), [
    ("seed", "-1", "greater than or equal to 0"), ("seed", "abc", "give a whole number"),
    ("patients", "abc", "give a whole number, not 'abc'"),
])
def test_twin_form_refuses_a_bad_number(client: TestClient, field: str, value: str, words: str) -> None:
    """Before: a seed of '-1' or 'abc' on the twin page was silently replaced by a random seed and the job ran;
    patients 'abc' said 'greater than or equal to 1'."""
    data = {"alterations": "EGFR L858R", "drugs": "osimertinib", "tumor": "NSCLC", "patients": "5",
            "strategies": "continuous"} | {field: value}
    r = client.post("/twin", data=data, follow_redirects=False)
    assert r.status_code == 422, r.status_code
    assert f"field &#39;{field}&#39;" in r.text and words.replace("'", "&#39;") in r.text
