"""One contract for every RecordStore backend: each method, expiry, and the conditional writes."""

from __future__ import annotations

import pytest

from genpic.errors import ValidationError
from genpic.records.base import (
    Bucket,
    Feedback,
    IdempotencyClaim,
    IdempotencyState,
    ImageRecord,
    RecordStore,
    Taken,
    Usage,
    encode_cursor,
    new_id,
)
from tests.records.conftest import START, FakeClock

DAY = 86400.0


def image(created_at: float = START, *, arm: str | None = None, cost: float = 0.04) -> ImageRecord:
    return ImageRecord(
        image_id=new_id(),
        key=f"outputs/sd35_{created_at:.0f}.jpeg",
        created_at=created_at,
        prompt="a cat",
        model="stability.sd3-5-large-v1:0",
        engine="bedrock",
        seed=42,
        cost_usd=cost,
        request_id="req-1",
        enhanced_prompt="a majestic cat",
        translated_prompt=None,
        ab_arm=arm,
        parameters={"aspect_ratio": "16:9", "seed": 42},
        timings_ms={"generate": 812.5, "total": 901},
        response={"key": "outputs/x.jpeg", "cost_usd": cost, "width": 1024},
    )


def test_an_image_record_round_trips(records: RecordStore) -> None:
    record = image()
    records.put_image(record)
    assert records.get_image(record.image_id) == record
    assert records.get_image(new_id()) is None


def test_an_image_id_is_never_overwritten(records: RecordStore) -> None:
    record = image()
    records.put_image(record)
    with pytest.raises(ValueError, match="exists"):
        records.put_image(image().__class__(**{**record.__dict__, "prompt": "a dog"}))
    assert records.get_image(record.image_id) == record
    assert records.stats().images == 1


def test_listing_is_newest_first_and_the_cursor_walks_every_image_once(
    records: RecordStore,
) -> None:
    stored = [image(START + second) for second in (5, 1, 3, 2, 4)]
    # Whole-second times (an int) end the first page: the cursor must still round-trip.
    stored[3] = ImageRecord(**{**stored[3].__dict__, "created_at": int(START) + 2})
    same_time = image(START + 3)  # a tie on created_at still pages deterministically
    for record in [*stored, same_time]:
        records.put_image(record)
    seen: list[ImageRecord] = []
    cursor = None
    pages = 0
    while True:
        page = records.list_images(limit=5, cursor=cursor)
        seen += page.images
        pages += 1
        if page.cursor is None:
            break
        cursor = page.cursor
    assert pages == 2
    assert sorted(r.image_id for r in seen) == sorted(r.image_id for r in [*stored, same_time])
    times = [r.created_at for r in seen]
    assert times == sorted(times, reverse=True)
    assert records.list_images(limit=6).cursor is None


def test_an_empty_store_lists_nothing(records: RecordStore) -> None:
    page = records.list_images()
    assert (page.images, page.cursor) == ([], None)


@pytest.mark.parametrize("cursor", ["not-a-cursor!", encode_cursor({"t": "x", "pk": 1})])
def test_a_forged_cursor_is_a_validation_error_on_cursor(records: RecordStore, cursor: str) -> None:
    with pytest.raises(ValidationError) as caught:
        records.list_images(cursor=cursor)
    assert caught.value.field == "cursor"


def test_the_result_cache_keeps_the_first_live_entry_until_it_expires(
    records: RecordStore, clock: FakeClock
) -> None:
    assert records.cache_get("k") is None
    assert records.cache_put("k", "first") is True
    assert records.cache_put("k", "second") is False
    assert records.cache_get("k") == "first"
    clock.advance(records.cache_ttl_s - 60)
    assert records.cache_get("k") == "first"
    clock.advance(120)
    assert records.cache_get("k") is None
    assert records.cache_put("k", "third") is True
    assert records.cache_get("k") == "third"


def test_a_cache_entry_is_deleted_only_while_it_names_that_image(records: RecordStore) -> None:
    records.cache_delete("absent", "x")  # nothing to delete is not an error
    assert records.cache_put("k", "first") is True
    records.cache_delete("k", "other")
    assert records.cache_get("k") == "first"
    records.cache_delete("k", "first")
    assert records.cache_get("k") is None
    assert records.cache_put("k", "second") is True
    assert records.cache_get("k") == "second"


def test_the_cache_ttl_comes_from_the_setting(records: RecordStore) -> None:
    assert records.cache_ttl_s == 30 * DAY


def test_the_enhancement_cache_stores_a_dict_until_it_expires(
    records: RecordStore, clock: FakeClock
) -> None:
    value = {"enhanced_prompt": "a cat, golden hour", "translation": {"status": "skipped"}}
    assert records.enhancement_get("e") is None
    records.enhancement_put("e", value)
    assert records.enhancement_get("e") == value
    records.enhancement_put("e", {"enhanced_prompt": "newer"})
    assert records.enhancement_get("e") == {"enhanced_prompt": "newer"}
    clock.advance(records.cache_ttl_s + 1)
    assert records.enhancement_get("e") is None


def test_idempotency_new_then_in_progress_then_done(records: RecordStore) -> None:
    assert records.idempotency_begin("i", "fp", 3600).state is IdempotencyState.NEW
    assert records.idempotency_begin("i", "fp", 3600).state is IdempotencyState.IN_PROGRESS
    records.idempotency_complete("i", 200, {"image_id": "abc", "cost_usd": 0.04})
    assert records.idempotency_begin("i", "fp", 3600) == IdempotencyClaim(
        IdempotencyState.DONE, 200, {"image_id": "abc", "cost_usd": 0.04}
    )


def test_idempotency_another_body_is_a_conflict_in_every_state(records: RecordStore) -> None:
    records.idempotency_begin("i", "fp", 3600)
    assert records.idempotency_begin("i", "other", 3600).state is IdempotencyState.CONFLICT
    records.idempotency_complete("i", 400, {"error": "ValidationError"})
    assert records.idempotency_begin("i", "other", 3600).state is IdempotencyState.CONFLICT
    assert records.idempotency_begin("i", "fp", 3600).status == 400


def test_idempotency_release_lets_a_retry_run(records: RecordStore) -> None:
    records.idempotency_begin("i", "fp", 3600)
    records.idempotency_release("i")
    assert records.idempotency_begin("i", "other", 3600).state is IdempotencyState.NEW


def test_idempotency_records_expire(records: RecordStore, clock: FakeClock) -> None:
    records.idempotency_begin("i", "fp", 3600)
    records.idempotency_complete("i", 200, {"ok": True})
    clock.advance(3601)
    assert records.idempotency_begin("i", "other", 3600).state is IdempotencyState.NEW


def test_an_abandoned_claim_is_taken_over_after_its_lease(
    records: RecordStore, clock: FakeClock
) -> None:
    assert records.idempotency_begin("i", "fp", 3600, lease_s=60).state is IdempotencyState.NEW
    clock.advance(59)
    assert records.idempotency_begin("i", "fp", 3600).state is IdempotencyState.IN_PROGRESS
    clock.advance(2)
    assert records.idempotency_begin("i", "other", 3600).state is IdempotencyState.CONFLICT
    assert records.idempotency_begin("i", "fp", 3600).state is IdempotencyState.NEW
    assert records.idempotency_begin("i", "fp", 3600).state is IdempotencyState.IN_PROGRESS


def test_an_arm_is_sticky_per_user(records: RecordStore) -> None:
    assert records.assign_arm("ann", "plain") == "plain"
    assert records.assign_arm("ann", "enhanced") == "plain"
    assert records.assign_arm("bob", "enhanced") == "enhanced"


def test_images_and_feedback_add_up_to_the_hand_computed_stats(records: RecordStore) -> None:
    enhanced = [image(START + i, arm="enhanced", cost=0.08) for i in range(3)]
    plain = [image(START + 10 + i, arm="plain", cost=0.04) for i in range(2)]
    for record in [*enhanced, plain[0], plain[1], image(START + 20, cost=0.14)]:
        records.put_image(record)
    for record, rating in zip(enhanced, (5, 4, 2), strict=True):
        records.add_feedback(Feedback(record.image_id, START, rating=rating, ab_arm="enhanced"))
    records.add_feedback(Feedback(plain[0].image_id, START, rating=3, ab_arm="plain", user="ann"))
    records.add_feedback(Feedback(plain[1].image_id, START, preferred=True, ab_arm="plain"))
    records.add_counts({"cache_hits": 3, "cache_misses": 1, "saved_usd": 0.12})
    records.add_counts({"enhancement_fallbacks": 2})

    stats = records.stats()
    assert (stats.images, stats.cost_usd, stats.saved_usd) == (6, 0.46, 0.12)
    assert (stats.cache_hits, stats.cache_misses, stats.cache_hit_rate) == (3, 1, 0.75)
    assert stats.enhancement_fallbacks == 2
    arm = stats.arms["enhanced"]
    assert (arm.images, arm.cost_usd, arm.rating_count, arm.preferred) == (3, 0.24, 3, 0)
    assert arm.mean_rating == pytest.approx(11 / 3)
    # ratings 5, 4, 2: mean 11/3, squared deviations sum to 42 - 121/3 = 14/3, over n - 1 = 2.
    assert arm.rating_variance == pytest.approx(7 / 3)
    plain_arm = stats.arms["plain"]
    assert (plain_arm.images, plain_arm.rating_count, plain_arm.preferred) == (2, 1, 1)
    assert (plain_arm.mean_rating, plain_arm.rating_variance) == (3.0, None)


def test_a_fresh_store_has_zero_stats(records: RecordStore) -> None:
    stats = records.stats()
    assert (stats.images, stats.cost_usd, stats.cache_hit_rate, stats.arms) == (0, 0.0, None, {})


def bucket(client: str = "key:alice", window: str = "day", ends: float = START + DAY) -> Bucket:
    return Bucket(day="2025-06-15", client=client, window=window, expires_at=ends)


def test_take_counts_within_the_limit_and_refuses_what_would_pass_it(
    records: RecordStore,
) -> None:
    assert records.take(bucket(), 3, 5) == Taken(True, 3)
    assert records.take(bucket(), 3, 5) == Taken(False, 3)  # 6 > 5: nothing counted
    assert records.take(bucket(), 2, 5) == Taken(True, 5)
    assert records.take(bucket(), 1, 5) == Taken(False, 5)
    assert records.take(bucket(), 9, 4) == Taken(False, 5)  # more than the whole limit
    assert records.take(bucket(client="key:bob"), 5, 5) == Taken(True, 5)  # its own count


def test_take_without_a_limit_only_counts(records: RecordStore) -> None:
    assert records.take(bucket(), 40, None) == Taken(True, 40)
    assert records.take(bucket(), 2, None) == Taken(True, 42)


def test_give_back_refunds_and_never_goes_below_zero(records: RecordStore) -> None:
    records.take(bucket(), 4, 4)
    records.give_back(bucket(), 3)
    assert records.take(bucket(), 3, 4) == Taken(True, 4)
    records.give_back(bucket(), 10)
    records.give_back(bucket(client="nobody"), 1)  # no such bucket: nothing happens
    assert records.take(bucket(), 4, 4) == Taken(True, 4)


def test_usage_lists_the_days_live_buckets(records: RecordStore, clock: FakeClock) -> None:
    records.take(bucket(), 2, None)
    records.take(bucket(window="60s@1750000000", ends=START + 60), 1, 30)
    records.take(bucket(client="ip:203.0.113.10"), 1, None)
    other_day = Bucket(day="2025-06-16", client="key:alice", window="day", expires_at=START + DAY)
    records.take(other_day, 7, None)
    assert sorted(records.usage("2025-06-15"), key=lambda u: (u.client, u.window)) == [
        Usage("ip:203.0.113.10", "day", 1),
        Usage("key:alice", "60s@1750000000", 1),
        Usage("key:alice", "day", 2),
    ]
    clock.advance(61)  # the minute window has ended
    assert Usage("key:alice", "60s@1750000000", 1) not in records.usage("2025-06-15")
    assert records.usage("2025-06-17") == []
