"""The core routes: health, generate (plain and enhanced), the enhancement dry run, compare."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from genpic import __version__, idempotency, variants
from genpic.cache.results import cache_header
from genpic.editing import is_edit
from genpic.errors import GenpicError, ValidationError
from genpic.http.context import Genpic, genpic, local_urls, request_id
from genpic.http.errors import route_entry
from genpic.http.identity import client
from genpic.http.incoming import json_payload
from genpic.http.schemas import (
    GENERATION_ERRORS,
    CompareBody,
    EnhanceBody,
    SuccessBody,
    answers,
    error_responses,
    json_body,
)
from genpic.idempotency import Answer
from genpic.pipeline import Timings, enhancement_body
from genpic.request import GenerationRequest

router = APIRouter()
App = Annotated[Genpic, Depends(genpic)]
RequestId = Annotated[str, Depends(request_id)]
Client = Annotated[str, Depends(client)]


@router.get("/health", tags=["service"])
def health(app: App) -> dict[str, str]:
    """Report that the service is up and which backends it uses (no API key needed)."""
    settings = app.settings
    return {
        "status": "ok",
        "version": __version__,
        "engine": settings.engine,
        "enhancer": settings.enhancer,
        "storage": settings.storage,
    }


@router.post(
    "/generate",
    tags=["generate"],
    response_model=None,
    responses={200: answers(SuccessBody), **GENERATION_ERRORS},
    openapi_extra=json_body("generate"),
)
async def generate(request: Request, app: App, rid: RequestId, who: Client) -> JSONResponse:
    """Generate: no enhancement unless the body says ``"enhance_prompt": true``."""
    return await _generate(request, app, rid, who, enhance_default=False)


@router.post(
    "/generate-enhanced",
    tags=["generate"],
    response_model=None,
    responses={200: answers(SuccessBody), **GENERATION_ERRORS},
    openapi_extra=json_body("generate-enhanced"),
)
async def generate_enhanced(
    request: Request, app: App, rid: RequestId, who: Client
) -> JSONResponse:
    """Enhance the prompt, then generate, unless the body says ``"enhance_prompt": false``."""
    return await _generate(request, app, rid, who, enhance_default=True)


@router.post(
    "/enhance",
    tags=["generate"],
    response_model=None,
    responses={200: answers(EnhanceBody), **error_responses(400, 422, 502, 504)},
    openapi_extra=json_body("generate-enhanced"),
)
async def enhance(request: Request, app: App, rid: RequestId) -> dict[str, Any]:
    """Enhance ``prompt`` in ``enhancement_style`` and return both prompts; no image is made."""
    parsed = await parse(request, app, enhance_default=True)
    timings = Timings()

    def run() -> Any:
        with timings.stage("enhance"):
            return app.pipeline.enhance(parsed.model_copy(update={"enhance_prompt": True}))

    enhancement = await run_in_threadpool(run)
    return {
        "original_prompt": parsed.prompt,
        "enhanced_prompt": enhancement.prompt,
        "enhancement": enhancement_body(enhancement),
        "timings_ms": timings.stages,
        "request_id": rid,
    }


@router.post(
    "/compare",
    tags=["generate"],
    response_model=None,
    responses={200: answers(CompareBody), **GENERATION_ERRORS},
    openapi_extra=json_body("compare"),
)
async def compare(request: Request, app: App, rid: RequestId, who: Client) -> dict[str, Any]:
    """Generate the plain and the enhanced prompt with the same seed, side by side."""
    parsed = await parse(request, app, enhance_default=True)
    if parsed.n > 1 or parsed.styles:
        raise ValidationError("compare makes one pair; send neither n nor styles.", field="n")
    seed = parsed.seed or variants.random_seed(parsed)
    pair = [
        parsed.model_copy(update={"seed": seed, "enhance_prompt": enhance})
        for enhance in (False, True)
    ]
    allowance = app.pipeline.limiter.allowance(who, len(pair))
    outcomes = await run_in_threadpool(
        partial(variants.run_all, entry=route_entry(request.scope)),
        app.pipeline,
        pair,
        rid,
        allowance,
    )
    variants.raise_if_all_failed(outcomes)
    original, enhanced = (
        o.to_body(rid) if isinstance(o, GenpicError) else local_urls(o.to_body(), request)
        for o in outcomes
    )
    return {"original": original, "enhanced": enhanced, "request_id": rid}


async def parse(request: Request, app: Genpic, *, enhance_default: bool) -> GenerationRequest:
    """Validate the JSON body exactly as the Lambda handlers do; an edit goes to ``/edit``."""
    payload = await json_payload(request)
    if is_edit(payload):
        raise ValidationError(
            "Invalid request: operation: edits are made by POST /edit.", field="operation"
        )
    return app.pipeline.parse(payload, enhance_default=enhance_default)


async def _generate(
    request: Request, app: Genpic, rid: str, who: str, *, enhance_default: bool
) -> JSONResponse:
    parsed = await parse(request, app, enhance_default=enhance_default)
    return await answer_once(request, app, rid, who, parsed, "generate")


async def answer_once(
    request: Request, app: Genpic, rid: str, who: str, parsed: GenerationRequest, operation: str
) -> JSONResponse:
    """Make what ``parsed`` asks for, once per idempotency key (``operation`` scopes the key)."""
    entry = route_entry(request.scope)

    def answer() -> Answer:
        try:
            made = variants.generate(app.pipeline, parsed, rid, who, entry=entry)
        except Exception as exc:
            return Answer.failure(exc, rid, entry=entry)
        return Answer(200, local_urls(made.to_body(), request))

    header_key = request.headers.get(idempotency.HEADER)
    done = await run_in_threadpool(
        idempotency.guarded, app.pipeline, operation, parsed, header_key, answer
    )
    headers = {**(done.headers or {}), **cache_header(done.body)}
    return JSONResponse(done.body, status_code=done.status, headers=headers)
