"""The Lambda handlers fed what an attacker would send, in every event shape: 4xx, no model call.

Each case asserts what the wire saw: no InvokeModel on the Bedrock double and no
object in the output bucket on moto.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import OUTPUT_BUCKET
from tests.integration.helpers import invoke
from tests.support.bedrock_double import BedrockDouble
from tests.support.events import canned, http_api, rest_api

DEEP = "[" * 10_000 + "]" * 10_000
# Body texts the JSON decoder must refuse with a 400 on ``body``.
HOSTILE_TEXTS = {
    "deep": DEEP,
    "too-deep": '{"prompt": "a", "x": ' + "[" * 100 + "]" * 100 + "}",
    "long-int": '{"prompt": "a", "seed": ' + "7" * 4301 + "}",
    "surrogate": '{"prompt": "\\ud800("}',
    "nan": '{"prompt": "a", "strength": NaN}',
    "infinity": '{"prompt": "a", "seed": -Infinity}',
}
INVISIBLE = " \u200b\u2060\ufeff "


def with_text(shape: str, text: str) -> dict[str, Any]:
    """An event of ``shape`` whose body is the raw JSON ``text``."""
    if shape == "console":
        return {"body": text}
    event = canned("apigw_http_v2.json" if shape == "http_api" else "apigw_rest_v1.json")
    event["body"] = text
    return event


def nothing_reached_aws(s3: Any, bedrock: BedrockDouble) -> None:
    assert [c for c in bedrock.requests if c.operation == "InvokeModel"] == []
    assert s3.list_objects_v2(Bucket=OUTPUT_BUCKET)["KeyCount"] == 0


def nested(depth: int) -> Any:
    value: Any = {"prompt": "a"}
    for _ in range(depth):
        value = {"x": value}
    return value


@pytest.mark.parametrize("handler", ["generate", "enhance"])
@pytest.mark.parametrize("shape", ["http_api", "rest_api", "console"])
@pytest.mark.parametrize("name", sorted(HOSTILE_TEXTS))
def test_a_hostile_body_is_a_400(
    aws: Any, bedrock: BedrockDouble, handler: str, shape: str, name: str
) -> None:
    status, _, body = invoke(handler, with_text(shape, HOSTILE_TEXTS[name]))
    assert (status, body["error"], body["field"]) == (400, "ValidationError", "body"), body
    nothing_reached_aws(aws, bedrock)


def test_invalid_utf8_in_a_base64_body_is_a_400(aws: Any, bedrock: BedrockDouble) -> None:
    event = canned("apigw_http_v2.json")
    event["body"] = base64.b64encode(b'{"prompt": "\xff("}').decode()
    event["isBase64Encoded"] = True
    status, _, body = invoke("generate", event)
    assert (status, body["error"], body["field"]) == (400, "ValidationError", "body")
    assert "UTF-8" in body["message"]
    nothing_reached_aws(aws, bedrock)


@pytest.mark.parametrize(
    "event",
    [nested(500), {"body": nested(500)}],
    ids=["bare", "console-object"],
)
def test_an_already_decoded_deep_payload_is_a_400(
    aws: Any, bedrock: BedrockDouble, event: Any
) -> None:
    status, _, body = invoke("enhance", event)
    assert (status, body["error"], body["field"]) == (400, "ValidationError", "body")
    nothing_reached_aws(aws, bedrock)


@pytest.mark.parametrize("build", [http_api, rest_api, lambda p: {"body": json.dumps(p)}])
@pytest.mark.parametrize(
    "key",
    [
        "s3://gen-img-input1/a\u0000b.png",
        "s3://gen-img-input1/" + "k" * 5000 + ".png",
        "s3://gen-img-input1/a\u007fb.png",
    ],
)
def test_an_unusable_init_image_key_is_a_400_before_any_s3_read(
    aws: Any, bedrock: BedrockDouble, build: Callable[[Any], Any], key: str
) -> None:
    status, _, body = invoke("generate", build({"prompt": "a", "init_image_s3": key}))
    assert (status, body["error"], body["field"]) == (400, "ValidationError", "init_image_s3")
    nothing_reached_aws(aws, bedrock)


@pytest.mark.parametrize(
    "key", ["s3://gen-img-input1/a\u0000b.png", "s3://gen-img-input1/" + "k" * 300 + ".png"]
)
def test_with_local_storage_too(
    aws: Any, bedrock: BedrockDouble, monkeypatch: pytest.MonkeyPatch, key: str
) -> None:
    monkeypatch.setenv("GENPIC_STORAGE", "local")
    status, _, body = invoke("generate", {"prompt": "a", "init_image_s3": key})
    assert (status, body["error"], body["field"]) == (400, "ValidationError", "init_image_s3")
    nothing_reached_aws(aws, bedrock)


@pytest.mark.parametrize("handler", ["generate", "enhance"])
@pytest.mark.parametrize("build", [http_api, rest_api, lambda p: p])
def test_a_prompt_of_invisible_characters_is_a_400(
    aws: Any, bedrock: BedrockDouble, handler: str, build: Callable[[Any], Any]
) -> None:
    status, _, body = invoke(handler, build({"prompt": INVISIBLE}))
    assert (status, body["error"], body["field"]) == (400, "ValidationError", "prompt")
    assert "visible" in body["message"]
    assert bedrock.requests == []  # not even the enhancer


@pytest.mark.parametrize("template", ["apigw_http_v2.json", "apigw_rest_v1.json"])
@pytest.mark.parametrize(
    ("headers", "status", "error"),
    [
        ({"origin": "https://evil.example", "content-type": "text/plain"}, 403, "Forbidden"),
        ({"origin": "null"}, 403, "Forbidden"),
        ({"content-type": "text/plain"}, 415, "UnsupportedMediaType"),
        ({"content-type": "application/x-www-form-urlencoded"}, 415, "UnsupportedMediaType"),
    ],
)
def test_a_browser_on_another_site_cannot_spend(
    aws: Any,
    bedrock: BedrockDouble,
    template: str,
    headers: dict[str, str],
    status: int,
    error: str,
) -> None:
    event = canned(template)
    event["headers"] = {
        k: v for k, v in event["headers"].items() if k.lower() not in ("content-type",)
    }
    event["headers"].update(headers)
    event["body"] = json.dumps({"prompt": "x", "n": 4})
    got, _, body = invoke("generate", event)
    assert (got, body["error"]) == (status, error), body
    nothing_reached_aws(aws, bedrock)


def test_the_apis_own_page_and_curl_may(aws: Any, bedrock: BedrockDouble) -> None:
    event = http_api({"prompt": "a cat"})
    event["headers"]["origin"] = "https://abc123.execute-api.us-west-2.amazonaws.com"
    status, _, body = invoke("generate", event)
    assert status == 200, body
    status, _, body = invoke("generate", rest_api({"prompt": "a dog"}))  # no Origin
    assert status == 200, body


def test_a_listed_cors_origin_may(
    aws: Any, bedrock: BedrockDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GENPIC_CORS_ORIGINS", "https://app.example")
    event = http_api({"prompt": "a cat"})
    event["headers"]["origin"] = "https://app.example"
    status, _, body = invoke("generate", event)
    assert status == 200, body


def test_allowed_hosts_hold_on_lambda_when_listed(
    aws: Any, bedrock: BedrockDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GENPIC_ALLOWED_HOSTS", "pics.example.com")
    status, _, body = invoke("generate", http_api({"prompt": "a cat"}))
    assert (status, body["error"]) == (403, "Forbidden")
    assert "GENPIC_ALLOWED_HOSTS" in body["message"]
    nothing_reached_aws(aws, bedrock)
    status, _, _ = invoke("generate", {"prompt": "a cat"})  # no headers: a console test event
    assert status == 200
