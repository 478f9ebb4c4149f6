"""The OpenAPI document states the rules the server applies, and 405s say what is allowed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from genpic.catalog import EDIT_MODELS, EDIT_OPERATIONS, MAX_SEED, STABLE_IMAGE_CORE
from genpic.http.app import create_app
from genpic.settings import Settings
from tests.support.asgi import LocalClient


def document(settings: Settings) -> dict[str, Any]:
    with LocalClient(create_app(settings)) as client:
        answer = client.get("/openapi.json")
    assert answer.status_code == 200
    body: dict[str, Any] = answer.json()
    return body


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return document(Settings())


def body_of(doc: dict[str, Any], path: str, media: str = "application/json") -> dict[str, Any]:
    schema: dict[str, Any] = doc["paths"][path]["post"]["requestBody"]["content"][media]["schema"]
    return schema


def test_every_body_route_documents_its_body(doc: dict[str, Any]) -> None:
    for path in ("/generate", "/generate-enhanced", "/enhance", "/compare", "/jobs", "/batches"):
        assert body_of(doc, path)["properties"], path
    assert body_of(doc, "/v1/images/generations")["required"] == ["prompt"]
    edit = body_of(doc, "/v1/images/edits", "multipart/form-data")
    assert edit["properties"]["image"]["format"] == "binary"
    assert body_of(doc, "/batches")["properties"]["requests"]["maxItems"] == 100


def test_the_request_rules_are_in_the_schema(doc: dict[str, Any]) -> None:
    props = body_of(doc, "/generate")["properties"]
    assert (props["seed"]["minimum"], props["seed"]["maximum"]) == (0, MAX_SEED)
    assert (props["n"]["minimum"], props["n"]["maximum"]) == (1, 4)
    assert (props["strength"]["minimum"], props["strength"]["maximum"]) == (0, 1)
    # The image services are edits: POST /edit documents them, one branch per operation.
    edit_ids = {m.model_id for m in EDIT_MODELS}
    assert props["model"]["enum"] == [m for m in Settings().allowed_models if m not in edit_ids]
    edit = body_of(doc, "/edit")
    branches = {b["properties"]["operation"]["const"]: b for b in edit["oneOf"]}
    assert set(branches) == set(EDIT_OPERATIONS)
    assert branches["inpaint"]["properties"]["grow_mask"] == {
        "type": "integer",
        "minimum": 0,
        "maximum": 20,
    }
    assert branches["remove_background"]["properties"]["output_format"] == {"enum": ["png", "webp"]}
    assert "prompt" not in branches["upscale_fast"]["properties"]
    assert props["init_image_s3"]["anyOf"][0]["pattern"].startswith("^s3://")
    assert props["cache"] == {"default": True, "title": "Cache", "type": "boolean"}
    assert body_of(doc, "/compare")["properties"]["n"]["maximum"] == 1
    assert body_of(doc, "/jobs")["properties"]["init_image"]["type"] == "null"
    feedback = body_of(doc, "/feedback")
    assert [rule["required"] for rule in feedback["oneOf"]] == [["rating"], ["preferred"]]


def test_the_models_are_the_deployments() -> None:
    doc = document(Settings(allowed_models=(STABLE_IMAGE_CORE,), image_model=STABLE_IMAGE_CORE))
    schema = body_of(doc, "/generate")
    assert schema["properties"]["model"]["enum"] == [STABLE_IMAGE_CORE]
    # Core makes no image-to-image: the schema says so for it (and for no model given).
    assert any(
        "init_image" in str(rule) and STABLE_IMAGE_CORE in str(rule) for rule in schema["allOf"]
    )
    edit = body_of(doc, "/v1/images/edits", "multipart/form-data")
    assert edit["properties"]["model"]["enum"] == []
    assert "multipart/form-data" in doc["paths"]["/uploads"]["post"]["requestBody"]["content"]


def test_v1_errors_are_documented_in_openais_shape(doc: dict[str, Any]) -> None:
    for path in ("/v1/images/generations", "/v1/images/edits"):
        bad = doc["paths"][path]["post"]["responses"]["400"]["content"]["application/json"]
        assert bad["schema"]["$ref"].endswith("/OpenAIErrorBody")
    generate = doc["paths"]["/generate"]["post"]["responses"]["400"]["content"]
    assert generate["application/json"]["schema"]["$ref"].endswith("/ErrorBody")
    error = doc["components"]["schemas"]["OpenAIErrorBody"]
    assert error["required"] == ["error"]
    assert "HTTPValidationError" not in doc["components"]["schemas"]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/generate", "SuccessBody"),
        ("/generate-enhanced", "SuccessBody"),
        ("/enhance", "EnhanceBody"),
        ("/compare", "CompareBody"),
        ("/v1/images/generations", "ImagesResponse"),
        ("/v1/images/edits", "ImagesResponse"),
    ],
)
def test_each_success_body_is_documented(doc: dict[str, Any], path: str, body: str) -> None:
    ok = doc["paths"][path]["post"]["responses"]["200"]["content"]["application/json"]
    assert ok["schema"] == {"$ref": f"#/components/schemas/{body}"}
    assert doc["components"]["schemas"][body]["type"] == "object"
    assert "x-genpic-body" not in str(doc)


def test_a_nested_body_is_a_component_too(doc: dict[str, Any]) -> None:
    images = doc["components"]["schemas"]["ImagesResponse"]["properties"]["data"]
    assert images["items"] == {"$ref": "#/components/schemas/ImageData"}
    assert doc["components"]["schemas"]["ImageData"]["required"] == ["revised_prompt"]


def test_the_document_is_what_the_server_answers(client: TestClient, tmp_path: Path) -> None:
    for field, value in (("cache", None), ("seed", "5"), ("n", "2"), ("strength", True)):
        answer = client.post("/generate", json={"prompt": "a cat", field: value})
        assert answer.status_code == 400, (field, answer.text)
        assert answer.json()["field"] == field
    # Refused before anything ran: nothing was stored.
    assert not list(Path("genpic-data").glob("outputs/*"))


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("TRACE", "/generate", "POST"),
        ("GET", "/jobs", "POST"),
        ("DELETE", "/health", "GET"),
        ("PUT", "/images/outputs/x.png", "GET"),
    ],
)
def test_a_405_says_which_methods_are_allowed(
    client: TestClient, method: str, path: str, allow: str
) -> None:
    answer = client.request(method, path)
    assert answer.status_code == 405
    assert answer.headers["allow"] == allow
    body = answer.json()
    assert body["error"] == "MethodNotAllowed"
    assert allow in body["message"]


def test_a_405_under_v1_is_openai_shaped(client: TestClient) -> None:
    answer = client.delete("/v1/models")
    assert answer.status_code == 405
    assert answer.headers["allow"] == "GET"
    assert answer.json()["error"]["code"] == "MethodNotAllowed"
