"""Errors in Amazon image replies, the content-filter ValidationException, preview sizes."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from botocore.exceptions import ClientError
from PIL import Image

from genpic.awssdk.errors import bedrock_error
from genpic.catalog import IMAGE_MODELS, NOVA_CANVAS, TITAN_IMAGE_V2
from genpic.engines.amazon_image import AmazonImageFamily
from genpic.engines.base import ImageJob
from genpic.engines.preview import PreviewEngine
from genpic.errors import ContentFiltered, ModelUnavailable, ValidationError
from genpic.vocabulary import ASPECT_RATIOS

JOB = ImageJob(prompt="a cat", model=NOVA_CANVAS, seed=7, output_format="png", aspect_ratio="1:1")
FAMILY = AmazonImageFamily()


def test_an_error_in_the_reply_naming_the_filter_is_content_filtered() -> None:
    payload = {
        "images": [],
        "error": "The generated image has been blocked by our content filters.",
    }
    with pytest.raises(ContentFiltered, match="blocked by our content filters"):
        FAMILY.parse_response(payload, JOB)


def test_any_other_error_in_the_reply_is_model_unavailable_never_an_empty_image() -> None:
    with pytest.raises(ModelUnavailable, match="internal failure"):
        FAMILY.parse_response({"images": ["aGk="], "error": "internal failure"}, JOB)
    with pytest.raises(ModelUnavailable, match="no image"):
        FAMILY.parse_response({"images": [], "error": None}, JOB)


@pytest.mark.parametrize(
    ("message", "public"),
    [
        (
            "This request has been blocked by our content filters. Please adjust it.",
            ContentFiltered,
        ),
        ("Malformed input request: #/textToImageParams/text: too long", ValidationError),
    ],
)
def test_validation_exceptions_about_filters_are_422s(message: str, public: type) -> None:
    exc = ClientError({"Error": {"Code": "ValidationException", "Message": message}}, "InvokeModel")
    error = bedrock_error(exc, NOVA_CANVAS, "us-east-1")
    assert type(error) is public
    assert message in error.message


def test_a_random_seed_is_picked_in_the_models_range() -> None:
    model = IMAGE_MODELS[NOVA_CANVAS]
    seeds = {FAMILY.prepare(replace(JOB, seed=0), model).seed for _ in range(50)}
    assert all(1 <= seed <= model.max_seed for seed in seeds)
    assert len(seeds) > 1


@pytest.mark.parametrize("aspect_ratio", ASPECT_RATIOS)
@pytest.mark.parametrize("model", [NOVA_CANVAS, TITAN_IMAGE_V2])
def test_preview_draws_at_the_models_own_size(model: str, aspect_ratio: str) -> None:
    job = ImageJob(
        prompt="a cat", model=model, seed=3, output_format="png", aspect_ratio=aspect_ratio
    )  # type: ignore[arg-type]
    data = PreviewEngine().render(job).data
    assert Image.open(io.BytesIO(data)).size == IMAGE_MODELS[model].sizes[aspect_ratio]  # type: ignore[index]
