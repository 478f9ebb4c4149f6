"""An allowance charges a request's images once, before its first paid call, all or nothing."""

from __future__ import annotations

import pytest

from genpic.errors import ContentFiltered, ModelUnavailable, RateLimited
from genpic.limits.limiter import Limiter
from tests.support.memory_records import MemoryRecords

NOW = 1_750_000_017.0


def limiter(rate: int = 4) -> Limiter:
    return Limiter(MemoryRecords(clock=lambda: NOW), rate=(rate, 60), clock=lambda: NOW)


def taken(limits: Limiter, client: str = "key:a") -> int:
    window = limits.windows(client, NOW)[0]
    return limits.records.take(window.bucket, 0, None).count


def test_images_known_free_before_the_first_paid_call_are_never_taken() -> None:
    limits = limiter()
    allowance = limits.allowance("key:a", 3)
    assert allowance is not None
    allowance.free()
    with allowance.paid():
        assert taken(limits) == 2
    with allowance.paid():
        pass
    allowance.free()  # a hit after the charge: given back
    assert taken(limits) == 1


def test_a_refused_request_refuses_every_image_and_takes_nothing() -> None:
    limits = limiter(rate=2)
    allowance = limits.allowance("key:a", 3)
    assert allowance is not None
    errors = []
    for _ in range(2):
        with pytest.raises(RateLimited) as refused, allowance.paid():
            pytest.fail("a refused image must not be generated")
        errors.append(refused.value)
    assert errors[0] is not errors[1]
    assert errors[1].headers()["RateLimit-Remaining"] == "2"
    assert taken(limits) == 0


def test_a_failure_is_given_back_a_content_refusal_is_not() -> None:
    limits = limiter()
    allowance = limits.allowance("key:a", 2)
    assert allowance is not None
    with pytest.raises(ModelUnavailable), allowance.paid():
        raise ModelUnavailable("down")
    assert taken(limits) == 1
    with pytest.raises(ContentFiltered), allowance.paid():
        raise ContentFiltered("no")
    assert taken(limits) == 1


def test_no_client_is_not_limited_and_a_refused_day_gives_the_window_back() -> None:
    assert limiter().allowance(None, 9) is None
    limits = Limiter(MemoryRecords(clock=lambda: NOW), rate=(5, 60), daily=2, clock=lambda: NOW)
    with pytest.raises(RateLimited, match="daily quota of 2"):
        limits.take("key:a", 3)
    assert taken(limits) == 0  # the rate window's take was undone
