"""The citizen's consent to use their identity data for one purpose (one form), for a short time.

``grant(sender_id, id_number, purpose)`` records that the person in this chat agreed that the data of this ID
number may be used for ``purpose`` (e.g. ``"form:1.001193"``: pre-filling the birth registration form); it lasts
30 minutes by default (one form session), ``revoke(sender_id)`` ends every consent of the sender at once, and
``granted`` tells whether a live one exists.

Nothing personal is stored in clear: the sender id and the ID number are kept as keyed hashes (so the table shows
neither who chatted nor whose data it was), the purpose as given (it must be a short key, not free text), and
never a name. Revoked and expired rows are kept (the hashes, the times) as the record that consent was given and
withdrawn; ``purge(before)`` deletes what ended before a moment.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlalchemy import BigInteger, Index, Integer, String, delete, or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from .._sql import LazyDatabase
from ._state import DEFAULT_PEPPER, Clock, default_state_url, epoch_ms, keyed_hash, utc_now
from .base import IdentityUnavailable, normalize_id_number

log = logging.getLogger(__name__)

PURPOSE = re.compile(r"[a-z][a-z0-9_.:-]{0,63}")


class _ConsentBase(DeclarativeBase):
    pass


class ConsentRow(_ConsentBase):
    __tablename__ = "identity_consents"
    __table_args__ = (Index("ix_identity_consents_lookup", "sender_key", "id_key", "purpose"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sender_key: Mapped[str] = mapped_column(String(64), index=True)
    id_key: Mapped[str] = mapped_column(String(64))
    purpose: Mapped[str] = mapped_column(String(64))
    granted_at_ms: Mapped[int] = mapped_column(BigInteger)
    expires_at_ms: Mapped[int] = mapped_column(BigInteger)
    revoked_at_ms: Mapped[int | None] = mapped_column(BigInteger)


def _purpose(purpose: str) -> str:
    if not isinstance(purpose, str) or not PURPOSE.fullmatch(purpose):
        raise ValueError("purpose must be a short key such as 'form:1.001193'")
    return purpose


class ConsentStore:
    """Consents in SQL (``store_url``; by default the same SQLite file as the one-time codes)."""

    def __init__(
        self,
        store_url: str | None = None,
        *,
        ttl: timedelta = timedelta(minutes=30),
        clock: Clock | None = None,
        pepper: bytes | None = None,
    ) -> None:
        if ttl <= timedelta(0):
            raise ValueError("ttl must be positive")
        self.db = LazyDatabase(store_url or default_state_url())
        self.ttl = ttl
        self.clock: Clock = clock or utc_now
        self._pepper = pepper or DEFAULT_PEPPER
        self._schema_ready = False
        self._schema_guard = threading.Lock()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.db.dialect}://…)"

    @contextmanager
    def _transaction(self) -> Iterator[Session]:
        try:
            with self._schema_guard:
                if not self._schema_ready:
                    _ConsentBase.metadata.create_all(self.db.engine)
                    self._schema_ready = True
            with self.db.session() as session, session.begin():
                yield session
        except SQLAlchemyError as exc:
            log.warning("consent store error: %s", type(exc).__name__)
            raise IdentityUnavailable(f"consent store unavailable ({type(exc).__name__})") from None

    def close(self) -> None:
        self.db.dispose()

    def _keys(self, sender_id: str, id_number: str) -> tuple[str, str] | None:
        canonical = normalize_id_number(id_number)
        if canonical is None:
            return None
        sender_key = keyed_hash(self._pepper, "sender", sender_id)
        return sender_key, keyed_hash(self._pepper, "id", f"{sender_key}:{canonical}")

    def grant(self, sender_id: str, id_number: str, purpose: str, at: datetime | None = None) -> datetime:
        """Record consent given at ``at`` (default: now); when it expires. A live one for the same key is renewed."""
        keys = self._keys(sender_id, id_number)
        if keys is None:
            raise ValueError("not a 12-digit ID number")
        purpose = _purpose(purpose)
        at_ms = epoch_ms(at if at is not None else self.clock())
        until_ms = at_ms + int(self.ttl.total_seconds() * 1000)
        sender_key, id_key = keys
        with self._transaction() as session:
            session.execute(
                update(ConsentRow)
                .where(
                    ConsentRow.sender_key == sender_key,
                    ConsentRow.id_key == id_key,
                    ConsentRow.purpose == purpose,
                    ConsentRow.revoked_at_ms.is_(None),
                    ConsentRow.expires_at_ms > at_ms,
                )
                .values(revoked_at_ms=at_ms)
            )
            session.add(
                ConsentRow(
                    sender_key=sender_key, id_key=id_key, purpose=purpose, granted_at_ms=at_ms, expires_at_ms=until_ms
                )
            )
        return datetime.fromtimestamp(until_ms / 1000, (at or self.clock()).tzinfo)

    def revoke(self, sender_id: str) -> int:
        """End every live consent of the sender now; how many there were."""
        sender_key = keyed_hash(self._pepper, "sender", sender_id)
        now_ms = epoch_ms(self.clock())
        with self._transaction() as session:
            result = session.execute(
                update(ConsentRow)
                .where(
                    ConsentRow.sender_key == sender_key,
                    ConsentRow.revoked_at_ms.is_(None),
                    ConsentRow.expires_at_ms > now_ms,
                )
                .values(revoked_at_ms=now_ms)
            )
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def granted(self, sender_id: str, id_number: str, purpose: str) -> bool:
        """Whether the sender has a live (not expired, not revoked) consent for this ID number and purpose."""
        keys = self._keys(sender_id, id_number)
        if keys is None or not isinstance(purpose, str) or not PURPOSE.fullmatch(purpose):
            return False
        sender_key, id_key = keys
        now_ms = epoch_ms(self.clock())
        with self._transaction() as session:
            found = session.scalars(
                select(ConsentRow.id)
                .where(
                    ConsentRow.sender_key == sender_key,
                    ConsentRow.id_key == id_key,
                    ConsentRow.purpose == purpose,
                    ConsentRow.revoked_at_ms.is_(None),
                    ConsentRow.granted_at_ms <= now_ms,
                    ConsentRow.expires_at_ms > now_ms,
                )
                .limit(1)
            ).first()
        return found is not None

    def purge(self, before: datetime) -> int:
        """Delete the consents that ended (expired or revoked) before ``before``; how many."""
        cutoff = epoch_ms(before)
        with self._transaction() as session:
            result = session.execute(
                delete(ConsentRow).where(or_(ConsentRow.expires_at_ms < cutoff, ConsentRow.revoked_at_ms < cutoff))
            )
            return int(result.rowcount or 0)  # type: ignore[attr-defined]
