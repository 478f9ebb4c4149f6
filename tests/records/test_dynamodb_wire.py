"""What the DynamoDB backend actually writes: the documented keys, TTL attribute and counters."""

from __future__ import annotations

from typing import Any

from genpic.records.base import Feedback, RecordStore, arm_counter
from genpic.records.dynamodb import DynamoRecords
from genpic.settings import Settings
from tests.conftest import RECORDS_TABLE
from tests.records.conftest import START, FakeClock
from tests.records.test_contract import image


def items(dynamodb: Any) -> dict[tuple[str, str], dict[str, Any]]:
    scanned = dynamodb.scan(TableName=RECORDS_TABLE, ConsistentRead=True)["Items"]
    return {(item["pk"]["S"], item["sk"]["S"]): item for item in scanned}


def store(clock: FakeClock) -> RecordStore:
    return DynamoRecords(Settings.from_env(), clock=clock)


def test_items_follow_the_documented_key_design(dynamodb: Any, clock: FakeClock) -> None:
    records = store(clock)
    record = image(START + 1.5, arm="plain")
    records.put_image(record)
    records.cache_put("c1", record.image_id)
    records.enhancement_put("e1", {"enhanced_prompt": "x"})
    records.idempotency_begin("i1", "fp", 3600)
    records.assign_arm("ann", "plain")
    records.add_feedback(Feedback(record.image_id, START + 2, rating=5, ab_arm="plain"))

    stored = items(dynamodb)
    image_item = stored[(f"IMAGE#{record.image_id}", "IMAGE")]
    assert image_item["recent_pk"] == {"S": "IMAGES"}
    assert image_item["recent_sk"]["S"] == f"{START + 1.5:020.6f}#{record.image_id}"
    cache = stored[("CACHE#c1", "CACHE")]
    assert cache["image_id"] == {"S": record.image_id}
    # TTL needs whole epoch seconds in a Number attribute.
    assert cache["expires_at"] == {"N": str(int(START + 30 * 86400))}
    assert "expires_at" in stored[("ENHANCEMENT#e1", "ENHANCEMENT")]
    assert stored[("IDEMPOTENCY#i1", "IDEMPOTENCY")]["expires_at"] == {"N": str(int(START + 3600))}
    assert stored[("ARM#ann", "ARM")]["arm"] == {"S": "plain"}
    (feedback_key,) = [k for k in stored if k[1].startswith("FEEDBACK#")]
    assert feedback_key[0] == f"IMAGE#{record.image_id}"
    assert stored[feedback_key]["rating"] == {"N": "5"}
    counters = stored[("STATS", "COUNTERS")]
    assert counters["images"] == {"N": "1"}
    assert counters["cost_usd"] == {"N": "0.04"}  # exact decimals, no float noise
    assert counters[arm_counter("plain", "rating_squares")] == {"N": "25"}
    assert set(stored) == {
        (f"IMAGE#{record.image_id}", "IMAGE"),
        ("CACHE#c1", "CACHE"),
        ("ENHANCEMENT#e1", "ENHANCEMENT"),
        ("IDEMPOTENCY#i1", "IDEMPOTENCY"),
        ("ARM#ann", "ARM"),
        feedback_key,
        ("STATS", "COUNTERS"),
    }


def test_an_expired_item_the_ttl_sweep_left_behind_is_replaced(
    dynamodb: Any, clock: FakeClock
) -> None:
    records = store(clock)
    records.cache_put("c1", "old")
    clock.advance(records.cache_ttl_s + 1)
    assert ("CACHE#c1", "CACHE") in items(dynamodb)  # still there, as on AWS for a while
    assert records.cache_get("c1") is None
    assert records.cache_put("c1", "new") is True
    assert items(dynamodb)[("CACHE#c1", "CACHE")]["image_id"] == {"S": "new"}


def test_the_table_was_created_with_ttl_on_expires_at(dynamodb: Any) -> None:
    ttl = dynamodb.describe_time_to_live(TableName=RECORDS_TABLE)["TimeToLiveDescription"]
    assert (ttl["AttributeName"], ttl["TimeToLiveStatus"]) == ("expires_at", "ENABLED")
