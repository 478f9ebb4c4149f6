"""Many threads racing on one store: exactly one winner per conditional write, no lost counts."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from genpic.records.base import Bucket, Feedback, IdempotencyState, RecordStore, arm_counter
from tests.records.conftest import START

THREADS = 16
T = TypeVar("T")


def hammer(work: Callable[[int], T], times: int = THREADS) -> list[T]:
    """Run ``work(i)`` for each i on THREADS threads at once; return the results in order."""
    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(work, range(times)))


def test_one_cache_fill_wins_and_every_racer_then_reads_it(records: RecordStore) -> None:
    won = hammer(lambda i: records.cache_put("same", f"image-{i}"))
    assert won.count(True) == 1
    assert records.cache_get("same") == f"image-{won.index(True)}"


def test_one_identical_idempotent_request_owns_the_key(records: RecordStore) -> None:
    states = hammer(lambda _: records.idempotency_begin("key", "fp", 3600).state)
    assert states.count(IdempotencyState.NEW) == 1
    assert set(states) == {IdempotencyState.NEW, IdempotencyState.IN_PROGRESS}


def test_racing_bodies_on_one_key_yield_one_owner_and_conflicts(records: RecordStore) -> None:
    states = hammer(lambda i: records.idempotency_begin("key", f"fp{i % 2}", 3600).state)
    assert states.count(IdempotencyState.NEW) == 1
    assert IdempotencyState.CONFLICT in states


def test_a_user_gets_one_arm_whoever_asks_first(records: RecordStore) -> None:
    arms = hammer(lambda i: records.assign_arm("ann", ("plain", "enhanced")[i % 2]))
    assert len(set(arms)) == 1


def test_concurrent_counters_lose_no_increment(records: RecordStore) -> None:
    rounds = 5

    def bump(i: int) -> None:
        for _ in range(rounds):
            records.add_counts({"cache_hits": 1, "saved_usd": 0.04})
            records.add_feedback(Feedback(f"img{i}", START, rating=4, ab_arm="enhanced"))

    hammer(bump)
    counts = records.counts()
    assert counts["cache_hits"] == THREADS * rounds
    assert round(counts["saved_usd"], 6) == round(THREADS * rounds * 0.04, 6)
    assert counts[arm_counter("enhanced", "rating_count")] == THREADS * rounds
    assert counts[arm_counter("enhanced", "rating_squares")] == THREADS * rounds * 16


def test_concurrent_takers_never_pass_the_limit(records: RecordStore) -> None:
    limit = 10
    window = Bucket(day="2025-06-15", client="key:alice", window="day", expires_at=START + 86400)
    taken = hammer(lambda i: records.take(window, 1 + i % 2, limit), times=THREADS * 2)
    granted = [t for t in taken if t.ok]
    assert sum(1 + i % 2 for i, t in enumerate(taken) if t.ok) == limit
    assert max(t.count for t in granted) == limit
    assert all(t.count <= limit for t in taken)
    assert records.take(window, 0, None).count == limit
