"""The prompt enhancer interface: one abstract method, ``rewrite``; fallback lives here.

Enhancers that can reach a text model also translate (``to_english``); the same
fallback rule applies: any failure leaves the user's prompt as it was. A refusal is not
a failure: when the text model declines the prompt (its content filter or guardrail),
the request is refused (``ContentFiltered``, screen ``enhancer``) rather than sent on
to the image model unchanged.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, Literal

from genpic.errors import ContentFiltered, GenpicError
from genpic.logs import logger

EnhancementStatus = Literal["applied", "fallback", "off"]
TranslationStatus = Literal["applied", "skipped", "fallback", "unavailable"]


class EnhancementRefused(Exception):
    """The text model declined the prompt (its content filter or a guardrail)."""


class RewriteIncomplete(Exception):
    """The model stopped before finishing (for example at its token limit)."""


class TranslationUnavailable(Exception):
    """This enhancer has no model that can translate."""


@dataclass(frozen=True)
class Rewrite:
    """A rewritten prompt and the tokens it cost."""

    text: str
    input_tokens: int = 0
    output_tokens: int = 0


@dataclass(frozen=True)
class Enhancement:
    """The outcome of enhancing a prompt: the prompt to use and how it was obtained."""

    prompt: str
    status: EnhancementStatus
    enhancer: str
    style: str
    model: str | None = None
    reason: str | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    #: Reused from the enhancement cache: no model call, no tokens.
    cached: bool = False


@dataclass(frozen=True)
class Translation:
    """The outcome of considering a translation: the prompt to use and how it was obtained."""

    prompt: str
    status: TranslationStatus
    source_language: str
    model: str | None = None
    reason: str | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    #: Reused from the enhancement cache: no model call, no tokens.
    cached: bool = False


class PromptEnhancer(ABC):
    """Rewrites a short prompt into a detailed one in a named style.

    ``enhance`` fails only on a refusal: when ``rewrite`` raises anything else, the
    original prompt is used and the outcome says why, as the original ``enhance_prompt``
    function did.
    """

    name: ClassVar[str]
    model: str | None = None
    #: Whether a rewrite is English whatever the prompt's language (a text model's is, as
    #: its system prompt asks); when not, an enhanced non-English prompt is still translated.
    writes_english: ClassVar[bool] = True

    @abstractmethod
    def rewrite(self, prompt: str, style: str) -> Rewrite:
        """Return ``prompt`` rewritten in ``style``; raise on any failure."""

    def to_english(self, prompt: str) -> Rewrite:
        """Return ``prompt`` translated into English; raise on any failure.

        Raises ``TranslationUnavailable`` unless a backend overrides it.
        """
        raise TranslationUnavailable(
            f"the {self.name} enhancer has no text model to put the prompt into English, so "
            "the image model gets it as written; GENPIC_ENHANCER=bedrock translates it"
        )

    def enhance(self, prompt: str, style: str) -> Enhancement:
        """Rewrite ``prompt``, falling back to it unchanged on any failure but a refusal.

        Raises
        ------
        ContentFiltered
            The text model refused the prompt (screen ``enhancer``).
        """
        rewrite = self._attempt(lambda: self.rewrite(prompt, style), "enhancer", "prompt")
        if isinstance(rewrite, str):
            return self._fallback(prompt, style, rewrite)
        return Enhancement(
            prompt=rewrite.text,
            status="applied",
            enhancer=self.name,
            style=style,
            model=self.model,
            input_tokens=rewrite.input_tokens,
            output_tokens=rewrite.output_tokens,
        )

    def translate(self, prompt: str, source_language: str) -> Translation:
        """Translate ``prompt`` into English, falling back to it unchanged on any failure.

        Raises
        ------
        ContentFiltered
            The text model refused the prompt (screen ``enhancer``).
        """
        try:
            rewrite = self._attempt(lambda: self.to_english(prompt), "translator", "translation")
        except TranslationUnavailable as exc:
            return Translation(prompt, "unavailable", source_language, reason=str(exc))
        if isinstance(rewrite, str):
            return Translation(prompt, "fallback", source_language, self.model, rewrite)
        return Translation(
            rewrite.text,
            "applied",
            source_language,
            self.model,
            input_tokens=rewrite.input_tokens,
            output_tokens=rewrite.output_tokens,
        )

    def _attempt(self, call: Callable[[], Rewrite], stage: str, product: str) -> Rewrite | str:
        """Return ``call``'s rewrite with its text stripped, or the reason it is unusable."""
        try:
            rewrite = call()
        except EnhancementRefused as exc:
            raise ContentFiltered(
                f"The text model refused the prompt ({exc}); it is not sent to the image "
                "model. Rephrase the prompt.",
                screen="enhancer",
            ) from exc
        except RewriteIncomplete as exc:
            return f"incomplete: {exc}"
        except TranslationUnavailable:
            raise
        except Exception as exc:
            logger.warning(f"prompt {stage} failed", extra={"enhancer": self.name}, exc_info=True)
            return f"{stage} failed: {_describe(exc)}"
        text = rewrite.text.strip()
        if not text:
            return f"{stage} returned an empty {product}"
        return Rewrite(text, rewrite.input_tokens, rewrite.output_tokens)

    def _fallback(self, prompt: str, style: str, reason: str) -> Enhancement:
        return Enhancement(
            prompt=prompt,
            status="fallback",
            enhancer=self.name,
            style=style,
            model=self.model,
            reason=reason,
        )


def _describe(exc: Exception) -> str:
    # Public errors carry a safe message; anything else is named by type only.
    if isinstance(exc, GenpicError):
        return f"{exc.code}: {exc.message}"
    return type(exc).__name__
