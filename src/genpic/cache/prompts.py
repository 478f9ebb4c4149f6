"""The enhancement cache: the same prompt, style and text model reuse the enhanced prompt.

Translations are cached the same way, keyed by prompt and text model. Only
``applied`` outcomes are kept: a fallback says the model failed this time, which
must not stick. A reused outcome says ``cached: true`` and carries no tokens, so
it costs nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from genpic.cache.keys import prompt_key
from genpic.enhancers.base import Enhancement, PromptEnhancer, Translation

if TYPE_CHECKING:
    from genpic.records.base import RecordStore

ENHANCE_KIND = "enhance"
TRANSLATE_KIND = "translate"


class PromptCache:
    """Runs an enhancer through the records store's cache.

    Parameters
    ----------
    records
        Where cached prompts are kept (entries expire there).
    """

    def __init__(self, records: RecordStore) -> None:
        self._records = records

    def enhance(self, enhancer: PromptEnhancer, prompt: str, style: str) -> Enhancement:
        """Return ``enhancer.enhance(prompt, style)``, reusing an earlier applied one."""
        key = prompt_key(ENHANCE_KIND, prompt, style, enhancer.name, enhancer.model)
        text = self._get(key)
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
            self._put(key, enhancement.prompt)
        return enhancement

    def translate(self, enhancer: PromptEnhancer, prompt: str, language: str) -> Translation:
        """Return ``enhancer.translate(prompt, language)``, reusing an earlier applied one."""
        key = prompt_key(TRANSLATE_KIND, prompt, None, enhancer.name, enhancer.model)
        text = self._get(key)
        if text is not None:
            return Translation(text, "applied", language, enhancer.model, cached=True)
        translation = enhancer.translate(prompt, language)
        if translation.status == "applied":
            self._put(key, translation.prompt)
        return translation

    def _get(self, key: str) -> str | None:
        item = self._records.enhancement_get(key)
        return None if item is None else str(item["prompt"])

    def _put(self, key: str, text: str) -> None:
        # Two identical rewrites may race; either text serves, so the last one wins.
        self._records.enhancement_put(key, {"prompt": text})
