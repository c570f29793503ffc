"""The web pages show the annotation's known keys in words, and a file's reader notes and sample statuses.

Before: the options table listed 'basis class_switch', 'tumor_relation same' and 'records cur...' as raw key/value
pairs; 'tumor scope', 'unrecognised detail' (a raw table) and 'disclaimer' were generic sections named by their
JSON keys; the batch page and the API dropped the reader's notes (which name calls not annotated per sample), the
sample's status ('no alterations read') was not shown, and notes would have named the temporary 'upload.vcf'.
"""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from oncoresist.annotate import annotate
from oncoresist.server.app import make_templates
from oncoresist.server.render import annotation_view

VCF = Path(__file__).parents[1] / "data" / "profiles" / "tumor_normal.vep.vcf"


def test_options_and_known_keys_are_in_words(kb) -> None:  # type: ignore[no-untyped-def]
    res = annotate(["EGFR L858R", "EGFR T790M", "MET amplification", "TP53 R175H"], drug="erlotinib", tumor="NSCLC",
                   knowledge=kb)
    v = annotation_view(res, kb)
    generic = [k for k, _, _ in v["generic"]]
    assert not {"tumor_scope", "unrecognised_detail", "disclaimer", "status"} & set(generic), generic
    assert v["options"] and all(not {"basis", "records", "tumor_relation"} & {k for k, _ in o["extras"]}
                                for o in v["options"])
    assert {o["basis_text"] for o in v["options"]} >= {"curated", "class switch"}
    html = make_templates(kb.version).get_template("_annotation.html").render(v=v, idx=0)
    assert "<th scope=\"col\">Basis</th>" in html and "class_switch" not in html and "<dt>records</dt>" not in html
    assert "Not recognised, or not in the knowledge" in html and "TP53 R175H" in html
    assert ">tumor scope<" not in html and ">disclaimer<" not in html
    assert "Research software, not a medical device" in html


def test_batch_page_and_api_show_reader_notes_and_sample_status(client: TestClient) -> None:
    data = VCF.read_bytes()
    r = client.post("/api/v1/annotate", files={"file": ("tn.vcf", data, "text/plain")},
                    data={"drug": "osimertinib", "tumor": "NSCLC"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert any(n.startswith("tn.vcf: sample TUMOR:") and "did not pass FILTER" in n for n in body["notes"])
    assert not any("upload.vcf" in n for n in body["notes"])
    normal = next(s for s in body["samples"] if s["sample"] == "NORMAL")
    assert any("genotype 0/0" in u["reason"] for u in normal["unrecognised_detail"])
    page = client.post("/annotate", files={"file": ("tn.vcf", data, "text/plain")},
                       data={"drug": "osimertinib", "tumor": "NSCLC"})
    assert page.status_code == 200
    assert 'data-testid="reader-notes"' in page.text and "tn.vcf: sample NORMAL" in page.text
    assert "no alterations read" in page.text and "no protein-altering rows" in page.text
    assert "FILTER LowQual (not PASS)" in page.text
