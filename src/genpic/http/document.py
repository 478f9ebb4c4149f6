"""The OpenAPI document at ``/openapi.json``: FastAPI's, completed with this deployment's rules.

FastAPI describes each route from its declarations; this adds what only the
deployment knows (the allowed models and each one's limits) and the answers every
route can give whatever it does (the API key, a foreign ``Host`` or ``Origin``, a
body too large or not JSON, an internal error), each in the error body of its
route: OpenAI's under ``/v1/``, genpic's elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from genpic.catalog import MAX_PROMPT, MAX_SEED, image_model, image_to_image_models, retirement
from genpic.http import schemas as bodies
from genpic.http.edit_schema import edit_schema
from genpic.http.errors import OPENAI_PREFIX, REQUEST_ID_HEADER
from genpic.http.middleware import OPEN_PATHS
from genpic.http.openai_compat import openai_parameters
from genpic.http.schemas import (
    BODY,
    IMAGE_TO_IMAGE,
    JSON,
    LAZY,
    DocumentedBody,
    ErrorBody,
    OpenAIErrorBody,
    documented_body,
)
from genpic.jobs.service import MAX_BATCH
from genpic.settings import Settings

_METHODS = ("get", "put", "post", "delete", "patch")
_REFERENCE = "#/components/schemas/{model}"
# The request schema each route names in ``json_body``.
REQUEST_SCHEMAS: dict[str, Callable[[], dict[str, Any]]] = {
    "generate": lambda: bodies.generation_schema("plain"),
    "generate-enhanced": lambda: bodies.generation_schema("enhanced"),
    "compare": lambda: bodies.generation_schema("pair"),
    "job": lambda: bodies.generation_schema("job"),
    "batch": lambda: bodies.batch_schema(MAX_BATCH),
    "feedback": bodies.feedback_schema,
    "openai-generation": lambda: openai_parameters(edit=False),
    "openai-edit": lambda: openai_parameters(edit=True),
    "edit": edit_schema,
}
_REASONS = {
    400: "The request is malformed; `field` names what to fix",
    401: "Missing or wrong API key",
    403: "A Host or Origin this server does not answer",
    413: "The body is over 6 MiB (a local upload: over 10 MiB)",
    415: "The body is not of a media type this route takes",
    500: "An internal error (`request_id` finds it in the logs)",
}


def install(app: FastAPI, settings: Settings) -> None:
    """Serve the completed document as ``app.openapi()`` (built once, on first request)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            complete(document, settings)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def complete(document: dict[str, Any], settings: Settings) -> None:
    """Add the deployment's models and every route's common answers to ``document``."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for model in (ErrorBody, OpenAIErrorBody):
        _add_schema(schemas, model)
    # FastAPI's own 422 never leaves this app: its validation errors are 400s (errors.py).
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    for path, _, operation in _operations(document):
        responses = operation.setdefault("responses", {})
        if "HTTPValidationError" in str(responses.get("422", "")):
            del responses["422"]
        for media in operation.get("requestBody", {}).get("content", {}).values():
            name = media.get("schema", {}).get(LAZY)
            if name is not None:
                media["schema"] = REQUEST_SCHEMAS[name]()
        for response in responses.values():
            for media in response.get("content", {}).values():
                name = media.get("schema", {}).get(BODY)
                if name is not None:
                    media["schema"] = _add_schema(schemas, documented_body(name))
        if path == "/uploads":
            _uploads_for(operation, settings)
        body = "OpenAIErrorBody" if path.startswith(OPENAI_PREFIX) else "ErrorBody"
        statuses = [500, 403]
        if path not in OPEN_PATHS:
            statuses.append(401)
        if "requestBody" in operation:
            statuses += [400, 413, 415]
        for status in statuses:
            responses.setdefault(str(status), _error(status, body))
        for response in responses.values():
            response.setdefault("headers", {})[REQUEST_ID_HEADER] = _REQUEST_ID
        for schema in list(_request_schemas(operation)):
            _allowed_models(schema, settings)


def _add_schema(schemas: dict[str, Any], model: type[DocumentedBody]) -> dict[str, str]:
    """Put ``model``'s schema (and those it nests) in ``schemas``; return a reference to it."""
    found = model.model_json_schema(ref_template=_REFERENCE, mode="serialization")
    schemas.update(found.pop("$defs", {}))
    schemas[model.__name__] = found
    return {"$ref": _REFERENCE.format(model=model.__name__)}


def _uploads_for(operation: dict[str, Any], settings: Settings) -> None:
    """S3 storage takes a JSON ``content_type`` (for a presigned POST), local a multipart file."""
    content = operation["requestBody"]["content"]
    keep = JSON if settings.storage == "s3" else "multipart/form-data"
    for media in list(content):
        if media != keep:
            del content[media]


_REQUEST_ID = {"description": "The request's id, as in the logs", "schema": {"type": "string"}}


def _error(status: int, body: str) -> dict[str, Any]:
    return {
        "description": _REASONS[status],
        "content": {JSON: {"schema": {"$ref": f"#/components/schemas/{body}"}}},
    }


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document.get("paths", {}).items():
        for method in _METHODS:
            if method in item:
                yield path, method, item[method]


def _request_schemas(operation: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every object schema in the operation's request body that has a ``model`` field."""
    for media in operation.get("requestBody", {}).get("content", {}).values():
        yield from _with_model(media.get("schema", {}))


def _with_model(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if "model" in node.get("properties", {}):
            yield node
        for value in node.values():
            yield from _with_model(value)
    elif isinstance(node, list):
        for value in node:
            yield from _with_model(value)


def _generates(model_id: str) -> bool:
    model = image_model(model_id)
    return model is None or "generate" in model.operations


def _allowed_models(schema: dict[str, Any], settings: Settings) -> None:
    """Name the allowed models, and hold a request to the limits of the one it asks for."""
    # The image services edit (POST /edit); a generation may name only the other models.
    allowed = [m for m in settings.allowed_models if retirement(m) is None and _generates(m)]
    if schema.get(IMAGE_TO_IMAGE):
        allowed = image_to_image_models(allowed)
    model = schema["properties"]["model"]
    branch = next((b for b in model.get("anyOf", ()) if b.get("type") != "null"), model)
    branch["enum"] = allowed
    if branch is model:
        model["default"] = settings.image_model
    for model_id in allowed:
        limits = _model_limits(model_id)
        if not limits:
            continue
        asks: dict[str, Any] = {"required": ["model"], "properties": {"model": {"const": model_id}}}
        if model_id == settings.image_model:
            asks = {"anyOf": [asks, {"not": {"required": ["model"]}}]}
        rule = {"anyOf": [{"not": asks}, {"allOf": [asks, *limits]}]}
        schema.setdefault("allOf", []).append(rule)


def _model_limits(model_id: str) -> list[dict[str, Any]]:
    """What the catalog says ``model_id`` cannot take, beyond every model's limits."""
    model = image_model(model_id)
    if model is None:
        return []
    limits: list[dict[str, Any]] = []
    if not model.image_to_image:
        for field in ("init_image", "init_image_s3"):
            limits.append({"not": {"required": [field], "properties": {field: {"type": "string"}}}})
    if model.max_seed < MAX_SEED:
        limits.append({"properties": {"seed": {"maximum": model.max_seed}}})
    for field, most in (
        ("prompt", model.max_prompt),
        ("negative_prompt", model.max_negative_prompt),
    ):
        if most < MAX_PROMPT:
            limits.append({"properties": {field: {"maxLength": most}}})
    return limits
