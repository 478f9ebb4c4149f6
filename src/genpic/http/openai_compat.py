"""OpenAI-compatible Images API, so the official ``openai`` SDK works with ``base_url`` at genpic.

``/v1/images/generations`` and ``/v1/images/edits`` translate OpenAI's parameters
into a genpic request, run it through the same pipeline and variants machinery,
and answer ``{"created", "data": [{"url" | "b64_json", "revised_prompt"}]}``.
Errors are OpenAI-shaped (see ``genpic.http.errors``), naming OpenAI's parameters.
"""

from __future__ import annotations

import base64
import math
import re
import time
from collections.abc import Mapping
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from genpic import variants
from genpic.errors import GenpicError, ValidationError
from genpic.http.context import Genpic, genpic, local_urls, request_id
from genpic.http.errors import route_entry
from genpic.http.incoming import form_data, json_payload
from genpic.http.schemas import error_responses
from genpic.pipeline import GenerationResult
from genpic.vocabulary import ASPECT_RATIOS, ENHANCEMENT_STYLES, AspectRatio

router = APIRouter(prefix="/v1", tags=["openai"])
App = Annotated[Genpic, Depends(genpic)]
RequestId = Annotated[str, Depends(request_id)]

RESPONSE_FORMATS = ("url", "b64_json")
# OpenAI's own styles: "vivid" asks for a rewritten, dramatic prompt, "natural" for it as is.
OPENAI_STYLES: dict[str, bool] = {"vivid": True, "natural": False}
# Parameters the SDK may send that have no genpic meaning; accepted so clients keep working.
ACCEPTED_AND_IGNORED = frozenset(
    {"quality", "user", "background", "moderation", "output_compression", "safety_identifier"}
)
_SIZE = re.compile(r"^\s*(\d{1,5})\s*[xX]\s*(\d{1,5})\s*$")
# genpic field -> the OpenAI parameter a client should fix.
_OPENAI_PARAMS = {
    "aspect_ratio": "size",
    "enhancement_style": "style",
    "init_image": "image",
    "init_image_s3": "image",
}
_ERRORS = error_responses(400, 401, 413, 422, 429, 500, 502, 504)
_IMAGES_RESPONSE = {
    "description": "OpenAI ImagesResponse",
    "content": {"application/json": {"example": {"created": 0, "data": [{"url": "…"}]}}},
}


@router.post("/images/generations", responses={200: _IMAGES_RESPONSE, **_ERRORS})
async def generations(request: Request, app: App, rid: RequestId) -> dict[str, Any]:
    """OpenAI ``images.generate``: ``prompt``, ``model``, ``n``, ``size``, ``response_format``,
    ``style`` (a genpic enhancement style, or ``vivid``/``natural``), ``output_format``,
    ``quality`` and ``user`` (accepted, not used)."""
    params = await json_payload(request)
    if not isinstance(params, dict):
        raise ValidationError("The body must be a JSON object.", field="body")
    return await _images(request, app, rid, params, {})


@router.post("/images/edits", responses={200: _IMAGES_RESPONSE, **_ERRORS})
async def edits(request: Request, app: App, rid: RequestId) -> dict[str, Any]:
    """OpenAI ``images.edit`` (multipart): ``image`` and ``prompt`` → image-to-image.

    ``n``, ``response_format``, ``model``, ``style``, ``output_format`` as for
    generations; ``size`` is checked but the output keeps the input's shape.
    """
    form = await form_data(request)
    params: dict[str, Any] = {}
    images: list[UploadFile] = []
    for name, value in form.multi_items():
        if isinstance(value, UploadFile):
            if name not in ("image", "image[]"):
                raise ValidationError(f"{name} is not supported; send one image.", field=name)
            images.append(value)
        else:
            params[name] = value
    if len(images) != 1:
        raise ValidationError("Send exactly one image to edit.", field="image")
    encoded = base64.b64encode(await images[0].read()).decode("ascii")
    return await _images(request, app, rid, params, {"init_image": encoded})


@router.get("/models", responses=error_responses(401))
def models(app: App) -> dict[str, Any]:
    """OpenAI ``models.list``: the image models this deployment allows."""
    return {
        "object": "list",
        "data": [
            {"id": m, "object": "model", "created": 0, "owned_by": m.split(".", 1)[0]}
            for m in app.settings.allowed_models
        ],
    }


async def _images(
    request: Request, app: Genpic, rid: str, params: Mapping[str, Any], extra: dict[str, Any]
) -> dict[str, Any]:
    response_format = params.get("response_format") or "url"
    if response_format not in RESPONSE_FORMATS:
        raise ValidationError(
            f"response_format must be one of {', '.join(RESPONSE_FORMATS)}.",
            field="response_format",
        )
    try:
        parsed = app.pipeline.parse({**to_request(params), **extra}, enhance_default=False)
        generate = partial(variants.generate, entry=route_entry(request.scope))
        made = await run_in_threadpool(generate, app.pipeline, parsed, rid)
    except GenpicError as exc:
        raise _with_openai_param(exc) from exc
    return {
        "created": int(time.time()),
        "data": [_item(result, response_format, request) for result in made.results],
    }


def to_request(params: Mapping[str, Any]) -> dict[str, Any]:
    """Translate OpenAI image parameters into genpic request fields."""
    payload: dict[str, Any] = {}
    for name, value in params.items():
        if value is None or name in ACCEPTED_AND_IGNORED or name == "response_format":
            continue
        if name in ("prompt", "model", "n", "output_format"):
            payload[name] = value
        elif name == "size":
            ratio = nearest_aspect_ratio(value)
            if ratio is not None:
                payload["aspect_ratio"] = ratio
        elif name == "style":
            payload.update(_style(value))
        elif name == "stream" and value in (False, "false"):
            continue
        else:
            raise ValidationError(f"{name} is not supported by genpic.", field=name)
    return payload


def nearest_aspect_ratio(size: Any) -> AspectRatio | None:
    """Map OpenAI's ``size`` (``"1792x1024"``) to the nearest aspect ratio; ``auto`` is None."""
    if size == "auto":
        return None
    match = _SIZE.match(size) if isinstance(size, str) else None
    if match is None or 0 in (int(match[1]), int(match[2])):
        raise ValidationError(
            "size must look like 1024x1024 (width x height), or be auto.", field="size"
        )
    wanted = math.log(int(match[1]) / int(match[2]))

    def distance(ratio: str) -> float:
        width, height = ratio.split(":")
        return abs(math.log(int(width) / int(height)) - wanted)

    return min(ASPECT_RATIOS, key=distance)


def _style(value: Any) -> dict[str, Any]:
    name = value.strip().lower() if isinstance(value, str) else value
    if name in OPENAI_STYLES:
        return {"enhance_prompt": OPENAI_STYLES[name]}
    if name in ENHANCEMENT_STYLES:
        return {"enhance_prompt": True, "enhancement_style": name}
    choices = ", ".join((*OPENAI_STYLES, *ENHANCEMENT_STYLES))
    raise ValidationError(f"style must be one of {choices}.", field="style")


def _with_openai_param(error: GenpicError) -> GenpicError:
    field = (error.field or "").split(".", 1)[0]
    error.field = _OPENAI_PARAMS.get(field, field) or None
    return error


def _item(result: GenerationResult, response_format: str, request: Request) -> dict[str, str]:
    if response_format == "b64_json":
        item = {"b64_json": base64.b64encode(result.data).decode("ascii")}
    else:
        item = {"url": local_urls(result.to_body(), request)["url"]}
    item["revised_prompt"] = result.prompt
    return item
