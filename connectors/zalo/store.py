"""The Zalo channel's SQLite file (``<data_dir>/zalo.sqlite3``): tokens and the inbox live in separate tables.

Every operation opens its own short-lived connection, so the file can be used from the event loop and from worker
threads alike; writes go through :func:`transaction` (``BEGIN IMMEDIATE`` … ``COMMIT``) so each update is atomic.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DB_NAME = "zalo.sqlite3"


def db_path(data_dir: Path) -> Path:
    return Path(data_dir) / DB_NAME


@contextmanager
def connect(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection in autocommit mode (transactions are explicit), WAL journal, fully synced commits."""
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, timeout=10.0, isolation_level=None)
    try:
        connection.row_factory = sqlite3.Row
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=FULL")
        yield connection
    finally:
        connection.close()


@contextmanager
def transaction(connection: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield connection
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")
