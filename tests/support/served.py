"""The one context-manager protocol of the loopback servers the tests start."""

from __future__ import annotations

from abc import ABC, abstractmethod
from types import TracebackType
from typing import Self


class Served(ABC):
    """A server used as ``with Server() as server:``; subclasses say how to start and stop."""

    @abstractmethod
    def start(self) -> Self:
        """Start serving and return ``self``."""

    @abstractmethod
    def stop(self) -> None:
        """Stop serving and release what ``start`` took."""

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
