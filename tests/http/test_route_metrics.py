"""The HTTP app (the ``api`` function) prints the same image, cost and error metrics per route."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import image_bytes
from tests.support.bedrock_double import BedrockDouble, Fault
from tests.support.emf import named, printed


def invocations(bedrock: BedrockDouble) -> int:
    return sum(1 for call in bedrock.requests if call.operation == "InvokeModel")


@pytest.mark.parametrize(
    ("route", "payload", "images"),
    [
        ("/generate", {"prompt": "a cat"}, 1),
        ("/generate-enhanced", {"prompt": "a cat", "n": 2}, 2),
        ("/compare", {"prompt": "a cat"}, 2),
        ("/v1/images/generations", {"prompt": "a cat", "n": 2}, 2),
    ],
)
def test_each_image_route_counts_its_images_and_cost_under_its_route(
    aws_client: TestClient,
    bedrock: BedrockDouble,
    capsys: pytest.CaptureFixture[str],
    route: str,
    payload: dict[str, Any],
    images: int,
) -> None:
    response = aws_client.post(route, json=payload)
    assert response.status_code == 200, response.text
    found = printed(capsys)
    made = named(found, "ImagesGenerated")
    assert [p.dimensions for p in made] == [
        (("Entry", route), ("Model", "stability.sd3-5-large-v1:0"), ("service", "genpic"))
    ] * images
    assert invocations(bedrock) == images
    costs = named(found, "EstimatedCostUSD")
    assert len(costs) == images and all(p.values[0] >= 0.08 for p in costs)
    assert {p.dimension("Entry") for p in named(found, "TotalLatency")} == {route}
    assert not named(found, "ServerErrors") and not named(found, "ClientErrors")


def test_an_openai_edit_counts_under_its_route(
    aws_client: TestClient, bedrock: BedrockDouble, capsys: pytest.CaptureFixture[str]
) -> None:
    response = aws_client.post(
        "/v1/images/edits",
        data={"prompt": "as a mosaic"},
        files={"image": ("in.png", image_bytes((320, 256), "PNG"), "image/png")},
    )
    assert response.status_code == 200, response.text
    [made] = named(printed(capsys), "ImagesGenerated")
    assert made.dimension("Entry") == "/v1/images/edits"
    assert bedrock.requests[-1].body["mode"] == "image-to-image"


def test_a_refused_request_is_a_client_error_of_its_route_and_calls_no_model(
    aws_client: TestClient, bedrock: BedrockDouble, capsys: pytest.CaptureFixture[str]
) -> None:
    assert aws_client.post("/generate", json={"prompt": ""}).status_code == 400
    assert (
        aws_client.post("/v1/images/generations", json={"prompt": "x", "n": 9}).status_code == 400
    )
    found = printed(capsys)
    assert [(p.name, p.dimension("Entry"), p.dimension("ErrorCode")) for p in found] == [
        ("ClientErrors", "/generate", "ValidationError"),
        ("ClientErrors", "/v1/images/generations", "ValidationError"),
    ]
    assert invocations(bedrock) == 0


def test_ids_and_unknown_paths_never_become_dimension_values(
    aws_client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    assert aws_client.get("/jobs/0123abcd").status_code == 404
    assert aws_client.get("/no/such/route/42").status_code == 404
    entries = [p.dimension("Entry") for p in named(printed(capsys), "ClientErrors")]
    assert entries == ["/jobs/{job_id}", "other"]


def test_a_failed_compare_is_one_server_error_of_the_route(
    aws_client: TestClient,
    bedrock: BedrockDouble,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GENPIC_MODEL_ATTEMPTS", "1")
    bedrock.inject(*[Fault("AccessDeniedException", operation="InvokeModel")] * 2)
    response = aws_client.post("/compare", json={"prompt": "a cat"})
    assert (response.status_code, response.json()["error"]) == (502, "ModelUnavailable")
    [error] = printed(capsys)
    assert (error.name, error.dimension("Entry"), error.dimension("ErrorCode")) == (
        "ServerErrors",
        "/compare",
        "ModelUnavailable",
    )


def test_an_unexpected_fault_is_a_server_error(
    aws_client: TestClient, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pipeline = aws_client.app.state.genpic.pipeline  # type: ignore[attr-defined]

    def explode(*_: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(pipeline, "run", explode)
    assert aws_client.post("/generate-enhanced", json={"prompt": "a"}).status_code == 500
    [error] = printed(capsys)
    assert (error.name, error.dimension("Entry"), error.dimension("ErrorCode")) == (
        "ServerErrors",
        "/generate-enhanced",
        "InternalError",
    )
