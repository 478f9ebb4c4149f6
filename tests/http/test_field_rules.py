"""One rule per field on every route that takes it, checked at the wire (the Bedrock double).

- ``strength`` without an init image is a 400 on ``strength``, never a 200 that ignores it;
- ``aspect_ratio`` with an init image is accepted, not sent, and named in ``warnings``;
- every integer and number field refuses a numeric string, in genpic's words;
- field paths read ``styles[1]`` and ``requests[1].seed``.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
from fastapi.testclient import TestClient

from genpic.editing import EditRequest
from genpic.feedback import FeedbackRequest
from genpic.request import ASPECT_RATIO_IGNORED, GenerationRequest
from tests.conftest import image_bytes
from tests.integration.helpers import invoke
from tests.support.bedrock_double import BedrockDouble

INIT = base64.b64encode(image_bytes((320, 256), "PNG")).decode()
GENERATING = ("/generate", "/generate-enhanced", "/jobs")
PYDANTIC_WORDS = ("Input should", "unable to parse", "valid integer", "valid number")


def numeric_fields(model: type[Any]) -> dict[str, str]:
    """Each integer or number field of ``model``'s schema, with the JSON type it takes."""
    found = {}
    for name, schema in model.model_json_schema()["properties"].items():
        kinds = {branch.get("type") for branch in schema.get("anyOf", [schema])}
        for kind in ("integer", "number"):
            if kind in kinds:
                found[name] = kind
    return found


def assert_refused(response: Any, field: str, words: str) -> dict[str, Any]:
    assert response.status_code == 400, response.text
    body: dict[str, Any] = response.json()
    assert body["field"] == field
    assert words in body["message"]
    for pydantic in PYDANTIC_WORDS:
        assert pydantic not in body["message"]
    return body


@pytest.mark.parametrize("route", GENERATING)
def test_strength_without_an_init_image_is_a_400_on_every_route(
    aws_client: TestClient, bedrock: BedrockDouble, route: str
) -> None:
    response = aws_client.post(route, json={"prompt": "a cat", "strength": 0.3})
    assert_refused(response, "strength", "strength: applies only to image-to-image")
    assert bedrock.requests == []


def test_strength_without_an_init_image_is_a_400_in_a_batch_and_from_lambda(
    aws: Any, aws_client: TestClient, bedrock: BedrockDouble
) -> None:
    batch = {"requests": [{"prompt": "a"}, {"prompt": "b", "strength": 0.3}]}
    body = assert_refused(aws_client.post("/batches", json=batch), "requests[1].strength", "")
    assert body["details"][0]["field"] == "requests[1].strength"
    status, _, lambda_body = invoke("generate", {"prompt": "a cat", "strength": 0.3})
    assert (status, lambda_body["field"]) == (400, "strength")
    assert bedrock.requests == []


def test_aspect_ratio_with_an_init_image_is_not_sent_and_the_body_says_so(
    aws_client: TestClient, bedrock: BedrockDouble
) -> None:
    response = aws_client.post(
        "/generate", json={"prompt": "as ink", "init_image": INIT, "aspect_ratio": "9:16"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["warnings"] == [ASPECT_RATIO_IGNORED]
    assert (body["width"], body["height"]) == (320, 256)
    [call] = [r for r in bedrock.requests if r.operation == "InvokeModel"]
    assert "aspect_ratio" not in call.body
    assert call.body["mode"] == "image-to-image"


def test_an_init_image_without_aspect_ratio_warns_of_nothing(
    aws_client: TestClient, bedrock: BedrockDouble
) -> None:
    response = aws_client.post("/generate", json={"prompt": "as ink", "init_image": INIT})
    assert response.status_code == 200, response.text
    assert "warnings" not in response.json()


# Each route's request model, and a body that is valid but for the field under test.
NUMBERED = {
    "/generate": (GenerationRequest, {"prompt": "a cat", "init_image": INIT}),
    "/edit": (EditRequest, {"operation": "outpaint", "image": INIT}),
}


@pytest.mark.parametrize(
    ("route", "field"),
    [(route, field) for route, (model, _) in NUMBERED.items() for field in numeric_fields(model)],
)
def test_a_numeric_string_is_refused_for_every_number_field(
    aws_client: TestClient, bedrock: BedrockDouble, route: str, field: str
) -> None:
    model, body = NUMBERED[route]
    kind = numeric_fields(model)[field]
    words = f"{field}: must be {'an integer' if kind == 'integer' else 'a number'}"
    assert_refused(aws_client.post(route, json={**body, field: "1"}), field, words)
    assert bedrock.requests == []


def test_numbers_are_counted_in_every_request_model() -> None:
    # The parametrized tests above must not pass by finding no field at all.
    assert {"seed", "n", "strength"} <= set(numeric_fields(GenerationRequest))
    assert {"grow_mask", "creativity"} <= set(numeric_fields(EditRequest))
    assert set(numeric_fields(FeedbackRequest)) == {"rating"}


def test_feedback_numbers_and_preference_say_what_is_accepted(client: TestClient) -> None:
    rating = client.post("/feedback", json={"image_id": "x", "rating": "5"})
    assert_refused(rating, "rating", "rating: must be an integer")
    preferred = client.post("/feedback", json={"image_id": "x", "preferred": False})
    body = assert_refused(preferred, "preferred", "preferred: must be true")
    assert "send rating (1 to 5)" in body["message"]
    assert "one of ." not in body["message"]


def test_field_paths_are_written_one_way(aws_client: TestClient, bedrock: BedrockDouble) -> None:
    styles = {"prompt": "a", "enhance_prompt": True, "styles": ["anime", "noir"]}
    one = assert_refused(aws_client.post("/generate", json=styles), "styles[1]", "styles[1]: ")
    assert one["details"] == [{"field": "styles[1]", "message": one["details"][0]["message"]}]
    batch = {"requests": [{"prompt": "a"}, {"prompt": "b", "seed": "x"}, styles]}
    body = assert_refused(aws_client.post("/batches", json=batch), "requests[1].seed", "")
    assert body["message"].startswith("Invalid request: requests[1].seed: must be an integer")
    nested = aws_client.post("/batches", json={"requests": [{"prompt": "a"}, styles]})
    assert_refused(nested, "requests[1].styles[1]", "requests[1].styles[1]: must be one of")
    assert bedrock.requests == []
