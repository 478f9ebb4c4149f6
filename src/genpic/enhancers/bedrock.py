"""Prompt enhancement with an LLM through the Bedrock Converse API (Nova Pro by default)."""

from __future__ import annotations

from typing import Any

from genpic.awssdk.clients import bedrock_runtime
from genpic.awssdk.errors import bedrock_error
from genpic.enhancers.base import EnhancementRefused, PromptEnhancer, Rewrite, RewriteIncomplete
from genpic.enhancers.styles import STYLES, TRANSLATION_SYSTEM
from genpic.settings import Settings

INFERENCE_CONFIG = {"maxTokens": 200, "temperature": 0.7, "topP": 0.9}
# A translation keeps the meaning, so no sampling; 1,024 tokens hold about 4,000 characters
# of English, and a longer prompt stops at max_tokens and falls back rather than be cut.
TRANSLATION_CONFIG = {"maxTokens": 1024, "temperature": 0.0}
_REFUSALS = ("content_filtered", "guardrail_intervened")
_TRUNCATED = "max_tokens"


class ConverseEnhancer(PromptEnhancer):
    """Asks a Bedrock text model (any Converse model or inference profile) to rewrite prompts."""

    name = "bedrock"

    def __init__(self, settings: Settings) -> None:
        self.model = settings.text_model
        self._settings = settings

    def rewrite(self, prompt: str, style: str) -> Rewrite:
        """Return the model's rewrite of ``prompt`` in ``style``."""
        return self._converse(STYLES[style].system_prompt, prompt, INFERENCE_CONFIG)

    def to_english(self, prompt: str) -> Rewrite:
        """Return the model's English translation of ``prompt``."""
        return self._converse(TRANSLATION_SYSTEM, prompt, TRANSLATION_CONFIG)

    def _converse(self, system: str, prompt: str, config: dict[str, Any]) -> Rewrite:
        # Outside the try: no time left is already a public error, and no call is made.
        client = bedrock_runtime(self._settings, "text")
        try:
            response = client.converse(
                modelId=self.model,
                messages=[{"role": "user", "content": [{"text": prompt}]}],
                system=[{"text": system}],
                inferenceConfig=config,
            )
        except Exception as exc:
            raise bedrock_error(exc, str(self.model), self._settings.region) from exc
        stop_reason = response.get("stopReason")
        if stop_reason in _REFUSALS:
            raise EnhancementRefused(f"{self.model} stopped with {stop_reason}")
        if stop_reason == _TRUNCATED:
            raise RewriteIncomplete(f"{self.model} stopped at its token limit ({stop_reason})")
        usage = response.get("usage", {})
        return Rewrite(
            text=_first_text(response),
            input_tokens=int(usage.get("inputTokens", 0)),
            output_tokens=int(usage.get("outputTokens", 0)),
        )


def _first_text(response: dict[str, Any]) -> str:
    content = response.get("output", {}).get("message", {}).get("content", [])
    texts = [block["text"] for block in content if "text" in block]
    # Models sometimes wrap the prompt in quotes despite being told not to.
    return " ".join(texts).strip().strip('"').strip()
