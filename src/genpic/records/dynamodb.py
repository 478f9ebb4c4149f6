"""The records store in one DynamoDB table (``GENPIC_TABLE``), the default on Lambda.

The key design and access patterns are in ``genpic.records.dynamotable``. Races
are settled by conditional PutItem (one winner; the loser reads what won) and
counters by UpdateItem ``ADD``. An image and its counters, or a feedback and
its counters, are two writes rather than one transaction: every image and every
feedback updates the one counters item, and concurrent transactions on one item
fail with TransactionConflict, while concurrent ``ADD``s simply queue.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Mapping
from decimal import Decimal
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
from genpic.records.dynamotable import (
    PK,
    RECENT_INDEX,
    RECENT_PK,
    RECENT_SK,
    SK,
    TTL_ATTRIBUTE,
    ConditionFailed,
    Table,
    key,
)
from genpic.settings import Settings

_RECENT_PARTITION = "IMAGES"
_ABSENT = f"attribute_not_exists({PK})"
_EXPIRED = f"{TTL_ATTRIBUTE} <= :now"
# A claim is free when absent, expired, or abandoned mid-run by its owner (lease over).
_CLAIMABLE = (
    f"{_ABSENT} OR {_EXPIRED} OR "
    "(fingerprint = :fp AND attribute_not_exists(answer) AND lease_until <= :now)"
)
# A limit bucket's attributes ("count" and "window" are DynamoDB reserved words).
_BUCKET_NAMES = {"#t": "taken", "#c": "client", "#w": "period", "#e": TTL_ATTRIBUTE}
# Claims race with releases; a claim that lost to a key released meanwhile tries again.
_CLAIM_ATTEMPTS = 5


class DynamoRecords(RecordStore):
    """Records in the DynamoDB table ``GENPIC_TABLE``."""

    name = "dynamodb"

    def __init__(self, settings: Settings, *, clock: Clock = time.time) -> None:
        super().__init__(cache_ttl_s=settings.cache_ttl_days * 86400, clock=clock)
        self.table = Table(settings)

    def put_image(self, record: ImageRecord) -> None:
        """Write ``record`` unless its id exists, then count it."""
        item = {
            **key("IMAGE", record.image_id),
            RECENT_PK: {"S": _RECENT_PARTITION},
            RECENT_SK: {"S": f"{record.created_at:020.6f}#{record.image_id}"},
            "record": {"S": record_to_json(record)},
        }
        try:
            self._put(item, _ABSENT, {})
        except ConditionFailed:
            raise ValueError(f"image {record.image_id} exists already") from None
        self.add_counts(image_counts(record))

    def get_image(self, image_id: str) -> ImageRecord | None:
        """Return the image record ``image_id``, or None."""
        item = self._get(key("IMAGE", image_id))
        return None if item is None else record_from_json(item["record"]["S"])

    def list_images(self, limit: int = 20, cursor: str | None = None) -> ImagePage:
        """Query the "recent" index newest first; the cursor is the last item's keys."""
        query: dict[str, Any] = {
            "IndexName": RECENT_INDEX,
            "KeyConditionExpression": f"{RECENT_PK} = :p",
            "ExpressionAttributeValues": {":p": {"S": _RECENT_PARTITION}},
            "ScanIndexForward": False,
            # One more than asked tells whether another page exists.
            "Limit": limit + 1,
        }
        if cursor:
            position = decode_cursor(cursor, dict.fromkeys((PK, SK, RECENT_PK, RECENT_SK), str))
            query["ExclusiveStartKey"] = {
                name: {"S": position[name]} for name in (PK, SK, RECENT_PK, RECENT_SK)
            }
        client = self.table.client()
        with self.table.errors():
            items = client.query(TableName=self.table.name, **query)["Items"]
        page = items[:limit]
        next_cursor = None
        if len(items) > limit and page:
            last = page[-1]
            next_cursor = encode_cursor(
                {name: last[name]["S"] for name in (PK, SK, RECENT_PK, RECENT_SK)}
            )
        return ImagePage([record_from_json(item["record"]["S"]) for item in page], next_cursor)

    def cache_get(self, key_: str) -> str | None:
        """Return the live ``image_id`` cached under ``key_``, else None."""
        item = self._live(key("CACHE", key_))
        return None if item is None else str(item["image_id"]["S"])

    def cache_put(self, key_: str, image_id: str) -> bool:
        """Cache ``image_id`` unless a live entry exists; True when this write won."""
        now = self.clock()
        item = {
            **key("CACHE", key_),
            "image_id": {"S": image_id},
            TTL_ATTRIBUTE: _number(math.ceil(now + self.cache_ttl_s)),
        }
        try:
            self._put(item, f"{_ABSENT} OR {_EXPIRED}", {":now": _number(now)})
        except ConditionFailed:
            return False
        return True

    def cache_delete(self, key_: str, image_id: str) -> None:
        """Delete the entry under ``key_`` on condition that it still names ``image_id``."""
        client = self.table.client()
        try:
            with self.table.errors():
                client.delete_item(
                    TableName=self.table.name,
                    Key=key("CACHE", key_),
                    ConditionExpression="image_id = :id",
                    ExpressionAttributeValues={":id": {"S": image_id}},
                )
        except ConditionFailed:
            pass  # absent, or already refilled by another request: keep what is there

    def enhancement_get(self, key_: str) -> dict[str, Any] | None:
        """Return the live enhancement dict cached under ``key_``, else None."""
        item = self._live(key("ENHANCEMENT", key_))
        return None if item is None else dict(json.loads(item["value"]["S"]))

    def enhancement_put(self, key_: str, value: Mapping[str, Any]) -> None:
        """Cache ``value`` under ``key_``; last one wins."""
        expires = math.ceil(self.clock() + self.cache_ttl_s)
        item = {
            **key("ENHANCEMENT", key_),
            "value": {"S": json.dumps(value)},
            TTL_ATTRIBUTE: _number(expires),
        }
        self._put(item, None, {})

    def idempotency_begin(
        self, key_: str, fingerprint: str, ttl_s: float, *, lease_s: float = DEFAULT_LEASE_S
    ) -> IdempotencyClaim:
        """Claim ``key_`` with a conditional put; on losing, read what holds it."""
        for _ in range(_CLAIM_ATTEMPTS):
            now = self.clock()
            item = {
                **key("IDEMPOTENCY", key_),
                "fingerprint": {"S": fingerprint},
                "lease_until": _number(now + lease_s),
                TTL_ATTRIBUTE: _number(math.ceil(now + ttl_s)),
            }
            try:
                self._put(item, _CLAIMABLE, {":now": _number(now), ":fp": {"S": fingerprint}})
            except ConditionFailed:
                held = self._live(key("IDEMPOTENCY", key_), consistent=True)
                if held is None:
                    continue  # released or expired between the put and the read
                return _claim_of(held, fingerprint)
            return IdempotencyClaim(IdempotencyState.NEW)
        return IdempotencyClaim(IdempotencyState.IN_PROGRESS)

    def idempotency_complete(self, key_: str, status: int, body: Mapping[str, Any]) -> None:
        """Store the answer for ``key_``."""
        client = self.table.client()
        with self.table.errors():
            client.update_item(
                TableName=self.table.name,
                Key=key("IDEMPOTENCY", key_),
                UpdateExpression="SET answer = :a",
                ExpressionAttributeValues={
                    ":a": {"M": {"status": _number(status), "body": {"S": json.dumps(body)}}}
                },
            )

    def idempotency_release(self, key_: str) -> None:
        """Forget ``key_``."""
        client = self.table.client()
        with self.table.errors():
            client.delete_item(TableName=self.table.name, Key=key("IDEMPOTENCY", key_))

    def assign_arm(self, user: str, arm: str) -> str:
        """Put ``arm`` for ``user`` if absent; else return the one stored."""
        try:
            self._put({**key("ARM", user), "arm": {"S": arm}}, _ABSENT, {})
        except ConditionFailed:
            held = self._get(key("ARM", user), consistent=True)
            return str(held["arm"]["S"]) if held else arm
        return arm

    def add_feedback(self, feedback: Feedback) -> None:
        """Store ``feedback`` under its image's partition, then count it."""
        item: dict[str, Any] = {
            **key("IMAGE", feedback.image_id, f"FEEDBACK#{feedback.created_at:020.6f}#{new_id()}"),
            "created_at": _number(feedback.created_at),
        }
        if feedback.rating is not None:
            item["rating"] = _number(feedback.rating)
        if feedback.preferred is not None:
            item["preferred"] = {"BOOL": feedback.preferred}
        for name in ("user", "ab_arm"):
            if getattr(feedback, name):
                item[name] = {"S": getattr(feedback, name)}
        self._put(item, None, {})
        self.add_counts(feedback_counts(feedback))

    def add_counts(self, counts: Mapping[str, float]) -> None:
        """``ADD`` every counter in one UpdateItem on the counters item."""
        if not counts:
            return
        names = {f"#c{i}": name for i, name in enumerate(counts)}
        values = {f":c{i}": _number(value) for i, value in enumerate(counts.values())}
        client = self.table.client()
        with self.table.errors():
            client.update_item(
                TableName=self.table.name,
                Key=key("STATS", sort="COUNTERS"),
                UpdateExpression="ADD " + ", ".join(f"#c{i} :c{i}" for i in range(len(counts))),
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
            )

    def counts(self) -> dict[str, float]:
        """Return every counter (a strongly consistent read)."""
        item = self._get(key("STATS", sort="COUNTERS"), consistent=True) or {}
        return {name: float(value["N"]) for name, value in item.items() if name not in (PK, SK)}

    def take(self, bucket: Bucket, n: int, limit: int | None) -> Taken:
        """``ADD`` ``n`` on condition that the count stays within ``limit``; else read it."""
        values: dict[str, Any] = {
            ":n": _number(n),
            ":c": {"S": bucket.client},
            ":w": {"S": bucket.window},
            ":e": _number(math.ceil(bucket.expires_at)),
        }
        extra: dict[str, Any] = {}
        if limit is not None:
            if n > limit:
                return Taken(False, self._bucket_count(bucket))
            values[":room"] = _number(limit - n)
            extra["ConditionExpression"] = "attribute_not_exists(#t) OR #t <= :room"
        client = self.table.client()
        try:
            with self.table.errors():
                answer = client.update_item(
                    TableName=self.table.name,
                    Key=_bucket_key(bucket),
                    UpdateExpression="ADD #t :n SET #c = :c, #w = :w, #e = :e",
                    ExpressionAttributeNames=_BUCKET_NAMES,
                    ExpressionAttributeValues=values,
                    ReturnValues="ALL_NEW",
                    **extra,
                )
        except ConditionFailed:
            return Taken(False, self._bucket_count(bucket))
        return Taken(True, int(answer["Attributes"]["taken"]["N"]))

    def give_back(self, bucket: Bucket, n: int) -> None:
        """``ADD`` ``-n`` if the count is at least ``n``, else set it to zero (if it exists)."""
        client = self.table.client()
        names = {"#t": "taken"}
        for update, condition, values in (
            ("ADD #t :minus", "#t >= :n", {":minus": _number(-n), ":n": _number(n)}),
            ("SET #t = :zero", "#t < :n", {":zero": _number(0), ":n": _number(n)}),
        ):
            try:
                with self.table.errors():
                    client.update_item(
                        TableName=self.table.name,
                        Key=_bucket_key(bucket),
                        UpdateExpression=update,
                        ConditionExpression=condition,
                        ExpressionAttributeNames=names,
                        ExpressionAttributeValues=values,
                    )
            except ConditionFailed:
                continue  # under n (try zero), or no bucket at all: nothing to refund
            return

    def usage(self, day: str) -> list[Usage]:
        """Query the day's partition (strongly consistent), live buckets only."""
        client = self.table.client()
        query: dict[str, Any] = {
            "TableName": self.table.name,
            "KeyConditionExpression": f"{PK} = :p",
            "ExpressionAttributeValues": {":p": key("LIMIT", day)[PK]},
            "ConsistentRead": True,
        }
        items: list[Any] = []
        with self.table.errors():
            while True:
                page = client.query(**query)
                items += page["Items"]
                if "LastEvaluatedKey" not in page:
                    break
                query["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        now = self.clock()
        return sorted(
            (
                Usage(item["client"]["S"], item["period"]["S"], int(item["taken"]["N"]))
                for item in items
                if float(item[TTL_ATTRIBUTE]["N"]) > now
            ),
            key=lambda usage: (usage.client, usage.window),
        )

    def _bucket_count(self, bucket: Bucket) -> int:
        item = self._live(_bucket_key(bucket), consistent=True)
        return int(item["taken"]["N"]) if item else 0

    def _put(self, item: dict[str, Any], condition: str | None, values: dict[str, Any]) -> None:
        extra: dict[str, Any] = {}
        if condition:
            extra["ConditionExpression"] = condition
        if values:
            extra["ExpressionAttributeValues"] = values
        client = self.table.client()
        with self.table.errors():
            client.put_item(TableName=self.table.name, Item=item, **extra)

    def _get(self, item_key: dict[str, Any], *, consistent: bool = False) -> Any:
        client = self.table.client()
        with self.table.errors():
            answer = client.get_item(
                TableName=self.table.name, Key=item_key, ConsistentRead=consistent
            )
        return answer.get("Item")

    def _live(self, item_key: dict[str, Any], *, consistent: bool = False) -> Any:
        # DynamoDB's TTL sweep runs days late: an expired item is treated as absent.
        item = self._get(item_key, consistent=consistent)
        if item is None or float(item[TTL_ATTRIBUTE]["N"]) <= self.clock():
            return None
        return item


def _claim_of(held: Mapping[str, Any], fingerprint: str) -> IdempotencyClaim:
    if held["fingerprint"]["S"] != fingerprint:
        return IdempotencyClaim(IdempotencyState.CONFLICT)
    if "answer" in held:
        answer = held["answer"]["M"]
        return IdempotencyClaim(
            IdempotencyState.DONE, int(answer["status"]["N"]), json.loads(answer["body"]["S"])
        )
    return IdempotencyClaim(IdempotencyState.IN_PROGRESS)


def _bucket_key(bucket: Bucket) -> dict[str, Any]:
    return key("LIMIT", bucket.day, f"{bucket.window}#{bucket.client}")


def _number(value: float) -> dict[str, str]:
    if value == int(value):
        return {"N": str(int(value))}
    # Decimal(repr) keeps a float's shortest exact decimal form (0.04, not 0.0400000000000000008).
    return {"N": str(Decimal(repr(value)))}
