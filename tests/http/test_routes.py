"""The HTTP routes on the offline defaults: bodies, images, uploads, limits, ids, CORS, the key."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from genpic.http.app import create_app
from genpic.http.middleware import MAX_BODY_BYTES
from tests.conftest import image_bytes
from tests.support.asgi import LocalClient


def test_health_names_the_backends(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "version": "0.1.0",
        "engine": "preview",
        "enhancer": "template",
        "storage": "local",
    }
    assert response.headers["X-Request-Id"]


def test_generate_then_fetch_the_image_from_its_url(client: TestClient) -> None:
    response = client.post("/generate", json={"prompt": "a cat", "output_format": "png"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["enhancement"]["status"] == "off"
    assert body["request_id"] == response.headers["X-Request-Id"]
    # Local storage: the url is this server's /images/ route, not a file:// path.
    assert body["url"] == body["uri"] == f"http://localhost/images/{body['key']}"
    image = client.get(body["url"])
    assert image.status_code == 200
    assert image.headers["Content-Type"] == "image/png"
    assert "immutable" in image.headers["Cache-Control"]
    assert Image.open(io.BytesIO(image.content)).size == (body["width"], body["height"])


def test_generate_enhanced_enhances_unless_told_not_to(client: TestClient) -> None:
    enhanced = client.post("/generate-enhanced", json={"prompt": "a cat"}).json()
    assert enhanced["enhancement"]["status"] == "applied"
    assert enhanced["parameters"]["prompt"] == enhanced["enhanced_prompt"] != "a cat"
    plain = client.post("/generate-enhanced", json={"prompt": "a cat", "enhance_prompt": False})
    assert plain.json()["enhancement"]["status"] == "off"


def test_enhance_is_a_dry_run(client: TestClient, tmp_path: Path) -> None:
    response = client.post("/enhance", json={"prompt": "a cat", "enhancement_style": "anime"})
    assert response.status_code == 200
    body = response.json()
    assert body["original_prompt"] == "a cat"
    assert "anime" in body["enhanced_prompt"]
    assert body["enhancement"] == {"status": "applied", "enhancer": "template", "style": "anime"}
    assert not (tmp_path / "genpic-data" / "outputs").exists()


def test_compare_is_plain_and_enhanced_with_one_seed(client: TestClient) -> None:
    response = client.post("/compare", json={"prompt": "a lighthouse", "aspect_ratio": "1:1"})
    assert response.status_code == 200, response.text
    original, enhanced = response.json()["original"], response.json()["enhanced"]
    assert original["seed"] == enhanced["seed"] > 0
    assert original["parameters"]["prompt"] == "a lighthouse"
    assert enhanced["parameters"]["prompt"] == enhanced["enhanced_prompt"] != "a lighthouse"
    assert original["key"] != enhanced["key"]
    assert client.post("/compare", json={"prompt": "a", "n": 2}).json()["field"] == "n"


@pytest.mark.parametrize(
    "key",
    [
        "outputs/../secret.json",
        "outputs/%2e%2e/%2e%2e/etc/passwd",
        "inputs/uploads/x.png",
        "outputs/",
        "outputs/sub/dir.png",
        "outputs/missing.jpeg",
    ],
)
def test_only_existing_output_keys_are_served(client: TestClient, key: str) -> None:
    response = client.get(f"/images/{key}")
    assert response.status_code == 404
    assert response.json()["error"] == "NotFound"


def test_a_local_upload_is_stored_where_init_image_s3_points(
    client: TestClient, tmp_path: Path
) -> None:
    data = image_bytes((320, 256), "PNG")
    response = client.post("/uploads", files={"file": ("in.png", data, "image/png")})
    assert response.status_code == 200, response.text
    uri = response.json()["init_image_s3"]
    assert uri.startswith("s3://genpic-local/uploads/") and uri.endswith(".png")
    stored = tmp_path / "genpic-data" / "inputs" / uri.split("/", 3)[3]
    assert stored.read_bytes() == data


def test_a_bad_upload_is_refused_and_not_stored(client: TestClient, tmp_path: Path) -> None:
    bad = client.post("/uploads", files={"file": ("x.png", b"not an image", "image/png")})
    assert (bad.status_code, bad.json()["error"]) == (400, "InvalidImage")
    missing = client.post("/uploads", files={"other": (None, "x")})
    assert (missing.status_code, missing.json()["field"]) == (400, "file")
    form = client.post("/uploads", data={"file": "x"})  # urlencoded: not a file upload
    assert (form.status_code, form.json()["error"]) == (415, "UnsupportedMediaType")
    assert not (tmp_path / "genpic-data" / "inputs").exists()


def test_a_body_over_6_mb_is_413_by_content_length(client: TestClient) -> None:
    big = b'{"prompt": "' + b"a" * MAX_BODY_BYTES + b'"}'
    response = client.post("/generate", content=big, headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"] == "PayloadTooLarge"
    assert response.headers["X-Request-Id"] == response.json()["request_id"]


def test_a_streamed_body_over_6_mb_is_413(client: TestClient, tmp_path: Path) -> None:
    def chunks() -> Any:
        for _ in range(7):
            yield b"a" * (1024 * 1024)

    response = client.post("/generate", content=chunks())  # chunked: no Content-Length
    assert response.status_code == 413
    assert not (tmp_path / "genpic-data" / "outputs").exists()


def test_every_response_carries_a_request_id(client: TestClient) -> None:
    for response in (
        client.get("/health"),
        client.get("/nowhere"),
        client.get("/generate"),
        client.post("/generate", content=b"{oops"),
        client.get("/openapi.json"),
    ):
        assert len(response.headers["X-Request-Id"]) == 36
    assert client.get("/generate").status_code == 405


def test_unexpected_faults_are_a_500_without_details(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    pipeline = client.app.state.genpic.pipeline  # type: ignore[attr-defined]

    def explode(*_: Any) -> None:
        raise RuntimeError("secret internals at /home/x")

    monkeypatch.setattr(pipeline, "run", explode)
    response = client.post("/generate", json={"prompt": "a"})
    assert response.status_code == 500
    assert response.json()["error"] == "InternalError"
    assert "secret" not in response.text


def test_openapi_documents_every_route_and_the_request_fields(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert set(spec["paths"]) >= {
        "/health",
        "/generate",
        "/generate-enhanced",
        "/enhance",
        "/compare",
        "/images/{key}",
        "/uploads",
        "/v1/images/generations",
        "/v1/images/edits",
        "/v1/models",
    }
    generate = spec["paths"]["/generate"]["post"]
    fields = generate["requestBody"]["content"]["application/json"]["schema"]["properties"]
    assert {"prompt", "n", "styles", "init_image", "enhancement_style"} <= set(fields)
    assert {"400", "413", "429", "502"} <= set(generate["responses"])


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_docs_pages_load_only_this_origin(client: TestClient, page: str) -> None:
    answer = client.get(page)
    assert answer.status_code == 200
    linked = re.findall(r'(?:href|src)="([^"]+)"', answer.text)
    assert linked and all(url.startswith("/static/docs/") for url in linked), linked
    for url in linked:
        assert client.get(url).status_code == 200, url
    policy = answer.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "https:" not in policy


def test_the_page_and_its_assets_are_served(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert client.get("/static/app.css").status_code == 200


def test_cors_is_off_by_default_and_follows_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    origin = {"Origin": "https://app.example.com"}
    closed = LocalClient(create_app()).get("/health", headers=origin)
    assert "access-control-allow-origin" not in closed.headers
    monkeypatch.setenv("GENPIC_CORS_ORIGINS", "https://app.example.com, https://b.example")
    app = LocalClient(create_app())
    assert app.get("/health", headers=origin).headers["access-control-allow-origin"] == (
        "https://app.example.com"
    )
    preflight = app.options(
        "/generate",
        headers={**origin, "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 200
    assert "X-Request-Id" in preflight.headers
    other = app.get("/health", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers


def test_the_api_key_guards_every_route_but_health(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENPIC_API_KEY", "s3cret-key")
    app = LocalClient(create_app())
    assert app.get("/health").status_code == 200
    assert app.get("/").status_code == 200  # the page itself holds nothing
    for path in ("/v1/models", "/openapi.json", "/images/outputs/x.jpeg"):
        refused = app.get(path)
        assert refused.status_code == 401, path
    refused = app.post("/generate", json={"prompt": "a"})
    assert refused.json()["error"] == "Unauthorized"
    wrong = app.post("/generate", json={"prompt": "a"}, headers={"X-Api-Key": "s3cret-kex"})
    assert wrong.status_code == 401
    v1 = app.get("/v1/models", headers={"Authorization": "Bearer nope"})
    assert v1.json()["error"]["type"] == "authentication_error"
    ok = app.post("/generate", json={"prompt": "a"}, headers={"Authorization": "Bearer s3cret-key"})
    assert ok.status_code == 200
    assert app.get("/v1/models", headers={"X-Api-Key": "s3cret-key"}).status_code == 200
