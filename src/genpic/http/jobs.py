"""Asynchronous routes: ``POST /jobs``, ``GET /jobs/{job_id}``, ``POST /batches`` and its GET.

Submitting answers 202 at once with the job's id; the job runs in the embedded
pool (``genpic serve``) or through the SQS queue (on AWS). Idempotency seam:
``POST /jobs`` with an ``Idempotency-Key`` header must replay the first 202 (same
``job_id``) instead of submitting a second job; that wraps ``submit_job`` below
exactly as it wraps ``POST /generate`` (the idempotency feature's branch).
"""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from genpic.errors import NotFound
from genpic.http.context import Genpic, genpic, local_urls, request_id
from genpic.http.schemas import error_responses
from genpic.jobs.base import STATUSES, Job
from genpic.request import parse_json_body

router = APIRouter(tags=["jobs"])
App = Annotated[Genpic, Depends(genpic)]
RequestId = Annotated[str, Depends(request_id)]
_SUBMIT_ERRORS = error_responses(400, 401, 413, 500, 502)


@router.post("/jobs", status_code=202, response_model=None, responses=_SUBMIT_ERRORS)
async def submit_job(request: Request, app: App, rid: RequestId) -> JSONResponse:
    """Queue one generation (request fields, optional ``webhook_url``); poll ``status_url``."""
    payload = parse_json_body((await request.body()).decode("utf-8", errors="replace"))
    job = await run_in_threadpool(app.jobs.submit, payload)
    body = {
        "job_id": job.job_id,
        "status": job.status,
        "status_url": str(request.url_for("get_job", job_id=job.job_id)),
        "request_id": rid,
    }
    return JSONResponse(body, status_code=202, headers={"Location": body["status_url"]})


@router.get("/jobs/{job_id}", name="get_job", responses=error_responses(401, 404))
async def get_job(job_id: str, request: Request, app: App) -> dict[str, Any]:
    """A job's status, and its success body (``result``) or error body (``error``) once done."""
    job = await run_in_threadpool(app.jobs.store.get, job_id)
    if job is None:
        raise NotFound(f"No job {job_id!r}: job ids come from POST /jobs or POST /batches.")
    return _body(job, request)


@router.post("/batches", status_code=202, response_model=None, responses=_SUBMIT_ERRORS)
async def submit_batch(request: Request, app: App, rid: RequestId) -> JSONResponse:
    """Queue 1 to 100 requests at once: ``{"requests": [request, ...]}``."""
    payload = parse_json_body((await request.body()).decode("utf-8", errors="replace"))
    batch, jobs = await run_in_threadpool(app.jobs.submit_batch, payload)
    status_url = str(request.url_for("get_batch", batch_id=batch.batch_id))
    body = {
        "batch_id": batch.batch_id,
        "jobs": [job.job_id for job in jobs],
        "status_url": status_url,
        "request_id": rid,
    }
    return JSONResponse(body, status_code=202, headers={"Location": status_url})


@router.get("/batches/{batch_id}", name="get_batch", responses=error_responses(401, 404))
async def get_batch(batch_id: str, app: App) -> dict[str, Any]:
    """A batch's counts by status and each job's status."""
    store = app.jobs.store
    batch = await run_in_threadpool(store.get_batch, batch_id)
    if batch is None:
        raise NotFound(f"No batch {batch_id!r}: batch ids come from POST /batches.")
    jobs = await run_in_threadpool(store.get_many, batch.job_ids)
    counts = Counter(job.status for job in jobs)
    return {
        "batch_id": batch.batch_id,
        "counts": {status: counts.get(status, 0) for status in STATUSES},
        "jobs": [{"job_id": job.job_id, "status": job.status} for job in jobs],
    }


def _body(job: Job, request: Request) -> dict[str, Any]:
    body = job.to_body()
    if "result" in body:
        local_urls(body["result"], request)
    return body
