"""What the OpenAPI document says about bodies: the request model, the success and error shapes.

Routes read and validate JSON bodies with ``Pipeline.parse`` (the Lambda handlers'
rules and messages); these declarations only document them.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from genpic.request import GenerationRequest


class ErrorBody(BaseModel):
    """Every error outside ``/v1/``: a code, a fix-it message and the request id."""

    error: str
    message: str
    request_id: str
    field: str | None = None
    details: list[dict[str, str]] | None = None


class SuccessBody(BaseModel):
    """One generated image; ``variants`` lists one body per image when several were asked for."""

    model_config = ConfigDict(extra="allow")

    message: str
    s3_url: str | None
    uri: str
    bucket: str | None
    key: str
    filename: str
    url: str
    content_type: str
    width: int
    height: int
    seed: int
    model: str
    parameters: dict[str, Any]
    enhancement: dict[str, Any]
    timings_ms: dict[str, int]
    cost_usd: float
    request_id: str
    original_prompt: str | None = None
    enhanced_prompt: str | None = None
    variants: list[dict[str, Any]] | None = None


class CompareBody(BaseModel):
    """The plain and the enhanced image, same seed (an entry is an error body if it failed)."""

    original: dict[str, Any]
    enhanced: dict[str, Any]
    request_id: str


class EnhanceBody(BaseModel):
    """A dry run of enhancement: no image is made."""

    original_prompt: str
    enhanced_prompt: str
    enhancement: dict[str, Any]
    timings_ms: dict[str, int]
    request_id: str


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """Document the error body under each of ``statuses``."""
    return {status: {"model": ErrorBody} for status in statuses}


def json_body(model: type[BaseModel] = GenerationRequest) -> dict[str, Any]:
    """An ``openapi_extra`` that documents ``model`` as the JSON request body."""
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": model.model_json_schema()}},
        }
    }


# What any generating route can answer besides 200 (the contract's error table).
GENERATION_ERRORS = error_responses(400, 401, 403, 409, 413, 422, 429, 500, 502, 504)
