"""Routes over the records store: the image list, feedback, and the stats report."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from genpic.errors import NotFound
from genpic.feedback import parse_feedback, record_feedback
from genpic.http.context import Genpic, genpic, local_urls
from genpic.http.incoming import json_payload, query_number
from genpic.http.schemas import error_responses, json_body
from genpic.records.base import ImagePage
from genpic.report import stats_body
from genpic.settings import RECORDS

if TYPE_CHECKING:
    from genpic.records.base import ImageRecord, RecordStore
    from genpic.storage.base import ImageStore

router = APIRouter(tags=["records"])
App = Annotated[Genpic, Depends(genpic)]
DEFAULT_LIMIT, MAX_LIMIT = 20, 100


_LIST_PARAMETERS = [
    {
        "name": "limit",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
    },
    {
        "name": "cursor",
        "in": "query",
        "required": False,
        "description": "The previous page's cursor, as given; anything else is a 400.",
        "schema": {"type": "string"},
    },
]


@router.get(
    "/images",
    responses=error_responses(400, 404, 502),
    openapi_extra={"parameters": _LIST_PARAMETERS},
)
async def list_images(
    request: Request,
    app: App,
    # Read as text (the documented ones are above) so a bad value gets genpic's 400.
    limit: Annotated[str | None, Query(include_in_schema=False)] = None,
    cursor: Annotated[str | None, Query(include_in_schema=False)] = None,
) -> dict[str, Any]:
    """Recent images, newest first: ``{"images": [success body, …], "cursor"}``.

    ``limit`` is 1 to 100 (20 by default); pass the answer's ``cursor`` to get the
    next page (null: no more). Each body has a fresh ``url`` (null if the image is
    gone from storage) and its ``created_at`` (epoch seconds).
    """
    count = query_number(limit, "limit", 1, MAX_LIMIT, DEFAULT_LIMIT)
    records = await run_in_threadpool(_records, app)
    page = await run_in_threadpool(records.list_images, count, cursor or None)
    bodies = await run_in_threadpool(_bodies, page, app.pipeline.store)
    return {"images": [local_urls(body, request) for body in bodies], "cursor": page.cursor}


@router.post(
    "/feedback",
    status_code=204,
    response_class=Response,
    responses=error_responses(400, 404, 502),
    openapi_extra=json_body("feedback"),
)
async def feedback(request: Request, app: App) -> Response:
    """Rate an image: ``{"image_id", "rating": 1-5}`` or ``{"image_id", "preferred": true}``."""
    parsed = parse_feedback(await json_payload(request))
    records = await run_in_threadpool(_records, app)
    await run_in_threadpool(record_feedback, records, parsed)
    return Response(status_code=204)


@router.get("/stats", responses=error_responses(404, 502))
async def stats(app: App) -> dict[str, Any]:
    """Images, cost, cache hits, enhancement fallbacks, the A/B arms compared, and per client
    (``clients``): images today (and left of the daily quota), images in the rate window."""
    records = await run_in_threadpool(_records, app)
    totals = await run_in_threadpool(records.stats)
    usage = await run_in_threadpool(app.pipeline.limiter.report)
    return {**stats_body(totals, app.settings.ab_enhance_share), **usage}


def _records(app: Genpic) -> RecordStore:
    memory = app.pipeline.memory
    if memory is None:
        raise NotFound(f"This server keeps no records; set {RECORDS} to sqlite or dynamodb.")
    return memory.records


def _bodies(page: ImagePage, store: ImageStore) -> list[dict[str, Any]]:
    return [_body(record, store) for record in page.images]


def _body(record: ImageRecord, store: ImageStore) -> dict[str, Any]:
    """The image's first success body with a link that works now."""
    found = store.find(record.key)
    return {
        **record.response,
        "image_id": record.image_id,
        "url": found.url if found else None,
        "created_at": record.created_at,
    }
