"""Build every Lambda event shape the original functions accepted around one request payload."""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

EVENTS = Path(__file__).resolve().parent.parent / "events"


def canned(name: str) -> dict[str, Any]:
    """Load a sample event from tests/events."""
    return json.loads((EVENTS / name).read_text())


def http_api(payload: dict[str, Any]) -> dict[str, Any]:
    """API Gateway HTTP API (payload 2.0) proxy event."""
    event = canned("apigw_http_v2.json")
    event["body"] = json.dumps(payload)
    return event


def http_api_base64(payload: dict[str, Any]) -> dict[str, Any]:
    """HTTP API event whose body API Gateway base64-encoded."""
    event = canned("apigw_http_v2.json")
    event["body"] = base64.b64encode(json.dumps(payload).encode()).decode()
    event["isBase64Encoded"] = True
    return event


def rest_api(payload: dict[str, Any]) -> dict[str, Any]:
    """API Gateway REST API (payload 1.0) proxy event."""
    event = canned("apigw_rest_v1.json")
    event["body"] = json.dumps(payload)
    return event


def console_string(payload: dict[str, Any]) -> dict[str, Any]:
    """Console test event with the body as a JSON string, as the original READMEs show."""
    return {"body": json.dumps(payload)}


def console_object(payload: dict[str, Any]) -> dict[str, Any]:
    """Console test event with the body as an object."""
    return {"body": copy.deepcopy(payload)}


def bare(payload: dict[str, Any]) -> dict[str, Any]:
    """A bare `aws lambda invoke --payload` event."""
    return copy.deepcopy(payload)


SHAPES: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "http_api": http_api,
    "http_api_base64": http_api_base64,
    "rest_api": rest_api,
    "console_string": console_string,
    "console_object": console_object,
    "bare": bare,
}
