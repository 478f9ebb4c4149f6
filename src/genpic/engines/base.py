"""The image engine interface: one abstract method, ``render``."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar

from genpic.vocabulary import AspectRatio, OutputFormat


@dataclass(frozen=True)
class EditJob:
    """What an edit adds to a job: its operation, images and fields, ready to send.

    ``texts`` holds ``search_prompt`` / ``select_prompt`` as the model gets them
    (translated when they were not English).
    """

    operation: str
    images: Mapping[str, bytes]
    values: Mapping[str, float] = field(default_factory=dict)
    texts: Mapping[str, str] = field(default_factory=dict)
    aspect_ratio: AspectRatio = "1:1"

    @property
    def image(self) -> bytes:
        """The image to edit."""
        return self.images["image"]


@dataclass(frozen=True)
class ImageJob:
    """What an engine is asked to draw; ``aspect_ratio`` is None for image-to-image."""

    prompt: str
    model: str
    seed: int
    output_format: OutputFormat
    aspect_ratio: AspectRatio | None
    negative_prompt: str | None = None
    init_image: bytes | None = None
    strength: float | None = None
    edit: EditJob | None = None

    @property
    def image_to_image(self) -> bool:
        """Whether the job transforms ``init_image``."""
        return self.init_image is not None


@dataclass(frozen=True)
class RenderedImage:
    """Encoded image bytes and the seed that produced them."""

    data: bytes
    seed: int


class ImageEngine(ABC):
    """A backend that turns an ``ImageJob`` into encoded image bytes.

    Subclasses set ``name`` and implement ``render``; they raise
    ``genpic.errors.GenpicError`` subclasses for every failure a caller can act on.
    """

    name: ClassVar[str]
    #: True when the output is an offline stand-in, not a model's work.
    preview: ClassVar[bool] = False

    @abstractmethod
    def render(self, job: ImageJob) -> RenderedImage:
        """Draw ``job``; a ``seed`` of 0 means the engine picks one and reports it."""
