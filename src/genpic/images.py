"""Pillow checks for init images, and normalisation of the images we store.

Every init image goes through ``load_input`` (or ``inspect_input``) before a
model sees it, and every model output goes through ``normalize_output`` before
it is stored, so the stored bytes, their file extension and their
Content-Type always agree.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from genpic.catalog import InputLimits
from genpic.errors import InvalidImage, ModelUnavailable
from genpic.vocabulary import CONTENT_TYPES, OUTPUT_FORMATS, OutputFormat

if TYPE_CHECKING:
    # Pillow is imported by the functions that decode: a request answered from the cache, or
    # refused, never pays for it.
    from PIL import Image

MIN_SIDE = 64
MAX_INPUT_BYTES = 10 * 1024 * 1024
# Checked from the header before any pixel is decoded, against decompression bombs.
MAX_INPUT_PIXELS = 9_437_184

# Pillow reports JPEGs that carry multi-picture data (common from phone cameras) as MPO.
_PILLOW_FORMATS: dict[str, OutputFormat] = {
    "JPEG": "jpeg",
    "MPO": "jpeg",
    "PNG": "png",
    "WEBP": "webp",
}
_SAVE_OPTIONS: dict[str, dict[str, Any]] = {
    "jpeg": {"format": "JPEG", "quality": 92},
    "png": {"format": "PNG"},
    "webp": {"format": "WEBP", "quality": 90},
}
# What Pillow raises on undecodable or damaged data, depending on the format plugin.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error)
_FIELD = "init_image"
_MIB = 1024 * 1024


def mebibytes(size: int) -> str:
    """``size`` bytes as people read a limit: "10 MiB", "6.2 MiB" (one decimal, when needed)."""
    shown = f"{size / _MIB:.1f}".removesuffix(".0")
    return f"{shown} MiB"


@dataclass(frozen=True)
class ImageInfo:
    """The format and size of an encoded image.

    Attributes
    ----------
    format : str
        ``"jpeg"``, ``"png"`` or ``"webp"``.
    width, height : int
        Size in pixels.
    """

    format: OutputFormat
    width: int
    height: int

    @property
    def content_type(self) -> str:
        """The MIME type of the format, such as ``image/jpeg``."""
        return CONTENT_TYPES[self.format]

    @property
    def extension(self) -> str:
        """Extension without a dot; ``jpeg`` stays ``jpeg``, as the original code names files."""
        return self.format


def load_input(data: bytes, field: str = _FIELD, min_side: int = MIN_SIDE) -> Image.Image:
    """Check an init image and return it fully decoded.

    Parameters
    ----------
    data : bytes
        The encoded init image.
    field : str
        The request field it came in, named in errors (``init_image``, ``mask``, …).
    min_side : int
        The shortest side accepted (a service may take smaller images than ``MIN_SIDE``).

    Returns
    -------
    PIL.Image.Image
        The decoded image, in the mode its file stores.

    Raises
    ------
    genpic.errors.InvalidImage
        If ``data`` is over ``MAX_INPUT_BYTES``, is not a JPEG, PNG or WebP image,
        has more than ``MAX_INPUT_PIXELS`` pixels, has a side under ``MIN_SIDE``
        pixels, or is truncated or corrupt.
    """
    if len(data) > MAX_INPUT_BYTES:
        raise InvalidImage(
            f"{_name(field)} is {len(data):,} bytes; the limit is {mebibytes(MAX_INPUT_BYTES)} "
            f"({MAX_INPUT_BYTES:,} bytes). "
            "Downscale it or save it as JPEG or WebP and try again.",
            field=field,
        )
    from PIL import Image

    # Pillow itself refuses far larger bombs at open; ours is checked from the header.
    try:
        image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError:
        raise _too_many_pixels(
            f"{_name(field)} has over {MAX_INPUT_PIXELS:,} pixels", field
        ) from None
    except _DECODE_ERRORS:
        raise InvalidImage(
            f"{_name(field)} could not be read as an image; send a JPEG, PNG or WebP file.",
            field=field,
        ) from None
    _check_header(image, field, min_side)
    try:
        image.load()
    except _DECODE_ERRORS:
        raise InvalidImage(
            f"{_name(field)} is a truncated or corrupt {image.format} file; "
            "export it again as JPEG, PNG or WebP.",
            field=field,
        ) from None
    return image


def inspect_input(data: bytes, field: str = _FIELD, min_side: int = MIN_SIDE) -> ImageInfo:
    """Check an init image and describe it.

    Parameters
    ----------
    data : bytes
        The encoded init image.

    Returns
    -------
    ImageInfo
        Its format and size.

    Raises
    ------
    genpic.errors.InvalidImage
        For every reason listed in ``load_input``.
    """
    image = load_input(data, field, min_side)
    return ImageInfo(_PILLOW_FORMATS[str(image.format)], image.width, image.height)


def check_model_limits(
    size_bytes: int, info: ImageInfo, limits: InputLimits, model: str, field: str = _FIELD
) -> None:
    """Refuse an init image the model itself would refuse, before it is called.

    Parameters
    ----------
    size_bytes : int
        Encoded size of the init image.
    info : ImageInfo
        Its format and size, from ``inspect_input``.
    limits : genpic.catalog.InputLimits
        What the model accepts.
    model : str
        The model's name, for the message.
    field : str
        The request field the image came in.

    Raises
    ------
    genpic.errors.InvalidImage
        Naming the first limit the image breaks.
    """
    width, height = info.width, info.height
    long, short = max(width, height), min(width, height)
    shape = f"{width}x{height} px"
    checks = (
        (size_bytes > limits.max_bytes, f"{size_bytes:,} bytes", f"{limits.max_bytes:,.0f} bytes"),
        (short < limits.min_side, shape, f"sides of at least {limits.min_side} px"),
        (
            width * height < limits.min_pixels,
            f"{width * height:,} pixels",
            f"at least {limits.min_pixels:,} pixels",
        ),
        (long > limits.max_side, shape, f"sides of at most {limits.max_side:.0f} px"),
        (
            width * height > limits.max_pixels,
            f"{width * height:,} pixels",
            f"at most {limits.max_pixels:,.0f} pixels",
        ),
        (
            long / short > limits.max_ratio,
            shape,
            f"shapes up to {limits.max_ratio:g}:1",
        ),
    )
    for broken, actual, limit in checks:
        if broken:
            raise InvalidImage(
                f"{_name(field)} is {actual}; {model} takes {limit}. "
                "Resize or crop it and try again.",
                field=field,
            )


def normalize_output(data: bytes, output_format: str) -> tuple[bytes, ImageInfo]:
    """Make a model's output bytes really be ``output_format``.

    Parameters
    ----------
    data : bytes
        The image bytes the model returned.
    output_format : str
        ``"jpeg"``, ``"png"`` or ``"webp"``.

    Returns
    -------
    tuple of (bytes, ImageInfo)
        ``data`` unchanged if it already is ``output_format``, else ``data``
        re-encoded by ``encode``; and the info of the returned bytes.

    Raises
    ------
    genpic.errors.ModelUnavailable
        If ``data`` is not an image.
    ValueError
        If ``output_format`` is not one of ``genpic.vocabulary.OUTPUT_FORMATS``.
    """
    if output_format not in CONTENT_TYPES:
        raise ValueError(f"unknown output format {output_format!r}; use {OUTPUT_FORMATS}")
    from PIL import Image

    try:
        image = Image.open(io.BytesIO(data))
        if _PILLOW_FORMATS.get(str(image.format)) == output_format:
            return data, ImageInfo(output_format, image.width, image.height)
        image.load()
    except (*_DECODE_ERRORS, Image.DecompressionBombError):
        raise ModelUnavailable(
            "The model returned data that is not an image; try again, and if it keeps "
            "happening check that the model id names an image model."
        ) from None
    return encode(image, output_format), ImageInfo(output_format, image.width, image.height)


def encode(image: Image.Image, output_format: str) -> bytes:
    """Encode ``image`` as ``output_format`` with the project's quality settings.

    Parameters
    ----------
    image : PIL.Image.Image
        The image to encode; converted to RGB (JPEG) or RGB/RGBA (PNG, WebP) as needed.
    output_format : str
        ``"jpeg"`` (quality 92), ``"png"`` or ``"webp"`` (quality 90).

    Returns
    -------
    bytes
        The encoded image.

    Raises
    ------
    ValueError
        If ``output_format`` is not one of ``genpic.vocabulary.OUTPUT_FORMATS``.
    """
    options = _SAVE_OPTIONS.get(output_format)
    if options is None:
        raise ValueError(f"unknown output format {output_format!r}; use {OUTPUT_FORMATS}")
    if output_format == "jpeg":
        if image.mode != "RGB":
            image = image.convert("RGB")
    elif image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if image.has_transparency_data else "RGB")
    buffer = io.BytesIO()
    image.save(buffer, **options)
    return buffer.getvalue()


def _check_header(image: Image.Image, field: str, min_side: int) -> None:
    """Reject an opened image by format and size, before its pixels are decoded."""
    if image.format not in _PILLOW_FORMATS:
        raise InvalidImage(
            f"{_name(field)} is a {image.format} image; send a JPEG, PNG or WebP image instead.",
            field=field,
        )
    width, height = image.size
    if width * height > MAX_INPUT_PIXELS:
        raise _too_many_pixels(
            f"{_name(field)} is {width}x{height} px ({width * height:,} pixels)", field
        )
    if min(width, height) < min_side:
        raise InvalidImage(
            f"{_name(field)} is {width}x{height} px; each side must be at least {min_side} px.",
            field=field,
        )


def _too_many_pixels(what: str, field: str) -> InvalidImage:
    """Return the error for an init image over ``MAX_INPUT_PIXELS``."""
    return InvalidImage(
        f"{what}; the limit is {MAX_INPUT_PIXELS:,} pixels (for example 3072x3072). "
        "Downscale it and try again.",
        field=field,
    )


def _name(field: str) -> str:
    """How messages name the image a field holds: ``init_image`` is "init image"."""
    return field.removesuffix("_s3").replace("_", " ")
