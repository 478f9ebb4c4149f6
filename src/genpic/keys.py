"""Object keys: output keys readable, sortable by time and unique; any key checked before use.

A key a caller names (``init_image_s3``, ``GET /images/{key}``) is checked here once,
by the stores' rules: S3 takes at most 1,024 bytes of UTF-8
(https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html; genpic
also refuses control characters), and a local file system at most 255 bytes per
file name (``NAME_MAX``) and no NUL byte.
Beyond them the store would fail with ``File name too long`` or ``embedded null
byte``, a 500, instead of the caller's 4xx.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

from genpic.catalog import short_name

OUTPUT_PREFIX = "outputs/"
MAX_KEY_BYTES = 1024
MAX_NAME_BYTES = 255
# "outputs/" and one file name, nothing that could climb out of it.
OUTPUT_KEY_PATTERN = r"^outputs/[A-Za-z0-9][A-Za-z0-9_.-]{0,200}$"
_OUTPUT_KEY = re.compile(OUTPUT_KEY_PATTERN)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def new_output_key(model: str, extension: str, now: datetime | None = None) -> str:
    """Return ``outputs/<model short name>_YYYYmmdd_HHMMSS_<unique>.<extension>``."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d_%H%M%S")
    return f"{OUTPUT_PREFIX}{short_name(model)}_{stamp}_{uuid.uuid4().hex}.{extension}"


def is_output_key(key: str) -> bool:
    """Whether ``key`` is shaped like an output key: ``outputs/`` and one plain file name."""
    return bool(_OUTPUT_KEY.match(key)) and ".." not in key


def key_problem(key: str, *, local: bool = False) -> str | None:
    """Say why the store (S3; ``local``: a file system) cannot hold ``key``, or None."""
    if not key:
        return "the object key is empty"
    size = len(key.encode("utf-8", "surrogatepass"))
    if size > MAX_KEY_BYTES:
        return f"the object key is {size:,} bytes; keys are at most {MAX_KEY_BYTES:,}"
    if _CONTROL.search(key):
        return "the object key holds a control character (such as a NUL byte)"
    if not local:
        return None
    longest = max(len(name.encode("utf-8", "surrogatepass")) for name in key.split("/"))
    if longest > MAX_NAME_BYTES:
        return f"a name in the object key is {longest:,} bytes; names are at most {MAX_NAME_BYTES}"
    return None
