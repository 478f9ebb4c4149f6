"""Feedback on an image: a 1-5 rating or a preference, counted in the image's A/B arm.

``POST /feedback`` takes ``{"image_id", "rating"}`` or ``{"image_id", "preferred": true}``
(and an optional ``user``); the rating lands in the arm the image was made in,
which is what ``GET /stats`` compares.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal

import pydantic
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

from genpic.errors import NotFound, ValidationError
from genpic.records.base import Feedback
from genpic.request import MAX_USER, WHOLE, as_validation_error

if TYPE_CHECKING:
    from genpic.records.base import RecordStore

MIN_RATING, MAX_RATING = 1, 5
_ONE_OF = (
    f'send either "rating" ({MIN_RATING} to {MAX_RATING}) or "preferred": true, '
    "for one image at a time"
)


class FeedbackRequest(BaseModel):
    """One piece of feedback: exactly one of ``rating`` and ``preferred``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    image_id: Annotated[StrictStr, Field(min_length=1, max_length=128)]
    rating: Annotated[StrictInt, Field(ge=MIN_RATING, le=MAX_RATING), WHOLE] | None = None
    # Only a positive preference means anything (this image over the other one shown).
    preferred: Literal[True] | None = None
    user: Annotated[StrictStr, Field(min_length=1, max_length=MAX_USER)] | None = None

    @pydantic.field_validator("preferred", mode="before")
    @classmethod
    def _only_true(cls, value: Any) -> Any:
        if value is not None and value is not True:
            raise ValueError(
                f"must be true (this image over the other one shown); to say less of "
                f"an image, send rating ({MIN_RATING} to {MAX_RATING}) instead"
            )
        return value


def parse_feedback(payload: Any) -> FeedbackRequest:
    """Validate a feedback body, or raise ``ValidationError`` naming the field."""
    if not isinstance(payload, Mapping):
        raise ValidationError(
            'The body must be a JSON object such as {"image_id": "…", "rating": 5}.',
            field="body",
        )
    try:
        feedback = FeedbackRequest.model_validate(payload)
    except pydantic.ValidationError as exc:
        raise as_validation_error(exc, FeedbackRequest) from None
    given = [name for name in ("rating", "preferred") if getattr(feedback, name) is not None]
    if len(given) != 1:
        # Both: name the second, so "rating" stays the field to fix when only it is sent.
        field = given[-1] if given else "rating"
        raise ValidationError(f"Invalid feedback: {field}: {_ONE_OF}.", field=field)
    return feedback


def record_feedback(records: RecordStore, request: FeedbackRequest) -> Feedback:
    """Store ``request`` against its image, in that image's A/B arm.

    Raises
    ------
    NotFound
        No image has ``request.image_id``.
    """
    image = records.get_image(request.image_id)
    if image is None:
        raise NotFound(
            f"No image has id {request.image_id!r}; use the image_id of a generated image "
            "(GET /images lists them).",
            field="image_id",
        )
    feedback = Feedback(
        image_id=image.image_id,
        created_at=records.clock(),
        rating=request.rating,
        preferred=request.preferred,
        user=request.user,
        ab_arm=image.ab_arm,
    )
    records.add_feedback(feedback)
    return feedback
