"""Local ``POST /uploads`` takes what an init image takes (10 MiB), over a real socket.

The repro: a 6.45 MB PNG was refused by the upload route with a message telling the user
to upload it first, while the same file worked as ``genpic generate --init-image``.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

import httpx
import pytest
from PIL import Image
from typer.testing import CliRunner

from genpic.cli import app
from genpic.http.middleware import MAX_BODY_BYTES
from genpic.images import MAX_INPUT_BYTES
from tests.support.live_server import LiveServer


@pytest.fixture(scope="module")
def big_png() -> bytes:
    """A real PNG of about 6.5 MB: colour noise, which PNG cannot compress."""
    size = (1500, 1450)
    noise = random.Random(14).randbytes(size[0] * size[1] * 3)
    buffer = io.BytesIO()
    Image.frombytes("RGB", size, noise).save(buffer, "PNG")
    data = buffer.getvalue()
    assert MAX_BODY_BYTES < len(data) < MAX_INPUT_BYTES, len(data)
    return data


def _stored(live: LiveServer, uri: str) -> Path:
    return live.data_dir / "inputs" / uri.split("/", 3)[3]


def test_an_upload_over_6_mib_is_stored_and_generates(live: LiveServer, big_png: bytes) -> None:
    files = {"file": ("big.png", big_png, "image/png")}
    response = httpx.post(f"{live.url}/uploads", files=files, timeout=30)
    assert response.status_code == 200, response.text
    uri = response.json()["init_image_s3"]
    assert _stored(live, uri).read_bytes() == big_png
    made = httpx.post(
        f"{live.url}/generate", json={"prompt": "a cat", "init_image_s3": uri}, timeout=30
    )
    assert made.status_code == 200, made.text
    body = made.json()
    assert body["parameters"]["mode"] == "image-to-image"
    assert (body["width"], body["height"]) == (1500, 1450)  # the preview keeps the input's size


def test_the_same_file_works_as_init_image(tmp_path: Path, big_png: bytes) -> None:
    path = tmp_path / "big.png"
    path.write_bytes(big_png)
    result = CliRunner().invoke(app, ["generate", "a cat", "--init-image", str(path)])
    assert result.exit_code == 0, result.output


def test_an_upload_over_10_mib_is_refused_in_mib_without_pointing_back_at_uploads(
    live: LiveServer,
) -> None:
    files = {
        "file": ("huge.png", b"\x89PNG" + b"\x00" * (MAX_INPUT_BYTES + 128 * 1024), "image/png")
    }
    response = httpx.post(f"{live.url}/uploads", files=files, timeout=30)
    assert (response.status_code, response.json()["error"]) == (413, "PayloadTooLarge")
    message = response.json()["message"]
    assert "10 MiB" in message and "/uploads" not in message and " MB" not in message
    assert not list((live.data_dir / "inputs").rglob("huge*"))


def test_a_file_just_over_10_mib_is_refused_by_the_image_check_in_mib(live: LiveServer) -> None:
    files = {"file": ("over.png", b"\x89PNG" + b"\x00" * MAX_INPUT_BYTES, "image/png")}
    response = httpx.post(f"{live.url}/uploads", files=files, timeout=30)
    assert (response.status_code, response.json()["error"]) == (400, "InvalidImage")
    assert "the limit is 10 MiB" in response.json()["message"]


def test_other_routes_keep_the_6_mib_limit_and_point_at_uploads(live: LiveServer) -> None:
    big = b'{"prompt": "' + b"a" * MAX_BODY_BYTES + b'"}'
    response = httpx.post(
        f"{live.url}/generate", content=big, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    message = response.json()["message"]
    assert "6 MiB" in message and "POST /uploads, up to 10 MiB" in message
