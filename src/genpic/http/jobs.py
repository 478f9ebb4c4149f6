"""Asynchronous routes: ``POST /jobs``, ``GET /jobs/{job_id}``, ``POST /batches`` and its GET.

Submitting answers 202 at once with the job's id; the job runs in the embedded
pool (``genpic serve``) or through the SQS queue (on AWS). Both submissions take an
``Idempotency-Key`` header or ``idempotency_key`` field as ``POST /generate`` does:
a repeat replays the first 202 (same ``job_id``s) instead of queueing again, and
the same key with another body is a 409 ``IdempotencyConflict``. Their requests
are stored as sent, so a repeat is compared by its body as sent, less the key.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from genpic import idempotency
from genpic.cache.keys import payload_fingerprint
from genpic.errors import NotFound
from genpic.http.context import Genpic, genpic, link, local_urls, request_id
from genpic.http.errors import route_entry
from genpic.http.identity import client
from genpic.http.incoming import json_payload
from genpic.http.schemas import error_responses, json_body
from genpic.jobs.base import STATUSES, Job

router = APIRouter(tags=["jobs"])
App = Annotated[Genpic, Depends(genpic)]
RequestId = Annotated[str, Depends(request_id)]
Client = Annotated[str, Depends(client)]
_SUBMIT_ERRORS = error_responses(400, 403, 404, 409, 429, 502)


@router.post(
    "/jobs",
    status_code=202,
    response_model=None,
    responses=_SUBMIT_ERRORS,
    openapi_extra=json_body("job"),
)
async def submit_job(request: Request, app: App, rid: RequestId, who: Client) -> JSONResponse:
    """Queue one generation (request fields, optional ``webhook_url``); poll ``status_url``."""

    def submit(payload: Any) -> dict[str, Any]:
        job = app.jobs.submit(payload, who)
        return {
            "job_id": job.job_id,
            "status": job.status,
            "status_url": link(request, "get_job", job_id=job.job_id),
        }

    return await _submit(request, app, rid, "jobs", submit)


@router.get("/jobs/{job_id}", name="get_job", responses=error_responses(404, 502))
async def get_job(job_id: str, request: Request, app: App) -> dict[str, Any]:
    """A job's status, and its success body (``result``) or error body (``error``) once done."""
    job = await run_in_threadpool(app.jobs.store.get, job_id)
    if job is None:
        raise NotFound(f"No job {job_id!r}: job ids come from POST /jobs or POST /batches.")
    return _body(job, request)


@router.post(
    "/batches",
    status_code=202,
    response_model=None,
    responses=_SUBMIT_ERRORS,
    openapi_extra=json_body("batch"),
)
async def submit_batch(request: Request, app: App, rid: RequestId, who: Client) -> JSONResponse:
    """Queue 1 to 100 requests at once: ``{"requests": [request, ...]}``.

    Every image of the batch is charged to the client at once: a batch larger than
    what its rate limit or daily quota leaves is refused whole (429).
    """

    def submit(payload: Any) -> dict[str, Any]:
        batch, jobs = app.jobs.submit_batch(payload, who)
        return {
            "batch_id": batch.batch_id,
            "jobs": [job.job_id for job in jobs],
            "status_url": link(request, "get_batch", batch_id=batch.batch_id),
        }

    return await _submit(request, app, rid, "batches", submit)


@router.get("/batches/{batch_id}", name="get_batch", responses=error_responses(404, 502))
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


async def _submit(
    request: Request,
    app: Genpic,
    rid: str,
    operation: str,
    submit: Callable[[Any], dict[str, Any]],
) -> JSONResponse:
    """Answer a submission 202 with ``submit``'s body, at most once per idempotency key."""
    payload = await json_payload(request)
    key = idempotency.payload_key(request.headers.get(idempotency.HEADER), payload)
    if isinstance(payload, dict):
        payload.pop("idempotency_key", None)  # the key is not part of the stored request

    def answer() -> idempotency.Answer:
        try:
            body = submit(payload)
        except Exception as exc:
            return idempotency.Answer.failure(exc, rid, entry=route_entry(request.scope))
        return idempotency.Answer(202, {**body, "request_id": rid})

    done = await run_in_threadpool(
        idempotency.keyed, app.pipeline, key, payload_fingerprint(operation, payload), answer
    )
    headers = dict(done.headers or {})
    if done.status == 202:
        headers["Location"] = done.body["status_url"]
    return JSONResponse(done.body, status_code=done.status, headers=headers)
