"""Schemathesis hooks for the conformance run (``SCHEMATHESIS_HOOKS=tests.support.schemathesis_hooks``).

Every check runs, and every failure counts, but one kind: a schema-valid request
refused for what no JSON Schema can see. The document says which of these a
route answers and with what; each rule below names one and says why a schema
cannot express it. Anything else, a 5xx above all, fails the run.
"""

from __future__ import annotations

import io
import json
from typing import Any

import schemathesis
from PIL import Image


def _png(size: tuple[int, int] = (96, 64)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, "PNG")
    return out.getvalue()


# Schemathesis draws a 1x1 PNG for an image part; genpic needs 64 px a side. Swapping in a
# real image lets schema-valid uploads and edits reach the pipeline instead of a 400.
_IMAGE = _png()
_IMAGE_PARTS = ("file", "image")

# The error codes whose 400 depends on what a schema cannot describe:
# - InvalidImage: whether bytes decode as an image of a usable size, or whether an
#   s3:// key exists, is known only by reading them;
_OPAQUE_ERRORS = frozenset({"InvalidImage"})
# - the fields whose validity is a fact outside the request: a listing cursor is
#   valid only if this server handed it out, a webhook host only if it resolves to a
#   public address (no network here, so none does).
_OPAQUE_FIELDS = ("cursor", "webhook_url")


def _error_of(body: Any) -> tuple[str | None, str | None]:
    """The (code, field) of a genpic or an OpenAI-shaped error body."""
    if not isinstance(body, dict):
        return None, None
    error = body.get("error")
    if isinstance(error, dict):  # OpenAI's shape, under /v1/
        return error.get("code"), error.get("param")
    return error, body.get("field")


def _opaque(code: str | None, field: str | None) -> bool:
    if code in _OPAQUE_ERRORS:
        return True
    name = (field or "").rsplit(".", 1)[-1]
    return code == "ValidationError" and name in _OPAQUE_FIELDS


@schemathesis.hook
def map_body(ctx: Any, body: Any) -> Any:
    """Make a generated PNG part a usable image (other bytes are left to be refused)."""
    if isinstance(body, dict):
        for name in _IMAGE_PARTS:
            value = body.get(name)
            if isinstance(value, bytes) and value.startswith(b"\x89PNG"):
                body = {**body, name: _IMAGE}
    return body


@schemathesis.hook
def filter_failure(ctx: Any, failure: Any, case: Any, response: Any) -> bool:
    """Keep every failure except a 400 for a value only the server can judge (above)."""
    if failure.code != "ST202" or response.status_code != 400:  # ST202: valid data refused
        return True
    try:
        code, field = _error_of(json.loads(response.content))
    except ValueError:
        return True
    return not _opaque(code, field)
