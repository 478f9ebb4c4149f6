"""Output object keys: readable, sortable by time, and unique under any concurrency."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from genpic.catalog import short_name

OUTPUT_PREFIX = "outputs/"


def new_output_key(model: str, extension: str, now: datetime | None = None) -> str:
    """Return ``outputs/<model short name>_YYYYmmdd_HHMMSS_<unique>.<extension>``."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d_%H%M%S")
    return f"{OUTPUT_PREFIX}{short_name(model)}_{stamp}_{uuid.uuid4().hex}.{extension}"
