"""Invoke the HTTP app's Lambda handler (``api``) with API Gateway events, as the runtime does."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from genpic.aws import handlers
from tests.support.events import canned
from tests.support.lambda_context import LambdaContext


def http_v2(method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    """An HTTP API (payload 2.0) event for ``method path`` on the ``$default`` route."""
    event = canned("apigw_http_v2.json")
    event["routeKey"] = event["requestContext"]["routeKey"] = "$default"
    path, _, query = path.partition("?")
    event["rawPath"] = event["requestContext"]["http"]["path"] = path
    event["rawQueryString"] = query
    event["requestContext"]["http"]["method"] = method
    event["body"] = json.dumps(body) if body is not None else None
    return event


def rest_v1(method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    """A REST API (payload 1.0) proxy event for ``method path``."""
    event = canned("apigw_rest_v1.json")
    event["path"] = event["requestContext"]["resourcePath"] = path
    event["httpMethod"] = event["requestContext"]["httpMethod"] = method
    event["resource"] = "/{proxy+}"
    event["body"] = json.dumps(body) if body is not None else None
    return event


def call(event: dict[str, Any]) -> tuple[dict[str, Any], LambdaContext]:
    """Invoke ``api`` as the Lambda runtime does: on a thread with no running event loop.

    (Other tests' Playwright keeps a loop running on the main thread.)
    """
    context = LambdaContext(function_name="genpic_api")

    def run() -> dict[str, Any]:
        asyncio.set_event_loop(asyncio.new_event_loop())
        return handlers.api(event, context)

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result(), context
