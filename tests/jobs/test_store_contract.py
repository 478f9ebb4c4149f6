"""One contract for both job stores: SQLite beside the records file, DynamoDB in the records table."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from genpic.jobs.base import CANCELLED, Batch, JobStore, queued_job
from genpic.jobs.service import create_store
from genpic.settings import Settings


@pytest.fixture(params=["sqlite", "dynamodb"])
def store(request: pytest.FixtureRequest) -> JobStore:
    if request.param == "dynamodb":
        request.getfixturevalue("aws")  # moto's DynamoDB with the records table
    store = create_store(Settings.from_env())
    assert store.name == request.param
    return store


def test_exactly_one_of_many_concurrent_claims_wins(store: JobStore) -> None:
    job = queued_job({"prompt": "a cat"}, store.clock())
    store.create([job])
    with ThreadPoolExecutor(8) as pool:
        claims = list(pool.map(lambda _: store.claim(job.job_id, 60), range(8)))
    winners = [c for c in claims if c is not None]
    assert len(winners) == 1
    assert winners[0].status == "running" and winners[0].attempts == 1


def test_only_the_claim_holder_records_the_outcome(store: JobStore) -> None:
    job = queued_job({"prompt": "a cat"}, store.clock())
    store.create([job])
    first = store.claim(job.job_id, lease_s=-1)  # lapsed at once: its worker is presumed dead
    assert first is not None
    second = store.claim(job.job_id, 60)
    assert second is not None and second.attempts == 2

    assert store.finish(job.job_id, first.attempts, result={"late": True}) is None
    done = store.finish(job.job_id, second.attempts, result={"key": "outputs/x.jpeg"})
    assert done is not None and done.status == "succeeded"
    assert store.claim(job.job_id, 60) is None, "a finished job is never claimed again"
    assert store.get(job.job_id) == done


def test_requeue_and_abandon(store: JobStore) -> None:
    job = queued_job({"prompt": "a cat"}, store.clock(), webhook_url="https://example.com/h")
    store.create([job])
    claimed = store.claim(job.job_id, 60)
    assert claimed is not None
    back = store.requeue(job.job_id, claimed.attempts, attempted=False)
    assert back is not None and back.status == "queued" and back.attempts == 0
    failed = store.finish(job.job_id, None, error={"error": "ModelUnavailable"})
    assert failed is not None and failed.status == "failed"
    store.set_webhook(job.job_id, {"status": "delivered", "attempts": 1})
    noted = store.get(job.job_id)
    assert noted is not None
    assert noted.to_body()["webhook"] == {"status": "delivered", "attempts": 1}


def test_batches_listing_and_unfinished(store: JobStore) -> None:
    jobs = [queued_job({"prompt": f"p{i}"}, 1000.0 + i, batch_id="b1") for i in range(30)]
    store.create(jobs, Batch("b1", tuple(j.job_id for j in jobs), 1000.0))
    batch = store.get_batch("b1")
    assert batch is not None and batch.job_ids == tuple(j.job_id for j in jobs)
    assert [j.job_id for j in store.get_many(list(reversed(batch.job_ids)))] == [
        j.job_id for j in reversed(jobs)
    ]
    assert [j.job_id for j in store.recent(3)] == [j.job_id for j in jobs[:-4:-1]]
    store.finish(jobs[0].job_id, None, result={})
    assert [j.job_id for j in store.unfinished()] == [j.job_id for j in jobs[1:]]
    assert store.get_batch("nope") is None and store.get("nope") is None


def test_the_pacing_schedule_hands_out_one_slot_per_interval(store: JobStore) -> None:
    now = 5000.0
    store.clock = lambda: now

    slots: list[Any] = [store.reserve_slot(0.5, max_wait_s=1.0) for _ in range(4)]

    assert [(s.granted, s.wait_s) for s in slots] == [
        (True, 0.0),
        (True, 0.5),
        (True, 1.0),
        (False, 1.5),
    ]


def test_cancel_ends_a_queued_job_and_nothing_else(store: JobStore) -> None:
    queued, running, done = (queued_job({"prompt": f"p{i}"}, store.clock()) for i in range(3))
    store.create([queued, running, done])
    assert store.claim(running.job_id, 60) is not None
    store.finish(done.job_id, None, result={"key": "outputs/x.jpeg"})
    before = {job.job_id: job for job in store.get_many([running.job_id, done.job_id])}

    cancelled = store.cancel(queued.job_id)

    assert cancelled is not None and cancelled.status == "failed"
    assert cancelled.error is not None and cancelled.error["error"] == CANCELLED
    assert store.get(queued.job_id) == cancelled
    assert store.claim(queued.job_id, 60) is None, "a cancelled job is never run"
    assert store.cancel(running.job_id) is None and store.cancel(done.job_id) is None
    assert store.cancel("nope") is None
    assert {j.job_id: j for j in store.get_many(list(before))} == before, "left as they were"


def test_a_cancel_and_claims_racing_on_one_job_have_one_winner(store: JobStore) -> None:
    job = queued_job({"prompt": "a cat"}, store.clock())
    store.create([job])
    moves = [lambda: store.cancel(job.job_id)] * 4 + [lambda: store.claim(job.job_id, 60)] * 4
    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(lambda move: move(), moves))
    winners = [o for o in outcomes if o is not None]
    assert len(winners) == 1
    final = store.get(job.job_id)
    assert final == winners[0]
    assert final.status == "running" or (final.error or {}).get("error") == CANCELLED
