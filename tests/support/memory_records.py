"""An in-memory ``RecordStore`` for tests of the caches and idempotency, one lock for atomicity.

It keeps the interface's race semantics (conditional writes, one NEW claimant)
so that race tests exercise genpic's logic; the SQLite and DynamoDB backends
have their own contract tests.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from typing import Any

from genpic.records.base import (
    DEFAULT_LEASE_S,
    Bucket,
    Clock,
    Feedback,
    IdempotencyClaim,
    IdempotencyState,
    ImagePage,
    ImageRecord,
    RecordStore,
    Taken,
    Usage,
    image_counts,
)


class MemoryRecords(RecordStore):
    """Records in dictionaries; every operation holds one lock."""

    name = "memory"

    def __init__(self, *, cache_ttl_s: float = 30 * 86400, clock: Clock = time.time) -> None:
        super().__init__(cache_ttl_s=cache_ttl_s, clock=clock)
        self._lock = threading.Lock()
        self.images: dict[str, ImageRecord] = {}
        self.cache: dict[str, tuple[str, float]] = {}
        self.prompts: dict[str, tuple[dict[str, Any], float]] = {}
        self.claims: dict[str, dict[str, Any]] = {}
        self.counters: dict[str, float] = {}
        self.buckets: dict[Bucket, int] = {}

    def put_image(self, record: ImageRecord) -> None:
        with self._lock:
            if record.image_id in self.images:
                raise ValueError(record.image_id)
            self.images[record.image_id] = record
            self._add(image_counts(record))

    def get_image(self, image_id: str) -> ImageRecord | None:
        return self.images.get(image_id)

    def list_images(self, limit: int = 20, cursor: str | None = None) -> ImagePage:
        ordered = sorted(self.images.values(), key=lambda r: -r.created_at)
        return ImagePage(ordered[:limit], None)

    def cache_get(self, key: str) -> str | None:
        entry = self.cache.get(key)
        return entry[0] if entry and entry[1] > self.clock() else None

    def cache_put(self, key: str, image_id: str) -> bool:
        with self._lock:
            if self.cache_get(key) is not None:
                return False
            self.cache[key] = (image_id, self.clock() + self.cache_ttl_s)
            return True

    def cache_delete(self, key: str, image_id: str) -> None:
        with self._lock:
            if key in self.cache and self.cache[key][0] == image_id:
                del self.cache[key]

    def enhancement_get(self, key: str) -> dict[str, Any] | None:
        entry = self.prompts.get(key)
        return dict(entry[0]) if entry and entry[1] > self.clock() else None

    def enhancement_put(self, key: str, value: Mapping[str, Any]) -> None:
        self.prompts[key] = (dict(value), self.clock() + self.cache_ttl_s)

    def idempotency_begin(
        self, key: str, fingerprint: str, ttl_s: float, *, lease_s: float = DEFAULT_LEASE_S
    ) -> IdempotencyClaim:
        with self._lock:
            now = self.clock()
            claim = self.claims.get(key)
            stale = claim is None or claim["expires"] <= now
            if not stale and claim is not None and claim["status"] is None:
                stale = claim["claimed"] + lease_s <= now
            if stale:
                self.claims[key] = {
                    "fingerprint": fingerprint,
                    "claimed": now,
                    "expires": now + ttl_s,
                    "status": None,
                    "body": None,
                }
                return IdempotencyClaim(IdempotencyState.NEW)
            assert claim is not None
            if claim["fingerprint"] != fingerprint:
                return IdempotencyClaim(IdempotencyState.CONFLICT)
            if claim["status"] is None:
                return IdempotencyClaim(IdempotencyState.IN_PROGRESS)
            return IdempotencyClaim(IdempotencyState.DONE, claim["status"], claim["body"])

    def idempotency_complete(self, key: str, status: int, body: Mapping[str, Any]) -> None:
        with self._lock:
            self.claims[key].update(status=status, body=dict(body))

    def idempotency_release(self, key: str) -> None:
        with self._lock:
            self.claims.pop(key, None)

    def assign_arm(self, user: str, arm: str) -> str:
        raise NotImplementedError

    def add_feedback(self, feedback: Feedback) -> None:
        raise NotImplementedError

    def add_counts(self, counts: Mapping[str, float]) -> None:
        with self._lock:
            self._add(counts)

    def counts(self) -> dict[str, float]:
        return dict(self.counters)

    def take(self, bucket: Bucket, n: int, limit: int | None) -> Taken:
        with self._lock:
            count = self.buckets.get(bucket, 0)
            if limit is not None and count + n > limit:
                return Taken(False, count)
            self.buckets[bucket] = count + n
            return Taken(True, count + n)

    def give_back(self, bucket: Bucket, n: int) -> None:
        with self._lock:
            self.buckets[bucket] = max(self.buckets.get(bucket, 0) - n, 0)

    def usage(self, day: str) -> list[Usage]:
        now = self.clock()
        return [
            Usage(b.client, b.window, count)
            for b, count in self.buckets.items()
            if b.day == day and b.expires_at > now
        ]

    def _add(self, counts: Mapping[str, float]) -> None:
        for name, value in counts.items():
            self.counters[name] = self.counters.get(name, 0.0) + value
