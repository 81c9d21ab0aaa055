"""Subscriptions (a chat sender follows a dossier) and the ledger of notices sent, in SQL (SQLite by default).

The ledger has a unique key per (sender, dossier, notice), so a notice is sent once even if the notifier restarts
between sending and recording: it records first ("claims" the notice), then sends.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    create_engine,
    delete,
    insert,
    select,
)
from sqlalchemy.exc import IntegrityError

from .._sql import cache_sqlite_url

metadata = MetaData()

subscriptions = Table(
    "subscriptions",
    metadata,
    Column("sender_id", String(160), primary_key=True),  # "zalo:<user id>", "telegram:<chat id>", "web:<id>"
    Column("dossier_code", String(40), primary_key=True),
    Column("language", String(2), nullable=False, default="vi"),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

sent_notices = Table(
    "sent_notices",
    metadata,
    Column("sender_id", String(160), nullable=False),
    Column("dossier_code", String(40), nullable=False),
    Column("notice", String(120), nullable=False),  # e.g. "status:completed", "due:2026-12-03"
    Column("sent_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("sender_id", "dossier_code", "notice", name="uq_notice_once"),
)


def default_notifications_url() -> str:
    return os.environ.get("MOTCUA_NOTIFICATIONS_DB_URL") or cache_sqlite_url("notifications.sqlite3")


class SubscriptionStore:
    def __init__(self, url: str | None = None) -> None:
        self.url = url or default_notifications_url()
        self._engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            if self.url.startswith("sqlite:///"):
                Path(self.url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
            self._engine = create_engine(self.url, future=True)
            metadata.create_all(self._engine)
        return self._engine

    def subscribe(self, sender_id: str, dossier_code: str, language: str = "vi") -> None:
        with self.engine.begin() as db:
            db.execute(
                delete(subscriptions).where(
                    subscriptions.c.sender_id == sender_id, subscriptions.c.dossier_code == dossier_code
                )
            )
            db.execute(
                insert(subscriptions).values(
                    sender_id=sender_id, dossier_code=dossier_code, language=language, created_at=datetime.now(UTC)
                )
            )

    def unsubscribe_all(self, sender_id: str) -> None:
        with self.engine.begin() as db:
            db.execute(delete(subscriptions).where(subscriptions.c.sender_id == sender_id))

    def subscribers(self, dossier_code: str) -> list[tuple[str, str]]:
        """(sender id, language) of everyone following ``dossier_code``."""
        with self.engine.connect() as db:
            rows = db.execute(
                select(subscriptions.c.sender_id, subscriptions.c.language).where(
                    subscriptions.c.dossier_code == dossier_code
                )
            )
            return [(r.sender_id, r.language) for r in rows]

    def followed_codes(self) -> list[str]:
        with self.engine.connect() as db:
            return sorted({r[0] for r in db.execute(select(subscriptions.c.dossier_code))})

    def claim(self, sender_id: str, dossier_code: str, notice: str) -> bool:
        """Record that ``notice`` goes to ``sender_id``; False when it was already recorded (never send twice)."""
        try:
            with self.engine.begin() as db:
                db.execute(
                    insert(sent_notices).values(
                        sender_id=sender_id, dossier_code=dossier_code, notice=notice, sent_at=datetime.now(UTC)
                    )
                )
        except IntegrityError:
            return False
        return True

    def sent(self, sender_id: str, dossier_code: str) -> set[str]:
        """The notices already recorded for ``sender_id`` about ``dossier_code`` (sent, or baseline)."""
        with self.engine.connect() as db:
            rows = db.execute(
                select(sent_notices.c.notice).where(
                    sent_notices.c.sender_id == sender_id, sent_notices.c.dossier_code == dossier_code
                )
            )
            return {r.notice for r in rows}

    def baseline(self, sender_id: str, dossier_code: str, notice_keys: Iterable[str]) -> int:
        """Record ``notice_keys`` as sent without sending them: what a new subscriber has just been shown.

        Call it *before* :meth:`subscribe` (the notifier only looks at subscribed senders, so there is no moment
        when it could announce them); keys already recorded are left as they are. Returns how many were new.
        """
        return sum(self.claim(sender_id, dossier_code, key) for key in dict.fromkeys(notice_keys))
