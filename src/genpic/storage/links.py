"""Links to locally stored images: the HTTP ``/images/`` route, never a filesystem path.

The local store names its files ``file:///…``. Whatever leaves the machine (an HTTP
body, a webhook) carries the image's ``/images/<key>`` link instead, so a receiver
never learns where the data directory is. S3 locations and presigned URLs are left
as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

#: Where the HTTP app serves stored images (``GET /images/{key}``).
IMAGES_PATH = "/images/"


def image_path(key: str) -> str:
    """Return the ``/images/…`` path of output ``key``, relative to the server's origin."""
    return IMAGES_PATH + quote(key)


def point_local_images(body: dict[str, Any], link: Callable[[str], str]) -> dict[str, Any]:
    """Replace a local image's ``file:`` ``url`` and ``uri`` with ``link(key)``, in place.

    Applies to each of ``variants`` too; returns ``body``.
    """
    if body.get("bucket") is None and "key" in body:
        url = link(body["key"])
        for field in ("url", "uri"):
            if str(body.get(field, "")).startswith("file:"):
                body[field] = url
    for variant in body.get("variants", ()):
        if "key" in variant:
            point_local_images(variant, link)
    return body
