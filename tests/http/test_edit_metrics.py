"""``POST /edit`` counts in the same metrics as a generation, under its route.

A failed edit counts like a failed generation: the same ErrorCode and Screen records,
with ``Entry`` ``/edit``.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
from fastapi.testclient import TestClient

from genpic.http.app import create_app
from tests.conftest import image_bytes
from tests.support.asgi import LocalClient
from tests.support.bedrock_double import BedrockDouble, Fault
from tests.support.emf import Point, named, printed

IMAGE = base64.b64encode(image_bytes((320, 256), "PNG")).decode()
UPSCALE = {"operation": "upscale_fast", "image": IMAGE}
REPLACE = {"operation": "search_replace", "image": IMAGE, "prompt": "a dog", "search_prompt": "cat"}


def _failures(found: list[Point]) -> list[tuple[str, str]]:
    """Each failure record as (metric, ErrorCode or Screen), the entry left out."""
    return [
        (p.name, p.dimension("ErrorCode" if p.name.endswith("Errors") else "Screen")) for p in found
    ]


def _invocations(bedrock: BedrockDouble) -> int:
    return sum(1 for call in bedrock.requests if call.operation == "InvokeModel")


def test_an_edit_counts_its_image_and_cost_under_its_route_and_service(
    aws_client: TestClient, bedrock: BedrockDouble, capsys: pytest.CaptureFixture[str]
) -> None:
    response = aws_client.post("/edit", json=UPSCALE)
    assert response.status_code == 200, response.text
    found = printed(capsys)
    [made] = named(found, "ImagesGenerated")
    assert made.dimensions == (
        ("Entry", "/edit"),
        ("Model", "us.stability.stable-fast-upscale-v1:0"),
        ("service", "genpic"),
    )
    [cost] = named(found, "EstimatedCostUSD")
    assert cost.values == (0.03,)
    assert not named(found, "ServerErrors") and not named(found, "ClientErrors")
    assert _invocations(bedrock) == 1


def _refusals(
    client: TestClient,
    capsys: pytest.CaptureFixture[str],
    edit: dict[str, Any],
    generation: dict[str, Any],
) -> tuple[list[Point], list[Point]]:
    edited = client.post("/edit", json=edit)
    found_edit = printed(capsys)
    generated = client.post("/generate", json=generation)
    assert edited.status_code == generated.status_code, edited.text
    return found_edit, printed(capsys)


def test_a_refused_edit_counts_as_a_refused_generation_and_calls_no_model(
    aws_client: TestClient, bedrock: BedrockDouble, capsys: pytest.CaptureFixture[str]
) -> None:
    edit, generation = _refusals(
        aws_client, capsys, {**UPSCALE, "grow_mask": 3}, {"prompt": "a cat", "strength": 2}
    )
    assert _failures(edit) == _failures(generation) == [("ClientErrors", "ValidationError")]
    assert {p.dimension("Entry") for p in edit} == {"/edit"}
    assert _invocations(bedrock) == 0


def test_a_blocklisted_edit_counts_as_a_blocklisted_generation(
    aws: Any,
    bedrock: BedrockDouble,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Any,
) -> None:
    listed = tmp_path / "blocklist.txt"
    listed.write_text("red dragon\n", "utf-8")
    monkeypatch.setenv("GENPIC_BLOCKLIST", str(listed))
    with LocalClient(create_app()) as client:
        edit, generation = _refusals(
            client, capsys, {**REPLACE, "search_prompt": "red dragon"}, {"prompt": "a red dragon"}
        )
    assert (
        _failures(edit)
        == _failures(generation)
        == [
            ("ClientErrors", "ContentFiltered"),
            ("ContentFiltered", "blocklist"),
        ]
    )
    assert {p.dimension("Entry") for p in edit} == {"/edit"}
    assert _invocations(bedrock) == 0


@pytest.mark.parametrize(
    ("fault", "code"),
    [("AccessDeniedException", "ModelUnavailable"), (None, "ContentFiltered")],
)
def test_a_failed_edit_call_counts_as_a_failed_generation(
    aws_client: TestClient,
    bedrock: BedrockDouble,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    fault: str | None,
    code: str,
) -> None:
    monkeypatch.setenv("GENPIC_MODEL_ATTEMPTS", "1")
    found: dict[str, list[Point]] = {}
    for route, body in (("/edit", REPLACE), ("/generate", {"prompt": "a cat"})):
        if fault:
            bedrock.inject(Fault(fault, operation="InvokeModel"))
        else:
            bedrock.set_filter("Filter reason: output image")
        response = aws_client.post(route, json=body)
        assert response.json()["error"] == code, response.text
        found[route] = printed(capsys)
        bedrock.reset()

    assert _failures(found["/edit"]) == _failures(found["/generate"]) != []
    assert {p.dimension("Entry") for p in found["/edit"]} == {"/edit"}
