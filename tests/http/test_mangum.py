"""The HTTP app on Lambda: API Gateway HTTP API (2.0) and REST (1.0) events through ``api``."""

from __future__ import annotations

import base64
import io
import json
from typing import Any

import pytest
from PIL import Image

from tests.support.api_gateway import call, http_v2, rest_v1
from tests.support.bedrock_double import BedrockDouble


def header(response: dict[str, Any], name: str) -> str:
    headers = {k.lower(): v for k, v in response["headers"].items()}
    return str(headers[name.lower()])


@pytest.mark.parametrize("shape", [http_v2, rest_v1])
def test_generate_through_api_gateway(aws: Any, bedrock: BedrockDouble, shape: Any) -> None:
    response, context = call(shape("POST", "/generate", {"prompt": "a cat", "seed": 42}))
    assert response["statusCode"] == 200, response
    body = json.loads(response["body"])
    assert body["request_id"] == context.aws_request_id
    assert header(response, "X-Request-Id") == context.aws_request_id
    assert bedrock.requests[0].body["seed"] == 42
    # S3 storage on Lambda: the image route redirects to a presigned GET.
    image, _ = call(shape("GET", f"/images/{body['key']}"))
    assert image["statusCode"] == 307
    assert body["key"] in header(image, "Location")


@pytest.mark.parametrize("shape", [http_v2, rest_v1])
def test_a_binary_image_response(
    aws: Any, monkeypatch: pytest.MonkeyPatch, bedrock: BedrockDouble, shape: Any
) -> None:
    monkeypatch.setenv("GENPIC_STORAGE", "local")
    made, _ = call(shape("POST", "/generate", {"prompt": "a cat", "output_format": "webp"}))
    body = json.loads(made["body"])
    response, _ = call(shape("GET", f"/images/{body['key']}"))
    assert response["statusCode"] == 200
    assert response["isBase64Encoded"] is True
    assert header(response, "Content-Type") == "image/webp"
    image = Image.open(io.BytesIO(base64.b64decode(response["body"])))
    assert (image.format, image.size) == ("WEBP", (body["width"], body["height"]))


@pytest.mark.parametrize("shape", [http_v2, rest_v1])
def test_errors_and_health_through_api_gateway(
    aws: Any, bedrock: BedrockDouble, shape: Any
) -> None:
    refused, context = call(shape("POST", "/generate", {"prompt": ""}))
    assert refused["statusCode"] == 400
    assert json.loads(refused["body"])["request_id"] == context.aws_request_id
    health, _ = call(shape("GET", "/health"))
    assert json.loads(health["body"])["engine"] == "bedrock"
    assert bedrock.requests == []
