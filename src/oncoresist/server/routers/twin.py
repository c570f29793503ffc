"""``POST /api/v1/twin`` starts a job; ``/api/v1/jobs/{id}`` reports progress, the result, the report."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from oncoresist.server import service
from oncoresist.server.dependencies import AppState, get_state
from oncoresist.server.jobs import Job, UnknownJobError
from oncoresist.server.models import ErrorOut, JobOut, TwinRequest

router = APIRouter(prefix="/api/v1", tags=["twin"])
State = Annotated[AppState, Depends(get_state)]
JobId = Annotated[str, Path(pattern=r"^[0-9a-f-]{1,40}$", description="The id POST /api/v1/twin returned.")]
_ERR: dict[int | str, dict[str, Any]] = {404: {"model": ErrorOut}, 422: {"model": ErrorOut}}
#: The self-contained twin report has inline styles and data: images, nothing else.
REPORT_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'self'"


def job_out(job: Job) -> JobOut:
    base = f"/api/v1/jobs/{job.id}"
    links = {"self": base, "page": f"/twin/jobs/{job.id}"}
    if job.state == "done":
        links |= {"result": f"{base}/result", "report": f"{base}/report", "km": f"{base}/km.png"}
    return JobOut(**job.status(), links=links)


def _done(state: AppState, job_id: str, name: str) -> Job:
    job = state.jobs.get(job_id)
    if job.state != "done" or not (job.dir / name).is_file():
        raise UnknownJobError(f"job {job_id}: no {name} (the job is {job.state}); poll /api/v1/jobs/{job_id}")
    return job


@router.post("/twin", status_code=202, response_model=JobOut, summary="Start a twin job",
             responses={**_ERR, 429: {"model": ErrorOut}})  # fmt: skip
async def start(req: TwinRequest, state: State) -> JSONResponse:
    """Build the twin (checked now: unknown names, strategies and limits are 422 at once), then
    queue the strategy comparison. 429 when the server's job limit is reached."""
    job = await run_in_threadpool(service.submit_twin, state, req)
    out = job_out(job)
    return JSONResponse(out.model_dump(), status_code=202, headers={"Location": out.links["self"]})


@router.get("/jobs/{job_id}", response_model=JobOut, responses=_ERR, summary="A job's state and progress")
def status(job_id: JobId, state: State) -> JobOut:
    return job_out(state.jobs.get(job_id))


@router.delete("/jobs/{job_id}", response_model=JobOut, responses=_ERR, summary="Cancel a job")
def cancel(job_id: JobId, state: State) -> JobOut:
    return job_out(state.jobs.cancel(job_id))


@router.get("/jobs/{job_id}/result", responses=_ERR, summary="The result as JSON (scenario, origins, comparison)")
def result(job_id: JobId, state: State) -> Response:
    job = _done(state, job_id, "result.json")
    return FileResponse(job.dir / "result.json", media_type="application/json",
                        filename=f"oncoresist-twin-{job.id}.json")  # fmt: skip


@router.get("/jobs/{job_id}/report", response_class=HTMLResponse, responses=_ERR,
            summary="The self-contained HTML report")
def report(job_id: JobId, state: State) -> Response:
    job = _done(state, job_id, "report.html")
    return FileResponse(job.dir / "report.html", media_type="text/html",
                        headers={"Content-Security-Policy": REPORT_CSP})  # fmt: skip


@router.get("/jobs/{job_id}/km.png", responses=_ERR, summary="Kaplan-Meier curves per strategy (PNG)")
def km(job_id: JobId, state: State) -> Response:
    job = _done(state, job_id, "km.png")
    return FileResponse(job.dir / "km.png", media_type="image/png")
