"""The generate and enhance handlers and the HTTP app on Lambda count the caller API Gateway names."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from genpic.aws import handlers
from tests.conftest import RECORDS_TABLE
from tests.http.test_mangum import call, header, http_v2
from tests.limits.conftest import frozen_now, minute_of
from tests.support.bedrock_double import BedrockDouble
from tests.support.events import http_api, rest_api
from tests.support.lambda_context import LambdaContext


def with_jwt(event: dict[str, Any], sub: str) -> dict[str, Any]:
    event["requestContext"]["authorizer"] = {
        "jwt": {"claims": {"sub": sub, "iss": "https://issuer.example"}, "scopes": None}
    }
    return event


def counts() -> dict[tuple[str, str], int]:
    items = boto3.client("dynamodb").scan(TableName=RECORDS_TABLE)["Items"]
    return {
        (i["client"]["S"], i["period"]["S"]): int(i["taken"]["N"])
        for i in items
        if i["pk"]["S"].startswith("LIMIT#")
    }


@pytest.fixture
def frozen(aws: Any, monkeypatch: pytest.MonkeyPatch) -> int:
    """Limit handlers to 2 images a minute, at a frozen moment (returned)."""
    monkeypatch.setenv("GENPIC_RATE_LIMIT", "2/minute")
    handlers.reset()
    now = frozen_now()
    handlers._shared_pipeline().limiter.clock = lambda: now
    return now


@pytest.mark.parametrize("handler", [handlers.generate, handlers.enhance])
def test_a_handler_answers_429_with_the_headers_and_calls_no_model(
    frozen: int, bedrock: BedrockDouble, handler: Any
) -> None:
    event = with_jwt(http_api({"prompt": "a cat", "n": 2}), "user-7")
    assert handler(event, LambdaContext())["statusCode"] == 200
    calls = len(bedrock.requests)
    refused = handler(with_jwt(http_api({"prompt": "a dog"}), "user-7"), LambdaContext())
    assert refused["statusCode"] == 429
    assert json.loads(refused["body"])["error"] == "RateLimited"
    assert {k: v for k, v in refused["headers"].items() if k != "X-Request-Id"} == {
        "Content-Type": "application/json",
        "Retry-After": "43",
        "RateLimit-Limit": "2",
        "RateLimit-Remaining": "0",
        "RateLimit-Reset": "43",
    }
    assert len(bedrock.requests) == calls
    assert counts() == {("jwt:user-7", minute_of(frozen)): 2, ("jwt:user-7", "day"): 2}


def test_iam_callers_source_ips_and_direct_invocations_are_each_a_client(
    frozen: int, bedrock: BedrockDouble
) -> None:
    rest = rest_api({"prompt": "a cat"})
    rest["requestContext"]["identity"]["userArn"] = "arn:aws:iam::123456789012:user/ci"
    handlers.generate(rest, LambdaContext())
    handlers.generate(http_api({"prompt": "a cat"}), LambdaContext())  # sourceIp 203.0.113.10
    handlers.generate({"prompt": "a cat"}, LambdaContext())  # aws lambda invoke
    assert {client for client, _ in counts()} == {
        "iam:arn:aws:iam::123456789012:user/ci",
        "ip:203.0.113.10",
        "lambda:invoke",
    }


def test_the_http_app_on_lambda_counts_the_jwt_subject(frozen: int) -> None:
    assert call(http_v2("GET", "/health"))[0]["statusCode"] == 200  # builds the app
    handlers._api.app.state.genpic.pipeline.limiter.clock = lambda: frozen
    event = with_jwt(http_v2("POST", "/generate", {"prompt": "a cat", "n": 2}), "user-9")
    response, _ = call(event)
    assert response["statusCode"] == 200
    refused, _ = call(with_jwt(http_v2("POST", "/generate", {"prompt": "a dog"}), "user-9"))
    assert refused["statusCode"] == 429
    assert header(refused, "RateLimit-Remaining") == "0"
    assert counts()[("jwt:user-9", "day")] == 2
