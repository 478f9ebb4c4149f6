"""``POST /edit``: one edit of an image by a Stability AI Image Service, JSON or multipart."""

from __future__ import annotations

import base64
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from starlette.datastructures import UploadFile

from genpic import jsonbody
from genpic.crosssite import JSON, MULTIPART
from genpic.editing import IMAGE_FIELDS, is_edit
from genpic.errors import ValidationError
from genpic.http.context import Genpic, genpic, request_id
from genpic.http.core import answer_once
from genpic.http.identity import client
from genpic.http.incoming import body_kind, form_data, json_payload
from genpic.http.schemas import GENERATION_ERRORS, SuccessBody, answers

router = APIRouter()
App = Annotated[Genpic, Depends(genpic)]
RequestId = Annotated[str, Depends(request_id)]
Client = Annotated[str, Depends(client)]
_BODY = {"schema": {"x-genpic-schema": "edit"}}


@router.post(
    "/edit",
    tags=["edit"],
    response_model=None,
    responses={200: answers(SuccessBody), **GENERATION_ERRORS},
    openapi_extra={"requestBody": {"required": True, "content": {JSON: _BODY, MULTIPART: _BODY}}},
)
async def edit(request: Request, app: App, rid: RequestId, who: Client) -> JSONResponse:
    """Edit ``image`` by ``operation`` (inpaint, outpaint, erase, upscale_fast, …).

    JSON carries images as base64 (or ``*_s3``); multipart as files, with every
    other field as text. The success body is the generation's, plus ``operation``.
    """
    kind = await body_kind(request, (JSON, MULTIPART))
    payload = await (_form(request) if kind == MULTIPART else json_payload(request))
    if not is_edit(payload):
        raise ValidationError(
            "Invalid request: operation: this field is required (inpaint, outpaint, …).",
            field="operation",
        )
    parsed = app.pipeline.parse(payload, enhance_default=False)
    return await answer_once(request, app, rid, who, parsed, "edit")


async def _form(request: Request) -> dict[str, Any]:
    """A multipart edit as the JSON one: files base64-encoded, numbers and flags decoded."""
    payload: dict[str, Any] = {}
    for name, value in (await form_data(request)).multi_items():
        if name in payload:
            raise ValidationError(f"{name} is sent more than once.", field=name)
        if isinstance(value, UploadFile):
            if name not in IMAGE_FIELDS:
                raise ValidationError(
                    f"{name} is not an image field; send files as {', '.join(IMAGE_FIELDS)}.",
                    field=name,
                )
            payload[name] = base64.b64encode(await value.read()).decode("ascii")
        else:
            payload[name] = _text_value(name, value)
    return payload


def _text_value(name: str, value: str) -> Any:
    """A form field's JSON value when it is a number or a flag, else the text itself."""
    if name in _TEXT_FIELDS:
        return value
    try:
        decoded = jsonbody.loads(value, field=name)
    except ValidationError:
        return value
    return decoded if isinstance(decoded, bool | int | float) else value


# Text fields stay text even when they read as numbers ("42" is a fine prompt).
_TEXT_FIELDS = frozenset(
    {
        "operation",
        "prompt",
        "negative_prompt",
        "search_prompt",
        "select_prompt",
        "output_format",
        "aspect_ratio",
        "enhancement_style",
        "idempotency_key",
        "user",
        "image_s3",
        "mask_s3",
        "style_image_s3",
    }
)
