"""The one DynamoDB table (``GENPIC_TABLE``): its key scheme, client and error mapping.

Key design (template.yaml ``RecordsTable`` is the table's only definition; a
test checks these names against it)::

    pk (S, hash)            sk (S, range)          what                      expires_at
    IMAGE#<image_id>        IMAGE                  image record              -
    IMAGE#<image_id>        FEEDBACK#<t>#<id>      one feedback on it        -
    CACHE#<key>             CACHE                  result cache -> image_id  yes
    ENHANCEMENT#<key>       ENHANCEMENT            enhancement cache         yes
    IDEMPOTENCY#<key>       IDEMPOTENCY            idempotency record        yes
    ARM#<user>              ARM                    sticky A/B arm            -
    STATS                   COUNTERS               every counter, one item   -
    LIMIT#<UTC day>         <window>#<client>      one client's limit bucket yes

    GSI "recent": recent_pk (S) = "IMAGES", recent_sk (S) = "<created_at>#<image_id>"
    (created_at zero-padded so strings sort as times); projection ALL.

Access patterns: get image by id = GetItem; list recent = Query on "recent"
descending (``Limit`` + ``ExclusiveStartKey`` as the cursor); cache lookup,
idempotency record, arm = GetItem on their key; counters = UpdateItem ``ADD``
(atomic, never lost) and GetItem; races = PutItem with a ConditionExpression.

One GSI partition for every image: images arrive at Bedrock's pace (a few per
second at most), far below a partition's 1,000 writes per second, and one
partition keeps pagination a single Query; a time-bucketed key would not.
The counters share one item for the same reason (``ADD`` is atomic per item).
Limit buckets share one partition per UTC day, so ``usage`` is one Query; a take
is one conditional ``ADD`` on its own item.

``expires_at`` (epoch seconds) is the table's TTL attribute; DynamoDB deletes
expired items within days, so readers check it themselves.

Other features (``genpic.jobs``) add items to the same table: use their own
``pk`` prefix (``JOB#<id>``, ``BATCH#<id>``; add it to ``PREFIXES``), build keys
with ``key()``, and call the client from ``Table.client()`` inside
``Table.errors()``. They must not use the "recent" index attributes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from genpic.awssdk import clients
from genpic.awssdk.errors import dynamodb_error, error_code
from genpic.errors import ConfigurationError
from genpic.settings import TABLE, Settings

PK = "pk"
SK = "sk"
RECENT_INDEX = "recent"
RECENT_PK = "recent_pk"
RECENT_SK = "recent_sk"
TTL_ATTRIBUTE = "expires_at"
#: Every pk prefix in use, so that no two features collide.
PREFIXES = (
    "IMAGE",
    "CACHE",
    "ENHANCEMENT",
    "IDEMPOTENCY",
    "ARM",
    "STATS",
    "JOB",
    "BATCH",
    "LIMIT",
)


class ConditionFailed(Exception):
    """A conditional write lost: not an error, an answer."""


def key(prefix: str, ident: str | None = None, sort: str | None = None) -> dict[str, Any]:
    """Return the low-level key ``{pk, sk}`` of item ``prefix#ident`` (sort key ``prefix``).

    Parameters
    ----------
    prefix
        One of ``PREFIXES``.
    ident
        The item's id (None for singletons such as ``STATS``).
    sort
        The sort key, when several items share a ``pk``.
    """
    if prefix not in PREFIXES:
        raise ValueError(f"unknown key prefix {prefix!r}")
    return {
        PK: {"S": prefix if ident is None else f"{prefix}#{ident}"},
        SK: {"S": sort or prefix},
    }


class Table:
    """The records table of ``settings``, with a client timed for storage.

    Raises
    ------
    ConfigurationError
        ``GENPIC_TABLE`` is not set.
    """

    def __init__(self, settings: Settings) -> None:
        if not settings.table:
            raise ConfigurationError(
                f"GENPIC_RECORDS=dynamodb needs {TABLE}: set it to the records table's name "
                "(the stack's RecordsTableName output), or use GENPIC_RECORDS=sqlite."
            )
        self.name = settings.table
        self._settings = settings

    def client(self) -> Any:
        """Return a DynamoDB client (cached per process; timeouts fit the request's budget)."""
        return clients.dynamodb(self._settings)

    @contextmanager
    def errors(self) -> Iterator[None]:
        """Turn a lost condition into ``ConditionFailed`` and SDK failures into public errors."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            yield
        except ClientError as exc:
            if error_code(exc) == "ConditionalCheckFailedException":
                raise ConditionFailed from None
            raise dynamodb_error(exc, self.name, TABLE) from exc
        except BotoCoreError as exc:
            raise dynamodb_error(exc, self.name, TABLE) from exc
