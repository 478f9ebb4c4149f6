"""``POST /edit`` against the Bedrock double and moto: the body each service got, at the wire."""

from __future__ import annotations

import base64
import io
import random
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from genpic.http.app import create_app
from tests.conftest import INPUT_BUCKET, OUTPUT_BUCKET, image_bytes
from tests.support.asgi import LocalClient
from tests.support.bedrock_double import BedrockDouble, RecordedCall

IMAGE = image_bytes((512, 384), "PNG")
B64 = base64.b64encode(IMAGE).decode()


def _mask(
    size: tuple[int, int] = (512, 384), box: tuple[int, int, int, int] = (100, 100, 200, 200)
) -> str:
    mask = Image.new("L", size, 0)
    mask.paste(255, box)
    out = io.BytesIO()
    mask.save(out, "PNG")
    return base64.b64encode(out.getvalue()).decode()


MASK = _mask()


def _invokes(bedrock: BedrockDouble) -> list[RecordedCall]:
    return [c for c in bedrock.requests if c.operation == "InvokeModel"]


# What each operation sends: the request beyond ``operation``/``image``, and the exact body.
CASES: dict[str, tuple[dict[str, Any], str, dict[str, Any], tuple[int, int]]] = {
    "inpaint": (
        {"mask": MASK, "prompt": "a red cat", "negative_prompt": "blur", "grow_mask": 7, "seed": 3},
        "us.stability.stable-image-inpaint-v1:0",
        {"image": B64, "mask": MASK, "prompt": "a red cat", "negative_prompt": "blur",
         "grow_mask": 7, "seed": 3, "output_format": "png"},
        (512, 384),
    ),
    "outpaint": (
        {"left": 64, "down": 32, "creativity": 0.25, "seed": 9, "output_format": "webp"},
        "us.stability.stable-outpaint-v1:0",
        {"image": B64, "left": 64, "right": 0, "up": 0, "down": 32, "creativity": 0.25,
         "seed": 9, "output_format": "webp"},
        (576, 416),
    ),
    "erase": (
        {"mask": MASK, "seed": 4},
        "us.stability.stable-image-erase-object-v1:0",
        {"image": B64, "mask": MASK, "grow_mask": 5, "seed": 4, "output_format": "png"},
        (512, 384),
    ),
    "search_replace": (
        {"prompt": "a dog", "search_prompt": "cat", "seed": 5},
        "us.stability.stable-image-search-replace-v1:0",
        {"image": B64, "prompt": "a dog", "search_prompt": "cat", "seed": 5, "output_format": "png"},
        (512, 384),
    ),
    "search_recolor": (
        {"prompt": "a green car", "select_prompt": "car", "seed": 6},
        "us.stability.stable-image-search-recolor-v1:0",
        {"image": B64, "prompt": "a green car", "select_prompt": "car", "seed": 6,
         "output_format": "png"},
        (512, 384),
    ),
    "remove_background": (
        {"output_format": "webp"},
        "us.stability.stable-image-remove-background-v1:0",
        {"image": B64, "output_format": "webp"},
        (512, 384),
    ),
    "upscale_fast": (
        {},
        "us.stability.stable-fast-upscale-v1:0",
        {"image": B64, "output_format": "png"},
        (2048, 1536),
    ),
    "upscale_conservative": (
        {"prompt": "a photo", "seed": 7},
        "us.stability.stable-conservative-upscale-v1:0",
        {"image": B64, "prompt": "a photo", "creativity": 0.35, "seed": 7, "output_format": "png"},
        (4096, 3072),
    ),
    "upscale_creative": (
        {"prompt": "a photo", "creativity": 0.45, "seed": 8},
        "us.stability.stable-creative-upscale-v1:0",
        {"image": B64, "prompt": "a photo", "creativity": 0.45, "seed": 8, "output_format": "png"},
        (4096, 3072),
    ),
    "sketch": (
        {"prompt": "a castle", "control_strength": 0.4, "seed": 10},
        "us.stability.stable-image-control-sketch-v1:0",
        {"image": B64, "prompt": "a castle", "control_strength": 0.4, "seed": 10,
         "output_format": "png"},
        (512, 384),
    ),
    "structure": (
        {"prompt": "a castle", "seed": 11},
        "us.stability.stable-image-control-structure-v1:0",
        {"image": B64, "prompt": "a castle", "control_strength": 0.7, "seed": 11,
         "output_format": "png"},
        (512, 384),
    ),
    "style_guide": (
        {"prompt": "a cat", "fidelity": 0.8, "aspect_ratio": "16:9", "seed": 12},
        "us.stability.stable-image-style-guide-v1:0",
        {"image": B64, "prompt": "a cat", "fidelity": 0.8, "aspect_ratio": "16:9", "seed": 12,
         "output_format": "png"},
        (1344, 768),
    ),
    "style_transfer": (
        {"style_image": B64, "style_strength": 0.6, "seed": 13},
        "us.stability.stable-style-transfer-v1:0",
        {"init_image": B64, "style_image": B64, "composition_fidelity": 0.9, "style_strength": 0.6,
         "change_strength": 0.9, "seed": 13, "output_format": "png"},
        (512, 384),
    ),
}  # fmt: skip


@pytest.mark.parametrize("operation", sorted(CASES))
def test_each_operation_sends_its_service_exactly_its_body(
    aws: Any, aws_client: TestClient, bedrock: BedrockDouble, operation: str
) -> None:
    fields, model_id, sent, size = CASES[operation]
    response = aws_client.post("/edit", json={"operation": operation, "image": B64, **fields})
    assert response.status_code == 200, response.text
    [call] = _invokes(bedrock)
    assert call.model_id == model_id
    assert call.body == sent
    body = response.json()
    assert body["operation"] == operation
    assert body["model"] == model_id
    assert (body["width"], body["height"]) == size
    assert body["key"].startswith("outputs/")
    stored = aws.get_object(Bucket=OUTPUT_BUCKET, Key=body["key"])
    assert Image.open(io.BytesIO(stored["Body"].read())).size == size


@pytest.mark.parametrize(
    ("operation", "fields"),
    [
        # The ends of the ranges the Image Services page gives (re-read 2026-12-02).
        ("upscale_conservative", {"prompt": "a photo", "creativity": 0.1}),
        ("outpaint", {"left": 8, "creativity": 0.1}),
        ("inpaint", {"mask": MASK, "prompt": "a cat", "grow_mask": 20}),
    ],
)
def test_the_documented_range_ends_reach_the_service(
    aws_client: TestClient, bedrock: BedrockDouble, operation: str, fields: dict[str, Any]
) -> None:
    response = aws_client.post("/edit", json={"operation": operation, "image": B64, **fields})
    assert response.status_code == 200, response.text
    [call] = _invokes(bedrock)
    assert {key: call.body[key] for key in fields} == fields


def test_remove_background_takes_the_pixels_the_other_services_take(
    aws_client: TestClient, bedrock: BedrockDouble
) -> None:
    # 5.2 MP: over the 4,194,304 first recorded, within the page's 9,437,184.
    photo = base64.b64encode(image_bytes((2600, 2000), "PNG")).decode()
    response = aws_client.post("/edit", json={"operation": "remove_background", "image": photo})
    assert response.status_code == 200, response.text
    [call] = _invokes(bedrock)
    assert call.model_id == "us.stability.stable-image-remove-background-v1:0"


def test_the_price_is_the_services(aws_client: TestClient, bedrock: BedrockDouble) -> None:
    response = aws_client.post(
        "/edit", json={"operation": "upscale_creative", "image": B64, "prompt": "a photo"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["cost_usd"] == 0.6


def test_a_mask_of_another_size_is_refused_before_any_call(
    aws_client: TestClient, bedrock: BedrockDouble
) -> None:
    response = aws_client.post(
        "/edit",
        json={
            "operation": "inpaint",
            "image": B64,
            "mask": _mask((256, 256), (0, 0, 9, 9)),
            "prompt": "x",
        },
    )
    assert response.status_code == 400, response.text
    assert response.json()["field"] == "mask"
    assert _invokes(bedrock) == []


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"operation": "inpaint", "prompt": "x"}, "mask"),
        ({"operation": "inpaint", "mask": MASK}, "prompt"),
        ({"operation": "erase", "mask": MASK, "prompt": "x"}, "prompt"),
        ({"operation": "upscale_fast", "seed": 3}, "seed"),
        ({"operation": "outpaint"}, "left"),
        ({"operation": "outpaint", "left": 2001}, "left"),
        ({"operation": "upscale_conservative", "prompt": "x", "creativity": 0.6}, "creativity"),
        ({"operation": "upscale_conservative", "prompt": "x", "creativity": 0.05}, "creativity"),
        ({"operation": "inpaint", "mask": MASK, "prompt": "x", "grow_mask": 21}, "grow_mask"),
        ({"operation": "outpaint", "left": 8, "creativity": 0.05}, "creativity"),
        ({"operation": "remove_background", "output_format": "jpeg"}, "output_format"),
        ({"operation": "search_replace", "prompt": "x"}, "search_prompt"),
        ({"operation": "style_transfer"}, "style_image"),
        ({"operation": "inpaint", "mask": MASK, "prompt": "x", "strength": 0.5}, "strength"),
        ({"operation": "inpaint", "mask": MASK, "prompt": "x", "model": "any"}, "model"),
        ({"operation": "inpaint", "mask": MASK, "prompt": "x", "grow_mask": "5"}, "grow_mask"),
        ({"operation": "paint", "prompt": "x"}, "operation"),
        ({"operation": "upscale_fast", "bogus": 1}, "bogus"),
    ],
)
def test_bad_edits_are_400s_naming_the_field_and_never_call_a_model(
    aws_client: TestClient, bedrock: BedrockDouble, fields: dict[str, Any], field: str
) -> None:
    response = aws_client.post("/edit", json={"image": B64, **fields})
    assert response.status_code == 400, response.text
    assert response.json()["field"] == field
    assert _invokes(bedrock) == []


def test_an_image_over_the_services_pixel_limit_is_refused_before_the_call(
    aws_client: TestClient, bedrock: BedrockDouble
) -> None:
    big = base64.b64encode(image_bytes((1100, 1000), "PNG")).decode()
    response = aws_client.post("/edit", json={"operation": "upscale_fast", "image": big})
    assert response.status_code == 400, response.text
    assert response.json()["field"] == "image"
    assert "1,048,576" in response.json()["message"]
    assert _invokes(bedrock) == []


def test_an_image_too_narrow_for_the_aspect_ratio_range_is_refused(
    aws_client: TestClient, bedrock: BedrockDouble
) -> None:
    narrow = base64.b64encode(image_bytes((660, 256), "PNG")).decode()
    response = aws_client.post(
        "/edit", json={"operation": "upscale_conservative", "image": narrow, "prompt": "x"}
    )
    assert response.status_code == 400, response.text
    assert response.json()["field"] == "image"
    assert _invokes(bedrock) == []


@pytest.mark.parametrize("what", ["prompt", "input image", "output image"])
def test_a_content_filter_answer_is_a_422(
    aws_client: TestClient, bedrock: BedrockDouble, what: str
) -> None:
    bedrock.set_filter(f"Filter reason: {what}")
    response = aws_client.post(
        "/edit",
        json={
            "operation": "search_replace",
            "image": B64,
            "prompt": "a dog",
            "search_prompt": "cat",
        },
    )
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "ContentFiltered"
    assert len(_invokes(bedrock)) == 1


def test_mask_s3_is_read_from_the_input_bucket_only(
    aws: Any, aws_client: TestClient, bedrock: BedrockDouble
) -> None:
    aws.put_object(Bucket=INPUT_BUCKET, Key="uploads/m.png", Body=base64.b64decode(MASK))
    aws.put_object(Bucket=INPUT_BUCKET, Key="uploads/i.png", Body=IMAGE)
    ok = aws_client.post(
        "/edit",
        json={
            "operation": "erase",
            "image_s3": f"s3://{INPUT_BUCKET}/uploads/i.png",
            "mask_s3": f"s3://{INPUT_BUCKET}/uploads/m.png",
        },
    )
    assert ok.status_code == 200, ok.text
    assert _invokes(bedrock)[0].body["mask"] == MASK
    bedrock.reset()
    refused = aws_client.post(
        "/edit",
        json={"operation": "erase", "image": B64, "mask_s3": f"s3://{OUTPUT_BUCKET}/outputs/x.png"},
    )
    assert refused.status_code == 403, refused.text
    assert refused.json()["field"] == "mask_s3"
    assert _invokes(bedrock) == []


def _noise_png(size: tuple[int, int]) -> bytes:
    # Random pixels do not compress: the PNG is about 3 bytes a pixel.
    out = io.BytesIO()
    Image.frombytes("RGB", size, random.Random(size[0]).randbytes(size[0] * size[1] * 3)).save(
        out, "PNG", compress_level=1
    )
    return out.getvalue()


def test_images_too_big_together_for_one_invoke_model_body_are_refused_before_the_call(
    aws: Any, aws_client: TestClient, bedrock: BedrockDouble
) -> None:
    # Each is within the 10 MiB and 9.4 MP limits; as base64 together they are over 25,000,000.
    photo, style = _noise_png((2048, 1536)), _noise_png((2048, 1535))
    assert max(len(photo), len(style)) < 10 * 1024 * 1024
    aws.put_object(Bucket=INPUT_BUCKET, Key="uploads/photo.png", Body=photo)
    aws.put_object(Bucket=INPUT_BUCKET, Key="uploads/style.png", Body=style)

    response = aws_client.post(
        "/edit",
        json={
            "operation": "style_transfer",
            "image_s3": f"s3://{INPUT_BUCKET}/uploads/photo.png",
            "style_image_s3": f"s3://{INPUT_BUCKET}/uploads/style.png",
        },
    )

    assert response.status_code == 400, response.text
    body = response.json()
    assert (body["error"], body["field"]) == ("InvalidImage", "image")
    assert "25,000,000" in body["message"]
    assert _invokes(bedrock) == []


def test_the_same_edit_twice_is_answered_from_the_cache_keyed_by_the_images(
    aws_client: TestClient, bedrock: BedrockDouble
) -> None:
    edit = {"operation": "inpaint", "image": B64, "mask": MASK, "prompt": "a door", "seed": 21}
    first = aws_client.post("/edit", json=edit)
    again = aws_client.post("/edit", json=edit)
    other_mask = aws_client.post("/edit", json={**edit, "mask": _mask(box=(0, 0, 50, 50))})
    assert [r.status_code for r in (first, again, other_mask)] == [200, 200, 200]
    assert (again.json()["cache"], again.json()["key"]) == ("hit", first.json()["key"])
    assert other_mask.json()["cache"] == "miss"
    assert len(_invokes(bedrock)) == 2


def test_a_non_english_search_prompt_is_translated_before_the_call(
    aws: Any, aws_client: TestClient, bedrock: BedrockDouble
) -> None:
    response = aws_client.post(
        "/edit",
        json={
            "operation": "search_replace",
            "image": B64,
            "prompt": "a dog",
            "search_prompt": "một con mèo",
            "translate": True,
        },
    )
    assert response.status_code == 200, response.text
    assert _invokes(bedrock)[0].body["search_prompt"] == "a cat"
    assert response.json()["parameters"]["search_prompt"] == "a cat"


def test_generate_refuses_an_edit_and_an_edit_model(aws_client: TestClient) -> None:
    as_generate = aws_client.post("/generate", json={"operation": "upscale_fast", "image": B64})
    assert (as_generate.status_code, as_generate.json()["field"]) == (400, "operation")
    model = aws_client.post(
        "/generate", json={"prompt": "x", "model": "us.stability.stable-fast-upscale-v1:0"}
    )
    assert (model.status_code, model.json()["field"]) == (400, "model")


@pytest.mark.parametrize("field", ["prompt", "search_prompt"])
def test_the_blocklist_screens_each_text_an_edit_sends(
    aws_client: TestClient,
    bedrock: BedrockDouble,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Any,
    field: str,
) -> None:
    listed = tmp_path / "blocklist.txt"
    listed.write_text("red dragon\n", "utf-8")
    monkeypatch.setenv("GENPIC_BLOCKLIST", str(listed))
    edit = {"operation": "search_replace", "image": B64, "prompt": "a dog", "search_prompt": "cat"}
    edit[field] = "the Red  Dragon"
    with LocalClient(create_app()) as client:
        response = client.post("/edit", json=edit)
    assert response.status_code == 422, response.text
    assert (response.json()["error"], response.json()["screen"]) == ("ContentFiltered", "blocklist")
    assert bedrock.requests == []


def test_an_idempotency_key_makes_an_edit_once(
    aws_client: TestClient, bedrock: BedrockDouble
) -> None:
    edit = {"operation": "upscale_fast", "image": B64, "cache": False}
    key = {"Idempotency-Key": "edit-once-1"}
    first = aws_client.post("/edit", json=edit, headers=key)
    again = aws_client.post("/edit", json=edit, headers=key)
    other = aws_client.post("/edit", json={**edit, "output_format": "webp"}, headers=key)
    assert [r.status_code for r in (first, again, other)] == [200, 200, 409], other.text
    assert again.json()["key"] == first.json()["key"]
    assert other.json()["error"] == "IdempotencyConflict"
    assert len(_invokes(bedrock)) == 1
