"""What every route needs: the settings, one shared pipeline, and the request's id."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from fastapi import Request

from genpic.settings import Settings
from genpic.storage.links import point_local_images

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


def link(request: Request, name: str, **params: str) -> str:
    """Return the URL of route ``name``: under ``GENPIC_PUBLIC_URL`` when it is set.

    Otherwise from the request's ``Host``, which the gate has already checked against
    ``GENPIC_ALLOWED_HOSTS`` (``genpic.crosssite``), so a forged name is never echoed.
    """
    public_url = genpic(request).settings.public_url
    if public_url:
        return public_url + str(request.app.url_path_for(name, **params))
    return str(request.url_for(name, **params))


def local_urls(body: dict[str, Any], request: Request) -> dict[str, Any]:
    """Point a locally stored image's ``url`` and ``uri`` at this server's ``/images/`` route.

    See ``genpic.storage.links``: a remote caller never learns where the data directory is.
    """
    return point_local_images(body, lambda key: link(request, "get_image", key=key))
