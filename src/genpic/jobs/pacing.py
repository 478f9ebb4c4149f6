"""Pacing model calls to ``GENPIC_MODEL_RPS``: one schedule of call slots, shared by all workers.

The schedule is a single number, the *next free slot* (epoch seconds): the
generic cell rate algorithm with a burst of one. A worker reserves the slot
``max(next_free, now)``, moves ``next_free`` one interval (``1 / rps``) on, and
sleeps until its slot. Reserving is one atomic read-modify-write, in process
(``LocalPacer``) or in the job store (``StorePacer``: a SQLite transaction, a
DynamoDB conditional update), so that N workers together keep to the quota.

A slot further away than ``max_wait_s`` is not reserved: the caller should come
back later (an SQS message goes back to the queue with that delay) instead of
holding a Lambda invocation asleep.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Slot:
    """A reservation: ``granted`` (sleep ``wait_s`` first), or not (come back in ``wait_s``)."""

    granted: bool
    wait_s: float


def reserve(
    next_free: float, now: float, interval_s: float, max_wait_s: float
) -> tuple[Slot, float]:
    """Return the slot for a call at ``now`` and the schedule's new ``next_free``."""
    start = max(next_free, now)
    wait = start - now
    if wait > max_wait_s:
        return Slot(granted=False, wait_s=wait), next_free
    return Slot(granted=True, wait_s=wait), start + interval_s


class Pacer(Protocol):
    """Anything that hands out model-call slots."""

    def acquire(self, max_wait_s: float) -> Slot:
        """Reserve a slot; when granted, sleep until it before returning."""
        ...


class Unpaced:
    """No quota configured (``GENPIC_MODEL_RPS`` unset): every call may go now."""

    def acquire(self, max_wait_s: float) -> Slot:
        """Grant at once."""
        return Slot(granted=True, wait_s=0.0)


class LocalPacer:
    """The schedule in this process (the embedded worker pool)."""

    def __init__(self, rps: float, clock: Callable[[], float] = time.time) -> None:
        self.interval_s = 1.0 / rps
        self._clock = clock
        self._next_free = 0.0
        self._lock = threading.Lock()

    def acquire(self, max_wait_s: float) -> Slot:
        """Reserve the next slot and sleep until it (unless it is too far away)."""
        with self._lock:
            slot, self._next_free = reserve(
                self._next_free, self._clock(), self.interval_s, max_wait_s
            )
        if slot.granted:
            time.sleep(slot.wait_s)
        return slot


class SlotStore(Protocol):
    """A store that keeps the shared schedule (``JobStore.reserve_slot``)."""

    def reserve_slot(self, interval_s: float, max_wait_s: float) -> Slot:
        """Reserve atomically; see ``reserve``."""
        ...


class StorePacer:
    """The schedule in the job store, shared by every worker of a deployment."""

    def __init__(self, store: SlotStore, rps: float) -> None:
        self.interval_s = 1.0 / rps
        self._store = store

    def acquire(self, max_wait_s: float) -> Slot:
        """Reserve the next slot in the store and sleep until it (unless it is too far away)."""
        slot = self._store.reserve_slot(self.interval_s, max_wait_s)
        if slot.granted:
            time.sleep(slot.wait_s)
        return slot
