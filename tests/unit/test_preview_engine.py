"""The offline preview engine: sizes, determinism, seeds, formats and image-to-image."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageStat

from genpic.catalog import MAX_SEED, STABILITY_SIZES
from genpic.engines.base import ImageJob
from genpic.engines.preview import PreviewEngine
from genpic.errors import InvalidImage
from genpic.vocabulary import ASPECT_RATIOS

ENGINE = PreviewEngine()


def _job(**changes: object) -> ImageJob:
    fields: dict[str, object] = {
        "prompt": "a lighthouse on a rocky coast at sunset",
        "model": "stability.sd3-5-large-v1:0",
        "seed": 42,
        "output_format": "jpeg",
        "aspect_ratio": "16:9",
    }
    fields.update(changes)
    return ImageJob(**fields)  # type: ignore[arg-type]


def _open(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def _photo(size: tuple[int, int] = (320, 200)) -> bytes:
    """A small PNG with gradients and shapes, so restyling has something to change."""
    width, height = size
    red = Image.linear_gradient("L").resize(size)
    green = red.transpose(Image.Transpose.ROTATE_90).resize(size)
    image = Image.merge("RGB", (red, green, Image.new("L", size, 90)))
    draw = ImageDraw.Draw(image)
    draw.ellipse((width * 0.2, height * 0.1, width * 0.5, height * 0.6), fill=(30, 160, 220))
    draw.rectangle((width * 0.6, height * 0.2, width * 0.9, height * 0.5), fill=(240, 240, 200))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("aspect_ratio", ASPECT_RATIOS)
def test_renders_the_model_size_for_each_aspect_ratio(aspect_ratio: str) -> None:
    rendered = ENGINE.render(_job(aspect_ratio=aspect_ratio))

    assert _open(rendered.data).size == STABILITY_SIZES[aspect_ratio]
    assert rendered.seed == 42


def test_same_job_gives_identical_bytes() -> None:
    assert ENGINE.render(_job()).data == ENGINE.render(_job()).data


@pytest.mark.parametrize(
    "change",
    [{"seed": 43}, {"prompt": "a lighthouse on a rocky coast at dawn"}],
    ids=["seed", "prompt"],
)
def test_different_seed_or_prompt_gives_different_bytes(change: dict[str, object]) -> None:
    assert ENGINE.render(_job(**change)).data != ENGINE.render(_job()).data


def test_seed_zero_picks_a_seed_that_reproduces_the_image() -> None:
    first = ENGINE.render(_job(seed=0, aspect_ratio="1:1"))

    assert 1 <= first.seed <= MAX_SEED
    again = ENGINE.render(_job(seed=first.seed, aspect_ratio="1:1"))
    assert again.data == first.data
    assert again.seed == first.seed


@pytest.mark.parametrize(
    ("output_format", "pillow_format"), [("jpeg", "JPEG"), ("png", "PNG"), ("webp", "WEBP")]
)
def test_encodes_the_requested_format(output_format: str, pillow_format: str) -> None:
    rendered = ENGINE.render(_job(output_format=output_format, aspect_ratio="21:9"))

    assert _open(rendered.data).format == pillow_format


def test_unknown_aspect_ratio_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="7:3"):
        ENGINE.render(_job(aspect_ratio="7:3"))


def _restyled(init: bytes, strength: float) -> Image.Image:
    job = _job(aspect_ratio=None, init_image=init, strength=strength, output_format="png")
    return _open(ENGINE.render(job).data).convert("RGB")


def _mean_difference(a: Image.Image, b: Image.Image) -> float:
    # The top half is clear of the PREVIEW band.
    top = (0, 0, a.width, a.height // 2)
    return sum(ImageStat.Stat(ImageChops.difference(a.crop(top), b.crop(top))).mean) / 3


def test_image_to_image_keeps_the_input_size() -> None:
    assert _restyled(_photo((300, 170)), 0.7).size == (300, 170)


def test_strength_moves_the_output_away_from_the_input() -> None:
    init = _photo()
    original = _open(init).convert("RGB")

    untouched = _mean_difference(_restyled(init, 0.0), original)
    halfway = _mean_difference(_restyled(init, 0.5), original)
    restyled = _mean_difference(_restyled(init, 1.0), original)

    assert untouched < 1
    assert untouched < halfway < restyled
    assert restyled > 20


def test_image_to_image_is_deterministic() -> None:
    job = _job(aspect_ratio=None, init_image=_photo(), strength=0.6)

    assert ENGINE.render(job).data == ENGINE.render(job).data


def test_image_to_image_rejects_an_invalid_init_image() -> None:
    with pytest.raises(InvalidImage):
        ENGINE.render(_job(aspect_ratio=None, init_image=b"not an image", strength=0.5))


def test_marks_the_image_with_a_dark_band_at_the_bottom() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (200, 200), "white").save(buffer, format="PNG")
    image = _restyled(buffer.getvalue(), 0.0).convert("L")

    assert ImageStat.Stat(image.crop((0, 0, 200, 100))).mean[0] > 250
    assert ImageStat.Stat(image.crop((0, 190, 200, 200))).mean[0] < 100
