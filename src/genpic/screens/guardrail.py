"""Amazon Bedrock Guardrails through the standalone ``ApplyGuardrail`` API.

A prompt is screened as ``source=INPUT`` text, a generated image as ``source=OUTPUT``
image content (PNG or JPEG, at most 4 MB: anything else is re-encoded as JPEG first).
Any intervention refuses the request; so does a guardrail that cannot be reached, since
an unscreened prompt must not reach a model.
https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ApplyGuardrail.html
https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-mmfilter.html (image limits)
"""

from __future__ import annotations

import io
from typing import Any, Literal

from genpic.awssdk.clients import bedrock_runtime
from genpic.awssdk.errors import guardrail_error
from genpic.errors import ContentFiltered
from genpic.settings import Settings

INTERVENED = "GUARDRAIL_INTERVENED"
#: ApplyGuardrail takes images of at most 4 MB, PNG or JPEG only.
MAX_IMAGE_BYTES = 4 * 1024 * 1024
_FORMATS = {"image/png": "png", "image/jpeg": "jpeg"}
# Which policy of an assessment blocked, and where its findings are listed.
_POLICIES = {
    "contentPolicy": ("filters", "type"),
    "topicPolicy": ("topics", "name"),
    "wordPolicy": ("customWords", None),
    "sensitiveInformationPolicy": ("piiEntities", "type"),
}


class Guardrail:
    """One guardrail version, applied to prompts and (optionally) generated images.

    Parameters
    ----------
    settings
        Names the guardrail (``GENPIC_GUARDRAIL_ID``, ``GENPIC_GUARDRAIL_VERSION``).
    """

    def __init__(self, settings: Settings) -> None:
        if settings.guardrail_id is None:
            raise ValueError("Guardrail needs settings.guardrail_id")
        self.identifier = settings.guardrail_id
        self.version = settings.guardrail_version
        self._settings = settings

    def check_prompt(self, prompt: str) -> None:
        """Refuse ``prompt`` if the guardrail intervenes on it as a model input.

        Raises
        ------
        ContentFiltered
            The guardrail intervened (screen ``guardrail``).
        """
        self._apply("INPUT", {"text": {"text": prompt}}, "text", "prompt")

    def check_image(self, data: bytes, content_type: str) -> None:
        """Refuse the generated image ``data`` if the guardrail intervenes on it as output.

        Raises
        ------
        ContentFiltered
            The guardrail intervened (screen ``guardrail``).
        """
        image_format, data = _acceptable(data, content_type)
        block = {"image": {"format": image_format, "source": {"bytes": data}}}
        # After the image model: timed as storage, whose share is kept for this step.
        self._apply("OUTPUT", block, "store", "generated image")

    def _apply(
        self,
        source: Literal["INPUT", "OUTPUT"],
        content: dict[str, Any],
        stage: Literal["text", "store"],
        what: str,
    ) -> None:
        client = bedrock_runtime(self._settings, stage)
        try:
            response = client.apply_guardrail(
                guardrailIdentifier=self.identifier,
                guardrailVersion=self.version,
                source=source,
                content=[content],
            )
        except Exception as exc:
            raise guardrail_error(exc, self.identifier, self.version) from exc
        if response.get("action") == INTERVENED:
            blocked = ", ".join(blocked_policies(response.get("assessments", []))) or "policy"
            raise ContentFiltered(
                f"The guardrail refused the {what} ({blocked}). Rephrase the prompt.",
                screen="guardrail",
            )


def blocked_policies(assessments: list[dict[str, Any]]) -> list[str]:
    """Name what blocked in ``assessments``: filter types, topic names, ``custom words``."""
    names: list[str] = []
    for assessment in assessments:
        for policy, (findings, label) in _POLICIES.items():
            for finding in assessment.get(policy, {}).get(findings, []):
                if finding.get("action") == "BLOCKED":
                    names.append(str(finding[label]) if label else "custom words")
        for managed in assessment.get("wordPolicy", {}).get("managedWordLists", []):
            if managed.get("action") == "BLOCKED":
                names.append(str(managed["type"]))
    return list(dict.fromkeys(names))


def _acceptable(data: bytes, content_type: str) -> tuple[str, bytes]:
    """Return the image in a format and size ApplyGuardrail takes."""
    image_format = _FORMATS.get(content_type)
    if image_format is not None and len(data) <= MAX_IMAGE_BYTES:
        return image_format, data
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, "JPEG", quality=90)
    return "jpeg", buffer.getvalue()
