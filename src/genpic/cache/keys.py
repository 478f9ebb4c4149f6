"""Cache keys: a sha256 of a canonical encoding, so two different requests never share one.

Every key hashes ``[namespace, version, fields]`` written as JSON with sorted keys,
no insignificant whitespace and every value typed (strings stay strings, ``None``
is ``null``). Bump ``VERSION`` whenever what a key covers changes: old entries then
simply stop matching, and expire.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from genpic.editing import EditRequest
from genpic.request import GenerationRequest

VERSION = 1


@dataclass(frozen=True)
class Backends:
    """What, besides the request, decides the image: the engine and the text model behind it."""

    engine: str
    enhancer: str
    text_model: str | None


def digest(namespace: str, fields: Mapping[str, Any]) -> str:
    """Return the sha256 hex digest of ``[namespace, VERSION, fields]`` in canonical JSON."""
    encoded = json.dumps(
        [namespace, VERSION, fields],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def result_key(
    request: GenerationRequest,
    *,
    seed: int,
    init_image_sha256: str | None,
    translate_mode: str,
    backends: Backends,
    edit_images_sha256: Mapping[str, str] | None = None,
) -> str:
    """Return the result-cache key of one single-image request generated with ``seed``.

    Parameters
    ----------
    request
        The validated request (one image: ``n`` and ``styles`` already expanded).
    seed
        The seed the image is (or was) generated with; never 0.
    init_image_sha256
        The sha256 of the init image's bytes (inline or read from storage), or None.
    translate_mode
        ``on``, ``off`` or ``auto``: the request's ``translate`` or the deployment's.
    backends
        The engine, enhancer and text model that turn the request into an image.
    edit_images_sha256
        For an edit, the sha256 of each of its images by field (``image``, ``mask``, …).
    """
    enhancing = bool(request.enhance_prompt)
    image_to_image = init_image_sha256 is not None
    # Translation only happens when not enhancing (the enhancer writes English).
    translating = not enhancing and translate_mode != "off"
    text_backend = enhancing or translating
    fields: dict[str, Any] = {
        "prompt": request.prompt,
        "negative_prompt": request.negative_prompt,
        "model": request.model,
        "seed": seed,
        "output_format": request.output_format,
        "aspect_ratio": None if image_to_image else request.aspect_ratio,
        "init_image_sha256": init_image_sha256,
        "strength": request.strength if image_to_image else None,
        "enhance": enhancing,
        "style": request.enhancement_style if enhancing else None,
        "translate": translate_mode if translating else None,
        "engine": backends.engine,
        "enhancer": backends.enhancer if text_backend else None,
        "text_model": backends.text_model if text_backend else None,
    }
    if edit_images_sha256 is not None:
        # Only edits add the key, so every other request keeps its key.
        fields["edit"] = edit_fields(request, edit_images_sha256)
    return digest("result", fields)


def edit_fields(request: GenerationRequest, images_sha256: Mapping[str, str]) -> dict[str, Any]:
    """Return what, beyond a generation's fields, decides an edit's image."""
    fields: dict[str, Any] = {"images_sha256": dict(images_sha256)}
    if isinstance(request, EditRequest):
        fields.update(
            operation=request.operation,
            values=request.values(),
            texts=request.texts(),
            aspect_ratio=request.aspect_ratio if request.spec.aspect_ratio else None,
        )
    return fields


def prompt_key(kind: str, prompt: str, style: str | None, enhancer: str, model: str | None) -> str:
    """Return the key of an enhanced (``kind="enhance"``) or translated prompt."""
    fields = {"prompt": prompt, "style": style, "enhancer": enhancer, "text_model": model}
    return digest(kind, fields)


def request_fingerprint(operation: str, request: GenerationRequest) -> str:
    """Return what an idempotency record compares: the operation and the validated request.

    ``idempotency_key`` is left out, so the key may come as a header or a field.
    """
    fields = request.model_dump(mode="json", exclude={"idempotency_key"})
    return digest("request:" + operation, fields)


def payload_fingerprint(operation: str, payload: Any) -> str:
    """Return what an idempotency record compares for a raw JSON ``payload`` (jobs, batches).

    The body as sent, less ``idempotency_key`` (the caller removes it): these routes
    store their requests as given, so a repeat must send the same fields.
    """
    return digest("payload:" + operation, {"payload": payload})
