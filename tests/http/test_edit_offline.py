"""``POST /edit`` on the offline defaults: the preview engine really does each operation's job."""

from __future__ import annotations

import base64
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image, ImageChops

from genpic.catalog import EDIT_OPERATIONS
from tests.support.jobs import wait_for


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _b64(image: Image.Image) -> str:
    return base64.b64encode(_png(image)).decode()


def _subject() -> Image.Image:
    """A red square on a plain near-white background."""
    image = Image.new("RGB", (320, 240), (245, 245, 240))
    image.paste((200, 30, 30), (120, 80, 200, 160))
    return image


def _mask(box: tuple[int, int, int, int]) -> Image.Image:
    mask = Image.new("L", (320, 240), 0)
    mask.paste(255, box)
    return mask


def _result(client: TestClient, body: dict[str, Any]) -> tuple[dict[str, Any], Image.Image]:
    response = client.post("/edit", json=body)
    assert response.status_code == 200, response.text
    answer = response.json()
    image = Image.open(io.BytesIO(client.get(answer["url"]).content))
    image.load()
    assert image.size == (answer["width"], answer["height"])
    assert answer["preview"] is True
    return answer, image


def test_upscale_fast_really_upscales_four_times(client: TestClient) -> None:
    answer, image = _result(client, {"operation": "upscale_fast", "image": _b64(_subject())})
    assert image.size == (1280, 960)
    assert answer["key"].startswith("outputs/upfast_")
    # The red square is still where it was, four times bigger.
    assert image.convert("RGB").getpixel((640, 480))[0] > 150


def test_remove_background_returns_alpha_around_the_subject(client: TestClient) -> None:
    _, image = _result(client, {"operation": "remove_background", "image": _b64(_subject())})
    assert image.mode == "RGBA"
    assert image.getpixel((5, 5))[3] == 0
    assert image.getpixel((160, 120))[3] == 255


def test_inpaint_changes_only_the_masked_pixels(client: TestClient) -> None:
    source = _subject()
    box = (10, 10, 90, 70)
    _, image = _result(
        client,
        {
            "operation": "inpaint",
            "image": _b64(source),
            "mask": _b64(_mask(box)),
            "prompt": "a blue bird",
        },
    )
    diff = ImageChops.difference(image.convert("RGB"), source)
    assert diff.getbbox() is not None
    left, top, right, bottom = diff.getbbox()
    assert (left, top) >= box[:2] and (right, bottom) <= box[2:]


def test_erase_changes_only_the_masked_pixels(client: TestClient) -> None:
    source = _subject()
    box = (110, 70, 210, 170)
    _, image = _result(
        client, {"operation": "erase", "image": _b64(source), "mask": _b64(_mask(box))}
    )
    bbox = ImageChops.difference(image.convert("RGB"), source).getbbox()
    assert bbox is not None
    assert bbox[:2] >= box[:2] and bbox[2:] <= box[2:]


def test_outpaint_extends_by_the_margins_and_keeps_the_original(client: TestClient) -> None:
    source = _subject()
    _, image = _result(
        client,
        {"operation": "outpaint", "image": _b64(source), "left": 40, "up": 30, "down": 10},
    )
    assert image.size == (360, 280)
    # The caption band covers the bottom; above it the original sits at (left, up).
    kept = image.convert("RGB").crop((40, 30, 360, 150))
    assert ImageChops.difference(kept, source.crop((0, 0, 320, 120))).getbbox() is None


@pytest.mark.parametrize("operation", sorted(EDIT_OPERATIONS))
def test_every_operation_answers_offline_at_the_services_size(
    client: TestClient, operation: str
) -> None:
    spec = EDIT_OPERATIONS[operation].edit
    assert spec is not None
    body: dict[str, Any] = {"operation": operation, "image": _b64(_subject())}
    if spec.prompt == "required":
        body["prompt"] = "a cat"
    body.update((name, "cat") for name in spec.texts)
    body.update((name, _b64(_mask((0, 0, 50, 50)))) for name in spec.images)
    if spec.one_of:
        body[spec.one_of[0]] = 16
    answer, _ = _result(client, body)
    assert answer["operation"] == operation
    assert answer["parameters"]["operation"] == operation


def test_multipart_carries_files_and_numbers(client: TestClient) -> None:
    response = client.post(
        "/edit",
        data={"operation": "inpaint", "prompt": "42", "grow_mask": "9", "seed": "5"},
        files={
            "image": ("i.png", _png(_subject()), "image/png"),
            "mask": ("m.png", _png(_mask((0, 0, 40, 40))), "image/png"),
        },
    )
    assert response.status_code == 200, response.text
    parameters = response.json()["parameters"]
    assert (parameters["prompt"], parameters["grow_mask"], parameters["seed"]) == ("42", 9, 5)


def test_multipart_refuses_a_file_in_a_text_field(client: TestClient) -> None:
    response = client.post(
        "/edit",
        data={"operation": "upscale_fast"},
        files={"image": ("i.png", _png(_subject()), "image/png"), "prompt": ("p", b"x")},
    )
    assert (response.status_code, response.json()["field"]) == (400, "prompt")


def test_an_edit_without_operation_is_a_400_on_operation(client: TestClient) -> None:
    response = client.post("/edit", json={"image": _b64(_subject())})
    assert (response.status_code, response.json()["field"]) == (400, "operation")


def _uploaded(client: TestClient, image: Image.Image) -> str:
    response = client.post("/uploads", files={"file": ("i.png", _png(image), "image/png")})
    assert response.status_code == 200, response.text
    uri: str = response.json()["init_image_s3"]
    return uri


def test_an_edit_job_and_a_batch_line_are_edits(client: TestClient) -> None:
    uri = _uploaded(client, _subject())
    submitted = client.post("/jobs", json={"operation": "upscale_fast", "image_s3": uri})
    assert submitted.status_code == 202, submitted.text
    job = wait_for(client, submitted.json()["job_id"])
    assert job["status"] == "succeeded", job
    assert (job["result"]["operation"], job["result"]["width"]) == ("upscale_fast", 1280)
    batch = client.post(
        "/batches", json={"requests": [{"operation": "remove_background", "image_s3": uri}]}
    )
    assert batch.status_code == 202, batch.text
    [job_id] = batch.json()["jobs"]
    line = wait_for(client, job_id)
    assert line["result"]["operation"] == "remove_background", line


def test_a_job_takes_edit_images_by_reference_only(client: TestClient) -> None:
    response = client.post("/jobs", json={"operation": "upscale_fast", "image": _b64(_subject())})
    assert (response.status_code, response.json()["field"]) == (400, "image")
