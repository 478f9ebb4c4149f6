"""The JSON schema of ``POST /edit``: one branch per operation, derived from the catalog."""

from __future__ import annotations

from functools import cache
from typing import Any

from genpic import patterns
from genpic.catalog import EDIT_OPERATIONS, MAX_PROMPT, MAX_SEED, EditSpec
from genpic.request import BLANK_PRINTABLE, MAX_IDEMPOTENCY_KEY, MAX_N, MAX_USER
from genpic.vocabulary import ASPECT_RATIOS, ENHANCEMENT_STYLES

_S3 = {
    "type": "string",
    "pattern": r"^s3://[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]/[^\u0000-\u001f\u007f]+$",
}
_BASE64 = {
    "type": "string",
    "description": "A base64 JPEG, PNG or WebP image, or a data: URL of one.",
    "pattern": r"^(data:[^,]*,)?([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$",
}
_COMMON: dict[str, Any] = {
    "image": _BASE64,
    "image_s3": _S3,
    "cache": {"type": "boolean"},
    "idempotency_key": {
        "type": "string",
        "minLength": 1,
        "maxLength": MAX_IDEMPOTENCY_KEY,
        "pattern": "^[ -~]*$",
    },
    "user": {"type": "string", "minLength": 1, "maxLength": MAX_USER},
}


@cache
def _text() -> dict[str, Any]:
    # Built with the document, not at import: the pattern takes a pass over every code point.
    return {
        "type": "string",
        "minLength": 1,
        "maxLength": MAX_PROMPT,
        "pattern": patterns.printable_beyond(BLANK_PRINTABLE),
    }


def _branch(spec: EditSpec) -> dict[str, Any]:
    props: dict[str, Any] = {"operation": {"const": spec.operation}, **_COMMON}
    required = ["operation"]
    props["output_format"] = {"enum": list(spec.output_formats)}
    if spec.prompt != "none":
        props["prompt"] = _text()
        props["enhance_prompt"] = {"type": "boolean"}
        props["enhancement_style"] = {"enum": list(ENHANCEMENT_STYLES)}
        if spec.prompt == "required":
            required.append("prompt")
    if spec.prompt != "none" or spec.texts:
        props["translate"] = {"type": "boolean"}
    if spec.negative_prompt:
        props["negative_prompt"] = {"type": "string", "maxLength": MAX_PROMPT}
    if spec.seed:
        props["seed"] = {"type": "integer", "minimum": 0, "maximum": MAX_SEED}
        props["n"] = {"type": "integer", "minimum": 1, "maximum": MAX_N}
    if spec.aspect_ratio:
        props["aspect_ratio"] = {"enum": list(ASPECT_RATIOS)}
    for name in spec.texts:
        props[name] = _text()
        required.append(name)
    for name, number in spec.numbers.items():
        kind = "integer" if number.whole else "number"
        props[name] = {"type": kind, "minimum": number.low, "maximum": number.high}
    needs: list[dict[str, Any]] = [_one_of("image")]
    for name, needed in spec.images.items():
        props[name], props[f"{name}_s3"] = _BASE64, _S3
        if needed:
            needs.append(_one_of(name))
    if spec.one_of:
        margins = [{"required": [n], "properties": {n: {"minimum": 1}}} for n in spec.one_of]
        needs.append({"anyOf": margins})
    return {
        "type": "object",
        "title": f"Edit ({spec.operation})",
        "additionalProperties": False,
        "required": required,
        "properties": props,
        "allOf": needs,
    }


def _one_of(name: str) -> dict[str, Any]:
    """Exactly one of ``name`` (base64) and ``name_s3``."""
    return {"oneOf": [{"required": [name]}, {"required": [f"{name}_s3"]}]}


def edit_schema() -> dict[str, Any]:
    """The body of ``POST /edit``: one branch per catalogued operation."""
    branches = [_branch(m.edit) for m in EDIT_OPERATIONS.values() if m.edit is not None]
    return {"title": "EditRequest", "oneOf": branches}
