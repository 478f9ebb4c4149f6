"""The records store in a SQLite file: the embedded default, zero set-up.

Every conditional write and counter runs inside one ``BEGIN IMMEDIATE``
transaction (``genpic.records.sqlitedb``), so the read that decides and the
write that follows are atomic across threads and processes. Expired rows are
ignored on read and replaced on write; nothing sweeps them.
"""

from __future__ import annotations

import json
import sqlite3
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
    decode_cursor,
    encode_cursor,
    feedback_counts,
    image_counts,
    new_id,
    record_from_json,
    record_to_json,
)
from genpic.records.sqlitedb import Database, database_path
from genpic.settings import Settings

SCHEMA = """
CREATE TABLE IF NOT EXISTS images (
    image_id TEXT PRIMARY KEY, created_at REAL NOT NULL, record TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS images_recent ON images (created_at DESC, image_id DESC);
CREATE TABLE IF NOT EXISTS result_cache (
    key TEXT PRIMARY KEY, image_id TEXT NOT NULL, expires_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS enhancement_cache (
    key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS idempotency (
    key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, status INTEGER, body TEXT,
    lease_until REAL NOT NULL, expires_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS ab_arms (user TEXT PRIMARY KEY, arm TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS feedback (
    feedback_id TEXT PRIMARY KEY, image_id TEXT NOT NULL, created_at REAL NOT NULL,
    rating INTEGER, preferred INTEGER, user TEXT, ab_arm TEXT);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value REAL NOT NULL);
CREATE TABLE IF NOT EXISTS limit_buckets (
    day TEXT NOT NULL, client TEXT NOT NULL, period TEXT NOT NULL, taken INTEGER NOT NULL,
    expires_at REAL NOT NULL, PRIMARY KEY (day, client, period));
CREATE INDEX IF NOT EXISTS limit_buckets_expiry ON limit_buckets (expires_at)
"""
_BUCKET = "day = ? AND client = ? AND period = ?"
_ADD = (
    "INSERT INTO counters (name, value) VALUES (?, ?) "
    "ON CONFLICT (name) DO UPDATE SET value = value + excluded.value"
)


class SqliteRecords(RecordStore):
    """Records in ``GENPIC_DATA_DIR/records.sqlite3``."""

    name = "sqlite"

    def __init__(self, settings: Settings, *, clock: Clock = time.time) -> None:
        super().__init__(cache_ttl_s=settings.cache_ttl_days * 86400, clock=clock)
        self.database = Database(database_path(settings))
        self.database.ensure(SCHEMA)

    def put_image(self, record: ImageRecord) -> None:
        """Insert ``record`` and count it in one transaction."""
        with self.database.write() as db:
            try:
                db.execute(
                    "INSERT INTO images (image_id, created_at, record) VALUES (?, ?, ?)",
                    (record.image_id, record.created_at, record_to_json(record)),
                )
            except sqlite3.IntegrityError:
                raise ValueError(f"image {record.image_id} exists already") from None
            _add(db, image_counts(record))

    def get_image(self, image_id: str) -> ImageRecord | None:
        """Return the image record ``image_id``, or None."""
        with self.database.read() as db:
            row = db.execute("SELECT record FROM images WHERE image_id = ?", (image_id,)).fetchone()
        return None if row is None else record_from_json(row["record"])

    def list_images(self, limit: int = 20, cursor: str | None = None) -> ImagePage:
        """Return up to ``limit`` records, newest first, after ``cursor``."""
        after = (
            decode_cursor(cursor, {"t": float, "id": str})
            if cursor
            else {"t": float("inf"), "id": ""}
        )
        with self.database.read() as db:
            rows = db.execute(
                "SELECT record FROM images WHERE created_at < :t OR "
                "(created_at = :t AND image_id < :id) "
                "ORDER BY created_at DESC, image_id DESC LIMIT :n",
                {"t": after.get("t"), "id": after.get("id"), "n": limit + 1},
            ).fetchall()
        images = [record_from_json(row["record"]) for row in rows[:limit]]
        more = len(rows) > limit and images
        last = images[-1] if more else None
        return ImagePage(
            images,
            encode_cursor({"t": float(last.created_at), "id": last.image_id}) if last else None,
        )

    def cache_get(self, key: str) -> str | None:
        """Return the live ``image_id`` cached under ``key``, else None."""
        with self.database.read() as db:
            row = db.execute(
                "SELECT image_id FROM result_cache WHERE key = ? AND expires_at > ?",
                (key, self.clock()),
            ).fetchone()
        return None if row is None else str(row["image_id"])

    def cache_put(self, key: str, image_id: str) -> bool:
        """Cache ``image_id`` unless a live entry exists; True when this write won."""
        now = self.clock()
        with self.database.write() as db:
            changed = db.execute(
                "INSERT INTO result_cache (key, image_id, expires_at) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET image_id = excluded.image_id, "
                "expires_at = excluded.expires_at WHERE result_cache.expires_at <= ?",
                (key, image_id, now + self.cache_ttl_s, now),
            ).rowcount
        return changed == 1

    def cache_delete(self, key: str, image_id: str) -> None:
        """Drop the entry under ``key`` if it still names ``image_id``."""
        with self.database.write() as db:
            db.execute("DELETE FROM result_cache WHERE key = ? AND image_id = ?", (key, image_id))

    def enhancement_get(self, key: str) -> dict[str, Any] | None:
        """Return the live enhancement dict cached under ``key``, else None."""
        with self.database.read() as db:
            row = db.execute(
                "SELECT value FROM enhancement_cache WHERE key = ? AND expires_at > ?",
                (key, self.clock()),
            ).fetchone()
        return None if row is None else dict(json.loads(row["value"]))

    def enhancement_put(self, key: str, value: Mapping[str, Any]) -> None:
        """Cache ``value`` under ``key``; last one wins."""
        with self.database.write() as db:
            db.execute(
                "INSERT OR REPLACE INTO enhancement_cache (key, value, expires_at) "
                "VALUES (?, ?, ?)",
                (key, json.dumps(value), self.clock() + self.cache_ttl_s),
            )

    def idempotency_begin(
        self, key: str, fingerprint: str, ttl_s: float, *, lease_s: float = DEFAULT_LEASE_S
    ) -> IdempotencyClaim:
        """Claim ``key`` inside one write transaction (see ``RecordStore``)."""
        now = self.clock()
        with self.database.write() as db:
            row = db.execute("SELECT * FROM idempotency WHERE key = ?", (key,)).fetchone()
            if row is not None and row["expires_at"] > now:
                if row["fingerprint"] != fingerprint:
                    return IdempotencyClaim(IdempotencyState.CONFLICT)
                if row["status"] is not None:
                    return IdempotencyClaim(
                        IdempotencyState.DONE, row["status"], json.loads(row["body"])
                    )
                if row["lease_until"] > now:
                    return IdempotencyClaim(IdempotencyState.IN_PROGRESS)
            db.execute(
                "INSERT OR REPLACE INTO idempotency "
                "(key, fingerprint, status, body, lease_until, expires_at) "
                "VALUES (?, ?, NULL, NULL, ?, ?)",
                (key, fingerprint, now + lease_s, now + ttl_s),
            )
        return IdempotencyClaim(IdempotencyState.NEW)

    def idempotency_complete(self, key: str, status: int, body: Mapping[str, Any]) -> None:
        """Store the answer for ``key``."""
        with self.database.write() as db:
            db.execute(
                "UPDATE idempotency SET status = ?, body = ? WHERE key = ?",
                (status, json.dumps(body), key),
            )

    def idempotency_release(self, key: str) -> None:
        """Forget ``key``."""
        with self.database.write() as db:
            db.execute("DELETE FROM idempotency WHERE key = ?", (key,))

    def assign_arm(self, user: str, arm: str) -> str:
        """Give ``user`` ``arm`` unless they have one; return theirs."""
        with self.database.write() as db:
            db.execute("INSERT OR IGNORE INTO ab_arms (user, arm) VALUES (?, ?)", (user, arm))
            row = db.execute("SELECT arm FROM ab_arms WHERE user = ?", (user,)).fetchone()
        return str(row["arm"])

    def add_feedback(self, feedback: Feedback) -> None:
        """Insert ``feedback`` and add it to its arm's counters in one transaction."""
        with self.database.write() as db:
            db.execute(
                "INSERT INTO feedback (feedback_id, image_id, created_at, rating, preferred, "
                "user, ab_arm) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    new_id(),
                    feedback.image_id,
                    feedback.created_at,
                    feedback.rating,
                    feedback.preferred,
                    feedback.user,
                    feedback.ab_arm,
                ),
            )
            _add(db, feedback_counts(feedback))

    def add_counts(self, counts: Mapping[str, float]) -> None:
        """Add ``counts`` in one transaction."""
        with self.database.write() as db:
            _add(db, counts)

    def counts(self) -> dict[str, float]:
        """Return every counter."""
        with self.database.read() as db:
            rows = db.execute("SELECT name, value FROM counters").fetchall()
        return {row["name"]: float(row["value"]) for row in rows}

    def take(self, bucket: Bucket, n: int, limit: int | None) -> Taken:
        """Read the bucket's count and add ``n`` if it fits, in one write transaction."""
        now = self.clock()
        key = (bucket.day, bucket.client, bucket.window)
        with self.database.write() as db:
            # Windows end all the time; dropping ended ones here keeps the table small.
            db.execute("DELETE FROM limit_buckets WHERE expires_at <= ?", (now,))
            row = db.execute(f"SELECT taken FROM limit_buckets WHERE {_BUCKET}", key).fetchone()
            count = int(row["taken"]) if row else 0
            if limit is not None and count + n > limit:
                return Taken(False, count)
            db.execute(
                "INSERT OR REPLACE INTO limit_buckets (day, client, period, taken, expires_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (*key, count + n, bucket.expires_at),
            )
        return Taken(True, count + n)

    def give_back(self, bucket: Bucket, n: int) -> None:
        """Take ``n`` off the bucket, not below zero."""
        with self.database.write() as db:
            db.execute(
                f"UPDATE limit_buckets SET taken = MAX(taken - ?, 0) WHERE {_BUCKET}",
                (n, bucket.day, bucket.client, bucket.window),
            )

    def usage(self, day: str) -> list[Usage]:
        """Return the live buckets of ``day``."""
        with self.database.read() as db:
            rows = db.execute(
                "SELECT client, period, taken FROM limit_buckets WHERE day = ? AND expires_at > ? "
                "ORDER BY client, period",
                (day, self.clock()),
            ).fetchall()
        return [Usage(row["client"], row["period"], int(row["taken"])) for row in rows]


def _add(db: sqlite3.Connection, counts: Mapping[str, float]) -> None:
    db.executemany(_ADD, counts.items())
