"""What the OpenAPI document says about bodies: the request schemas, the success and error shapes.

Routes read and validate JSON bodies with ``Pipeline.parse`` (the Lambda handlers'
rules and messages); these declarations document exactly those rules. A schema
starts from the pydantic model the parser uses, and adds what the parser checks
beyond one field (the variant rules, one init image, case-free choices), so a
body the document accepts is one the parser accepts, and the other way round.
Rules that depend on the deployment (the allowed models) are added when the
document is built (``genpic.http.document``).
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from genpic import patterns
from genpic.feedback import FeedbackRequest
from genpic.request import BLANK_PRINTABLE, MAX_IDEMPOTENCY_KEY, GenerationRequest
from genpic.vocabulary import ENHANCEMENT_STYLES, FORMAT_ALIASES, OUTPUT_FORMATS

JSON = "application/json"
# Marks a request schema that makes image-to-image, so it takes only the models that can.
IMAGE_TO_IMAGE = "x-image-to-image"
# How a route treats a request: its enhancement default, or compare's one pair.
Variant = Literal["plain", "enhanced", "pair", "job"]
# Marks a response schema by the name of its body (``answers``).
BODY = "x-genpic-body"


class DocumentedBody(BaseModel):
    """A response body as the OpenAPI document shows it; no route validates one.

    Its schema is built when the document is (``defer_build``), not when the app is: a
    route names it through ``answers``, so FastAPI builds no validator for it either.
    """

    model_config = ConfigDict(defer_build=True)


_BODIES: dict[str, type[DocumentedBody]] = {}


class ErrorBody(DocumentedBody):
    """Every error outside ``/v1/``: a code, a fix-it message and the request id."""

    error: str
    message: str
    request_id: str
    field: str | None = None
    details: list[dict[str, str]] | None = None
    # A 422 ContentFiltered names the screen that refused: blocklist, guardrail, enhancer, model.
    screen: str | None = None


class OpenAIErrorDetail(DocumentedBody):
    """OpenAI's error object: ``param`` names the OpenAI parameter at fault."""

    message: str
    type: str
    param: str | None
    code: str
    screen: str | None = None


class OpenAIErrorBody(DocumentedBody):
    """Every error under ``/v1/``, in OpenAI's shape, so its SDK raises its usual errors."""

    error: OpenAIErrorDetail


class SuccessBody(DocumentedBody):
    """One generated image; ``variants`` lists one body per image when several were asked for."""

    model_config = ConfigDict(extra="allow", defer_build=True)

    message: str
    s3_url: str | None
    uri: str
    bucket: str | None
    key: str
    filename: str
    url: str
    content_type: str
    width: int
    height: int
    seed: int
    model: str
    parameters: dict[str, Any]
    enhancement: dict[str, Any]
    timings_ms: dict[str, int]
    cost_usd: float
    request_id: str
    original_prompt: str | None = None
    enhanced_prompt: str | None = None
    variants: list[dict[str, Any]] | None = None


class CompareBody(DocumentedBody):
    """The plain and the enhanced image, same seed (an entry is an error body if it failed)."""

    original: dict[str, Any]
    enhanced: dict[str, Any]
    request_id: str


class EnhanceBody(DocumentedBody):
    """A dry run of enhancement: no image is made."""

    original_prompt: str
    enhanced_prompt: str
    enhancement: dict[str, Any]
    timings_ms: dict[str, int]
    request_id: str


def error_responses(*statuses: int, body: type[DocumentedBody] = ErrorBody) -> dict[int | str, Any]:
    """Document ``body`` (genpic's error body by default) under each of ``statuses``."""
    return {status: answers(body) for status in statuses}


def answers(body: type[DocumentedBody]) -> dict[str, Any]:
    """A ``responses`` entry that documents ``body`` as the JSON answer.

    The entry carries only the body's name (``BODY``); ``genpic.http.document`` puts the
    schema in when it builds the document. FastAPI would build a validator for each route
    and status given a ``model`` instead, in every cold start of the ``api`` function.
    """
    _BODIES[body.__name__] = body
    return {"content": {JSON: {"schema": {BODY: body.__name__}}}}


def documented_body(name: str) -> type[DocumentedBody]:
    """The body ``answers`` named ``name``."""
    return _BODIES[name]


def json_body(name: str, media_type: str = JSON) -> dict[str, Any]:
    """An ``openapi_extra`` that documents the request schema ``name`` as the request body.

    The route carries only the name: ``genpic.http.document`` builds the schema with
    the document, on the first request for it, so importing the app stays cheap.
    """
    return {"requestBody": {"required": True, "content": {media_type: {"schema": {LAZY: name}}}}}


LAZY = "x-genpic-schema"


def value_branch(schema: dict[str, Any]) -> dict[str, Any]:
    """The non-null branch of a property that also takes null (meaning absent)."""
    for branch in schema.get("anyOf", ()):
        if branch.get("type") != "null":
            return dict(branch)
    return schema


def case_free_choice(schema: dict[str, Any], words: tuple[str, ...]) -> None:
    """Let the choice ``schema`` be any of ``words`` in any case with spaces around it.

    Its ``enum`` stays first (the page reads its choices from it).
    """
    choices = {"type": "string", "enum": value_branch(schema)["enum"]}
    spelled = {"type": "string", "pattern": patterns.case_free(words)}
    schema.pop("type", None)
    schema.pop("enum", None)
    if "anyOf" in schema:
        schema["anyOf"] = [choices, spelled, {"type": "null"}]
    else:
        schema["anyOf"] = [choices, spelled]


def _present(field: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": [field], "properties": {field: schema}}


def _implies(condition: dict[str, Any], then: dict[str, Any]) -> dict[str, Any]:
    # "if/then" spelled with anyOf, which every JSON Schema tool reads the same way.
    return {"anyOf": [{"not": condition}, {"allOf": [condition, then]}]}


def request_property(name: str) -> dict[str, Any]:
    """A copy of the generation request's schema for field ``name``."""
    return copy.deepcopy(_request_schema()["properties"][name])


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema``, or null for absent."""
    if any(branch.get("type") == "null" for branch in schema.get("anyOf", ())):
        return schema
    return {"anyOf": [schema, {"type": "null"}]}


@cache
def _request_schema() -> dict[str, Any]:
    schema = GenerationRequest.model_json_schema()
    props = schema["properties"]
    props["prompt"]["pattern"] = patterns.printable_beyond(BLANK_PRINTABLE)
    props["prompt"]["description"] = "Trimmed; 1 to 10,000 characters, not only spaces."
    case_free_choice(props["output_format"], (*OUTPUT_FORMATS, *FORMAT_ALIASES))
    case_free_choice(props["enhancement_style"], ENHANCEMENT_STYLES)
    styles = value_branch(props["styles"])
    # Listed as spelled (each once): in any case, duplicates would hide from uniqueItems.
    styles["uniqueItems"] = True
    props["styles"]["anyOf"][0] = styles
    key = value_branch(props["idempotency_key"])
    key.update(
        minLength=1, maxLength=MAX_IDEMPOTENCY_KEY, pattern=f"^{patterns.char_class(_PRINTABLE)}*$"
    )
    props["idempotency_key"]["anyOf"][0] = key
    s3 = value_branch(props["init_image_s3"])
    s3["pattern"] = _S3_URI_PATTERN
    props["init_image_s3"]["anyOf"][0] = s3
    image = value_branch(props["init_image"])
    image["description"] = "A base64 JPEG, PNG or WebP image, or a data: URL of one."
    image["pattern"] = _BASE64_PATTERN
    props["init_image"]["anyOf"][0] = image
    props["original_prompt"] = {"description": "Ignored: the seed functions' internal field."}
    props["strength"]["description"] = "Image-to-image only: a 400 without an init image."
    props["aspect_ratio"]["description"] = (
        "Text-to-image only: with an init image it is accepted, not sent, and the success "
        "body's warnings say so."
    )
    schema["allOf"] = [
        {"not": {"required": ["init_image", "init_image_s3"], "properties": _BOTH_IMAGES}},
        _implies({"required": ["strength"]}, _AN_INIT_IMAGE),
        {
            "not": {
                "required": ["n", "styles"],
                "properties": {
                    "n": {"type": "integer", "minimum": 2},
                    "styles": {"type": "array", "minItems": 2},
                },
            }
        },
    ]
    return schema


_PRINTABLE = tuple(map(chr, range(0x20, 0x7F)))
# The parser's _S3_URI: a bucket name, then a key.
_S3_URI_PATTERN = r"^s3://[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]/[^\u0000-\u001f\u007f]+$"
# Standard base64 (padded), after an optional "data:<type>;base64," prefix.
_BASE64_PATTERN = r"^(data:[^,]*,)?([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"
_BOTH_IMAGES = {"init_image": {"type": "string"}, "init_image_s3": {"type": "string"}}
_WITH_STYLES = _present("styles", {"type": "array"})
_AN_INIT_IMAGE = {"anyOf": [_present(name, {"type": "string"}) for name in _BOTH_IMAGES]}


def generation_schema(variant: Variant) -> dict[str, Any]:
    """The JSON schema of a generation request on a route of ``variant``.

    ``plain`` enhances only when asked (``/generate``, jobs), ``enhanced`` unless told
    not to; ``pair`` is ``/compare`` (one image each way: no ``n``, no ``styles``);
    ``job`` adds ``webhook_url`` and takes init images by reference only.
    """
    schema = copy.deepcopy(_request_schema())
    props = schema["properties"]
    if variant == "enhanced":
        needs = {"properties": {"enhance_prompt": {"not": {"const": False}}}}
    else:
        needs = _present("enhance_prompt", {"const": True})
    schema["allOf"].append(_implies(_WITH_STYLES, needs))
    if variant == "pair":
        props["n"].update(maximum=1)
        props["styles"] = {"type": "null", "description": "compare makes one pair: no styles."}
    if variant == "job":
        props["init_image"] = {"type": "null", "description": "Jobs take init_image_s3 only."}
        props["webhook_url"] = {
            "anyOf": [{"type": "string", "pattern": "^https?://"}, {"type": "null"}],
            "description": "Told the outcome (POST, signed); a public http(s) host only.",
        }
    schema["title"] = f"GenerationRequest ({variant})"
    return schema


def batch_schema(max_requests: int) -> dict[str, Any]:
    """``{"requests": [job request, ...]}``, 1 to ``max_requests`` of them."""
    return {
        "type": "object",
        "title": "BatchRequest",
        "additionalProperties": False,
        "required": ["requests"],
        "properties": {
            "requests": {
                "type": "array",
                "minItems": 1,
                "maxItems": max_requests,
                "items": generation_schema("job"),
            },
            "idempotency_key": _request_schema()["properties"]["idempotency_key"],
        },
    }


def feedback_schema() -> dict[str, Any]:
    """Feedback: an image id and exactly one of ``rating`` and ``preferred: true``."""
    schema = FeedbackRequest.model_json_schema()
    schema["oneOf"] = [
        _present("rating", {"type": "integer"}),
        _present("preferred", {"const": True}),
    ]
    return schema


# What any generating route can answer besides 200 (the contract's error table).
GENERATION_ERRORS = error_responses(400, 403, 404, 409, 422, 429, 502, 504)
