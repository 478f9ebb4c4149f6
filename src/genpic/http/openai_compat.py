"""OpenAI-compatible Images API, so the official ``openai`` SDK works with ``base_url`` at genpic.

``/v1/images/generations`` and ``/v1/images/edits`` translate OpenAI's parameters
into a genpic request, run it through the same pipeline and variants machinery,
and answer ``{"created", "data": [{"url" | "b64_json", "revised_prompt"}]}``. An edit
with a ``mask`` is genpic's ``inpaint`` (the mask converted to Stability's rule).
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
from genpic.catalog import (
    EDIT_OPERATIONS,
    EditSpec,
    ImageModel,
    base_model_id,
    describe_image_model,
    lifecycle_body,
    retirement,
)
from genpic.errors import GenpicError, ValidationError
from genpic.http.context import Genpic, genpic, local_urls, request_id
from genpic.http.errors import route_entry
from genpic.http.identity import client
from genpic.http.incoming import form_data, json_payload
from genpic.http.openai_mask import stability_mask
from genpic.http.schemas import (
    IMAGE_TO_IMAGE,
    DocumentedBody,
    OpenAIErrorBody,
    answers,
    case_free_choice,
    error_responses,
    json_body,
    nullable,
    request_property,
)
from genpic.pipeline import GenerationResult
from genpic.vocabulary import ASPECT_RATIOS, ENHANCEMENT_STYLES, AspectRatio

router = APIRouter(prefix="/v1", tags=["openai"])
App = Annotated[Genpic, Depends(genpic)]
RequestId = Annotated[str, Depends(request_id)]
Client = Annotated[str, Depends(client)]

RESPONSE_FORMATS = ("url", "b64_json")
# OpenAI's own styles: "vivid" asks for a rewritten, dramatic prompt, "natural" for it as is.
OPENAI_STYLES: dict[str, bool] = {"vivid": True, "natural": False}
# Parameters the SDK may send that have no genpic meaning; accepted so clients keep working.
ACCEPTED_AND_IGNORED = frozenset(
    {"quality", "user", "background", "moderation", "output_compression", "safety_identifier"}
)
# Width x height in pixels, up to 5 digits each; the document's pattern also rules out 0.
_SIZE = re.compile(r"^ *([0-9]{1,5}) *[xX] *([0-9]{1,5}) *$")
_NOT_ZERO = "|".join(f"0{{{zeros}}}[1-9][0-9]{{0,{4 - zeros}}}" for zeros in range(5))
SIZE_PATTERN = f"^ *(?:{_NOT_ZERO}) *[xX] *(?:{_NOT_ZERO}) *$"
# genpic field -> the OpenAI parameter a client should fix.
_OPENAI_PARAMS = {
    "aspect_ratio": "size",
    "enhancement_style": "style",
    "init_image": "image",
    "init_image_s3": "image",
}
_ERRORS = error_responses(400, 403, 404, 409, 422, 429, 502, 504, body=OpenAIErrorBody)


class ImageData(DocumentedBody):
    """One image: a link or the bytes, and the prompt the model was given."""

    url: str | None = None
    b64_json: str | None = None
    revised_prompt: str


class ImagesResponse(DocumentedBody):
    """OpenAI's ImagesResponse."""

    created: int
    data: list[ImageData]


def openai_parameters(*, edit: bool) -> dict[str, Any]:
    """The schema of OpenAI's image parameters as genpic reads them (null: not given)."""
    style = {"type": "string", "enum": [*OPENAI_STYLES, *ENHANCEMENT_STYLES]}
    case_free_choice(style, (*OPENAI_STYLES, *ENHANCEMENT_STYLES))
    size = {"anyOf": [{"const": "auto"}, {"type": "string", "pattern": SIZE_PATTERN}]}
    # JSON may send null for "not given"; a multipart field is text, never null.
    given = (lambda schema: schema) if edit else nullable
    properties: dict[str, Any] = {
        "prompt": request_property("prompt"),
        "model": given(request_property("model")),
        "n": given(request_property("n")),
        "size": given(size),
        "response_format": given({"type": "string", "enum": list(RESPONSE_FORMATS)}),
        "style": given(style),
        "output_format": given(request_property("output_format")),
        "stream": {"enum": ["false"] if edit else [False, "false", None]},
        **{name: {"description": "Accepted, not used."} for name in sorted(ACCEPTED_AND_IGNORED)},
    }
    if edit:
        properties["image"] = {"type": "string", "format": "binary"}
        properties["mask"] = {
            "type": "string",
            "format": "binary",
            "description": "A PNG the image's size; its fully transparent pixels mark the "
            "area to edit. With a mask the edit is an inpaint.",
        }
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["prompt", "image"] if edit else ["prompt"],
        "properties": properties,
        # The edit makes image-to-image: only models that can (see genpic.http.document).
        **({IMAGE_TO_IMAGE: True} if edit else {}),
    }


@router.post(
    "/images/generations",
    response_model=None,
    responses={200: answers(ImagesResponse), **_ERRORS},
    openapi_extra=json_body("openai-generation"),
)
async def generations(request: Request, app: App, rid: RequestId, who: Client) -> dict[str, Any]:
    """OpenAI ``images.generate``: ``prompt``, ``model``, ``n``, ``size``, ``response_format``,
    ``style`` (a genpic enhancement style, or ``vivid``/``natural``), ``output_format``,
    ``quality`` and ``user`` (accepted, not used)."""
    params = await json_payload(request)
    if not isinstance(params, dict):
        raise ValidationError("The body must be a JSON object.", field="body")
    return await _images(request, app, rid, who, params, {})


@router.post(
    "/images/edits",
    response_model=None,
    responses={200: answers(ImagesResponse), **_ERRORS},
    openapi_extra=json_body("openai-edit", "multipart/form-data"),
)
async def edits(request: Request, app: App, rid: RequestId, who: Client) -> dict[str, Any]:
    """OpenAI ``images.edit`` (multipart): ``image`` and ``prompt`` → image-to-image;
    with ``mask`` → ``inpaint``.

    ``n``, ``response_format``, ``model``, ``style``, ``output_format`` as for
    generations; ``size`` is checked but the output keeps the input's shape. The
    ``mask`` is a PNG whose transparent pixels mark the area to edit (OpenAI's rule);
    the inpaint service receives it white there and black elsewhere (Stability's).
    """
    form = await form_data(request)
    params: dict[str, Any] = {}
    images: list[UploadFile] = []
    masks: list[UploadFile] = []
    for name, value in form.multi_items():
        if isinstance(value, UploadFile):
            if name not in ("image", "image[]", "mask"):
                raise ValidationError(f"{name} is not supported; send one image.", field=name)
            (masks if name == "mask" else images).append(value)
        elif name == "mask":
            raise ValidationError("mask must be a PNG file, sent as a file part.", field="mask")
        else:
            params[name] = _form_number(value) if name == "n" else value
    if len(images) != 1:
        raise ValidationError("Send exactly one image to edit.", field="image")
    if len(masks) > 1:
        raise ValidationError("Send at most one mask.", field="mask")
    encoded = base64.b64encode(await images[0].read()).decode("ascii")
    if not masks:
        return await _images(request, app, rid, who, params, {"init_image": encoded})
    mask = stability_mask(await masks[0].read())
    inpaint = {"operation": "inpaint", "image": encoded, "mask": mask}
    return await _images(request, app, rid, who, _for_inpaint(params), inpaint)


@router.get("/models", responses=error_responses(403, 502, body=OpenAIErrorBody))
def models(app: App) -> dict[str, Any]:
    """OpenAI ``models.list``: the image models this deployment allows and can still call.

    Each carries its ``operations`` and ``lifecycle`` (genpic's additions); a retired
    model is left out even when allow-listed, as requests naming it are refused. An image
    service (``POST /edit``) also carries ``edit``: its operation and the fields it takes,
    with their ranges, so a client (the web page) shows only those.
    """
    return {
        "object": "list",
        "data": [
            _model_entry(model_id)
            for model_id in app.settings.allowed_models
            if retirement(model_id) is None
        ],
    }


def _edit_description(model: ImageModel, spec: EditSpec) -> dict[str, Any]:
    def number(value: float, whole: bool) -> float:
        return int(value) if whole else value

    return {
        "operation": spec.operation,
        "label": model.label,
        "prompt": spec.prompt,
        "fields": sorted(spec.fields),
        "numbers": {
            name: {
                "minimum": number(n.low, n.whole),
                "maximum": number(n.high, n.whole),
                "default": number(n.default, n.whole),
                "integer": n.whole,
            }
            for name, n in spec.numbers.items()
        },
        "texts": list(spec.texts),
        "images": dict(spec.images),
        "output_formats": list(spec.output_formats),
    }


def _model_entry(model_id: str) -> dict[str, Any]:
    model = describe_image_model(model_id)
    entry: dict[str, Any] = {
        "id": model_id,
        "object": "model",
        "created": 0,
        "owned_by": base_model_id(model_id).split(".", 1)[0],
        "operations": list(model.operations),
        "lifecycle": lifecycle_body(model.lifecycle),
    }
    if model.edit is not None:
        entry["edit"] = _edit_description(model, model.edit)
    return entry


async def _images(
    request: Request,
    app: Genpic,
    rid: str,
    who: str,
    params: Mapping[str, Any],
    extra: dict[str, Any],
) -> dict[str, Any]:
    response_format = params.get("response_format")
    if response_format is None:
        response_format = "url"
    if response_format not in RESPONSE_FORMATS:
        raise ValidationError(
            f"response_format must be one of {', '.join(RESPONSE_FORMATS)}.",
            field="response_format",
        )
    try:
        parsed = app.pipeline.parse({**to_request(params), **extra}, enhance_default=False)
        generate = partial(variants.generate, entry=route_entry(request.scope))
        made = await run_in_threadpool(generate, app.pipeline, parsed, rid, who)
    except GenpicError as exc:
        raise _with_openai_param(exc) from exc
    body: dict[str, Any] = {
        "created": int(time.time()),
        "data": [_item(result, response_format, request) for result in made.results],
    }
    # genpic's addition, as on its own routes: a legacy model's coming end of life.
    warnings = list(dict.fromkeys(text for result in made.results for text in result.warnings()))
    if warnings:
        body["warnings"] = warnings
    return body


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
        elif name == "stream" and (value is False or value == "false"):
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


def _for_inpaint(params: Mapping[str, Any]) -> dict[str, Any]:
    """OpenAI's parameters for an inpaint: the service is the model, the image its shape."""
    inpaint = EDIT_OPERATIONS["inpaint"].model_id
    kept = dict(params)
    if kept.get("model") in (inpaint, inpaint.removeprefix("us.")):
        del kept["model"]
    elif kept.get("model") is not None:
        raise ValidationError(
            f"With a mask the edit is an inpaint, made by {inpaint}; leave model out or send that.",
            field="model",
        )
    # Checked as for any edit; an inpaint keeps the image's size, as image-to-image does.
    nearest_aspect_ratio(kept.pop("size", "auto"))
    return kept


def _style(value: Any) -> dict[str, Any]:
    name = value.strip().lower() if isinstance(value, str) else value
    if name in OPENAI_STYLES:
        return {"enhance_prompt": OPENAI_STYLES[name]}
    if name in ENHANCEMENT_STYLES:
        return {"enhance_prompt": True, "enhancement_style": name}
    choices = ", ".join((*OPENAI_STYLES, *ENHANCEMENT_STYLES))
    raise ValidationError(f"style must be one of {choices}.", field="style")


def _form_number(value: str) -> int | str:
    """A multipart field is text: ``"2"`` is the number 2, anything else stays as sent."""
    return int(value) if value.isascii() and value.isdigit() and len(value) < 5 else value


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
