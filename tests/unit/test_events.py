"""Every event shape the original functions accepted yields the same payload."""

from __future__ import annotations

from typing import Any

import pytest

from genpic.aws.events import payload_from_event
from genpic.errors import ValidationError
from tests.support.events import SHAPES

PAYLOAD = {"prompt": "a cyberpunk cat", "seed": 42, "enhance_prompt": True}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_each_shape_carries_the_payload(shape: str) -> None:
    assert payload_from_event(SHAPES[shape](PAYLOAD)) == PAYLOAD


@pytest.mark.parametrize(
    "event",
    [
        {"body": None, "requestContext": {}},
        {"body": "", "requestContext": {}},
        {"routeKey": "POST /generate", "requestContext": {}},
    ],
)
def test_api_events_without_a_body_give_an_empty_payload(event: dict[str, Any]) -> None:
    assert payload_from_event(event) == {}


@pytest.mark.parametrize(
    ("event", "fragment"),
    [
        ({"body": "{oops"}, "not valid JSON"),
        ({"body": 3}, "JSON object or a JSON string"),
        ({"body": "!!", "isBase64Encoded": True}, "base64"),
        ("a string event", "JSON object"),
    ],
)
def test_malformed_events_are_validation_errors(event: Any, fragment: str) -> None:
    with pytest.raises(ValidationError) as caught:
        payload_from_event(event)
    assert fragment in caught.value.message
    assert caught.value.field == "body"
