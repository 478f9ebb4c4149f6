"""The public request: one pydantic model, and the parser that turns its errors into ours."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable, Mapping
from typing import Annotated, Any, Literal

import pydantic
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr

from genpic.catalog import ASPECT_RATIOS, DEFAULT_IMAGE_MODEL, DEFAULT_STRENGTH, MAX_SEED
from genpic.errors import ValidationError

MAX_PROMPT = 10_000
ENHANCEMENT_STYLES = ("default", "photorealistic", "artistic", "cinematic", "anime", "minimal")
OUTPUT_FORMATS = ("jpeg", "png", "webp")
# The seeds' enhance function passes this to the generate function; it is ours to derive.
IGNORED_FIELDS = frozenset({"original_prompt"})
_S3_URI = re.compile(r"^s3://(?P<bucket>[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9])/(?P<key>.+)$")

AspectRatio = Literal["1:1", "16:9", "21:9", "2:3", "3:2", "4:5", "5:4", "9:16", "9:21"]
OutputFormat = Literal["jpeg", "png", "webp"]
EnhancementStyle = Literal["default", "photorealistic", "artistic", "cinematic", "anime", "minimal"]
# Booleans are ints to Python; a seed or strength of `true` is a client bug.
_NotBool = pydantic.BeforeValidator(lambda v: _reject_bool(v))


def _reject_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("must be a number, not a boolean")
    return value


class GenerationRequest(BaseModel):
    """A validated request to generate one image.

    Parameters mirror the contract's field table; ``None`` means absent.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    prompt: Annotated[StrictStr, Field(min_length=1, max_length=MAX_PROMPT)]
    negative_prompt: Annotated[StrictStr, Field(max_length=MAX_PROMPT)] | None = None
    aspect_ratio: AspectRatio = "16:9"
    seed: Annotated[int, _NotBool, Field(ge=0, le=MAX_SEED)] = 0
    model: StrictStr = DEFAULT_IMAGE_MODEL
    output_format: OutputFormat = "jpeg"
    init_image_s3: StrictStr | None = None
    init_image: StrictStr | None = None
    strength: Annotated[float, _NotBool, Field(ge=0.0, le=1.0)] = DEFAULT_STRENGTH
    enhance_prompt: StrictBool | None = None
    enhancement_style: EnhancementStyle = "default"
    # The seeds' multi-style example lists the styles a client offers alongside its choice.
    styles: tuple[EnhancementStyle, ...] | None = None

    @pydantic.model_validator(mode="before")
    @classmethod
    def _absent_nulls(cls, data: Any) -> Any:
        if isinstance(data, Mapping):
            return {k: v for k, v in data.items() if v is not None and k not in IGNORED_FIELDS}
        return data

    @pydantic.field_validator("prompt", mode="before")
    @classmethod
    def _trim_prompt(cls, value: Any) -> Any:
        return value.strip() if isinstance(value, str) else value

    @pydantic.field_validator("model")
    @classmethod
    def _model_allowed(cls, value: str, info: pydantic.ValidationInfo) -> str:
        allowed: Iterable[str] = (info.context or {}).get("allowed_models", (DEFAULT_IMAGE_MODEL,))
        if value not in allowed:
            raise ValueError(f"model {value!r} is not allowed here; use one of {sorted(allowed)}")
        return value

    @pydantic.field_validator("init_image_s3")
    @classmethod
    def _s3_uri(cls, value: str) -> str:
        if not _S3_URI.match(value):
            raise ValueError("must look like s3://INPUT_BUCKET/path/to/image.png")
        return value

    @pydantic.field_validator("init_image")
    @classmethod
    def _base64(cls, value: str) -> str:
        payload = value.split(",", 1)[1] if value.startswith("data:") else value
        try:
            base64.b64decode(payload, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("must be a base64-encoded JPEG, PNG or WebP image") from None
        return payload

    @pydantic.model_validator(mode="after")
    def _one_init_image(self) -> GenerationRequest:
        if self.init_image_s3 is not None and self.init_image is not None:
            raise ValueError("give either init_image_s3 or init_image, not both")
        chosen = "enhancement_style" in self.model_fields_set
        if self.styles is not None and chosen and self.enhancement_style not in self.styles:
            raise ValueError("enhancement_style must be one of the listed styles")
        return self

    @property
    def image_to_image(self) -> bool:
        """Whether the request transforms an input image."""
        return self.init_image_s3 is not None or self.init_image is not None

    def init_image_location(self) -> tuple[str, str]:
        """Return ``(bucket, key)`` of ``init_image_s3``."""
        match = _S3_URI.match(self.init_image_s3 or "")
        if match is None:
            raise ValidationError("init_image_s3 is not set", field="init_image_s3")
        return match["bucket"], match["key"]


def parse_request(
    payload: Any,
    *,
    allowed_models: Iterable[str],
    enhance_default: bool = False,
) -> GenerationRequest:
    """Validate ``payload`` into a request, or raise ``ValidationError`` naming each field."""
    if not isinstance(payload, Mapping):
        raise ValidationError(
            'The request body must be a JSON object such as {"prompt": "a cat"}.',
            field="body",
        )
    try:
        request = GenerationRequest.model_validate(
            payload, context={"allowed_models": tuple(allowed_models)}
        )
    except pydantic.ValidationError as exc:
        raise _as_validation_error(exc) from None
    if request.enhance_prompt is None:
        request = request.model_copy(update={"enhance_prompt": enhance_default})
    return request


def _as_validation_error(exc: pydantic.ValidationError) -> ValidationError:
    details = []
    for error in exc.errors(include_url=False, include_input=False):
        field = ".".join(str(part) for part in error["loc"]) or "body"
        details.append({"field": field, "message": _describe(error)})
    summary = "; ".join(f"{d['field']}: {d['message']}" for d in details)
    return ValidationError(
        f"Invalid request: {summary}.", field=details[0]["field"], details=details
    )


def _describe(error: Any) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        allowed = ", ".join(GenerationRequest.model_fields)
        return f"unknown field; allowed fields are {allowed}"
    if kind == "missing":
        return "this field is required"
    if kind == "string_too_short" and error["loc"] == ("prompt",):
        return "must not be empty or only whitespace"
    if kind == "literal_error":
        return _literal_message(error["loc"][0])
    message = str(error["msg"])
    return message.removeprefix("Value error, ")


def _literal_message(field: Any) -> str:
    choices = {
        "aspect_ratio": ASPECT_RATIOS,
        "output_format": OUTPUT_FORMATS,
        "enhancement_style": ENHANCEMENT_STYLES,
        "styles": ENHANCEMENT_STYLES,
    }.get(str(field), ())
    return "must be one of " + ", ".join(choices)
