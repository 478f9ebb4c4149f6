"""Property tests: the parser and the OpenAPI document agree on every body, and bad ones are 400s.

Hypothesis draws valid requests (which must parse and round-trip) and mutations of
them (one field set to any JSON value): the parser either accepts the body or
raises a ``ValidationError`` naming the mutated field, never anything else, and it
accepts exactly the bodies the document's schema accepts.
"""

from __future__ import annotations

import math
import re
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from genpic.catalog import EDIT_MODELS, MAX_SEED
from genpic.errors import ValidationError
from genpic.feedback import parse_feedback
from genpic.http.app import create_app
from genpic.request import GenerationRequest, parse_request, visible
from genpic.settings import Settings
from genpic.vocabulary import ASPECT_RATIOS, ENHANCEMENT_STYLES, OUTPUT_FORMATS

DEPLOYMENT = Settings()
EDIT_IDS = frozenset(m.model_id for m in EDIT_MODELS)
# A generation names a text-to-image model; the image services are edits (POST /edit).
ALLOWED = tuple(m for m in DEPLOYMENT.allowed_models if m not in EDIT_IDS)
PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def _document() -> dict[str, Any]:
    return create_app(DEPLOYMENT).openapi()


DOCUMENT = _document()


def body_schema(path: str) -> dict[str, Any]:
    """The documented JSON request body of ``POST path``."""
    operation = DOCUMENT["paths"][path]["post"]
    return {
        **operation["requestBody"]["content"]["application/json"]["schema"],
        "components": DOCUMENT["components"],
    }


def documented(schema: dict[str, Any], payload: Any) -> bool:
    return jsonschema.Draft202012Validator(schema).is_valid(payload)


def parse(payload: Any) -> GenerationRequest:
    return parse_request(
        payload, allowed_models=DEPLOYMENT.allowed_models, default_model=DEPLOYMENT.image_model
    )


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**40), max_value=2**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
prompts = st.text(min_size=1, max_size=60).filter(lambda text: any(map(visible, text)))
valid_requests = st.fixed_dictionaries(
    {"prompt": prompts},
    optional={
        "negative_prompt": st.none() | st.text(max_size=40),
        "aspect_ratio": st.sampled_from(ASPECT_RATIOS),
        "seed": st.integers(min_value=0, max_value=MAX_SEED),
        "model": st.sampled_from(ALLOWED),
        "output_format": st.sampled_from(OUTPUT_FORMATS).map(str.upper),
        "enhancement_style": st.sampled_from(ENHANCEMENT_STYLES),
        "n": st.integers(min_value=1, max_value=4),
        "cache": st.booleans(),
        "translate": st.none() | st.booleans(),
        "user": st.text(min_size=1, max_size=20),
        "idempotency_key": st.text(
            st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=30
        ),
    },
) | st.fixed_dictionaries(
    # strength only with an init image (image-to-image).
    {
        "prompt": prompts,
        "init_image_s3": st.just("s3://genpic-local/uploads/in.png"),
        "strength": st.floats(min_value=0, max_value=1),
    }
)
FIELDS = (*GenerationRequest.model_fields, "prompt", "seed", "n", "cache", "steps")


@PROPERTY_SETTINGS
@given(valid_requests)
def test_a_valid_request_parses_and_round_trips(payload: dict[str, Any]) -> None:
    request = parse(payload)
    assert documented(body_schema("/generate"), payload)
    again = parse(request.model_dump(exclude_unset=True, exclude={"enhance_prompt"}))
    assert again.model_dump() == request.model_dump()
    assert request.prompt == payload["prompt"].strip()
    if "seed" in payload:
        assert request.seed == payload["seed"]


@PROPERTY_SETTINGS
@given(valid_requests, st.sampled_from(FIELDS), json_values)
def test_a_bad_field_is_a_400_naming_it_and_the_document_agrees(
    payload: dict[str, Any], field: str, value: Any
) -> None:
    mutated = {**payload, field: value}
    try:
        parse(mutated)
    except ValidationError as error:
        assert error.status == 400
        assert error.field is not None
        details = error.details or [{"field": error.field}]
        named = {re.split(r"[.\[]", d["field"])[0] for d in details}
        # The mutated field is named, or a rule between fields that it broke.
        rules = {"n", "styles", "init_image", "model", "strength"}
        assert field in named or named & rules, error.message
        accepted = False
    else:
        accepted = True
    assert documented(body_schema("/generate"), mutated) == accepted, (mutated, accepted)


@PROPERTY_SETTINGS
@given(json_values)
def test_any_json_body_is_parsed_or_refused_never_crashes(payload: Any) -> None:
    try:
        parse(payload)
    except ValidationError as error:
        assert error.status == 400 and error.field


feedback_bodies = st.fixed_dictionaries(
    {"image_id": st.text(min_size=1, max_size=10)},
    optional={
        "rating": st.integers(min_value=-1, max_value=7) | json_values,
        "preferred": st.sampled_from([True, False, None]) | json_values,
        "user": st.none() | st.text(max_size=5),
    },
)


@PROPERTY_SETTINGS
@given(feedback_bodies)
def test_feedback_is_accepted_exactly_when_the_document_says(payload: dict[str, Any]) -> None:
    try:
        parse_feedback(payload)
    except ValidationError as error:
        assert error.field in {"rating", "preferred", "user", "image_id"}
        accepted = False
    else:
        accepted = True
    assert documented(body_schema("/feedback"), payload) == accepted, payload


@pytest.mark.parametrize("value", [2.0, 1e0, 4.0])
def test_a_whole_float_is_the_integer(value: float) -> None:
    assert parse({"prompt": "a", "n": value}).n == math.floor(value)
