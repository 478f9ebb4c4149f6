"""Nova Canvas and Titan Image Generator v2 through the Lambda handler, checked at the wire."""

from __future__ import annotations

import base64
import io
import os
import re
from typing import Any

import pytest
from PIL import Image

from genpic.catalog import IMAGE_MODELS, NOVA_CANVAS, TITAN_IMAGE_V2
from tests.conftest import OUTPUT_BUCKET, image_bytes
from tests.integration.helpers import invoke, stored_image
from tests.support.bedrock_double import BedrockDouble, RecordedCall

AMAZON = [NOVA_CANVAS, TITAN_IMAGE_V2]
# What the real models accept, written out rather than read from the catalog under test.
EXPECTED_SIZES = {
    NOVA_CANVAS: {
        "1:1": (1024, 1024), "16:9": (1024, 576), "21:9": (1024, 432), "2:3": (688, 1024),
        "3:2": (1024, 688), "4:5": (816, 1024), "5:4": (1024, 816), "9:16": (576, 1024),
        "9:21": (432, 1024),
    },
    TITAN_IMAGE_V2: {
        "1:1": (1024, 1024), "16:9": (1173, 640), "21:9": (1408, 640), "2:3": (768, 1152),
        "3:2": (1152, 768), "4:5": (896, 1152), "5:4": (1152, 896), "9:16": (768, 1408),
        "9:21": (640, 1408),
    },
}  # fmt: skip
MAX_SEEDS = {NOVA_CANVAS: 858_993_459, TITAN_IMAGE_V2: 2_147_483_646}
PRICES = {NOVA_CANVAS: 0.04, TITAN_IMAGE_V2: 0.01}
PREFIXES = {NOVA_CANVAS: "canvas", TITAN_IMAGE_V2: "titan"}
CFG_SCALES = {NOVA_CANVAS: 6.5, TITAN_IMAGE_V2: 8.0}


@pytest.fixture
def opted_in(aws: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("GENPIC_ALLOWED_MODELS", ",".join(AMAZON))
    return aws


def invokes(bedrock: BedrockDouble) -> list[RecordedCall]:
    return [c for c in bedrock.requests if c.operation == "InvokeModel"]


def sent_config(bedrock: BedrockDouble) -> dict[str, Any]:
    (call,) = invokes(bedrock)
    config: dict[str, Any] = call.body["imageGenerationConfig"]
    return config


@pytest.mark.parametrize("aspect_ratio", list(EXPECTED_SIZES[NOVA_CANVAS]))
@pytest.mark.parametrize("model", AMAZON)
def test_text_to_image_at_the_models_size_with_the_seed_it_reports(
    opted_in: Any, bedrock: BedrockDouble, model: str, aspect_ratio: str
) -> None:
    status, _, body = invoke(
        "generate", {"prompt": "a lighthouse", "model": model, "aspect_ratio": aspect_ratio}
    )

    assert status == 200, body
    (call,) = invokes(bedrock)
    assert call.model_id == model
    assert call.body["taskType"] == "TEXT_IMAGE"
    assert call.body["textToImageParams"] == {"text": "a lighthouse"}
    config = call.body["imageGenerationConfig"]
    width, height = EXPECTED_SIZES[model][aspect_ratio]
    assert config == {
        "width": width,
        "height": height,
        "quality": "standard",
        "cfgScale": CFG_SCALES[model],
        "seed": body["seed"],
        "numberOfImages": 1,
    }
    assert 1 <= body["seed"] <= MAX_SEEDS[model]
    assert (body["width"], body["height"]) == (width, height)
    assert re.fullmatch(
        rf"outputs/{PREFIXES[model]}_\d{{8}}_\d{{6}}_[0-9a-f]{{32}}\.jpeg", body["key"]
    )
    assert body["cost_usd"] == pytest.approx(PRICES[model])
    # The models answer PNG; the stored object must really be the JPEG the request asked for.
    assert stored_image(opted_in, body).format == "JPEG"


@pytest.mark.parametrize("model", AMAZON)
def test_negative_prompt_and_explicit_seed_are_sent_as_given(
    opted_in: Any, bedrock: BedrockDouble, model: str
) -> None:
    payload = {"prompt": "a cat", "negative_prompt": "dogs", "seed": 12345, "model": model}
    status, _, body = invoke("generate", payload)

    assert status == 200, body
    (call,) = invokes(bedrock)
    assert call.body["textToImageParams"] == {"text": "a cat", "negativeText": "dogs"}
    assert call.body["imageGenerationConfig"]["seed"] == 12345 == body["seed"]


@pytest.mark.parametrize("output_format", ["png", "webp"])
def test_output_format_is_converted_from_the_models_png(
    opted_in: Any, bedrock: BedrockDouble, output_format: str
) -> None:
    payload = {"prompt": "a cat", "model": TITAN_IMAGE_V2, "output_format": output_format}
    status, _, body = invoke("generate", payload)

    assert status == 200, body
    assert stored_image(opted_in, body).format == output_format.upper()


@pytest.mark.parametrize(
    ("strength", "similarity"), [(None, 0.3), (0.0, 1.0), (0.5, 0.5), (0.8, 0.2), (1.0, 0.2)]
)
@pytest.mark.parametrize("model", AMAZON)
def test_image_to_image_is_a_variation_with_strength_mapped_to_similarity(
    opted_in: Any, bedrock: BedrockDouble, model: str, strength: float | None, similarity: float
) -> None:
    init = image_bytes((640, 512))
    payload: dict[str, Any] = {
        "prompt": "as a watercolor",
        "model": model,
        "init_image": base64.b64encode(init).decode(),
    }
    if strength is not None:
        payload["strength"] = strength
    status, _, body = invoke("generate", payload)

    assert status == 200, body
    (call,) = invokes(bedrock)
    assert call.body["taskType"] == "IMAGE_VARIATION"
    params = call.body["imageVariationParams"]
    assert base64.b64decode(params["images"][0]) == init
    assert params["text"] == "as a watercolor"
    assert "negativeText" not in params
    assert params["similarityStrength"] == pytest.approx(similarity)
    # 640x512 is 5:4: the model's 5:4 size.
    assert (sent_config(bedrock)["width"], sent_config(bedrock)["height"]) == EXPECTED_SIZES[model][
        "5:4"
    ]
    assert sent_config(bedrock)["seed"] == body["seed"]


def test_opt_in_models_are_refused_unless_listed(aws: Any, bedrock: BedrockDouble) -> None:
    status, _, body = invoke("generate", {"prompt": "a cat", "model": NOVA_CANVAS})

    assert status == 400
    assert body["error"] == "ValidationError"
    assert body["field"] == "model"
    for allowed in ("stability.sd3-5-large-v1:0", "stability.stable-image-core-v1:1"):
        assert allowed in body["message"]
    assert NOVA_CANVAS not in body["message"].split("use one of", 1)[1]
    assert invokes(bedrock) == []


def test_the_configured_image_model_is_allowed_and_the_default(
    aws: Any, bedrock: BedrockDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GENPIC_IMAGE_MODEL", TITAN_IMAGE_V2)
    status, _, body = invoke("generate", {"prompt": "a cat"})

    assert status == 200, body
    assert invokes(bedrock)[0].model_id == TITAN_IMAGE_V2 == body["model"]
    assert body["key"].startswith("outputs/titan_")


@pytest.mark.parametrize("model", AMAZON)
def test_a_seed_beyond_the_models_range_is_a_400_without_a_model_call(
    opted_in: Any, bedrock: BedrockDouble, model: str
) -> None:
    seed = MAX_SEEDS[model] + 1
    status, _, body = invoke("generate", {"prompt": "a cat", "model": model, "seed": seed})

    assert status == 400
    assert body["field"] == "seed"
    assert f"0 to {MAX_SEEDS[model]:,}" in body["message"]
    assert invokes(bedrock) == []


@pytest.mark.parametrize(("model", "limit"), [(TITAN_IMAGE_V2, 512), (NOVA_CANVAS, 1024)])
@pytest.mark.parametrize("field", ["prompt", "negative_prompt"])
def test_text_too_long_for_the_model_is_a_400_without_a_model_call(
    opted_in: Any, bedrock: BedrockDouble, model: str, limit: int, field: str
) -> None:
    payload = {"prompt": "a cat", "model": model, field: "x" * (limit + 1)}
    status, _, body = invoke("generate", payload)

    assert status == 400
    assert body["field"] == field
    assert f"at most {limit:,} characters" in body["message"]
    assert invokes(bedrock) == []


@pytest.mark.parametrize("model", AMAZON)
def test_content_filter_is_a_422_and_nothing_is_stored(
    opted_in: Any, bedrock: BedrockDouble, model: str
) -> None:
    bedrock.set_filter("on")
    status, _, body = invoke("generate", {"prompt": "a cat", "model": model})

    assert status == 422
    assert body["error"] == "ContentFiltered"
    assert "content filters" in body["message"]
    assert len(invokes(bedrock)) == 1
    assert opted_in.list_objects_v2(Bucket=OUTPUT_BUCKET)["KeyCount"] == 0


def _noise_png(size: tuple[int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("model", "init", "limit"),
    [
        (NOVA_CANVAS, image_bytes((300, 400)), "sides of at least 320 px"),
        (NOVA_CANVAS, image_bytes((1600, 320)), "shapes up to 4:1"),
        (TITAN_IMAGE_V2, _noise_png((1400, 1400)), "5,242,880 bytes"),
    ],
)
def test_an_init_image_the_model_refuses_is_a_400_without_a_model_call(
    opted_in: Any, bedrock: BedrockDouble, model: str, init: bytes, limit: str
) -> None:
    payload = {"prompt": "a cat", "model": model, "init_image": base64.b64encode(init).decode()}
    status, _, body = invoke("generate", payload)

    assert status == 400
    assert body["error"] == "InvalidImage"
    assert limit in body["message"]
    assert IMAGE_MODELS[model].label in body["message"]
    assert invokes(bedrock) == []
