"""The records store: what genpic remembers between requests, behind one interface.

One ``RecordStore`` keeps seven kinds of record, each with the one operation that
matters when two requests race:

- **images**: one record per generated image, written once (``put_image``),
  listed newest first with an opaque cursor;
- **result cache**: cache key -> ``image_id``; ``cache_put`` is a conditional
  write that never replaces a live entry and says whether it won;
  ``cache_delete`` drops an entry only while it still names the same image;
- **enhancement cache**: key -> the stored enhancement/translation dict;
- **idempotency**: ``idempotency_begin`` claims a key atomically (exactly one
  caller sees ``NEW``), ``idempotency_complete`` stores the answer,
  ``idempotency_release`` forgets a failure that should be retried;
- **A/B arms**: sticky per user, put-if-absent (``assign_arm``);
- **feedback** and **counters**: additions only, never read-modify-write, so two
  writers cannot lose an increment (DynamoDB ``ADD``, SQLite transactions);
- **limit buckets**: one client's image count in one fixed window; ``take`` adds
  N only if the count stays within the limit (DynamoDB conditional ``ADD``, SQLite
  transaction), so concurrent takers never pass it; ``give_back`` refunds.

Entries that expire carry an ``expires_at`` (epoch seconds) checked on every
read: DynamoDB's TTL sweep and SQLite's lazy delete only reclaim space.
Backends take a ``clock`` so tests can move time.

Which idempotent failures are remembered (``should_remember``): every 2xx and
every 4xx but 409 and 429 is an answer the same body will always get again
(invalid input, content filtered, unknown image), so it is stored and replayed.
429, 409 and every 5xx (throttling, timeouts, storage or configuration faults)
are transient: the caller releases the key so that a retry runs afresh.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import json
import math
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from genpic import jsonbody
from genpic.errors import ValidationError

Clock = Callable[[], float]

#: How long an IN_PROGRESS idempotency claim holds before another caller may take it
#: over (its owner is presumed dead): above the longest request (29 s on Lambda).
DEFAULT_LEASE_S = 60.0

# Counter names (``add_counts`` / ``counts``); per-arm counters come from ``arm_counter``.
IMAGES = "images"
COST_USD = "cost_usd"
SAVED_USD = "saved_usd"
CACHE_HITS = "cache_hits"
CACHE_MISSES = "cache_misses"
ENHANCEMENT_FALLBACKS = "enhancement_fallbacks"
ARM_IMAGES = "images"
ARM_COST_USD = "cost_usd"
RATING_SUM = "rating_sum"
RATING_COUNT = "rating_count"
RATING_SQUARES = "rating_squares"
PREFERRED = "preferred"


def arm_counter(arm: str, name: str) -> str:
    """Return the counter name of ``name`` (e.g. ``RATING_SUM``) for A/B ``arm``."""
    return f"arm.{arm}.{name}"


def new_id() -> str:
    """Return a fresh random id (32 lowercase hex characters) for an image or a feedback."""
    return uuid.uuid4().hex


@dataclass(frozen=True)
class ImageRecord:
    """One generated image, as stored.

    Attributes
    ----------
    image_id
        Stable id (``new_id()``), returned in every success body.
    key
        The object key in the image store (``outputs/...``).
    created_at
        Epoch seconds; the listing order.
    prompt, enhanced_prompt, translated_prompt
        The prompt as given, and what enhancement or translation made of it.
    parameters
        The request's normalised parameters (JSON-serialisable).
    response
        The success body as first returned (JSON-serialisable; ``url`` may be
        stale): the result cache replays it with a fresh ``url``.
    """

    image_id: str
    key: str
    created_at: float
    prompt: str
    model: str
    engine: str
    seed: int
    cost_usd: float
    request_id: str
    enhanced_prompt: str | None = None
    translated_prompt: str | None = None
    ab_arm: str | None = None
    parameters: Mapping[str, Any] = field(default_factory=dict)
    timings_ms: Mapping[str, float] = field(default_factory=dict)
    response: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ImagePage:
    """A page of image records, newest first; ``cursor`` fetches the next (None: no more)."""

    images: list[ImageRecord]
    cursor: str | None


@dataclass(frozen=True)
class Feedback:
    """A rating (1-5) or a preference for one image, with the image's A/B arm if any."""

    image_id: str
    created_at: float
    rating: int | None = None
    preferred: bool | None = None
    user: str | None = None
    ab_arm: str | None = None


class IdempotencyState(Enum):
    """What ``idempotency_begin`` found."""

    NEW = "new"  # the caller owns the key: run the request, then complete or release
    IN_PROGRESS = "in_progress"  # another request with the same body is running
    DONE = "done"  # answered before: replay ``status`` and ``body``
    CONFLICT = "conflict"  # the key was used with another body (409)


@dataclass(frozen=True)
class IdempotencyClaim:
    """The outcome of ``idempotency_begin``; ``status``/``body`` are set when DONE."""

    state: IdempotencyState
    status: int | None = None
    body: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class ArmStats:
    """One A/B arm's figures."""

    images: int
    cost_usd: float
    rating_count: int
    rating_sum: float
    rating_squares: float
    preferred: int

    @property
    def mean_rating(self) -> float | None:
        """The mean rating, or None without ratings."""
        return self.rating_sum / self.rating_count if self.rating_count else None

    @property
    def rating_variance(self) -> float | None:
        """The sample variance of the ratings (n - 1), or None under two ratings."""
        n = self.rating_count
        if n < 2:
            return None
        return max(self.rating_squares - self.rating_sum**2 / n, 0.0) / (n - 1)


@dataclass(frozen=True)
class Stats:
    """Totals since the store was created."""

    images: int
    cost_usd: float
    saved_usd: float
    cache_hits: int
    cache_misses: int
    enhancement_fallbacks: int
    arms: dict[str, ArmStats]

    @property
    def cache_hit_rate(self) -> float | None:
        """Hits over cache lookups, or None before any lookup."""
        lookups = self.cache_hits + self.cache_misses
        return self.cache_hits / lookups if lookups else None


@dataclass(frozen=True)
class Bucket:
    """One client's image count in one fixed window (``take``, ``give_back``).

    Attributes
    ----------
    day
        The UTC day (``YYYY-MM-DD``) the window starts in: ``usage`` lists by it.
    client
        Who is counted (``genpic.limits.identity``).
    window
        Which window of that day: ``"day"``, or ``"<seconds>s@<start epoch>"``.
    expires_at
        Epoch seconds when the window ends; its count is gone after.
    """

    day: str
    client: str
    window: str
    expires_at: float


@dataclass(frozen=True)
class Taken:
    """What ``take`` did: ``ok`` when it counted; ``count`` is the bucket's count now."""

    ok: bool
    count: int


@dataclass(frozen=True)
class Usage:
    """One live bucket's count, as ``usage`` lists it."""

    client: str
    window: str
    count: int


class RecordStore(ABC):
    """Everything genpic remembers between requests (DynamoDB on AWS, SQLite locally).

    Parameters
    ----------
    cache_ttl_s
        Lifetime of result- and enhancement-cache entries (``GENPIC_CACHE_TTL_DAYS``).
    clock
        Epoch seconds now; tests pass a fake to move time.
    """

    name: str

    def __init__(self, *, cache_ttl_s: float, clock: Clock) -> None:
        self.cache_ttl_s = cache_ttl_s
        self.clock = clock

    # ------------------------------------------------------------------ images
    @abstractmethod
    def put_image(self, record: ImageRecord) -> None:
        """Store ``record`` and add ``image_counts(record)`` to the counters.

        Raises
        ------
        ValueError
            An image with this ``image_id`` exists already (ids are never reused).
        """

    @abstractmethod
    def get_image(self, image_id: str) -> ImageRecord | None:
        """Return the image record ``image_id``, or None."""

    @abstractmethod
    def list_images(self, limit: int = 20, cursor: str | None = None) -> ImagePage:
        """Return up to ``limit`` image records, newest first, after ``cursor``.

        Raises
        ------
        ValidationError
            ``cursor`` is not one this store handed out (field ``cursor``).
        """

    # ------------------------------------------------------------ result cache
    @abstractmethod
    def cache_get(self, key: str) -> str | None:
        """Return the ``image_id`` cached under ``key`` while it is live, else None."""

    @abstractmethod
    def cache_put(self, key: str, image_id: str) -> bool:
        """Cache ``image_id`` under ``key`` for ``cache_ttl_s`` unless a live entry exists.

        Returns
        -------
        bool
            True when this write won; False when a live entry was there (keep it).
        """

    @abstractmethod
    def cache_delete(self, key: str, image_id: str) -> None:
        """Drop the entry under ``key`` if it still points at ``image_id``.

        Called when that image's object has vanished, so that the next fill wins;
        an entry another request has meanwhile pointed elsewhere is kept.
        """

    # ------------------------------------------------------- enhancement cache
    @abstractmethod
    def enhancement_get(self, key: str) -> dict[str, Any] | None:
        """Return the enhancement/translation dict cached under ``key`` while live, else None."""

    @abstractmethod
    def enhancement_put(self, key: str, value: Mapping[str, Any]) -> None:
        """Cache ``value`` (JSON-serialisable) under ``key`` for ``cache_ttl_s``; last one wins."""

    # ------------------------------------------------------------- idempotency
    @abstractmethod
    def idempotency_begin(
        self, key: str, fingerprint: str, ttl_s: float, *, lease_s: float = DEFAULT_LEASE_S
    ) -> IdempotencyClaim:
        """Claim ``key`` for a request whose body hashes to ``fingerprint``.

        Exactly one of any number of concurrent callers gets ``NEW``. A key whose
        record expired (``ttl_s`` after the claim), was released, or whose
        IN_PROGRESS claim is older than ``lease_s`` (its owner died) is NEW again.
        A different fingerprint is ``CONFLICT`` in every other state.
        """

    @abstractmethod
    def idempotency_complete(self, key: str, status: int, body: Mapping[str, Any]) -> None:
        """Store the answer (HTTP ``status``, JSON ``body``) of the request owning ``key``."""

    @abstractmethod
    def idempotency_release(self, key: str) -> None:
        """Forget ``key`` after a transient failure (see ``should_remember``), so a retry runs."""

    # --------------------------------------------------------------- A/B arms
    @abstractmethod
    def assign_arm(self, user: str, arm: str) -> str:
        """Give ``user`` the arm ``arm`` unless they have one; return the arm they have now."""

    # ---------------------------------------------------- feedback and counts
    @abstractmethod
    def add_feedback(self, feedback: Feedback) -> None:
        """Store ``feedback`` and add ``feedback_counts(feedback)`` to the counters."""

    @abstractmethod
    def add_counts(self, counts: Mapping[str, float]) -> None:
        """Atomically add each value to its named counter (created at 0)."""

    @abstractmethod
    def counts(self) -> dict[str, float]:
        """Return every counter's current value."""

    # ---------------------------------------------------------- limit buckets
    @abstractmethod
    def take(self, bucket: Bucket, n: int, limit: int | None) -> Taken:
        """Add ``n`` to ``bucket`` if its count stays at most ``limit`` (None: no limit).

        Atomic: of any number of concurrent takers, only those that fit are counted.
        A window's bucket is keyed by its start, so a new window starts from zero.
        """

    @abstractmethod
    def give_back(self, bucket: Bucket, n: int) -> None:
        """Take ``n`` off ``bucket`` (a refund), never below zero."""

    @abstractmethod
    def usage(self, day: str) -> list[Usage]:
        """Return every live bucket of UTC ``day`` (``YYYY-MM-DD``)."""

    def stats(self) -> Stats:
        """Return the totals and per-arm figures built from ``counts()``."""
        counts = self.counts()
        arms = sorted(
            {name.split(".")[1] for name in counts if name.startswith("arm.")},
        )

        def whole(name: str) -> int:
            return math.floor(counts.get(name, 0) + 0.5)

        return Stats(
            images=whole(IMAGES),
            cost_usd=round(counts.get(COST_USD, 0.0), 6),
            saved_usd=round(counts.get(SAVED_USD, 0.0), 6),
            cache_hits=whole(CACHE_HITS),
            cache_misses=whole(CACHE_MISSES),
            enhancement_fallbacks=whole(ENHANCEMENT_FALLBACKS),
            arms={
                arm: ArmStats(
                    images=whole(arm_counter(arm, ARM_IMAGES)),
                    cost_usd=round(counts.get(arm_counter(arm, ARM_COST_USD), 0.0), 6),
                    rating_count=whole(arm_counter(arm, RATING_COUNT)),
                    rating_sum=counts.get(arm_counter(arm, RATING_SUM), 0.0),
                    rating_squares=counts.get(arm_counter(arm, RATING_SQUARES), 0.0),
                    preferred=whole(arm_counter(arm, PREFERRED)),
                )
                for arm in arms
            },
        )


def should_remember(status: int) -> bool:
    """Tell whether an idempotent answer with HTTP ``status`` is stored (else released)."""
    return status < 500 and status not in (409, 429)


def image_counts(record: ImageRecord) -> dict[str, float]:
    """Return the counter additions one new image makes (``put_image`` applies them)."""
    counts = {IMAGES: 1.0, COST_USD: record.cost_usd}
    if record.response.get("enhancement", {}).get("status") == "fallback":
        counts[ENHANCEMENT_FALLBACKS] = 1.0
    if record.ab_arm:
        counts[arm_counter(record.ab_arm, ARM_IMAGES)] = 1.0
        counts[arm_counter(record.ab_arm, ARM_COST_USD)] = record.cost_usd
    return counts


def feedback_counts(feedback: Feedback) -> dict[str, float]:
    """Return the counter additions one feedback makes (``add_feedback`` applies them)."""
    if not feedback.ab_arm:
        return {}
    counts: dict[str, float] = {}
    if feedback.rating is not None:
        counts[arm_counter(feedback.ab_arm, RATING_COUNT)] = 1.0
        counts[arm_counter(feedback.ab_arm, RATING_SUM)] = float(feedback.rating)
        counts[arm_counter(feedback.ab_arm, RATING_SQUARES)] = float(feedback.rating**2)
    if feedback.preferred:
        counts[arm_counter(feedback.ab_arm, PREFERRED)] = 1.0
    return counts


def record_to_json(record: ImageRecord) -> str:
    """Return ``record`` as the JSON text both backends store."""
    return json.dumps(dataclasses.asdict(record), separators=(",", ":"))


def record_from_json(text: str) -> ImageRecord:
    """Return the record ``record_to_json`` wrote."""
    return ImageRecord(**json.loads(text))


def encode_cursor(position: Mapping[str, Any]) -> str:
    """Return an opaque, URL-safe cursor for a backend's listing ``position``."""
    raw = json.dumps(position, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, fields: Mapping[str, type]) -> dict[str, Any]:
    """Return the position ``encode_cursor`` encoded, checking it has ``fields`` (name: type).

    Raises
    ------
    ValidationError
        Anything else (field ``cursor``): a forged cursor is the caller's mistake, not a 5xx.
    """
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        position = jsonbody.loads(raw, field="cursor")
    except (binascii.Error, ValueError, ValidationError):
        position = None
    if not isinstance(position, dict) or not all(
        isinstance(position.get(name), kind) for name, kind in fields.items()
    ):
        raise ValidationError(
            "cursor is not one this server handed out; start again without it.", field="cursor"
        )
    return position
