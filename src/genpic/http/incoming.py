"""Reading what a caller sends: the JSON body, the multipart form, whole numbers in the query.

Every route reads its input through these, so each rule holds on every route: the
media type (415 otherwise, see ``genpic.crosssite``), strict UTF-8 (invalid bytes
are a 400, never replaced by U+FFFD), the one JSON decoder (``genpic.jsonbody``),
and ASCII digits for numbers (``"²".isdigit()`` is true, ``int("²")`` fails).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from fastapi import Request
from starlette.datastructures import FormData
from starlette.formparsers import MultiPartException, MultiPartParser

from genpic import jsonbody
from genpic.crosssite import JSON, MULTIPART, check_media_type
from genpic.errors import ValidationError

_DIGITS = re.compile(r"^[0-9]{1,18}$")


async def json_payload(request: Request) -> Any:
    """Return the request's JSON body, decoded; an empty body is ``{}``.

    Raises
    ------
    UnsupportedMediaType
        The ``Content-Type`` is not JSON.
    ValidationError
        The body is not UTF-8, not JSON, or nested too deep (field ``body``).
    """
    body = await request.body()
    check_media_type(request.headers.get("content-type"), (JSON,), has_body=bool(body))
    return jsonbody.loads(body)


async def body_kind(request: Request, accepted: Sequence[str]) -> str:
    """Return which of ``accepted`` (``JSON``, ``MULTIPART``) the body is, or refuse it (415)."""
    body = await request.body()
    return check_media_type(request.headers.get("content-type"), accepted, has_body=bool(body))


async def form_data(request: Request) -> FormData:
    """Return the request's multipart form, its text fields strictly UTF-8.

    Raises
    ------
    UnsupportedMediaType
        The ``Content-Type`` is not ``multipart/form-data``.
    ValidationError
        The form is malformed, or a text field is not UTF-8.
    """
    await body_kind(request, (MULTIPART,))
    try:
        return await _StrictParts(request.headers, request.stream()).parse()
    except _NotUtf8 as exc:
        raise ValidationError(f"{exc.field} is not UTF-8 text.", field=exc.field) from None
    except MultiPartException as exc:
        raise ValidationError(
            f"The multipart form is malformed: {exc.message}", field="body"
        ) from None


def whole_number(raw: str | None) -> int | None:
    """Return ``raw`` as an int if it is 1 to 18 ASCII digits, else None."""
    return int(raw) if raw is not None and _DIGITS.match(raw) else None


def query_number(raw: str | None, field: str, low: int, high: int, default: int) -> int:
    """Return the query parameter ``field`` as a whole number from ``low`` to ``high``.

    Absent or empty: ``default``. Anything else is a 400 naming ``field``.
    """
    if raw is None or raw == "":
        return default
    value = whole_number(raw)
    if value is None or not low <= value <= high:
        raise ValidationError(f"{field} must be a whole number from {low} to {high}.", field=field)
    return value


class _NotUtf8(MultiPartException):
    def __init__(self, field: str) -> None:
        super().__init__(f"{field} is not UTF-8")
        self.field = field


class _StrictParts(MultiPartParser):
    """Starlette's multipart parser, refusing a text field that is not UTF-8.

    Starlette falls back to Latin-1, which would turn invalid bytes into a prompt.
    """

    def on_part_end(self) -> None:
        part = self._current_part
        if part.file is None:
            try:
                bytes(part.data).decode("utf-8")
            except UnicodeDecodeError:
                raise _NotUtf8(part.field_name) from None
        super().on_part_end()
