"""The A/B experiment: does enhancing the prompt make images people rate higher?

With ``GENPIC_AB_ENHANCE_SHARE`` set, a request to an enhancing entry point
(Lambda ``enhance``, ``POST /generate-enhanced``) that does not say
``enhance_prompt`` is put in an arm: ``enhanced`` with that probability, else
``plain``, and the arm decides whether the prompt is enhanced. A request that
names a ``user`` keeps that user's first arm for good: the records store keeps it
with a put-if-absent, so two first requests racing agree on one arm. Without a
user (or without a records store) every request draws afresh.

A request with ``styles`` stays out: styles are enhancement styles, so it has no
plain arm. The arm is drawn inside the idempotency guard (``variants.generate``),
so a retried request is answered from its first run, never re-drawn.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import TYPE_CHECKING

from genpic.logs import logger

if TYPE_CHECKING:
    from genpic.records.base import RecordStore
    from genpic.request import GenerationRequest
    from genpic.settings import Settings
    from genpic.vocabulary import AbArm


class Experiment:
    """Assigns undecided enhancing requests to an arm.

    Parameters
    ----------
    share
        The probability (0 to 1) that a new assignment is ``enhanced``.
    records
        Where each user's arm is kept; None: no sticky arms.
    draw
        Returns a uniform number in [0, 1); tests may pass a seeded generator's.
    """

    def __init__(
        self,
        share: float,
        records: RecordStore | None,
        *,
        draw: Callable[[], float] = random.random,
    ) -> None:
        self.share = share
        self.records = records
        self._draw = draw

    def assign(self, request: GenerationRequest) -> GenerationRequest:
        """Return ``request`` in its arm, or unchanged when the experiment does not apply."""
        if not (request.enhance_defaulted and request.enhance_prompt) or request.styles:
            return request
        arm: AbArm = "enhanced" if self._draw() < self.share else "plain"
        if request.user is not None and self.records is not None:
            arm = self._sticky(request.user, arm)
        return request.with_arm(arm)

    def _sticky(self, user: str, drawn: AbArm) -> AbArm:
        assert self.records is not None
        try:
            kept = self.records.assign_arm(user, drawn)
        except Exception:
            # The image matters more than the experiment: serve it in the drawn arm.
            logger.exception("could not keep the user's A/B arm", extra={"arm": drawn})
            return drawn
        return "enhanced" if kept == "enhanced" else "plain"


def experiment_for(settings: Settings, records: RecordStore | None) -> Experiment | None:
    """Return the experiment ``GENPIC_AB_ENHANCE_SHARE`` asks for, or None when it is unset."""
    share = settings.ab_enhance_share
    return Experiment(share, records) if share is not None else None
