"""What the pipeline remembers: a record of every image, and the result cache around the model.

``Memory.lookup`` runs before any paid call and ``Memory.remember`` after the
image is stored; the pipeline only asks these two questions.
"""

from __future__ import annotations

import dataclasses
import hashlib
from typing import TYPE_CHECKING

from genpic.cache.keys import Backends, result_key
from genpic.cache.prompts import PromptCache
from genpic.cache.results import CachedImage, CacheStatus, ResultCache
from genpic.logs import logger
from genpic.records.base import CACHE_HITS, CACHE_MISSES, SAVED_USD, ImageRecord, new_id

if TYPE_CHECKING:
    from genpic.inputs import EditImages
    from genpic.pipeline import GenerationResult
    from genpic.records.base import RecordStore
    from genpic.request import GenerationRequest
    from genpic.settings import Settings
    from genpic.storage.base import ImageStore, StoredImage


class Memory:
    """Records images and caches results in ``records``.

    Parameters
    ----------
    records
        The records store.
    store
        The image store (a hit needs its object to still exist).
    settings
        For the deployment's translate default, part of every result key.
    backends
        The engine and text model, part of every result key.
    """

    def __init__(
        self, records: RecordStore, store: ImageStore, settings: Settings, backends: Backends
    ) -> None:
        self.records = records
        self.results = ResultCache(records, store)
        self.prompts = PromptCache(records)
        self._settings = settings
        self._backends = backends

    def lookup(
        self, request: GenerationRequest, init_image: bytes | None, edit: EditImages | None = None
    ) -> tuple[CachedImage, StoredImage] | None:
        """Return the cached image for ``request``, or None (a random seed never hits)."""
        if not request.cache or request.seed == 0:
            return None
        hit = self.results.lookup(self._key(request, init_image, request.seed, edit))
        if hit is None:
            self.records.add_counts({CACHE_MISSES: 1})
        else:
            self.records.add_counts({CACHE_HITS: 1, SAVED_USD: hit[0].cost_usd})
        return hit

    def remember(
        self, result: GenerationResult, init_image: bytes | None, edit: EditImages | None = None
    ) -> tuple[str, CacheStatus]:
        """Record a new image and offer it to the cache; return its id and cache status.

        The cache entry is filed under the seed actually used, so a later request
        naming that seed gets this image. A failed write is logged, never raised:
        the image is paid for and stored, and the caller must still get it.
        """
        request = result.request
        image_id = new_id()
        status: CacheStatus = "miss" if request.cache else "off"
        try:
            self.records.put_image(self._image_record(image_id, result, status))
            if request.cache:
                self.results.fill(self._key(request, init_image, result.seed, edit), image_id)
        except Exception:
            logger.exception("could not record the image", extra={"image_id": image_id})
        return image_id, status

    def _key(
        self,
        request: GenerationRequest,
        init_image: bytes | None,
        seed: int,
        edit: EditImages | None,
    ) -> str:
        digest = hashlib.sha256(init_image).hexdigest() if init_image is not None else None
        mode = {True: "on", False: "off", None: self._settings.translate}[request.translate]
        return result_key(
            request,
            seed=seed,
            init_image_sha256=digest,
            translate_mode=mode,
            backends=self._backends,
            edit_images_sha256=edit.sha256() if edit is not None else None,
        )

    def _image_record(
        self, image_id: str, result: GenerationResult, status: CacheStatus
    ) -> ImageRecord:
        body = dataclasses.replace(result, image_id=image_id, cache=status).to_body()
        return ImageRecord(
            image_id=image_id,
            key=result.stored.key,
            created_at=self.records.clock(),
            prompt=result.request.prompt,
            model=result.request.model,
            engine=result.engine,
            seed=result.seed,
            cost_usd=result.cost_usd,
            request_id=result.request_id,
            enhanced_prompt=body.get("enhanced_prompt"),
            translated_prompt=body.get("translated_prompt"),
            ab_arm=result.request.ab_arm,
            parameters=body["parameters"],
            timings_ms=result.timings_ms,
            response=body,
        )
