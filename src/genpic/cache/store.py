"""What the caches and idempotency need from the records store, and nothing more.

The records store (``genpic.records``) implements these on SQLite and DynamoDB;
this protocol keeps the cache code independent of how it does so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class IdempotencyRecord:
    """An idempotency key's claim and, once finished, the answer it got.

    Attributes
    ----------
    fingerprint
        What identifies the request that claimed the key.
    lease_until
        Wall-clock seconds after which an unfinished claim may be taken over.
    status, body
        The answer, or None while the first request still runs.
    """

    fingerprint: str
    lease_until: float
    status: int | None = None
    body: dict[str, Any] | None = None


class CacheRecords(Protocol):
    """Cache entries with expiry, idempotency claims, and image records."""

    def get_cached(self, kind: str, key: str, *, now: float) -> dict[str, Any] | None:
        """Return the live entry ``kind``/``key`` (not expired at ``now``), or None."""

    def put_cached(
        self, kind: str, key: str, item: dict[str, Any], *, now: float, expires: float
    ) -> bool:
        """Write the entry unless a live one exists (a conditional write); True if written."""

    def delete_cached(self, kind: str, key: str) -> None:
        """Remove the entry, if any."""

    def claim_idempotency(
        self, key: str, fingerprint: str, *, now: float, lease_until: float
    ) -> IdempotencyRecord | None:
        """Claim ``key``; None if claimed now, else the record that holds it.

        A claim whose lease ran out without an answer, or an answer past its
        expiry, is taken over as if absent. Exactly one of several concurrent
        claimants wins.
        """

    def finish_idempotency(
        self, key: str, status: int, body: dict[str, Any], *, expires: float
    ) -> None:
        """Store the answer to the claimed ``key``, kept until ``expires``."""

    def release_idempotency(self, key: str) -> None:
        """Drop the claim on ``key`` so that a retry runs again."""

    def put_image(self, record: dict[str, Any]) -> None:
        """Keep the record of one generated image (``record["image_id"]`` is its id)."""
