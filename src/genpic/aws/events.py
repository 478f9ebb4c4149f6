"""Turn any event shape the original functions accepted into the request payload."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from genpic import jsonbody
from genpic.crosssite import JSON, SiteRules, check_media_type
from genpic.errors import ValidationError

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
        return {} if any(key in event for key in _API_GATEWAY_KEYS) else jsonbody.check_value(event)
    body = event["body"]
    if body is None:
        return {}
    if isinstance(body, dict):
        return jsonbody.check_value(body)
    if not isinstance(body, str):
        raise ValidationError("body must be a JSON object or a JSON string.", field="body")
    if event.get("isBase64Encoded"):
        return jsonbody.loads(_base64_bytes(body))
    return jsonbody.loads(body)


def check_browser_rules(event: Any, rules: SiteRules) -> None:
    """Hold an API Gateway event to the HTTP app's Host, Origin and Content-Type rules.

    Only API Gateway events (with ``requestContext``) come from the network; console
    and CLI test events do not, and nothing a web page sends reaches a function
    except through API Gateway.

    Raises
    ------
    Forbidden
        A foreign ``Host``, or a foreign ``Origin`` (``genpic.crosssite``).
    UnsupportedMediaType
        A body whose ``Content-Type`` is not JSON.
    """
    context = event.get("requestContext") if isinstance(event, dict) else None
    if not isinstance(context, dict) or not isinstance(event.get("headers"), dict):
        return
    http = context.get("http")
    method = (http.get("method") if isinstance(http, dict) else None) or event.get("httpMethod")
    rules.check(
        str(method or "POST"),
        header_from_event(event, "x-forwarded-proto") or "https",
        header_from_event(event, "host"),
        header_from_event(event, "origin"),
    )
    body = event.get("body")
    has_body = isinstance(body, str) and bool(body)
    check_media_type(header_from_event(event, "content-type"), (JSON,), has_body=has_body)


def header_from_event(event: Any, name: str) -> str | None:
    """Return the HTTP header ``name`` of an API Gateway event (any case), or None."""
    headers = event.get("headers") if isinstance(event, dict) else None
    if not isinstance(headers, dict):
        return None
    wanted = name.lower()
    value = next((v for k, v in headers.items() if str(k).lower() == wanted), None)
    return value if isinstance(value, str) else None


def _base64_bytes(body: str) -> bytes:
    try:
        return base64.b64decode(body, validate=True)
    except binascii.Error:
        raise ValidationError("body is marked base64 but is not base64.", field="body") from None
