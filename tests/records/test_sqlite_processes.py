"""SQLite under several processes at once (two `genpic serve` workers, a CLI run)."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from genpic.records.sqlite import SqliteRecords
from genpic.settings import Settings

PROCESSES = 4
ROUNDS = 40


def _race(data_dir: str) -> tuple[bool, bool]:
    """In a child process: fill one cache entry, claim one key, and count ROUNDS times."""
    records = SqliteRecords(Settings(data_dir=Path(data_dir)))
    won_cache = records.cache_put("same", f"pid-{multiprocessing.current_process().pid}")
    owns_key = records.idempotency_begin("key", "fp", 3600).state.value == "new"
    for _ in range(ROUNDS):
        records.add_counts({"images": 1})
    return won_cache, owns_key


def test_processes_share_one_winner_and_every_count(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")  # no threads inherited from pytest
    with ProcessPoolExecutor(PROCESSES, mp_context=context) as pool:
        results = list(pool.map(_race, [str(tmp_path)] * PROCESSES))
    assert [won for won, _ in results].count(True) == 1
    assert [owns for _, owns in results].count(True) == 1
    records = SqliteRecords(Settings(data_dir=tmp_path))
    assert records.counts()["images"] == PROCESSES * ROUNDS
    assert (tmp_path / "records.sqlite3").exists()
