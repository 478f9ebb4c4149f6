"""Jobs in the records table (``GENPIC_TABLE``), under their own key prefixes.

Items (see ``genpic.records.dynamotable`` for the table)::

    pk               sk       attributes
    JOB#<job_id>     JOB      version (N), status (S), created_at (N), job (S, JSON)
    BATCH#<id>       BATCH    created_at (N), job_ids (S, JSON list)
    JOB              PACER    next_free (N): the shared model-call schedule

Every move of a job is optimistic: read it (consistently), check the move is
allowed, and write it back on condition that ``version`` has not changed; a lost
race reads again. Two workers can therefore never both move ``queued`` to
``running``. Listing recent jobs is a Scan (``genpic jobs``, an operator's tool,
not a hot path); jobs stay out of the images' ``recent`` index.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from genpic.jobs.base import Batch, Clock, Job, JobStore, apply, job_from_json, job_to_json
from genpic.jobs.pacing import Slot, reserve
from genpic.records.dynamotable import PK, SK, ConditionFailed, Table, key
from genpic.settings import Settings

_JOB = "JOB"
_BATCH = "BATCH"
_PACER = key(_JOB, None, "PACER")
# BatchWriteItem takes 25 items, BatchGetItem 100 keys.
_WRITE_CHUNK = 25
_READ_CHUNK = 100


class DynamoJobs(JobStore):
    """Jobs, batches and the pacing schedule in the records table."""

    name = "dynamodb"

    def __init__(self, settings: Settings, *, clock: Clock = time.time) -> None:
        super().__init__(clock=clock)
        self.table = Table(settings)

    def create(self, jobs: Sequence[Job], batch: Batch | None = None) -> None:
        """Write the jobs, then the batch (a batch is visible only once its jobs are)."""
        items = [_job_item(job, version=1) for job in jobs]
        for start in range(0, len(items), _WRITE_CHUNK):
            self._write_all(items[start : start + _WRITE_CHUNK])
        if batch is not None:
            item = {
                **key(_BATCH, batch.batch_id),
                "created_at": {"N": repr(batch.created_at)},
                "job_ids": {"S": json.dumps(batch.job_ids)},
            }
            client = self.table.client()
            with self.table.errors():
                client.put_item(TableName=self.table.name, Item=item)

    def get(self, job_id: str) -> Job | None:
        """Return the job (a consistent read), or None."""
        item = self._get(key(_JOB, job_id))
        return job_from_json(item["job"]["S"]) if item else None

    def get_many(self, job_ids: Sequence[str]) -> list[Job]:
        """Return the jobs that exist among ``job_ids``, in that order."""
        by_id: dict[str, Job] = {}
        for start in range(0, len(job_ids), _READ_CHUNK):
            keys = [
                key(_JOB, job_id) for job_id in dict.fromkeys(job_ids[start : start + _READ_CHUNK])
            ]
            while keys:
                client = self.table.client()
                with self.table.errors():
                    answer = client.batch_get_item(
                        RequestItems={self.table.name: {"Keys": keys, "ConsistentRead": True}}
                    )
                for item in answer["Responses"].get(self.table.name, []):
                    job = job_from_json(item["job"]["S"])
                    by_id[job.job_id] = job
                keys = answer.get("UnprocessedKeys", {}).get(self.table.name, {}).get("Keys", [])
                if keys:
                    time.sleep(0.1)
        return [by_id[job_id] for job_id in job_ids if job_id in by_id]

    def get_batch(self, batch_id: str) -> Batch | None:
        """Return the batch, or None."""
        item = self._get(key(_BATCH, batch_id))
        if item is None:
            return None
        job_ids = tuple(json.loads(item["job_ids"]["S"]))
        return Batch(batch_id, job_ids, float(item["created_at"]["N"]))

    def recent(self, limit: int = 20) -> list[Job]:
        """Return up to ``limit`` jobs, newest first (a Scan of the job items)."""
        return sorted(self._scan(), key=lambda job: job.created_at, reverse=True)[:limit]

    def unfinished(self) -> list[Job]:
        """Return the queued and running jobs, oldest first (a Scan)."""
        jobs = (job for job in self._scan() if not job.finished)
        return sorted(jobs, key=lambda job: job.created_at)

    def reserve_slot(self, interval_s: float, max_wait_s: float) -> Slot:
        """Reserve the next model-call slot: read the schedule, move it on conditionally."""
        while True:
            item = self._get(_PACER)
            seen = item["next_free"]["N"] if item else None
            slot, next_free = reserve(
                float(seen) if seen else 0.0, self.clock(), interval_s, max_wait_s
            )
            if not slot.granted:
                return slot
            condition = "attribute_not_exists(next_free)" if seen is None else "next_free = :seen"
            values = {":seen": {"N": seen}} if seen is not None else {}
            try:
                self._put({**_PACER, "next_free": {"N": repr(next_free)}}, condition, values)
            except ConditionFailed:
                continue  # another worker took this slot: take the next one
            return slot

    def _update(
        self, job_id: str, allowed: Callable[[Job], bool], changes: Mapping[str, Any]
    ) -> Job | None:
        while True:
            item = self._get(key(_JOB, job_id))
            if item is None or not allowed(current := job_from_json(item["job"]["S"])):
                return None
            version = int(item["version"]["N"])
            updated = apply(current, changes)
            try:
                self._put(
                    _job_item(updated, version=version + 1),
                    "version = :version",
                    {":version": {"N": str(version)}},
                )
            except ConditionFailed:
                continue  # moved meanwhile: check the move against what it is now
            return updated

    def _scan(self) -> list[Job]:
        jobs: list[Job] = []
        request: dict[str, Any] = {
            "TableName": self.table.name,
            "FilterExpression": "begins_with(#pk, :prefix) AND #sk = :sk",
            "ExpressionAttributeNames": {"#pk": PK, "#sk": SK},
            "ExpressionAttributeValues": {":prefix": {"S": f"{_JOB}#"}, ":sk": {"S": _JOB}},
        }
        while True:
            client = self.table.client()
            with self.table.errors():
                page = client.scan(**request)
            jobs.extend(job_from_json(item["job"]["S"]) for item in page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                return jobs
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def _write_all(self, items: list[dict[str, Any]]) -> None:
        requests = [{"PutRequest": {"Item": item}} for item in items]
        while requests:
            client = self.table.client()
            with self.table.errors():
                answer = client.batch_write_item(RequestItems={self.table.name: requests})
            requests = answer.get("UnprocessedItems", {}).get(self.table.name, [])
            if requests:
                time.sleep(0.1)  # throttled partway: give the table a moment

    def _get(self, item_key: dict[str, Any]) -> Any:
        client = self.table.client()
        with self.table.errors():
            answer = client.get_item(TableName=self.table.name, Key=item_key, ConsistentRead=True)
        return answer.get("Item")

    def _put(self, item: dict[str, Any], condition: str, values: dict[str, Any]) -> None:
        extra: dict[str, Any] = {"ConditionExpression": condition}
        if values:
            extra["ExpressionAttributeValues"] = values
        client = self.table.client()
        with self.table.errors():
            client.put_item(TableName=self.table.name, Item=item, **extra)


def _job_item(job: Job, *, version: int) -> dict[str, Any]:
    return {
        **key(_JOB, job.job_id),
        "version": {"N": str(version)},
        "status": {"S": job.status},
        "created_at": {"N": repr(job.created_at)},
        "job": {"S": job_to_json(job)},
    }
