"""Scans of every Unicode code point, shipped already run with the Lambda bundle.

The OpenAPI document's character classes (:mod:`genpic.patterns`) each come from a scan of
every code point, about half a second of the first ``/openapi.json`` on a cold ``api``
function, which the page waits on. A scan's result depends only on its input and on Python's
Unicode database, so ``make bundle`` builds the document once with the runtime's Python
(``scripts/slim_bundle.py``) and ships what it scanned as ``SCANS_FILE``. A scan that file
does not hold, or one from another Unicode version, runs as it always did.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Iterable
from functools import cache, wraps
from pathlib import Path
from typing import Any, ParamSpec, TypeVar, cast

SCANS_FILE = Path(__file__).with_name("scans.json")
Inputs = ParamSpec("Inputs")
Result = TypeVar("Result")
# Every scan this process ran or read, by its name and inputs (sets of characters).
_ran: dict[str, Any] = {}


def scan(compute: Callable[Inputs, Result]) -> Callable[Inputs, Result]:
    """Make ``compute``, a scan of every code point, read its result from the bundle.

    Its arguments are sets of characters; each result is computed or read once per process.
    """

    @wraps(compute)
    def shipped_or_computed(*args: Inputs.args, **kwargs: Inputs.kwargs) -> Result:
        inputs = ("".join(sorted(cast(Iterable[str], chars))) for chars in args)
        key = ":".join([compute.__name__, *inputs])
        if key not in _ran:
            shipped = _shipped()
            _ran[key] = shipped[key] if key in shipped else compute(*args, **kwargs)
        return cast(Result, _ran[key])

    return shipped_or_computed


def write(path: Path = SCANS_FILE) -> int:
    """Write every scan this process ran to ``path`` (the bundle's build); return how many."""
    body = {"unicode": unicodedata.unidata_version, "scans": _ran}
    path.write_text(json.dumps(body, sort_keys=True), encoding="utf-8")
    return len(_ran)


@cache
def _shipped() -> dict[str, Any]:
    try:
        body = json.loads(SCANS_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if body.get("unicode") != unicodedata.unidata_version:
        return {}
    scans: dict[str, Any] = body["scans"]
    return scans
