"""Notices waiting for a web-widget conversation (``<data_dir>/widget_outbox.sqlite3``).

The widget cannot be pushed to: the notifier stores the text here and the widget fetches it (``GET /api/notices``)
the next time the citizen opens it. :meth:`WidgetOutbox.take` returns the waiting notices of one sender and marks
them delivered in the same transaction, so each is handed out once; a delivered notice keeps no text. Notices nobody
fetched are forgotten after ``retention_s`` (30 days), delivered rows after a day.

Each operation opens its own short-lived connection, so the file can be used from the event loop's worker threads.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

DB_NAME = "widget_outbox.sqlite3"
RETENTION_S = 30 * 24 * 3600.0
DELIVERED_RETENTION_S = 24 * 3600.0
MAX_TAKE = 20

_SCHEMA = (
    """
    CREATE TABLE IF NOT EXISTS widget_outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        sender_id TEXT NOT NULL,
        text TEXT NOT NULL,
        created_at REAL NOT NULL,
        delivered_at REAL
    )
    """,
    "CREATE INDEX IF NOT EXISTS widget_outbox_waiting ON widget_outbox (sender_id, delivered_at, id)",
)


def outbox_path(data_dir: Path) -> Path:
    return Path(data_dir) / DB_NAME


@dataclass(frozen=True, slots=True)
class WaitingNotice:
    text: str
    created_at: float  # Unix time the notifier stored it


class WidgetOutbox:
    def __init__(self, path: Path, clock: Callable[[], float] = time.time, retention_s: float = RETENTION_S) -> None:
        self.path = Path(path)
        self.clock = clock
        self.retention_s = retention_s
        with self._connect() as db:
            for statement in _SCHEMA:
                db.execute(statement)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A connection in one ``BEGIN IMMEDIATE`` transaction: committed on success, rolled back on error."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=10.0, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        finally:
            db.close()

    def put(self, sender_id: str, text: str) -> None:
        """Keep ``text`` for the widget conversation ``sender_id`` (the Rasa sender, ``web:<widget id>``)."""
        with self._connect() as db:
            db.execute(
                "INSERT INTO widget_outbox (sender_id, text, created_at) VALUES (?, ?, ?)",
                (sender_id, text, self.clock()),
            )

    def take(self, sender_id: str, limit: int = MAX_TAKE) -> list[WaitingNotice]:
        """The notices waiting for ``sender_id``, oldest first (at most ``limit``), now marked delivered."""
        now = self.clock()
        with self._connect() as db:
            rows = db.execute(
                "SELECT id, text, created_at FROM widget_outbox WHERE sender_id = ? AND delivered_at IS NULL"
                " AND created_at >= ? ORDER BY id LIMIT ?",
                (sender_id, now - self.retention_s, limit),
            ).fetchall()
            db.executemany(
                "UPDATE widget_outbox SET delivered_at = ?, text = '' WHERE id = ?", [(now, row[0]) for row in rows]
            )
        return [WaitingNotice(row[1], float(row[2])) for row in rows]

    def waiting(self, sender_id: str) -> int:
        """How many notices ``sender_id`` has not fetched yet."""
        with self._connect() as db:
            row = db.execute(
                "SELECT COUNT(*) FROM widget_outbox WHERE sender_id = ? AND delivered_at IS NULL", (sender_id,)
            ).fetchone()
        return int(row[0])

    def prune(self) -> int:
        """Forget delivered rows older than a day and notices nobody fetched within the retention; how many."""
        now = self.clock()
        with self._connect() as db:
            cursor = db.execute(
                "DELETE FROM widget_outbox WHERE (delivered_at IS NOT NULL AND delivered_at < ?) OR created_at < ?",
                (now - DELIVERED_RETENTION_S, now - self.retention_s),
            )
            return cursor.rowcount
