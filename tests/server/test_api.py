"""The REST API: the annotation contract, knowledge look-ups, and every kind of bad input."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from oncoresist.annotate import annotate
from oncoresist.server import ServerSettings, create_app
from server._helpers import maf_text

CONTRACT_KEYS = {"tumor", "drug", "verdict", "findings", "options", "unrecognised", "knowledge_version",
                 "oncoresist_version"}  # fmt: skip
T790M = {"alterations": ["EGFR L858R", "EGFR T790M"], "drugs": ["erlotinib"], "tumor": "NSCLC"}


def test_annotate_json_is_the_design_contract(client: TestClient, kb) -> None:  # type: ignore[no-untyped-def]
    r = client.post("/api/v1/annotate", json=T790M)
    assert r.status_code == 200
    body = r.json()
    assert set(body) >= CONTRACT_KEYS
    # DESIGN.md's worked example: T790M on erlotinib is resistant, on-target, and osimertinib overcomes it
    assert body["verdict"] == "resistant"
    t790m = [f for f in body["findings"] if f["alteration"] == "EGFR T790M"]
    assert t790m and t790m[0]["mechanism"] == "on_target_mutation" and t790m[0]["effect"] == "resistance"
    assert any(o["therapy"] == ["osimertinib"] for o in body["options"])
    # the endpoint is a thin layer: the same object the Python API returns
    assert body == annotate(T790M["alterations"], drug="erlotinib", tumor="NSCLC", knowledge=kb).to_dict()


def test_brand_names_and_aliases_resolve(client: TestClient) -> None:
    r = client.post("/api/v1/annotate", json={"alterations": ["EGFR T790M"], "drugs": ["Tarceva"]})
    assert r.status_code == 200 and r.json()["drug"] == ["erlotinib"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"alterations": ["EGFR T790M"], "drug": ["erlotinib"]}, "drug"),  # the profile field is 'drugs'
        ({"alterations": "EGFR T790M", "drugs": ["erlotinib"]}, "alterations"),
        ({"alterations": [], "drugs": ["erlotinib"]}, "alterations"),
        ({"alterations": ["EGFR T790M"]}, "drugs"),
        ({"alterations": ["EGFR T790M"] * 21, "drugs": ["erlotinib"]}, "alterations"),
        ({"alterations": [{"alteration": "EGFR T790M", "vaf": 3}], "drugs": ["erlotinib"]}, "alterations.0"),
    ],
)
def test_validation_errors_name_the_field(client: TestClient, body: dict, field: str) -> None:  # type: ignore[type-arg]
    r = client.post("/api/v1/annotate", json=body)
    assert r.status_code == 422
    err = r.json()
    assert err["field"].startswith(field), err
    assert f"'{err['field']}'" in err["error"] and "\n" not in err["error"]


def test_unknown_names_are_422_with_suggestions(client: TestClient) -> None:
    r = client.post("/api/v1/annotate", json={"alterations": ["EGFR T790M"], "drugs": ["erlotinibb"]})
    assert r.status_code == 422
    assert "erlotinib" in r.json()["suggestions"]
    r = client.post("/api/v1/annotate", json={"alterations": ["EGFRR T790M"], "drugs": ["erlotinib"]})
    assert r.status_code == 422 and "EGFR" in r.json()["error"]


def test_malformed_json_and_wrong_content_type(client: TestClient) -> None:
    r = client.post("/api/v1/annotate", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422 and "error" in r.json()
    r = client.post("/api/v1/annotate", content=b"EGFR T790M", headers={"content-type": "text/plain"})
    assert r.status_code == 415 and r.json()["field"] == "content-type"


def test_upload_maf_returns_one_result_per_sample(client: TestClient, upload_dir: Path) -> None:
    maf = maf_text([("EGFR", "p.L858R", "Missense_Mutation", "S1"), ("EGFR", "p.T790M", "Missense_Mutation", "S1"),
                    ("KRAS", "p.G12C", "Missense_Mutation", "S2"), ("TP53", "p.R175H", "Silent", "S2"),
                    ("EGFR", "p.X", "Missense_Mutation", "S3")])  # fmt: skip
    r = client.post("/api/v1/annotate", files={"file": ("cohort.maf", maf, "text/plain")},
                    data={"drug": "erlotinib", "tumor": "NSCLC"})  # fmt: skip
    assert r.status_code == 200, r.text
    body = r.json()
    by_sample = {s["sample"]: s for s in body["samples"]}
    assert set(by_sample) == {"S1", "S2", "S3"}  # S3's only row does not parse: it stays, with its status
    assert by_sample["S3"]["verdict"] == "unknown" and not by_sample["S3"]["findings"]
    assert by_sample["S1"]["verdict"] == "resistant"
    assert body["rows"] == 5 and body["bad_rows_total"] == 1
    bad = body["bad_rows"][0]
    assert bad["file"] == "cohort.maf" and bad["line"] == 6 and bad["field"] == "HGVSp_Short"
    assert not any(upload_dir.iterdir())


def test_upload_table_by_format_field(client: TestClient) -> None:
    table = "sample\tgene\talteration\nP1\tMET\tamplification\nP1\tEGFR\tL858R\n"
    r = client.post("/api/v1/annotate", files={"file": ("p1.txt", table, "text/plain")},
                    data={"drug": "osimertinib", "format": "cna"})  # fmt: skip
    assert r.status_code == 200, r.text
    s = r.json()["samples"][0]
    assert s["sample"] == "P1"
    assert any(f["alteration"] == "MET amplification" and f["mechanism"] == "bypass_pathway" for f in s["findings"])


@pytest.mark.parametrize(
    ("name", "data", "status", "words"),
    [
        ("empty.maf", b"", 422, "empty"),
        ("blank.maf", b"\n\n  \n", 422, "empty"),
        ("image.maf", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), 422, "binary"),
        ("latin1.maf", "Hugo_Symbol\tx\nEGFR\t\xe9\n".encode("latin-1"), 422, "UTF-8"),
        ("cols.maf", b"gene\tchange\nEGFR\tT790M\n", 422, "Hugo_Symbol"),
        ("rows.maf", maf_text([("EGFR", "p.T790M", "Missense_Mutation", f"S{i}") for i in range(51)]).encode(),
         413, "at most 50"),
        ("big.maf", b"#" + b"x" * (70 * 1024), 413, "limit"),
        ("unknown.bin", b"abc\n", 422, "format"),
    ],
)
def test_bad_uploads_are_clear_4xx_and_leave_nothing(
    client: TestClient, upload_dir: Path, name: str, data: bytes, status: int, words: str
) -> None:
    r = client.post("/api/v1/annotate", files={"file": (name, data, "application/octet-stream")},
                    data={"drug": "erlotinib"})  # fmt: skip
    assert r.status_code == status, r.text
    err = r.json()["error"]
    assert words in err and "\n" not in err
    assert r.json()["field"] in ("file", "format", "body")
    assert "/tmp" not in err and "upload-" not in err  # the temporary path never shows
    assert not any(upload_dir.iterdir())


def test_upload_without_drug_or_file(client: TestClient) -> None:
    maf = maf_text([("EGFR", "p.T790M", "Missense_Mutation", "S1")])
    r = client.post("/api/v1/annotate", files={"file": ("a.maf", maf, "text/plain")})
    assert r.status_code == 422 and r.json()["field"] == "drug"
    r = client.post("/api/v1/annotate", data={"drug": "erlotinib"}, files={"other": ("a.maf", maf, "text/plain")})
    assert r.status_code == 422 and r.json()["field"] == "file"


def test_explain_and_knowledge_lookups(client: TestClient, kb) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/api/v1/explain", params={"q": "EGFR T790M"})
    assert r.status_code == 200 and r.json()["kind"] == "alteration"
    assert all(f["sources"] for f in r.json()["resistance"])
    r = client.get("/api/v1/knowledge/gene/HER2")  # an alias
    assert r.status_code == 200 and r.json()["name"] == "ERBB2"
    r = client.get("/api/v1/knowledge/drug/Tagrisso")
    assert r.status_code == 200 and r.json()["name"] == "osimertinib"
    r = client.get("/api/v1/knowledge/tumor/NSCLC")
    assert r.status_code == 200 and r.json()["name"] == "NSCLC"
    r = client.get("/api/v1/knowledge/gene/EGFRX")
    assert r.status_code == 404 and "EGFR" in r.json()["suggestions"]
    r = client.get("/api/v1/explain", params={"q": ""})
    assert r.status_code == 422 and r.json()["field"] == "q"
    v = client.get("/api/v1/knowledge/version").json()
    assert v["knowledge_version"] == kb.version and v["facts"] == len(kb.facts)


def test_suggest_for_autocompletion(client: TestClient) -> None:
    r = client.get("/api/v1/knowledge/suggest", params={"kind": "drug", "q": "osim"})
    assert [s["value"] for s in r.json()] == ["osimertinib"]
    r = client.get("/api/v1/knowledge/suggest", params={"kind": "alteration", "q": "egfr t79"})
    assert "EGFR T790M" in [s["value"] for s in r.json()]
    r = client.get("/api/v1/knowledge/suggest", params={"kind": "tumor", "q": "NSCLC"})
    assert r.json()[0]["value"] == "NSCLC"


def test_security_headers_and_no_patient_data_in_logs(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="oncoresist.server")
    r = client.post("/api/v1/annotate", json={**T790M, "sample": "PATIENT-SECRET-42"})
    client.get("/api/v1/explain", params={"q": "EGFR C797S"})
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "script-src 'self'" in r.headers["content-security-policy"]
    lines = [json.loads(rec.getMessage()) for rec in caplog.records if rec.name == "oncoresist.server"]
    assert {ln["route"] for ln in lines} >= {"/api/v1/annotate", "/api/v1/explain"}
    text = caplog.text
    for secret in ("PATIENT-SECRET-42", "T790M", "C797S", "erlotinib"):
        assert secret not in text


def test_token_required_off_loopback(kb, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    s = ServerSettings(host="0.0.0.0", token="s3cret-token", job_dir=tmp_path)
    assert s.needs_token()
    with TestClient(create_app(s, knowledge=kb)) as c:
        r = c.get("/api/v1/knowledge/version")
        assert r.status_code == 401 and "token" in r.json()["error"]
        assert c.get("/api/v1/knowledge/version", headers={"Authorization": "Bearer wrong"}).status_code == 401
        ok = c.get("/api/v1/knowledge/version", headers={"Authorization": "Bearer s3cret-token"})
        assert ok.status_code == 200
        r = c.get("/?token=s3cret-token", follow_redirects=False)  # the browser's way in
        assert r.status_code == 303 and r.headers["location"] == "/"
        assert "HttpOnly" in r.headers["set-cookie"] and "SameSite=Strict" in r.headers["set-cookie"]
        assert c.get("/").status_code == 200  # the cookie is kept by the client
        assert c.get("/openapi.json").json()["security"] == [{"bearer": []}]


@pytest.mark.parametrize("name", ["cohort.maf.gz", "cohort.maf"])
def test_gzip_upload_says_what_to_do(client: TestClient, upload_dir: Path, name: str) -> None:
    """Before: 'cannot tell the format of cohort.maf.gz' (or 'a binary file') for the MAF the CLI reads."""
    import gzip

    data = gzip.compress(maf_text([("EGFR", "p.T790M", "Missense_Mutation", "S1")]).encode())
    r = client.post("/api/v1/annotate", files={"file": (name, data, "application/gzip")}, data={"drug": "erlotinib"})
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err.startswith(f"{name}: compressed uploads are not accepted") and "gunzip" in err
    assert "oncoresist annotate --maf" in err and r.json()["field"] == "file"
    assert not any(upload_dir.iterdir())


def test_an_unknown_result_is_404_not_a_field_error(client: TestClient) -> None:
    """Before: /results/<expired id>.html answered 422 "field 'result': ..." as if a form field were wrong."""
    for url in ("/results/nope.html", "/results/nope.json", "/results/nope.tsv", "/results/nope/0.html"):
        r = client.get(url)
        assert r.status_code == 404, (url, r.status_code)
        assert "not (or no longer) kept by the server; annotate again" in r.text
        assert "field 'result'" not in r.text


def test_result_tsv_download_carries_the_disclaimer_line(client: TestClient) -> None:
    """Before: the web page's TSV download had no disclaimer line, unlike the CLI's TSV (``# ...`` first line)."""
    import io
    import re

    import pandas as pd

    from oncoresist.annotate.batch import TSV_COMMENT

    page = client.post("/annotate", data={"alterations": "EGFR L858R\nEGFR T790M", "drug": "erlotinib",
                                          "tumor": "NSCLC"})
    assert page.status_code == 200
    rid = re.search(r"/results/([^/\"]+)\.json", page.text)  # the batch page links the TSV; a single result too
    assert rid, "the result page links its downloads"
    r = client.get(f"/results/{rid.group(1)}.tsv")
    assert r.status_code == 200
    first = r.text.partition("\n")[0]
    assert first == TSV_COMMENT and "not a medical device" in first
    table = pd.read_csv(io.StringIO(r.text), sep="\t", skiprows=1)
    assert len(table) == 1 and table["verdict"].iloc[0] == "resistant"
