"""Idempotency keys: a repeated request gets the first one's answer, never a second image.

``once`` wraps any operation that answers ``(status, body)``: the first request
with a key claims it with a conditional write (only one claimant can win, on
either records backend), runs, and stores its answer; a repeat with the same key
and the same request gets that answer back; a repeat with another request is a
409 ``IdempotencyConflict``; a repeat while the first still runs polls for its
answer within its own time budget, then answers 409 with ``Retry-After``.

A claim is a lease: if the claimant dies (a Lambda timeout), the claim lapses
after ``lease_s`` and the next repeat runs the operation itself. Answers that a
retry could change (409, 429 and 5xx) are not kept: the claim is released so that the
client's retry, which is what the key is for, runs again
(``genpic.records.base.should_remember``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from genpic.cache.keys import request_fingerprint
from genpic.errors import IdempotencyConflict, ValidationError, as_public_error
from genpic.logs import logger
from genpic.records.base import IdempotencyState, should_remember
from genpic.request import idempotency_key_error
from genpic.telemetry import record_error

if TYPE_CHECKING:
    from genpic.pipeline import Pipeline
    from genpic.records.base import RecordStore
    from genpic.request import GenerationRequest
    from genpic.storage.base import ImageStore

HEADER = "Idempotency-Key"
#: How long a finished answer is kept for repeats.
KEEP_S = 24 * 3600
#: What a repeat that gave up waiting tells its caller to wait before retrying.
RETRY_AFTER_S = 2
#: Seconds between looks at a running request's record, growing to the maximum.
POLL_FIRST_S = 0.05
POLL_MAX_S = 0.5


@dataclass(frozen=True)
class Answer:
    """What an operation answered: its status and JSON body (and extra headers)."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] | None = None
    #: True when this is a stored answer to an earlier request with the same key.
    replayed: bool = False

    @classmethod
    def failure(cls, exc: Exception, request_id: str, *, entry: str) -> Answer:
        """Answer ``exc`` as its public error, logged and counted under ``entry``.

        Unexpected faults are logged with their traceback.
        """
        error = as_public_error(exc)
        record_error(entry, error)
        if error.status >= 500:
            logger.exception("request failed", extra={"error": error.code})
        else:
            logger.warning("request refused", extra={"error": error.code, "reason": error.message})
        return cls(error.status, error.to_body(request_id), error.headers())


def key_from(header: str | None, field: str | None) -> str | None:
    """Return the request's idempotency key from the header or the body field.

    Raises
    ------
    ValidationError
        The header is malformed, or the header and the field disagree.
    """
    if header is not None:
        problem = idempotency_key_error(header)
        if problem:
            raise ValidationError(f"The {HEADER} header {problem}.", field=HEADER)
        if field is not None and field != header:
            raise ValidationError(
                f"The {HEADER} header and idempotency_key differ; send one of them, or the "
                "same key in both.",
                field="idempotency_key",
            )
        return header
    return field


def payload_key(header: str | None, payload: Any) -> str | None:
    """Return the idempotency key of a raw JSON body (header, or top-level field).

    Raises
    ------
    ValidationError
        The field is not a usable key, or the header is malformed or disagrees.
    """
    field = payload.get("idempotency_key") if isinstance(payload, dict) else None
    if field is not None:
        problem = idempotency_key_error(field) if isinstance(field, str) else "must be a string"
        if problem:
            raise ValidationError(f"idempotency_key {problem}.", field="idempotency_key")
    return key_from(header, field)


def guarded(
    pipeline: Pipeline,
    operation: str,
    request: GenerationRequest,
    header_key: str | None,
    answer: Callable[[], Answer],
) -> Answer:
    """Answer ``request`` through ``answer``, at most once per idempotency key.

    The one call every generating entry point makes: without a key (header or field)
    it simply answers; with one, repeats get the first answer. ``operation`` names
    what is being done (``generate``), so one key cannot mean two operations.
    """
    key = key_from(header_key, request.idempotency_key)
    return keyed(pipeline, key, request_fingerprint(operation, request), answer)


def keyed(
    pipeline: Pipeline, key: str | None, fingerprint: str, answer: Callable[[], Answer]
) -> Answer:
    """Answer through ``answer`` at most once per ``key`` (None: simply answer).

    ``fingerprint`` identifies the request (``genpic.cache.keys``): the same key with
    another fingerprint is a 409. A replayed success has its presigned urls re-signed.
    """
    if key is None or pipeline.memory is None:
        return answer()
    budget = pipeline.settings.request_timeout_s
    done = once(
        pipeline.memory.records,
        key,
        fingerprint,
        answer,
        # A repeat waits at most most of its own budget, keeping a second to answer.
        wait_s=max(budget - 1.0, 0.0),
        # The first request cannot run longer than its budget, plus time to store.
        lease_s=budget + 5.0,
    )
    if done.replayed and done.status == 200:
        fresh_links(pipeline.store, done.body)
    return done


def fresh_links(store: ImageStore, body: dict[str, Any]) -> dict[str, Any]:
    """Re-sign the presigned ``url`` of a replayed success body and of each of its variants.

    A stored answer's presigned GET expires (``PRESIGNED_URL_TTL_S``) long before the answer
    does (``KEEP_S``), so a replay signs a new one, as a cache hit does. Only S3
    bodies (``bucket`` set) carry one: local and route URLs do not expire. An
    object that has gone meanwhile keeps its old URL; there is nothing to sign.
    """
    signed: dict[str, str | None] = {}  # the primary is also a variant: one HEAD per key
    for part in (body, *body.get("variants", ())):
        key = part.get("key")
        if part.get("bucket") and key:
            if key not in signed:
                found = store.find(key)
                signed[key] = found.url if found else None
            part["url"] = signed[key] or part["url"]
    return body


def once(
    records: RecordStore,
    key: str,
    fingerprint: str,
    operation: Callable[[], Answer],
    *,
    wait_s: float,
    lease_s: float,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> Answer:
    """Run ``operation`` at most once per ``key``; a repeat gets the first answer.

    Parameters
    ----------
    records
        Where claims and answers are kept.
    key
        The client's idempotency key.
    fingerprint
        What identifies the request (``genpic.cache.keys.request_fingerprint``); the
        same key with another fingerprint is a conflict.
    operation
        Does the work and answers, errors included (as their status and error body).
    wait_s
        How long a repeat may wait for a running first request before giving up.
    lease_s
        How long a claim holds without an answer (the longest a request can run).
    clock, sleep
        Monotonic seconds and a sleep, replaceable in tests.
    """
    started = clock()
    delay = POLL_FIRST_S
    while True:
        claim = records.idempotency_begin(key, fingerprint, KEEP_S, lease_s=lease_s)
        if claim.state is IdempotencyState.NEW:
            return _run_claimed(records, key, operation)
        if claim.state is IdempotencyState.CONFLICT:
            raise IdempotencyConflict(
                f"The idempotency key {key!r} was already used with a different request; "
                "use a new key for a new request.",
                field="idempotency_key",
            )
        if claim.state is IdempotencyState.DONE:
            return Answer(claim.status or 200, dict(claim.body or {}), replayed=True)
        if clock() - started + delay > wait_s:
            raise IdempotencyConflict(
                f"A request with the idempotency key {key!r} is still running; retry in a "
                "few seconds to get its result.",
                field="idempotency_key",
                retry_after=RETRY_AFTER_S,
            )
        sleep(delay)
        delay = min(delay * 2, POLL_MAX_S)


def _run_claimed(records: RecordStore, key: str, operation: Callable[[], Answer]) -> Answer:
    try:
        answer = operation()
    except BaseException:
        records.idempotency_release(key)
        raise
    if should_remember(answer.status):
        records.idempotency_complete(key, answer.status, answer.body)
    else:
        records.idempotency_release(key)
    return answer
