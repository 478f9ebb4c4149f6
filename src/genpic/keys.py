"""Output object keys: readable, sortable by time, and unique under any concurrency."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

OUTPUT_PREFIX = "outputs/"


def new_output_key(extension: str, now: datetime | None = None) -> str:
    """Return ``outputs/sd35_YYYYmmdd_HHMMSS_<unique>.<extension>``."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d_%H%M%S")
    return f"{OUTPUT_PREFIX}sd35_{stamp}_{uuid.uuid4().hex}.{extension}"
