"""Every example request the original design documents show, in every event shape, on both handlers."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.conftest import INPUT_BUCKET, OUTPUT_BUCKET, image_bytes
from tests.integration.helpers import invoke, stored_image
from tests.support.bedrock_double import BedrockDouble
from tests.support.events import SHAPES

# (name, payload) exactly as the original READMEs (v1: aws_gen_pic, v2: enhance_prompt) show them.
DOCUMENTED_EXAMPLES: list[tuple[str, dict[str, Any]]] = [
    (
        "v1_text_to_image",
        {
            "prompt": "a futuristic city at sunset, ultra detailed, cinematic lighting",
            "aspect_ratio": "16:9",
            "seed": 42,
        },
    ),
    (
        "v1_image_to_image",
        {
            "prompt": "turn this into watercolor painting style",
            "init_image_s3": "s3://gen-img-input1/sample_input.jpeg",
            "aspect_ratio": "1:1",
            "seed": 99,
        },
    ),
    ("v1_cli", {"prompt": "a cyberpunk cat"}),
    (
        "v1_curl",
        {"prompt": "a cat astronaut in space, realistic, 4k", "aspect_ratio": "16:9", "seed": 42},
    ),
    ("v1_frontend", {"prompt": "a lighthouse in a storm", "aspect_ratio": "16:9"}),
    ("v2_direct", {"prompt": "a cat", "aspect_ratio": "16:9", "seed": 42}),
    (
        "v2_enhanced",
        {"prompt": "a cat", "enhance_prompt": True, "aspect_ratio": "16:9", "seed": 42},
    ),
    (
        "v2_no_enhancement",
        {
            "prompt": "a detailed prompt you already wrote yourself",
            "enhance_prompt": False,
            "aspect_ratio": "1:1",
        },
    ),
    (
        "v2_image_to_image_enhanced",
        {
            "prompt": "make it look like a painting",
            "enhance_prompt": True,
            "init_image_s3": "s3://gen-img-input1/input.jpg",
            "aspect_ratio": "1:1",
        },
    ),
    ("v2_console_enhance", {"prompt": "a dragon", "enhance_prompt": True}),
    ("v2_console_direct", {"prompt": "a detailed cyberpunk dragon with neon scales, 8k"}),
    ("v2_curl_direct", {"prompt": "detailed cyberpunk cat"}),
    ("v2_curl_enhanced", {"prompt": "a cat", "enhance_prompt": True}),
    ("v2_frontend", {"prompt": "a cat", "enhance_prompt": True, "aspect_ratio": "16:9"}),
    (
        "v2_styles",
        {
            "prompt": "a cat",
            "enhance_prompt": True,
            "enhancement_style": "photorealistic",
            "styles": ["cinematic", "artistic", "photorealistic", "anime"],
        },
    ),
    (
        "v2_internal_call",
        {
            "prompt": "a majestic cat",
            "aspect_ratio": "16:9",
            "seed": 42,
            "init_image_s3": None,
            "original_prompt": "a cat",
        },
    ),
]
KEY_PATTERN = re.compile(r"^outputs/sd35_\d{8}_\d{6}_[0-9a-f]{32}\.(jpeg|png|webp)$")


@pytest.fixture
def inputs_uploaded(aws: Any, bedrock: BedrockDouble) -> Any:
    for key in ("sample_input.jpeg", "input.jpg"):
        aws.put_object(Bucket=INPUT_BUCKET, Key=key, Body=image_bytes((640, 512)))
    return aws


# Every example on both handlers, each in one event shape, cycling so every shape runs
# end to end on both handlers; the shapes themselves are unit-tested in test_events.
CASES = [
    (name, payload, handler, sorted(SHAPES)[(i + 3 * h) % len(SHAPES)])
    for i, (name, payload) in enumerate(DOCUMENTED_EXAMPLES)
    for h, handler in enumerate(("generate", "enhance"))
]


@pytest.mark.parametrize(
    ("name", "payload", "handler", "shape"),
    CASES,
    ids=["-".join((c[0], c[2], c[3])) for c in CASES],
)
def test_documented_example_generates_a_stored_image(
    inputs_uploaded: Any,
    bedrock: BedrockDouble,
    name: str,
    payload: dict[str, Any],
    handler: str,
    shape: str,
) -> None:
    status, headers, body = invoke(handler, SHAPES[shape](payload))

    assert status == 200, body
    assert headers["Content-Type"] == "application/json"
    assert body["message"] == "Image generated successfully"
    assert body["bucket"] == OUTPUT_BUCKET
    assert KEY_PATTERN.match(body["key"]), body["key"]
    assert body["s3_url"] == f"s3://{OUTPUT_BUCKET}/{body['key']}"
    assert body["filename"] == body["key"].removeprefix("outputs/")
    image = stored_image(inputs_uploaded, body)
    assert image.format == "JPEG"

    enhanced = payload.get("enhance_prompt", handler == "enhance")
    invokes = [c for c in bedrock.requests if c.operation == "InvokeModel"]
    converses = [c for c in bedrock.requests if c.operation == "Converse"]
    # The multi-style example makes one image per style (the contract's Variants).
    images = len(payload.get("styles", [None]))
    assert len(invokes) == images
    assert len(converses) == (images if enhanced else 0)
    sent = next(c.body for c in invokes if c.body["prompt"] == body["parameters"]["prompt"])
    if enhanced:
        assert body["original_prompt"] == payload["prompt"]
        assert body["enhanced_prompt"] != payload["prompt"]
        assert sent["prompt"] == body["enhanced_prompt"] == body["parameters"]["prompt"]
        assert body["enhancement"]["status"] == "applied"
        assert converses[0].model_id == "amazon.nova-pro-v1:0"
    else:
        assert "original_prompt" not in body
        assert sent["prompt"] == payload["prompt"]
        assert body["enhancement"]["status"] == "off"

    if payload.get("init_image_s3"):
        assert sent["mode"] == "image-to-image"
        assert "aspect_ratio" not in sent
        assert sent["strength"] == 0.7
        assert image.size == (640, 512)
    else:
        assert sent["mode"] == "text-to-image"
        assert sent["aspect_ratio"] == payload.get("aspect_ratio", "16:9")
    if payload.get("seed"):
        assert sent["seed"] == payload["seed"] == body["seed"]
    elif images > 1:
        assert {c.body["seed"] for c in invokes} == {body["seed"]}
        assert [v["enhancement"]["style"] for v in body["variants"]] == payload["styles"]
        assert body["enhancement"]["style"] == payload["enhancement_style"]
    else:
        assert sent["seed"] == 0 and body["seed"] > 0
    assert body["parameters"]["seed"] == body["seed"]
    assert body["cost_usd"] >= 0.08
