"""The pipeline's screening stage: every prompt a model will see, and the image it made.

What is screened, in order (``genpic.pipeline.Pipeline.run``)::

    the prompt as given       blocklist, guardrail INPUT   before the cache, any model
    the prompt for the model  blocklist, guardrail INPUT   if enhancing or translating changed it
    the generated image       guardrail OUTPUT             before it is stored (opt-in)

Negative prompts are not screened: they name what the image must not show.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from genpic.errors import ContentFiltered
from genpic.logs import logger
from genpic.screens.blocklist import Blocklist, load
from genpic.settings import BLOCKLIST, Settings

if TYPE_CHECKING:
    from genpic.screens.guardrail import Guardrail


class Screens:
    """The blocklist and, when ``GENPIC_GUARDRAIL_ID`` is set, the Bedrock guardrail.

    Parameters
    ----------
    settings
        Names the blocklist file, the built-in list switch and the guardrail.
    """

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self.guardrail: Guardrail | None = None
        if settings.guardrail_id:
            from genpic.screens.guardrail import Guardrail

            self.guardrail = Guardrail(settings)

    @property
    def blocklist(self) -> Blocklist:
        """The compiled list, built on first use and then shared by the process."""
        return load(self._settings.blocklist, self._settings.blocklist_default)

    def check_prompt(self, prompt: str, what: str = "prompt") -> None:
        """Refuse ``prompt`` (``what`` names it in the message) unless every screen passes it.

        Raises
        ------
        ContentFiltered
            The blocklist (screen ``blocklist``) or the guardrail (``guardrail``) refused it.
        """
        self.check_blocklist(prompt, what)
        if self.guardrail is not None:
            self.guardrail.check_prompt(prompt)

    def check_blocklist(self, prompt: str, what: str = "prompt", field: str | None = None) -> None:
        """Refuse ``prompt`` if the blocklist matches it: free and local, so checkable anywhere.

        Raises
        ------
        ContentFiltered
            Screen ``blocklist``; ``field`` names the field in the error body.
        """
        phrase = self.blocklist.match(prompt)
        if phrase is not None:
            # The term goes to the log, not to the caller: operators' lists stay private.
            logger.info("blocklist match", extra={"term": phrase, "prompt_kind": what})
            raise ContentFiltered(
                f"The {what} contains a term this deployment does not allow (its blocklist, "
                f"{BLOCKLIST} or the built-in list). Rephrase the prompt.",
                screen="blocklist",
                field=field,
            )

    def check_image(self, data: bytes, content_type: str) -> None:
        """Refuse a generated image when ``GENPIC_GUARDRAIL_IMAGES=on`` and the guardrail does.

        Raises
        ------
        ContentFiltered
            The guardrail refused the image (screen ``guardrail``).
        """
        if self.guardrail is not None and self._settings.guardrail_images:
            self.guardrail.check_image(data, content_type)
