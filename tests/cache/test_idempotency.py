"""Idempotency keys through the HTTP routes and the Lambda handler, and the race of two at once."""

from __future__ import annotations

import json
import threading
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient

from genpic.aws import handlers
from genpic.pipeline import Pipeline
from tests.conftest import OUTPUT_BUCKET
from tests.support.bedrock_double import BedrockDouble, Fault
from tests.support.lambda_context import LambdaContext


def invocations(bedrock: BedrockDouble) -> int:
    return sum(1 for r in bedrock.requests if r.operation == "InvokeModel")


def test_a_repeat_gets_the_first_answer_and_no_second_image(
    http: TestClient, bedrock: BedrockDouble, aws: Any
) -> None:
    headers = {"Idempotency-Key": "order-1"}
    first = http.post("/generate", json={"prompt": "a kite"}, headers=headers)
    again = http.post("/generate", json={"prompt": "a kite"}, headers=headers)
    assert first.status_code == again.status_code == 200
    # The same answer, but for its presigned url, signed afresh on each replay.
    assert {**again.json(), "url": None} == {**first.json(), "url": None}
    assert again.headers["X-Request-Id"] != first.headers["X-Request-Id"]
    assert invocations(bedrock) == 1
    assert len(aws.list_objects_v2(Bucket=OUTPUT_BUCKET)["Contents"]) == 1
    # The field is the same key as the header.
    field = http.post("/generate", json={"prompt": "a kite", "idempotency_key": "order-1"})
    assert field.json()["image_id"] == first.json()["image_id"] and invocations(bedrock) == 1


def test_the_same_key_with_another_body_is_a_409(http: TestClient, bedrock: BedrockDouble) -> None:
    headers = {"Idempotency-Key": "order-2"}
    assert http.post("/generate", json={"prompt": "a kite"}, headers=headers).status_code == 200
    other = http.post("/generate", json={"prompt": "a drum"}, headers=headers)
    assert other.status_code == 409
    assert other.json()["error"] == "IdempotencyConflict"
    assert invocations(bedrock) == 1


def test_header_and_field_must_agree_and_be_printable(
    http: TestClient, bedrock: BedrockDouble
) -> None:
    differ = http.post(
        "/generate",
        json={"prompt": "a kite", "idempotency_key": "a"},
        headers={"Idempotency-Key": "b"},
    )
    assert differ.status_code == 400 and differ.json()["field"] == "idempotency_key"
    too_long = http.post("/generate", json={"prompt": "a kite", "idempotency_key": "k" * 129})
    assert too_long.status_code == 400 and too_long.json()["field"] == "idempotency_key"
    assert invocations(bedrock) == 0


def test_a_failure_a_retry_could_fix_is_not_kept(http: TestClient, bedrock: BedrockDouble) -> None:
    bedrock.inject(*[Fault("ThrottlingException", operation="InvokeModel")] * 3)
    headers = {"Idempotency-Key": "order-3"}
    assert http.post("/generate", json={"prompt": "a kite"}, headers=headers).status_code == 429
    assert http.post("/generate", json={"prompt": "a kite"}, headers=headers).status_code == 200


def test_two_identical_keyed_requests_at_once_make_one_image(
    lambda_pipeline: Pipeline, bedrock: BedrockDouble, aws: Any
) -> None:
    bedrock.inject(Fault("", delay_seconds=1.0, operation="InvokeModel"))
    event = {"body": json.dumps({"prompt": "a comet"}), "headers": {"idempotency-key": "race-1"}}
    answers: list[dict[str, Any]] = []

    def run() -> None:
        answers.append(handlers.generate(event, LambdaContext(function_name="aws_gen_pic")))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a["statusCode"] for a in answers] == [200, 200]
    first, second = ({**json.loads(a["body"]), "url": None} for a in answers)
    assert first == second  # the same answer; the waiter's url is signed afresh
    assert invocations(bedrock) == 1
    assert len(aws.list_objects_v2(Bucket=OUTPUT_BUCKET)["Contents"]) == 1


def _signed_at(url: str) -> str:
    """Return a SigV4 presigned URL's signing time (``YYYYMMDDTHHMMSSZ``: sorts as time)."""
    return parse_qs(urlsplit(url).query)["X-Amz-Date"][0]


def test_a_replay_carries_freshly_signed_urls(
    lambda_pipeline: Pipeline, bedrock: BedrockDouble, aws: Any
) -> None:
    event = {
        "body": json.dumps({"prompt": "a tram", "n": 2}),
        "headers": {"idempotency-key": "order-4"},
    }
    context = LambdaContext(function_name="aws_gen_pic")
    first = json.loads(handlers.generate(event, context)["body"])
    time.sleep(1.1)  # presigned URLs carry whole seconds
    again = json.loads(handlers.generate(event, context)["body"])
    assert invocations(bedrock) == 2  # the two variants, once
    parts = [(first, again), *zip(first["variants"], again["variants"], strict=True)]
    for old, new in parts:
        assert new["key"] == old["key"] and new["url"] != old["url"]
        assert _signed_at(new["url"]) > _signed_at(old["url"])
        assert aws.head_object(Bucket=OUTPUT_BUCKET, Key=new["key"])
    strip = {"url": None, "variants": None}
    assert {**again, **strip} == {**first, **strip}
