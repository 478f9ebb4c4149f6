"""What leaves genpic for Bedrock, field by field, and what Bedrock's answers turn into.

Each assertion reads what the Bedrock double recorded or the exact header genpic
answered, so a value dropped or changed on its way out fails here.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest

from genpic.catalog import STABLE_IMAGE_ULTRA
from genpic.request import ASPECT_RATIO_IGNORED
from tests.conftest import INPUT_BUCKET, image_bytes
from tests.integration.helpers import invoke
from tests.support.bedrock_double import BedrockDouble, Fault, RecordedCall


def only_invoke(bedrock: BedrockDouble) -> RecordedCall:
    [call] = [c for c in bedrock.requests if c.operation == "InvokeModel"]
    return call


def test_text_to_image_sends_every_request_field_to_the_requested_model(
    aws: Any, bedrock: BedrockDouble
) -> None:
    status, _, body = invoke(
        "generate",
        {
            "prompt": "a red fox in the snow",
            "negative_prompt": "blurry, watermark",
            "aspect_ratio": "9:21",
            "seed": 1234,
            "output_format": "webp",
            "model": STABLE_IMAGE_ULTRA,
        },
    )
    assert status == 200, body
    call = only_invoke(bedrock)
    assert call.model_id == STABLE_IMAGE_ULTRA
    assert call.body == {
        "prompt": "a red fox in the snow",
        "negative_prompt": "blurry, watermark",
        "aspect_ratio": "9:21",
        "seed": 1234,
        "output_format": "webp",
        "mode": "text-to-image",
    }


def test_image_to_image_sends_the_init_image_strength_and_negative_prompt_but_no_ratio(
    aws: Any, bedrock: BedrockDouble
) -> None:
    init = image_bytes((320, 256), "PNG")
    aws.put_object(Bucket=INPUT_BUCKET, Key="in/photo.png", Body=init)
    status, _, body = invoke(
        "generate",
        {
            "prompt": "as a watercolour",
            "negative_prompt": "text",
            "init_image_s3": f"s3://{INPUT_BUCKET}/in/photo.png",
            "aspect_ratio": "1:1",
            "strength": 0.25,
            "seed": 77,
            "output_format": "png",
        },
    )
    assert status == 200, body
    # aspect_ratio is accepted and not sent: the result takes the input's shape, and says so.
    assert body["warnings"] == [ASPECT_RATIO_IGNORED]
    sent = only_invoke(bedrock).body
    assert base64.b64decode(sent.pop("image")) == init
    assert sent == {
        "prompt": "as a watercolour",
        "negative_prompt": "text",
        "mode": "image-to-image",
        "strength": 0.25,
        "seed": 77,
        "output_format": "png",
    }


@pytest.mark.parametrize(
    ("fault", "status", "retry_after"),
    [
        ("ThrottlingException", 429, "10"),
        ("ServiceQuotaExceededException", 429, "10"),
        ("ModelNotReadyException", 502, "5"),
        ("ServiceUnavailableException", 502, "5"),
        ("InternalServerException", 502, "5"),
        ("AccessDeniedException", 502, None),
        ("ModelTimeoutException", 504, None),
        ("ModelErrorException", 502, None),
    ],
)
def test_retry_after_header_has_the_exact_value_per_error(
    aws: Any,
    bedrock: BedrockDouble,
    monkeypatch: pytest.MonkeyPatch,
    fault: str,
    status: int,
    retry_after: str | None,
) -> None:
    # One attempt: the retry loop has its own tests, this one reads the final answer.
    monkeypatch.setenv("GENPIC_MODEL_ATTEMPTS", "1")
    bedrock.inject(Fault(fault))
    got, headers, body = invoke("generate", {"prompt": "a cat"})
    assert got == status, body
    assert headers.get("Retry-After") == retry_after
    if status == 429:
        assert f"Retry after {retry_after} s" in body["message"]


def test_an_enhancer_cut_off_at_max_tokens_falls_back_to_the_original_prompt(
    aws: Any, bedrock: BedrockDouble
) -> None:
    # A rewrite cut off mid-sentence at maxTokens is not a prompt to pay for.
    bedrock.set_converse_reply("a dragon breathing fire over a ruined", stop_reason="max_tokens")
    status, _, body = invoke("enhance", {"prompt": "a dragon"})
    assert status == 200, body
    assert only_invoke(bedrock).body["prompt"] == "a dragon"
    assert body["enhancement"]["status"] == "fallback"
    assert body["enhanced_prompt"] == "a dragon"
    assert "max_tokens" in body["enhancement"]["reason"]


@pytest.mark.parametrize("stop_reason", ["guardrail_intervened", "content_filtered"])
def test_an_enhancer_refusal_refuses_the_request_without_an_image_model_call(
    aws: Any, bedrock: BedrockDouble, stop_reason: str
) -> None:
    bedrock.set_converse_reply("I can't help with that.", stop_reason=stop_reason)
    status, _, body = invoke("enhance", {"prompt": "a dragon"})
    assert status == 422, body
    assert (body["error"], body["screen"]) == ("ContentFiltered", "enhancer")
    assert stop_reason in body["message"]
    assert [c.operation for c in bedrock.requests] == ["Converse"]


def test_an_end_turn_rewrite_is_what_the_image_model_gets(aws: Any, bedrock: BedrockDouble) -> None:
    bedrock.set_converse_reply("a dragon over a burning castle, oil painting")
    status, _, body = invoke("enhance", {"prompt": "a dragon", "negative_prompt": "text"})
    assert status == 200, body
    sent = only_invoke(bedrock).body
    assert sent["prompt"] == "a dragon over a burning castle, oil painting"
    # The negative prompt is the caller's, never rewritten.
    assert sent["negative_prompt"] == "text"
    assert body["enhancement"]["status"] == "applied"


def test_an_unexpected_fault_is_a_500_that_hides_its_details(
    aws: Any, bedrock: BedrockDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: Any) -> Any:
        raise RuntimeError("secret detail arn:aws:iam::123456789012:role/genpic")

    monkeypatch.setattr("genpic.pipeline.normalize_output", broken)
    status, headers, body = invoke("generate", {"prompt": "a cat"})
    assert (status, body["error"]) == (500, "InternalError")
    assert headers["Content-Type"] == "application/json"
    assert "Retry-After" not in headers
    assert "secret" not in body["message"]
    assert "123456789012" not in body["message"]
    assert "RuntimeError" not in body["message"]
    assert aws.list_objects_v2(Bucket="gen-img-out1")["KeyCount"] == 0
