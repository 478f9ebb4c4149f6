"""What the handlers send to Bedrock, what they cost, and the links and metadata they return."""

from __future__ import annotations

import urllib.request
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from genpic.catalog import text_cost
from genpic.enhancers.styles import STYLES
from tests.conftest import INPUT_BUCKET, OUTPUT_BUCKET
from tests.integration.helpers import invoke
from tests.support.bedrock_double import BedrockDouble


@pytest.mark.parametrize("style", sorted(STYLES))
def test_converse_request_carries_the_style_and_the_original_inference_config(
    aws: Any, bedrock: BedrockDouble, style: str
) -> None:
    status, _, body = invoke("enhance", {"prompt": "a house", "enhancement_style": style})
    assert status == 200
    [converse] = [c for c in bedrock.requests if c.operation == "Converse"]
    assert converse.body["system"] == [{"text": STYLES[style].system_prompt}]
    assert converse.body["messages"] == [{"role": "user", "content": [{"text": "a house"}]}]
    assert converse.body["inferenceConfig"] == {"maxTokens": 200, "temperature": 0.7, "topP": 0.9}
    assert body["enhancement"]["style"] == style


def test_inference_profile_text_model_and_token_cost(
    aws: Any, bedrock: BedrockDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GENPIC_TEXT_MODEL", "us.amazon.nova-pro-v1:0")
    bedrock.set_converse_reply('"a majestic orange tabby cat on a windowsill, golden hour"')
    status, _, body = invoke(
        "enhance", {"prompt": "a cat", "model": "stability.stable-image-ultra-v1:1"}
    )
    assert status == 200
    [converse] = [c for c in bedrock.requests if c.operation == "Converse"]
    assert converse.model_id == "us.amazon.nova-pro-v1:0"
    assert body["enhanced_prompt"] == "a majestic orange tabby cat on a windowsill, golden hour"
    assert body["enhancement"]["model"] == "us.amazon.nova-pro-v1:0"
    # The double reports word counts as tokens; the estimate must use exactly those.
    system_words = len(STYLES["default"].system_prompt.split()) + 2
    reply_words = len(body["enhanced_prompt"].split())
    expected = 0.14 + text_cost("amazon.nova-pro-v1:0", system_words, reply_words)
    assert body["cost_usd"] == pytest.approx(expected, abs=2e-6)
    assert body["cost_usd"] > 0.14


def test_presigned_url_serves_the_image_for_fifteen_minutes(
    aws: Any, bedrock: BedrockDouble
) -> None:
    status, _, body = invoke("generate", {"prompt": "a cat", "output_format": "png"})
    assert status == 200
    query = parse_qs(urlsplit(body["url"]).query)
    assert query["X-Amz-Expires"] == ["900"]
    with urllib.request.urlopen(body["url"], timeout=5) as response:
        served = response.read()
    stored = aws.get_object(Bucket=OUTPUT_BUCKET, Key=body["key"])["Body"].read()
    assert served == stored
    assert served.startswith(b"\x89PNG")


def test_init_image_over_the_byte_ceiling_is_refused_before_any_model_call(
    aws: Any, bedrock: BedrockDouble
) -> None:
    aws.put_object(
        Bucket=INPUT_BUCKET, Key="huge.png", Body=b"\x89PNG" + b"\0" * (10 * 1024 * 1024)
    )
    status, _, body = invoke(
        "generate", {"prompt": "a", "init_image_s3": f"s3://{INPUT_BUCKET}/huge.png"}
    )
    assert (status, body["error"]) == (400, "InvalidImage")
    assert "10,485,760" in body["message"]
    assert bedrock.requests == []


def test_preview_engine_and_template_enhancer_on_s3(
    aws: Any, bedrock: BedrockDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GENPIC_ENGINE", "preview")
    monkeypatch.setenv("GENPIC_ENHANCER", "template")
    status, _, body = invoke("enhance", {"prompt": "a cat", "seed": 5})
    assert status == 200
    assert body["preview"] is True
    assert body["engine"] == "preview"
    assert body["cost_usd"] == 0
    assert body["enhancement"]["enhancer"] == "template"
    assert bedrock.requests == []
    assert aws.head_object(Bucket=OUTPUT_BUCKET, Key=body["key"])["Metadata"]["engine"] == "preview"


def test_enhancer_off_reports_why(
    aws: Any, bedrock: BedrockDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GENPIC_ENHANCER", "off")
    status, _, body = invoke("enhance", {"prompt": "a cat"})
    assert status == 200
    assert body["enhancement"]["status"] == "fallback"
    assert "GENPIC_ENHANCER=off" in body["enhancement"]["reason"]
    assert [c.operation for c in bedrock.requests] == ["InvokeModel"]


def test_unknown_backend_name_is_a_configuration_error_naming_the_variable(
    aws: Any, bedrock: BedrockDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GENPIC_ENGINE", "dalle")
    status, _, body = invoke("generate", {"prompt": "a cat"})
    assert (status, body["error"]) == (500, "ConfigurationError")
    assert "GENPIC_ENGINE='dalle'" in body["message"]
