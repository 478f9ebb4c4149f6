"""Prove the Bedrock double and the moto launcher work with unmodified boto3 clients."""

from __future__ import annotations

import base64
import io
import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ReadTimeoutError
from PIL import Image

from tests.support.bedrock_double import ERROR_STATUS, BedrockDouble, Fault
from tests.support.moto_server import MotoServer

SD35 = "stability.sd3-5-large-v1:0"
CORE = "stability.stable-image-core-v1:1"
ULTRA = "stability.stable-image-ultra-v1:1"
NOVA = "us.amazon.nova-pro-v1:0"
NO_RETRY = Config(retries={"total_max_attempts": 1})
# The statuses real Bedrock uses (botocore's service model, error.httpStatusCode).
EXPECTED_STATUS = {
    "AccessDeniedException": 403,
    "ResourceNotFoundException": 404,
    "ValidationException": 400,
    "ThrottlingException": 429,
    "ModelTimeoutException": 408,
    "ModelNotReadyException": 429,
    "ServiceQuotaExceededException": 400,
    "ModelErrorException": 424,
    "ServiceUnavailableException": 503,
    "InternalServerException": 500,
}


@pytest.fixture(scope="module")
def server() -> Iterator[BedrockDouble]:
    with BedrockDouble() as double:
        yield double


@pytest.fixture
def double(server: BedrockDouble) -> BedrockDouble:
    server.reset()
    return server


def aws_client(service: str, **kwargs: Any) -> Any:
    """Return a real boto3 client with dummy credentials."""
    return boto3.client(  # type: ignore[call-overload]
        service,
        region_name="us-west-2",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        aws_session_token="testing",
        **kwargs,
    )


def client(double: BedrockDouble, config: Config = NO_RETRY) -> Any:
    return aws_client("bedrock-runtime", endpoint_url=double.url, config=config)


def invoke(bedrock: Any, body: dict[str, Any], model: str = SD35) -> dict[str, Any]:
    response = bedrock.invoke_model(
        modelId=model,
        body=json.dumps(body),
        contentType="application/json",
        accept="application/json",
    )
    assert response["contentType"] == "application/json"
    return dict(json.loads(response["body"].read()))


def decode(image_b64: str) -> Image.Image:
    image = Image.open(io.BytesIO(base64.b64decode(image_b64)))
    image.load()
    return image


def png_b64(size: tuple[int, int]) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 20, 30)).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = excinfo.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


@pytest.mark.parametrize(
    ("model", "extra", "size", "fmt"),
    [
        (SD35, {}, (1024, 1024), "PNG"),
        (SD35, {"aspect_ratio": "16:9", "output_format": "jpeg"}, (1344, 768), "JPEG"),
        (ULTRA, {"aspect_ratio": "9:21", "output_format": "webp"}, (640, 1536), "WEBP"),
        (CORE, {"aspect_ratio": "2:3", "output_format": "png"}, (832, 1216), "PNG"),
    ],
)
def test_text_to_image_size_and_format(
    double: BedrockDouble, model: str, extra: dict[str, Any], size: tuple[int, int], fmt: str
) -> None:
    result = invoke(client(double), {"prompt": "a red fox", "seed": 42, **extra}, model)
    assert result["seeds"] == [42]
    assert result["finish_reasons"] == [None]
    image = decode(result["images"][0])
    assert (image.size, image.format) == (size, fmt)
    assert [(c.operation, c.model_id) for c in double.requests] == [("InvokeModel", model)]
    assert double.requests[0].body["prompt"] == "a red fox"


def test_seed_zero_or_absent_is_replaced(double: BedrockDouble) -> None:
    bedrock = client(double)
    for body in ({"prompt": "x", "seed": 0}, {"prompt": "x"}):
        (seed,) = invoke(bedrock, body)["seeds"]
        assert 1 <= seed <= 4294967294


def test_image_to_image_requires_strength(double: BedrockDouble) -> None:
    bedrock = client(double)
    body = {"prompt": "make it blue", "mode": "image-to-image", "image": png_b64((320, 200))}
    with pytest.raises(ClientError) as excinfo:
        invoke(bedrock, body)
    assert error_of(excinfo) == ("ValidationException", 400)
    assert "strength" in excinfo.value.response["Error"]["Message"]

    result = invoke(bedrock, {**body, "strength": 0.6, "output_format": "jpeg"})
    image = decode(result["images"][0])
    assert (image.size, image.format) == ((320, 200), "JPEG")


@pytest.mark.parametrize(
    ("model", "body", "needle"),
    [
        (CORE, {"mode": "image-to-image", "strength": 0.5}, "image-to-image"),
        (SD35, {"mode": "image-to-image", "strength": 0.5, "aspect_ratio": "1:1"}, "aspect_ratio"),
        (SD35, {"mode": "image-to-image", "strength": 1.5}, "strength"),
        (SD35, {"mode": "image-to-image", "strength": 0.5, "image": "bm90IGFuIGltYWdl"}, "image"),
        (SD35, {"mode": "image-to-image", "strength": 0.5, "image": png_b64((32, 32))}, "64"),
        ("stability.sd3-large-v9:0", {}, "model identifier is invalid"),
        (SD35, {"prompt": ""}, "prompt"),
        (SD35, {"prompt": "x" * 10001}, "prompt"),
        (SD35, {"aspect_ratio": "4:3"}, "aspect_ratio"),
        (SD35, {"seed": 4294967295}, "seed"),
        (SD35, {"seed": "7"}, "seed"),
        (SD35, {"output_format": "gif"}, "output_format"),
        (SD35, {"mode": "inpaint"}, "mode"),
        (SD35, {"cfg_scale": 7}, "cfg_scale"),
    ],
)
def test_invoke_validation(
    double: BedrockDouble, model: str, body: dict[str, Any], needle: str
) -> None:
    body = {"prompt": "a cat", "image": png_b64((128, 128)), **body}
    if body.get("mode") != "image-to-image":
        body.pop("image")
    with pytest.raises(ClientError) as excinfo:
        invoke(client(double), body, model)
    assert error_of(excinfo) == ("ValidationException", 400)
    assert needle in excinfo.value.response["Error"]["Message"]


def test_a_body_over_invoke_models_limit_is_a_validation_error(double: BedrockDouble) -> None:
    body = {"prompt": "a cat", "negative_prompt": "x" * 25_000_000}
    with pytest.raises(ClientError) as excinfo:
        invoke(client(double), body)
    assert error_of(excinfo) == ("ValidationException", 400)
    assert "25000000" in excinfo.value.response["Error"]["Message"]


def test_error_table_matches_botocore() -> None:
    assert EXPECTED_STATUS.items() <= ERROR_STATUS.items()
    assert Fault("ModelTimeoutException").status == 408
    with pytest.raises(ValueError, match="pass a status"):
        Fault("MadeUpException")


@pytest.mark.parametrize(("code", "status"), sorted(EXPECTED_STATUS.items()))
def test_injected_errors_surface_as_client_errors(
    double: BedrockDouble, code: str, status: int
) -> None:
    double.inject(Fault(code, message=f"boom {code}"))
    with pytest.raises(ClientError) as excinfo:
        invoke(client(double), {"prompt": "x"})
    assert error_of(excinfo) == (code, status)
    assert excinfo.value.response["Error"]["Message"] == f"boom {code}"
    assert excinfo.value.response["ResponseMetadata"]["RequestId"]
    assert len(double.requests) == 1


def test_fault_respects_operation_and_fifo(double: BedrockDouble) -> None:
    bedrock = client(double)
    double.inject(
        Fault("AccessDeniedException", operation="Converse"),
        Fault("ThrottlingException"),
        Fault("ModelErrorException", status=500),
    )
    with pytest.raises(ClientError) as excinfo:
        invoke(bedrock, {"prompt": "x"})
    assert error_of(excinfo) == ("ThrottlingException", 429)
    with pytest.raises(ClientError) as excinfo:
        invoke(bedrock, {"prompt": "x"})
    assert error_of(excinfo) == ("ModelErrorException", 500)
    assert invoke(bedrock, {"prompt": "x"})["images"]
    with pytest.raises(ClientError) as excinfo:
        bedrock.converse(modelId=NOVA, messages=[{"role": "user", "content": [{"text": "x"}]}])
    assert error_of(excinfo) == ("AccessDeniedException", 403)


def test_delay_triggers_read_timeout(double: BedrockDouble) -> None:
    double.inject(Fault("", delay_seconds=1.5))
    config = Config(read_timeout=0.5, retries={"total_max_attempts": 1})
    started = time.monotonic()
    with pytest.raises(ReadTimeoutError):
        invoke(client(double, config), {"prompt": "x"})
    assert time.monotonic() - started < 1.4


def test_delay_without_error_answers_normally(double: BedrockDouble) -> None:
    double.inject(Fault("", delay_seconds=0.2))
    started = time.monotonic()
    assert invoke(client(double), {"prompt": "x"})["images"]
    assert time.monotonic() - started >= 0.2


def test_filter_sets_finish_reason(double: BedrockDouble) -> None:
    bedrock = client(double)
    double.set_filter("Filter reason: prompt")
    result = invoke(bedrock, {"prompt": "something nasty", "seed": 9})
    assert result == {"seeds": [9], "finish_reasons": ["Filter reason: prompt"], "images": []}
    double.set_filter(None)
    assert invoke(bedrock, {"prompt": "x"})["finish_reasons"] == [None]


def converse(bedrock: Any, text: str, model: str = NOVA, **kwargs: Any) -> dict[str, Any]:
    messages = [{"role": "user", "content": [{"text": text}]}]
    return dict(bedrock.converse(modelId=model, messages=messages, **kwargs))


def test_converse_default_rewrite(double: BedrockDouble) -> None:
    response = converse(
        client(double),
        "a lighthouse at dusk",
        system=[{"text": "You improve image prompts."}],
        inferenceConfig={"maxTokens": 300, "temperature": 0.5, "topP": 0.9},
    )
    message = response["output"]["message"]
    assert message["role"] == "assistant"
    assert message["content"] == [
        {"text": "a lighthouse at dusk, highly detailed, dramatic lighting, 8k"}
    ]
    assert response["stopReason"] == "end_turn"
    usage = response["usage"]
    assert usage["inputTokens"] > 0 and usage["outputTokens"] > 0
    assert usage["totalTokens"] == usage["inputTokens"] + usage["outputTokens"]
    assert response["metrics"]["latencyMs"] >= 0
    (call,) = double.requests
    assert (call.operation, call.model_id) == ("Converse", "us.amazon.nova-pro-v1:0")
    assert call.body["system"] == [{"text": "You improve image prompts."}]


def test_converse_scripted_and_filtered(double: BedrockDouble) -> None:
    bedrock = client(double)
    double.set_converse_reply("a scripted prompt")
    response = converse(bedrock, "anything", model="amazon.nova-lite-v1:0")
    assert response["output"]["message"]["content"][0]["text"] == "a scripted prompt"
    double.set_converse_reply("I can't help with that.", stop_reason="content_filtered")
    assert converse(bedrock, "bad", model="eu.amazon.nova-pro-v1:0")["stopReason"] == (
        "content_filtered"
    )
    double.reset()
    assert converse(bedrock, "cat")["output"]["message"]["content"][0]["text"].startswith("cat, ")


@pytest.mark.parametrize(
    ("model", "kwargs", "needle"),
    [
        ("amazon.titan-text-v9:0", {}, "model identifier is invalid"),
        (NOVA, {"inferenceConfig": {"temperature": 1.5}}, "temperature"),
        (NOVA, {"inferenceConfig": {"topP": 2.0}}, "topP"),
        (NOVA, {"messages": [{"role": "assistant", "content": [{"text": "hi"}]}]}, "start"),
        (NOVA, {"messages": [{"role": "user", "content": [{"text": " "}]}]}, "blank"),
    ],
)
def test_converse_validation(
    double: BedrockDouble, model: str, kwargs: dict[str, Any], needle: str
) -> None:
    kwargs = {"messages": [{"role": "user", "content": [{"text": "hi"}]}], **kwargs}
    with pytest.raises(ClientError) as excinfo:
        client(double).converse(modelId=model, **kwargs)
    assert error_of(excinfo) == ("ValidationException", 400)
    assert needle in excinfo.value.response["Error"]["Message"]


def test_raw_wire_format(double: BedrockDouble) -> None:
    def post(path: str, body: object) -> tuple[int, dict[str, str], dict[str, Any]]:
        request = urllib.request.Request(
            double.url + path, data=json.dumps(body).encode(), method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status, dict(response.headers), json.load(response)
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), json.load(error)

    status, headers, body = post("/model/amazon.nova-pro-v1%3A0/converse", {"messages": []})
    assert status == 400
    assert headers["x-amzn-ErrorType"] == (
        "ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/"
    )
    assert headers["x-amzn-RequestId"] and body["message"]
    assert double.requests[-1].model_id == "amazon.nova-pro-v1:0"

    status, headers, body = post("/foundation-models", {})
    assert status == 404 and headers["x-amzn-ErrorType"] == "UnknownOperationException"
    assert len(double.requests) == 1


def test_endpoint_from_environment(double: BedrockDouble, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", double.url)
    bedrock = aws_client("bedrock-runtime", config=NO_RETRY)
    assert invoke(bedrock, {"prompt": "x", "seed": 1})["seeds"] == [1]
    assert len(double.requests) == 1


def test_moto_server_enforces_if_none_match(moto_server: MotoServer) -> None:
    moto_server.reset()
    s3 = aws_client("s3", endpoint_url=moto_server.url)
    s3.create_bucket(Bucket="genpic", CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    s3.put_object(Bucket="genpic", Key="a.png", Body=b"first", IfNoneMatch="*")
    with pytest.raises(ClientError) as excinfo:
        s3.put_object(Bucket="genpic", Key="a.png", Body=b"second", IfNoneMatch="*")
    assert error_of(excinfo) == ("PreconditionFailed", 412)
    assert s3.get_object(Bucket="genpic", Key="a.png")["Body"].read() == b"first"

    moto_server.reset()
    assert s3.list_buckets()["Buckets"] == []


@pytest.mark.parametrize("model", ["amazon.nova-canvas-v1:0", "amazon.titan-image-generator-v2:0"])
def test_models_past_their_end_of_life_are_unknown_to_invoke_model(
    double: BedrockDouble, model: str
) -> None:
    # The double serves no model past its end of life: it answers as for any unknown id.
    body = {"taskType": "TEXT_IMAGE", "textToImageParams": {"text": "a cat"}}
    with pytest.raises(ClientError) as excinfo:
        client(double).invoke_model(modelId=model, body=json.dumps(body))
    assert error_of(excinfo) == ("ValidationException", 400)
    assert "model identifier is invalid" in excinfo.value.response["Error"]["Message"]
    assert [call.model_id for call in double.requests] == [model]


def test_apply_guardrail_answers_in_the_real_response_shape(double: BedrockDouble) -> None:
    bedrock = client(double)
    passed = bedrock.apply_guardrail(
        guardrailIdentifier="gr0test1",
        guardrailVersion="DRAFT",
        source="INPUT",
        content=[{"text": {"text": "a lighthouse"}}],
    )
    assert (passed["action"], passed["outputs"]) == ("NONE", [])
    assert "actionReason" not in passed
    assert passed["usage"]["contentPolicyUnits"] == 1
    blocked = bedrock.apply_guardrail(
        guardrailIdentifier="arn:aws:bedrock:us-west-2:123456789012:guardrail/gr0test1",
        guardrailVersion="2",
        source="INPUT",
        content=[{"text": {"text": "x" * 1500 + " BOMB"}}],
    )
    assert blocked["action"] == "GUARDRAIL_INTERVENED"
    assert blocked["actionReason"] and blocked["outputs"][0]["text"]
    [assessment] = blocked["assessments"]
    assert assessment["contentPolicy"]["filters"][0]["action"] == "BLOCKED"
    assert blocked["usage"]["contentPolicyUnits"] == 2  # 1,505 characters: two text units
    recorded = double.requests[-1]
    assert (recorded.operation, recorded.version) == ("ApplyGuardrail", "2")
    assert recorded.model_id.endswith("guardrail/gr0test1")


def test_apply_guardrail_screens_png_and_jpeg_images_only(double: BedrockDouble) -> None:
    bedrock = client(double)
    png = io.BytesIO()
    Image.new("RGB", (64, 64)).save(png, "PNG")
    image = {"image": {"format": "png", "source": {"bytes": png.getvalue()}}}
    answer = bedrock.apply_guardrail(
        guardrailIdentifier="gr0test1", guardrailVersion="DRAFT", source="OUTPUT", content=[image]
    )
    assert (answer["action"], answer["usage"]["contentPolicyImageUnits"]) == ("NONE", 1)
    double.guardrails.block_images = True
    answer = bedrock.apply_guardrail(
        guardrailIdentifier="gr0test1", guardrailVersion="DRAFT", source="OUTPUT", content=[image]
    )
    assert answer["action"] == "GUARDRAIL_INTERVENED"
    image["image"]["format"] = "jpeg"  # bytes that are a PNG
    with pytest.raises(ClientError) as refused:
        bedrock.apply_guardrail(
            guardrailIdentifier="gr0test1",
            guardrailVersion="DRAFT",
            source="OUTPUT",
            content=[image],
        )
    assert refused.value.response["Error"]["Code"] == "ValidationException"


@pytest.mark.parametrize(
    ("identifier", "version", "code"),
    [("nosuch1", "DRAFT", "ResourceNotFoundException"), ("gr0test1", "0", "ValidationException")],
)
def test_apply_guardrail_refuses_unknown_guardrails_and_bad_versions(
    double: BedrockDouble, identifier: str, version: str, code: str
) -> None:
    with pytest.raises(ClientError) as refused:
        client(double).apply_guardrail(
            guardrailIdentifier=identifier,
            guardrailVersion=version,
            source="INPUT",
            content=[{"text": {"text": "a cat"}}],
        )
    assert refused.value.response["Error"]["Code"] == code
