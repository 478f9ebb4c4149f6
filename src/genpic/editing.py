"""The edit request (``POST /edit``, or any request with ``operation``) and its checks.

An edit is a ``GenerationRequest`` with an ``operation``: the rest of the pipeline
(screens, caches, idempotency, jobs, the gallery) treats it like any request. What
each operation takes is declared in ``genpic.catalog`` (``EditSpec``); this module
only reads the declarations, so a new operation never adds a branch here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated, Any, Literal

import pydantic
from pydantic import Field, StrictFloat, StrictInt, StrictStr

from genpic.catalog import DEFAULT_IMAGE_MODEL, EDIT_OPERATIONS, MAX_PROMPT, EditSpec, ImageModel
from genpic.request import (
    WHOLE,
    GenerationRequest,
    as_validation_error,
    inline_image,
    s3_uri_problem,
    validation_error,
    visible,
)
from genpic.vocabulary import AspectRatio, OutputFormat

EditOperation = Literal[
    "inpaint",
    "outpaint",
    "erase",
    "search_replace",
    "search_recolor",
    "remove_background",
    "upscale_fast",
    "upscale_conservative",
    "upscale_creative",
    "sketch",
    "structure",
    "style_guide",
    "style_transfer",
]
#: The images an edit can carry, each inline (base64) or as ``<name>_s3``.
IMAGE_FIELDS = ("image", "mask", "style_image")
# Fields of a generation that no edit takes: the operation decides the model and its input.
_GENERATION_ONLY = frozenset({"model", "init_image", "init_image_s3", "strength", "styles"})
# Taken by every operation.
_ALWAYS = frozenset({"operation", "image", "image_s3", "cache", "idempotency_key", "user"})
_Number = Annotated[StrictFloat, Field(allow_inf_nan=False)]
_Whole = Annotated[StrictInt, Field(ge=0, le=100_000), WHOLE]


class EditRequest(GenerationRequest):
    """A validated edit: the operation, its images and its fields (``None``: absent).

    The per-operation rules (which fields apply, their ranges, required images) are
    checked by ``parse_edit`` from the catalog, so each error names its field.
    """

    operation: EditOperation
    # Not every operation takes a prompt; the ones that need one are checked by parse_edit.
    prompt: Annotated[StrictStr, Field(max_length=MAX_PROMPT)] = ""
    output_format: OutputFormat = "png"
    # Only style_guide takes one; Stability's default.
    aspect_ratio: AspectRatio = "1:1"
    image: StrictStr | None = None
    image_s3: StrictStr | None = None
    mask: StrictStr | None = None
    mask_s3: StrictStr | None = None
    style_image: StrictStr | None = None
    style_image_s3: StrictStr | None = None
    search_prompt: Annotated[StrictStr, Field(min_length=1, max_length=MAX_PROMPT)] | None = None
    select_prompt: Annotated[StrictStr, Field(min_length=1, max_length=MAX_PROMPT)] | None = None
    grow_mask: _Whole | None = None
    left: _Whole | None = None
    right: _Whole | None = None
    up: _Whole | None = None
    down: _Whole | None = None
    creativity: _Number | None = None
    control_strength: _Number | None = None
    fidelity: _Number | None = None
    composition_fidelity: _Number | None = None
    style_strength: _Number | None = None
    change_strength: _Number | None = None

    @pydantic.field_validator("prompt")
    @classmethod
    def _visible_prompt(cls, value: str) -> str:
        # An empty prompt is "none" (checked per operation); a blank one is a mistake.
        if value and not any(map(visible, value)):
            raise ValueError("must hold a visible character; this one is only spaces")
        return value

    @pydantic.field_validator("search_prompt", "select_prompt")
    @classmethod
    def _visible_text(cls, value: str | None) -> str | None:
        if value is not None and not any(map(visible, value)):
            raise ValueError("must hold a visible character; this one is only spaces")
        return value.strip() if value is not None else None

    @pydantic.field_validator("image", "mask", "style_image")
    @classmethod
    def _inline(cls, value: str | None) -> str | None:
        return inline_image(value) if value is not None else None

    @pydantic.field_validator("image_s3", "mask_s3", "style_image_s3")
    @classmethod
    def _s3(cls, value: str | None) -> str | None:
        problem = s3_uri_problem(value) if value is not None else None
        if problem:
            raise ValueError(problem)
        return value

    @property
    def service(self) -> ImageModel:
        """The image service that performs this operation."""
        return EDIT_OPERATIONS[self.operation]

    @property
    def spec(self) -> EditSpec:
        """What the operation takes (``genpic.catalog``)."""
        spec = self.service.edit
        assert spec is not None
        return spec

    def values(self) -> dict[str, float]:
        """Return every numeric field of the operation: as sent, else the service's default."""
        return {
            name: _typed(getattr(self, name), number.default, number.whole)
            for name, number in self.spec.numbers.items()
        }

    def texts(self) -> dict[str, str]:
        """Return the operation's extra text fields (``search_prompt``, ``select_prompt``)."""
        return {name: getattr(self, name) for name in self.spec.texts}


def _typed(value: float | None, default: float, whole: bool) -> float:
    chosen = default if value is None else value
    return int(chosen) if whole else float(chosen)


def is_edit(payload: Any) -> bool:
    """Whether ``payload`` (a decoded body, a job, a batch line) asks for an edit."""
    return isinstance(payload, Mapping) and "operation" in payload


def parse_edit(
    payload: Mapping[str, Any], *, allowed_models: Iterable[str], enhance_default: bool = False
) -> EditRequest:
    """Validate an edit, or raise ``ValidationError`` naming each field; no model is called.

    The operation's service must be among ``allowed_models``. Enhancement stays off
    unless the payload asks for it (``enhance_default`` is ignored: an edit's prompt
    describes a change, not a picture to embellish).
    """
    del enhance_default
    operation = payload.get("operation")
    service = EDIT_OPERATIONS.get(operation) if isinstance(operation, str) else None
    if "model" in payload or service is None:
        # Validation names the unknown operation; a model is chosen by the operation.
        body = {k: v for k, v in payload.items() if k != "model"}
    else:
        body = dict(payload)
    if service is not None:
        body["model"] = service.model_id
    try:
        # Which services are allowed is checked below, on ``operation``.
        chosen = (body.get("model", DEFAULT_IMAGE_MODEL),)
        request = EditRequest.model_validate(body, context={"allowed_models": chosen})
    except pydantic.ValidationError as exc:
        raise as_validation_error(exc, EditRequest) from None
    problems = _applicable(request, payload) or _rules(request, tuple(allowed_models))
    if problems:
        raise validation_error(problems)
    if request.enhance_prompt is None:
        request = request.model_copy(update={"enhance_prompt": False})
    return request


def _applicable(request: EditRequest, payload: Mapping[str, Any]) -> list[dict[str, str]]:
    """Name each sent field the operation does not take."""
    fields = request.spec.fields
    own = sorted(name for name in fields if not name.endswith("_s3"))
    problems = []
    for name in payload:
        if name in _ALWAYS or name in fields or name not in EditRequest.model_fields:
            continue
        why = (
            f"{request.operation} chooses its model and input; send image or image_s3"
            if name in _GENERATION_ONLY
            else f"{request.operation} does not take {name}; it takes "
            + (", ".join(own) or "only the image")
        )
        problems.append({"field": name, "message": why})
    return problems


def _rules(request: EditRequest, allowed: tuple[str, ...]) -> list[dict[str, str]]:
    spec, service = request.spec, request.service
    problems: list[dict[str, str]] = []

    def refuse(field: str, message: str) -> None:
        problems.append({"field": field, "message": message})

    if service.model_id not in allowed:
        refuse("operation", f"{request.operation} ({service.label}) is not allowed here")
    if spec.prompt == "required" and not request.prompt:
        refuse("prompt", f"{request.operation} needs a prompt: what the result should show")
    for name in spec.texts:
        if getattr(request, name) is None:
            refuse(name, f"{request.operation} needs {name}")
    for name in IMAGE_FIELDS:
        inline, stored = getattr(request, name, None), getattr(request, f"{name}_s3", None)
        if inline is not None and stored is not None:
            refuse(name, f"give either {name} or {name}_s3, not both")
        required = name == "image" or spec.images.get(name, False)
        if required and inline is None and stored is None:
            refuse(name, f"{request.operation} needs {name} (base64) or {name}_s3")
    for name, number in spec.numbers.items():
        value = getattr(request, name)
        if value is not None and not number.low <= value <= number.high:
            refuse(name, f"must be from {number.low:g} to {number.high:g} for {request.operation}")
    if spec.one_of and not any(request.values()[name] > 0 for name in spec.one_of):
        refuse(spec.one_of[0], f"{request.operation} needs one of {', '.join(spec.one_of)} above 0")
    if request.output_format not in spec.output_formats:
        refuse(
            "output_format",
            f"{request.operation} returns transparency, which {request.output_format} cannot "
            f"hold; use {' or '.join(spec.output_formats)}",
        )
    return problems


def screened_texts(request: GenerationRequest, *, with_prompt: bool = True) -> dict[str, str]:
    """Return the texts a model will read, by field: each passes the screens."""
    texts = {"prompt": request.prompt} if with_prompt and request.prompt else {}
    if isinstance(request, EditRequest):
        texts.update(request.texts())
    return texts
