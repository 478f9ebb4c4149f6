"""Waiting for a job through the HTTP API, as a client polling ``GET /jobs/{id}`` would."""

from __future__ import annotations

import time
from typing import Any

from fastapi.testclient import TestClient


def wait_for(client: TestClient, job_id: str, timeout_s: float = 15.0) -> dict[str, Any]:
    """Return job ``job_id``'s body once it is finished; raise ``TimeoutError`` after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        body: dict[str, Any] = client.get(f"/jobs/{job_id}").json()
        if body["status"] in ("succeeded", "failed"):
            return body
        time.sleep(0.05)
    raise TimeoutError(f"job {job_id} did not finish")
