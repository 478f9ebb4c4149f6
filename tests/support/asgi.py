"""A test client for the ASGI app that calls it as a loopback browser or SDK would."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient


class LocalClient(TestClient):
    """Starlette's ``TestClient``, addressed as ``http://localhost`` instead of ``testserver``.

    The app answers only the ``Host`` names it is allowed (``GENPIC_ALLOWED_HOSTS``,
    by default the loopback names), so the client speaks to it by one of them.
    """

    def __init__(self, app: Any, **kwargs: Any) -> None:
        kwargs.setdefault("base_url", "http://localhost")
        super().__init__(app, **kwargs)
