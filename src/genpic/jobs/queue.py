"""The SQS jobs queue (``GENPIC_QUEUE_URL``): one message per job, ``{"job_id": ...}``.

The message only names the job; the request lives in the job store, so a message
is small whatever the request, and the job's state (not the message) decides
whether work remains.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from genpic.awssdk import clients
from genpic.awssdk.errors import sqs_error
from genpic.errors import ConfigurationError, StorageError
from genpic.settings import QUEUE_URL, Settings

# SendMessageBatch takes ten messages.
_SEND_CHUNK = 10


def message_body(job_id: str) -> str:
    """Return the message body for job ``job_id``."""
    return json.dumps({"job_id": job_id})


def job_id_of(body: str) -> str:
    """Return the job id a message body names.

    Raises
    ------
    ValueError
        The body is not a jobs message (a poison message).
    """
    payload = json.loads(body)
    if not isinstance(payload, dict) or not isinstance(payload.get("job_id"), str):
        raise ValueError(f"not a jobs message: {body[:200]!r}")
    return str(payload["job_id"])


class JobsQueue:
    """Sends jobs to the queue and changes a received message's visibility (backoff)."""

    def __init__(self, settings: Settings) -> None:
        if not settings.queue_url:
            raise ConfigurationError(f"{QUEUE_URL} is not set; it names the SQS jobs queue.")
        self.url = settings.queue_url
        self._settings = settings

    def dispatch(self, job_ids: Sequence[str]) -> None:
        """Send one message per job."""
        for start in range(0, len(job_ids), _SEND_CHUNK):
            entries = [
                {"Id": str(i), "MessageBody": message_body(job_id)}
                for i, job_id in enumerate(job_ids[start : start + _SEND_CHUNK])
            ]
            client = clients.sqs(self._settings)
            with self._errors():
                answer = client.send_message_batch(QueueUrl=self.url, Entries=entries)
            if answer.get("Failed"):
                failed = answer["Failed"][0]
                raise StorageError(
                    f"SQS refused a jobs message ({failed.get('Code')}: {failed.get('Message')})."
                )

    def send_later(self, job_id: str, seconds: float) -> None:
        """Send a fresh message for ``job_id``, delivered in ``seconds`` (SQS allows 15 min).

        A fresh message starts its receive count at zero: waiting for the quota
        must not bring a job closer to the dead-letter queue.
        """
        client = clients.sqs(self._settings)
        with self._errors():
            client.send_message(
                QueueUrl=self.url,
                MessageBody=message_body(job_id),
                DelaySeconds=max(0, min(round(seconds), 900)),
            )

    def delay(self, receipt_handle: str, seconds: float) -> None:
        """Make a received message visible again in ``seconds`` (SQS allows up to 12 hours)."""
        timeout = max(0, min(round(seconds), 43_200))
        client = clients.sqs(self._settings)
        with self._errors():
            client.change_message_visibility(
                QueueUrl=self.url, ReceiptHandle=receipt_handle, VisibilityTimeout=timeout
            )

    @contextmanager
    def _errors(self) -> Iterator[None]:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            yield
        except (ClientError, BotoCoreError) as exc:
            raise sqs_error(exc, self.url, QUEUE_URL) from exc


def received_count(record: Mapping[str, Any]) -> int:
    """Return an SQS event record's ``ApproximateReceiveCount`` (1 on the first delivery)."""
    return int(record.get("attributes", {}).get("ApproximateReceiveCount") or 1)
