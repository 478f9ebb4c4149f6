"""Integration-wide fixtures."""

from __future__ import annotations

import pytest
from botocore.retries.standard import ExponentialBackoff


@pytest.fixture(autouse=True)
def _no_retry_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retry at once: how often genpic's clients retry is under test, botocore's jitter is not.

    A throttling retry otherwise sleeps up to 1 s, then 2 s, which was a fifth of the suite.
    """
    monkeypatch.setattr(ExponentialBackoff, "delay_amount", lambda self, context: 0.0)
