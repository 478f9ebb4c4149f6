"""The enhancement cache: the same prompt, style and text model reuse the enhanced prompt.

Translations are cached the same way, keyed by prompt and text model. Only
``applied`` outcomes are kept: a fallback says the model failed this time, which
must not stick. A reused outcome says ``cached: true`` and carries no tokens, so
it costs nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from genpic.cache.keys import prompt_key
from genpic.enhancers.base import Enhancement, PromptEnhancer, Translation

if TYPE_CHECKING:
    from genpic.cache.store import CacheRecords

ENHANCE_KIND = "enhance"
TRANSLATE_KIND = "translate"


class PromptCache:
    """Runs an enhancer through the records store's cache.

    Parameters
    ----------
    records
        Where cached prompts are kept.
    ttl_s
        How long a cached prompt lives.
    clock
        Wall-clock seconds; replaceable in tests.
    """

    def __init__(
        self, records: CacheRecords, ttl_s: float, clock: Callable[[], float] = time.time
    ) -> None:
        self._records = records
        self._ttl_s = ttl_s
        self._clock = clock

    def enhance(self, enhancer: PromptEnhancer, prompt: str, style: str) -> Enhancement:
        """Return ``enhancer.enhance(prompt, style)``, reusing an earlier applied one."""
        key = prompt_key(ENHANCE_KIND, prompt, style, enhancer.name, enhancer.model)
        text = self._get(ENHANCE_KIND, key)
        if text is not None:
            return Enhancement(
                prompt=text,
                status="applied",
                enhancer=enhancer.name,
                style=style,
                model=enhancer.model,
                cached=True,
            )
        enhancement = enhancer.enhance(prompt, style)
        if enhancement.status == "applied":
            self._put(ENHANCE_KIND, key, enhancement.prompt)
        return enhancement

    def translate(self, enhancer: PromptEnhancer, prompt: str, language: str) -> Translation:
        """Return ``enhancer.translate(prompt, language)``, reusing an earlier applied one."""
        key = prompt_key(TRANSLATE_KIND, prompt, None, enhancer.name, enhancer.model)
        text = self._get(TRANSLATE_KIND, key)
        if text is not None:
            return Translation(text, "applied", language, enhancer.model, cached=True)
        translation = enhancer.translate(prompt, language)
        if translation.status == "applied":
            self._put(TRANSLATE_KIND, key, translation.prompt)
        return translation

    def _get(self, kind: str, key: str) -> str | None:
        item = self._records.get_cached(kind, key, now=self._clock())
        return None if item is None else str(item["prompt"])

    def _put(self, kind: str, key: str, text: str) -> None:
        now = self._clock()
        # Losing a race to an identical rewrite is fine: either text serves.
        self._records.put_cached(kind, key, {"prompt": text}, now=now, expires=now + self._ttl_s)
