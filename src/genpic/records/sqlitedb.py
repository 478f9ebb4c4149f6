"""One SQLite file shared safely by threads and processes (``GENPIC_DATA_DIR/records.sqlite3``).

Two ``genpic serve`` workers, a CLI run and their threads may all write at once:

- WAL journal, so readers never wait for a writer;
- one connection per thread (``sqlite3`` connections must not be shared);
- every write is ``BEGIN IMMEDIATE``: the write lock is taken before the first
  read, so a read-check-write (a conditional put, a counter) cannot interleave
  with another writer; others wait up to ``BUSY_TIMEOUT_S`` for the lock.

Other features (``genpic.jobs``) keep their tables in the same file: build a
``Database`` for ``database_path(settings)``, call ``ensure(schema)`` with their
own ``CREATE TABLE IF NOT EXISTS`` statements (table names prefixed with the
feature, e.g. ``jobs_``), and use ``read()`` / ``write()``.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from genpic.errors import ConfigurationError
from genpic.settings import DATA_DIR, Settings

FILENAME = "records.sqlite3"
BUSY_TIMEOUT_S = 30.0


def database_path(settings: Settings) -> Path:
    """Return the records file of ``settings`` (under ``GENPIC_DATA_DIR``)."""
    return settings.data_dir.resolve() / FILENAME


class Database:
    """A SQLite file with a connection per thread and exclusive write transactions.

    Parameters
    ----------
    path
        The database file; its directory is created if missing.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigurationError(
                f"Cannot create the directory of the records database ({exc.strerror}). "
                f"Set {DATA_DIR} to a writable directory."
            ) from exc

    def connection(self) -> sqlite3.Connection:
        """Return this thread's connection (autocommit; transactions are explicit)."""
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            connection.row_factory = sqlite3.Row
            connection.execute("PRAGMA journal_mode=WAL")
            # WAL makes NORMAL durable against application crashes, and much faster than FULL.
            connection.execute("PRAGMA synchronous=NORMAL")
            self._local.connection = connection
        return connection

    def ensure(self, schema: str) -> None:
        """Run ``schema`` (idempotent ``CREATE ... IF NOT EXISTS`` statements) in one write."""
        with self.write() as connection:
            for statement in filter(str.strip, schema.split(";")):
                connection.execute(statement)

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """Yield the connection for reads (each statement sees a consistent snapshot)."""
        yield self.connection()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """Yield the connection inside ``BEGIN IMMEDIATE``; commit, or roll back on error."""
        connection = self.connection()
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")
