"""A model without image-to-image suggests only what this deployment can use instead.

Driven as deployed (the Bedrock double, moto) through HTTP and the CLI: the 400 names the
allowed, active models that take an init image, never a retired or disallowed one; when the
deployment allows none, it says so and how to allow one. No model is ever called.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest

from genpic.catalog import (
    NOVA_CANVAS,
    SD35_LARGE,
    STABLE_IMAGE_CORE,
    STABLE_IMAGE_ULTRA,
    TITAN_IMAGE_V2,
)
from genpic.http.app import create_app
from tests.conftest import image_bytes
from tests.support import cli
from tests.support.asgi import LocalClient
from tests.support.bedrock_double import BedrockDouble

NONE_ALLOWED = (
    "Stable Image Core has no image-to-image mode, and no model this deployment allows has "
    f"one; send no init image, or add {SD35_LARGE} or {STABLE_IMAGE_ULTRA} to "
    "GENPIC_ALLOWED_MODELS"
)


def deploy(monkeypatch: pytest.MonkeyPatch, *allowed: str) -> None:
    monkeypatch.setenv("GENPIC_ALLOWED_MODELS", ",".join(allowed))
    # The default model is always allowed: make it one of the listed ones.
    monkeypatch.setenv("GENPIC_IMAGE_MODEL", allowed[0])


def refused_over_http(payload: dict[str, Any]) -> dict[str, Any]:
    with LocalClient(create_app()) as client:
        response = client.post("/generate", json=payload)
    assert response.status_code == 400, response.text
    body: dict[str, Any] = response.json()
    assert (body["error"], body["field"]) == ("ValidationError", "model"), body
    return body


def core_with_an_init_image() -> dict[str, Any]:
    encoded = base64.b64encode(image_bytes()).decode("ascii")
    return {"prompt": "a cat", "model": STABLE_IMAGE_CORE, "init_image": encoded}


def invoked(bedrock: BedrockDouble) -> list[str]:
    return [call.model_id for call in bedrock.requests if call.operation == "InvokeModel"]


def test_http_suggests_the_allowed_image_to_image_models(
    aws: Any, bedrock: BedrockDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    deploy(monkeypatch, STABLE_IMAGE_CORE, STABLE_IMAGE_ULTRA, NOVA_CANVAS, TITAN_IMAGE_V2)

    body = refused_over_http(core_with_an_init_image())

    assert (
        f"Stable Image Core has no image-to-image mode; use {STABLE_IMAGE_ULTRA}, "
        "or send no init image."
    ) in body["message"]
    assert invoked(bedrock) == []


def test_http_says_when_the_deployment_allows_no_image_to_image_model(
    aws: Any, bedrock: BedrockDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Nova Canvas is allow-listed, but retired: it is no suggestion.
    deploy(monkeypatch, STABLE_IMAGE_CORE, NOVA_CANVAS)

    body = refused_over_http(core_with_an_init_image())

    assert body["message"].endswith(NONE_ALLOWED + ".")
    assert "canvas" not in body["message"].lower()
    assert invoked(bedrock) == []


@pytest.fixture
def photo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in.png").write_bytes(image_bytes((300, 200), "PNG"))
    return "in.png"


def test_the_cli_suggests_the_allowed_image_to_image_models(
    aws: Any, bedrock: BedrockDouble, monkeypatch: pytest.MonkeyPatch, photo: str
) -> None:
    deploy(monkeypatch, STABLE_IMAGE_CORE, SD35_LARGE, TITAN_IMAGE_V2)

    result = cli.invoke("generate", "a cat", "--init-image", photo, "-m", STABLE_IMAGE_CORE)

    assert result.exit_code == 2, result.output  # bad input: exit 2
    assert (
        f"--model: Stable Image Core has no image-to-image mode; use {SD35_LARGE}, "
        "or send no init image"
    ) in result.stderr
    assert "titan" not in result.stderr.lower()
    assert invoked(bedrock) == []


def test_the_cli_says_when_the_deployment_allows_no_image_to_image_model(
    aws: Any, bedrock: BedrockDouble, monkeypatch: pytest.MonkeyPatch, photo: str
) -> None:
    deploy(monkeypatch, STABLE_IMAGE_CORE)

    result = cli.invoke("generate", "a cat", "--init-image", photo, "-m", STABLE_IMAGE_CORE)

    assert result.exit_code == 2, result.output  # bad input: exit 2
    assert f"--model: {NONE_ALLOWED}" in result.stderr
    assert invoked(bedrock) == []
