"""Variants over HTTP and in the Lambda handler, against the Bedrock double and moto."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.integration.helpers import invoke, stored_image
from tests.support.bedrock_double import BedrockDouble, Fault

STYLES = ["cinematic", "artistic", "photorealistic", "anime"]


def invokes(bedrock: BedrockDouble) -> list[dict[str, Any]]:
    return [c.body for c in bedrock.requests if c.operation == "InvokeModel"]


def test_n_images_have_distinct_seeds(
    aws: Any, aws_client: TestClient, bedrock: BedrockDouble
) -> None:
    response = aws_client.post("/generate", json={"prompt": "a fox", "n": 3, "seed": 10})
    assert response.status_code == 200, response.text
    body = response.json()
    assert [v["seed"] for v in body["variants"]] == [10, 11, 12]
    assert sorted(sent["seed"] for sent in invokes(bedrock)) == [10, 11, 12]
    assert body["key"] == body["variants"][0]["key"]
    assert len({v["key"] for v in body["variants"]}) == 3
    for variant in body["variants"]:
        stored_image(aws, variant)


def test_random_seeds_for_n_are_distinct_too(
    aws_client: TestClient, bedrock: BedrockDouble
) -> None:
    body = aws_client.post("/generate", json={"prompt": "a fox", "n": 4}).json()
    seeds = [v["seed"] for v in body["variants"]]
    assert len(set(seeds)) == 4 and 0 not in seeds
    assert sorted(s["seed"] for s in invokes(bedrock)) == sorted(seeds)


def test_the_original_multi_style_example_gives_one_image_per_style(
    aws_client: TestClient, bedrock: BedrockDouble
) -> None:
    payload = {"prompt": "a cat", "enhancement_style": "photorealistic", "styles": STYLES}
    response = aws_client.post("/generate-enhanced", json=payload)
    assert response.status_code == 200, response.text
    body = response.json()
    assert [v["enhancement"]["style"] for v in body["variants"]] == STYLES
    assert body["enhancement"]["style"] == "photorealistic"
    seeds = {v["seed"] for v in body["variants"]}
    assert len(seeds) == 1 and seeds != {0}
    converses = [c for c in bedrock.requests if c.operation == "Converse"]
    assert len(converses) == 4
    sent_prompts = sorted(s["prompt"] for s in invokes(bedrock))
    assert sent_prompts == sorted(v["enhanced_prompt"] for v in body["variants"])
    assert {s["seed"] for s in invokes(bedrock)} == seeds


def test_a_failed_variant_does_not_fail_the_others(
    aws_client: TestClient, bedrock: BedrockDouble
) -> None:
    bedrock.inject(Fault("AccessDeniedException"))
    response = aws_client.post("/generate", json={"prompt": "a fox", "n": 3, "seed": 5})
    assert response.status_code == 200, response.text
    variants = response.json()["variants"]
    failed = [v for v in variants if "error" in v]
    assert [v["error"] for v in failed] == ["ModelUnavailable"]
    assert failed[0]["request_id"] == response.headers["X-Request-Id"]
    assert sum("key" in v for v in variants) == 2
    assert "key" in response.json()


def test_the_request_fails_only_when_every_variant_does(
    aws: Any, aws_client: TestClient, bedrock: BedrockDouble
) -> None:
    bedrock.inject(*[Fault("AccessDeniedException")] * 2)
    response = aws_client.post("/generate", json={"prompt": "a fox", "n": 2})
    assert (response.status_code, response.json()["error"]) == (502, "ModelUnavailable")
    assert aws.list_objects_v2(Bucket="gen-img-out1")["KeyCount"] == 0


def test_the_lambda_handler_makes_variants_too(aws: Any, bedrock: BedrockDouble) -> None:
    status, _, body = invoke("generate", {"prompt": "a fox", "n": 2, "seed": 7})
    assert status == 200, body
    assert [v["seed"] for v in body["variants"]] == [7, 8]
    assert len(invokes(bedrock)) == 2
