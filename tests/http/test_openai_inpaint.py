"""``POST /v1/images/edits`` with a ``mask`` is an inpaint, checked at the Bedrock double.

OpenAI marks the area to edit with transparent pixels, Stability with white ones: the
mask the inpaint service received is decoded from the InvokeModel body, pixel by pixel.
"""

from __future__ import annotations

import base64
import io
from typing import Any

import openai
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from genpic.catalog import EDIT_OPERATIONS
from tests.conftest import image_bytes
from tests.support.bedrock_double import BedrockDouble, RecordedCall
from tests.support.emf import named, printed

SIZE = (320, 256)
# The area to edit, transparent in OpenAI's mask: (left, top, right, bottom).
HOLE = (40, 30, 120, 90)
# Half transparent: OpenAI edits only where alpha is 0, so this is kept.
HAZE = (200, 150, 260, 200)
INPAINT = EDIT_OPERATIONS["inpaint"].model_id


def _openai_mask(size: tuple[int, int] = SIZE, mode: str = "RGBA") -> bytes:
    mask = Image.new("RGBA", size, (10, 200, 30, 255))
    mask.paste((0, 0, 0, 0), HOLE)
    mask.paste((255, 255, 255, 128), HAZE)
    buffer = io.BytesIO()
    mask.convert(mode).save(buffer, "PNG")
    return buffer.getvalue()


def _invocations(bedrock: BedrockDouble) -> list[RecordedCall]:
    return [c for c in bedrock.requests if c.operation == "InvokeModel"]


def _post(client: TestClient, mask: tuple[str, bytes, str] | None, **fields: str) -> Any:
    files = {"image": ("in.png", image_bytes(SIZE, "PNG"), "image/png")}
    if mask is not None:
        files["mask"] = mask
    return client.post("/v1/images/edits", data={"prompt": "a door", **fields}, files=files)


def _refused(response: Any, param: str, bedrock: BedrockDouble) -> str:
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["param"] == param and error["type"] == "invalid_request_error"
    assert _invocations(bedrock) == []
    return str(error["message"])


def test_the_sdks_mask_reaches_inpaint_white_where_it_was_transparent(
    aws_client: TestClient, bedrock: BedrockDouble
) -> None:
    source = image_bytes(SIZE, "PNG")
    sdk = openai.OpenAI(
        base_url=str(aws_client.base_url).rstrip("/") + "/v1",
        api_key="unused",
        http_client=aws_client,
    )
    result = sdk.images.edit(
        image=("in.png", source, "image/png"),
        mask=("mask.png", _openai_mask(), "image/png"),
        prompt="a red wooden door in an old stone wall",
        response_format="b64_json",
    )

    (call,) = _invocations(bedrock)
    assert call.model_id == INPAINT
    assert base64.b64decode(call.body["image"]) == source
    assert call.body["prompt"] == "a red wooden door in an old stone wall"
    mask = Image.open(io.BytesIO(base64.b64decode(call.body["mask"])))
    assert mask.size == SIZE and mask.mode == "L"
    white = {(x, y) for x in range(HOLE[0], HOLE[2]) for y in range(HOLE[1], HOLE[3])}
    pixels = mask.load()
    wrong = [
        (x, y)
        for y in range(SIZE[1])
        for x in range(SIZE[0])
        if pixels[x, y] != (255 if (x, y) in white else 0)
    ]
    assert wrong == []
    (item,) = result.data
    assert Image.open(io.BytesIO(base64.b64decode(item.b64_json or ""))).size == SIZE


@pytest.mark.parametrize("mode", ["LA", "P"])
def test_every_png_kind_with_transparency_converts(
    aws_client: TestClient, bedrock: BedrockDouble, mode: str
) -> None:
    if mode == "P":  # a palette PNG marks its transparent colour in tRNS
        image = Image.new("P", SIZE, 1)
        image.putpalette([0, 0, 0, 9, 200, 30] + [0] * 762)
        image.paste(0, HOLE)
        buffer = io.BytesIO()
        image.save(buffer, "PNG", transparency=0)
        mask = buffer.getvalue()
    else:
        mask = _openai_mask(mode=mode)
    response = _post(aws_client, ("m.png", mask, "image/png"))
    assert response.status_code == 200, response.text
    (call,) = _invocations(bedrock)
    sent = Image.open(io.BytesIO(base64.b64decode(call.body["mask"])))
    assert sent.getpixel((HOLE[0], HOLE[1])) == 255 and sent.getpixel((0, 0)) == 0
    assert sent.getpixel((HOLE[2], HOLE[3])) == 0


def test_without_a_mask_it_stays_image_to_image(
    aws_client: TestClient, bedrock: BedrockDouble
) -> None:
    response = _post(aws_client, None)
    assert response.status_code == 200, response.text
    (call,) = _invocations(bedrock)
    assert call.model_id != INPAINT and call.body["mode"] == "image-to-image"
    assert "mask" not in call.body


@pytest.mark.parametrize(
    ("mask", "words"),
    [
        # OpenAI requires an alpha channel: without one nothing marks the area to edit.
        (("m.png", _openai_mask(mode="RGB"), "image/png"), "alpha channel"),
        (("m.png", _openai_mask(mode="L"), "image/png"), "alpha channel"),
        (("m.png", _openai_mask((SIZE[0], SIZE[1] + 8)), "image/png"), "320x264"),
        (("m.jpg", image_bytes(SIZE, "JPEG"), "image/jpeg"), "PNG"),
        (("m.png", b"not an image", "image/png"), "could not be read"),
    ],
)
def test_a_mask_genpic_cannot_use_is_a_400_on_mask_before_any_call(
    aws_client: TestClient, bedrock: BedrockDouble, mask: tuple[str, bytes, str], words: str
) -> None:
    assert words in _refused(_post(aws_client, mask), "mask", bedrock)


def test_a_mask_with_nothing_transparent_is_refused(
    aws_client: TestClient, bedrock: BedrockDouble
) -> None:
    opaque = Image.new("RGBA", SIZE, (0, 0, 0, 255))
    buffer = io.BytesIO()
    opaque.save(buffer, "PNG")
    message = _refused(
        _post(aws_client, ("m.png", buffer.getvalue(), "image/png")), "mask", bedrock
    )
    assert "nothing to edit" in message


def test_a_mask_sent_as_text_or_twice_is_refused(
    aws_client: TestClient, bedrock: BedrockDouble
) -> None:
    as_text = aws_client.post(
        "/v1/images/edits",
        data={"prompt": "a door", "mask": "iVBORw0KGgo="},
        files={"image": ("in.png", image_bytes(SIZE, "PNG"), "image/png")},
    )
    _refused(as_text, "mask", bedrock)
    mask = ("m.png", _openai_mask(), "image/png")
    twice = aws_client.post(
        "/v1/images/edits",
        data={"prompt": "a door"},
        files=[
            ("image", ("in.png", image_bytes(SIZE, "PNG"), "image/png")),
            ("mask", mask),
            ("mask", mask),
        ],
    )
    _refused(twice, "mask", bedrock)


def test_with_a_mask_the_model_is_the_inpaint_service(
    aws_client: TestClient, bedrock: BedrockDouble
) -> None:
    mask = ("m.png", _openai_mask(), "image/png")
    message = _refused(
        _post(aws_client, mask, model="stability.sd3-5-large-v1:0"), "model", bedrock
    )
    assert INPAINT in message
    assert _post(aws_client, mask, model=INPAINT).status_code == 200
    assert [c.model_id for c in _invocations(bedrock)] == [INPAINT]


def test_models_lists_each_edit_service_with_its_fields(client: TestClient) -> None:
    data = client.get("/v1/models").json()["data"]
    edits = {m["edit"]["operation"]: m for m in data if "edit" in m}
    assert set(edits) == set(EDIT_OPERATIONS)
    inpaint = edits["inpaint"]
    assert inpaint["id"] == INPAINT and inpaint["owned_by"] == "stability"
    assert inpaint["operations"] == ["inpaint"]
    assert inpaint["lifecycle"]["status"] == "active"
    spec = EDIT_OPERATIONS["inpaint"].edit
    assert spec is not None
    assert inpaint["edit"]["fields"] == sorted(spec.fields)
    assert inpaint["edit"]["images"] == {"mask": True}
    grow = spec.numbers["grow_mask"]
    assert inpaint["edit"]["numbers"]["grow_mask"] == {
        "minimum": grow.low,
        "maximum": grow.high,
        "default": grow.default,
        "integer": True,
    }
    assert edits["remove_background"]["edit"]["output_formats"] == ["png", "webp"]
    assert all("edit" not in m for m in data if m["id"] == "stability.sd3-5-large-v1:0")


def test_an_inpaint_through_openai_counts_under_its_route_and_the_inpaint_service(
    aws_client: TestClient, bedrock: BedrockDouble, capsys: pytest.CaptureFixture[str]
) -> None:
    response = _post(aws_client, ("mask.png", _openai_mask(), "image/png"))
    assert response.status_code == 200, response.text
    [made] = named(printed(capsys), "ImagesGenerated")
    assert (made.dimension("Entry"), made.dimension("Model")) == ("/v1/images/edits", INPAINT)
    assert [c.model_id for c in _invocations(bedrock)] == [INPAINT]
