"""The prompt enhancer interface: one abstract method, ``rewrite``; fallback lives here."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar, Literal

from genpic.logs import logger

EnhancementStatus = Literal["applied", "fallback", "off"]


class EnhancementRefused(Exception):
    """The enhancer declined to rewrite the prompt (for example a content filter)."""


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


class PromptEnhancer(ABC):
    """Rewrites a short prompt into a detailed one in a named style.

    ``enhance`` never fails: when ``rewrite`` raises, the original prompt is
    used and the outcome says why, as the original ``enhance_prompt`` function did.
    """

    name: ClassVar[str]
    model: str | None = None

    @abstractmethod
    def rewrite(self, prompt: str, style: str) -> Rewrite:
        """Return ``prompt`` rewritten in ``style``; raise on any failure."""

    def enhance(self, prompt: str, style: str) -> Enhancement:
        """Rewrite ``prompt``, falling back to it unchanged on any failure."""
        try:
            rewrite = self.rewrite(prompt, style)
        except EnhancementRefused as exc:
            return self._fallback(prompt, style, f"refused: {exc}")
        except Exception as exc:
            logger.warning(
                "prompt enhancement failed", extra={"enhancer": self.name}, exc_info=True
            )
            return self._fallback(prompt, style, f"enhancer failed: {_describe(exc)}")
        text = rewrite.text.strip()
        if not text:
            return self._fallback(prompt, style, "enhancer returned an empty prompt")
        return Enhancement(
            prompt=text,
            status="applied",
            enhancer=self.name,
            style=style,
            model=self.model,
            input_tokens=rewrite.input_tokens,
            output_tokens=rewrite.output_tokens,
        )

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
    from genpic.errors import GenpicError

    if isinstance(exc, GenpicError):
        return f"{exc.code}: {exc.message}"
    return type(exc).__name__
