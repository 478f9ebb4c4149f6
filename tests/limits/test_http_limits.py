"""Every client held to its share, at the wire: 429 before any model call, counts as stored."""

from __future__ import annotations

from collections.abc import Callable

from tests.limits.conftest import INTO_MINUTE, Limited
from tests.support.bedrock_double import Fault

Start = Callable[..., Limited]
RESET = 60 - INTO_MINUTE


def rate_headers(response: object, limit: int, remaining: int, reset: int) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    assert headers["Retry-After"] == str(reset)
    assert headers["RateLimit-Limit"] == str(limit)
    assert headers["RateLimit-Remaining"] == str(remaining)
    assert headers["RateLimit-Reset"] == str(reset)


def test_n_counts_every_image_and_the_next_request_over_the_limit_is_refused_unsent(
    limited: Start,
) -> None:
    app = limited(rate="3/minute")
    assert app.post("/generate", {"prompt": "a cat", "n": 2}).status_code == 200
    assert app.invokes() == 2
    refused = app.post("/generate", {"prompt": "a dog", "n": 2})
    assert refused.status_code == 429
    body = refused.json()
    assert body["error"] == "RateLimited"
    assert body["message"] == (
        "This request needs 2 images, but client 'key:alice' has 1 left of its 3 images per "
        f"minute; ask for at most 1, or retry in {RESET} s."
    )
    rate_headers(refused, limit=3, remaining=1, reset=RESET)
    assert app.invokes() == 2  # no model call for the refused request
    assert app.counts() == {("key:alice", app.minute): 2, ("key:alice", "day"): 2}
    # Another key is another client, with its own count.
    assert app.post("/generate", {"prompt": "a dog", "n": 3}, who="bob").status_code == 200
    assert app.counts()[("key:bob", app.minute)] == 3
    assert app.post("/generate", {"prompt": "one more"}).status_code == 200
    assert app.counts()[("key:alice", app.minute)] == 3


def test_styles_count_each_and_the_daily_quota_holds_across_windows(limited: Start) -> None:
    app = limited(daily=3)
    styled = {"prompt": "a cat", "styles": ["anime", "cinematic"], "enhance_prompt": True}
    assert app.post("/generate", styled).status_code == 200
    assert app.counts() == {("key:alice", "day"): 2}
    refused = app.post("/generate", {"prompt": "a cat", "n": 2})
    assert refused.status_code == 429
    midnight = 86400 - app.now % 86400
    rate_headers(refused, limit=3, remaining=1, reset=midnight)
    assert "daily quota of 3 images (UTC)" in refused.json()["message"]
    assert app.invokes() == 2


def test_cache_hits_and_idempotent_replays_are_free_even_at_the_limit(limited: Start) -> None:
    app = limited(rate="2/minute")
    first = app.post("/generate", {"prompt": "a cat", "seed": 7})
    keyed = app.post("/generate", {"prompt": "a fox"}, **{"Idempotency-Key": "fox-1"})
    assert (first.status_code, keyed.status_code) == (200, 200)
    assert app.counts()[("key:alice", app.minute)] == 2
    hit = app.post("/generate", {"prompt": "a cat", "seed": 7})
    assert hit.status_code == 200 and hit.json()["cache"] == "hit"
    replay = app.post("/generate", {"prompt": "a fox"}, **{"Idempotency-Key": "fox-1"})
    assert replay.status_code == 200 and replay.json()["key"] == keyed.json()["key"]
    assert app.invokes() == 2
    assert app.counts()[("key:alice", app.minute)] == 2
    assert app.post("/generate", {"prompt": "a new one"}).status_code == 429


def test_a_variant_from_the_cache_is_given_back(limited: Start) -> None:
    app = limited(rate="5/minute")
    assert app.post("/generate", {"prompt": "a cat", "seed": 7}).status_code == 200
    # n=2 from seed 7: seeds 7 (cached) and 8 (new); only the new one is charged.
    both = app.post("/generate", {"prompt": "a cat", "seed": 7, "n": 2})
    assert [v["cache"] for v in both.json()["variants"]] == ["hit", "miss"]
    assert app.invokes() == 2
    assert app.counts()[("key:alice", app.minute)] == 2


def test_a_failed_generation_is_given_back_a_refused_prompt_is_not(limited: Start) -> None:
    app = limited(rate="5/minute")
    app.bedrock.inject(*[Fault("ServiceUnavailableException")] * 3)
    assert app.post("/generate", {"prompt": "a cat"}).status_code == 502
    assert app.counts()[("key:alice", app.minute)] == 0
    app.bedrock.set_filter("Filter reason: prompt")
    assert app.post("/generate", {"prompt": "a cat"}).status_code == 422
    assert app.counts()[("key:alice", app.minute)] == 1


def test_compare_counts_its_two_images(limited: Start) -> None:
    app = limited(rate="3/minute")
    assert app.post("/compare", {"prompt": "a cat"}).status_code == 200
    assert app.counts()[("key:alice", app.minute)] == 2
    before = len(app.bedrock.requests)
    refused = app.post("/compare", {"prompt": "a dog"})
    assert refused.status_code == 429
    rate_headers(refused, limit=3, remaining=1, reset=RESET)
    assert len(app.bedrock.requests) == before  # not even the enhancer was called


def test_openai_route_answers_a_rate_limit_error_in_openais_shape(limited: Start) -> None:
    app = limited(rate="1/minute")
    assert app.post("/v1/images/generations", {"prompt": "a cat"}).status_code == 200
    refused = app.post("/v1/images/generations", {"prompt": "a cat", "n": 1})
    assert refused.status_code == 429
    error = refused.json()["error"]
    assert (error["type"], error["code"]) == ("rate_limit_error", "RateLimited")
    assert "has 0 left of its 1 images per minute" in error["message"]
    rate_headers(refused, limit=1, remaining=0, reset=RESET)
    assert app.invokes() == 1


def test_a_batch_over_the_remaining_quota_is_refused_whole(limited: Start) -> None:
    app = limited(rate="5/minute")
    batch = {
        "requests": [{"prompt": "a", "n": 2}, {"prompt": "b", "n": 2}, {"prompt": "c", "n": 2}]
    }
    refused = app.post("/batches", batch)
    assert refused.status_code == 429
    assert refused.json()["message"] == (
        "This batch of 3 jobs needs 6 images, but client 'key:alice' has 5 left of its 5 "
        f"images per minute; ask for at most 5, or retry in {RESET} s."
    )
    rate_headers(refused, limit=5, remaining=5, reset=RESET)
    assert app.counts().get(("key:alice", app.minute), 0) == 0
    if app.sqs is not None:  # nothing was queued
        attributes = app.sqs.get_queue_attributes(
            QueueUrl=app.queue_url, AttributeNames=["ApproximateNumberOfMessages"]
        )["Attributes"]
        assert attributes["ApproximateNumberOfMessages"] == "0"
    accepted = app.post(
        "/batches", {"requests": [{"prompt": "a", "n": 2}, {"prompt": "b", "n": 3}]}
    )
    assert accepted.status_code == 202
    assert app.counts()[("key:alice", app.minute)] == 5
    job = app.post("/jobs", {"prompt": "one more"})
    assert job.status_code == 429
    assert job.json()["message"].startswith("This job needs 1 image, but client 'key:alice' has 0")


def test_stats_report_each_client(limited: Start) -> None:
    app = limited(rate="10/minute", daily=100)
    app.post("/generate", {"prompt": "a cat", "n": 3})
    app.post("/generate", {"prompt": "a dog"}, who="bob")
    stats = app.client.get("/stats", headers={"X-Api-Key": "k-bob-2"}).json()
    assert stats["limits"] == {"rate_limit": {"images": 10, "period_s": 60}, "daily_quota": 100}
    assert stats["clients"] == {
        "key:alice": {"images_today": 3, "remaining_today": 97, "images_this_window": 3},
        "key:bob": {"images_today": 1, "remaining_today": 99, "images_this_window": 1},
    }
