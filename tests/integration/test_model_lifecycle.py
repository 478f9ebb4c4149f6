"""Retired models are refused on every surface before any model call; legacy ones warn.

Nova Canvas and Titan Image Generator v2 are retired in the catalog. Each surface
is driven as deployed (the Bedrock double, moto), with the model allow-listed, and
the double must never see an InvokeModel for them.
"""

from __future__ import annotations

import base64
import dataclasses
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from genpic import catalog
from genpic.catalog import NOVA_CANVAS, SD35_LARGE, TITAN_IMAGE_V2, Lifecycle
from genpic.errors import ConfigurationError
from genpic.http.app import create_app
from genpic.settings import Settings
from tests.conftest import image_bytes
from tests.integration.helpers import invoke
from tests.support import cli
from tests.support.asgi import LocalClient
from tests.support.bedrock_double import BedrockDouble

RETIRED = [NOVA_CANVAS, TITAN_IMAGE_V2, f"us.{NOVA_CANVAS}"]
REPLACEMENT = f"use Stable Diffusion 3.5 Large ({SD35_LARGE}) instead"
LEGACY_EOL = date(2099, 1, 31)


@pytest.fixture
def allow_listed(aws: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("GENPIC_ALLOWED_MODELS", ",".join([SD35_LARGE, *RETIRED]))
    return aws


@pytest.fixture
def app(allow_listed: Any) -> Any:
    with LocalClient(create_app()) as client:
        yield client


@pytest.fixture
def legacy_sd35(monkeypatch: pytest.MonkeyPatch) -> None:
    """SD3.5 Large as if Bedrock had moved it to Legacy, ending on ``LEGACY_EOL``."""
    model = catalog.IMAGE_MODELS[SD35_LARGE]
    legacy = dataclasses.replace(model, lifecycle=Lifecycle("legacy", LEGACY_EOL))
    monkeypatch.setitem(catalog.IMAGE_MODELS, SD35_LARGE, legacy)


def invoked(bedrock: BedrockDouble) -> list[str]:
    return [call.model_id for call in bedrock.requests if call.operation == "InvokeModel"]


def assert_refused(error: dict[str, Any], model: str) -> None:
    assert error.get("field", error.get("param")) in ("model", "requests[0].model"), error
    assert "reached its end of life on Bedrock" in error["message"], error
    assert model in error["message"]
    assert REPLACEMENT in error["message"], error


@pytest.mark.parametrize("model", RETIRED)
def test_the_lambda_handler_refuses_a_retired_model_naming_its_replacement(
    allow_listed: Any, bedrock: BedrockDouble, model: str
) -> None:
    status, _, body = invoke("generate", {"prompt": "a lighthouse", "model": model})

    assert (status, body["error"]) == (400, "ValidationError"), body
    assert_refused(body, model)
    assert invoked(bedrock) == []


@pytest.mark.parametrize(
    ("path", "payload"),
    [
        ("/generate", {"prompt": "a lighthouse"}),
        ("/generate-enhanced", {"prompt": "a lighthouse"}),
        ("/v1/images/generations", {"prompt": "a lighthouse"}),
        ("/jobs", {"prompt": "a lighthouse"}),
    ],
)
@pytest.mark.parametrize("model", [NOVA_CANVAS, TITAN_IMAGE_V2])
def test_every_http_route_refuses_a_retired_model_before_any_call(
    app: TestClient, bedrock: BedrockDouble, path: str, payload: dict[str, Any], model: str
) -> None:
    response = app.post(path, json={**payload, "model": model})

    assert response.status_code == 400, response.text
    body = response.json()
    assert_refused(body.get("error") if path.startswith("/v1") else body, model)
    assert invoked(bedrock) == []


def test_a_batch_with_a_retired_model_is_refused_whole(
    app: TestClient, bedrock: BedrockDouble
) -> None:
    response = app.post(
        "/batches", json={"requests": [{"prompt": "a cat", "model": NOVA_CANVAS}, {"prompt": "a"}]}
    )

    assert response.status_code == 400, response.text
    assert_refused(response.json(), NOVA_CANVAS)
    assert invoked(bedrock) == []


def test_openai_edits_with_a_retired_model_are_refused(
    app: TestClient, bedrock: BedrockDouble
) -> None:
    response = app.post(
        "/v1/images/edits",
        data={"prompt": "in autumn", "model": NOVA_CANVAS},
        files={"image": ("in.png", image_bytes(fmt="PNG"), "image/png")},
    )

    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["param"] == "model"
    assert REPLACEMENT in error["message"]
    assert invoked(bedrock) == []


def test_v1_models_leaves_out_retired_models_and_describes_the_rest(
    app: TestClient, legacy_sd35: None
) -> None:
    listed = {entry["id"]: entry for entry in app.get("/v1/models").json()["data"]}

    assert list(listed) == [SD35_LARGE]
    entry = listed[SD35_LARGE]
    assert entry["operations"] == ["generate", "image_to_image"]
    assert entry["lifecycle"]["status"] == "legacy"
    assert entry["lifecycle"]["end_of_life"] == "2099-01-31"
    assert entry["lifecycle"]["source"].startswith("https://docs.aws.amazon.com/bedrock/")


def test_the_openapi_document_offers_no_retired_model(app: TestClient) -> None:
    paths = app.get("/openapi.json").json()["paths"]
    for path in ("/generate", "/jobs", "/v1/images/generations"):
        body = paths[path]["post"]["requestBody"]["content"]["application/json"]["schema"]
        model = body["properties"]["model"]
        branches = [model, *model.get("anyOf", ())]
        offered = [value for branch in branches for value in branch.get("enum", ())]
        assert offered == [SD35_LARGE], path


def test_a_legacy_model_still_works_and_its_body_warns(
    aws: Any, bedrock: BedrockDouble, legacy_sd35: None
) -> None:
    status, _, body = invoke("generate", {"prompt": "a lighthouse"})

    assert status == 200, body
    assert invoked(bedrock) == [SD35_LARGE]
    (warning,) = body["warnings"]
    assert SD35_LARGE in warning
    assert "legacy" in warning
    assert "2099-01-31" in warning


def test_openai_generations_carry_the_legacy_warning(
    app: TestClient, bedrock: BedrockDouble, legacy_sd35: None
) -> None:
    response = app.post("/v1/images/generations", json={"prompt": "a lighthouse", "n": 2})

    assert response.status_code == 200, response.text
    (warning,) = response.json()["warnings"]
    assert "2099-01-31" in warning
    assert invoked(bedrock) == [SD35_LARGE, SD35_LARGE]


def test_an_active_model_carries_no_warnings(aws: Any, bedrock: BedrockDouble) -> None:
    status, _, body = invoke("generate", {"prompt": "a lighthouse"})

    assert status == 200, body
    assert "warnings" not in body


def test_a_legacy_model_is_retired_from_its_end_of_life_date(legacy_sd35: None) -> None:
    assert catalog.lifecycle_status(SD35_LARGE, date(2099, 1, 30)) == "legacy"
    assert catalog.lifecycle_status(SD35_LARGE, LEGACY_EOL) == "retired"
    assert catalog.retirement(SD35_LARGE, date(2099, 1, 30)) is None
    refusal = catalog.retirement(SD35_LARGE, LEGACY_EOL)
    assert refusal is not None and "choose another model" in refusal


@pytest.mark.parametrize("variable", ["GENPIC_IMAGE_MODEL", "GENPIC_TEXT_MODEL"])
def test_a_retired_default_model_is_a_configuration_error(variable: str) -> None:
    with pytest.raises(ConfigurationError) as raised:
        Settings.from_env({variable: TITAN_IMAGE_V2})
    assert variable in str(raised.value)
    assert REPLACEMENT in str(raised.value)


def test_the_default_allow_list_offers_no_retired_model() -> None:
    assert Settings().allowed_models == Settings.from_env({}).allowed_models
    assert not [m for m in Settings().allowed_models if catalog.retirement(m)]


def test_the_cli_refuses_a_retired_model_without_a_call(
    allow_listed: Any, bedrock: BedrockDouble, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli.invoke("generate", "a cat", "--model", NOVA_CANVAS, "-o", "cat.png")

    assert result.exit_code != 0
    assert REPLACEMENT in result.output
    assert invoked(bedrock) == []
    assert not (tmp_path / "cat.png").exists()


def test_a_batch_file_with_a_retired_model_is_refused_before_any_image(
    allow_listed: Any, bedrock: BedrockDouble, tmp_path: Path
) -> None:
    lines = tmp_path / "prompts.jsonl"
    lines.write_text(f'{{"prompt": "a cat", "model": "{TITAN_IMAGE_V2}"}}\n')
    result = cli.invoke("batch", str(lines), "--out", str(tmp_path / "run"))

    assert result.exit_code == 2, result.output  # bad input: exit 2
    assert "line 1: model:" in result.output
    assert invoked(bedrock) == []


def test_a_retired_init_image_request_is_refused_before_reading_it(
    app: TestClient, bedrock: BedrockDouble
) -> None:
    encoded = base64.b64encode(image_bytes()).decode("ascii")
    response = app.post(
        "/generate", json={"prompt": "a cat", "model": NOVA_CANVAS, "init_image": encoded}
    )

    assert response.status_code == 400
    assert_refused(response.json(), NOVA_CANVAS)
    assert invoked(bedrock) == []
