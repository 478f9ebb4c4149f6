"""The Lambda handlers' bad-input corpus, replayed over HTTP: clean 4xx JSON, no model call."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.integration.test_faults import BAD_INPUTS, seed_bad_inputs
from tests.support.bedrock_double import BedrockDouble
from tests.unit.test_request import RULE_CASES

ROUTES = ("/generate", "/generate-enhanced", "/compare")


def assert_clean_refusal(response: Any, status: int, error: str, field: str | None) -> None:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) >= {"error", "message", "request_id"}
    assert body["error"] == error
    assert body["request_id"] == response.headers["X-Request-Id"]
    if field is not None:
        assert body["field"] == field
    assert "Traceback" not in response.text


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize(("payload", "status", "error", "field"), BAD_INPUTS)
def test_handler_corpus_over_http(
    aws: Any,
    aws_client: TestClient,
    bedrock: BedrockDouble,
    route: str,
    payload: dict[str, Any],
    status: int,
    error: str,
    field: str,
) -> None:
    seed_bad_inputs(aws)
    assert_clean_refusal(aws_client.post(route, json=payload), status, error, field)
    assert bedrock.requests == []


@pytest.mark.parametrize(("payload", "field"), RULE_CASES)
def test_every_request_rule_over_http(
    aws_client: TestClient, bedrock: BedrockDouble, payload: Any, field: str
) -> None:
    assert_clean_refusal(aws_client.post("/generate", json=payload), 400, "ValidationError", field)
    assert bedrock.requests == []


@pytest.mark.parametrize(
    "raw",
    [b"{not json", b"[1, 2]", b"42", b"null", b"\xff\xfe", b"", b'"a cat"'],
)
@pytest.mark.parametrize("route", [*ROUTES, "/enhance", "/v1/images/generations"])
def test_malformed_bodies_are_400s(
    aws_client: TestClient, bedrock: BedrockDouble, raw: bytes, route: str
) -> None:
    response = aws_client.post(route, content=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text
    body = response.json()
    if route.startswith("/v1/"):
        assert body["error"]["type"] == "invalid_request_error"
        assert body["error"]["param"] in ("body", "prompt")
    else:
        assert body["error"] == "ValidationError"
        assert body["field"] in ("body", "prompt")
    assert bedrock.requests == []
