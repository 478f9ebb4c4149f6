"""Reading a ``genpic batch`` FILE: text lines, CSV or TSV, every line checked before anything runs.

- ``.csv`` / ``.tsv``: a header row whose columns are request fields
  (``prompt,seed,styles``), then one request per row; an empty cell leaves its
  field out. Cells are typed as the request schema says: integers and numbers
  are read as such, booleans from ``true``/``false`` (also ``yes``/``no``,
  ``1``/``0``), lists (``styles``) from comma- or space-separated words.
- anything else: one prompt, or one JSON request (``{"prompt": ..., "seed": ...}``),
  per line; blank lines and ``#`` comments are skipped.

Every bad line is found in one pass and reported with its line number and field.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from genpic.errors import GenpicError
from genpic.pipeline import Pipeline
from genpic.request import GenerationRequest

_DELIMITERS = {".csv": ",", ".tsv": "\t"}
_TRUE = frozenset({"true", "yes", "1"})
_FALSE = frozenset({"false", "no", "0"})
_WORDS = re.compile(r"[\s,|]+")


@dataclass(frozen=True)
class Problem:
    """What is wrong with one line of the file, and in which field (or ``line``)."""

    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.message}"


class BadFile(Exception):
    """The file has bad lines (``problems``, in file order); nothing was generated."""

    def __init__(self, file: Path, problems: list[Problem]) -> None:
        lines = len({problem.line for problem in problems})
        super().__init__(f"{file}: {lines} bad line{'s' * (lines != 1)}")
        self.problems = problems


def read_requests(file: Path, pipeline: Pipeline) -> dict[int, dict[str, Any]]:
    """Return each line's request by line number, every one validated.

    Raises
    ------
    BadFile
        Any line is not a valid request (all of them are listed), or there is none.
    """
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise BadFile(file, [Problem(1, "FILE", f"is not UTF-8 text ({exc.reason})")]) from None
    delimiter = _DELIMITERS.get(file.suffix.lower())
    rows = _table_rows(text, delimiter) if delimiter else _text_rows(text)
    requests: dict[int, dict[str, Any]] = {}
    problems: list[Problem] = []
    for number, request in rows:
        if isinstance(request, Problem):
            problems.append(request)
            continue
        try:
            parsed = pipeline.parse(request, enhance_default=False)
            pipeline.screens.check_blocklist(parsed.prompt, field="prompt")
        except GenpicError as exc:
            details = exc.details or [{"field": exc.field or "line", "message": exc.message}]
            problems.extend(Problem(number, d["field"], d["message"]) for d in details)
            continue
        requests[number] = request
    if not requests and not problems:
        problems.append(Problem(1, "FILE", "has no prompts"))
    if problems:
        raise BadFile(file, problems)
    return requests


Row = tuple[int, "dict[str, Any] | Problem"]


def _text_rows(text: str) -> Iterator[Row]:
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if not line.startswith("{"):
            yield number, {"prompt": line}
            continue
        try:
            request = json.loads(line)
        except ValueError as exc:
            yield number, Problem(number, "line", f"not a JSON request ({exc})")
            continue
        yield number, request


def _table_rows(text: str, delimiter: str) -> Iterator[Row]:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [name.strip() for name in next(reader, [])]
    unknown = [name for name in header if name not in _field_types()]
    if unknown or "prompt" not in header:
        for name in unknown:
            yield 1, Problem(1, name, f"is not a request field; columns are {_columns()}")
        if "prompt" not in header:
            yield 1, Problem(1, "prompt", f"the header row needs a prompt column ({_columns()})")
        return
    for cells in reader:
        number = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            yield (
                number,
                Problem(
                    number, "line", f"has {len(cells)} cells; the header row has {len(header)}"
                ),
            )
            continue
        yield (
            number,
            {
                name: _typed(name, cell.strip())
                for name, cell in zip(header, cells, strict=True)
                if cell.strip()
            },
        )


def _typed(name: str, cell: str) -> Any:
    """Return ``cell`` as field ``name``'s type, or as it is (the check then says what is wrong)."""
    kind = _field_types()[name]
    try:
        if kind == "integer":
            return int(cell)
        if kind == "number":
            return float(cell)
    except ValueError:
        return cell
    if kind == "boolean" and cell.lower() in _TRUE | _FALSE:
        return cell.lower() in _TRUE
    if kind == "array":
        return [word for word in _WORDS.split(cell) if word]
    return cell


@cache
def _field_types() -> dict[str, str]:
    """Each request field's JSON-schema type (``string`` when it has none)."""
    types = {}
    for name, schema in GenerationRequest.model_json_schema()["properties"].items():
        options = schema.get("anyOf", [schema])
        kinds = [option.get("type") for option in options if option.get("type") != "null"]
        types[name] = kinds[0] if kinds and kinds[0] else "string"
    return types


def _columns() -> str:
    return ", ".join(_field_types())
