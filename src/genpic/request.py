"""The public request: one pydantic model, and the parser that turns its errors into ours."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable, Mapping
from typing import Annotated, Any

import pydantic
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
)

from genpic.catalog import (
    DEFAULT_IMAGE_MODEL,
    DEFAULT_STRENGTH,
    EDIT_OPERATIONS,
    MAX_PROMPT,
    MAX_SEED,
    image_model,
    no_image_to_image,
    retirement,
)
from genpic.errors import ValidationError
from genpic.keys import key_problem
from genpic.vocabulary import (
    ASPECT_RATIOS,
    ENHANCEMENT_STYLES,
    FORMAT_ALIASES,
    OUTPUT_FORMATS,
    AbArm,
    AspectRatio,
    EnhancementStyle,
    OutputFormat,
)

# The original enhance function passes this to the generate function; it is ours to derive.
IGNORED_FIELDS = frozenset({"original_prompt"})
_S3_URI = re.compile(r"^s3://(?P<bucket>[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9])/(?P<key>.+)$")
# Choices are matched without regard to case or surrounding spaces ("PNG", " Anime").
_CASE_FREE_FIELDS = ("output_format", "enhancement_style")
# The most images one request may ask for (``n``); each is a paid model call.
MAX_N = 4
MAX_IDEMPOTENCY_KEY = 128
MAX_USER = 128
_PRINTABLE = re.compile(r"^[\x20-\x7e]*$")
# A prompt of only blanks is no prompt: the model would get nothing to draw (" \u200b\ufeff").
# str.isprintable refuses every control, format, private-use, unassigned and surrogate code
# point and every separator (Unicode's "Other" and "Separator" categories) but the space:
# these are the printable ones that show nothing, the space and the blank letters.
BLANK_PRINTABLE = frozenset(" \u115f\u1160\u3164\uffa0\u2800")
ASPECT_RATIO_IGNORED = (
    "aspect_ratio is not used for image-to-image: the result takes the init image's shape"
)
_INVISIBLE = "must hold a visible character; this one is only spaces and invisible characters"


def _whole(value: Any) -> Any:
    # JSON has one number type: 2.0 is the integer 2 (as JSON Schema says), 2.5 is not.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


#: Follows the Field of a StrictInt (after it, so the bounds stay in the JSON schema): a
#: JSON number with no fraction is the integer; a string or a boolean never is.
WHOLE = pydantic.BeforeValidator(_whole)


def visible(char: str) -> bool:
    """Whether ``char`` shows: not a space, a control or format character, or a blank letter."""
    return char.isprintable() and char not in BLANK_PRINTABLE


def _choice(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    name = value.strip().lower()
    return FORMAT_ALIASES.get(name, name)


class GenerationRequest(BaseModel):
    """A validated request to generate one image.

    Parameters mirror the contract's field table; ``None`` means absent.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    prompt: Annotated[StrictStr, Field(min_length=1, max_length=MAX_PROMPT)]
    negative_prompt: Annotated[StrictStr, Field(max_length=MAX_PROMPT)] | None = None
    aspect_ratio: AspectRatio = "16:9"
    seed: Annotated[StrictInt, Field(ge=0, le=MAX_SEED), WHOLE] = 0
    model: StrictStr = DEFAULT_IMAGE_MODEL
    output_format: OutputFormat = "jpeg"
    init_image_s3: StrictStr | None = None
    init_image: StrictStr | None = None
    strength: Annotated[StrictFloat, Field(ge=0.0, le=1.0)] = DEFAULT_STRENGTH
    enhance_prompt: StrictBool | None = None
    enhancement_style: EnhancementStyle = "default"
    # One image per listed style, same seed (the original multi-style example); see Variants.
    styles: Annotated[tuple[EnhancementStyle, ...], Field(min_length=1)] | None = None
    n: Annotated[StrictInt, Field(ge=1, le=MAX_N), WHOLE] = 1
    translate: StrictBool | None = None
    # False: neither look up nor fill the result cache for this request.
    cache: StrictBool = True
    # The same as the Idempotency-Key header (see ``idempotency_key_error``).
    idempotency_key: StrictStr | None = None
    # Who asks (OpenAI's name for it): keeps them in one A/B arm (genpic.experiment).
    user: Annotated[StrictStr, Field(min_length=1, max_length=MAX_USER)] | None = None
    # Server-side, never sent: whether enhance_prompt is the entry point's default, and the
    # A/B arm that then decided it. Private, so neither is in the schema or a fingerprint.
    _enhance_defaulted: bool = PrivateAttr(default=False)
    _ab_arm: AbArm | None = PrivateAttr(default=None)

    @pydantic.model_validator(mode="before")
    @classmethod
    def _drop_ignored(cls, data: Any) -> Any:
        # null is "absent" only where the field's default is; elsewhere it is refused.
        if isinstance(data, Mapping):
            return {k: v for k, v in data.items() if k not in IGNORED_FIELDS}
        return data

    @pydantic.field_validator("prompt", mode="before")
    @classmethod
    def _trim_prompt(cls, value: Any) -> Any:
        return value.strip() if isinstance(value, str) else value

    @pydantic.field_validator("prompt")
    @classmethod
    def _visible_prompt(cls, value: str) -> str:
        if not any(map(visible, value)):
            raise ValueError(_INVISIBLE)
        return value

    @pydantic.field_validator(*_CASE_FREE_FIELDS, mode="before")
    @classmethod
    def _case_free(cls, value: Any) -> Any:
        return _choice(value)

    @pydantic.field_validator("styles")
    @classmethod
    def _distinct(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if value is not None and len(set(value)) != len(value):
            raise ValueError("list each style once")
        return value

    @pydantic.field_validator("model")
    @classmethod
    def _model_allowed(cls, value: str, info: pydantic.ValidationInfo) -> str:
        allowed: Iterable[str] = (info.context or {}).get("allowed_models", (DEFAULT_IMAGE_MODEL,))
        # Before the allow-list: a retired model is refused even where it is still listed.
        retired = retirement(value)
        if retired:
            raise ValueError(retired)
        if value not in allowed:
            raise ValueError(f"model {value!r} is not allowed here; use one of {sorted(allowed)}")
        return value

    @pydantic.field_validator("init_image_s3")
    @classmethod
    def _s3_uri(cls, value: str | None) -> str | None:
        problem = s3_uri_problem(value) if value is not None else None
        if problem:
            raise ValueError(problem)
        return value

    @pydantic.field_validator("init_image")
    @classmethod
    def _base64(cls, value: str | None) -> str | None:
        return inline_image(value) if value is not None else None

    @pydantic.field_validator("idempotency_key")
    @classmethod
    def _idempotency_key(cls, value: str | None) -> str | None:
        problem = idempotency_key_error(value) if value is not None else None
        if problem:
            raise ValueError(problem)
        return value

    @pydantic.model_validator(mode="after")
    def _one_init_image(self) -> GenerationRequest:
        if self.init_image_s3 is not None and self.init_image is not None:
            raise ValueError("give either init_image_s3 or init_image, not both")
        return self

    @property
    def image_to_image(self) -> bool:
        """Whether the request transforms an input image."""
        return self.init_image_s3 is not None or self.init_image is not None

    @property
    def warnings(self) -> list[str]:
        """Return what the request asked for that it does not get (the body's ``warnings``)."""
        if self.image_to_image and "aspect_ratio" in self.model_fields_set:
            return [ASPECT_RATIO_IGNORED]
        return []

    @property
    def enhance_defaulted(self) -> bool:
        """Whether ``enhance_prompt`` was not sent, so the entry point's default applies."""
        return self._enhance_defaulted

    @property
    def ab_arm(self) -> AbArm | None:
        """The A/B arm that decided ``enhance_prompt``, when the experiment did."""
        return self._ab_arm

    def with_arm(self, arm: AbArm) -> GenerationRequest:
        """Return this request in A/B ``arm``: enhanced or not as the arm says."""
        copy = self.model_copy(update={"enhance_prompt": arm == "enhanced"})
        copy._ab_arm = arm
        return copy

    def init_image_location(self) -> tuple[str, str]:
        """Return ``(bucket, key)`` of ``init_image_s3``."""
        match = _S3_URI.match(self.init_image_s3 or "")
        if match is None:
            raise ValidationError("init_image_s3 is not set", field="init_image_s3")
        return match["bucket"], match["key"]


def inline_image(value: str) -> str:
    """Return the base64 payload of an inline image (a ``data:`` URL too), or raise ValueError."""
    payload = value.split(",", 1)[1] if value.startswith("data:") else value
    try:
        base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("must be a base64-encoded JPEG, PNG or WebP image") from None
    return payload


def s3_uri_problem(uri: str) -> str | None:
    """Say what is wrong with an ``s3://bucket/key`` input location, or None when usable.

    Which bucket may be read is the image store's rule (``INPUT_BUCKET`` only).
    """
    match = _S3_URI.match(uri)
    if not match:
        return "must look like s3://INPUT_BUCKET/path/to/image.png"
    return key_problem(match["key"])


def s3_location(uri: str) -> tuple[str, str]:
    """Return ``(bucket, key)`` of an ``s3://`` location ``s3_uri_problem`` accepted."""
    match = _S3_URI.match(uri)
    if match is None:
        raise ValueError(f"not an s3:// location: {uri!r}")
    return match["bucket"], match["key"]


def idempotency_key_error(key: str) -> str | None:
    """Say what is wrong with an idempotency key, or None when it is usable.

    Printable ASCII (space to ``~``) only, so the same key fits an HTTP header.
    """
    if not 1 <= len(key) <= MAX_IDEMPOTENCY_KEY:
        return f"must be 1 to {MAX_IDEMPOTENCY_KEY} characters; this one has {len(key)}"
    if not _PRINTABLE.match(key):
        return "must be printable ASCII characters (space to ~)"
    return None


def parse_request(
    payload: Any,
    *,
    allowed_models: Iterable[str],
    enhance_default: bool = False,
    default_model: str = DEFAULT_IMAGE_MODEL,
) -> GenerationRequest:
    """Validate ``payload`` into a request, or raise ``ValidationError`` naming each field.

    A payload without ``model`` asks for ``default_model`` (``GENPIC_IMAGE_MODEL``).
    """
    if not isinstance(payload, Mapping):
        raise ValidationError(
            'The request body must be a JSON object such as {"prompt": "a cat"}.',
            field="body",
        )
    if "operation" in payload:
        from genpic.editing import parse_edit

        return parse_edit(payload, allowed_models=allowed_models)
    if "model" not in payload:
        payload = {**payload, "model": default_model}
    allowed = tuple(allowed_models)
    try:
        request = GenerationRequest.model_validate(payload, context={"allowed_models": allowed})
    except pydantic.ValidationError as exc:
        raise as_validation_error(exc, GenerationRequest) from None
    problems = _beyond_model_limits(request, allowed)
    if problems:
        raise validation_error(problems)
    if request.enhance_prompt is None:
        request = request.model_copy(update={"enhance_prompt": enhance_default})
        request._enhance_defaulted = True
    problems = _image_to_image_rules(request) + _variant_rules(request)
    if problems:
        raise validation_error(problems)
    return request


def _image_to_image_rules(request: GenerationRequest) -> list[dict[str, str]]:
    if "strength" in request.model_fields_set and not request.image_to_image:
        return [
            _detail(
                "strength",
                "applies only to image-to-image: send an init image (init_image or "
                "init_image_s3), or leave strength out",
            )
        ]
    return []


def _variant_rules(request: GenerationRequest) -> list[dict[str, str]]:
    problems = []
    if request.n > 1 and len(request.styles or ()) > 1:
        problems.append(_detail("n", "ask for n images or for several styles, not both"))
    if request.styles is not None and not request.enhance_prompt:
        problems.append(
            _detail("styles", "styles are enhancement styles; send enhance_prompt: true")
        )
    return problems


def _beyond_model_limits(
    request: GenerationRequest, allowed: tuple[str, ...]
) -> list[dict[str, str]]:
    """Check what each model declares in the catalog, before any paid call."""
    model = image_model(request.model)
    if model is None:
        return []
    problems = []
    if "generate" not in model.operations:
        problems.append(
            _detail(
                "model",
                f"{model.label} edits images; send it to POST /edit with "
                f'"operation": "{model.operations[0]}"',
            )
        )
        return problems
    if request.image_to_image and not model.image_to_image:
        problems.append(_detail("model", no_image_to_image(model.label, allowed)))
    if request.seed > model.max_seed:
        problems.append(
            _detail(
                "seed",
                f"{model.label} takes seeds from 0 to {model.max_seed:,} (0 picks one at random)",
            )
        )
    for field, text, limit in (
        ("prompt", request.prompt, model.max_prompt),
        ("negative_prompt", request.negative_prompt or "", model.max_negative_prompt),
    ):
        if len(text) > limit:
            problems.append(
                _detail(
                    field,
                    f"{model.label} takes at most {limit:,} characters; this one has {len(text):,}",
                )
            )
    return problems


def _detail(field: str, message: str) -> dict[str, str]:
    return {"field": field, "message": message}


def as_validation_error(exc: pydantic.ValidationError, model: type[BaseModel]) -> ValidationError:
    """Turn pydantic's errors on ``model`` into one ``ValidationError`` naming each field."""
    errors = exc.errors(include_url=False)
    details = []
    for error in errors:
        if _echo_of_a_member(error, errors):
            continue
        details.append(_detail(field_path(*error["loc"]) or "body", describe(error, model)))
    return validation_error(details)


def field_path(*parts: str | int) -> str:
    """Write a field's path the one way every surface does: ``requests[1].styles[0]``."""
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path


def _echo_of_a_member(error: Any, errors: list[Any]) -> bool:
    # A list whose bad member is dropped is then too short: the member's error says it all.
    loc = error["loc"]
    return error["type"] == "too_short" and any(
        len(other["loc"]) > len(loc) and other["loc"][: len(loc)] == loc for other in errors
    )


def within(error: ValidationError, outer: str) -> ValidationError:
    """Return ``error`` with each field path under ``outer`` (``requests[1]`` + ``seed``)."""
    if not error.details:
        # A one-off message names its field itself ("webhook_url must be…"): keep its words.
        return ValidationError(
            f"{outer}: {error.message}", field=f"{outer}.{error.field or 'body'}"
        )
    return validation_error([_detail(f"{outer}.{d['field']}", d["message"]) for d in error.details])


def validation_error(details: list[dict[str, str]]) -> ValidationError:
    """Return one ``ValidationError`` for ``details`` (``field``/``message`` pairs), first first."""
    summary = "; ".join(f"{d['field']}: {d['message']}" for d in details)
    return ValidationError(
        f"Invalid request: {summary}.", field=details[0]["field"], details=details
    )


# What a value of each JSON type is called in messages (pydantic's error type -> ours).
_KINDS = {
    "int_type": "an integer",
    "int_parsing": "an integer",
    "int_from_float": "an integer",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "string_type": "a string",
    "list_type": "a list",
    "tuple_type": "a list",
    "dict_type": "a JSON object",
    "model_type": "a JSON object",
}

# A bound's message, filled from pydantic's ``ctx``.
_LIMITS = {
    "string_too_short": "must be at least {min_length:,} characters",
    "string_too_long": "must be at most {max_length:,} characters",
    "too_short": "must list at least {min_length}",
    "too_long": "must list at most {max_length}",
    "greater_than_equal": "must be at least {ge}",
    "less_than_equal": "must be at most {le}",
}


def describe(error: Any, model: type[BaseModel] | None = None) -> str:
    """Say what is wrong with one value in genpic's words, not pydantic's.

    ``error`` is one of pydantic's errors (a field of ``model``, or a lone value such as
    a command-line option's); the words are the same for a field and for an option.
    """
    kind = error["type"]
    limits = error.get("ctx", {})
    if kind == "extra_forbidden":
        allowed = ", ".join(model.model_fields if model else ())
        return f"unknown field; allowed fields are {allowed}"
    if kind == "missing":
        return "this field is required"
    if kind in _KINDS or kind == "literal_error":
        words = f"must be {_KINDS[kind]}" if kind in _KINDS else _literal_message(error, limits)
        if error.get("input", ...) is None:
            return f"{words}, not null (leave the field out for its default)"
        return words
    if kind in ("string_too_short", "too_short") and limits.get("min_length") == 1:
        return "must not be empty" + (" or only whitespace" if error["loc"] == ("prompt",) else "")
    if kind in _LIMITS:
        return _LIMITS[kind].format(**limits)
    message = str(error["msg"])
    return message.removeprefix("Value error, ")


def _literal_message(error: Any, limits: Mapping[str, Any]) -> str:
    field = error["loc"][0] if error["loc"] else None
    choices = {
        "aspect_ratio": ASPECT_RATIOS,
        "output_format": OUTPUT_FORMATS,
        "enhancement_style": ENHANCEMENT_STYLES,
        "styles": ENHANCEMENT_STYLES,
        "operation": tuple(EDIT_OPERATIONS),
    }.get(str(field))
    if choices is None:  # a single allowed value, such as feedback's preferred: true
        return f"must be {str(limits.get('expected', '')).lower()}"
    return "must be one of " + ", ".join(choices)
