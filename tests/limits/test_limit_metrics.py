"""A client over its limit is counted as ``RateLimited`` under its entry and a 4xx: never a page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from genpic.aws import handlers
from tests.limits.conftest import Limited, frozen_now
from tests.support.bedrock_double import BedrockDouble
from tests.support.emf import Point, printed
from tests.support.events import http_api
from tests.support.lambda_context import LambdaContext


def refusals(found: list[Point]) -> list[tuple[str, str, str]]:
    """Each error point printed: its name, entry and error code (``-`` when it has none)."""
    return [
        (p.name, p.dimension("Entry"), dict(p.dimensions).get("ErrorCode", "-"))
        for p in found
        if p.name in ("RateLimited", "ClientErrors", "ServerErrors")
    ]


@pytest.mark.parametrize(
    ("route", "body"),
    [
        ("/generate", {"prompt": "a dog"}),
        ("/compare", {"prompt": "a dog"}),
        ("/v1/images/generations", {"prompt": "a dog"}),
        ("/batches", {"requests": [{"prompt": "a dog"}]}),
    ],
)
def test_a_route_over_the_limit_counts_rate_limited_under_its_route(
    limited: Callable[..., Limited],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    route: str,
    body: dict[str, Any],
) -> None:
    monkeypatch.setenv("GENPIC_METRICS", "emf")
    app = limited(rate="1/minute")
    assert app.post("/generate", {"prompt": "a cat"}).status_code == 200
    printed(capsys)  # the first request's image
    calls = app.invokes()
    assert app.post(route, body).status_code == 429
    assert refusals(printed(capsys)) == [
        ("ClientErrors", route, "RateLimited"),
        ("RateLimited", route, "-"),
    ]
    assert app.invokes() == calls


def test_a_handler_over_the_limit_counts_rate_limited_under_its_entry(
    aws: Any,
    bedrock: BedrockDouble,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GENPIC_RATE_LIMIT", "1/minute")
    handlers.reset()
    now = frozen_now()
    handlers._shared_pipeline().limiter.clock = lambda: now
    assert handlers.enhance(http_api({"prompt": "a cat"}), LambdaContext())["statusCode"] == 200
    printed(capsys)
    refused = handlers.enhance(http_api({"prompt": "a dog"}), LambdaContext())
    assert refused["statusCode"] == 429
    assert refusals(printed(capsys)) == [
        ("ClientErrors", "enhance", "RateLimited"),
        ("RateLimited", "enhance", "-"),
    ]
