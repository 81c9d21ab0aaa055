"""Dossiers in a SQL database (SQLAlchemy 2): the embedded SQLite demo and a province's PostgreSQL.

The same code runs on both. Datetimes are stored in UTC (SQLite has no time zones: naive UTC there, ``timestamptz``
on PostgreSQL) and come back timezone-aware in Vietnam's time. The engine is created on first use, never at import
or in ``__init__``.

Tables: ``dossiers``; ``dossier_status_events`` (the history); ``supplement_requests`` and ``payment_requests``
(every request ever made; the open one has no ``resolved_at``); ``demo_seed`` (when the demo data was seeded, see
:mod:`.seed`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    Engine,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    create_engine,
    event,
    select,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship, selectinload, sessionmaker
from sqlalchemy.pool import StaticPool
from sqlalchemy.types import TypeDecorator

from .._sql import cache_sqlite_url
from .base import BackendUnavailable
from .codes import normalize_dossier_code
from .model import (
    METHODS,
    VN_TZ,
    Dossier,
    DossierStatus,
    PaymentRequest,
    StatusEvent,
    SupplementRequest,
)

log = logging.getLogger(__name__)


def default_sqlite_url() -> str:
    """``sqlite:///$MOTCUA_CACHE_DIR/dossiers.sqlite3`` (``MOTCUA_CACHE_DIR`` defaults to ``~/.cache/motcua``)."""
    return cache_sqlite_url("dossiers.sqlite3")


class AwareDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime: UTC in the database, Asia/Ho_Chi_Minh when read back. Naive values are refused."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime: dossier times must be timezone-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(VN_TZ)


def _one_of(column: str, values: Any) -> str:
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


class Base(DeclarativeBase):
    pass


class DossierRow(Base):
    __tablename__ = "dossiers"
    __table_args__ = (
        CheckConstraint(_one_of("status", DossierStatus), name="ck_dossiers_status"),
        CheckConstraint(_one_of("method", METHODS), name="ck_dossiers_method"),
    )

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    procedure_code: Mapped[str] = mapped_column(String(20))
    procedure_name: Mapped[str] = mapped_column(Text)
    agency: Mapped[str] = mapped_column(Text)
    applicant_name: Mapped[str] = mapped_column(Text)
    applicant_phone: Mapped[str] = mapped_column(String(20))
    applicant_id_number: Mapped[str] = mapped_column(String(20))
    method: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(32))
    current_step: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    due_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime, index=True)

    events: Mapped[list[StatusEventRow]] = relationship(
        back_populates="dossier",
        cascade="all, delete-orphan",
        order_by=lambda: (StatusEventRow.at, StatusEventRow.id),
    )
    supplements: Mapped[list[SupplementRow]] = relationship(
        back_populates="dossier",
        cascade="all, delete-orphan",
        order_by=lambda: (SupplementRow.requested_at, SupplementRow.id),
    )
    payments: Mapped[list[PaymentRow]] = relationship(
        back_populates="dossier",
        cascade="all, delete-orphan",
        order_by=lambda: (PaymentRow.requested_at, PaymentRow.id),
    )


class StatusEventRow(Base):
    __tablename__ = "dossier_status_events"
    __table_args__ = (
        CheckConstraint(_one_of("status", DossierStatus), name="ck_dossier_status_events_status"),
        Index("ix_dossier_status_events_dossier_at", "dossier_code", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dossier_code: Mapped[str] = mapped_column(ForeignKey("dossiers.code", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(AwareDateTime)
    note: Mapped[str] = mapped_column(Text, default="")

    dossier: Mapped[DossierRow] = relationship(back_populates="events")


class SupplementRow(Base):
    __tablename__ = "supplement_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dossier_code: Mapped[str] = mapped_column(ForeignKey("dossiers.code", ondelete="CASCADE"), index=True)
    documents: Mapped[list[str]] = mapped_column(JSON)
    deadline: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    requested_at: Mapped[datetime] = mapped_column(AwareDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(AwareDateTime)

    dossier: Mapped[DossierRow] = relationship(back_populates="supplements")


class PaymentRow(Base):
    __tablename__ = "payment_requests"
    __table_args__ = (CheckConstraint("amount_vnd >= 0", name="ck_payment_requests_amount"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dossier_code: Mapped[str] = mapped_column(ForeignKey("dossiers.code", ondelete="CASCADE"), index=True)
    amount_vnd: Mapped[int] = mapped_column(BigInteger)
    deadline: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    requested_at: Mapped[datetime] = mapped_column(AwareDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(AwareDateTime)

    dossier: Mapped[DossierRow] = relationship(back_populates="payments")


class DemoSeedRow(Base):
    """One row when the demo data is in: the ``now`` it was built around (so re-seeding finds the same codes)."""

    __tablename__ = "demo_seed"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    anchor: Mapped[datetime] = mapped_column(AwareDateTime)
    seeded_at: Mapped[datetime] = mapped_column(AwareDateTime)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _to_dossier(row: DossierRow) -> Dossier:
    open_supplements = [s for s in row.supplements if s.resolved_at is None]
    open_payments = [p for p in row.payments if p.resolved_at is None]
    supplement = payment = None
    if open_supplements:
        s = open_supplements[-1]
        supplement = SupplementRequest(documents=tuple(s.documents or ()), deadline=s.deadline, note=s.note or "")
    if open_payments:
        p = open_payments[-1]
        payment = PaymentRequest(amount_vnd=int(p.amount_vnd), deadline=p.deadline, note=p.note or "")
    return Dossier(
        code=row.code,
        procedure_code=row.procedure_code,
        procedure_name=row.procedure_name,
        agency=row.agency,
        applicant_name=row.applicant_name,
        applicant_phone=row.applicant_phone,
        applicant_id_number=row.applicant_id_number,
        method=row.method,
        status=DossierStatus(row.status),
        current_step=row.current_step or "",
        received_at=row.received_at,
        due_at=row.due_at,
        completed_at=row.completed_at,
        updated_at=row.updated_at,
        history=tuple(StatusEvent(DossierStatus(e.status), e.at, e.note or "") for e in row.events),
        supplement=supplement,
        payment=payment,
    )


def _require_aware(name: str, value: datetime) -> None:
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")


def dossier_row(dossier: Dossier) -> DossierRow:
    """The ORM rows (dossier, events, open supplement / payment request) for a new ``dossier``."""
    if normalize_dossier_code(dossier.code) != dossier.code:
        raise ValueError("not a canonical dossier code")
    row = DossierRow(
        code=dossier.code,
        procedure_code=dossier.procedure_code,
        procedure_name=dossier.procedure_name,
        agency=dossier.agency,
        applicant_name=dossier.applicant_name,
        applicant_phone=dossier.applicant_phone,
        applicant_id_number=dossier.applicant_id_number,
        method=dossier.method,
        status=DossierStatus(dossier.status).value,
        current_step=dossier.current_step,
        received_at=dossier.received_at,
        due_at=dossier.due_at,
        completed_at=dossier.completed_at,
        updated_at=dossier.updated_at,
    )
    row.events = [StatusEventRow(status=e.status.value, at=e.at, note=e.note) for e in dossier.history]
    asked_at = dossier.history[-1].at if dossier.history else dossier.updated_at
    if dossier.supplement is not None:
        s = dossier.supplement
        row.supplements = [
            SupplementRow(documents=list(s.documents), deadline=s.deadline, note=s.note, requested_at=asked_at)
        ]
    if dossier.payment is not None:
        p = dossier.payment
        row.payments = [PaymentRow(amount_vnd=p.amount_vnd, deadline=p.deadline, note=p.note, requested_at=asked_at)]
    return row


class SqlDossierBackend:
    """A :class:`~.base.DossierBackend` over SQLAlchemy: ``sqlite:///…`` or ``postgresql+psycopg://…``.

    Database errors become :class:`~.base.BackendUnavailable` (message without the URL or any row data).
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self._engine: Engine | None = None
        self._sessions: sessionmaker[Session] | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        # Never the full URL: it may hold a password.
        return f"{type(self).__name__}({self.url.split(':', 1)[0]}://…)"

    # -- engine ------------------------------------------------------------------------------------------------

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine, created on first use."""
        if self._engine is None:
            with self._lock:
                if self._engine is None:
                    self._engine = self._create_engine()
                    self._sessions = sessionmaker(bind=self._engine, expire_on_commit=False)
        return self._engine

    def _create_engine(self) -> Engine:
        url = make_url(self.url)
        kwargs: dict[str, Any] = {}
        if url.get_backend_name() == "sqlite":
            database = url.database or ""
            kwargs["connect_args"] = {"check_same_thread": False}
            if database in ("", ":memory:"):
                kwargs["poolclass"] = StaticPool  # one shared in-memory database
            elif not database.startswith("file:"):
                Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, **kwargs)
            event.listen(engine, "connect", _sqlite_pragmas)
            return engine
        return create_engine(url, pool_pre_ping=True, **kwargs)

    def session(self) -> Session:
        """A new ORM session on this database (for the seed and import jobs; use it as a context manager)."""
        self.engine  # noqa: B018 - creates the engine and the session factory on first use
        assert self._sessions is not None
        return self._sessions()

    @contextmanager
    def _unavailable_on_db_error(self) -> Iterator[None]:
        try:
            yield
        except SQLAlchemyError as exc:
            log.warning("dossier database error: %s", type(exc).__name__)
            raise BackendUnavailable(f"dossier database unavailable ({type(exc).__name__})") from None

    def close(self) -> None:
        """Release the connections (the engine is created again on next use)."""
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
            self._engine = None
            self._sessions = None

    def create_schema(self) -> None:
        """Create the tables that do not exist yet (idempotent)."""
        with self._unavailable_on_db_error():
            Base.metadata.create_all(self.engine)

    # -- DossierBackend ----------------------------------------------------------------------------------------

    @staticmethod
    def _load_options() -> tuple[Any, ...]:
        return (
            selectinload(DossierRow.events),
            selectinload(DossierRow.supplements),
            selectinload(DossierRow.payments),
        )

    def get(self, code: str) -> Dossier | None:
        canonical = normalize_dossier_code(code)
        if canonical is None:
            return None
        with self._unavailable_on_db_error(), self.session() as session:
            row = session.scalars(
                select(DossierRow).where(DossierRow.code == canonical).options(*self._load_options())
            ).one_or_none()
            return _to_dossier(row) if row is not None else None

    def changed_since(self, since: datetime) -> list[Dossier]:
        _require_aware("since", since)
        with self._unavailable_on_db_error(), self.session() as session:
            rows = session.scalars(
                select(DossierRow)
                .where(DossierRow.updated_at > since)
                .order_by(DossierRow.updated_at, DossierRow.code)
                .options(*self._load_options())
            ).all()
            return [_to_dossier(row) for row in rows]

    def healthy(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(select(1))
        except Exception:  # any failure means "not healthy"; never raise from a health check
            return False
        return True

    # -- writing (the demo, tests, an import job) ---------------------------------------------------------------

    def add(self, dossier: Dossier) -> None:
        """Insert a whole dossier (history, open supplement / payment request). The code must be canonical and new."""
        row = dossier_row(dossier)
        with self._unavailable_on_db_error(), self.session() as session, session.begin():
            session.add(row)

    def set_status(
        self,
        code: str,
        status: DossierStatus | str,
        at: datetime,
        note: str = "",
        supplement: SupplementRequest | None = None,
        payment: PaymentRequest | None = None,
        *,
        current_step: str | None = None,
    ) -> Dossier:
        """Move a dossier to ``status`` at ``at`` (a new history event; ``updated_at`` becomes ``at``).

        Any open supplement / payment request is closed; ``supplement`` is required with (and only with)
        ``supplement_requested``, ``payment`` with ``payment_requested``. ``current_step`` defaults to the status
        wording. Entering ``received`` sets ``received_at`` (if unset), ``completed`` sets ``completed_at``.
        Returns the dossier as stored; LookupError for an unknown code.
        """
        status = DossierStatus(status)
        _require_aware("at", at)
        if (status is DossierStatus.SUPPLEMENT_REQUESTED) != (supplement is not None):
            raise ValueError("a SupplementRequest goes with (and only with) the status supplement_requested")
        if (status is DossierStatus.PAYMENT_REQUESTED) != (payment is not None):
            raise ValueError("a PaymentRequest goes with (and only with) the status payment_requested")
        canonical = normalize_dossier_code(code)
        if canonical is None:
            raise LookupError("not a dossier code")
        with self._unavailable_on_db_error(), self.session() as session, session.begin():
            row = session.scalars(
                select(DossierRow)
                .where(DossierRow.code == canonical)
                .options(*self._load_options())
                .with_for_update(of=DossierRow)
            ).one_or_none()
            if row is None:
                raise LookupError("no dossier with this code")
            for request in (*row.supplements, *row.payments):
                if request.resolved_at is None:
                    request.resolved_at = at
            row.status = status.value
            row.updated_at = at
            row.current_step = current_step if current_step is not None else status.label_vi
            if status is DossierStatus.RECEIVED and row.received_at is None:
                row.received_at = at
            if status is DossierStatus.COMPLETED or (status is DossierStatus.RETURNED and row.completed_at is None):
                row.completed_at = at
            row.events.append(StatusEventRow(status=status.value, at=at, note=note))
            if supplement is not None:
                row.supplements.append(
                    SupplementRow(
                        documents=list(supplement.documents),
                        deadline=supplement.deadline,
                        note=supplement.note,
                        requested_at=at,
                    )
                )
            if payment is not None:
                row.payments.append(
                    PaymentRow(
                        amount_vnd=payment.amount_vnd, deadline=payment.deadline, note=payment.note, requested_at=at
                    )
                )
        stored = self.get(canonical)
        assert stored is not None
        return stored
