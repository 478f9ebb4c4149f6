"""Turn any event shape the original functions accepted into the request payload."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from genpic.errors import ValidationError
from genpic.request import parse_json_body

# Keys that mark an API Gateway event (REST 1.0 or HTTP 2.0) even when it has no body.
_API_GATEWAY_KEYS = ("requestContext", "routeKey", "httpMethod")


def payload_from_event(event: Any) -> Any:
    """Return the JSON payload carried by ``event``.

    Accepts API Gateway REST (1.0) and HTTP (2.0) proxy events with a JSON string
    body (possibly base64), console test events ``{"body": "<json>"}`` or
    ``{"body": {...}}``, and a bare payload ``{"prompt": ...}``.
    """
    if not isinstance(event, dict):
        raise ValidationError("The event must be a JSON object.", field="body")
    if "body" not in event:
        return {} if any(key in event for key in _API_GATEWAY_KEYS) else event
    body = event["body"]
    if body is None:
        return {}
    if isinstance(body, dict):
        return body
    if not isinstance(body, str):
        raise ValidationError("body must be a JSON object or a JSON string.", field="body")
    if event.get("isBase64Encoded"):
        body = _base64_text(body)
    return parse_json_body(body)


def header_from_event(event: Any, name: str) -> str | None:
    """Return the HTTP header ``name`` of an API Gateway event (any case), or None."""
    headers = event.get("headers") if isinstance(event, dict) else None
    if not isinstance(headers, dict):
        return None
    wanted = name.lower()
    value = next((v for k, v in headers.items() if str(k).lower() == wanted), None)
    return value if isinstance(value, str) else None


def _base64_text(body: str) -> str:
    try:
        return base64.b64decode(body, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise ValidationError(
            "body is marked base64 but is not base64 UTF-8 text.", field="body"
        ) from None
