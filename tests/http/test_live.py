"""A live ``genpic serve`` on loopback, driven by plain HTTP and by the official openai SDK."""

from __future__ import annotations

import base64
import io
from typing import Any

import httpx
import openai
import pytest
from PIL import Image
from typer.testing import CliRunner

from genpic.cli import app
from genpic.cli.serve import is_loopback
from genpic.logs import logger
from tests.conftest import image_bytes
from tests.support.live_server import LiveServer


@pytest.fixture(scope="module")
def sdk(live: LiveServer) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{live.url}/v1", api_key="unused-on-loopback", max_retries=0)


def test_serve_prints_the_page_url(live: LiveServer) -> None:
    assert f"http://127.0.0.1:{live.port}/" in live.banner
    page = httpx.get(f"{live.url}/")
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]


def test_generate_over_a_real_socket(live: LiveServer) -> None:
    response = httpx.post(f"{live.url}/generate", json={"prompt": "a cat", "seed": 3})
    assert response.status_code == 200, response.text
    body = response.json()
    image = httpx.get(body["url"])
    assert image.status_code == 200
    assert image.content == (live.data_dir / body["key"]).read_bytes()


def test_sdk_generates_n_images_as_b64_json(sdk: openai.OpenAI) -> None:
    result = sdk.images.generate(
        prompt="a red fox", n=2, size="1792x1024", response_format="b64_json"
    )
    assert len(result.data) == 2
    sizes = set()
    for item in result.data:
        assert item.revised_prompt == "a red fox"
        image = Image.open(io.BytesIO(base64.b64decode(item.b64_json or "")))
        sizes.add(image.size)
    assert sizes == {(1344, 768)}  # 1792x1024 is nearest 16:9


def test_sdk_generates_urls_that_download(sdk: openai.OpenAI, live: LiveServer) -> None:
    result = sdk.images.generate(prompt="a lighthouse", n=2, style="cinematic", size="1024x1024")
    assert len(result.data) == 2
    for item in result.data:
        assert item.url and item.url.startswith(f"{live.url}/images/outputs/")
        assert item.revised_prompt and item.revised_prompt != "a lighthouse"
        downloaded = httpx.get(item.url)
        assert downloaded.status_code == 200
        assert Image.open(io.BytesIO(downloaded.content)).size == (1024, 1024)


def test_sdk_edits_an_image(sdk: openai.OpenAI) -> None:
    source = image_bytes((320, 256), "PNG")
    result = sdk.images.edit(
        image=("in.png", source, "image/png"),
        prompt="as a watercolour",
        response_format="b64_json",
    )
    (item,) = result.data
    edited = Image.open(io.BytesIO(base64.b64decode(item.b64_json or "")))
    assert edited.size == (320, 256)
    assert item.revised_prompt == "as a watercolour"


def test_sdk_lists_the_allowed_models(sdk: openai.OpenAI) -> None:
    ids = [model.id for model in sdk.models.list()]
    assert ids[0] == "stability.sd3-5-large-v1:0"
    assert "stability.stable-image-core-v1:1" in ids


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"prompt": "a", "n": 5}, "n"),
        ({"prompt": "a", "size": "big"}, "size"),
        ({"prompt": "", "n": 1}, "prompt"),
        ({"prompt": "a", "model": "dall-e-3"}, "model"),
        ({"prompt": "a", "style": "sepia"}, "style"),
    ],
)
def test_sdk_bad_requests_raise_bad_request_error(
    sdk: openai.OpenAI, kwargs: dict[str, Any], param: str
) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        sdk.images.generate(**kwargs)
    error = caught.value
    assert error.status_code == 400
    assert isinstance(error.body, dict)
    assert error.body["param"] == param
    assert error.body["type"] == "invalid_request_error"


def test_sdk_with_a_key_protected_server(tmp_path: Any) -> None:
    with LiveServer(tmp_path, {"GENPIC_API_KEY": "k-123"}) as server:
        good = openai.OpenAI(base_url=f"{server.url}/v1", api_key="k-123", max_retries=0)
        assert [m.id for m in good.models.list()]
        bad = openai.OpenAI(base_url=f"{server.url}/v1", api_key="wrong", max_retries=0)
        with pytest.raises(openai.AuthenticationError):
            bad.models.list()
        assert httpx.get(f"{server.url}/health").status_code == 200


def test_serve_refuses_to_bind_beyond_loopback_without_a_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("GENPIC_API_KEY", raising=False)
    level = logger.level
    try:
        result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "--port", "1"])
    finally:
        logger.setLevel(level)  # the CLI quietens the shared logger; later tests read it
    assert result.exit_code == 2
    assert "GENPIC_API_KEY" in result.output


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("192.168.1.5", False),
        ("::", False),
        ("example.com", False),
    ],
)
def test_which_hosts_are_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
