"""Init image checks and output normalisation in ``genpic.images``."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from genpic.errors import InvalidImage, ModelUnavailable
from genpic.images import (
    MAX_INPUT_BYTES,
    ImageInfo,
    encode,
    inspect_input,
    load_input,
    normalize_output,
)

PILLOW_NAMES = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}


def _encoded(pillow_format: str, size: tuple[int, int] = (96, 80), mode: str = "RGB") -> bytes:
    image = Image.new(mode, size, "orange" if mode != "L" else 128)
    buffer = io.BytesIO()
    image.save(buffer, format=pillow_format)
    return buffer.getvalue()


def _png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` but whose pixel data is a stub."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + chunk(b"IEND", b"")
    )


def _sniff(data: bytes) -> str | None:
    return Image.open(io.BytesIO(data)).format


@pytest.mark.parametrize(("output_format", "pillow_format"), sorted(PILLOW_NAMES.items()))
def test_inspect_input_describes_each_accepted_format(
    output_format: str, pillow_format: str
) -> None:
    info = inspect_input(_encoded(pillow_format))

    assert info == ImageInfo(output_format, 96, 80)
    assert info.extension == output_format
    assert info.content_type == f"image/{output_format}"


def test_load_input_returns_decoded_pixels() -> None:
    image = load_input(_encoded("PNG", (70, 65)))

    assert image.size == (70, 65)
    assert image.getpixel((10, 10)) == (255, 165, 0)


def _rejection(data: bytes) -> str:
    with pytest.raises(InvalidImage) as caught:
        inspect_input(data)
    assert caught.value.field == "init_image"
    assert caught.value.status == 400
    return caught.value.message


def test_rejects_a_side_under_64_px_naming_the_size() -> None:
    message = _rejection(_encoded("PNG", (40, 40)))

    assert "40x40 px" in message
    assert "at least 64 px" in message


def test_rejects_one_short_side() -> None:
    assert "500x63 px" in _rejection(_encoded("JPEG", (500, 63)))


def test_rejects_bytes_that_are_not_an_image() -> None:
    assert "could not be read as an image" in _rejection(b"this is not an image" * 10)


def test_rejects_gif_naming_the_format() -> None:
    message = _rejection(_encoded("GIF", (100, 100), mode="L"))

    assert "GIF" in message
    assert "JPEG, PNG or WebP" in message


def test_rejects_a_decompression_bomb_header() -> None:
    assert "9,437,184 pixels" in _rejection(_png_header(20_000, 20_000))


def test_rejects_too_many_pixels_from_the_header_before_decoding() -> None:
    message = _rejection(_png_header(4000, 4000))

    assert "4000x4000 px (16,000,000 pixels)" in message
    assert "limit is 9,437,184 pixels" in message


def test_pixel_ceiling_is_inclusive() -> None:
    # Passing the header checks, the stub pixel data is then found to be truncated.
    assert "truncated or corrupt" in _rejection(_png_header(3072, 3072))
    assert "3073x3072 px" in _rejection(_png_header(3073, 3072))


def test_rejects_oversized_bytes_before_decoding() -> None:
    message = _rejection(b"\x89PNG" + b"\x00" * MAX_INPUT_BYTES)

    assert f"{MAX_INPUT_BYTES + 4:,} bytes" in message
    assert "the limit is 10 MiB" in message


@pytest.mark.parametrize("pillow_format", ["PNG", "JPEG"])
def test_rejects_truncated_pixel_data(pillow_format: str) -> None:
    noisy = Image.effect_noise((256, 256), 64).convert("RGB")
    buffer = io.BytesIO()
    noisy.save(buffer, format=pillow_format)
    data = buffer.getvalue()

    message = _rejection(data[: len(data) // 2])

    assert f"truncated or corrupt {pillow_format} file" in message


def test_normalize_output_converts_png_to_jpeg() -> None:
    png = _encoded("PNG", (128, 72))

    data, info = normalize_output(png, "jpeg")

    assert _sniff(data) == "JPEG"
    assert info == ImageInfo("jpeg", 128, 72)
    assert info.content_type == "image/jpeg"


def test_normalize_output_converts_transparent_png_to_webp() -> None:
    data, info = normalize_output(_encoded("PNG", (64, 64), mode="RGBA"), "webp")

    assert _sniff(data) == "WEBP"
    assert info == ImageInfo("webp", 64, 64)


@pytest.mark.parametrize(("output_format", "pillow_format"), sorted(PILLOW_NAMES.items()))
def test_normalize_output_leaves_matching_bytes_untouched(
    output_format: str, pillow_format: str
) -> None:
    original = _encoded(pillow_format)

    data, info = normalize_output(original, output_format)

    assert data is original
    assert info == ImageInfo(output_format, 96, 80)


def test_normalize_output_reports_non_images_as_model_unavailable() -> None:
    with pytest.raises(ModelUnavailable) as caught:
        normalize_output(b'{"images": []}', "png")

    assert caught.value.message.startswith("The model returned data that is not an image;")
    assert caught.value.status == 502


def test_normalize_output_rejects_unknown_formats() -> None:
    with pytest.raises(ValueError, match="gif"):
        normalize_output(_encoded("PNG"), "gif")


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "P", "L", "CMYK"])
@pytest.mark.parametrize(("output_format", "pillow_format"), sorted(PILLOW_NAMES.items()))
def test_encode_writes_the_requested_format_from_any_mode(
    output_format: str, pillow_format: str, mode: str
) -> None:
    data = encode(Image.new(mode, (80, 64)), output_format)

    assert _sniff(data) == pillow_format
    assert Image.open(io.BytesIO(data)).size == (80, 64)


def test_encode_rejects_unknown_formats() -> None:
    with pytest.raises(ValueError, match="bmp"):
        encode(Image.new("RGB", (8, 8)), "bmp")
