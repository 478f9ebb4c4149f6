"""The offline ``template`` enhancer: appends a style's preset details, no LLM involved.

The details are English; the prompt itself is kept as written, so a prompt in another
language is not put into English (the success body's ``translation`` says so).
"""

from __future__ import annotations

import re

from genpic.enhancers.base import PromptEnhancer, Rewrite
from genpic.enhancers.styles import STYLES

MAX_WORDS = 100
_TRAILING = " \t\r\n.,;:!?"
# "f/1.8" and "8k" are words; hyphens split, so "studio-quality" shares "quality".
_WORD = re.compile(r"[a-z0-9]+(?:[./][a-z0-9]+)*")
# Connectives repeat naturally; sharing one is no reason to drop a detail.
_CONNECTIVES = frozenset({"a", "an", "and", "at", "in", "of", "on", "the", "with"})


class TemplateEnhancer(PromptEnhancer):
    """Append a style's preset details to the prompt, never repeating a word already in it.

    Details come from ``genpic.enhancers.styles.STYLES[style].template_details``,
    in order, as long as the whole prompt stays within ``MAX_WORDS`` words.
    """

    name = "template"
    writes_english = False

    def rewrite(self, prompt: str, style: str) -> Rewrite:
        """Return ``prompt`` followed by the style's details it does not already contain.

        Parameters
        ----------
        prompt : str
            The user's prompt.
        style : str
            A key of ``genpic.enhancers.styles.STYLES``.

        Returns
        -------
        Rewrite
            The tidied prompt, then ", " and the added details; no tokens spent.

        Raises
        ------
        ValueError
            If ``style`` is not a known style.
        """
        preset = STYLES.get(style)
        if preset is None:
            raise ValueError(f"unknown enhancement style {style!r}; use one of {sorted(STYLES)}")
        text = " ".join(prompt.split()).rstrip(_TRAILING)
        seen = _words(text)
        budget = MAX_WORDS - len(text.split())
        details: list[str] = []
        for detail in preset.template_details:
            words = _words(detail)
            length = len(detail.split())
            if words & seen or length > budget:
                continue
            details.append(detail)
            seen |= words
            budget -= length
        # An empty prompt stays empty, so ``enhance`` falls back instead of sending bare details.
        return Rewrite(", ".join([text, *details]) if text else "")


def _words(text: str) -> set[str]:
    """Return the lower-cased content words of ``text``."""
    return set(_WORD.findall(text.lower())) - _CONNECTIVES
