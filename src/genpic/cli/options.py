"""What the command line checks itself, before any model call, and how it words the API's errors.

The API names request fields (``aspect_ratio``); a CLI user typed options (``--aspect-ratio``).
``OPTIONS`` is the one table between the two: errors are reworded here, never in the API.
"""

from __future__ import annotations

import base64
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from genpic.errors import GenpicError, ValidationError
from genpic.request import MAX_N, GenerationRequest
from genpic.vocabulary import (
    ENHANCEMENT_STYLES,
    FORMAT_ALIASES,
    OUTPUT_FORMATS,
    OutputFormat,
    format_for_suffix,
)

# Request field -> what the CLI user typed to set it.
OPTIONS: dict[str, str] = {
    "prompt": "PROMPT",
    "negative_prompt": "--negative-prompt",
    "aspect_ratio": "--aspect-ratio",
    "seed": "--seed",
    "model": "--model",
    "output_format": "--format",
    "init_image_s3": "--init-image",
    "init_image": "--init-image",
    "strength": "--strength",
    "enhance_prompt": "--enhance",
    "enhancement_style": "--style",
    "styles": "--styles",
    "n": "--count",
    "translate": "--translate",
    "cache": "--cache",
    "idempotency_key": "--idempotency-key",
    "user": "--user",
    # genpic edit
    "operation": "OPERATION",
    "image": "IMAGE",
    "image_s3": "IMAGE",
    "mask": "--mask",
    "mask_s3": "--mask",
    "style_image": "--style-image",
    "style_image_s3": "--style-image",
    "search_prompt": "--search-prompt",
    "select_prompt": "--select-prompt",
    "grow_mask": "--grow-mask",
    "left": "--left",
    "right": "--right",
    "up": "--up",
    "down": "--down",
    "creativity": "--creativity",
    "control_strength": "--control-strength",
    "fidelity": "--fidelity",
    "composition_fidelity": "--composition-fidelity",
    "style_strength": "--style-strength",
    "change_strength": "--change-strength",
}
# API advice that makes no sense on the command line, and what to say instead.
_ADVICE = {
    "send init_image (base64) instead": "give a local file instead",
    "send an init image (init_image or init_image_s3)": "add --init-image FILE",
    "send enhance_prompt: true": "drop --no-enhance",
}
# "mask (base64) or mask_s3": one option takes both a file and an s3:// URI.
_INLINE_OR_STORED = re.compile(r"\b(\w+) \(base64\) or \1_s3\b")
#: ``--translate`` -> the request's ``translate`` (auto leaves it to GENPIC_TRANSLATE).
TRANSLATE_CHOICES: dict[str, bool | None] = {"auto": None, "on": True, "off": False}


def request_default(field: str) -> str:
    """The default of request ``field``, shown in --help (the request model is where it lives)."""
    return str(GenerationRequest.model_fields[field].default)


# Options that set the same request field wherever the request takes it.
Enhance = Annotated[
    bool | None,
    typer.Option(
        "--enhance/--no-enhance",
        "-e",
        help="Rewrite the prompt first.",
        show_default="off, on with --style",
    ),
]
Style = Annotated[
    str | None,
    typer.Option(
        help="Enhancement style (implies --enhance): " + " | ".join(ENHANCEMENT_STYLES) + ".",
        show_default=request_default("enhancement_style"),
    ),
]
Count = Annotated[
    int | None,
    typer.Option(
        "--count",
        help=f"How many images (1-{MAX_N}), each with its own seed.",
        show_default=request_default("n"),
    ),
]
Translate = Annotated[
    str | None,
    typer.Option(
        help=" | ".join(TRANSLATE_CHOICES)
        + ": translate a non-English prompt into English when not enhancing.",
        show_default="GENPIC_TRANSLATE (auto)",
    ),
]
Cache = Annotated[
    bool | None,
    typer.Option(
        "--cache/--no-cache",
        help="Reuse (and keep) an identical earlier result.",
        show_default="on",
    ),
]
IdempotencyKey = Annotated[
    str | None,
    typer.Option(help="A repeat with this key returns the first result; never pays twice."),
]
User = Annotated[
    str | None, typer.Option(help="Who asks: keeps them in one A/B arm.", show_default="none")
]
# Field names inside messages; longest first so init_image_s3 is not read as init_image.
_FIELD_NAMES = re.compile(
    r"\b(" + "|".join(sorted((f for f in OPTIONS if "_" in f), key=len, reverse=True)) + r")\b"
)
# "erase does not take prompt; it takes grow_mask, mask": every word listed there is a field.
_TAKES = re.compile(r"\b(does not take |it takes )([a-z_]+(?:, [a-z_]+)*)")
_NAMES = sorted(f".{name}" for name in (*OUTPUT_FORMATS, *FORMAT_ALIASES))
SUFFIXES = f"{', '.join(_NAMES[:-1])} or {_NAMES[-1]}"


def for_cli(error: GenpicError, names: Mapping[str, str] | None = None) -> GenpicError:
    """Return ``error`` with its message naming options instead of request fields.

    ``names`` overrides ``OPTIONS`` for one command (``genpic edit`` takes ``--prompt``).
    """
    table = {**OPTIONS, **(names or {})}
    if error.details:
        message = "; ".join(
            f"{_option_path(d['field'], table)}: {_reword(d['message'], table)}"
            for d in error.details
        )
        message += "."
    else:
        message = _reword(error.message, table)
    if message == error.message:
        return error
    return type(error)(
        message, field=error.field, details=error.details, retry_after=error.retry_after
    )


def option_for(field: str | None) -> str | None:
    """Return the option that sets request ``field``, or ``field`` itself."""
    return OPTIONS.get(field, field) if field is not None else None


def _option_path(field: str, table: Mapping[str, str]) -> str:
    # "styles[1]" is the second word of --styles.
    root, bracket, rest = field.partition("[")
    return table.get(root, root) + bracket + rest


def _reword(message: str, table: Mapping[str, str]) -> str:
    for api, cli in _ADVICE.items():
        message = message.replace(api, cli)
    message = _INLINE_OR_STORED.sub(r"\1_s3", message)
    message = _TAKES.sub(
        lambda match: match[1] + ", ".join(table.get(f, f) for f in match[2].split(", ")), message
    )
    return _FIELD_NAMES.sub(lambda match: table[match[1]], message)


def refuse_ignored(*, style: str | None, enhance: bool | None) -> None:
    """Refuse ``--style`` with ``--no-enhance``, which would silently ignore it."""
    if style is not None and enhance is False:
        _refuse("--style needs enhancement; drop --no-enhance (--style alone implies --enhance).")


def split_list(values: list[str] | None) -> list[str] | None:
    """Return the words of a repeated or comma-separated option (``--styles a,b --styles c``)."""
    if not values:
        return None
    return [word.strip() for value in values for word in value.split(",") if word.strip()]


def translate_choice(value: str | None) -> bool | None:
    """Return the ``translate`` field for ``--translate auto|on|off`` (None: leave it out)."""
    if value is None:
        return None
    choice = value.strip().lower()
    if choice not in TRANSLATE_CHOICES:
        raise ValidationError(
            f"--translate: must be one of {', '.join(TRANSLATE_CHOICES)}, got {value!r}.",
            field="translate",
        )
    return TRANSLATE_CHOICES[choice]


def output_format_for(path: Path, requested: str | None) -> OutputFormat:
    """Check that ``-o path`` can be written in a format it names; return that format.

    Raises
    ------
    genpic.errors.ValidationError
        If ``path`` is a folder, has no or an unknown extension, contradicts ``--format``,
        or its folder is missing or not writable.
    """
    if path.is_dir():
        _refuse(f"--output {path} is a folder; give a file name such as {path / 'image.jpeg'}.")
    if not path.suffix:
        _refuse(f"--output {path} has no extension; use {SUFFIXES}.")
    chosen = format_for_suffix(path.suffix)
    if chosen is None:
        _refuse(f"--output {path}: unknown extension {path.suffix}; use {SUFFIXES}.")
    if requested is not None and format_for_suffix(f".{requested.strip()}") != chosen:
        _refuse(
            f"--format {requested} does not match --output {path}; drop --format, "
            f"or name the file .{requested.strip().lower()}."
        )
    _check_writable(path)
    return chosen


def _check_writable(path: Path) -> None:
    folder = path.parent
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        _refuse(f"--output {path}: the folder {folder} {what}; create it first.")
    # Try for real: permission bits say nothing to root, or on a read-only mount.
    try:
        if path.exists():
            path.open("ab").close()
        else:
            tempfile.TemporaryFile(dir=folder).close()
    except OSError as exc:
        _refuse(
            f"--output {path}: cannot write to {path if path.exists() else folder} "
            f"({exc.strerror})."
        )


def _refuse(message: str) -> NoReturn:
    raise ValidationError(message)


def image_fields(value: str | None, field: str) -> dict[str, Any]:
    """Return ``{field: base64}`` for a local file, ``{field_s3: uri}`` for ``s3://…``."""
    if value is None:
        return {}
    if value.startswith("s3://"):
        return {f"{field}_s3": value}
    path = Path(value).expanduser()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationError(
            f"Cannot read {OPTIONS.get(field, field)} {path}: {exc.strerror}.", field=field
        ) from None
    return {field: base64.b64encode(data).decode("ascii")}
