"""What the pipeline remembers: a record of every image, and the result cache around the model.

``Memory.lookup`` runs before any paid call and ``Memory.remember`` after the
image is stored; the pipeline only asks these two questions.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from genpic.cache.keys import Backends, result_key
from genpic.cache.prompts import PromptCache
from genpic.cache.results import CachedImage, CacheStatus, ResultCache
from genpic.logs import logger

if TYPE_CHECKING:
    from genpic.cache.store import CacheRecords
    from genpic.pipeline import GenerationResult
    from genpic.request import GenerationRequest
    from genpic.settings import Settings
    from genpic.storage.base import ImageStore, StoredImage

DAY_S = 86400


class Memory:
    """Records images and caches results in ``records``.

    Parameters
    ----------
    records
        The records store.
    store
        The image store (a hit needs its object to still exist).
    settings
        For the cache's lifetime (``GENPIC_CACHE_TTL_DAYS``) and the translate default.
    backends
        The engine and text model, part of every result key.
    clock
        Wall-clock seconds; replaceable in tests.
    """

    def __init__(
        self,
        records: CacheRecords,
        store: ImageStore,
        settings: Settings,
        backends: Backends,
        clock: Callable[[], float] = time.time,
    ) -> None:
        ttl_s = settings.cache_ttl_days * DAY_S
        self.records = records
        self.results = ResultCache(records, store, ttl_s, clock)
        self.prompts = PromptCache(records, ttl_s, clock)
        self._settings = settings
        self._backends = backends
        self._clock = clock

    def lookup(
        self, request: GenerationRequest, init_image: bytes | None
    ) -> tuple[CachedImage, StoredImage] | None:
        """Return the cached image for ``request``, or None (a random seed never hits)."""
        if not request.cache or request.seed == 0:
            return None
        return self.results.lookup(self._key(request, init_image, request.seed))

    def remember(
        self, result: GenerationResult, init_image: bytes | None
    ) -> tuple[str, CacheStatus]:
        """Record a new image and offer it to the cache; return its id and cache status.

        The cache entry is filed under the seed actually used, so a later request
        naming that seed gets this image. A failed write is logged, never raised:
        the image is paid for and stored, and the caller must still get it.
        """
        request = result.request
        image_id = uuid.uuid4().hex
        try:
            self.records.put_image(self._image_record(image_id, result))
            if request.cache:
                cached = CachedImage(
                    image_id=image_id,
                    key=result.stored.key,
                    seed=result.seed,
                    engine=result.engine,
                    preview=result.preview,
                    image=result.image,
                    enhancement=result.enhancement,
                    translation=result.translation,
                )
                self.results.fill(self._key(request, init_image, result.seed), cached)
        except Exception:
            logger.exception("could not record the image", extra={"image_id": image_id})
        return image_id, "miss" if request.cache else "off"

    def _key(self, request: GenerationRequest, init_image: bytes | None, seed: int) -> str:
        digest = hashlib.sha256(init_image).hexdigest() if init_image is not None else None
        mode = {True: "on", False: "off", None: self._settings.translate}[request.translate]
        return result_key(
            request,
            seed=seed,
            init_image_sha256=digest,
            translate_mode=mode,
            backends=self._backends,
        )

    def _image_record(self, image_id: str, result: GenerationResult) -> dict[str, Any]:
        request = result.request
        return {
            "image_id": image_id,
            "key": result.stored.key,
            "uri": result.stored.uri,
            "created_at": self._clock(),
            "request_id": result.request_id,
            "model": request.model,
            "engine": result.engine,
            "seed": result.seed,
            "original_prompt": request.prompt,
            "enhanced_prompt": (
                result.enhancement.prompt if result.enhancement.status != "off" else None
            ),
            "translated_prompt": (
                result.translation.prompt
                if result.translation and result.translation.status == "applied"
                else None
            ),
            "enhancement": result.enhancement.status,
            "parameters": result.to_body()["parameters"],
            "cost_usd": result.cost_usd,
            "timings_ms": result.timings_ms,
        }
