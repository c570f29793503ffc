"""Twin jobs through the API: a small job to completion, the 429 limit, cancellation, checks before queuing."""

from __future__ import annotations

import re
import time

from fastapi.testclient import TestClient

TWIN = {"alterations": ["EGFR L858R"], "drugs": ["osimertinib"], "tumor": "NSCLC", "strategies": ["continuous"],
        "patients": 6, "seed": 20261201}  # fmt: skip


def _wait(client: TestClient, job_id: str, timeout: float = 300) -> dict:  # type: ignore[type-arg]
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        s = client.get(f"/api/v1/jobs/{job_id}").json()
        seen.append(s["progress"])
        if s["state"] in ("done", "failed", "cancelled"):
            assert seen == sorted(seen), "progress never goes back"
            return s  # type: ignore[no-any-return]
        time.sleep(0.3)
    raise AssertionError(f"job {job_id} not finished after {timeout} s: {s}")


def test_twin_job_runs_to_completion_with_result_and_report(client: TestClient) -> None:
    r = client.post("/api/v1/twin", json=TWIN)
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["state"] in ("queued", "running") and job["seed"] == TWIN["seed"]
    assert r.headers["location"] == f"/api/v1/jobs/{job['id']}"
    # one job running, no queue: a second is refused with 429 while the first runs
    busy = client.post("/api/v1/twin", json=TWIN)
    assert busy.status_code == 429 and "limit" in busy.json()["error"] and busy.headers["retry-after"]
    done = _wait(client, job["id"])
    assert done["state"] == "done", done
    assert done["progress"] == 1.0 and done["batches_done"] == done["batches_total"] == 1
    res = client.get(done["links"]["result"])
    assert res.status_code == 200
    data = res.json()
    rows = data["comparison"]["summary"]
    assert [r["strategy"] for r in rows] == ["continuous"] and rows[0]["n"] == TWIN["patients"]
    assert data["origins"] and all(o["source"] for o in data["origins"])
    assert data["request"]["seed"] == TWIN["seed"] and data["knowledge_version"]
    # the twin's one cohort definition (twin.cohort_options), nothing fitted in a job, recorded with its source
    from oncoresist.twin.cohort_options import DEFAULT_COHORT_OPTIONS

    cdef = data["comparison"]["cohort_definition"]
    assert cdef["options"] == DEFAULT_COHORT_OPTIONS.to_dict() and cdef["calibrated"] is False
    assert cdef["source"].startswith("derived:") and DEFAULT_COHORT_OPTIONS.describe() in cdef["source"]
    rep = client.get(done["links"]["report"])
    assert rep.status_code == 200 and "not a medical device" in rep.text
    assert "default-src 'none'" in rep.headers["content-security-policy"]
    png = client.get(done["links"]["km"])
    assert png.status_code == 200 and png.content[:8] == b"\x89PNG\r\n\x1a\n"
    page = client.get(f"/twin/jobs/{job['id']}")
    assert page.status_code == 200 and "Origin of every number" in page.text and "continuous" in page.text
    state_line = page.text[page.text.index("State:"):].split("</p>", 1)[0]
    assert "done · done" not in " ".join(re.sub(r"<[^>]+>", " ", state_line).split())  # the stage repeated the state


def test_cancel_a_running_job_ends_it_and_removes_its_folder(client: TestClient) -> None:
    job = client.post("/api/v1/twin", json={**TWIN, "patients": 20}).json()
    folder = client.app.state.oncoresist.jobs.get(job["id"]).dir  # type: ignore[attr-defined]
    assert folder.is_dir()
    r = client.delete(f"/api/v1/jobs/{job['id']}")
    assert r.status_code == 200
    s = _wait(client, job["id"], timeout=30)
    assert s["state"] == "cancelled"
    assert not folder.exists()
    assert client.get(f"/api/v1/jobs/{job['id']}/result").status_code == 404
    # the slot is free again
    again = client.post("/api/v1/twin", json=TWIN)
    assert again.status_code == 202
    client.delete(f"/api/v1/jobs/{again.json()['id']}")


def test_bad_twin_requests_fail_before_queuing(client: TestClient) -> None:
    r = client.post("/api/v1/twin", json={**TWIN, "patients": 21})
    assert r.status_code == 422 and r.json()["field"] == "patients"
    r = client.post("/api/v1/twin", json={**TWIN, "strategies": ["wishful"]})
    assert r.status_code == 422 and r.json()["field"] == "strategies" and "continuous" in r.json()["error"]
    r = client.post("/api/v1/twin", json={**TWIN, "drugs": ["osimertinibb"]})
    assert r.status_code == 422 and "osimertinib" in r.json()["suggestions"]
    r = client.post("/api/v1/twin", json={**TWIN, "patients": 0})
    assert r.status_code == 422 and r.json()["field"] == "patients"
    assert client.get("/api/v1/jobs/0000-deadbeef").status_code == 404
    assert client.app.state.oncoresist.jobs._jobs == {}  # type: ignore[attr-defined]


def test_a_worker_refuses_a_changed_knowledge(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from oncoresist.errors import OncoresistError
    from oncoresist.server.twin_job import run_twin_job

    spec = {**TWIN, "drugs": ["osimertinib"], "follow_up_days": 1095.0, "knowledge_version": "curated-000000000000"}
    stages: list[str] = []
    with pytest.raises(OncoresistError, match="knowledge changed"):
        run_twin_job(spec, tmp_path, stages.append)
    assert not any(tmp_path.iterdir())
