"""Bedrock and S3 faults become the contract's statuses: retried where it helps, never a 500."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import INPUT_BUCKET, OUTPUT_BUCKET, image_bytes
from tests.integration.helpers import invoke, stored_image
from tests.support.bedrock_double import BedrockDouble, Fault

A_CAT = {"body": '{"prompt": "a cat", "seed": 7}'}


def invoke_calls(bedrock: BedrockDouble) -> int:
    return sum(1 for call in bedrock.requests if call.operation == "InvokeModel")


def test_throttling_is_retried_then_succeeds(aws: Any, bedrock: BedrockDouble) -> None:
    bedrock.inject(Fault("ThrottlingException"), Fault("ThrottlingException"))
    status, _, body = invoke("generate", A_CAT)
    assert status == 200, body
    assert invoke_calls(bedrock) == 3
    stored_image(aws, body)


def test_throttling_that_outlasts_retries_is_a_429_with_retry_after(
    aws: Any, bedrock: BedrockDouble
) -> None:
    bedrock.inject(*[Fault("ThrottlingException")] * 3)
    status, headers, body = invoke("generate", A_CAT)
    assert status == 429
    assert body["error"] == "Throttled"
    assert int(headers["Retry-After"]) > 0
    assert "quota" in body["message"].lower()
    assert invoke_calls(bedrock) == 3
    assert aws.list_objects_v2(Bucket="gen-img-out1")["KeyCount"] == 0


def test_a_5xx_is_retried_then_succeeds(aws: Any, bedrock: BedrockDouble) -> None:
    bedrock.inject(Fault("ServiceUnavailableException"), Fault("InternalServerException"))
    status, _, body = invoke("generate", A_CAT)
    assert status == 200, body
    assert invoke_calls(bedrock) == 3


@pytest.mark.parametrize(
    ("fault", "status", "error", "calls", "hint"),
    [
        ("ServiceUnavailableException", 502, "ModelUnavailable", 3, "retry"),
        ("InternalServerException", 502, "ModelUnavailable", 3, "retry"),
        ("ServiceQuotaExceededException", 429, "Throttled", 1, "quota"),
        ("AccessDeniedException", 502, "ModelUnavailable", 1, "model access"),
        ("ResourceNotFoundException", 502, "ModelUnavailable", 1, "not found"),
        ("ValidationException", 400, "ValidationError", 1, "rejected"),
        ("ModelTimeoutException", 504, "UpstreamTimeout", 1, "too long"),
        ("ModelNotReadyException", 502, "ModelUnavailable", 3, "retry"),
        ("ModelErrorException", 502, "ModelUnavailable", 1, "failed"),
    ],
)
def test_each_bedrock_error_maps_to_the_contract(
    aws: Any, bedrock: BedrockDouble, fault: str, status: int, error: str, calls: int, hint: str
) -> None:
    bedrock.inject(
        *[Fault(fault, message="details for arn:aws:bedrock:us-west-2:123456789012:x")] * 3
    )
    got, headers, body = invoke("generate", A_CAT)
    assert (got, body["error"]) == (status, error)
    assert hint in body["message"].lower()
    assert "arn:aws" not in body["message"]
    assert "123456789012" not in body["message"]
    assert "Traceback" not in body["message"]
    assert invoke_calls(bedrock) == calls
    if status == 429:
        assert "Retry-After" in headers


def test_a_read_timeout_is_a_504_and_is_not_retried(
    aws: Any, bedrock: BedrockDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GENPIC_MODEL_TIMEOUT", "0.5")
    bedrock.inject(Fault("", delay_seconds=1.5, operation="InvokeModel"))
    status, _, body = invoke("generate", A_CAT)
    assert status == 504
    assert body["error"] == "UpstreamTimeout"
    assert invoke_calls(bedrock) == 1


@pytest.mark.parametrize("reason", ["Filter reason: prompt", "Filter reason: output image"])
def test_content_filter_is_a_422_never_an_empty_image(
    aws: Any, bedrock: BedrockDouble, reason: str
) -> None:
    bedrock.set_filter(reason)
    status, _, body = invoke("generate", A_CAT)
    assert status == 422
    assert (body["error"], body["screen"]) == ("ContentFiltered", "model")
    assert aws.list_objects_v2(Bucket="gen-img-out1")["KeyCount"] == 0


def test_enhancer_failure_falls_back_to_the_original_prompt(
    aws: Any, bedrock: BedrockDouble
) -> None:
    bedrock.inject(*[Fault("AccessDeniedException", operation="Converse")] * 3)
    status, _, body = invoke("enhance", {"prompt": "a dragon"})
    assert status == 200, body
    assert body["enhancement"]["status"] == "fallback"
    assert "ModelUnavailable" in body["enhancement"]["reason"]
    assert body["enhanced_prompt"] == body["original_prompt"] == "a dragon"
    invoked = [c for c in bedrock.requests if c.operation == "InvokeModel"]
    assert invoked[0].body["prompt"] == "a dragon"
    stored_image(aws, body)


def test_enhancer_content_filter_refuses_the_request(aws: Any, bedrock: BedrockDouble) -> None:
    bedrock.set_converse_reply("I can't help with that.", stop_reason="content_filtered")
    status, _, body = invoke("enhance", {"prompt": "a dragon", "enhancement_style": "anime"})
    assert status == 422, body
    assert (body["error"], body["screen"]) == ("ContentFiltered", "enhancer")
    assert not [c for c in bedrock.requests if c.operation == "InvokeModel"]
    assert not aws.list_objects_v2(Bucket=OUTPUT_BUCKET).get("Contents")


def test_enhancer_throttling_is_retried(aws: Any, bedrock: BedrockDouble) -> None:
    bedrock.inject(Fault("ThrottlingException", operation="Converse"))
    status, _, body = invoke("enhance", {"prompt": "a dragon"})
    assert status == 200
    assert body["enhancement"]["status"] == "applied"
    assert sum(1 for c in bedrock.requests if c.operation == "Converse") == 2


def test_missing_output_bucket_is_a_storage_error(aws: Any, bedrock: BedrockDouble) -> None:
    aws.delete_bucket(Bucket="gen-img-out1")
    status, _, body = invoke("generate", A_CAT)
    assert status == 502
    assert body["error"] == "StorageError"
    assert "OUTPUT_BUCKET" in body["message"]


def test_unset_output_bucket_is_a_configuration_error(
    aws: Any, bedrock: BedrockDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OUTPUT_BUCKET")
    status, _, body = invoke("generate", A_CAT)
    assert (status, body["error"]) == (500, "ConfigurationError")
    assert "OUTPUT_BUCKET" in body["message"]
    assert bedrock.requests == []


# Bad input the Lambda handlers and the HTTP app must refuse before any model call.
BAD_INPUTS: list[tuple[dict[str, Any], int, str, str]] = [
    (
        {"prompt": "a", "init_image_s3": "s3://gen-img-input1/missing.png"},
        400,
        "InvalidImage",
        "init_image_s3",
    ),
    (
        {"prompt": "a", "init_image_s3": "s3://someone-elses-bucket/x.png"},
        403,
        "Forbidden",
        "init_image_s3",
    ),
    (
        {"prompt": "a", "init_image_s3": "s3://gen-img-input1/tiny.png"},
        400,
        "InvalidImage",
        "init_image",
    ),
    (
        {"prompt": "a", "init_image_s3": "s3://gen-img-input1/notes.txt"},
        400,
        "InvalidImage",
        "init_image",
    ),
    (
        {
            "prompt": "a",
            "init_image_s3": "s3://gen-img-input1/ok.jpeg",
            "model": "stability.stable-image-core-v1:1",
        },
        400,
        "ValidationError",
        "model",
    ),
    ({"prompt": "", "seed": 3}, 400, "ValidationError", "prompt"),
    ({"prompt": "a", "colour": "red"}, 400, "ValidationError", "colour"),
]


def seed_bad_inputs(s3: Any) -> None:
    """Put the input objects BAD_INPUTS refers to into INPUT_BUCKET."""
    s3.put_object(Bucket=INPUT_BUCKET, Key="tiny.png", Body=image_bytes((40, 40), "PNG"))
    s3.put_object(Bucket=INPUT_BUCKET, Key="notes.txt", Body=b"not an image at all")
    s3.put_object(Bucket=INPUT_BUCKET, Key="ok.jpeg", Body=image_bytes())


@pytest.mark.parametrize(("payload", "status", "error", "field"), BAD_INPUTS)
def test_bad_input_is_a_4xx_naming_the_field_without_a_model_call(
    aws: Any, bedrock: BedrockDouble, payload: dict[str, Any], status: int, error: str, field: str
) -> None:
    seed_bad_inputs(aws)
    got, _, body = invoke("enhance", {"body": payload})
    assert (got, body["error"], body.get("field")) == (status, error, field), body
    assert bedrock.requests == []


@pytest.mark.parametrize(
    "event",
    [
        {"body": "{not json"},
        {"body": "[1, 2]"},
        {"body": 42},
        {"body": "e30=", "isBase64Encoded": True, "requestContext": {}},
        {"body": "%%%", "isBase64Encoded": True},
        {"requestContext": {"http": {"method": "POST"}}},
        ["a list"],
    ],
)
def test_malformed_events_are_400s(aws: Any, bedrock: BedrockDouble, event: Any) -> None:
    status, _, body = invoke("generate", event)
    assert status == 400
    assert body["error"] == "ValidationError"
    assert body["field"] in ("body", "prompt")
    assert bedrock.requests == []


def test_inline_base64_init_image(aws: Any, bedrock: BedrockDouble) -> None:
    import base64

    encoded = base64.b64encode(image_bytes((320, 256), "PNG")).decode()
    status, _, body = invoke(
        "generate", {"prompt": "as a mosaic", "init_image": encoded, "strength": 0.35}
    )
    assert status == 200, body
    sent = bedrock.requests[0].body
    assert sent["strength"] == 0.35
    assert base64.b64decode(sent["image"]) == base64.b64decode(encoded)
    assert stored_image(aws, body).size == (320, 256)


@pytest.mark.parametrize("fmt", ["png", "webp", "jpeg"])
def test_output_format_bytes_extension_and_content_type_agree(
    aws: Any, bedrock: BedrockDouble, fmt: str
) -> None:
    status, _, body = invoke("generate", {"prompt": "a cat", "output_format": fmt})
    assert status == 200
    assert body["content_type"] == f"image/{fmt}"
    assert stored_image(aws, body).format.lower() == fmt


def test_a_slow_enhancer_falls_back_within_its_own_timeout(
    aws: Any, bedrock: BedrockDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GENPIC_ENHANCE_TIMEOUT", "0.5")
    bedrock.inject(Fault("", delay_seconds=1.5, operation="Converse"))
    status, _, body = invoke("enhance", {"prompt": "a dragon"})
    assert status == 200, body
    assert body["enhancement"]["status"] == "fallback"
    assert "UpstreamTimeout" in body["enhancement"]["reason"]
    assert sum(1 for c in bedrock.requests if c.operation == "Converse") == 1
