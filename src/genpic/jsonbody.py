"""The one JSON decoder for what callers send: request bodies, Lambda events, listing cursors.

Python's ``json`` accepts more than a caller should be able to send, and some of it
fails later as a 500: ``NaN`` and ``Infinity``, integers of more than 4,300 digits
(``ValueError``), nesting deep enough to raise ``RecursionError`` (or to pass here
and raise it in the next recursive step), and lone surrogates (``"\\ud800"``) that
cannot be written back as UTF-8. Every entry point decodes through ``loads`` and
checks already-decoded payloads with ``check_value``, so each of these is a 400
``ValidationError`` naming the field.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from genpic.errors import ValidationError

#: The deepest nesting a payload may have. The deepest real one, a batch of requests
#: with ``styles``, is 4 levels deep; the margin leaves room for new fields.
MAX_DEPTH = 32


def loads(text: str | bytes, *, field: str = "body") -> Any:
    """Decode caller-sent JSON; an empty or blank text is ``{}`` (so ``prompt`` is named missing).

    Parameters
    ----------
    text
        The JSON text; bytes must be UTF-8 (invalid UTF-8 is refused, never replaced).
    field
        The field named in the error (``body``, ``cursor``).

    Raises
    ------
    ValidationError
        The text is not UTF-8, not standard JSON, or not a value ``check_value`` accepts.
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValidationError(
                f"{field} is not UTF-8 (byte {exc.start} is invalid); send UTF-8 JSON.",
                field=field,
            ) from None
    if not text.strip():
        return {}
    try:
        value = json.loads(text, parse_constant=lambda name: _no_constant(name, field))
    except json.JSONDecodeError as exc:
        raise ValidationError(
            f"{field} is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}).",
            field=field,
        ) from None
    except RecursionError:
        raise _too_deep(field) from None
    except ValueError:  # an integer beyond Python's 4,300-digit conversion limit
        raise ValidationError(
            f"{field} holds an integer of more than {sys.get_int_max_str_digits():,} digits; "
            "no genpic field takes one.",
            field=field,
        ) from None
    check_value(value, field=field)
    return value


def check_value(value: Any, *, field: str = "body") -> Any:
    """Return ``value`` (decoded JSON) if it nests at most ``MAX_DEPTH`` deep and is valid UTF-8.

    Walks without recursion, so no payload can exhaust the stack here.
    """
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            _check_text(item, field)
            continue
        if not isinstance(item, dict | list | tuple):
            continue
        if depth > MAX_DEPTH:
            raise _too_deep(field)
        if isinstance(item, dict):
            for key, child in item.items():
                if isinstance(key, str):
                    _check_text(key, field)
                pending.append((child, depth + 1))
        else:
            pending.extend((child, depth + 1) for child in item)
    return value


def _check_text(text: str, field: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError(
            f"{field} holds a lone UTF-16 surrogate escape (such as \\ud800), which is not "
            "a character; send text as UTF-8.",
            field=field,
        ) from None


def _too_deep(field: str) -> ValidationError:
    return ValidationError(
        f"{field} nests deeper than {MAX_DEPTH} levels; genpic's requests are at most a few "
        "levels deep.",
        field=field,
    )


def _no_constant(name: str, field: str) -> Any:
    raise ValidationError(f"{field}: {name} is not JSON; send a finite number.", field=field)
