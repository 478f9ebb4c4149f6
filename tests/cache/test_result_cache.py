"""The result cache at the wire: Bedrock double call counts, moto's objects, the header."""

from __future__ import annotations

import json
from typing import Any

from genpic.aws import handlers
from genpic.pipeline import Pipeline
from tests.cache.conftest import Clock
from tests.conftest import OUTPUT_BUCKET
from tests.support.bedrock_double import BedrockDouble
from tests.support.lambda_context import LambdaContext
from tests.support.memory_records import MemoryRecords


def call(
    payload: dict[str, Any], handler: Any = handlers.generate
) -> tuple[int, dict[str, str], dict[str, Any]]:
    response = handler({"body": json.dumps(payload)}, LambdaContext(function_name="aws_gen_pic"))
    return response["statusCode"], response["headers"], json.loads(response["body"])


def invocations(bedrock: BedrockDouble, operation: str = "InvokeModel") -> int:
    return sum(1 for r in bedrock.requests if r.operation == operation)


def test_explicit_seed_repeat_is_a_hit_without_a_model_call(
    lambda_pipeline: Pipeline, bedrock: BedrockDouble, aws: Any, records: MemoryRecords
) -> None:
    request = {"prompt": "a red fox", "seed": 42, "output_format": "png"}
    status, headers, first = call(request)
    assert status == 200 and headers["X-Genpic-Cache"] == "miss"
    assert first["cache"] == "miss" and first["cost_usd"] > 0 and first["image_id"]
    status, headers, second = call(request)
    assert status == 200 and headers["X-Genpic-Cache"] == "hit"
    assert invocations(bedrock) == 1
    assert second["cache"] == "hit" and second["cost_usd"] == 0
    assert second["key"] == first["key"] and second["image_id"] == first["image_id"]
    assert second["request_id"] != first["request_id"]
    assert second["seed"] == 42 and second["content_type"] == "image/png"
    assert first["key"] in second["url"] and "Signature" in second["url"]
    objects = aws.list_objects_v2(Bucket=OUTPUT_BUCKET)["Contents"]
    assert [o["Key"] for o in objects] == [first["key"]]
    stats = records.stats()
    assert (stats.images, stats.cache_hits, stats.cache_misses) == (1, 1, 1)
    assert stats.saved_usd == first["cost_usd"]


def test_each_normalised_parameter_is_part_of_the_key(
    lambda_pipeline: Pipeline, bedrock: BedrockDouble
) -> None:
    base = {"prompt": "a red fox", "seed": 7}
    call(base)
    for change in (
        {"prompt": "a red fox "},  # trimmed: the same prompt
        {"output_format": "JPEG"},  # case-free: the same format
    ):
        assert call({**base, **change})[2]["cache"] == "hit", change
    for change in (
        {"prompt": "a red fox!"},
        {"seed": 8},
        {"aspect_ratio": "1:1"},
        {"output_format": "png"},
        {"negative_prompt": "blur"},
        {"enhance_prompt": True},
        {"translate": False},
        {"model": "stability.stable-image-core-v1:1"},
    ):
        assert call({**base, **change})[2]["cache"] == "miss", change
    assert invocations(bedrock) == 9


def test_random_seed_never_hits_and_cache_false_is_off(
    lambda_pipeline: Pipeline, bedrock: BedrockDouble
) -> None:
    for _ in range(2):
        assert call({"prompt": "a heron"})[2]["cache"] == "miss"
    first = call({"prompt": "a heron", "seed": 5})[2]
    _, headers, off = call({"prompt": "a heron", "seed": 5, "cache": False})
    assert headers["X-Genpic-Cache"] == "off" and off["cache"] == "off"
    assert off["key"] != first["key"] and off["cost_usd"] > 0
    assert invocations(bedrock) == 4


def test_the_seed_a_random_request_used_is_cached(
    lambda_pipeline: Pipeline, bedrock: BedrockDouble
) -> None:
    first = call({"prompt": "a heron"})[2]
    again = call({"prompt": "a heron", "seed": first["seed"]})[2]
    assert again["cache"] == "hit" and again["key"] == first["key"]


def test_entries_expire_after_the_ttl(
    lambda_pipeline: Pipeline, bedrock: BedrockDouble, clock: Clock
) -> None:
    request = {"prompt": "an owl", "seed": 3}
    call(request)
    clock.now += 30 * 86400 - 1
    assert call(request)[2]["cache"] == "hit"
    clock.now += 2
    expired = call(request)[2]
    assert expired["cache"] == "miss" and invocations(bedrock) == 2
    assert call(request)[2]["key"] == expired["key"]  # the new image refilled the entry


def test_a_vanished_object_is_a_miss(
    lambda_pipeline: Pipeline, bedrock: BedrockDouble, aws: Any
) -> None:
    request = {"prompt": "an owl", "seed": 3}
    first = call(request)[2]
    aws.delete_object(Bucket=OUTPUT_BUCKET, Key=first["key"])
    second = call(request)[2]
    assert second["cache"] == "miss" and second["key"] != first["key"]
    assert invocations(bedrock) == 2
    assert aws.head_object(Bucket=OUTPUT_BUCKET, Key=second["key"])
    third = call(request)[2]  # the new image refilled the entry: no third model call
    assert third["cache"] == "hit" and third["key"] == second["key"]
    assert invocations(bedrock) == 2


def test_variants_each_get_an_id_and_hit_alone(
    lambda_pipeline: Pipeline, bedrock: BedrockDouble
) -> None:
    body = call({"prompt": "a boat", "seed": 10, "n": 2})[2]
    ids = [v["image_id"] for v in body["variants"]]
    assert len(set(ids)) == 2 and body["image_id"] == ids[0]
    again = call({"prompt": "a boat", "seed": 11})[2]
    assert again["cache"] == "hit" and again["image_id"] == ids[1]
    assert invocations(bedrock) == 2


def test_enhanced_prompts_are_reused_without_tokens(
    lambda_pipeline: Pipeline, bedrock: BedrockDouble
) -> None:
    first = call({"prompt": "a lighthouse"}, handlers.enhance)[2]
    second = call({"prompt": "a lighthouse"}, handlers.enhance)[2]
    assert invocations(bedrock, "Converse") == 1
    assert first["enhancement"]["status"] == "applied" and "cached" not in first["enhancement"]
    assert second["enhancement"]["cached"] is True
    assert second["enhanced_prompt"] == first["enhanced_prompt"]
    assert second["cost_usd"] < first["cost_usd"]
    other_style = {"prompt": "a lighthouse", "enhancement_style": "anime"}
    assert "cached" not in call(other_style, handlers.enhance)[2]["enhancement"]


def test_fallbacks_are_not_cached(lambda_pipeline: Pipeline, bedrock: BedrockDouble) -> None:
    bedrock.set_converse_reply("", "end_turn")
    assert call({"prompt": "a pier"}, handlers.enhance)[2]["enhancement"]["status"] == "fallback"
    bedrock.set_converse_reply(None)
    again = call({"prompt": "a pier"}, handlers.enhance)[2]["enhancement"]
    assert again["status"] == "applied" and "cached" not in again
