"""The Bedrock double's Stability AI Image Services: each service's body schema, strictly.

Written from AWS's pages, not from genpic's catalog, so a mistake in one shows
against the other: the user guide's "Stability AI Image Services" page
(https://docs.aws.amazon.com/bedrock/latest/userguide/stable-image-services.html)
lists each service's required and optional fields, their ranges and the input
image limits (re-read 2026-12-02); the response is ``{"seeds", "finish_reasons",
"images"}``, with ``"Filter reason: prompt" | "input image" | "output image"`` when
filtered. Each is invoked through its ``us.`` profile, routed within us-east-1,
us-east-2 and us-west-2
(https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-support.html).
"""

from __future__ import annotations

import base64
import binascii
import io
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PIL import Image

Error = Callable[[str], Exception]
FORMATS = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}
MAX_TEXT = 10_000
MAX_SEED = 4_294_967_294
# Most services: sides of 64 px or more, 4,096 to 9,437,184 pixels, 1:2.5 to 2.5:1.
EDIT_PIXELS = (64, None, 4_096, 9_437_184)


@dataclass(frozen=True)
class Service:
    """One service's schema: which keys, which required, numeric ranges, image limits."""

    required: frozenset[str]
    optional: frozenset[str] = frozenset()
    ranges: dict[str, tuple[float, float, bool]] = field(default_factory=dict)
    # (min side, max side or None, min pixels, max pixels)
    pixels: tuple[int, int | None, int, int] = EDIT_PIXELS
    image_key: str = "image"
    # How the output size follows from the input: same, margins, x4, 4k or aspect.
    output: str = "same"

    @property
    def keys(self) -> frozenset[str]:
        return self.required | self.optional


_TEXTS = frozenset({"negative_prompt", "seed", "output_format"})
SERVICES: dict[str, Service] = {
    "stability.stable-image-inpaint-v1:0": Service(
        frozenset({"image", "prompt", "mask"}),
        _TEXTS | {"grow_mask", "style_preset"},
        {"grow_mask": (0, 20, True)},
    ),
    "stability.stable-outpaint-v1:0": Service(
        frozenset({"image"}),
        frozenset({"prompt", "left", "right", "up", "down", "creativity", "seed", "output_format", "style_preset"}),
        {"left": (0, 2000, True), "right": (0, 2000, True), "up": (0, 2000, True),
         "down": (0, 2000, True), "creativity": (0.1, 1, False)},
        output="margins",
    ),
    "stability.stable-image-erase-object-v1:0": Service(
        frozenset({"image"}),
        frozenset({"mask", "grow_mask", "seed", "output_format"}),
        {"grow_mask": (0, 20, True)},
    ),
    "stability.stable-image-search-replace-v1:0": Service(
        frozenset({"image", "prompt", "search_prompt"}),
        _TEXTS | {"grow_mask", "style_preset"},
        {"grow_mask": (0, 20, True)},
    ),
    "stability.stable-image-search-recolor-v1:0": Service(
        frozenset({"image", "prompt", "select_prompt"}),
        _TEXTS | {"grow_mask", "style_preset"},
        {"grow_mask": (0, 20, True)},
    ),
    "stability.stable-image-remove-background-v1:0": Service(
        frozenset({"image"}),
        frozenset({"output_format"}),
    ),
    "stability.stable-fast-upscale-v1:0": Service(
        frozenset({"image"}),
        frozenset({"output_format"}),
        pixels=(32, 1536, 1_024, 1_048_576),
        output="x4",
    ),
    "stability.stable-conservative-upscale-v1:0": Service(
        frozenset({"image", "prompt"}),
        _TEXTS | {"creativity"},
        {"creativity": (0.1, 0.5, False)},
        output="4k",
    ),
    "stability.stable-creative-upscale-v1:0": Service(
        frozenset({"image", "prompt"}),
        _TEXTS | {"creativity", "style_preset"},
        {"creativity": (0.1, 0.5, False)},
        pixels=(64, None, 4_096, 1_048_576),
        output="4k",
    ),
    "stability.stable-image-control-sketch-v1:0": Service(
        frozenset({"image", "prompt"}),
        _TEXTS | {"control_strength", "style_preset"},
        {"control_strength": (0, 1, False)},
    ),
    "stability.stable-image-control-structure-v1:0": Service(
        frozenset({"image", "prompt"}),
        _TEXTS | {"control_strength", "style_preset"},
        {"control_strength": (0, 1, False)},
    ),
    "stability.stable-image-style-guide-v1:0": Service(
        frozenset({"image", "prompt"}),
        _TEXTS | {"fidelity", "aspect_ratio", "style_preset"},
        {"fidelity": (0, 1, False)},
        output="aspect",
    ),
    "stability.stable-style-transfer-v1:0": Service(
        frozenset({"init_image", "style_image"}),
        _TEXTS | {"prompt", "composition_fidelity", "style_strength", "change_strength"},
        {"composition_fidelity": (0, 1, False), "style_strength": (0, 1, False),
         "change_strength": (0.1, 1, False)},
        image_key="init_image",
    ),
}  # fmt: skip
ASPECTS = {
    "1:1": (1024, 1024), "16:9": (1344, 768), "21:9": (1536, 640), "2:3": (832, 1216),
    "3:2": (1216, 832), "4:5": (896, 1088), "5:4": (1088, 896), "9:16": (768, 1344),
    "9:21": (640, 1536),
}  # fmt: skip


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _decode(value: object, key: str, invalid: Error) -> Image.Image:
    try:
        raw = base64.b64decode(str(value), validate=True)
        image = Image.open(io.BytesIO(raw))
        image.load()
    except (binascii.Error, ValueError, OSError):
        raise invalid(f"Invalid {key}: must be a base64-encoded PNG, JPEG or WEBP image.") from None
    return image


def _check_pixels(
    image: Image.Image, key: str, limits: tuple[int, int | None, int, int], invalid: Error
) -> None:
    width, height = image.size
    low, high, fewest, most = limits
    if min(width, height) < low or (high is not None and max(width, height) > high):
        raise invalid(f"Invalid {key}: {width}x{height} has a side outside the allowed range.")
    if not fewest <= width * height <= most:
        raise invalid(f"Invalid {key}: {width * height} pixels; allowed {fewest} to {most}.")
    if max(width, height) / min(width, height) > 2.5:
        raise invalid(f"Invalid {key}: aspect ratio must be between 1:2.5 and 2.5:1.")


def _output_size(service: Service, size: tuple[int, int], body: dict[str, Any]) -> tuple[int, int]:
    width, height = size
    if service.output == "margins":
        return (
            width + body.get("left", 0) + body.get("right", 0),
            height + body.get("up", 0) + body.get("down", 0),
        )
    if service.output == "x4":
        return width * 4, height * 4
    if service.output == "4k":
        scale = 4096 / max(width, height)
        return round(width * scale), round(height * scale)
    if service.output == "aspect":
        return ASPECTS[body.get("aspect_ratio", "1:1")]
    return size


def answer(
    model_id: str,
    body: dict[str, Any],
    malformed: Error,
    invalid: Error,
    filter_reason: str | None,
) -> dict[str, Any]:
    """Validate ``body`` against the service's schema and answer like Bedrock does."""
    service = SERVICES[model_id]
    extra = sorted(set(body) - service.keys)
    if extra:
        raise malformed(f"#: extraneous key [{extra[0]}] is not permitted")
    missing = sorted(service.required - set(body))
    if missing:
        raise malformed(f"#: required key [{missing[0]}] not found")
    for key in ("prompt", "negative_prompt", "search_prompt", "select_prompt"):
        if key in body and (not isinstance(body[key], str) or len(body[key]) > MAX_TEXT):
            raise malformed(f"#/{key}: expected a string of at most {MAX_TEXT} characters")
    for key in ("prompt", "search_prompt", "select_prompt"):
        if key in service.required and not body[key].strip():
            raise malformed(f"#/{key}: expected minLength: 1, actual: 0")
    for key, (low, high, whole) in service.ranges.items():
        if key not in body:
            continue
        value = body[key]
        if not _number(value) or (whole and not isinstance(value, int)):
            raise malformed(f"#/{key}: expected type: {'Integer' if whole else 'Number'}")
        if not low <= value <= high:
            raise malformed(f"#/{key}: {value} is not between {low} and {high}")
    seed = body.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed <= MAX_SEED:
        raise malformed(f"#/seed: {seed!r} is not an integer between 0 and {MAX_SEED}")
    fmt = body.get("output_format", "png")
    if fmt not in FORMATS:
        raise malformed(f"#/output_format: {fmt} is not a valid enum value")
    if "aspect_ratio" in body and body["aspect_ratio"] not in ASPECTS:
        raise malformed(f"#/aspect_ratio: {body['aspect_ratio']} is not a valid enum value")
    if service.output == "margins" and not any(
        body.get(s, 0) for s in ("left", "right", "up", "down")
    ):
        raise invalid("At least one of left, right, up or down must be greater than 0.")
    image = _decode(body[service.image_key], service.image_key, invalid)
    _check_pixels(image, service.image_key, service.pixels, invalid)
    for key in ("mask", "style_image"):
        if key in body:
            other = _decode(body[key], key, invalid)
            _check_pixels(other, key, service.pixels, invalid)
    if filter_reason is not None:
        return {"seeds": [seed], "finish_reasons": [filter_reason], "images": []}
    size = _output_size(service, image.size, body)
    seed = seed or random.randint(1, MAX_SEED)
    # Remove Background answers with transparency, which a JPEG answer cannot carry.
    transparent = model_id.endswith("remove-background-v1:0") and fmt != "jpeg"
    mode = "RGBA" if transparent else "RGB"
    out = io.BytesIO()
    Image.new(
        mode, size, (seed & 255, 90, 160, 0) if mode == "RGBA" else (seed & 255, 90, 160)
    ).save(out, FORMATS[fmt])
    return {
        "seeds": [seed],
        "finish_reasons": [None],
        "images": [base64.b64encode(out.getvalue()).decode("ascii")],
    }
