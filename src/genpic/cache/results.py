"""The result cache: the same request with the same explicit seed reuses the stored image.

An entry maps a result key (``genpic.cache.keys.result_key``) to an image id; the
image record keeps the first success body, which is enough to answer again
without the model. Entries expire after ``GENPIC_CACHE_TTL_DAYS``. A hit also
needs the object itself: outputs may be deleted (an S3 lifecycle rule), so a
lookup checks it still exists and treats a vanished object as a miss, dropping
the entry so that the image generated instead refills it.

Two identical requests may both miss and both generate; the entry is written
only if absent, so one wins and the other's image is simply not cached (it is
still returned and recorded).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from genpic.enhancers.base import Enhancement, Translation
from genpic.images import ImageInfo
from genpic.logs import logger

if TYPE_CHECKING:
    from genpic.records.base import ImageRecord, RecordStore
    from genpic.storage.base import ImageStore, StoredImage

CacheStatus = Literal["hit", "miss", "off"]
HEADER = "X-Genpic-Cache"


def cache_header(body: dict[str, Any]) -> dict[str, str]:
    """Return the ``X-Genpic-Cache`` header for a success body that says ``cache``."""
    status = body.get("cache")
    return {HEADER: status} if isinstance(status, str) else {}


@dataclass(frozen=True)
class CachedImage:
    """What a hit needs to answer again: the image and how its prompt was made."""

    image_id: str
    key: str
    seed: int
    engine: str
    preview: bool
    image: ImageInfo
    enhancement: Enhancement
    translation: Translation | None
    #: What the image cost when it was made (saved by every hit).
    cost_usd: float

    @classmethod
    def from_record(cls, record: ImageRecord) -> CachedImage:
        """Rebuild what a hit needs from an image record's first success body."""
        body = record.response
        enhancement = body["enhancement"]
        translation = body.get("translation")
        return cls(
            image_id=record.image_id,
            key=record.key,
            seed=record.seed,
            engine=record.engine,
            preview=bool(body["preview"]),
            image=ImageInfo(body["parameters"]["output_format"], body["width"], body["height"]),
            enhancement=Enhancement(
                prompt=record.enhanced_prompt or record.prompt,
                status=enhancement["status"],
                enhancer=enhancement["enhancer"],
                style=enhancement["style"],
                model=enhancement.get("model"),
                reason=enhancement.get("reason"),
            ),
            translation=Translation(
                record.translated_prompt or record.prompt,
                translation["status"],
                translation["source_language"],
                translation.get("model"),
                translation.get("reason"),
            )
            if translation
            else None,
            cost_usd=record.cost_usd,
        )


class ResultCache:
    """Looks up and fills result-cache entries in the records store.

    Parameters
    ----------
    records
        Where entries and image records are kept (entries expire there).
    store
        Where the images are; a hit needs its object to still be there.
    """

    def __init__(self, records: RecordStore, store: ImageStore) -> None:
        self._records = records
        self._store = store

    def lookup(self, key: str) -> tuple[CachedImage, StoredImage] | None:
        """Return the cached image for ``key`` and a fresh link to it, or None on a miss."""
        image_id = self._records.cache_get(key)
        record = self._records.get_image(image_id) if image_id else None
        if record is None:
            return None
        stored = self._store.find(record.key)
        if stored is None:
            # The object expired (S3 lifecycle) or was deleted: nothing to answer with.
            # Drop the entry too, or this request's new image could never refill it and
            # every repeat would pay again until the entry's TTL.
            logger.info("cached image is gone", extra={"image_id": image_id, "key": record.key})
            self._records.cache_delete(key, record.image_id)
            return None
        return CachedImage.from_record(record), stored

    def fill(self, key: str, image_id: str) -> bool:
        """Cache ``image_id`` under ``key`` unless a live entry is there; True if written."""
        return self._records.cache_put(key, image_id)
