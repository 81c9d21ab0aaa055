"""Proof that the person in the chat is the citizen whose data fills the form: a one-time code.

**The embedded default only demonstrates the flow.** ``OtpService`` with its default :class:`ChatDelivery` hands
the code back to the assistant, which sends it *as a chat message in the same conversation*. That proves nothing
about identity (whoever holds the chat gets the code); it exists so the whole "verify, consent, pre-fill" path can
be tried end to end without outside services. A real deployment plugs its own :class:`Verifier`: a VNeID login
(OAuth/OpenID Connect with the national identity app), or ``OtpService`` with a ``deliver`` function that sends
the code by SMS to the phone number on record (and returns a hint such as "sent to 09******78").

``OtpService`` rules:

- ``issue`` makes a 6-digit code with ``secrets.randbelow``; one live code per sender (a new one replaces the old);
  it expires after 5 minutes.
- Only a salted ``hashlib.scrypt`` hash of (ID number, code) is stored, never the code; sender ids and ID numbers are
  stored as keyed hashes too. The comparison is constant-time (``hmac.compare_digest``).
- ``check`` answers ``"ok"`` (once: the code is then used up), ``"wrong"``, ``"expired"``, ``"none"`` (no live code
  for this sender and ID number) or ``"locked"``. Wrong 6-digit answers count against the *sender*, across codes:
  the 3rd failure within 15 minutes deletes the code and locks the sender for 15 minutes (that 3rd answer already
  gets ``"locked"``); asking for a new code does not reset the count. An answer that is not 6 digits at all
  ("mã chưa tới") is ``"wrong"`` but does not count: it is not a guess.

State lives in SQL (``store_url``; SQLite by default, PostgreSQL when several action servers share it).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Literal, Protocol, runtime_checkable

from sqlalchemy import BigInteger, Integer, String, delete, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from .._sql import LazyDatabase
from ._state import DEFAULT_PEPPER, Clock, default_state_url, epoch_ms, keyed_hash, utc_now
from .base import IdentityUnavailable, normalize_id_number
from .model import Citizen

log = logging.getLogger(__name__)

CheckResult = Literal["ok", "wrong", "expired", "locked", "none"]
Delivery = Callable[[str, Citizen, str], str | None]  # (sender_id, citizen, code) -> hint for the citizen

CODE_DIGITS = 6
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32, "maxmem": 64 * 1024 * 1024}


class VerificationLocked(RuntimeError):
    """Too many wrong codes: the sender may not try again before ``until`` (aware UTC datetime)."""

    def __init__(self, until: datetime) -> None:
        super().__init__("too many wrong codes; locked for a while")
        self.until = until


@runtime_checkable
class Verifier(Protocol):
    def start(self, sender_id: str, citizen: Citizen) -> str | None:
        """Begin proving that ``sender_id`` is ``citizen``; a hint for the citizen ("sent to 09******78") or None.

        May raise VerificationLocked (too many failures) or IdentityUnavailable.
        """
        ...

    def confirm(self, sender_id: str, citizen: Citizen, answer: str) -> bool:
        """Whether ``answer`` completes the proof started with ``start``."""
        ...


class ChatDelivery:
    """The demo delivery: keeps each new code in memory, briefly, for the assistant to send in the chat.

    ``take(sender_id)`` returns it once. Nothing is written anywhere; entries older than ``keep_seconds`` vanish.
    """

    def __init__(self, keep_seconds: float = 120.0) -> None:
        self.keep_seconds = keep_seconds
        self._outbox: dict[str, tuple[str, float]] = {}
        self._guard = threading.Lock()

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    def __call__(self, sender_id: str, citizen: Citizen, code: str) -> str | None:
        deadline = time.monotonic() + self.keep_seconds
        with self._guard:
            self._outbox = {k: v for k, v in self._outbox.items() if v[1] > time.monotonic()}
            self._outbox[sender_id] = (code, deadline)
        return None  # no hint: the code itself goes into the chat

    def take(self, sender_id: str) -> str | None:
        with self._guard:
            entry = self._outbox.pop(sender_id, None)
        if entry is None or entry[1] <= time.monotonic():
            return None
        return entry[0]


class _StateBase(DeclarativeBase):
    pass


class OtpRow(_StateBase):
    __tablename__ = "identity_otp_codes"

    sender_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    id_key: Mapped[str] = mapped_column(String(64))
    salt: Mapped[str] = mapped_column(String(32))
    code_hash: Mapped[str] = mapped_column(String(64))
    issued_at_ms: Mapped[int] = mapped_column(BigInteger)
    expires_at_ms: Mapped[int] = mapped_column(BigInteger)


class OtpSenderRow(_StateBase):
    __tablename__ = "identity_otp_senders"

    sender_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_ms: Mapped[int | None] = mapped_column(BigInteger)
    locked_until_ms: Mapped[int | None] = mapped_column(BigInteger)


def _code_hash(salt: bytes, id_number: str, code: str) -> bytes:
    return hashlib.scrypt(f"{id_number}:{code}".encode("ascii"), salt=salt, **_SCRYPT)  # type: ignore[arg-type]


def _read_code(answer: object) -> str | None:
    if not isinstance(answer, str) or len(answer) > 64:
        return None
    squeezed = "".join(unicodedata.normalize("NFKC", answer).split())
    if len(squeezed) != CODE_DIGITS or not squeezed.isascii() or not squeezed.isdigit():
        return None
    return squeezed


class OtpService:
    """One-time codes (see the module docstring); a :class:`Verifier` with ``deliver`` as the channel."""

    def __init__(
        self,
        store_url: str | None = None,
        *,
        deliver: Delivery | None = None,
        clock: Clock | None = None,
        ttl: timedelta = timedelta(minutes=5),
        max_failures: int = 3,
        lockout: timedelta = timedelta(minutes=15),
        pepper: bytes | None = None,
    ) -> None:
        if max_failures < 1:
            raise ValueError("max_failures must be >= 1")
        self.db = LazyDatabase(store_url or default_state_url())
        self.deliver: Delivery = deliver if deliver is not None else ChatDelivery()
        self.clock: Clock = clock or utc_now
        self.ttl = ttl
        self.max_failures = max_failures
        self.lockout = lockout
        self._pepper = pepper or DEFAULT_PEPPER
        self._schema_ready = False
        self._schema_guard = threading.Lock()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.db.dialect}://…, deliver={self.deliver!r})"

    # -- storage -----------------------------------------------------------------------------------------------------

    @contextmanager
    def _transaction(self) -> Iterator[Session]:
        try:
            self._ensure_schema()
            with self.db.session() as session, session.begin():
                yield session
        except SQLAlchemyError as exc:
            log.warning("verification store error: %s", type(exc).__name__)
            raise IdentityUnavailable(f"verification store unavailable ({type(exc).__name__})") from None

    def _ensure_schema(self) -> None:
        with self._schema_guard:
            if not self._schema_ready:
                _StateBase.metadata.create_all(self.db.engine)
                self._schema_ready = True

    def close(self) -> None:
        self.db.dispose()

    def _now_ms(self) -> int:
        return epoch_ms(self.clock())

    def _sender(self, session: Session, sender_key: str, now_ms: int) -> OtpSenderRow:
        row = session.scalars(
            select(OtpSenderRow).where(OtpSenderRow.sender_key == sender_key).with_for_update()
        ).one_or_none()
        if row is None:
            row = OtpSenderRow(sender_key=sender_key, failures=0)
            session.add(row)
            session.flush()
        window_ms = int(self.lockout.total_seconds() * 1000)
        if row.locked_until_ms is not None and row.locked_until_ms <= now_ms:
            row.locked_until_ms = None
            row.failures = 0
        if row.last_failure_ms is not None and now_ms - row.last_failure_ms > window_ms:
            row.failures = 0
        return row

    @staticmethod
    def _locked(row: OtpSenderRow, now_ms: int) -> bool:
        return row.locked_until_ms is not None and row.locked_until_ms > now_ms

    # -- the service -------------------------------------------------------------------------------------------------

    def issue(self, sender_id: str, id_number: str) -> str:
        """A new 6-digit code for (sender, ID number), replacing any live one; VerificationLocked if locked."""
        canonical = normalize_id_number(id_number)
        if canonical is None:
            raise ValueError("not a 12-digit ID number")
        sender_key = keyed_hash(self._pepper, "sender", sender_id)
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        salt = secrets.token_bytes(16)
        now_ms = self._now_ms()
        with self._transaction() as session:
            sender = self._sender(session, sender_key, now_ms)
            if self._locked(sender, now_ms):
                assert sender.locked_until_ms is not None
                raise VerificationLocked(datetime.fromtimestamp(sender.locked_until_ms / 1000, UTC))
            session.execute(delete(OtpRow).where(OtpRow.sender_key == sender_key))
            session.add(
                OtpRow(
                    sender_key=sender_key,
                    id_key=keyed_hash(self._pepper, "id", f"{sender_key}:{canonical}"),
                    salt=salt.hex(),
                    code_hash=_code_hash(salt, canonical, code).hex(),
                    issued_at_ms=now_ms,
                    expires_at_ms=now_ms + int(self.ttl.total_seconds() * 1000),
                )
            )
        return code

    def check(self, sender_id: str, id_number: str, code: str) -> CheckResult:
        """Whether ``code`` is the sender's live code for ``id_number`` (see the module docstring)."""
        canonical = normalize_id_number(id_number)
        sender_key = keyed_hash(self._pepper, "sender", sender_id)
        now_ms = self._now_ms()
        with self._transaction() as session:
            sender = self._sender(session, sender_key, now_ms)
            if self._locked(sender, now_ms):
                return "locked"
            live = session.scalars(
                select(OtpRow).where(OtpRow.sender_key == sender_key).with_for_update()
            ).one_or_none()
            if live is None or canonical is None:
                return "none"
            expected_id = keyed_hash(self._pepper, "id", f"{sender_key}:{canonical}")
            if not hmac.compare_digest(live.id_key, expected_id):
                return "none"
            if live.expires_at_ms <= now_ms:
                session.delete(live)
                return "expired"
            given = _read_code(code)
            if given is None:
                return "wrong"
            computed = _code_hash(bytes.fromhex(live.salt), canonical, given)
            if hmac.compare_digest(computed, bytes.fromhex(live.code_hash)):
                session.delete(live)
                sender.failures = 0
                sender.last_failure_ms = None
                return "ok"
            sender.failures += 1
            sender.last_failure_ms = now_ms
            if sender.failures >= self.max_failures:
                session.delete(live)
                sender.failures = 0
                sender.locked_until_ms = now_ms + int(self.lockout.total_seconds() * 1000)
                log.info("verification: a sender was locked after %d wrong codes", self.max_failures)
                return "locked"
            return "wrong"

    def locked_until(self, sender_id: str) -> datetime | None:
        """When the sender's lock ends (aware UTC), or None when not locked."""
        sender_key = keyed_hash(self._pepper, "sender", sender_id)
        now_ms = self._now_ms()
        with self._transaction() as session:
            row = session.get(OtpSenderRow, sender_key)
            if row is None or not self._locked(row, now_ms):
                return None
            assert row.locked_until_ms is not None
            return datetime.fromtimestamp(row.locked_until_ms / 1000, UTC)

    # -- Verifier ----------------------------------------------------------------------------------------------------

    def start(self, sender_id: str, citizen: Citizen) -> str | None:
        code = self.issue(sender_id, citizen.id_number)
        return self.deliver(sender_id, citizen, code)

    def confirm(self, sender_id: str, citizen: Citizen, answer: str) -> bool:
        return self.check(sender_id, citizen.id_number, answer) == "ok"


def code_for_chat(verifier: object, sender_id: str) -> str | None:
    """The code to send in the chat after ``verifier.start`` — only with the demo :class:`ChatDelivery`, else None."""
    deliver = getattr(verifier, "deliver", None)
    if isinstance(deliver, ChatDelivery):
        return deliver.take(sender_id)
    return None
