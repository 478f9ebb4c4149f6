"""Validation of the public request, rule by rule, per the contract's field table."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from genpic.catalog import IMAGE_MODELS, SD35_LARGE
from genpic.errors import ValidationError
from genpic.request import GenerationRequest, parse_request

ALLOWED = tuple(IMAGE_MODELS)


# An init image by reference: parsing checks its form only.
INIT = {"init_image_s3": "s3://gen-img-input1/in.png"}


def parse(payload: Any, enhance_default: bool = False) -> GenerationRequest:
    return parse_request(payload, allowed_models=ALLOWED, enhance_default=enhance_default)


def refused(payload: Any) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        parse(payload)
    error = caught.value
    assert error.status == 400
    assert error.code == "ValidationError"
    return error


def test_defaults_match_the_contract() -> None:
    request = parse({"prompt": "  a cat  "})
    assert request.prompt == "a cat"
    assert request.aspect_ratio == "16:9"
    assert request.seed == 0
    assert request.model == SD35_LARGE
    assert request.output_format == "jpeg"
    assert request.strength == 0.7
    assert request.enhance_prompt is False
    assert request.enhancement_style == "default"
    assert not request.image_to_image


def test_enhance_default_comes_from_the_entry_point_unless_the_payload_says() -> None:
    assert parse({"prompt": "a"}, enhance_default=True).enhance_prompt is True
    assert (
        parse({"prompt": "a", "enhance_prompt": False}, enhance_default=True).enhance_prompt
        is False
    )
    assert parse({"prompt": "a", "enhance_prompt": True}).enhance_prompt is True


def test_null_is_absent_only_where_the_default_is() -> None:
    request = parse({"prompt": "a", "negative_prompt": None, "init_image_s3": None})
    assert request.negative_prompt is None and not request.image_to_image
    for field in ("seed", "aspect_ratio", "cache", "model", "n", "strength"):
        error = refused({"prompt": "a", field: None})
        assert error.field == field
        assert "not null" in error.message


def test_types_are_json_types_never_coerced() -> None:
    for field, value in (("seed", "5"), ("n", "2"), ("strength", "0.5"), ("cache", "false")):
        assert refused({"prompt": "a", field: value}).field == field
    assert parse({"prompt": "a", "strength": 1, **INIT}).strength == 1.0


def test_original_prompt_is_ignored_but_other_unknown_fields_are_refused() -> None:
    assert parse({"prompt": "a", "original_prompt": "b"}).prompt == "a"
    error = refused({"prompt": "a", "steps": 30})
    assert error.field == "steps"
    assert "unknown field" in error.message


# One payload per rule, and the field it must name (the HTTP tests replay these too).
RULE_CASES: list[tuple[Any, str]] = [
    ({}, "prompt"),
    ({"prompt": ""}, "prompt"),
    ({"prompt": "   \n"}, "prompt"),
    ({"prompt": "x" * 10_001}, "prompt"),
    ({"prompt": 42}, "prompt"),
    ({"prompt": "a", "negative_prompt": "x" * 10_001}, "negative_prompt"),
    ({"prompt": "a", "aspect_ratio": "4:3"}, "aspect_ratio"),
    ({"prompt": "a", "seed": -1}, "seed"),
    ({"prompt": "a", "seed": 4_294_967_295}, "seed"),
    ({"prompt": "a", "seed": 1.5}, "seed"),
    ({"prompt": "a", "seed": True}, "seed"),
    ({"prompt": "a", "seed": "abc"}, "seed"),
    ({"prompt": "a", "model": "stability.sd3-large-v1:0"}, "model"),
    ({"prompt": "a", "output_format": "gif"}, "output_format"),
    ({"prompt": "a", "init_image_s3": "https://example.com/a.png"}, "init_image_s3"),
    ({"prompt": "a", "init_image_s3": "s3://bucket-only"}, "init_image_s3"),
    ({"prompt": "a", "init_image": "not base64!!"}, "init_image"),
    ({"prompt": "a", "strength": 1.5}, "strength"),
    ({"prompt": "a", "strength": -0.1}, "strength"),
    ({"prompt": "a", "strength": False}, "strength"),
    ({"prompt": "a", "enhance_prompt": "yes"}, "enhance_prompt"),
    ({"prompt": "a", "enhancement_style": "vaporwave"}, "enhancement_style"),
    ({"prompt": "a", "styles": ["anime", "vaporwave"]}, "styles[1]"),
    ({"prompt": "a", "n": 1.5}, "n"),
    # strength moves away from an init image: without one it would be silently ignored.
    ({"prompt": "a", "strength": 0.3}, "strength"),
]


@pytest.mark.parametrize(("payload", "field"), RULE_CASES)
def test_each_rule_names_its_field(payload: dict[str, Any], field: str) -> None:
    error = refused(payload)
    assert error.field == field
    assert field in error.message
    assert error.details and error.details[0]["field"] == field


def test_every_error_is_reported_at_once() -> None:
    error = refused({"prompt": "", "seed": -1, "aspect_ratio": "4:3"})
    assert {d["field"] for d in error.details or []} == {"prompt", "seed", "aspect_ratio"}


def test_edges_of_ranges_are_accepted() -> None:
    assert parse({"prompt": "x" * 10_000, "seed": 4_294_967_294}).seed == 4_294_967_294
    assert parse({"prompt": "a", "strength": 0, **INIT}).strength == 0
    assert parse({"prompt": "a", "strength": 1, **INIT}).strength == 1


def test_aspect_ratio_choices_are_listed_in_the_message() -> None:
    assert "1:1, 16:9, 21:9" in refused({"prompt": "a", "aspect_ratio": "4:3"}).message


def test_model_not_in_the_allow_list_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_request({"prompt": "a", "model": SD35_LARGE}, allowed_models=["other"])
    assert caught.value.field == "model"


def test_init_image_forms() -> None:
    request = parse({"prompt": "a", "init_image_s3": "s3://gen-img-input1/dir/in.png"})
    assert request.image_to_image
    assert request.init_image_location() == ("gen-img-input1", "dir/in.png")
    encoded = base64.b64encode(b"\x89PNG data").decode()
    data_url = parse({"prompt": "a", "init_image": f"data:image/png;base64,{encoded}"})
    assert data_url.init_image == encoded
    both = refused({"prompt": "a", "init_image": encoded, "init_image_s3": "s3://b-1/k"})
    assert "not both" in both.message


def test_styles_and_n_ask_for_variants() -> None:
    ok = parse(
        {"prompt": "a", "enhancement_style": "minimal", "styles": ["anime", "cinematic"]},
        enhance_default=True,
    )
    assert ok.styles == ("anime", "cinematic")
    assert parse({"prompt": "a", "n": 4}).n == 4


@pytest.mark.parametrize(
    ("payload", "field", "words"),
    [
        ({"prompt": "a", "n": 5}, "n", "at most 4"),
        ({"prompt": "a", "n": 0}, "n", "at least 1"),
        ({"prompt": "a", "n": True}, "n", "an integer"),
        ({"prompt": "a", "styles": []}, "styles", "not be empty"),
        ({"prompt": "a", "styles": ["anime", "anime"]}, "styles", "each style once"),
        (
            {"prompt": "a", "n": 2, "styles": ["anime", "minimal"], "enhance_prompt": True},
            "n",
            "not both",
        ),
        ({"prompt": "a", "styles": ["anime"], "enhance_prompt": False}, "styles", "enhance_prompt"),
    ],
)
def test_variant_rules(payload: dict[str, Any], field: str, words: str) -> None:
    error = refused(payload)
    assert error.field == field
    assert words in error.message


@pytest.mark.parametrize("payload", [None, [], "a cat", 42])
def test_non_object_payloads_are_refused(payload: Any) -> None:
    assert refused(payload).field == "body"
