"""Per-client limits in images: ``GENPIC_RATE_LIMIT`` per window, ``GENPIC_DAILY_QUOTA`` per day.

Counts live in the records store (``RecordStore.take``), so every process and
every Lambda environment shares them. Windows are fixed and aligned to UTC: a
``30/minute`` window runs from :00 to :59 of each minute, the daily quota from
00:00 to 24:00 UTC. A take is all or nothing: it counts on every window or on
none, so a request for four images when three remain is refused whole.

What is charged, and when (``Allowance``):

- images, not requests: ``n`` counts each image, ``styles`` each style, a batch
  each of its jobs' images;
- at a request's first image the cache cannot give, before any paid call (the
  enhancer's or the image model's); an image the cache gives is not charged;
- an idempotent replay runs nothing and so is never charged;
- a generation that fails is given back, except a content refusal (422
  ``ContentFiltered``) after the charge: a refused prompt counts, so refusals cannot
  be retried for free forever (the input screen runs before the charge, and before
  the cache, so its refusals cost nothing);
- a job or a batch is charged when submitted: it runs later, perhaps in another
  window, and what then becomes of it is not given back.

Every client's images of the day are counted even with no quota set, for
``GET /stats``.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from genpic.errors import ContentFiltered, RateLimited
from genpic.records.base import Bucket

if TYPE_CHECKING:
    from genpic.records.base import Clock, RecordStore
    from genpic.settings import Settings

DAY_S = 86400
DAY_WINDOW = "day"
_PERIOD_NAMES = {1: "second", 60: "minute", 3600: "hour", DAY_S: "day"}


@dataclass(frozen=True)
class Window:
    """One window a take counts on: its bucket, its limit (None: counted only), its name."""

    bucket: Bucket
    limit: int | None
    label: str


@dataclass(frozen=True)
class Grant:
    """What a successful take counted: ``images`` on each of ``windows``."""

    client: str
    images: int
    windows: tuple[Window, ...]


class Limiter:
    """Takes images from a client's windows in the records store.

    Parameters
    ----------
    records
        Where the counts are kept.
    rate
        ``(images, period seconds)`` of ``GENPIC_RATE_LIMIT``, or None.
    daily
        ``GENPIC_DAILY_QUOTA``, or None (the day is still counted, without a limit).
    clock
        Epoch seconds now (tests move it).
    """

    def __init__(
        self,
        records: RecordStore,
        *,
        rate: tuple[int, int] | None = None,
        daily: int | None = None,
        clock: Clock = time.time,
    ) -> None:
        self.records = records
        self.rate = rate
        self.daily = daily
        self.clock = clock

    @classmethod
    def from_settings(cls, settings: Settings, records: RecordStore) -> Limiter:
        """Return the limiter ``settings`` configure, counting in ``records``."""
        return cls(records, rate=settings.rate_limit, daily=settings.daily_quota)

    def take(self, client: str, images: int, *, what: str = "This request") -> Grant:
        """Count ``images`` for ``client`` on every window, or on none.

        Raises
        ------
        RateLimited
            A window has fewer than ``images`` left; ``what`` names the asker in its message.
        """
        now = self.clock()
        taken: list[Window] = []
        for window in self.windows(client, now):
            outcome = self.records.take(window.bucket, images, window.limit)
            if not outcome.ok:
                for done in taken:
                    self.records.give_back(done.bucket, images)
                raise _refusal(client, images, what, window, outcome.count, now)
            taken.append(window)
        return Grant(client, images, tuple(taken))

    def give_back(self, grant: Grant, images: int = 1) -> None:
        """Refund ``images`` of ``grant`` on each of its windows."""
        for window in grant.windows:
            self.records.give_back(window.bucket, images)

    def allowance(self, client: str | None, images: int) -> Allowance | None:
        """Return what a request for ``images`` may spend (None without a client: not limited)."""
        return None if client is None else Allowance(self, client, images)

    def windows(self, client: str, now: float) -> list[Window]:
        """Return the windows a take at ``now`` counts on: the rate window, then the day."""
        found = []
        if self.rate is not None:
            limit, period = self.rate
            start = math.floor(now / period) * period
            found.append(
                Window(
                    _bucket(client, f"{period}s@{start}", start, start + period),
                    limit,
                    f"{limit} images per {_PERIOD_NAMES.get(period, f'{period} s')}",
                )
            )
        midnight = math.floor(now / DAY_S) * DAY_S
        label = f"daily quota of {self.daily} images (UTC)"
        found.append(
            Window(_bucket(client, DAY_WINDOW, midnight, midnight + DAY_S), self.daily, label)
        )
        return found

    def report(self) -> dict[str, Any]:
        """Return the limits and each client's usage, as ``GET /stats`` adds them."""
        rate = None
        if self.rate is not None:
            rate = {"images": self.rate[0], "period_s": self.rate[1]}
        return {
            "limits": {"rate_limit": rate, "daily_quota": self.daily},
            "clients": self.usage(),
        }

    def usage(self) -> dict[str, dict[str, Any]]:
        """Return each client's images today and in the current rate window."""
        now = self.clock()
        today = _day(now)
        current = {w.bucket.window for w in self.windows("", now)}
        clients: dict[str, dict[str, Any]] = {}
        for usage in self.records.usage(today):
            if usage.window not in current:
                continue  # an earlier rate window of today
            figures = clients.setdefault(usage.client, {"images_today": 0})
            if usage.window == DAY_WINDOW:
                figures["images_today"] = usage.count
                if self.daily is not None:
                    figures["remaining_today"] = max(self.daily - usage.count, 0)
            else:
                figures["images_this_window"] = usage.count
        return dict(sorted(clients.items()))


class Allowance:
    """What one request may spend, taken at its first image the cache cannot give.

    The request asks for ``images``; its variants call ``free`` for each image the
    cache gives and ``paid`` around each generation. The first ``paid`` takes every
    image not yet known to be free, at once (all or nothing); a later free image is
    given back. Once refused, every ``paid`` of the request is refused alike.
    """

    def __init__(self, limiter: Limiter, client: str, images: int) -> None:
        self.limiter = limiter
        self.client = client
        self.images = images
        self._lock = threading.Lock()
        self._free = 0
        self._grant: Grant | None = None
        self._refused: RateLimited | None = None

    def free(self) -> None:
        """One image came from the cache: it is not charged."""
        with self._lock:
            if self._grant is not None:
                self.limiter.give_back(self._grant)
            else:
                self._free += 1

    @contextmanager
    def paid(self) -> Iterator[None]:
        """Charge before the enclosed generation; give it back if it fails (not if refused)."""
        self._spend()
        try:
            yield
        except ContentFiltered:
            raise
        except BaseException:
            assert self._grant is not None
            self.limiter.give_back(self._grant)
            raise

    def _spend(self) -> None:
        with self._lock:
            refused = self._refused
            if refused is not None:
                # One exception object per raising thread: tracebacks are per object.
                raise RateLimited(
                    refused.message,
                    limit=refused.limit,
                    remaining=refused.remaining,
                    reset_s=refused.reset_s,
                )
            if self._grant is None:
                try:
                    self._grant = self.limiter.take(self.client, self.images - self._free)
                except RateLimited as refused:
                    self._refused = refused
                    raise


def _bucket(client: str, window: str, start: float, end: float) -> Bucket:
    return Bucket(day=_day(start), client=client, window=window, expires_at=end)


def _day(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%d")


def _refusal(
    client: str, images: int, what: str, window: Window, count: int, now: float
) -> RateLimited:
    assert window.limit is not None  # only a limited window refuses
    remaining = max(window.limit - count, 0)
    reset = max(math.ceil(window.bucket.expires_at - now), 1)
    asked = f"{images} image{'s' if images != 1 else ''}"
    return RateLimited(
        f"{what} needs {asked}, but client {client!r} has {remaining} left of its "
        f"{window.label}; ask for at most {remaining}, or retry in {reset} s.",
        limit=window.limit,
        remaining=remaining,
        reset_s=reset,
    )
