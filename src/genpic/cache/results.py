"""The result cache: the same request with the same explicit seed reuses the stored image.

An entry maps a result key (``genpic.cache.keys.result_key``) to what is needed to
answer again without the model: the image's id, object key, seed, format and size,
and the enhancement and translation that led to it. Entries expire after
``GENPIC_CACHE_TTL_DAYS``. A hit also needs the object itself: outputs may be
deleted (an S3 lifecycle rule), so a lookup checks it still exists and treats a
vanished object as a miss, dropping the entry.

Two identical requests may both miss and both generate; the entry is written
only if absent, so one wins and the other's image is simply not cached (it is
still returned and recorded).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from genpic.enhancers.base import Enhancement, Translation
from genpic.images import ImageInfo

if TYPE_CHECKING:
    from genpic.cache.store import CacheRecords
    from genpic.storage.base import ImageStore, StoredImage

CacheStatus = Literal["hit", "miss", "off"]
RESULT_KIND = "result"
HEADER = "X-Genpic-Cache"


def cache_header(body: dict[str, Any]) -> dict[str, str]:
    """Return the ``X-Genpic-Cache`` header for a success body that says ``cache``."""
    status = body.get("cache")
    return {HEADER: status} if isinstance(status, str) else {}


@dataclass(frozen=True)
class CachedImage:
    """What a cache entry remembers about one generated image."""

    image_id: str
    key: str
    seed: int
    engine: str
    preview: bool
    image: ImageInfo
    enhancement: Enhancement
    translation: Translation | None

    def to_item(self) -> dict[str, Any]:
        """Return the entry as plain JSON-able data."""
        return dataclasses.asdict(self)

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> CachedImage:
        """Rebuild an entry written by ``to_item``."""
        translation = item.get("translation")
        return cls(
            image_id=str(item["image_id"]),
            key=str(item["key"]),
            seed=int(item["seed"]),
            engine=str(item["engine"]),
            preview=bool(item["preview"]),
            image=ImageInfo(**item["image"]),
            enhancement=Enhancement(**item["enhancement"]),
            translation=Translation(**translation) if translation else None,
        )


class ResultCache:
    """Looks up and fills result-cache entries in the records store.

    Parameters
    ----------
    records
        Where entries are kept.
    store
        Where the images are; a hit needs its object to still be there.
    ttl_s
        How long an entry lives.
    clock
        Wall-clock seconds; replaceable in tests.
    """

    def __init__(
        self,
        records: CacheRecords,
        store: ImageStore,
        ttl_s: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._records = records
        self._store = store
        self._ttl_s = ttl_s
        self._clock = clock

    def lookup(self, key: str) -> tuple[CachedImage, StoredImage] | None:
        """Return the cached image for ``key`` and a fresh link to it, or None on a miss."""
        item = self._records.get_cached(RESULT_KIND, key, now=self._clock())
        if item is None:
            return None
        cached = CachedImage.from_item(item)
        stored = self._store.find(cached.key)
        if stored is None:
            # The object expired or was deleted: the entry can never hit again.
            self._records.delete_cached(RESULT_KIND, key)
            return None
        return cached, stored

    def fill(self, key: str, cached: CachedImage) -> bool:
        """Remember ``cached`` under ``key`` unless a live entry is there; True if written."""
        now = self._clock()
        return self._records.put_cached(
            RESULT_KIND, key, cached.to_item(), now=now, expires=now + self._ttl_s
        )
