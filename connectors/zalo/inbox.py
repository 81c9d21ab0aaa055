"""A durable inbox of Zalo webhook events in SQLite: de-duplicated, processed in arrival order, resumed on restart.

An event moves ``pending`` → ``done`` (its replies were sent), ``skipped`` (outside Zalo's 48 h window, or nothing
to answer) or ``failed`` (retries used up). Once the dialogue has answered, the rendered Zalo messages are stored
with the event (``outbox``) and ``sent`` counts those Zalo accepted, so a retry or a restart neither asks Rasa again
nor re-sends what already went out. Finished events keep only their id (for de-duplication) until pruned.

Per user the time of their last message is kept: Zalo lets an OA answer for free only within 48 h of it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .store import connect, transaction

INTERACTION_WINDOW_S = 48 * 3600
NOT_AN_INTERACTION = frozenset({"unfollow"})

_SCHEMA = (
    """
    CREATE TABLE IF NOT EXISTS zalo_inbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        event_id TEXT NOT NULL UNIQUE,
        user_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL,
        received_at REAL NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at REAL NOT NULL DEFAULT 0,
        outbox TEXT,
        sent INTEGER NOT NULL DEFAULT 0,
        updated_at REAL NOT NULL DEFAULT 0
    )
    """,
    "CREATE INDEX IF NOT EXISTS zalo_inbox_pending ON zalo_inbox (status, user_id, seq)",
    "CREATE TABLE IF NOT EXISTS zalo_users (user_id TEXT PRIMARY KEY, last_message_at REAL NOT NULL)",
)


@dataclass(frozen=True)
class InboxEvent:
    seq: int
    event_id: str
    user_id: str
    kind: str
    payload: dict[str, Any]
    received_at: float
    attempts: int
    outbox: list[dict[str, Any]] | None
    sent: int


class Inbox:
    def __init__(self, path: Path, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path)
        self.clock = clock
        with connect(self.path) as db, transaction(db):
            for statement in _SCHEMA:
                db.execute(statement)

    def accept(self, event_id: str, user_id: str, kind: str, payload_json: str, received_at: float) -> bool:
        """Stores a new event; False when this event id was already seen (Zalo retrying a delivery)."""
        with connect(self.path) as db, transaction(db):
            cursor = db.execute(
                "INSERT OR IGNORE INTO zalo_inbox (event_id, user_id, kind, payload, received_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (event_id, user_id, kind, payload_json, received_at, self.clock()),
            )
            if cursor.rowcount != 1:
                return False
            if kind not in NOT_AN_INTERACTION:
                db.execute(
                    "INSERT INTO zalo_users (user_id, last_message_at) VALUES (?, ?) ON CONFLICT (user_id)"
                    " DO UPDATE SET last_message_at = MAX(last_message_at, excluded.last_message_at)",
                    (user_id, received_at),
                )
        return True

    def ready(self, now: float, limit: int) -> list[InboxEvent]:
        """The oldest pending event of each user (later ones wait their turn), due now, in arrival order."""
        with connect(self.path) as db:
            rows = db.execute(
                "SELECT e.* FROM zalo_inbox e JOIN (SELECT MIN(seq) AS seq FROM zalo_inbox WHERE status = 'pending'"
                " GROUP BY user_id) head ON head.seq = e.seq WHERE e.next_attempt_at <= ? ORDER BY e.seq LIMIT ?",
                (now, limit),
            ).fetchall()
        return [_event(row) for row in rows]

    def next_due(self, now: float) -> float | None:
        """When the earliest pending event waiting for a retry becomes due (None if there is none)."""
        with connect(self.path) as db:
            row = db.execute(
                "SELECT MIN(next_attempt_at) FROM zalo_inbox WHERE status = 'pending' AND next_attempt_at > ?", (now,)
            ).fetchone()
        return row[0] if row and row[0] is not None else None

    def save_outbox(self, seq: int, messages: list[dict[str, Any]]) -> None:
        self._update(seq, "outbox = ?, sent = 0", json.dumps(messages, ensure_ascii=False))

    def mark_sent(self, seq: int, sent: int) -> None:
        self._update(seq, "sent = ?", sent)

    def finish(self, seq: int, status: str) -> None:
        """``done``, ``skipped`` or ``failed``: the event's content is dropped, its id kept for de-duplication."""
        if status not in ("done", "skipped", "failed"):
            raise ValueError(status)
        self._update(seq, "status = ?, payload = '{}', outbox = NULL", status)

    def retry_later(self, seq: int, attempts: int, at: float) -> None:
        with connect(self.path) as db, transaction(db):
            db.execute(
                "UPDATE zalo_inbox SET attempts = ?, next_attempt_at = ?, updated_at = ? WHERE seq = ?",
                (attempts, at, self.clock(), seq),
            )

    def in_window(self, user_id: str, now: float, window_s: float = INTERACTION_WINDOW_S) -> bool:
        """Whether the user's last message is recent enough for the OA to answer."""
        with connect(self.path) as db:
            row = db.execute("SELECT last_message_at FROM zalo_users WHERE user_id = ?", (user_id,)).fetchone()
        return row is not None and now - float(row[0]) <= window_s

    def status(self, event_id: str) -> str | None:
        with connect(self.path) as db:
            row = db.execute("SELECT status FROM zalo_inbox WHERE event_id = ?", (event_id,)).fetchone()
        return row[0] if row else None

    def counts(self) -> dict[str, int]:
        with connect(self.path) as db:
            rows = db.execute("SELECT status, COUNT(*) FROM zalo_inbox GROUP BY status").fetchall()
        return {row[0]: row[1] for row in rows}

    def prune(self, finished_before: float, now: float, window_s: float = INTERACTION_WINDOW_S) -> None:
        """Forgets finished events last touched before ``finished_before`` and users silent for over the window."""
        with connect(self.path) as db, transaction(db):
            db.execute(
                "DELETE FROM zalo_inbox WHERE status != 'pending' AND updated_at < ?",
                (finished_before,),
            )
            db.execute(
                "DELETE FROM zalo_users WHERE last_message_at < ? AND user_id NOT IN"
                " (SELECT user_id FROM zalo_inbox WHERE status = 'pending')",
                (now - window_s,),
            )

    def _update(self, seq: int, assignments: str, value: object) -> None:
        with connect(self.path) as db, transaction(db):
            db.execute(
                f"UPDATE zalo_inbox SET {assignments}, updated_at = ? WHERE seq = ?",
                (value, self.clock(), seq),
            )


def _event(row: Any) -> InboxEvent:
    return InboxEvent(
        seq=row["seq"],
        event_id=row["event_id"],
        user_id=row["user_id"],
        kind=row["kind"],
        payload=json.loads(row["payload"] or "{}"),
        received_at=float(row["received_at"]),
        attempts=int(row["attempts"]),
        outbox=json.loads(row["outbox"]) if row["outbox"] is not None else None,
        sent=int(row["sent"]),
    )
