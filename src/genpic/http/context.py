"""What every route needs: the settings, one shared pipeline, and the request's id."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from fastapi import Request

from genpic.settings import Settings

if TYPE_CHECKING:
    from genpic.jobs.service import Jobs
    from genpic.pipeline import Pipeline


class Genpic:
    """The app's settings and its pipeline, built on first use.

    Parameters
    ----------
    settings
        The deployment's configuration.
    pipeline
        A ready pipeline (tests inject one); by default built from ``settings`` on the
        first request, so a bad setting is an error response, not a failed start.
    """

    def __init__(self, settings: Settings, pipeline: Pipeline | None = None) -> None:
        self.settings = settings
        self._pipeline = pipeline
        self._jobs: Jobs | None = None
        self._lock = threading.Lock()

    @property
    def pipeline(self) -> Pipeline:
        """The shared pipeline."""
        with self._lock:
            if self._pipeline is None:
                from genpic.pipeline import Pipeline

                self._pipeline = Pipeline(self.settings)
            return self._pipeline

    @property
    def jobs(self) -> Jobs:
        """The jobs feature (store, queue or embedded pool), built on first use."""
        pipeline = self.pipeline
        with self._lock:
            if self._jobs is None:
                from genpic.jobs.service import Jobs

                self._jobs = Jobs(pipeline)
            return self._jobs


def genpic(request: Request) -> Genpic:
    """Return the app's ``Genpic`` (a FastAPI dependency)."""
    state: Genpic = request.app.state.genpic
    return state


def request_id(request: Request) -> str:
    """Return the id the request-id middleware gave this request."""
    return str(request.state.request_id)


def local_urls(body: dict[str, Any], request: Request) -> dict[str, Any]:
    """Point a locally stored image's ``url`` (``file://…``) at this server's ``/images/`` route.

    Applies to each of ``variants`` too; S3 presigned URLs are left as they are.
    """
    if body.get("bucket") is None and str(body.get("url", "")).startswith("file:"):
        body["url"] = str(request.url_for("get_image", key=body["key"]))
    for variant in body.get("variants", ()):
        if "key" in variant:
            local_urls(variant, request)
    return body
